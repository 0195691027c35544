/**
 * Checks Envoy would otherwise make when loading the secret (and NACK on): the PEMs parse and the key
 * fits the first certificate. Validity is only a warning, with Istio's wording, because istiod also
 * just logs it and still serves the certificate.
 */
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { certificatesDer } from '../ca/index.js';

export type Check = { ok: true; warnings: string[] } | { ok: false; code: 'bad-pem' | 'key-mismatch'; message: string };

function parseCerts(pem: string, key: string): X509Certificate[] | string {
  let ders: Buffer[];
  try {
    ders = certificatesDer(pem);
  } catch (e) {
    return `${key}: ${(e as Error).message}`;
  }
  if (ders.length === 0) return `${key}: pem decode failed (no CERTIFICATE block)`;
  const out: X509Certificate[] = [];
  for (const [i, der] of ders.entries()) {
    try {
      out.push(new X509Certificate(der));
    } catch (e) {
      return `${key}: certificate #${i + 1} does not parse (${(e as Error).message})`;
    }
  }
  return out;
}

function validityWarnings(certs: X509Certificate[], key: string, now: number): string[] {
  const bad = certs.some((c) => now < Date.parse(c.validFrom) || now > Date.parse(c.validTo));
  return bad ? [`${key}: certificate is expired or not yet valid`] : [];
}

export function checkCertAndKey(certPem: string, keyPem: string, names: { cert: string; key: string }, now: number): Check {
  const certs = parseCerts(certPem, names.cert);
  if (typeof certs === 'string') return { ok: false, code: 'bad-pem', message: certs };
  let key: KeyObject;
  try {
    key = createPrivateKey(keyPem);
  } catch (e) {
    return { ok: false, code: 'bad-pem', message: `${names.key}: not a usable private key (${(e as Error).message})` };
  }
  const leaf = certs[0] as X509Certificate;
  if (!leaf.checkPrivateKey(key)) return { ok: false, code: 'key-mismatch', message: `${names.key}: the private key does not match the certificate in ${names.cert}` };
  return { ok: true, warnings: validityWarnings(certs, names.cert, now) };
}

export function checkCaBundle(caPem: string, key: string, now: number): Check {
  const certs = parseCerts(caPem, key);
  if (typeof certs === 'string') return { ok: false, code: 'bad-pem', message: certs };
  return { ok: true, warnings: validityWarnings(certs, key, now) };
}
