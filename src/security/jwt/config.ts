/**
 * Compiled RequestAuthentication for one workload: plain JSON data the proxy's JWT engine is built
 * from. One provider per JWT rule, in Istio's order (rules of every applicable policy, sorted by
 * issuer), so provider i is Envoy's `origins-i`.
 */

/** Where a token may be found. The compiler fills in Istio's defaults, so the lists are explicit. */
export interface JwtLocationsConfig {
  /** Header name (lower case) and the value prefix before the token ('' for the whole value). */
  headers: JwtHeaderLocationConfig[];
  /** Query parameter names. */
  params: string[];
  /** Cookie names. */
  cookies: string[];
}

export interface JwtHeaderLocationConfig {
  name: string;
  prefix: string;
}

/** Where a provider's keys come from. */
export type JwksSourceConfig =
  | { kind: 'inline'; jwks: string }
  /** A JWKS URL; the proxy fetches it (routing decides through which cluster) and caches it. */
  | { kind: 'remote'; uri: string; timeoutMs: number; cacheDurationMs: number }
  /** No keys named: the issuer's OpenID discovery document (`uri`) names the JWKS URL. */
  | { kind: 'discovery'; uri: string; timeoutMs: number; cacheDurationMs: number };

export interface JwtClaimToHeaderConfig {
  header: string;
  /** A claim name; `a.b` reaches into nested objects, as Envoy's claim_to_headers does. */
  claim: string;
}

export interface JwtProviderConfig {
  /** Envoy's provider name: `origins-<index>`. */
  name: string;
  /** The RequestAuthentication that holds the rule, `namespace/name`, for logs. */
  policy: string;
  /** The required `iss`; '' accepts any issuer (a rule with only jwksUri). */
  issuer: string;
  /** Any of these must be in `aud`; empty means no audience check. */
  audiences: string[];
  jwks: JwksSourceConfig;
  locations: JwtLocationsConfig;
  forwardOriginalToken: boolean;
  /** Header that receives the payload as base64url, or '' for none. */
  outputPayloadToHeader: string;
  outputClaimToHeaders: JwtClaimToHeaderConfig[];
  /** Claims split on spaces in the claims authorization sees (always includes scope and permission). */
  spaceDelimitedClaims: string[];
  /** Allowed clock skew for exp and nbf (Envoy's default 60). */
  clockSkewSeconds: number;
}

export interface JwtConfig {
  providers: JwtProviderConfig[];
  /** CORS preflights skip verification (Istio always sets it). */
  bypassCorsPreflight: boolean;
}
