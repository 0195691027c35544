/**
 * Mesh-shaped certificates for tests, made by Debian's openssl (an oracle tack did not write): a
 * root, and leaves with Istio's shape (empty subject, critical `spiffe://` URI SAN, client and
 * server EKU), plus a leaf from an unrelated root.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestLeaf {
  certChainPem: string;
  privateKeyPem: string;
  rootCertPem: string;
  spiffe: string;
  certFile: string;
  keyFile: string;
}

export interface TestCa {
  dir: string;
  rootFile: string;
  rootPem: string;
  leaf(namespace: string, serviceAccount: string): TestLeaf;
  cleanup(): void;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function makeTestCa(name = 'root'): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'tack-ca-'));
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '1', '-subj', '/O=cluster.local'], dir);
  const rootFile = join(dir, `${name}.crt`);
  const rootPem = readFileSync(rootFile, 'utf8');
  let n = 0;
  return {
    dir,
    rootFile,
    rootPem,
    leaf(namespace, serviceAccount) {
      const id = `leaf${n++}`;
      const spiffe = `spiffe://cluster.local/ns/${namespace}/sa/${serviceAccount}`;
      openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${id}.key`, '-out', `${id}.csr`, '-subj', '/'], dir);
      writeFileSync(join(dir, `${id}.ext`), `subjectAltName=critical,URI:${spiffe}\nextendedKeyUsage=serverAuth,clientAuth\nkeyUsage=digitalSignature,keyEncipherment\nbasicConstraints=CA:FALSE\n`);
      openssl(['x509', '-req', '-in', `${id}.csr`, '-CA', `${name}.crt`, '-CAkey', `${name}.key`, '-CAcreateserial', '-out', `${id}.crt`, '-days', '1', '-extfile', `${id}.ext`], dir);
      return { certChainPem: readFileSync(join(dir, `${id}.crt`), 'utf8'), privateKeyPem: readFileSync(join(dir, `${id}.key`), 'utf8'), rootCertPem: rootPem, spiffe, certFile: join(dir, `${id}.crt`), keyFile: join(dir, `${id}.key`) };
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
