/**
 * The RBAC filter (`envoy.filters.http.rbac`): AuthorizationPolicy on an inbound listener, in
 * Istio's order (CUSTOM, AUDIT, DENY, ALLOW). A denied request gets Envoy's 403 `RBAC: access
 * denied`, through the response side of the chain like every local reply.
 */
import { defineHttpFilter } from '../filter.js';
import { authorizerFor } from './settings.js';
import { checkRequest } from './filter.js';

export const rbacFilter = defineHttpFilter<undefined>({
  name: 'envoy.filters.http.rbac',
  // Policies belong to the listener's workload, not to a route.
  routeSettings: () => undefined,
  create(ex) {
    const config = ex.listener.authorization;
    if (!config) return undefined;
    const authorizer = authorizerFor(config);
    return { onRequest: () => checkRequest(ex, authorizer) };
  },
});
