/**
 * Signs a workload certificate. The identity comes from the caller's proof (a bootstrap token), never
 * from the CSR: the CSR only contributes its public key, and a CSR naming anyone else is refused.
 * Shape as Istio's CA: empty subject, KU critical digitalSignature+keyEncipherment, EKU serverAuth +
 * clientAuth, BC critical CA:FALSE, authority key id, critical URI SAN, NotBefore now−2 min,
 * NotAfter now+TTL clamped to the CA's own NotAfter.
 */
import { x509 } from './webcrypto.js';
import { CaError } from './errors.js';
import { formatSpiffeId, type WorkloadIdentity } from './identity.js';
import { describeKey, publicKeyOf } from './keys.js';
import { randomSerialHex, serialForDisplay, wholeSeconds, type RandomBytes } from './serial.js';
import type { SigningCa } from './signing-ca.js';
import type { IssuedCertificate } from './config.js';

export const DEFAULT_WORKLOAD_TTL_MS = 24 * 3600 * 1000;
export const MAX_WORKLOAD_TTL_MS = 90 * 24 * 3600 * 1000;
/** Istio's ClockSkewGracePeriod. */
export const CLOCK_SKEW_GRACE_MS = 2 * 60 * 1000;

export interface IssueOptions {
  now: number;
  ttlMs?: number;
  maxTtlMs?: number;
  randomBytes?: RandomBytes;
}

function parseCsr(csrPem: string): InstanceType<typeof x509.Pkcs10CertificateRequest> {
  try {
    return new x509.Pkcs10CertificateRequest(csrPem);
  } catch (e) {
    throw new CaError('bad-csr', `the CSR does not parse (${(e as Error).message})`);
  }
}

function checkKey(spki: ArrayBuffer): void {
  const d = describeKey(publicKeyOf(new Uint8Array(spki)));
  const ok = (d.kind === 'ec' && (d.curve === 'P-256' || d.curve === 'P-384')) || (d.kind === 'rsa' && d.bits >= 2048);
  if (!ok) throw new CaError('unsupported-key', `the CSR's key is ${d.kind === 'rsa' ? `RSA ${d.bits}` : d.kind === 'ec' ? `EC ${d.curve}` : d.type}; expected EC P-256/P-384 or RSA >= 2048`);
}

/** Every SAN the CSR asks for must be the caller's own SPIFFE id. */
function checkRequestedNames(csr: InstanceType<typeof x509.Pkcs10CertificateRequest>, spiffeId: string): void {
  for (const ext of csr.extensions) {
    if (!(ext instanceof x509.SubjectAlternativeNameExtension)) continue;
    for (const name of ext.names.items) {
      if (name.type !== 'url' || name.value !== spiffeId) {
        throw new CaError('identity-mismatch', `the CSR asks for ${name.type === 'url' ? 'URI' : name.type.toUpperCase()}:${name.value}, but the caller proved ${spiffeId}`);
      }
    }
  }
}

function hours(ms: number): string {
  return `${ms / 3_600_000}h`;
}

export async function issueWorkloadCertificate(ca: SigningCa, csrPem: string, identity: WorkloadIdentity, opts: IssueOptions): Promise<IssuedCertificate> {
  const spiffeId = formatSpiffeId(identity);
  const csr = parseCsr(csrPem);
  if (!(await csr.verify())) throw new CaError('bad-csr-signature', 'the CSR signature does not verify against its own public key');
  checkKey(csr.publicKey.rawData);
  checkRequestedNames(csr, spiffeId);

  const ttl = opts.ttlMs ?? DEFAULT_WORKLOAD_TTL_MS;
  const maxTtl = opts.maxTtlMs ?? MAX_WORKLOAD_TTL_MS;
  if (ttl > maxTtl) throw new CaError('ttl-too-long', `requested TTL ${hours(ttl)} is greater than the max allowed TTL ${hours(maxTtl)}`);
  const now = wholeSeconds(opts.now);
  if (now > ca.notAfter) throw new CaError('expired', `the CA certificate expired at ${new Date(ca.notAfter).toISOString()}; refusing to sign`);
  const notBefore = now - CLOCK_SKEW_GRACE_MS;
  const notAfter = Math.min(now + ttl, ca.notAfter);

  // Istio sets a CN only in dual-use mode, signalled by the CSR carrying one.
  const wantsCn = csr.subjectName.getField('CN').length > 0 && spiffeId.length <= 64;
  const serial = randomSerialHex(opts.randomBytes);
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: serial,
    subject: wantsCn ? new x509.Name([{ '2.5.4.3': [spiffeId] }]) : new x509.Name([]),
    issuer: ca.cert.subjectName,
    notBefore: new Date(notBefore),
    notAfter: new Date(notAfter),
    publicKey: csr.publicKey,
    signingKey: ca.signer.key,
    signingAlgorithm: ca.signer.signingAlgorithm,
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth], false),
      new x509.BasicConstraintsExtension(false, undefined, true),
      await authorityKeyId(ca),
      new x509.SubjectAlternativeNameExtension([{ type: 'url', value: spiffeId }], true),
    ],
  });
  const certPem = leaf.toString('pem') + '\n';
  return {
    spiffeId,
    certPem,
    chainPem: [certPem, ...ca.intermediatesPem, ca.anchorPem],
    rootsPem: ca.files.rootCertPem,
    serialNumber: serialForDisplay(leaf.serialNumber),
    notBefore,
    notAfter,
  };
}

/** The CA's own subject key id when it has one (what Go copies), else one derived from its key. */
async function authorityKeyId(ca: SigningCa): Promise<InstanceType<typeof x509.AuthorityKeyIdentifierExtension>> {
  const ski = ca.cert.getExtension(x509.SubjectKeyIdentifierExtension);
  if (ski) return new x509.AuthorityKeyIdentifierExtension(ski.keyId, false);
  return x509.AuthorityKeyIdentifierExtension.create(ca.cert.publicKey, false);
}
