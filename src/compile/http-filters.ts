/** Which HTTP filters each kind of listener runs, in Istio's order (CORS before fault, both before the router). */
import type { HttpFilterName } from './config.js';

/** Outbound and gateway listeners carry the route-level filters a VirtualService configures. */
export const ROUTING_HTTP_FILTERS: readonly HttpFilterName[] = ['envoy.filters.http.cors', 'envoy.filters.http.fault'];

/** Inbound listeners route nothing: their filters act for the destination (metrics, later). */
export const INBOUND_HTTP_FILTERS: readonly HttpFilterName[] = [];

/** Authorization runs first on an inbound listener that has policies, as Istio puts RBAC before the router. */
export const AUTHZ_HTTP_FILTERS: readonly HttpFilterName[] = ['envoy.filters.http.rbac'];

/** RequestAuthentication runs before authorization, which reads the principal and claims it verified. */
export const JWT_HTTP_FILTERS: readonly HttpFilterName[] = ['envoy.filters.http.jwt_authn'];
