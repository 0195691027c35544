import type { ServerResponse } from 'node:http';
import type { AckMessage, ConfigDelta, ProxyConfig, PushMessage } from '../compile/config.js';
import { compileProxy, type MeshSettings, type SkippedResource, DEFAULT_MESH_SETTINGS } from '../compile/index.js';
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
  /** Why the proxy refused `nackedVersion` (shown while that is the version it was last sent). */
  error?: string;
  nackedVersion?: string;
  /** Resources left out of this proxy's config because they could not be compiled for it. */
  skipped?: SkippedResource[];
  /** Why no config could be compiled for this proxy at all (it keeps the last one it was sent). */
  compileError?: string;
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
  /** The version the NACK refused: the proxy is in NACK only while that is what it was last sent. */
  nackVersion?: string;
  /** Resources the last compile for this proxy skipped (each with its error), or why it failed whole. */
  skipped?: SkippedResource[];
  compileError?: string;
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
      delete sub.nackVersion;
    } else {
      sub.nack = message.error ?? 'refused';
      sub.nackVersion = message.version;
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
      const compiled = compileProxy(snapshot, workload, this.mesh);
      config = compiled.config;
      for (const s of compiled.skipped) {
        if (!sub.skipped?.some((old) => old.error === s.error && old.resource.kind === s.resource.kind && old.resource.namespace === s.resource.namespace && old.resource.name === s.resource.name)) {
          this.log(`config for ${sub.namespace}/${sub.pod} leaves out ${s.resource.kind} ${s.resource.namespace ? `${s.resource.namespace}/` : ''}${s.resource.name}: ${s.error}`);
        }
      }
      sub.skipped = compiled.skipped;
      delete sub.compileError;
    } catch (err) {
      // One proxy's failure to compile must not stop the push to the others.
      sub.compileError = err instanceof Error ? err.message : String(err);
      this.log(`cannot compile config for ${sub.namespace}/${sub.pod}: ${sub.compileError}`);
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
    // Two writes: appending the newline would copy a message that can be megabytes long.
    sub.res.write(line);
    sub.res.write('\n');
  }

  private broadcastPing(): void {
    const line = `${JSON.stringify({ type: 'ping' } satisfies PushMessage)}\n`;
    for (const sub of this.subs.values()) sub.res?.write(line);
  }

  status(): ProxyStatus[] {
    return [...this.subs.values()]
      .map((s) => {
        // A NACK of an older version says nothing about the one in flight: that proxy is STALE until it answers.
        const refused = s.nack !== undefined && s.nackVersion === s.sentVersion;
        const state: SyncState = !s.res ? 'DISCONNECTED' : refused ? 'NACK' : s.sentVersion === undefined ? 'NOT SENT' : s.ackedVersion === s.sentVersion ? 'SYNCED' : 'STALE';
        return {
          namespace: s.namespace,
          pod: s.pod,
          connected: s.res !== undefined,
          state,
          ...(s.sentVersion !== undefined ? { sentVersion: s.sentVersion } : {}),
          ...(s.ackedVersion !== undefined ? { ackedVersion: s.ackedVersion } : {}),
          ...(refused ? { error: s.nack, nackedVersion: s.nackVersion } : {}),
          ...(s.skipped && s.skipped.length > 0 ? { skipped: s.skipped } : {}),
          ...(s.compileError !== undefined ? { compileError: s.compileError } : {}),
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
