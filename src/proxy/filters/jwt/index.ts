/**
 * The JWT filter (`envoy.filters.http.jwt_authn`): RequestAuthentication on an inbound listener. A
 * request without a token passes (authorization decides whether one is required); a valid token's
 * `iss/sub` and claims reach the rbac filter; an invalid one gets Envoy's 401 (403 for a disallowed
 * audience) with `WWW-Authenticate`.
 */
import { defineHttpFilter } from '../filter.js';
import { authenticatorFor } from './settings.js';
import { checkToken } from './filter.js';

export const jwtFilter = defineHttpFilter<undefined>({
  name: 'envoy.filters.http.jwt_authn',
  // Providers belong to the listener's workload, not to a route.
  routeSettings: () => undefined,
  create(ex) {
    const config = ex.listener.requestAuthentication;
    if (!config) return undefined;
    const authenticator = authenticatorFor(config, ex.clock);
    return { onRequest: () => checkToken(ex, authenticator) };
  },
});
