/**
 * What the compiler emits and a proxy consumes: plain, JSON-serialisable data. The proxy imports
 * only these types from the control plane, and `tack proxy-config` prints exactly this shape.
 */

export type ProxyRole = 'sidecar' | 'gateway';

/** Who a proxy is: its pod, labels and identity. Routes that depend on the caller are resolved for it. */
export interface ProxyNode {
  /** `<pod>.<namespace>`, as istioctl names proxies. */
  id: string;
  /** `region/zone/subzone` from the pod's topology labels, when it has them. */
  locality?: string;
  role: ProxyRole;
  pod: string;
  namespace: string;
  labels: Record<string, string>;
  serviceAccount: string;
}

export interface ProxyConfig {
  /** Version of the mesh snapshot this config was compiled from. */
  version: string;
  node: ProxyNode;
  listeners: ListenerConfig[];
  routes: Record<string, RouteTableConfig>;
  clusters: Record<string, ClusterConfig>;
  /** What the sidecar does with a host no route knows: pass it through, or 502. */
  outboundTrafficPolicy: 'ALLOW_ANY' | 'REGISTRY_ONLY';
}

import type { AuthzConfig } from '../security/authz/config.js';
import type { JwtConfig } from '../security/jwt/config.js';
export type { AuthzConfig, JwtConfig };

export type ListenerProtocol = 'HTTP' | 'TCP';

/**
 * How bytes reach a listener: `plain`; `mtls`, Istio's mutual TLS with the proxy's workload
 * certificate, the only transport a STRICT PeerAuthentication leaves (a plaintext connection is
 * reset); `permissive`, mutual TLS or plaintext on one port, told apart by the first byte.
 */
export type ListenerTransport = 'plain' | 'mtls' | 'permissive';

/**
 * TLS from the proxy to a cluster's endpoints (DestinationRule `trafficPolicy.tls`). ISTIO_MUTUAL
 * uses the proxy's own workload certificate and the mesh root; SIMPLE and MUTUAL carry their PEMs
 * (read by the control plane from the files or the `credentialName` Secret).
 */
export interface UpstreamTlsConfig {
  mode: 'ISTIO_MUTUAL' | 'SIMPLE' | 'MUTUAL';
  /** The SNI sent; ISTIO_MUTUAL's default is `outbound_.PORT_.SUBSET_.FQDN`. */
  sni?: string;
  /** Names the server's certificate must carry (URI or DNS SANs); empty: any the roots vouch for. */
  subjectAltNames?: string[];
  /** SIMPLE/MUTUAL: skip verifying the server's certificate. */
  insecureSkipVerify?: boolean;
  /** SIMPLE/MUTUAL: the roots to verify the server with; absent, the system's. */
  caCertificates?: string;
  /** MUTUAL: the client certificate chain and key presented to the server. */
  clientCertificate?: string;
  privateKey?: string;
  /** ALPN offered, as Envoy's clusters offer it (`istio-http/1.1`, `istio`, ... for Istio's mTLS). */
  alpn?: string[];
}

/**
 * HTTP filters a listener runs before the router, named as Envoy names them. Each reads its
 * per-route settings from `RouteConfig.filters` (Envoy's typed_per_filter_config).
 */
export type HttpFilterName = 'envoy.filters.http.cors' | 'envoy.filters.http.fault' | 'envoy.filters.http.rbac' | 'envoy.filters.http.jwt_authn';

export interface ListenerConfig {
  name: string;
  direction: 'outbound' | 'inbound' | 'gateway';
  address: string;
  port: number;
  protocol: ListenerProtocol;
  /** Absent: plain. */
  transport?: ListenerTransport;
  /** HTTP listeners: the filters every request passes, in this order, before the router. */
  httpFilters?: HttpFilterName[];
  /**
   * HTTP listeners: the route table. For the sidecar's outbound listener (the pod's HTTP proxy) the
   * table is chosen per request by destination port: `routeTablePrefix + port`.
   */
  routeTable?: string;
  routeTablePrefix?: string;
  /** Gateway listeners: the Gateway server's port; every request on the listener is routed as this port. */
  serverPort?: number;
  /** Inbound HTTP listeners: the cluster of the app behind the listener. */
  inboundCluster?: string;
  /** TCP listeners: where the bytes go. */
  tcpCluster?: string;
  /** Inbound listeners: the app port behind this listener. */
  appPort?: number;
  /** Inbound listeners: the container port the listener stands for (`destination.port` to policies). */
  targetPort?: number;
  /** Inbound listeners: the workload's AuthorizationPolicies, compiled (HTTP: the rbac filter; TCP: a network filter). */
  authorization?: AuthzConfig;
  /** Inbound HTTP listeners: the workload's RequestAuthentication providers (the jwt_authn filter, before rbac). */
  requestAuthentication?: JwtConfig;
}

