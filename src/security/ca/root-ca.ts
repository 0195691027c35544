/**
 * Istio's self-signed root (citadel's self-signed mode): RSA 2048, SHA-256 with RSA, subject and
 * issuer `O=<trust domain>`, ten years, key usage critical certSign, basic constraints critical CA:TRUE,
 * a subject key id. In that mode ca-cert, root-cert and cert-chain are the same certificate.
 */
import { x509, subtle, type CryptoKeyPair } from './webcrypto.js';
import { EC_P256, RSA_2048, exportPkcs8Pem, istioKeyPem } from './keys.js';
import { createPrivateKey } from 'node:crypto';
import { randomSerialHex, wholeSeconds, type RandomBytes } from './serial.js';
import type { CaFiles } from './config.js';

export const SELF_SIGNED_ROOT_TTL_MS = 3650 * 24 * 3600 * 1000;

export interface RootOptions {
  now: number;
  trustDomain?: string;
  ttlMs?: number;
  /** Istio's default is RSA 2048; EC P-256 is offered because it is ~100x faster to generate (tests). */
  keyType?: 'rsa-2048' | 'ec-p256';
  randomBytes?: RandomBytes;
}

export async function createSelfSignedRoot(opts: RootOptions): Promise<CaFiles> {
  const keyType = opts.keyType ?? 'rsa-2048';
  const genAlg = keyType === 'rsa-2048' ? RSA_2048 : EC_P256;
  const signingAlgorithm = keyType === 'rsa-2048' ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } : { name: 'ECDSA', hash: 'SHA-256' };
  const keys = (await subtle.generateKey(genAlg, true, ['sign', 'verify'])) as CryptoKeyPair;
  const notBefore = wholeSeconds(opts.now);
  const name = new x509.Name([{ '2.5.4.10': [opts.trustDomain ?? 'cluster.local'] }]);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerialHex(opts.randomBytes),
    name,
    notBefore: new Date(notBefore),
    notAfter: new Date(notBefore + (opts.ttlMs ?? SELF_SIGNED_ROOT_TTL_MS)),
    keys,
    signingAlgorithm,
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
      new x509.BasicConstraintsExtension(true, undefined, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const pem = cert.toString('pem') + '\n';
  const keyPem = istioKeyPem(createPrivateKey(await exportPkcs8Pem(keys.privateKey)));
  return { caCertPem: pem, caKeyPem: keyPem, rootCertPem: pem, certChainPem: pem };
}
