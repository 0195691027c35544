/** Reads URI SANs with a real ASN.1 decoder: node's `subjectAltName` string quotes odd values. */
import { x509 } from './webcrypto.js';
import { certificatesDer } from './pem.js';

function firstCertDer(cert: string | Uint8Array): Uint8Array {
  if (typeof cert !== 'string') return cert;
  const der = certificatesDer(cert)[0];
  if (!der) throw new Error('no CERTIFICATE block in the PEM text');
  return der;
}

/** Every URI SAN of the certificate (the first one, if given a PEM bundle), in order. */
export function uriSansOf(cert: string | Uint8Array): string[] {
  const parsed = new x509.X509Certificate(firstCertDer(cert));
  const ext = parsed.getExtension(x509.SubjectAlternativeNameExtension);
  if (!ext) return [];
  return ext.names.items.filter((n) => n.type === 'url').map((n) => n.value);
}

/** The URI SANs that are SPIFFE ids. */
export function spiffeIdsOf(cert: string | Uint8Array): string[] {
  return uriSansOf(cert).filter((u) => u.startsWith('spiffe://'));
}