export interface RouteTableConfig {
  name: string;
  virtualHosts: VirtualHostConfig[];
}

export interface VirtualHostConfig {
  name: string;
  /** Host names this virtual host answers: exact, `*.suffix`, `prefix.*`, `*`; with or without `:port`. */
  domains: string[];
  routes: RouteConfig[];
}

export type StringMatcherConfig = { exact: string } | { prefix: string } | { regex: string };

export interface HeaderMatcherConfig {
  name: string;
  /** Absent: the header must be present (any value). */
  match?: StringMatcherConfig;
  /** `withoutHeaders`: the route matches only when this header does NOT match. */
  invert?: boolean;
}

export interface RouteMatchConfig {
  uri?: StringMatcherConfig;
  ignoreUriCase?: boolean;
  scheme?: StringMatcherConfig;
  method?: StringMatcherConfig;
  authority?: StringMatcherConfig;
  headers?: HeaderMatcherConfig[];
  queryParams?: { name: string; match?: StringMatcherConfig }[];
  port?: number;
}

export interface WeightedClusterConfig {
  cluster: string;
  weight: number;
  /** Header operations of this destination. */
  headers?: HeaderOpsConfig;
}

export interface HeaderOpsConfig {
  requestSet?: Record<string, string>;
  requestAdd?: Record<string, string>;
  requestRemove?: string[];
  responseSet?: Record<string, string>;
  responseAdd?: Record<string, string>;
  responseRemove?: string[];
}

export interface RetryPolicyConfig {
  attempts: number;
  perTryTimeoutMs?: number;
  retryOn: string[];
  retriableStatusCodes: number[];
  retryRemoteLocalities?: boolean;
  /** Prefer a different host on each retry, as Istio's default policy does. */
  retryOtherHosts: boolean;
  backoffMs?: number;
}

export interface RouteConfig {
  /** `<virtualservice namespace>/<name>` and the route's name or index, for proxy-config and metrics. */
  name: string;
  match: RouteMatchConfig;
  action: RouteActionConfig;
  headers?: HeaderOpsConfig;
  mirrors?: MirrorConfig[];
  /** Settings of the listener's HTTP filters for this route (Envoy's typed_per_filter_config). */
  filters?: RouteFilterConfigs;
}

export interface RouteFilterConfigs {
  'envoy.filters.http.cors'?: CorsConfig;
  'envoy.filters.http.fault'?: FaultConfig;
}

/** Injected faults; `percent` is the share of requests affected (0-100). */
export interface FaultConfig {
  delay?: { ms: number; percent: number };
  abort?: { httpStatus?: number; grpcStatus?: number; percent: number };
}

/** A copy of the request sent to `cluster` (Host suffixed `-shadow`), its answer ignored. */
export interface MirrorConfig {
  cluster: string;
  percent: number;
}

export interface CorsConfig {
  allowOrigins: StringMatcherConfig[];
  allowMethods?: string;
  allowHeaders?: string;
  exposeHeaders?: string;
  /** Seconds, as the Access-Control-Max-Age header carries it. */
  maxAge?: string;
  allowCredentials?: boolean;
  /** What to do with a preflight whose origin is not allowed: pass it to the app, or answer it without CORS headers. */
  unmatchedPreflights: 'FORWARD' | 'IGNORE';
}

export type RouteActionConfig =
  | { kind: 'forward'; clusters: WeightedClusterConfig[]; totalWeight: number; timeoutMs?: number; retries: RetryPolicyConfig; rewrite?: RewriteConfig }
  | { kind: 'redirect'; scheme?: string; authority?: string; port?: number; derivePort?: 'FROM_PROTOCOL_DEFAULT' | 'FROM_REQUEST_PORT'; path?: string; code: number }
  | { kind: 'direct'; status: number; body?: string };

export interface RewriteConfig {
  uri?: string;
  authority?: string;
  uriRegex?: { match: string; rewrite: string };
}

export type LbPolicy = 'ROUND_ROBIN' | 'LEAST_REQUEST' | 'RANDOM' | 'PASSTHROUGH';

export interface ConsistentHashConfig {
  header?: string;
  cookie?: { name: string; path?: string; ttlMs?: number };
  sourceIp?: boolean;
  queryParameter?: string;
}

