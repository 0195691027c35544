/** DestinationRule lookup and traffic-policy merging, as Istio applies them. */
import type { TrafficPolicy, Subset } from '../api/kinds/destination-rule.js';
import { parseDuration } from '../api/schema/duration.js';
import type { ConnectionPoolConfig, ConsistentHashConfig, LbPolicy, OutlierDetectionConfig } from './config.js';
import type { DestinationRuleResource, MeshIndex } from './mesh-index.js';
import { resolveHost } from '../api/hosts.js';
import { applicableDestinationRule } from '../api/destination-rules.js';
import { lookupHost } from './mesh-index.js';

/** The DestinationRule that applies to `hostname` for a proxy in `proxyNamespace` (Istio's rule: src/api/destination-rules.ts). */
export function findDestinationRule(index: MeshIndex, hostname: string, serviceNamespace: string, proxyNamespace: string): DestinationRuleResource | undefined {
  return applicableDestinationRule(
    { hostname, clientNamespace: proxyNamespace, serviceNamespace, rootNamespace: index.mesh.rootNamespace },
    (ns) => lookupHost(index.destinationRulesByNamespace.get(ns), hostname),
    (dr) => ({ namespace: dr.namespace ?? 'default', host: resolveHost(dr.object.spec.host, dr.namespace ?? 'default'), exportTo: dr.object.spec.exportTo, hasWorkloadSelector: dr.object.spec.workloadSelector !== undefined }),
  );
}

export function findSubset(dr: DestinationRuleResource | undefined, name: string): Subset | undefined {
  return dr?.object.spec.subsets?.find((s) => s.name === name);
}

/** The groups a port-level setting holds; Istio replaces all four with it, set or not. */
const PORT_LEVEL_GROUPS = ['loadBalancer', 'connectionPool', 'outlierDetection', 'tls'] as const;

/**
 * The policy for one port. A port-level setting replaces the top-level policy: Istio applies
 * defaults, not the top-level values, to the fields a port-level setting omits.
 */
function forPort(policy: TrafficPolicy | undefined, port: number): { policy: TrafficPolicy | undefined; portLevel: boolean } {
  if (!policy) return { policy: undefined, portLevel: false };
  const level = policy.portLevelSettings?.find((p) => p.port?.number === port);
  if (!level) return { policy, portLevel: false };
  const { port: _port, ...rest } = level;
  return { policy: rest, portLevel: true };
}

/**
 * Subset policy over the host's (each for the port), field group by field group, as Istio's
 * MergeSubsetTrafficPolicy: a group the subset sets replaces the host's; a subset port-level
 * setting for this port replaces all four port-level groups.
 */
export function effectivePolicy(dr: DestinationRuleResource | undefined, port: number, subset?: Subset): TrafficPolicy | undefined {
  const base = forPort(dr?.object.spec.trafficPolicy, port).policy;
  const { policy: over, portLevel } = forPort(subset?.trafficPolicy, port);
  if (!over) return base;
  if (!base) return over;
  const { portLevelSettings: _levels, ...merged } = { ...base, ...over } as TrafficPolicy;
  if (portLevel) for (const group of PORT_LEVEL_GROUPS) if (over[group] === undefined) delete merged[group];
  return merged;
}

function ms(d: string | undefined): number | undefined {
  if (d === undefined) return undefined;
  const v = parseDuration(d);
  return v === undefined ? undefined : Math.round(v);
}

export function lbOf(policy: TrafficPolicy | undefined): { lb: LbPolicy; consistentHash?: ConsistentHashConfig } {
  const lb = policy?.loadBalancer;
  if (lb?.consistentHash) {
    const c = lb.consistentHash;
    const hash: ConsistentHashConfig = {};
    if (c.httpHeaderName) hash.header = c.httpHeaderName.toLowerCase();
    if (c.httpCookie) hash.cookie = { name: c.httpCookie.name, ...(c.httpCookie.path ? { path: c.httpCookie.path } : {}), ...(c.httpCookie.ttl ? { ttlMs: ms(c.httpCookie.ttl) ?? 0 } : {}) };
    if (c.useSourceIp) hash.sourceIp = true;
    if (c.httpQueryParameterName) hash.queryParameter = c.httpQueryParameterName;
    return { lb: 'LEAST_REQUEST', consistentHash: hash };
  }
  switch (lb?.simple) {
    case 'ROUND_ROBIN':
      return { lb: 'ROUND_ROBIN' };
    case 'RANDOM':
      return { lb: 'RANDOM' };
    case 'PASSTHROUGH':
      return { lb: 'PASSTHROUGH' };
    default:
      // LEAST_REQUEST, the deprecated LEAST_CONN and UNSPECIFIED all mean Envoy's least-request.
      return { lb: 'LEAST_REQUEST' };
  }
}

