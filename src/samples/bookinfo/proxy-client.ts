/**
 * A small HTTP/1.1 client for the bookinfo samples that sends every request through the pod's
 * sidecar, as `HTTP_PROXY` says: an absolute-form request line (`GET http://reviews:9080/reviews/0
 * HTTP/1.1`) to the proxy's host:port over a keep-alive connection, the `Host` header kept as the
 * service's. Without a proxy (or for a `NO_PROXY` host) it connects to the host directly.
 *
 * Self-contained on purpose (Node standard library only).
 */
import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';

/** Where the sidecar's outbound listener is. */
export interface ProxyAddress {
  readonly host: string;
  readonly port: number;
}

export interface RequestOptions {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Whole-request deadline: connect, send, and read the full response. */
  readonly timeoutMs: number;
}

export interface ClientResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** The request did not complete in time. */
export class RequestTimeoutError extends Error {
  readonly code = 'REQUEST_TIMEOUT';
  constructor(url: string, timeoutMs: number) {
    super(`${url}: no response within ${timeoutMs} ms`);
  }
}

const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

/** Parses `HTTP_PROXY`/`http_proxy` (`http://127.0.0.1:15001`, or a bare `host:port`). */
export function proxyFromEnv(env: NodeJS.ProcessEnv = process.env): ProxyAddress | undefined {
  const raw = (env.HTTP_PROXY ?? env.http_proxy ?? '').trim();
  if (raw === '') return undefined;
  try {
    const url = new URL(raw.includes('://') ? raw : `http://${raw}`);
    if (url.protocol !== 'http:') return undefined;
    const port = url.port === '' ? 80 : Number(url.port);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (host === '' || !Number.isInteger(port) || port <= 0 || port > 65535) return undefined;
    return { host, port };
  } catch {
    return undefined;
  }
}

/** `NO_PROXY` entries: exact host, `.suffix`/`suffix` domain match, or `*`. */
export function noProxyFromEnv(env: NodeJS.ProcessEnv = process.env): readonly string[] {
  const raw = env.NO_PROXY ?? env.no_proxy ?? '';
  return raw
    .split(',')
    .map((s) => s.trim().toLowerCase().replace(/:\d+$/, ''))
    .filter((s) => s !== '');
}

function bypasses(host: string, noProxy: readonly string[]): boolean {
  const h = host.toLowerCase();
  return noProxy.some((entry) => {
    if (entry === '*') return true;
    const bare = entry.startsWith('.') ? entry.slice(1) : entry;
    return h === bare || h.endsWith(`.${bare}`);
  });
}

