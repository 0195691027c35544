/**
 * Upstream hosts and their connection pools. They outlive configuration versions: a new config
 * that still names `127.0.0.1:31002` reuses its keep-alive connections and in-flight counts.
 */
import { UpstreamPool } from '../h1/client.js';
import type { Clock } from '../clock.js';
import type { UpstreamTransport } from '../tls/upstream-tls.js';

export class UpstreamHost {
  /** Requests in flight to this host, for least-request balancing. */
  active = 0;
  /** When this proxy first saw the host (slow start counts from here). */
  readonly createdAt: number;
  /** Keep-alive connections to this host. */
  readonly pool: UpstreamPool;
  /** `address:port`, the host's name in breakers, outlier records and logs. */
  readonly key: string;
  /** The key plus the transport: a TLS and a plaintext pool to one address are two hosts. */
  readonly poolKey: string;

  constructor(
    readonly address: string,
    readonly port: number,
    clock: Clock,
    readonly transport?: UpstreamTransport,
  ) {
    this.createdAt = clock.now();
    this.pool = new UpstreamPool(address, port, clock, transport);
    this.key = `${address}:${port}`;
    this.poolKey = poolKeyOf(this.key, transport);
  }
}

function poolKeyOf(key: string, transport: UpstreamTransport | undefined): string {
  return transport ? `${key}|${transport.key}` : key;
}

export class UpstreamHosts {
  private readonly hosts = new Map<string, UpstreamHost>();

  constructor(private readonly clock: Clock) {}

  get(address: string, port: number, transport?: UpstreamTransport): UpstreamHost {
    const key = poolKeyOf(`${address}:${port}`, transport);
    let h = this.hosts.get(key);
    if (!h) {
      h = new UpstreamHost(address, port, this.clock, transport);
      this.hosts.set(key, h);
    }
    return h;
  }

  /** Closes idle connections of hosts (by pool key) no current configuration names. */
  retainOnly(keys: ReadonlySet<string>): void {
    for (const [key, host] of this.hosts) {
      if (keys.has(key) || host.active > 0) continue;
      host.pool.destroy();
      this.hosts.delete(key);
    }
  }

  closeAll(): void {
    for (const host of this.hosts.values()) host.pool.destroy();
    this.hosts.clear();
  }
}
