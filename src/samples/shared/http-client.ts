/**
 * The HTTP client samples use to call out. Like curl, it sends plain-HTTP requests through
 * `http_proxy`/`HTTP_PROXY` unless `no_proxy`/`NO_PROXY` exempts the host: absolute-form request
 * line (`GET http://httpbin:8000/get HTTP/1.1`), Host header kept, keep-alive to the proxy. Inside
 * tack that proxy is the pod's sidecar, so fortio's calls go through the mesh as in Kubernetes.
 * https URLs are fetched directly (no CONNECT tunnelling).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { isIP } from 'node:net';
import type { Socket } from 'node:net';

export interface HttpResponse {
  readonly status: number;
  readonly statusMessage: string;
  readonly httpVersion: string;
  /** Names with the case the server sent, alternating name, value. */
  readonly rawHeaders: readonly string[];
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  /** Bytes of status line and headers as received (approximately: reconstructed). */
  readonly headerBytes: number;
}

export interface RequestOptions {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  readonly timeoutMs?: number;
}

export interface ClientOptions {
  /** Reuse connections (default true). */
  readonly keepAlive?: boolean;
  /** Connections per destination (default unlimited); fortio workers use 1. */
  readonly maxSockets?: number;
  /** Where the proxy variables come from (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
}

/** The proxy curl would use for `target`, or undefined to connect directly. */
export function proxyFor(target: URL, env: NodeJS.ProcessEnv = process.env): URL | undefined {
  const scheme = target.protocol.replace(/:$/, '');
  const setting = scheme === 'http' ? env.http_proxy || env.HTTP_PROXY : scheme === 'https' ? env.https_proxy || env.HTTPS_PROXY : undefined;
  const proxy = setting || env.all_proxy || env.ALL_PROXY;
  if (!proxy) return undefined;
  if (noProxyMatches(target, env.no_proxy ?? env.NO_PROXY ?? '')) return undefined;
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`);
    return url.protocol === 'http:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * curl's `no_proxy`: comma (or space) separated; `*` matches everything; a name matches itself and
 * its subdomains (a leading dot is optional); an IP matches exactly, or a CIDR range contains it.
 * `host:port` entries (Go's extension) match that port only.
 */
export function noProxyMatches(target: URL, noProxy: string): boolean {
  const host = target.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase().replace(/\.$/, '');
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  for (let entry of noProxy.split(/[\s,]+/)) {
    entry = entry.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    let entryPort: string | undefined;
    const portMatch = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(entry);
    if (portMatch) {
      entry = portMatch[1] ?? entry;
      entryPort = portMatch[2];
    }
    entry = entry.replace(/^\[(.*)\]$/, '$1');
    if (entryPort !== undefined && entryPort !== port) continue;
    if (entry.includes('/')) {
      if (inCidr(host, entry)) return true;
      continue;
    }
    if (isIP(entry) || isIP(host)) {
      if (entry === host) return true;
      continue;
    }
    const name = entry.replace(/^\*?\./, '').replace(/\.$/, '');
    if (host === name || host.endsWith(`.${name}`)) return true;
  }
  return false;
}

function inCidr(host: string, cidr: string): boolean {
  const [net = '', bitsText = ''] = cidr.split('/');
  const bits = Number(bitsText);
  const a = ipv4(host);
  const b = ipv4(net);
  if (a === undefined || b === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (a & mask) >>> 0 === (b & mask) >>> 0;
}

function ipv4(text: string): number | undefined {
  if (isIP(text) !== 4) return undefined;
  return text.split('.').reduce((acc, part) => ((acc << 8) | Number(part)) >>> 0, 0);
}

export class HttpError extends Error {
  constructor(
    readonly code: 'timeout' | 'connect' | 'protocol' | 'url',
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** One client: a connection pool (to the proxy or to each destination) and a socket count. */
export class HttpClient {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly env: NodeJS.ProcessEnv;
  private readonly seen = new WeakSet<Socket>();
  /** Connections opened so far (fortio's "Sockets used"). */
  socketsUsed = 0;

  constructor(options: ClientOptions = {}) {
    const agentOptions = { keepAlive: options.keepAlive ?? true, maxSockets: options.maxSockets ?? Infinity };
    this.httpAgent = new http.Agent(agentOptions);
    this.httpsAgent = new https.Agent(agentOptions);
    this.env = options.env ?? process.env;
  }

  request(target: string | URL, options: RequestOptions = {}): Promise<HttpResponse> {
    let url: URL;
    try {
      url = typeof target === 'string' ? new URL(target) : target;
    } catch {
      return Promise.reject(new HttpError('url', `invalid URL ${String(target)}`));
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return Promise.reject(new HttpError('url', `unsupported scheme ${url.protocol}`));
    const proxy = url.protocol === 'http:' ? proxyFor(url, this.env) : undefined;
    const headers: Record<string, string> = { Host: url.host };
    for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase() === 'host' ? 'Host' : name] = value;
    if (proxy && (proxy.username || proxy.password)) {
      headers['Proxy-Authorization'] = `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`;
    }
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    if (body) headers['Content-Length'] = String(body.length);
    const request = url.protocol === 'https:' ? https.request : http.request;
    const requestOptions: http.RequestOptions = {
      method: options.method ?? 'GET',
      host: (proxy ?? url).hostname.replace(/^\[(.*)\]$/, '$1'),
      port: proxy ? Number(proxy.port || 1080) : Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
      path: proxy ? url.href : `${url.pathname}${url.search}`,
      headers,
      agent: url.protocol === 'https:' ? this.httpsAgent : this.httpAgent,
      setHost: false,
    };
    const timeoutMs = options.timeoutMs ?? 30_000;
    return new Promise<HttpResponse>((resolve, reject) => {
      let settled = false;
      const fail = (err: HttpError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.destroy();
        reject(err);
      };
      const timer = setTimeout(() => fail(new HttpError('timeout', `timeout after ${timeoutMs} ms`)), timeoutMs);
      const req = request(requestOptions, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (err) => fail(new HttpError('protocol', err.message)));
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({
            status: res.statusCode ?? 0,
            statusMessage: res.statusMessage ?? '',
            httpVersion: res.httpVersion,
            rawHeaders: res.rawHeaders,
            headers: res.headers,
            body: Buffer.concat(chunks),
            headerBytes: headerBytes(res),
          });
        });
      });
      req.on('socket', (socket: Socket) => {
        if (this.seen.has(socket)) return;
        this.seen.add(socket);
        this.socketsUsed++;
      });
      req.on('error', (err: NodeJS.ErrnoException) => fail(new HttpError(err.code === 'ECONNREFUSED' || err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN' ? 'connect' : 'protocol', err.message)));
      req.end(body);
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

function headerBytes(res: http.IncomingMessage): number {
  let size = `HTTP/${res.httpVersion} ${res.statusCode} ${res.statusMessage}\r\n`.length + 2;
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) size += (res.rawHeaders[i] ?? '').length + (res.rawHeaders[i + 1] ?? '').length + 4;
  return size;
}
