/** One configuration version, ready to serve: route tables and clusters built once, then read-only. */
import type { ProxyConfig } from '../../compile/config.js';
import { RouteTable } from './route-table.js';
import { RuntimeCluster } from './cluster.js';
import type { UpstreamHosts } from './upstream.js';
import { ClusterStates } from './cluster-state.js';
import { systemClock, type Clock } from '../clock.js';

export class ProxyRuntime {
  readonly routeTables = new Map<string, RouteTable>();
  readonly clusters = new Map<string, RuntimeCluster>();

  constructor(
    readonly config: ProxyConfig,
    hosts: UpstreamHosts,
    readonly states: ClusterStates = new ClusterStates(systemClock),
    readonly clock: Clock = systemClock,
  ) {
    for (const [name, table] of Object.entries(config.routes)) this.routeTables.set(name, new RouteTable(table));
    for (const [name, cluster] of Object.entries(config.clusters)) this.clusters.set(name, new RuntimeCluster(cluster, hosts, clock.random, states.for(cluster), config.node.locality, clock.now));
  }

  get version(): string {
    return this.config.version;
  }

  /** Upstream host keys this version uses, so others can be closed. */
  hostKeys(): Set<string> {
    const keys = new Set<string>();
    for (const c of this.clusters.values()) for (const e of c.endpoints) keys.add(e.host.key);
    return keys;
  }
}
