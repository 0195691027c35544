/** One configuration version, ready to serve: route tables, clusters and filter chains built once, then read-only. */
import type { ClusterConfig, EndpointConfig, ListenerConfig, ProxyConfig, UpstreamTlsConfig } from '../../compile/config.js';
import { RouteTable } from './route-table.js';
import { RuntimeCluster } from './cluster.js';
import type { UpstreamHosts } from './upstream.js';
import { ClusterStates } from './cluster-state.js';
import { systemClock, type Clock } from '../clock.js';
import { httpFilterChain } from '../filters/index.js';
import type { HttpChain } from '../http/exchange.js';
import { routeRequest } from '../router/router.js';
import { transportKey, upstreamTransport, type UpstreamTransport } from '../tls/upstream-tls.js';
import type { WorkloadSecrets } from '../tls/workload-secrets.js';

const NO_FILTERS: HttpChain = { filters: [], terminal: routeRequest };

export class ProxyRuntime {
  readonly routeTables = new Map<string, RouteTable>();
  readonly clusters = new Map<string, RuntimeCluster>();
  private readonly chains = new Map<string, HttpChain>();
  private readonly transports = new Map<string, UpstreamTransport>();

  constructor(
    readonly config: ProxyConfig,
    hosts: UpstreamHosts,
    readonly states: ClusterStates = new ClusterStates(systemClock),
    readonly clock: Clock = systemClock,
    private readonly secrets?: WorkloadSecrets,
  ) {
    for (const [name, table] of Object.entries(config.routes)) this.routeTables.set(name, new RouteTable(table));
    for (const [name, cluster] of Object.entries(config.clusters)) this.clusters.set(name, new RuntimeCluster(cluster, hosts, clock, states.for(cluster), config.node.locality, this.transportsOf(cluster)));
    for (const l of config.listeners) {
      if (l.protocol !== 'HTTP') continue;
      const filters = httpFilterChain(l.httpFilters, l.name);
      this.chains.set(l.name, filters.length === 0 ? NO_FILTERS : { filters, terminal: routeRequest });
    }
  }

  /** One transport per distinct setting in this version, built (TLS contexts included) only the first time. */
  private transport(tls: UpstreamTlsConfig): UpstreamTransport {
    const key = transportKey(tls);
    let t = this.transports.get(key);
    if (!t) this.transports.set(key, (t = upstreamTransport(tls, () => this.secrets)));
    return t;
  }

  /** Which transport each endpoint of a cluster is reached with: the DestinationRule's tls, auto mTLS, or none. */
  private transportsOf(cluster: ClusterConfig): (e: EndpointConfig) => UpstreamTransport | undefined {
    if (cluster.tls) {
      const t = this.transport(cluster.tls);
      return () => t;
    }
    if (cluster.autoMtls) {
      const t = this.transport(cluster.autoMtls);
      return (e) => (e.tlsMode === 'istio' ? t : undefined);
    }
    return () => undefined;
  }

  get version(): string {
    return this.config.version;
  }

  /** The filter chain of an HTTP listener of this version. */
  chainFor(listener: ListenerConfig): HttpChain {
    return this.chains.get(listener.name) ?? NO_FILTERS;
  }

  /** Upstream host keys this version uses, so others can be closed. */
  hostKeys(): Set<string> {
    const keys = new Set<string>();
    for (const c of this.clusters.values()) for (const e of c.endpoints) keys.add(e.host.poolKey);
    return keys;
  }
}
