/**
 * Global `fetch` (Node's bundled undici). fetch itself is left alone: Request, Headers, bodies,
 * AbortSignal, redirects, streaming Response are all undici's. What changes is the transport: the
 * global dispatcher (`globalThis[Symbol.for('undici.globalDispatcher.1')]`, the hook the `undici`
 * package's `setGlobalDispatcher` uses) is wrapped so that each dispatched request to a non-exempt
 * host goes out as
 *  - `http:`: to the proxy's origin with an absolute-form path and the original Host header;
 *  - `https:`: through an Agent whose connector opens a `CONNECT host:port` tunnel and runs TLS
 *    over it.
 * Every redirect hop is dispatched again, so each hop is routed on its own host.
 *
 * Loading undici costs ~25 ms, so nothing happens at startup: `fetch` is replaced by a stub that
 * installs the dispatcher on its first call and puts the original `fetch` back.
 */
import type { Socket } from 'node:net';
import { isIP } from 'node:net';
import * as tls from 'node:tls';
import type { Log } from './debug.js';
import { authority, proxyFor, type ProxySettings, type ProxyTarget } from './settings.js';
import { openTunnel, type RequestFn } from './tunnel.js';

const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');

/** The part of undici's Dispatcher interface fetch uses. */
interface Dispatcher {
  dispatch(options: DispatchOptions, handler: unknown): boolean;
  close(...args: unknown[]): unknown;
  destroy(...args: unknown[]): unknown;
}

interface DispatchOptions {
  origin?: string | URL;
  path?: string;
  method?: string;
  headers?: unknown;
  upgrade?: unknown;
  [key: string]: unknown;
}

type AgentClass = new (options: { connect: Connector }) => Dispatcher;
type Connector = (options: ConnectOptions, callback: (error: Error | null, socket: Socket | null) => void) => void;
interface ConnectOptions {
  hostname: string;
  port: string | number;
  protocol: string;
  servername?: string | null;
}

/** Adds `host` (and Proxy-Authorization) to undici's header forms: object, flat array, or pairs. */
function withHost(headers: unknown, host: string, proxy: ProxyTarget): unknown {
  const pairs: [string, unknown][] = [];
  if (Array.isArray(headers)) {
    if (headers.every((h) => Array.isArray(h))) for (const h of headers as unknown[][]) pairs.push([String(h[0]), h[1]]);
    else for (let i = 0; i + 1 < headers.length; i += 2) pairs.push([String(headers[i]), headers[i + 1]]);
  } else if (headers !== null && typeof headers === 'object') {
    const iterable = headers as Partial<Iterable<unknown>>;
    if (typeof iterable[Symbol.iterator] === 'function') for (const h of iterable as Iterable<[string, unknown]>) pairs.push([String(h[0]), h[1]]);
    else for (const [name, value] of Object.entries(headers)) pairs.push([name, value]);
  } else if (headers !== undefined && headers !== null) {
    return headers; // Unknown form: let undici judge it.
  }
  const has = (name: string): boolean => pairs.some(([n]) => n.toLowerCase() === name);
  if (!has('host')) pairs.push(['host', host]);
  if (proxy.authorization && !has('proxy-authorization')) pairs.push(['proxy-authorization', proxy.authorization]);
  return pairs.flat();
}

class ProxyDispatcher implements Dispatcher {
  private tunnelAgent: Dispatcher | undefined;

  constructor(
    private readonly inner: Dispatcher,
    private readonly request: RequestFn,
    private readonly settings: ProxySettings,
    private readonly log: Log,
  ) {}

  dispatch(options: DispatchOptions, handler: unknown): boolean {
    let routed: { options: DispatchOptions; via: Dispatcher } | undefined;
    try {
      routed = this.route(options);
    } catch {
      routed = undefined;
    }
    return routed ? routed.via.dispatch(routed.options, handler) : this.inner.dispatch(options, handler);
  }

  close(...args: unknown[]): unknown {
    return this.inner.close(...args);
  }

