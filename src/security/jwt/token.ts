/**
 * Parsing a compact JWS the way Envoy's jwt_verify_lib does: the same checks in the same order,
 * so a malformed token fails with the status (and body) Envoy would answer with.
 */
import type { JwtStatusName } from './status.js';

/** A JWT payload: a JSON object. */
export type JwtClaims = Readonly<Record<string, unknown>>;

export interface ParsedJwt {
  readonly alg: string;
  /** '' when the header has no kid. */
  readonly kid: string;
  /** '' when absent. */
  readonly iss: string;
  readonly sub: string;
  /** Seconds; 0 when absent. */
  readonly nbf: number;
  readonly exp: number;
  readonly audiences: readonly string[];
  readonly claims: JwtClaims;
  /** The payload exactly as sent, base64url. */
  readonly payloadBase64url: string;
  /** `header.payload`: the bytes the signature covers. */
  readonly signingInput: string;
  readonly signature: Buffer;
}

const IMPLEMENTED_ALGS = new Set(['ES256', 'ES384', 'ES512', 'HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA']);
const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;
const MAX_UINT64 = 2 ** 64;

/** Base64url (padding optional) to bytes, or undefined when the text is not base64url. */
function decodeBase64url(text: string): Buffer | undefined {
  if (!BASE64URL.test(text)) return undefined;
  const bare = text.replace(/=+$/, '');
  if (bare.length % 4 === 1) return undefined;
  return Buffer.from(bare, 'base64url');
}

function parseObject(bytes: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

type Read<T> = T | 'missing' | 'wrong';

function readString(o: Record<string, unknown>, key: string): Read<string> {
  if (!(key in o)) return 'missing';
  const v = o[key];
  return typeof v === 'string' ? v : 'wrong';
}

/** Envoy reads times as unsigned 64-bit integers from JSON numbers (fractions truncated). */
function readTime(o: Record<string, unknown>, key: string): Read<number> | 'range' {
  if (!(key in o)) return 'missing';
  const v = o[key];
  if (typeof v !== 'number') return 'wrong';
  if (v < 0 || v >= MAX_UINT64) return 'range';
  return Math.trunc(v);
}

/** The parsed token, or the status Envoy fails it with. */
export function parseJwt(token: string): ParsedJwt | JwtStatusName {
  const parts = token.split('.').filter((p) => p !== '');
  if (parts.length !== 3) return 'JwtBadFormat';
  const [headerText, payloadText, signatureText] = parts as [string, string, string];

  const headerBytes = decodeBase64url(headerText);
  if (headerBytes === undefined) return 'JwtHeaderParseErrorBadBase64';
  const header = parseObject(headerBytes);
  if (header === undefined) return 'JwtHeaderParseErrorBadJson';
  const alg = readString(header, 'alg');
  if (alg === 'missing' || alg === 'wrong') return 'JwtHeaderBadAlg';
  if (!IMPLEMENTED_ALGS.has(alg)) return 'JwtHeaderNotImplementedAlg';
  const kid = readString(header, 'kid');
  if (kid === 'wrong') return 'JwtHeaderBadKid';

  const payloadBytes = decodeBase64url(payloadText);
  if (payloadBytes === undefined) return 'JwtPayloadParseErrorBadBase64';
  const claims = parseObject(payloadBytes);
  if (claims === undefined) return 'JwtPayloadParseErrorBadJson';
  const iss = readString(claims, 'iss');
  if (iss === 'wrong') return 'JwtPayloadParseErrorIssNotString';
  const sub = readString(claims, 'sub');
  if (sub === 'wrong') return 'JwtPayloadParseErrorSubNotString';
  const iat = readTime(claims, 'iat');
  if (iat === 'wrong') return 'JwtPayloadParseErrorIatNotInteger';
  if (iat === 'range') return 'JwtPayloadParseErrorIatOutOfRange';
  const nbf = readTime(claims, 'nbf');
  if (nbf === 'wrong') return 'JwtPayloadParseErrorNbfNotInteger';
  if (nbf === 'range') return 'JwtPayloadParseErrorNbfOutOfRange';
  const exp = readTime(claims, 'exp');
  if (exp === 'wrong') return 'JwtPayloadParseErrorExpNotInteger';
  if (exp === 'range') return 'JwtPayloadParseErrorExpOutOfRange';
  if (readString(claims, 'jti') === 'wrong') return 'JwtPayloadParseErrorJtiNotString';
  const audiences = readAudiences(claims);
  if (audiences === undefined) return 'JwtPayloadParseErrorAudNotString';

  const signature = decodeBase64url(signatureText);
  if (signature === undefined) return 'JwtSignatureParseErrorBadBase64';
  return {
    alg,
    kid: kid === 'missing' ? '' : kid,
    iss: iss === 'missing' ? '' : iss,
    sub: sub === 'missing' ? '' : sub,
    nbf: nbf === 'missing' ? 0 : nbf,
    exp: exp === 'missing' ? 0 : exp,
    audiences,
    claims,
    payloadBase64url: payloadText,
    signingInput: `${headerText}.${payloadText}`,
    signature,
  };
}

/** `aud` as a string or a list of strings; undefined when it is anything else. */
function readAudiences(claims: Record<string, unknown>): string[] | undefined {
  if (!('aud' in claims)) return [];
  const aud = claims.aud;
  if (typeof aud === 'string') return [aud];
  if (!Array.isArray(aud)) return undefined;
  const out: string[] = [];
  for (const a of aud) {
    if (typeof a !== 'string') return undefined;
    out.push(a);
  }
  return out;
}

/** Envoy's time check: not before `nbf - skew`, not after `exp + skew` (exp 0 means none). */
export function timeStatus(jwt: ParsedJwt, nowSeconds: number, skewSeconds: number): JwtStatusName {
  if (nowSeconds + skewSeconds < jwt.nbf) return 'JwtNotYetValid';
  if (jwt.exp !== 0 && nowSeconds > jwt.exp + skewSeconds) return 'JwtExpired';
  return 'Ok';
}

/** Envoy compares audiences without an http:// or https:// scheme and without a trailing slash. */
export function normalizeAudience(aud: string): string {
  if (aud === '') return aud;
  let start = 0;
  if (aud.startsWith('http://')) start = 7;
  else if (aud.startsWith('https://')) start = 8;
  const end = aud.endsWith('/') ? aud.length - 1 : aud.length;
  return start === 0 && end === aud.length ? aud : aud.slice(start, end);
}
