/**
 * Upstream hosts and their connection pools. They outlive configuration versions: a new config
 * that still names `127.0.0.1:31002` reuses its keep-alive connections and in-flight counts.
 */
import http from 'node:http';

export class UpstreamHost {
  /** Requests in flight to this host, for least-request balancing. */
  active = 0;
  /** When this proxy first saw the host (slow start counts from here). */
  readonly createdAt = Date.now();
  readonly agent: http.Agent;
  /** Config versions that still reference this host; unused hosts are closed. */
  lastUsedVersion = '';

  constructor(
    readonly address: string,
    readonly port: number,
  ) {
    this.agent = new http.Agent({ keepAlive: true, keepAliveMsecs: 30_000, maxFreeSockets: 64, scheduling: 'lifo' });
  }

  get key(): string {
    return `${this.address}:${this.port}`;
  }
}

export class UpstreamHosts {
  private readonly hosts = new Map<string, UpstreamHost>();

  get(address: string, port: number): UpstreamHost {
    const key = `${address}:${port}`;
    let h = this.hosts.get(key);
    if (!h) {
      h = new UpstreamHost(address, port);
      this.hosts.set(key, h);
    }
    return h;
  }

  /** Closes idle connections of hosts no current configuration names. */
  retainOnly(keys: ReadonlySet<string>): void {
    for (const [key, host] of this.hosts) {
      if (keys.has(key) || host.active > 0) continue;
      host.agent.destroy();
      this.hosts.delete(key);
    }
  }

  closeAll(): void {
    for (const host of this.hosts.values()) host.agent.destroy();
    this.hosts.clear();
  }
}
