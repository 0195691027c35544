import type { ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import type { AckMessage, ProxyConfig, PushMessage } from '../compile/config.js';
import { compileProxyConfig, type MeshSettings, DEFAULT_MESH_SETTINGS } from '../compile/index.js';
import type { ConfigStore } from '../store/index.js';

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
  /** Config sent, without version, to skip pushes that change nothing. */
  sentFingerprint?: string;
  sentConfig?: ProxyConfig;
  ackedVersion?: string;
  ackedAt?: number;
  ackedConfig?: ProxyConfig;
  nack?: string;
}

const DEBOUNCE_MS = 30;

interface Memo {
  json: string;
  hash: string;
}

/**
 * Route tables and clusters are shared between proxies (the compiler reuses them), so their JSON
 * and its hash are made once per object, not once per proxy.
 */
const jsonMemo = new WeakMap<object, Memo>();
function memo(value: object): Memo {
  let m = jsonMemo.get(value);
  if (m === undefined) {
    const json = JSON.stringify(value);
    m = { json, hash: createHash('sha1').update(json).digest('base64') };
    jsonMemo.set(value, m);
  }
  return m;
}

/** The config's JSON without its version, and a fingerprint of it made from the parts' memoised hashes. */
function configBody(config: ProxyConfig): { json: string; fingerprint: string } {
  const hash = createHash('sha1');
  const record = (r: Record<string, object>): string => {
    let out = '{';
    let first = true;
    for (const [k, v] of Object.entries(r)) {
      const m = memo(v);
      hash.update(k).update(m.hash);
      out += `${first ? '' : ','}${JSON.stringify(k)}:${m.json}`;
      first = false;
    }
    return `${out}}`;
  };
  const head = `"node":${JSON.stringify(config.node)},"listeners":${JSON.stringify(config.listeners)}`;
  hash.update(head).update(config.outboundTrafficPolicy);
  const json = `${head},"routes":${record(config.routes)},"clusters":${record(config.clusters)},"outboundTrafficPolicy":${JSON.stringify(config.outboundTrafficPolicy)}`;
  return { json, fingerprint: hash.digest('base64') };
}
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
    // A reconnecting proxy gets the current config again, even if nothing changed.
    delete sub.sentFingerprint;
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
    const { json: body, fingerprint } = configBody(config);
    if (fingerprint === sub.sentFingerprint) return;
    sub.sentFingerprint = fingerprint;
    sub.sentVersion = config.version;
    sub.sentConfig = config;
    sub.sentAt = Date.now();
    const version = JSON.stringify(config.version);
    // The same shape as JSON.stringify({ type: 'config', version, config } satisfies PushMessage).
    sub.res.write(`{"type":"config","version":${version},"config":{"version":${version},${body}}}\n`);
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
