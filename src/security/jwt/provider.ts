/**
 * One provider (one JWT rule) checking its own tokens, as Envoy's provider verifier does: every
 * token it finds must pass, the last found checked first; checks run in Envoy's order (format,
 * issuer, time, audience, key) so the first failure names the same status Envoy's would.
 */
import type { JwtProviderConfig } from './config.js';
import { buildExtractor, type Extractor, type TokenLocation } from './extract.js';
import { parseJwks, type KeySet } from './jwks.js';
import type { JwksCache } from './jwks-cache.js';
import type { JwtRequest } from './request.js';
import { verifySignature } from './signature.js';
import type { JwtStatusName } from './status.js';
import { normalizeAudience, parseJwt, timeStatus, type ParsedJwt } from './token.js';

export interface VerifiedToken {
  readonly jwt: ParsedJwt;
  readonly location: TokenLocation;
}

/** A provider's verdict; `verified` holds the tokens that passed before any failure, in check order. */
export type ProviderResult = { status: JwtStatusName; verified: VerifiedToken[] } | { status: 'pending' };

export interface ProviderVerifier {
  readonly config: JwtProviderConfig;
  /** Headers Envoy strips from every request this provider sees, so clients cannot forge its outputs. */
  readonly sanitized: readonly string[];
  /** Synchronous unless keys are still being fetched: then `pending` gets the fetch to wait on. */
  verify(req: JwtRequest, nowSeconds: number, pending: Promise<void>[]): ProviderResult;
}

type KeySource = () => KeySet | 'none' | 'failed' | Promise<void>;

function keySourceOf(config: JwtProviderConfig, cache: JwksCache): KeySource {
  const src = config.jwks;
  if (src.kind === 'inline') {
    const parsed = parseJwks(src.jwks);
    const keys = parsed.ok ? parsed.keySet : 'none';
    return () => keys;
  }
  return () => cache.lookup(src);
}

export function buildProviderVerifier(config: JwtProviderConfig, cache: JwksCache): ProviderVerifier {
  const extractor: Extractor = buildExtractor(config.locations);
  const audiences = new Set(config.audiences.map(normalizeAudience));
  const keys = keySourceOf(config, cache);
  const sanitized = [config.outputPayloadToHeader, ...config.outputClaimToHeaders.map((c) => c.header)].filter((h) => h !== '').map((h) => h.toLowerCase());

  function audienceAllowed(jwt: ParsedJwt): boolean {
    if (audiences.size === 0) return true;
    return jwt.audiences.some((a) => audiences.has(normalizeAudience(a)));
  }

  /** The parsed token when it passes, else its failure (or 'pending' while keys are fetched). */
  function check(token: string, nowSeconds: number, pending: Promise<void>[]): ParsedJwt | JwtStatusName | 'pending' {
    const jwt = parseJwt(token);
    if (typeof jwt === 'string') return jwt;
    if (config.issuer !== '' && jwt.iss !== config.issuer) return 'JwtUnknownIssuer';
    const time = timeStatus(jwt, nowSeconds, config.clockSkewSeconds);
    if (time !== 'Ok') return time;
    if (!audienceAllowed(jwt)) return 'JwtAudienceNotAllowed';
    const k = keys();
    if (k === 'none') return 'JwksNoValidKeys';
    if (k === 'failed') return 'JwksFetchFail';
    if (k instanceof Promise) {
      pending.push(k);
      return 'pending';
    }
    const sig = verifySignature(jwt, k);
    return sig === 'Ok' ? jwt : sig;
  }

  return {
    config,
    sanitized,
    verify(req, nowSeconds, pending) {
      const tokens = extractor.extract(req);
      if (tokens.length === 0) return { status: 'JwtMissed', verified: [] };
      const verified: VerifiedToken[] = [];
      for (let i = tokens.length - 1; i >= 0; i--) {
        const t = tokens[i]!;
        const r = check(t.token, nowSeconds, pending);
        if (r === 'pending') return { status: 'pending' };
        if (typeof r === 'string') return { status: r, verified };
        verified.push({ jwt: r, location: t.location });
      }
      return { status: 'Ok', verified };
    },
  };
}
