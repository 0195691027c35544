/**
 * Key handling shared by the CA and the proxy: node's KeyObject parses every PEM flavour Istio
 * writes (PKCS#1, SEC1, PKCS#8); WebCrypto needs PKCS#8, so keys pass through it on the way in.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import type { webcrypto } from 'node:crypto';
import { subtle, type CryptoKey } from './webcrypto.js';

export interface SigningKey {
  key: CryptoKey;
  /** What @peculiar/x509 needs to sign with this key (name + hash). */
  signingAlgorithm: { name: string; hash: string };
  keyObject: KeyObject;
}

export const EC_P256: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
export const RSA_2048: webcrypto.RsaHashedKeyGenParams = { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };

const CURVE_HASH: Record<string, string> = { 'P-256': 'SHA-256', 'P-384': 'SHA-384', 'P-521': 'SHA-512' };
const NODE_CURVE: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

/** Describes a public or private KeyObject the way WebCrypto and the checks here need it. */
export function describeKey(k: KeyObject): { kind: 'rsa'; bits: number } | { kind: 'ec'; curve: string } | { kind: 'other'; type: string } {
  const details = k.asymmetricKeyDetails ?? {};
  if (k.asymmetricKeyType === 'rsa') return { kind: 'rsa', bits: details.modulusLength ?? 0 };
  if (k.asymmetricKeyType === 'ec') return { kind: 'ec', curve: NODE_CURVE[details.namedCurve ?? ''] ?? details.namedCurve ?? '' };
  return { kind: 'other', type: k.asymmetricKeyType ?? 'unknown' };
}

/** Throws node's parse error for text that is not a private key. */
export async function importSigningKey(pem: string): Promise<SigningKey> {
  const keyObject = createPrivateKey(pem);
  const pkcs8 = keyObject.export({ type: 'pkcs8', format: 'der' });
  const d = describeKey(keyObject);
  if (d.kind === 'rsa') {
    const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    return { key: await subtle.importKey('pkcs8', pkcs8, alg, false, ['sign']), signingAlgorithm: alg, keyObject };
  }
  if (d.kind === 'ec' && CURVE_HASH[d.curve]) {
    const key = await subtle.importKey('pkcs8', pkcs8, { name: 'ECDSA', namedCurve: d.curve }, false, ['sign']);
    return { key, signingAlgorithm: { name: 'ECDSA', hash: CURVE_HASH[d.curve] ?? 'SHA-256' }, keyObject };
  }
  throw new Error(`unsupported signing key type ${d.kind === 'other' ? d.type : `EC ${d.curve}`}`);
}

/** PKCS#8 PEM of a WebCrypto private key. */
export async function exportPkcs8Pem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await subtle.exportKey('pkcs8', key));
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** The PEM flavour Istio's CA writes for its own key: PKCS#1 for RSA, SEC1 for EC. */
export function istioKeyPem(keyObject: KeyObject): string {
  const type = keyObject.asymmetricKeyType === 'rsa' ? 'pkcs1' : 'sec1';
  return keyObject.export({ type, format: 'pem' }).toString();
}

export function publicKeyOf(spkiDer: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.from(spkiDer), format: 'der', type: 'spki' });
}
