import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sleep } from '../shared/serve.js';

export interface EchoSettings {
  /** Reported as `os.hostname`: the pod name, which is how tutorials tell versions apart. */
  readonly podName: string;
  readonly env: NodeJS.ProcessEnv;
}

const MAX_DELAY_MS = 60_000;

/**
 * The echo as mendhak/http-https-echo builds it from Express's request: `{path, headers, method,
 * body, cookies, fresh, hostname, ip, ips, protocol, query, subdomains, xhr, os: {hostname},
 * connection}`, plus `json` for JSON bodies. Honours `x-set-response-status-code`,
 * `x-set-response-delay-ms` and `x-set-response-content-type` (header or query), and the env
 * `ECHO_BACK_TO_CLIENT=false`, `PRESERVE_HEADER_CASE`, `ECHO_INCLUDE_ENV_VARS`, `DISABLE_REQUEST_LOGS`.
 */
export function echoHandler(settings: EchoSettings): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const echoBack = settings.env.ECHO_BACK_TO_CLIENT?.toLowerCase() !== 'false';
  const preserveCase = isTrue(settings.env.PRESERVE_HEADER_CASE);
  const includeEnv = isTrue(settings.env.ECHO_INCLUDE_ENV_VARS);
  const logRequests = !isTrue(settings.env.DISABLE_REQUEST_LOGS);
  return async (req, res) => {
    const body = await readBody(req);
    if (body === undefined) {
      res.writeHead(413, { 'content-type': 'text/plain' }).end('Payload Too Large\n');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const hasBody = body.length > 0 || req.headers['transfer-encoding'] !== undefined;
    const text = body.toString('utf8');
    const hostname = (req.headers.host ?? '').replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
    const echo: Record<string, unknown> = {
      path: safeDecode(url.pathname),
      headers: preserveCase ? rawHeaderObject(req.rawHeaders) : req.headers,
      method: req.method,
      body: hasBody ? text : {},
      cookies: cookies(req.headers.cookie),
      fresh: false,
      hostname,
      ip: req.socket.remoteAddress ?? '',
      ips: [],
      protocol: 'http',
      query: query(url.searchParams),
      subdomains: subdomains(hostname),
      xhr: String(req.headers['x-requested-with'] ?? '').toLowerCase() === 'xmlhttprequest',
      os: { hostname: settings.podName },
      connection: {},
    };
    if (hasBody && /\bjson\b/i.test(req.headers['content-type'] ?? '')) {
      try {
        echo.json = JSON.parse(text) as unknown;
      } catch {
        /* not JSON after all: body stays text */
      }
    }
    if (includeEnv) echo.env = settings.env;
    if (logRequests) process.stdout.write(`${JSON.stringify({ path: echo.path, method: echo.method, hostname, ip: echo.ip })}\n`);

    const control = (name: string): string | undefined => {
      const header = req.headers[name];
      return (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get(name) ?? undefined;
    };
    const delayMs = Number(control('x-set-response-delay-ms') ?? 0);
    if (Number.isFinite(delayMs) && delayMs > 0) await sleep(Math.min(delayMs, MAX_DELAY_MS));
    if (res.destroyed) return;
    const code = Number(control('x-set-response-status-code') ?? 200);
    const status = Number.isInteger(code) && code >= 100 && code <= 599 ? code : 200;
    const payload = echoBack ? JSON.stringify(echo) : '';
    res.writeHead(status, {
      'content-type': control('x-set-response-content-type')?.replace(/[\r\n]/g, '') ?? 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(payload),
      'x-powered-by': 'Express',
    });
    res.end(payload);
  };
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value.toLowerCase() !== 'false' && value !== '0';
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function rawHeaderObject(raw: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] ?? '';
    out[name] = name in out ? `${out[name]}, ${raw[i + 1]}` : (raw[i + 1] ?? '');
  }
  return out;
}

function cookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (header ?? '').split(';')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    out[pair.slice(0, eq).trim()] = safeDecode(pair.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1'));
  }
  return out;
}

/** Express's query object: repeated keys become arrays. */
function query(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of params) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

/** Express's `req.subdomains` (subdomain offset 2): `a.b.example.com` → `['b', 'a']`; none for IPs. */
function subdomains(hostname: string): string[] {
  if (hostname === '' || /^[\d.]+$/.test(hostname) || hostname.includes(':')) return [];
  return hostname.split('.').reverse().slice(2);
}
