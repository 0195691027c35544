/** Proxy side: the key never leaves the proxy; only the CSR (public key + requested SAN) does. */
import { x509, subtle, type CryptoKeyPair } from './webcrypto.js';
import { EC_P256, exportPkcs8Pem } from './keys.js';
import { formatSpiffeId, type WorkloadIdentity } from './identity.js';
import type { KeyAndCsr } from './config.js';

export async function createKeyAndCsr(identity: WorkloadIdentity): Promise<KeyAndCsr> {
  const keys = (await subtle.generateKey(EC_P256, true, ['sign', 'verify'])) as CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    keys,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'url', value: formatSpiffeId(identity) }], true)],
  });
  return { keyPem: await exportPkcs8Pem(keys.privateKey), csrPem: csr.toString('pem') + '\n' };
}
