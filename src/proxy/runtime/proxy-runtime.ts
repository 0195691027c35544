/** One configuration version, ready to serve: route tables and clusters built once, then read-only. */
import type { ProxyConfig } from '../../compile/config.js';
import { RouteTable } from './route-table.js';
import { RuntimeCluster } from './cluster.js';
import type { UpstreamHosts } from './upstream.js';

export class ProxyRuntime {
  readonly routeTables = new Map<string, RouteTable>();
  readonly clusters = new Map<string, RuntimeCluster>();

  constructor(
    readonly config: ProxyConfig,
    hosts: UpstreamHosts,
  ) {
    for (const [name, table] of Object.entries(config.routes)) this.routeTables.set(name, new RouteTable(table));
    for (const [name, cluster] of Object.entries(config.clusters)) this.clusters.set(name, new RuntimeCluster(cluster, hosts));
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
