/**
 * The jwt_authn filter's settings: a listener's RequestAuthentication providers built into an
 * authenticator once per configuration version. Key sets are cached across versions (one cache per
 * proxy), so a new configuration does not fetch every JWKS again.
 */
import type { JwtConfig } from '../../../compile/config.js';
import { buildJwtAuthenticator, createJwksCache, httpFetchJwks, type JwksCache, type JwtAuthenticator } from '../../../security/jwt/index.js';
import type { Clock } from '../../clock.js';

const built = new WeakMap<JwtConfig, JwtAuthenticator>();
let keySets: JwksCache | undefined;

export function authenticatorFor(config: JwtConfig, clock: Clock): JwtAuthenticator {
  let a = built.get(config);
  if (!a) {
    const deps = { fetchJwks: httpFetchJwks, clock: { now: () => clock.now() } };
    keySets ??= createJwksCache(deps);
    a = buildJwtAuthenticator(config, { ...deps, jwksCache: keySets });
    built.set(config, a);
  }
  return a;
}
