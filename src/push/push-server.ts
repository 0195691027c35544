import type { ServerResponse } from 'node:http';
import type { AckMessage, ConfigDelta, ProxyConfig, PushMessage } from '../compile/config.js';
import { compileProxyConfig, type MeshSettings, DEFAULT_MESH_SETTINGS } from '../compile/index.js';
import type { ConfigStore } from '../store/index.js';
import { configMessageJson, deltaMessageJson, diffConfig } from './config-delta.js';

export type SyncState = 'SYNCED' | 'STALE' | 'NACK' | 'NOT SENT' | 'DISCONNECTED';

export interface ProxyStatus {
  namespace: string;
  pod: string;
  connected: boolean;
  state: SyncState;
  sentVersion?: string;
  ackedVersion?: string;
  error?: string;
  /** Time the last config was sent and the time it was acknowledged, for apply-to-serve latency. */
  sentAt?: number;
  ackedAt?: number;
}

interface Subscription {
  namespace: string;
  pod: string;
  res?: ServerResponse;
  sentVersion?: string;
  sentAt?: number;
  /** The last config sent, whole: what `ackedConfig` becomes when the proxy acknowledges it. */
  sentConfig?: ProxyConfig;
  /** A new stream starts with the current config even when it did not change. */
  resend?: boolean;
  /**
   * The proxy holds `sentConfig` once it has applied everything sent on this stream, so the next
   * push can be a delta on top of it. Not on a new stream, nor after a NACK (it kept an older one).
   */
  deltaOk?: boolean;
  ackedVersion?: string;
  ackedAt?: number;
  ackedConfig?: ProxyConfig;
  nack?: string;
}

const DEBOUNCE_MS = 30;
const PING_MS = 15_000;

export class PushServer {
  private readonly subs = new Map<string, Subscription>();
  private timer: NodeJS.Timeout | undefined;
  private readonly ping: NodeJS.Timeout;
  private readonly ackWaiters = new Set<() => void>();

  constructor(
    private readonly store: ConfigStore,
    private readonly mesh: MeshSettings = DEFAULT_MESH_SETTINGS,
    private readonly log: (m: string) => void = () => undefined,
  ) {
    store.onChange(() => this.schedule());
    this.ping = setInterval(() => this.broadcastPing(), PING_MS);
    this.ping.unref();
  }

  private key(namespace: string, pod: string): string {
    return `${namespace}/${pod}`;
  }

  /** A proxy's config stream. The response stays open; messages follow as the mesh changes. */
  subscribe(namespace: string, pod: string, res: ServerResponse): void {
    const key = this.key(namespace, pod);
    const sub = this.subs.get(key) ?? { namespace, pod };
    sub.res?.destroy();
    sub.res = res;
    // A reconnecting proxy gets the whole current config again, even if nothing changed.
    sub.resend = true;
    sub.deltaOk = false;
    this.subs.set(key, sub);
    res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
    res.flushHeaders();
    res.on('close', () => {
      if (sub.res === res) delete sub.res;
    });
    this.pushTo(sub);
  }

  ack(namespace: string, pod: string, message: AckMessage): void {
    const sub = this.subs.get(this.key(namespace, pod));
    if (!sub) return;
    if (message.ok) {
      sub.ackedVersion = message.version;
      sub.ackedAt = Date.now();
      if (sub.sentVersion === message.version && sub.sentConfig) sub.ackedConfig = sub.sentConfig;
      delete sub.nack;
    } else {
      sub.nack = message.error ?? 'refused';
      sub.deltaOk = false;
      this.log(`proxy ${namespace}/${pod} refused config ${message.version}: ${sub.nack}`);
    }
    for (const w of [...this.ackWaiters]) w();
  }

  /** Forgets a proxy whose pod is gone. */
  remove(namespace: string, pod: string): void {
    const key = this.key(namespace, pod);
    this.subs.get(key)?.res?.end();
    this.subs.delete(key);
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), DEBOUNCE_MS);
  }

  /** A change is waiting for the end of the debounce window. */
  pending(): boolean {
    return this.timer !== undefined;
  }

  /** Pushes a pending change now instead of at the end of the debounce window. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const sub of this.subs.values()) this.pushTo(sub);
  }

  private pushTo(sub: Subscription): void {
    if (!sub.res) return;
    const workload = this.store.workload(sub.namespace, sub.pod);
    if (!workload) return;
    const snapshot = this.store.snapshot();
    let config: ProxyConfig;
    try {
      config = compileProxyConfig(snapshot, workload, this.mesh);
    } catch (err) {
      // One proxy's failure to compile must not stop the push to the others.
      this.log(`cannot compile config for ${sub.namespace}/${sub.pod}: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    let delta: ConfigDelta | undefined;
    if (sub.sentConfig && !sub.resend) {
      delta = diffConfig(sub.sentConfig, config);
      if (!delta) return;
    }
    const line = delta && sub.deltaOk ? deltaMessageJson(delta) : configMessageJson(config);
    sub.resend = false;
    sub.deltaOk = true;
    sub.sentVersion = config.version;
    sub.sentConfig = config;
    sub.sentAt = Date.now();
    sub.res.write(`${line}\n`);
  }

  private broadcastPing(): void {
    const line = `${JSON.stringify({ type: 'ping' } satisfies PushMessage)}\n`;
    for (const sub of this.subs.values()) sub.res?.write(line);
  }

  status(): ProxyStatus[] {
    return [...this.subs.values()]
      .map((s) => {
        const state: SyncState = !s.res ? 'DISCONNECTED' : s.nack ? 'NACK' : s.sentVersion === undefined ? 'NOT SENT' : s.ackedVersion === s.sentVersion ? 'SYNCED' : 'STALE';
        return {
          namespace: s.namespace,
          pod: s.pod,
          connected: s.res !== undefined,
          state,
          ...(s.sentVersion !== undefined ? { sentVersion: s.sentVersion } : {}),
          ...(s.ackedVersion !== undefined ? { ackedVersion: s.ackedVersion } : {}),
          ...(s.nack !== undefined ? { error: s.nack } : {}),
          ...(s.sentAt !== undefined ? { sentAt: s.sentAt } : {}),
          ...(s.ackedAt !== undefined ? { ackedAt: s.ackedAt } : {}),
        };
      })
      .sort((a, b) => `${a.namespace}/${a.pod}`.localeCompare(`${b.namespace}/${b.pod}`));
  }

  /** The configuration a proxy acknowledged: what it is serving. */
  ackedConfig(namespace: string, pod: string): ProxyConfig | undefined {
    return this.subs.get(this.key(namespace, pod))?.ackedConfig;
  }

  /** Has this proxy acknowledged any configuration yet? */
  hasConfig(namespace: string, pod: string): boolean {
    return this.subs.get(this.key(namespace, pod))?.ackedVersion !== undefined;
  }

  /** Resolves when `predicate` holds after an ACK, or after `timeoutMs`. */
  waitFor(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
    if (predicate()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (ok: boolean): void => {
        clearTimeout(timer);
        this.ackWaiters.delete(check);
        resolve(ok);
      };
      const check = (): void => {
        if (predicate()) done(true);
      };
      const timer = setTimeout(() => done(predicate()), timeoutMs);
      this.ackWaiters.add(check);
    });
  }

  close(): void {
    clearInterval(this.ping);
    if (this.timer) clearTimeout(this.timer);
    for (const s of this.subs.values()) s.res?.end();
  }
}
