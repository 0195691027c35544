/** Outbound clusters, created as routes name them: `outbound|<port>|<subset>|<hostname>`. */
import type { RegistryService } from '../store/index.js';
import { labelsInclude } from '../api/selectors.js';
import type { ClusterConfig, EndpointConfig } from './config.js';
import type { MeshIndex } from './mesh-index.js';
import { connectionPoolOf, effectivePolicy, findDestinationRule, findSubset, lbOf, localityFailoverOf, localityOf, outlierDetectionOf, warmupOf } from './traffic-policy.js';

export function outboundClusterName(port: number, subset: string | undefined, hostname: string): string {
  return `outbound|${port}|${subset ?? ''}|${hostname}`;
}

export class ClusterSet {
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
    const policy = effectivePolicy(dr, port, subsetSpec);
    const endpoints: EndpointConfig[] = (service.endpoints.get(port) ?? [])
      .filter((e) => e.ready && labelsInclude(subsetSpec?.labels, e.labels))
      .map((e) => {
        const locality = localityOf(e.labels);
        return { address: e.address, port: e.port, ...(e.pod ? { pod: e.pod } : {}), labels: e.labels, sidecar: e.sidecar, weight: 1, ...(locality ? { locality } : {}) };
      });
    const { lb, consistentHash } = lbOf(policy);
    const pool = connectionPoolOf(policy);
    const outlier = outlierDetectionOf(policy);
    const warmup = warmupOf(policy);
    this.clusters.set(name, {
      name,
      service: service.hostname,
      port,
      ...(subset ? { subset } : {}),
      lb,
      ...(consistentHash ? { consistentHash } : {}),
      ...(pool ? { connectionPool: pool } : {}),
      ...(outlier ? { outlierDetection: outlier } : {}),
      ...(localityFailoverOf(policy) ? { localityFailover: true } : {}),
      ...(warmup ? { warmup } : {}),
      endpoints,
    });
    return name;
  }

  add(cluster: ClusterConfig): void {
    this.clusters.set(cluster.name, cluster);
  }

  build(): Record<string, ClusterConfig> {
    return Object.fromEntries([...this.clusters.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }
}
