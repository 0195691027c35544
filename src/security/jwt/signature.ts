/**
 * Signature check against a key set, as jwt_verify_lib does it: keys whose kid or alg disagree
 * with the token are passed over; if none is left the status says so, otherwise every remaining
 * key is tried. Synchronous, with keys imported beforehand.
 */
import { constants, createHmac, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import type { KeySet, VerificationKey } from './jwks.js';
import type { ParsedJwt } from './token.js';
import type { JwtStatusName } from './status.js';

const DIGEST: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };

function verifyWith(k: VerificationKey, alg: string, data: Buffer, signature: Buffer): boolean {
  const family = alg.slice(0, 2);
  const digest = DIGEST[alg.slice(2)];
  try {
    switch (k.kty) {
      case 'RSA':
        if (family === 'RS') return verify(digest, data, { key: k.key, padding: constants.RSA_PKCS1_PADDING }, signature);
        if (family === 'PS') return verify(digest, data, { key: k.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, signature);
        return false;
      case 'EC':
        return family === 'ES' && verify(digest, data, { key: k.key, dsaEncoding: 'ieee-p1363' }, signature);
      case 'OKP':
        return alg === 'EdDSA' && verify(null, data, k.key, signature);
      case 'oct':
        return family === 'HS' && digest !== undefined && hmacEquals(k.key, digest, data, signature);
    }
  } catch {
    return false;
  }
}

function hmacEquals(secret: KeyObject, digest: string, data: Buffer, signature: Buffer): boolean {
  const mac = createHmac(digest, secret).update(data).digest();
  return mac.length === signature.length && timingSafeEqual(mac, signature);
}

export function verifySignature(jwt: ParsedJwt, keySet: KeySet): JwtStatusName {
  const data = Buffer.from(jwt.signingInput, 'latin1');
  let matched = false;
  for (const k of keySet.keys) {
    if (jwt.kid !== '' && k.kid !== '' && k.kid !== jwt.kid) continue;
    if (k.alg !== '' && k.alg !== jwt.alg) continue;
    matched = true;
    if (verifyWith(k, jwt.alg, data, jwt.signature)) return 'Ok';
  }
  return matched ? 'JwtVerificationFail' : 'JwksKidAlgMismatch';
}
