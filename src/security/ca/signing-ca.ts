/**
 * Turns the four `cacerts` texts into a CA that can sign, after the checks Istio makes on a plugged-in
 * CA: every file parses, ca-cert is a CA, the key fits it, and it chains to root-cert through
 * cert-chain. Errors name the file and say why.
 */
import { X509Certificate as NodeCert } from 'node:crypto';
import { x509 } from './webcrypto.js';
import { CaError } from './errors.js';
import { certificatesDer, certPem } from './pem.js';
import { importSigningKey, type SigningKey } from './keys.js';
import type { CaFiles } from './config.js';

export const CA_FILE_NAMES = {
  caCertPem: 'ca-cert.pem',
  caKeyPem: 'ca-key.pem',
  rootCertPem: 'root-cert.pem',
  certChainPem: 'cert-chain.pem',
} as const satisfies Record<keyof CaFiles, string>;

export interface SigningCa {
  files: CaFiles;
  signer: SigningKey;
  /** The signing certificate, parsed. */
  cert: InstanceType<typeof x509.X509Certificate>;
  /** PEMs to place between a leaf and the root: ca-cert (unless it is the root) and its intermediates. */
  intermediatesPem: string[];
  /** The root this CA chains to. */
  anchorPem: string;
  notBefore: number;
  notAfter: number;
}

type FileNames = Record<keyof CaFiles, string>;

function certs(text: string, file: string): NodeCert[] {
  let ders: Buffer[];
  try {
    ders = certificatesDer(text);
  } catch (e) {
    throw new CaError('malformed', `${file}: ${(e as Error).message}`, file);
  }
  if (ders.length === 0) throw new CaError('malformed', `${file}: no PEM CERTIFICATE block found`, file);
  return ders.map((der, i) => {
    try {
      return new NodeCert(der);
    } catch (e) {
      throw new CaError('malformed', `${file}: certificate #${i + 1} does not parse (${(e as Error).message})`, file);
    }
  });
}

function issuedBy(child: NodeCert, parent: NodeCert): boolean {
  return child.checkIssued(parent) && child.verify(parent.publicKey);
}

/** Walks from ca-cert through cert-chain to a root; returns the certificates strictly below the root. */
function pathToRoot(caCert: NodeCert, chain: NodeCert[], roots: NodeCert[], names: FileNames): { below: NodeCert[]; root: NodeCert } {
  const below: NodeCert[] = [];
  let current = caCert;
  for (let hops = 0; hops <= chain.length; hops++) {
    const root = roots.find((r) => r.raw.equals(current.raw) || issuedBy(current, r));
    if (root) {
      if (!root.raw.equals(current.raw)) below.push(current);
      return { below, root };
    }
    const next = chain.find((c) => !c.raw.equals(current.raw) && c.ca && issuedBy(current, c));
    if (!next) break;
    below.push(current);
    current = next;
  }
  throw new CaError(
    'untrusted-chain',
    `${names.caCertPem}: does not chain to a certificate in ${names.rootCertPem} (through ${names.certChainPem})`,
    names.caCertPem,
  );
}

export async function openSigningCa(files: CaFiles, now: number, names: FileNames = CA_FILE_NAMES): Promise<SigningCa> {
  const [caCert] = certs(files.caCertPem, names.caCertPem);
  if (!caCert) throw new CaError('malformed', `${names.caCertPem}: no certificate`, names.caCertPem);
  if (!caCert.ca) throw new CaError('not-ca', `${names.caCertPem}: not a CA certificate (basicConstraints CA:TRUE is missing)`, names.caCertPem);
  const parsed = new x509.X509Certificate(caCert.raw);
  const ku = parsed.getExtension(x509.KeyUsagesExtension);
  if (ku && (ku.usages & x509.KeyUsageFlags.keyCertSign) === 0) {
    throw new CaError('not-ca', `${names.caCertPem}: key usage does not allow signing certificates (keyCertSign)`, names.caCertPem);
  }
  let signer: SigningKey;
  try {
    signer = await importSigningKey(files.caKeyPem);
  } catch (e) {
    throw new CaError('malformed', `${names.caKeyPem}: not a usable private key (${(e as Error).message})`, names.caKeyPem);
  }
  if (!caCert.checkPrivateKey(signer.keyObject)) {
    throw new CaError('mismatch', `${names.caKeyPem}: the private key does not match the certificate in ${names.caCertPem}`, names.caKeyPem);
  }
  const notBefore = parsed.notBefore.getTime();
  const notAfter = parsed.notAfter.getTime();
  if (now > notAfter) throw new CaError('expired', `${names.caCertPem}: expired at ${parsed.notAfter.toISOString()}`, names.caCertPem);
  const roots = certs(files.rootCertPem, names.rootCertPem);
  const chain = certs(files.certChainPem, names.certChainPem);
  const { below, root } = pathToRoot(caCert, chain, roots, names);
  return {
    files,
    signer,
    cert: parsed,
    intermediatesPem: below.map((c) => certPem(c.raw)),
    anchorPem: certPem(root.raw),
    notBefore,
    notAfter,
  };
}
