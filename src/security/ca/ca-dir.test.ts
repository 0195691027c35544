import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { cpSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCaDir, loadOrCreateCa } from './ca-dir.js';
import { issueWorkloadCertificate } from './issue.js';
import { createKeyAndCsr } from './proxy-csr.js';
import { CA_FILE_NAMES } from './signing-ca.js';
import { ALICE, openssl, tempDir } from './test-fixtures.js';

const tmp = tempDir();
const now = Date.now();
afterAll(() => tmp.cleanup());

/** An operator's `cacerts` directory made the way Istio's docs do it: openssl root -> intermediate. */
function pluggedInCa(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const run = (args: string[]) => openssl(args, dir);
  writeFileSync(join(dir, 'int.ext'), 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,digitalSignature,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n');
  run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'root-key.pem', '-out', 'root-cert.pem', '-days', '30', '-subj', '/O=Istio/CN=Root CA']);
  run(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca-key.pem', '-out', 'ca.csr', '-subj', '/O=Istio/CN=Intermediate CA/L=cluster1']);
  run(['x509', '-req', '-in', 'ca.csr', '-CA', 'root-cert.pem', '-CAkey', 'root-key.pem', '-CAcreateserial', '-out', 'ca-cert.pem', '-days', '10', '-extfile', 'int.ext']);
  writeFileSync(join(dir, 'cert-chain.pem'), readFileSync(join(dir, 'ca-cert.pem'), 'utf8') + readFileSync(join(dir, 'root-cert.pem'), 'utf8'));
}

describe('loadOrCreateCa (state directory)', () => {
  it('creates the four cacerts files once, key 0600, and reuses them afterwards', async () => {
    const dir = join(tmp.dir, 'state');
    const first = await loadOrCreateCa(dir, { now, keyType: 'ec-p256' });
    expect(first.created).toBe(true);
    for (const name of Object.values(CA_FILE_NAMES)) expect(statSync(join(dir, name)).isFile()).toBe(true);
    expect(statSync(join(dir, 'ca-key.pem')).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o077).toBe(0);
    const second = await loadOrCreateCa(dir, { now, keyType: 'ec-p256' });
    expect(second.created).toBe(false);
    expect(second.ca.files.caCertPem).toBe(first.ca.files.caCertPem);
    // The key file is one openssl can read and it fits the certificate.
    const keyPub = openssl(['pkey', '-in', join(dir, 'ca-key.pem'), '-pubout']);
    const certPub = openssl(['x509', '-in', join(dir, 'ca-cert.pem'), '-noout', '-pubkey']);
    expect(keyPub).toBe(certPub);
  });
});

describe('loadCaDir (--ca-dir)', () => {
  const dir = join(tmp.dir, 'cacerts');
  beforeAll(() => pluggedInCa(dir));

  it('signs with a plugged-in intermediate and returns leaf, intermediate, root', async () => {
    const ca = await loadCaDir(dir, now);
    const { csrPem } = await createKeyAndCsr(ALICE);
    const issued = await issueWorkloadCertificate(ca, csrPem, ALICE, { now });
    expect(issued.chainPem).toHaveLength(3);
    expect(issued.chainPem[1]).toBe(readFileSync(join(dir, 'ca-cert.pem'), 'utf8'));
    const leaf = tmp.file('int-leaf.pem', issued.certPem);
    const chain = tmp.file('int-chain.pem', issued.chainPem.slice(1).join(''));
    expect(openssl(['verify', '-CAfile', join(dir, 'root-cert.pem'), '-untrusted', chain, leaf]).trim()).toMatch(/: OK$/);
    // Without the intermediate the leaf must not verify: the chain really goes through it.
    expect(() => openssl(['verify', '-CAfile', join(dir, 'root-cert.pem'), leaf])).toThrow();
    expect(openssl(['x509', '-noout', '-issuer', '-in', leaf])).toContain('CN = Intermediate CA');
  });

  function broken(name: string, change: (d: string) => void): string {
    const d = join(tmp.dir, name);
    cpSync(dir, d, { recursive: true });
    change(d);
    return d;
  }

  it('names ca-key.pem when the key does not fit ca-cert.pem', async () => {
    const d = broken('mismatch', (x) => openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', join(x, 'ca-key.pem')]));
    await expect(loadCaDir(d, now)).rejects.toMatchObject({
      code: 'mismatch',
      file: join(d, 'ca-key.pem'),
      message: `${join(d, 'ca-key.pem')}: the private key does not match the certificate in ${join(d, 'ca-cert.pem')}`,
    });
  });

  it('names a missing file', async () => {
    const d = broken('missing', (x) => rmSync(join(x, 'root-cert.pem')));
    await expect(loadCaDir(d, now)).rejects.toMatchObject({ code: 'missing', message: `${join(d, 'root-cert.pem')}: file is missing` });
  });

  it('names an unreadable file', async () => {
    // A directory where the file should be: unreadable even for root, unlike chmod 000.
    const d = broken('unreadable', (x) => {
      rmSync(join(x, 'cert-chain.pem'));
      mkdirSync(join(x, 'cert-chain.pem'));
    });
    await expect(loadCaDir(d, now)).rejects.toMatchObject({ code: 'unreadable', message: `${join(d, 'cert-chain.pem')}: cannot be read (EISDIR)` });
  });

  it('refuses a ca-cert.pem that is not a CA', async () => {
    const d = broken('not-ca', (x) => {
      openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca-key.pem', '-out', 'ca-cert.pem', '-days', '1', '-subj', '/CN=leaf', '-addext', 'basicConstraints=critical,CA:FALSE'], x);
    });
    await expect(loadCaDir(d, now)).rejects.toMatchObject({ code: 'not-ca', file: join(d, 'ca-cert.pem') });
  });

  it('refuses a CA that does not chain to root-cert.pem', async () => {
    const d = broken('other-root', (x) => {
      openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'other-key.pem', '-out', 'root-cert.pem', '-days', '1', '-subj', '/O=Istio/CN=Root CA'], x);
    });
    await expect(loadCaDir(d, now)).rejects.toMatchObject({ code: 'untrusted-chain', message: expect.stringContaining('does not chain to a certificate in') });
  });

  it('refuses malformed PEM and an expired CA', async () => {
    const d = broken('garbage', (x) => writeFileSync(join(x, 'ca-cert.pem'), 'hello'));
    await expect(loadCaDir(d, now)).rejects.toMatchObject({ code: 'malformed', message: `${join(d, 'ca-cert.pem')}: no PEM CERTIFICATE block found` });
    await expect(loadCaDir(dir, now + 11 * 24 * 3_600_000)).rejects.toMatchObject({ code: 'expired' });
  });
});