export interface ClusterConfig {
  /** Envoy's naming: `outbound|9080|v1|reviews.default.svc.cluster.local`, `inbound|9080||`. */
  name: string;
  /** FQDN of the service; empty for inbound and passthrough clusters. */
  service: string;
  port: number;
  subset?: string;
  lb: LbPolicy;
  /** TLS to every endpoint (a DestinationRule's tls); absent: plaintext, or auto mTLS below. */
  tls?: UpstreamTlsConfig;
  /**
   * Istio's automatic mTLS: endpoints marked `tlsMode: 'istio'` (a sidecar that accepts mTLS on that
   * port) get this ISTIO_MUTUAL setting; the others plaintext. Absent when a DestinationRule sets tls.
   */
  autoMtls?: UpstreamTlsConfig;
  consistentHash?: ConsistentHashConfig;
  /** Circuit breaker limits; absent fields mean Envoy's defaults. */
  connectionPool?: ConnectionPoolConfig;
  outlierDetection?: OutlierDetectionConfig;
  /** Prefer endpoints nearest the proxy's locality, failing over outward (needs outlier detection, as in Istio). */
  localityFailover?: boolean;
  /** Slow start: new endpoints get a growing share of requests over `durationMs`. */
  warmup?: { durationMs: number; minimumPercent: number; aggression: number };
  endpoints: EndpointConfig[];
}

/** Passive health checking, with Istio's defaults filled in. 0 disables a detector. */
export interface OutlierDetectionConfig {
  consecutive5xx: number;
  consecutiveGateway: number;
  /** Connect failures and resets counted apart from HTTP errors (splitExternalLocalOriginErrors). */
  consecutiveLocalOrigin: number;
  splitLocalOrigin: boolean;
  intervalMs: number;
  baseEjectionMs: number;
  maxEjectionPercent: number;
  minHealthPercent: number;
}

export interface ConnectionPoolConfig {
  maxConnections?: number;
  connectTimeoutMs?: number;
  maxPendingRequests?: number;
  maxRequests?: number;
  maxRequestsPerConnection?: number;
  maxRetries?: number;
  idleTimeoutMs?: number;
  /** TCP keepalive probes start after this much idle time on an upstream connection. */
  tcpKeepaliveMs?: number;
  /** Upstream connections are closed (after their current request) once this old. */
  maxConnectionDurationMs?: number;
}

export interface EndpointConfig {
  address: string;
  port: number;
  /** `<pod>.<namespace>` when the endpoint is a pod. */
  pod?: string;
  labels: Record<string, string>;
  /** The endpoint's own sidecar receives the traffic (as opposed to the app directly). */
  sidecar: boolean;
  weight: number;
  /** `region/zone/subzone`, when the pod has topology labels. */
  locality?: string;
  /** `istio`: the endpoint's sidecar accepts Istio's mTLS on this port (auto mTLS uses it). */
  tlsMode?: 'istio';
}

/**
 * The push protocol between control plane and proxy, over HTTP on the control port:
 * `GET /v1/proxies/<namespace>/<pod>/config` streams newline-delimited `PushMessage`s;
 * `POST /v1/proxies/<namespace>/<pod>/ack` answers each config or delta with an `AckMessage`.
 * A stream starts with a full config; later messages may be deltas on top of the previous one.
 */
export type PushMessage = { type: 'config'; version: string; config: ProxyConfig } | ConfigDelta | { type: 'ping' };

/**
 * What changed from the config sent just before on the same stream (`base`) to `version`. Merged
 * into the base it gives exactly the config a full push would have delivered. A proxy whose
 * config is not `base` cannot use it and subscribes again, which starts with a full config.
 */
export interface ConfigDelta {
  type: 'delta';
  version: string;
  base: string;
  node?: ProxyNode;
  outboundTrafficPolicy?: ProxyConfig['outboundTrafficPolicy'];
  listeners?: ListDelta<ListenerConfig>;
  clusters?: RecordDelta<ClusterConfig>;
  routes?: RouteTablesDelta;
}

/**
 * Changes to a record: entries to add or replace, keys to drop. Kept keys keep their order; a new
 * key goes right after the key `after` names for it (`null`: first), or at the end, in `set`'s
 * order, when it has none. `order` lists every key instead when kept keys changed places.
 */
export interface RecordDelta<T> {
  set?: Record<string, T>;
  remove?: string[];
  after?: Record<string, string | null>;
  order?: string[];
}

export interface RouteTablesDelta extends RecordDelta<RouteTableConfig> {
  /** Tables on both sides whose virtual hosts changed, by table. */
  virtualHosts?: Record<string, ListDelta<VirtualHostConfig>>;
}

/**
 * Changes to a list of items named uniquely by `name` (listeners, a table's virtual hosts), placed
 * as in `RecordDelta`; `replace` when names are not unique.
 */
export type ListDelta<T extends { name: string }> = { replace: T[] } | { set?: T[]; remove?: string[]; after?: Record<string, string | null>; order?: string[] };

export interface AckMessage {
  version: string;
  ok: boolean;
  /** Why the proxy refused the config (NACK); it keeps serving the previous one. */
  error?: string;
}
