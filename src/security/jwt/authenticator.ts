/**
 * The JWT engine for one compiled config, built once per config version. Istio asks Envoy for
 * "any provider, or no token at all": with one provider, `requires_any[p, allow_missing]`; with
 * several, `requires_any[p0, p1, ..., requires_all[any(p0, allow_missing), ...]]`. That means a
 * token that passes any provider is enough, a request without tokens passes, and anything else
 * fails with the status Envoy's requires_any aggregation picks. Verification is synchronous
 * unless a remote JWKS has never been fetched; then the result is a promise.
 */
import { claimHeaderValue, jwtPrincipalOf, normalizeClaims } from './claims.js';
import type { JwtConfig } from './config.js';
import { createJwksCache, type FetchJwks, type JwksCache, type JwksCacheEntryStatus, type JwtClock } from './jwks-cache.js';
import type { JwtDenied, JwtNone, JwtOk, JwtOutcome } from './outcome.js';
import { buildProviderVerifier, type ProviderResult, type ProviderVerifier, type VerifiedToken } from './provider.js';
import { withoutQueryParam, type JwtRequest } from './request.js';
import { httpStatusOf, JwtStatus, responseDetailsOf, wwwAuthenticateOf, type JwtStatusName } from './status.js';

export interface JwtAuthenticatorDeps {
  fetchJwks: FetchJwks;
  clock: JwtClock;
  /** Share one across config versions so a new config does not refetch every JWKS. */
  jwksCache?: JwksCache;
}

export interface JwtAuthenticator {
  authenticate(req: JwtRequest): JwtOutcome | Promise<JwtOutcome>;
  /** What the remote JWKS cache holds, for debugging. */
  jwksStatus(): JwksCacheEntryStatus[];
}

const BYPASS: JwtNone = Object.freeze({ kind: 'none', headersToRemove: Object.freeze([]) as readonly string[] });
// How many rounds of "wait for a first JWKS fetch, then check again" one request may take.
const MAX_FETCH_ROUNDS = 3;

function isCorsPreflight(req: JwtRequest): boolean {
  if (req.method !== 'OPTIONS') return false;
  const origin = req.header('origin');
  const method = req.header('access-control-request-method');
  return origin !== undefined && origin.length > 0 && method !== undefined && method.length > 0;
}

/** Envoy's requires_any aggregation: real errors beat an unknown issuer, which beats a missing token. */
function aggregate(statuses: readonly JwtStatusName[]): JwtStatusName {
  let out: JwtStatusName = 'JwtMissed';
  for (const s of statuses) if ((s !== 'JwtMissed' && s !== 'JwtUnknownIssuer') || out === 'JwtMissed') out = s;
  return out;
}

export function buildJwtAuthenticator(config: JwtConfig, deps: JwtAuthenticatorDeps): JwtAuthenticator {
  const cache = deps.jwksCache ?? createJwksCache(deps);
  const providers: ProviderVerifier[] = config.providers.map((p) => buildProviderVerifier(p, cache));
  // Envoy strips a provider's output headers when that provider runs; providers run in order.
  const sanitizedUpTo: string[][] = [];
  for (const p of providers) sanitizedUpTo.push([...new Set([...(sanitizedUpTo.at(-1) ?? []), ...p.sanitized])]);
  const none: JwtNone = { kind: 'none', headersToRemove: sanitizedUpTo.at(-1) ?? [] };

  function denied(status: JwtStatusName, req: JwtRequest): JwtDenied {
    return {
      kind: 'denied',
      status: httpStatusOf(status),
      body: JwtStatus[status],
      wwwAuthenticate: wwwAuthenticateOf(status, req.scheme, req.host, req.path),
      reason: status,
      responseDetails: responseDetailsOf(status),
    };
  }

  /** The request as it leaves the filter after the given providers' accepted tokens. */
  function accepted(req: JwtRequest, upTo: number, results: readonly ProviderResult[]): JwtOk {
    const headersToRemove = [...(sanitizedUpTo[upTo] ?? [])];
    const headersToSet: Array<readonly [string, string]> = [];
    let path: string | undefined;
    let last: { token: VerifiedToken; provider: ProviderVerifier } | undefined;
    for (let i = 0; i <= upTo; i++) {
      const r = results[i];
      const p = providers[i];
      if (!r || r.status === 'pending' || !p) continue;
      const c = p.config;
      for (const t of r.verified) {
        if (c.outputPayloadToHeader !== '') headersToSet.push([c.outputPayloadToHeader.toLowerCase(), t.jwt.payloadBase64url]);
        for (const ch of c.outputClaimToHeaders) {
          const v = claimHeaderValue(t.jwt.claims, ch.claim);
          if (v !== undefined) headersToSet.push([ch.header.toLowerCase(), v]);
        }
        if (!c.forwardOriginalToken) {
          // Envoy leaves cookies in place (its TODO); headers go whole, query parameters are cut out.
          if (t.location.kind === 'header' && !headersToRemove.includes(t.location.name)) headersToRemove.push(t.location.name);
          else if (t.location.kind === 'param') path = withoutQueryParam(path ?? req.path, t.location.name);
        }
        last = { token: t, provider: p };
      }
    }
    // Envoy's metadata keeps the payload of the last token verified.
    const claims = last ? normalizeClaims(last.token.jwt.claims, last.provider.config.spaceDelimitedClaims) : {};
    return {
      kind: 'ok',
      principal: jwtPrincipalOf(claims),
      claims,
      provider: last?.provider.config.name ?? '',
      policy: last?.provider.config.policy ?? '',
      headersToRemove,
      headersToSet,
      path,
    };
  }

  /** One synchronous pass; 'pending' when some provider waits on a first JWKS fetch. */
  function evaluate(req: JwtRequest, pending: Promise<void>[]): JwtOutcome | 'pending' {
    const nowSeconds = Math.floor(deps.clock.now() / 1000);
    const results: ProviderResult[] = [];
    let waiting = false;
    for (let i = 0; i < providers.length; i++) {
      const r = providers[i]!.verify(req, nowSeconds, pending);
      results.push(r);
      // As in Envoy, a provider that can answer now does not wait for one still fetching keys.
      if (r.status === 'Ok') return accepted(req, i, results);
      if (r.status === 'pending') waiting = true;
    }
    if (waiting) return 'pending';
    const statuses = results.map((r) => r.status as JwtStatusName);
    if (statuses.every((s) => s === 'JwtMissed')) return none;
    if (providers.length === 1) return denied(statuses[0]!, req);
    // The requires_all branch fails with the first provider that saw a token and refused it.
    const all = statuses.find((s) => s !== 'JwtMissed') ?? 'JwtMissed';
    return denied(aggregate([...statuses, all]), req);
  }

  async function afterFetches(req: JwtRequest, pending: Promise<void>[]): Promise<JwtOutcome> {
    for (let round = 0; round < MAX_FETCH_ROUNDS; round++) {
      await Promise.all(pending);
      pending = [];
      const r = evaluate(req, pending);
      if (r !== 'pending') return r;
    }
    return denied('JwksFetchFail', req);
  }

  return {
    authenticate(req) {
      if (providers.length === 0) return BYPASS;
      if (config.bypassCorsPreflight && isCorsPreflight(req)) return BYPASS;
      const pending: Promise<void>[] = [];
      const r = evaluate(req, pending);
      return r === 'pending' ? afterFetches(req, pending) : r;
    },
    jwksStatus: () => cache.status(),
  };
}
