/**
 * The preload's settings, read once from the environment: which proxy (the pod's sidecar outbound
 * listener) plain-HTTP and HTTPS requests go to, and which hosts are exempt. Pure; no side effects,
 * so importing it can never throw.
 */
import { isIP } from 'node:net';

/** Where requests are sent instead of their destination. `host` has no IPv6 brackets. */
export interface ProxyTarget {
  readonly host: string;
  readonly port: number;
  /** `Proxy-Authorization` value when the proxy URL carries credentials. */
  readonly authorization?: string;
}

export interface ProxySettings {
  /** For `http:` URLs: `http_proxy`, else `HTTP_PROXY`. */
  readonly http: ProxyTarget;
  /** For `https:` URLs (CONNECT tunnel): `https_proxy`/`HTTPS_PROXY` when set, else the http proxy. */
  readonly https: ProxyTarget;
  /** `no_proxy`, else `NO_PROXY`, split into lower-cased entries. */
  readonly noProxy: readonly string[];
}

export type Scheme = 'http' | 'https';

/** Settings when `http_proxy`/`HTTP_PROXY` names a usable `http://` proxy; otherwise undefined. */
export function readSettings(env: NodeJS.ProcessEnv): ProxySettings | undefined {
  const http = parseProxy(env.http_proxy || env.HTTP_PROXY);
  if (!http) return undefined;
  const https = parseProxy(env.https_proxy || env.HTTPS_PROXY) ?? http;
  const noProxy = (env.no_proxy ?? env.NO_PROXY ?? '')
    .split(/[\s,]+/)
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry !== '');
  return { http, https, noProxy };
}

/** `http://127.0.0.1:15001`, `http://user:pass@host:port` or a bare `host:port`; only `http:` proxies. */
export function parseProxy(raw: string | undefined): ProxyTarget | undefined {
  const text = (raw ?? '').trim();
  if (text === '') return undefined;
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:') return undefined;
  const host = normalizeHost(url.hostname);
  const port = url.port === '' ? 80 : Number(url.port);
  if (host === '' || !Number.isInteger(port) || port <= 0 || port > 65535) return undefined;
  if (url.username === '' && url.password === '') return { host, port };
  const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return { host, port, authorization: `Basic ${Buffer.from(credentials).toString('base64')}` };
}

/** Lower case, no IPv6 brackets, no trailing dot. */
export function normalizeHost(host: string): string {
  return host.trim().replace(/^\[(.*)\]$/, '$1').toLowerCase().replace(/\.$/, '');
}

/** The proxy a request to `host:port` goes through, or undefined when it goes direct. */
export function proxyFor(settings: ProxySettings, scheme: Scheme, host: string, port: number): ProxyTarget | undefined {
  const name = normalizeHost(host);
  const proxy = settings[scheme];
  if (name === '' || isLoopback(name)) return undefined;
  if (name === proxy.host && port === proxy.port) return undefined;
  if (noProxyMatches(name, port, settings.noProxy)) return undefined;
  return proxy;
}

/** `localhost` (and `*.localhost`), 127.0.0.0/8, `::1`, the unspecified addresses. */
export function isLoopback(host: string): boolean {
  const name = normalizeHost(host);
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  const v4 = name.startsWith('::ffff:') && isIP(name.slice(7)) === 4 ? name.slice(7) : name;
  if (isIP(v4) === 4) return v4.startsWith('127.') || v4 === '0.0.0.0';
  if (isIP(name) === 6) return /^(0{0,4}:){2,7}0{0,3}1$/.test(name) || /^(0{0,4}:){2,7}0{0,4}$/.test(name);
  return false;
}

/**
 * curl's `no_proxy` rules: `*` matches everything; a name matches itself and its subdomains, with
 * or without a leading dot (`example.com` and `.example.com` both match `www.example.com`, never
 * `notexample.com`); an IP matches exactly, a CIDR range (`10.0.0.0/8`) contains it. A `host:port`
 * entry (Go's extension) matches that port only.
 */
export function noProxyMatches(host: string, port: number, entries: readonly string[]): boolean {
  const name = normalizeHost(host);
  for (const raw of entries) {
    let entry = raw;
    if (entry === '*') return true;
    const withPort = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(entry);
    if (withPort) {
      if (Number(withPort[2]) !== port) continue;
      entry = withPort[1] ?? entry;
    }
    entry = normalizeHost(entry);
    if (entry === '') continue;
    if (entry.includes('/')) {
      if (inCidr(name, entry)) return true;
      continue;
    }
    if (isIP(entry) !== 0 || isIP(name) !== 0) {
      if (entry === name) return true;
      continue;
    }
    const domain = entry.replace(/^\*?\./, '');
    if (name === domain || name.endsWith(`.${domain}`)) return true;
  }
  return false;
}

function inCidr(host: string, cidr: string): boolean {
  const [net = '', bitsText = ''] = cidr.split('/');
  const bits = Number(bitsText);
  const a = ipv4(host);
  const b = ipv4(net);
  if (a === undefined || b === undefined || bitsText === '' || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (a & mask) >>> 0 === (b & mask) >>> 0;
}

function ipv4(text: string): number | undefined {
  if (isIP(text) !== 4) return undefined;
  return text.split('.').reduce((acc, part) => ((acc << 8) | Number(part)) >>> 0, 0);
}

/** `host:port` as it appears in a Host header or CONNECT line (IPv6 bracketed; port left out when default). */
export function authority(host: string, port: number, defaultPort?: number): string {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  const name = bare.includes(':') ? `[${bare}]` : bare;
  return port === defaultPort ? name : `${name}:${port}`;
}
