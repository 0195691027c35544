/**
 * A JSON Web Key Set turned into ready-to-use keys, once per JWKS text: verification then never
 * imports a key. Keys Envoy would refuse are skipped; a set with no usable key is a problem.
 */
import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';

export interface VerificationKey {
  /** '' when the JWK has none. */
  readonly kid: string;
  readonly alg: string;
  readonly kty: 'RSA' | 'EC' | 'oct' | 'OKP';
  readonly key: KeyObject;
}

export interface KeySet {
  readonly keys: readonly VerificationKey[];
}

export type JwksParse = { ok: true; keySet: KeySet } | { ok: false; problem: string };

const EC_CURVE_OF_ALG: Record<string, string> = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' };

function str(o: Record<string, unknown>, k: string): string | undefined {
  const v = o[k];
  return typeof v === 'string' ? v : undefined;
}

/** The usable key of one JWK, or why it is not usable. */
function importKey(jwk: Record<string, unknown>): VerificationKey | string {
  const kty = str(jwk, 'kty');
  const alg = str(jwk, 'alg') ?? '';
  const kid = str(jwk, 'kid') ?? '';
  try {
    switch (kty) {
      case 'RSA': {
        if (alg !== '' && !alg.startsWith('RS') && !alg.startsWith('PS')) return '[alg] is not started with [RS] or [PS] for an RSA key';
        const n = str(jwk, 'n');
        const e = str(jwk, 'e');
        if (n === undefined || e === undefined) return '[n] or [e] field is missing or not a string for a RSA key';
        return { kid, alg, kty, key: createPublicKey({ key: { kty, n, e }, format: 'jwk' }) };
      }
      case 'EC': {
        if (alg !== '' && !alg.startsWith('ES')) return '[alg] is not started with [ES] for an EC key';
        const crv = str(jwk, 'crv') ?? (alg === '' ? 'P-256' : EC_CURVE_OF_ALG[alg]);
        if (crv === undefined || !Object.values(EC_CURVE_OF_ALG).includes(crv)) return '[crv] or [alg] field is not supported for an EC key';
        if (alg !== '' && EC_CURVE_OF_ALG[alg] !== crv) return '[crv] field specified is not compatible with [alg] for an EC key';
        const x = str(jwk, 'x');
        const y = str(jwk, 'y');
        if (x === undefined || y === undefined) return '[x] or [y] field is missing or not a string for an EC key';
        return { kid, alg, kty, key: createPublicKey({ key: { kty, crv, x, y }, format: 'jwk' }) };
      }
      case 'oct': {
        if (alg !== '' && !alg.startsWith('HS')) return '[alg] does not start with [HS] for an HMAC key';
        const k = str(jwk, 'k');
        if (k === undefined) return '[k] field is missing or not a string for an HMAC key';
        return { kid, alg, kty, key: createSecretKey(Buffer.from(k, 'base64url')) };
      }
      case 'OKP': {
        if (alg !== '' && alg !== 'EdDSA') return '[alg] is not [EdDSA] for an OKP key';
        const crv = str(jwk, 'crv');
        if (crv !== 'Ed25519') return '[crv] field is missing or not supported for an OKP key';
        const x = str(jwk, 'x');
        if (x === undefined) return '[x] field is missing or not a string for an OKP key';
        return { kid, alg, kty, key: createPublicKey({ key: { kty, crv, x }, format: 'jwk' }) };
      }
      case undefined:
        return '[kty] is missing in [keys]';
      default:
        return '[kty] is not supported in [keys]';
    }
  } catch (err) {
    return `key does not parse: ${(err as Error).message}`;
  }
}

/** Parses a JWKS document (`{"keys": [...]}`) as Envoy does. */
export function parseJwks(text: string): JwksParse {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'Jwks is an invalid JSON' };
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return { ok: false, problem: 'Jwks is an invalid JSON' };
  if (!('keys' in doc)) return { ok: false, problem: 'Jwks does not have [keys] field' };
  const list = (doc as { keys: unknown }).keys;
  if (!Array.isArray(list)) return { ok: false, problem: '[keys] in Jwks is not an array' };
  const keys: VerificationKey[] = [];
  const problems: string[] = [];
  for (const jwk of list) {
    const k = typeof jwk === 'object' && jwk !== null && !Array.isArray(jwk) ? importKey(jwk as Record<string, unknown>) : '[kty] is missing in [keys]';
    if (typeof k === 'string') problems.push(k);
    else keys.push(k);
  }
  if (keys.length === 0) return { ok: false, problem: `Jwks doesn't have any valid public key${problems.length ? ` (${problems.join('; ')})` : ''}` };
  return { ok: true, keySet: { keys } };
}
