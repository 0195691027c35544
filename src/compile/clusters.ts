/** Outbound clusters, created as routes name them: `outbound|<port>|<subset>|<hostname>`. */
import { isHttpProtocol, type RegistryEndpoint, type RegistryService } from '../store/index.js';
import { labelsInclude } from '../api/selectors.js';
import type { ClusterConfig, EndpointConfig } from './config.js';
import type { MeshIndex } from './mesh-index.js';
import { CarryOver, idOf } from './carry-over.js';
import { clusterTls, endpointAcceptsMtls, peerAuthnKey } from './mtls.js';
import { connectionPoolOf, effectivePolicy, findDestinationRule, findSubset, lbOf, localityFailoverOf, localityOf, outlierDetectionOf, warmupOf } from './traffic-policy.js';

export function outboundClusterName(port: number, subset: string | undefined, hostname: string): string {
  return `outbound|${port}|${subset ?? ''}|${hostname}`;
}

/** What a service port's endpoints look like, once per registry (endpoint lists are rebuilt with it). */
const endpointKeys = new WeakMap<readonly RegistryEndpoint[], string>();
function endpointsKey(endpoints: readonly RegistryEndpoint[]): string {
  let key = endpointKeys.get(endpoints);
  if (key === undefined) {
    key = JSON.stringify(endpoints);
    endpointKeys.set(endpoints, key);
  }
  return key;
}

/**
 * Clusters by name and DestinationRule (which decide the policy and subset), checked against the
 * endpoints they were made from: the rest of what `outbound` reads.
 */
const made = new CarryOver<{ endpoints: string; cluster: ClusterConfig }>();

/** Names outbound clusters for routes; a ClusterSet, or something that records what routes asked for. */
export interface ClusterNamer {
  outbound(service: RegistryService, port: number, subset?: string): string;
}

export class ClusterSet implements ClusterNamer {
  private readonly clusters = new Map<string, ClusterConfig>();

  constructor(
    private readonly index: MeshIndex,
    private readonly proxyNamespace: string,
  ) {}

  /**
   * Names the cluster for a destination and makes sure it exists. A subset no DestinationRule
   * defines gets a name but no cluster, so the proxy answers 503 NC, as Envoy does.
   */
  outbound(service: RegistryService, port: number, subset?: string): string {
    const name = outboundClusterName(port, subset, service.hostname);
    if (this.clusters.has(name)) return name;
    const dr = findDestinationRule(this.index, service.hostname, service.namespace, this.proxyNamespace);
    const subsetSpec = subset ? findSubset(dr, subset) : undefined;
    if (subset && !subsetSpec) return name;
    const serviceEndpoints = service.endpoints.get(port) ?? [];
    // PeerAuthentications decide which endpoints take mTLS: a change to any of them is a new cluster.
    const key = `${name}|${idOf(dr)}|${peerAuthnKey(this.index)}`;
    const endpointsSeen = endpointsKey(serviceEndpoints);
    const hit = made.get(this.index, key);
    if (hit && hit.endpoints === endpointsSeen) {
      this.clusters.set(name, hit.cluster);
      return name;
    }
    const policy = effectivePolicy(dr, port, subsetSpec);
    const servicePort = service.ports.find((p) => p.port === port);
    const tcp = servicePort !== undefined && servicePort.protocol !== 'UNKNOWN' && !isHttpProtocol(servicePort.protocol);
    const { tls, autoMtls } = clusterTls(this.index, service, port, subset, tcp, policy?.tls);
    const endpoints: EndpointConfig[] = serviceEndpoints
      .filter((e) => e.ready && labelsInclude(subsetSpec?.labels, e.labels))
      .map((e) => {
        const locality = localityOf(e.labels);
        const mtls = autoMtls !== undefined && endpointAcceptsMtls(this.index, e);
        return { address: e.address, port: e.port, ...(e.pod ? { pod: e.pod } : {}), labels: e.labels, sidecar: e.sidecar, weight: 1, ...(locality ? { locality } : {}), ...(mtls ? { tlsMode: 'istio' as const } : {}) };
      });
    const { lb, consistentHash } = lbOf(policy);
    const pool = connectionPoolOf(policy);
    const outlier = outlierDetectionOf(policy);
    const warmup = warmupOf(policy);
    const cluster: ClusterConfig = {
      name,
      service: service.hostname,
      port,
      ...(subset ? { subset } : {}),
      lb,
      ...(tls ? { tls } : {}),
      // Auto mTLS only matters when some endpoint takes it.
      ...(autoMtls && endpoints.some((e) => e.tlsMode === 'istio') ? { autoMtls } : {}),
      ...(consistentHash ? { consistentHash } : {}),
      ...(pool ? { connectionPool: pool } : {}),
      ...(outlier ? { outlierDetection: outlier } : {}),
      ...(localityFailoverOf(policy) ? { localityFailover: true } : {}),
      ...(warmup ? { warmup } : {}),
      endpoints,
    };
    made.set(this.index, key, { endpoints: endpointsSeen, cluster });
    this.clusters.set(name, cluster);
    return name;
  }

  add(cluster: ClusterConfig): void {
    this.clusters.set(cluster.name, cluster);
  }

  /**
   * The clusters by name, sorted. `previous` (an earlier build of the same set) is returned itself
   * when nothing changed, and lends its order when only clusters' contents did.
   */
  build(previous?: Readonly<Record<string, ClusterConfig>>): Record<string, ClusterConfig> {
    if (previous) {
      const names = Object.keys(previous);
      if (names.length === this.clusters.size && names.every((n) => this.clusters.has(n))) {
        if (names.every((n) => this.clusters.get(n) === previous[n])) return previous;
        return Object.fromEntries(names.map((n) => [n, this.clusters.get(n) as ClusterConfig]));
      }
    }
    return Object.fromEntries([...this.clusters.entries()].sort(([a], [b]) => byName.compare(a, b)));
  }
}

/** What `localeCompare` does (ECMA-402 defines it so), without a collator per comparison. */
const byName = new Intl.Collator();
