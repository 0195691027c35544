/**
 * RequestAuthentication (JWT), the proxy's side: compiled config types, the engine and the claims
 * authorization reads. Nothing here reaches src/api; the compiler imports `./compile.js` itself.
 */
export type { JwtConfig, JwtProviderConfig, JwtLocationsConfig, JwtHeaderLocationConfig, JwksSourceConfig, JwtClaimToHeaderConfig } from './config.js';
export { buildJwtAuthenticator, type JwtAuthenticator, type JwtAuthenticatorDeps } from './authenticator.js';
export type { JwtOutcome, JwtOk, JwtNone, JwtDenied } from './outcome.js';
export type { JwtRequest } from './request.js';
export { createJwksCache, JWKS_RETRY_MS, type FetchJwks, type JwtClock, type JwksCache, type JwksCacheEntryStatus } from './jwks-cache.js';
export { httpFetchJwks } from './http-fetcher.js';
export { JwtStatus, type JwtStatusName } from './status.js';
export type { JwtClaims } from './token.js';
export {
  jwtPrincipalOf,
  parseRequestAuthAttribute,
  requestAuthValues,
  claimStrings,
  claimAtPath,
  type RequestAuthAttribute,
} from './claims.js';
