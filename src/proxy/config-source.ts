/**
 * The proxy's side of the push protocol: subscribe, apply each config (a delta merged into the
 * last one applied first), answer ACK or NACK, and keep the last good configuration through
 * control-plane outages, reconnecting with backoff.
 */
import http from 'node:http';
import type { AckMessage, ProxyConfig, PushMessage } from '../compile/config.js';
import { applyDelta } from './config-delta.js';
import { LineSplitter } from './ndjson.js';
import { systemClock, type Clock, type Timer } from './clock.js';

export interface ConfigSourceOptions {
  /** `host:port` of the control plane. */
  control: string;
  namespace: string;
  pod: string;
  /** Applies a whole config; throws to refuse it (NACK). */
  apply(config: ProxyConfig): Promise<void>;
  log(message: string): void;
  /** A stream without a message for this long is considered dead. */
  silenceMs?: number;
  clock?: Clock;
}

const MIN_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5_000;

export class ConfigSource {
  private stopped = false;
  private request: http.ClientRequest | undefined;
  private backoff = MIN_BACKOFF_MS;
  private readonly agent = new http.Agent({ keepAlive: true });
  private timer: Timer | undefined;
  /** The config last applied: what the control plane's deltas build on. */
  private applied: ProxyConfig | undefined;

  constructor(private readonly opts: ConfigSourceOptions) {}

  private get base(): string {
    return `/v1/proxies/${encodeURIComponent(this.opts.namespace)}/${encodeURIComponent(this.opts.pod)}`;
  }

  start(): void {
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.request?.destroy();
    this.agent.destroy();
  }

  private hostPort(): { host: string; port: number } {
    const i = this.opts.control.lastIndexOf(':');
    return { host: this.opts.control.slice(0, i) || '127.0.0.1', port: Number(this.opts.control.slice(i + 1)) };
  }

  private retryLater(reason: string): void {
    if (this.stopped || this.timer) return;
    const clock = this.opts.clock ?? systemClock;
    const delay = this.backoff * (0.5 + clock.random() / 2);
    this.opts.log(`control plane unavailable (${reason}); serving last config, retrying in ${Math.round(delay)} ms`);
    this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
    this.timer = clock.setTimeout(() => {
      this.timer = undefined;
      this.connect();
    }, delay);
  }

  private connect(): void {
    if (this.stopped) return;
    const { host, port } = this.hostPort();
    const req = http.get({ host, port, path: `${this.base}/config`, agent: false, headers: { accept: 'application/x-ndjson' } });
    this.request = req;
    // Events of a stream given up for a new one (see resubscribe) are not outages.
    const current = (): boolean => this.request === req;
    const retryLater = (reason: string): void => {
      if (current()) this.retryLater(reason);
    };
    const silence = this.opts.silenceMs ?? 45_000;
    req.setTimeout(silence, () => req.destroy(new Error('no message from control plane')));
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        retryLater(`HTTP ${res.statusCode}`);
        return;
      }
      this.backoff = MIN_BACKOFF_MS;
      let chain = Promise.resolve();
      const lines = new LineSplitter((line) => {
        chain = chain.then(() => (current() ? this.handle(line) : undefined));
      });
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => lines.push(chunk));
      res.on('end', () => retryLater('stream ended'));
      res.on('error', (e) => retryLater(e.message));
    });
    req.on('error', (e) => retryLater(e.message));
  }

  /** A new stream at once, which the control plane starts with a whole config. */
  private resubscribe(reason: string): void {
    if (this.stopped) return;
    this.opts.log(`subscribing again for a whole config: ${reason}`);
    const old = this.request;
    this.request = undefined;
    old?.destroy();
    this.timer?.cancel();
    this.timer = undefined;
    this.connect();
  }

  private async handle(line: string): Promise<void> {
    let msg: PushMessage;
    try {
      msg = JSON.parse(line) as PushMessage;
    } catch {
      this.opts.log('ignored a malformed message from the control plane');
      return;
    }
    let config: ProxyConfig;
    if (msg.type === 'config') config = msg.config;
    else if (msg.type === 'delta') {
      // Deltas sent before the control plane saw a NACK, or after a message was lost, do not fit.
      if (this.applied?.version !== msg.base) {
        this.resubscribe(`delta for version ${msg.base}, serving ${this.applied?.version ?? 'nothing'}`);
        return;
      }
      try {
        config = applyDelta(this.applied, msg);
      } catch (err) {
        this.resubscribe(err instanceof Error ? err.message : String(err));
        return;
      }
    } else return;
    try {
      await this.opts.apply(config);
      this.applied = config;
      await this.ack({ version: msg.version, ok: true });
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      this.opts.log(`refused config version ${msg.version}: ${error}`);
      await this.ack({ version: msg.version, ok: false, error });
    }
  }

  private ack(message: AckMessage): Promise<void> {
    const { host, port } = this.hostPort();
    const body = JSON.stringify(message);
    return new Promise((resolve) => {
      const req = http.request({ host, port, method: 'POST', path: `${this.base}/ack`, agent: this.agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on('end', () => resolve());
      });
      req.setTimeout(5_000, () => req.destroy());
      req.on('error', () => resolve());
      req.end(body);
    });
  }
}
