/** What the JWT engine decides for one request. */
import type { JwtClaims } from './token.js';
import type { JwtStatusName } from './status.js';

/** No token anywhere the providers look: the request goes on without a request principal. */
export interface JwtNone {
  kind: 'none';
  /** Headers a client must not be able to forge (payload and claim output headers). */
  headersToRemove: readonly string[];
}

export interface JwtOk {
  kind: 'ok';
  /** `iss/sub`; undefined when the token lacks either claim. */
  principal: string | undefined;
  /** The verified payload authorization reads, space-delimited claims split into lists. */
  claims: JwtClaims;
  /** The provider (`origins-i`) and policy (`ns/name`) that accepted the token. */
  provider: string;
  policy: string;
  /** Remove these request headers first (forgeable outputs, then the token unless forwarded)... */
  headersToRemove: readonly string[];
  /** ...then append these, in order. */
  headersToSet: ReadonlyArray<readonly [string, string]>;
  /** The new request target when a token was taken out of the query, else undefined. */
  path: string | undefined;
}

export interface JwtDenied {
  kind: 'denied';
  /** 403 for a disallowed audience, 401 otherwise. */
  status: 401 | 403;
  /** Envoy's body, e.g. `Jwt is expired`. */
  body: string;
  /** `Bearer realm="<uri>", error="invalid_token"`. */
  wwwAuthenticate: string;
  reason: JwtStatusName;
  /** For the access log: `jwt_authn_access_denied{Jwt_is_expired}`. */
  responseDetails: string;
}

export type JwtOutcome = JwtNone | JwtOk | JwtDenied;