export class ProxyClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 16 });

  constructor(
    private readonly proxy: ProxyAddress | undefined = proxyFromEnv(),
    private readonly noProxy: readonly string[] = noProxyFromEnv(),
  ) {}

  /** Sends a plain-HTTP request; rejects on network errors and on timeout. Any status resolves. */
  async request(url: string, options: RequestOptions): Promise<ClientResponse> {
    const target = new URL(url);
    if (target.protocol !== 'http:') throw new Error(`${url}: only http:// is supported`);
    try {
      return await this.once(target, options);
    } catch (err) {
      // A keep-alive connection the server closed just as we reused it: retry once on a fresh one.
      if (err instanceof StaleSocketError) return this.once(target, options);
      throw err;
    }
  }

  /**
   * HTTPS to an external host: a CONNECT tunnel through the proxy (or a direct connection), TLS on
   * top, one request, connection closed afterwards.
   */
  async requestTls(url: string, options: RequestOptions): Promise<ClientResponse> {
    const target = new URL(url);
    if (target.protocol !== 'https:') throw new Error(`${url}: expected https://`);
    const host = target.hostname;
    const port = target.port === '' ? 443 : Number(target.port);
    const deadline = Date.now() + options.timeoutMs;
    const raw = await withDeadline(this.openTunnel(host, port), deadline, url, options.timeoutMs, (s) => s.destroy());
    const secure = tls.connect({ socket: raw, servername: net.isIP(host) === 0 ? host : undefined });
    return this.send(
      {
        method: options.method ?? 'GET',
        host,
        port,
        path: `${target.pathname}${target.search}`,
        headers: { host: target.host, connection: 'close', ...lower(options.headers) },
        createConnection: () => secure,
      },
      options.body,
      url,
      Math.max(1, deadline - Date.now()),
      options.timeoutMs,
    );
  }

  close(): void {
    this.agent.destroy();
  }

  private once(target: URL, options: RequestOptions): Promise<ClientResponse> {
    const headers: Record<string, string> = { host: target.host, ...lower(options.headers) };
    const port = target.port === '' ? 80 : Number(target.port);
    const viaProxy = this.proxy !== undefined && !bypasses(target.hostname, this.noProxy);
    const proxy = viaProxy ? this.proxy : undefined;
    const request: http.RequestOptions = proxy
      ? {
          host: proxy.host,
          port: proxy.port,
          // Absolute form: the sidecar routes on it, and on the Host header we keep.
          path: `http://${target.host}${target.pathname}${target.search}`,
        }
      : { host: target.hostname, port, path: `${target.pathname}${target.search}` };
    return this.send(
      { ...request, method: options.method ?? 'GET', headers, agent: this.agent },
      options.body,
      target.href,
      options.timeoutMs,
      options.timeoutMs,
    );
  }

  private openTunnel(host: string, port: number): Promise<net.Socket> {
    const proxy = this.proxy && !bypasses(host, this.noProxy) ? this.proxy : undefined;
    if (!proxy) {
      return new Promise((resolve, reject) => {
        const socket = net.connect({ host, port }, () => resolve(socket));
        socket.once('error', reject);
      });
    }
    return new Promise((resolve, reject) => {
      const req = http.request({
        host: proxy.host,
        port: proxy.port,
        method: 'CONNECT',
        path: `${host}:${port}`,
        headers: { host: `${host}:${port}` },
        agent: false,
      });
      req.once('connect', (res, socket) => {
        if (res.statusCode === 200) resolve(socket);
        else {
          socket.destroy();
          reject(new Error(`CONNECT ${host}:${port} through the proxy: status ${res.statusCode}`));
        }
      });
      req.once('error', reject);
      req.end();
    });
  }

  private send(
    request: http.RequestOptions,
    body: string | undefined,
    url: string,
    remainingMs: number,
    timeoutMs: number,
  ): Promise<ClientResponse> {
    return new Promise<ClientResponse>((resolve, reject) => {
      let settled = false;
      const finish = (err: Error | undefined, res?: ClientResponse): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) reject(err);
        else if (res) resolve(res);
      };
      const req = http.request(request);
      const timer = setTimeout(() => {
        finish(new RequestTimeoutError(url, timeoutMs));
        req.destroy();
      }, remainingMs);
      let gotResponse = false;
      req.on('error', (err: NodeJS.ErrnoException) => {
        const stale =
          !gotResponse && req.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE');
        finish(stale ? new StaleSocketError(err.message) : err);
      });
      req.on('response', (res) => {
        gotResponse = true;
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) {
            finish(new Error(`${url}: response larger than ${MAX_RESPONSE_BYTES} bytes`));
            req.destroy();
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () =>
          finish(undefined, {
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', (err) => finish(err));
        res.on('aborted', () => finish(new Error(`${url}: response aborted`)));
      });
      if (body !== undefined) req.setHeader('content-length', Buffer.byteLength(body));
      req.end(body);
    });
  }
}

class StaleSocketError extends Error {}

function lower(headers: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) out[k.toLowerCase()] = v;
  return out;
}

/** Races `p` against the deadline; a value that arrives too late is handed to `discard`. */
function withDeadline<T>(
  p: Promise<T>,
  deadline: number,
  url: string,
  timeoutMs: number,
  discard: (late: T) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let expired = false;
    const timer = setTimeout(() => {
      expired = true;
      reject(new RequestTimeoutError(url, timeoutMs));
    }, Math.max(1, deadline - Date.now()));
    p.then(
      (v) => {
        clearTimeout(timer);
        if (expired) discard(v);
        else resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