  destroy(...args: unknown[]): unknown {
    return this.inner.destroy(...args);
  }

  private route(options: DispatchOptions): { options: DispatchOptions; via: Dispatcher } | undefined {
    const origin = typeof options.origin === 'string' ? new URL(options.origin) : options.origin instanceof URL ? options.origin : undefined;
    const path = options.path;
    if (!origin || typeof path !== 'string' || !path.startsWith('/') || options.method === 'CONNECT' || options.upgrade) return undefined;
    const scheme = origin.protocol === 'http:' ? 'http' : origin.protocol === 'https:' ? 'https' : undefined;
    if (!scheme) return undefined;
    const port = origin.port === '' ? (scheme === 'http' ? 80 : 443) : Number(origin.port);
    const proxy = proxyFor(this.settings, scheme, origin.hostname, port);
    if (!proxy) return undefined;
    if (scheme === 'https') {
      this.log(`fetch CONNECT ${authority(origin.hostname, port)} via ${authority(proxy.host, proxy.port)}`);
      return { options, via: this.tunnel(proxy) };
    }
    const url = `${origin.origin}${path}`;
    this.log(`fetch ${options.method ?? 'GET'} ${url} via ${authority(proxy.host, proxy.port)}`);
    return {
      options: { ...options, origin: `http://${authority(proxy.host, proxy.port)}`, path: url, headers: withHost(options.headers, origin.host, proxy) },
      via: this.inner,
    };
  }

  /** An Agent of undici's own class whose connections are CONNECT tunnels wrapped in TLS. */
  private tunnel(proxy: ProxyTarget): Dispatcher {
    if (this.tunnelAgent) return this.tunnelAgent;
    const Agent = this.inner.constructor as AgentClass;
    const request = this.request;
    const connect: Connector = (options, callback) => {
      let called = false;
      const once = (error: Error | null, socket: Socket | null): void => {
        if (called) return;
        called = true;
        callback(error, socket);
      };
      const host = options.hostname.replace(/^\[(.*)\]$/, '$1');
      const port = Number(options.port) || 443;
      openTunnel(request, proxy, host, port, (error, raw) => {
        if (error || !raw) return once(error ?? new Error('tunnel closed'), null);
        const servername = options.servername || (isIP(host) === 0 ? host : undefined);
        const socket = tls.connect({ socket: raw, ...(servername ? { servername } : {}), ALPNProtocols: ['http/1.1'] });
        socket.once('secureConnect', () => once(null, socket));
        socket.once('error', (e) => once(e, null));
      });
    };
    this.tunnelAgent = new Agent({ connect });
    return this.tunnelAgent;
  }
}

/** Wraps undici's global dispatcher; true when fetch is now proxied. */
function installDispatcher(request: RequestFn, settings: ProxySettings, log: Log): boolean {
  void (globalThis as { Response?: unknown }).Response; // Loads Node's undici, which creates the global Agent.
  const store = globalThis as unknown as Record<symbol, unknown>;
  const inner = store[GLOBAL_DISPATCHER] as Dispatcher | undefined;
  if (!inner || typeof inner.dispatch !== 'function') {
    log('fetch: no undici global dispatcher; fetch is not proxied');
    return false;
  }
  if (inner instanceof ProxyDispatcher) return true;
  store[GLOBAL_DISPATCHER] = new ProxyDispatcher(inner, request, settings, log);
  return true;
}

export function patchFetch(request: RequestFn, settings: ProxySettings, log: Log): void {
  const original = globalThis.fetch;
  if (typeof original !== 'function') return;
  let installed = false;
  const fetch = function fetch(input: Parameters<typeof original>[0], init?: Parameters<typeof original>[1]): ReturnType<typeof original> {
    if (!installed) {
      installed = true;
      try {
        installDispatcher(request, settings, log);
      } catch (e) {
        log(`fetch: not proxied (${e instanceof Error ? e.message : String(e)})`);
      }
      if (globalThis.fetch === fetch) globalThis.fetch = original;
    }
    return original(input, init);
  };
  globalThis.fetch = fetch;
}