export function connectionPoolOf(policy: TrafficPolicy | undefined): ConnectionPoolConfig | undefined {
  const cp = policy?.connectionPool;
  if (!cp) return undefined;
  const out: ConnectionPoolConfig = {};
  const set = <K extends keyof ConnectionPoolConfig>(k: K, v: ConnectionPoolConfig[K] | undefined): void => {
    if (v !== undefined && v !== 0) out[k] = v;
  };
  set('maxConnections', cp.tcp?.maxConnections);
  set('connectTimeoutMs', ms(cp.tcp?.connectTimeout));
  set('maxPendingRequests', cp.http?.http1MaxPendingRequests);
  set('maxRequests', cp.http?.http2MaxRequests);
  set('maxRequestsPerConnection', cp.http?.maxRequestsPerConnection);
  set('maxRetries', cp.http?.maxRetries);
  set('idleTimeoutMs', ms(cp.http?.idleTimeout) ?? ms(cp.tcp?.idleTimeout));
  if (cp.tcp?.tcpKeepalive) out.tcpKeepaliveMs = ms(cp.tcp.tcpKeepalive.time) ?? 7_200_000;
  set('maxConnectionDurationMs', ms(cp.tcp?.maxConnectionDuration));
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Istio's outlier detection defaults: 5 consecutive 5xx, every 10 s, 30 s ejections, at most 10% ejected. */
export function outlierDetectionOf(policy: TrafficPolicy | undefined): OutlierDetectionConfig | undefined {
  const o = policy?.outlierDetection;
  if (!o) return undefined;
  return {
    consecutive5xx: o.consecutive5xxErrors ?? (o.consecutiveErrors === undefined ? 5 : 0),
    consecutiveGateway: o.consecutiveGatewayErrors ?? o.consecutiveErrors ?? 0,
    consecutiveLocalOrigin: o.splitExternalLocalOriginErrors ? o.consecutiveLocalOriginFailures ?? 5 : 0,
    splitLocalOrigin: o.splitExternalLocalOriginErrors ?? false,
    intervalMs: ms(o.interval) ?? 10_000,
    baseEjectionMs: ms(o.baseEjectionTime) ?? 30_000,
    maxEjectionPercent: o.maxEjectionPercent ?? 10,
    minHealthPercent: o.minHealthPercent ?? 0,
  };
}

export function warmupOf(policy: TrafficPolicy | undefined): { durationMs: number; minimumPercent: number; aggression: number } | undefined {
  const lb = policy?.loadBalancer;
  const durationMs = ms(lb?.warmup?.duration) ?? ms(lb?.warmupDurationSecs);
  if (durationMs === undefined || durationMs <= 0) return undefined;
  return { durationMs, minimumPercent: lb?.warmup?.minimumPercent ?? 10, aggression: lb?.warmup?.aggression ?? 1 };
}

/** Istio fails over by locality when outlier detection is on and locality load balancing is not turned off. */
export function localityFailoverOf(policy: TrafficPolicy | undefined): boolean {
  return policy?.outlierDetection !== undefined && policy.loadBalancer?.localityLbSetting?.enabled !== false && (policy.loadBalancer?.localityLbSetting?.distribute ?? []).length === 0;
}

const LOCALITY_LABELS = ['topology.kubernetes.io/region', 'topology.kubernetes.io/zone', 'topology.istio.io/subzone'] as const;

/** `region/zone/subzone` from topology labels (Istio's `istio-locality` label too), or undefined. */
export function localityOf(labels: Readonly<Record<string, string>>): string | undefined {
  const istio = labels['istio-locality'];
  if (istio) return istio.replaceAll('.', '/');
  const parts = LOCALITY_LABELS.map((l) => labels[l] ?? '');
  if (parts.every((p) => p === '')) return undefined;
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts.join('/');
}
