import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { readBody, sleep } from '../shared/serve.js';
import { INDEX_HTML, MOBY_DICK_HTML, SLIDESHOW, TEAPOT } from './content.js';
import { bodyFields, httpbinHeaders, multiDict, origin, parseCookies, parsedUrl } from './request-info.js';

const MAX_DELAY_S = 10;
const MAX_BYTES = 100 * 1024;
const MAX_STREAM = 100;

interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  method: string;
  params: string[];
}

type Route = readonly [methods: readonly string[] | 'any', pattern: RegExp, handler: (ctx: Ctx) => void | Promise<void>];

const GET = ['GET', 'HEAD'] as const;

const ROUTES: readonly Route[] = [
  [GET, /^\/$/, ({ res }) => send(res, 200, INDEX_HTML, 'text/html; charset=utf-8')],
  [GET, /^\/get$/, (c) => sendJson(c.res, 200, requestDict(c, ['args', 'headers', 'origin', 'url']))],
  ['any', /^\/anything(?:\/.*)?$/, async (c) => sendJson(c.res, 200, await requestWithBody(c, true))],
  [['POST'], /^\/post$/, async (c) => sendJson(c.res, 200, await requestWithBody(c, false))],
  [['PUT'], /^\/put$/, async (c) => sendJson(c.res, 200, await requestWithBody(c, false))],
  [['PATCH'], /^\/patch$/, async (c) => sendJson(c.res, 200, await requestWithBody(c, false))],
  [['DELETE'], /^\/delete$/, async (c) => sendJson(c.res, 200, await requestWithBody(c, false))],
  [GET, /^\/headers$/, (c) => sendJson(c.res, 200, { headers: httpbinHeaders(c.req) })],
  [GET, /^\/ip$/, (c) => sendJson(c.res, 200, { origin: origin(c.req) })],
  [GET, /^\/user-agent$/, (c) => sendJson(c.res, 200, { 'user-agent': c.req.headers['user-agent'] ?? null })],
  [GET, /^\/uuid$/, (c) => sendJson(c.res, 200, { uuid: randomUUID() })],
  ['any', /^\/status\/([^/]+)$/, status],
  ['any', /^\/delay\/([^/]+)$/, delay],
  [['GET', 'HEAD', 'POST'], /^\/response-headers$/, responseHeaders],
  [GET, /^\/redirect\/(\d+)$/, (c) => redirectN(c, c.url.searchParams.get('absolute')?.toLowerCase() === 'true')],
  [GET, /^\/relative-redirect\/(\d+)$/, (c) => redirectN(c, false)],
  [GET, /^\/absolute-redirect\/(\d+)$/, (c) => redirectN(c, true)],
  ['any', /^\/redirect-to$/, redirectTo],
  [GET, /^\/cookies$/, (c) => sendJson(c.res, 200, { cookies: parseCookies(c.req.headers.cookie) })],
  [GET, /^\/cookies\/set$/, (c) => setCookies(c, [...c.url.searchParams])],
  [GET, /^\/cookies\/set\/([^/]+)\/([^/]*)$/, (c) => setCookies(c, [[c.params[0] ?? '', c.params[1] ?? '']])],
  [GET, /^\/cookies\/delete$/, deleteCookies],
  [GET, /^\/bytes\/(\d+)$/, bytes],
  [GET, /^\/stream\/(\d+)$/, stream],
  [GET, /^\/json$/, (c) => sendJson(c.res, 200, SLIDESHOW)],
  [GET, /^\/html$/, (c) => send(c.res, 200, MOBY_DICK_HTML, 'text/html; charset=utf-8')],
  [GET, /^\/base64\/([^/]*)$/, base64],
  [GET, /^\/robots\.txt$/, (c) => send(c.res, 200, 'User-agent: *\nDisallow: /deny\n', 'text/plain')],
];

/** httpbin's request handler: CORS on every answer, OPTIONS preflight, 404/405 like Flask. */
export async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = parsedUrl(req);
  const method = (req.method ?? 'GET').toUpperCase();
  res.setHeader('access-control-allow-origin', req.headers.origin ?? '*');
  res.setHeader('access-control-allow-credentials', 'true');
  if (method === 'OPTIONS') {
    res.setHeader('allow', 'HEAD, OPTIONS, GET, POST, PUT, PATCH, DELETE');
    res.setHeader('access-control-allow-methods', 'GET, POST, PUT, DELETE, PATCH, OPTIONS');
    res.setHeader('access-control-max-age', '3600');
    const requested = req.headers['access-control-request-headers'];
    if (requested) res.setHeader('access-control-allow-headers', requested);
    send(res, 200, '', 'text/html; charset=utf-8');
    return;
  }
  let path = url.pathname.replace(/\/{2,}/g, '/');
  if (path.length > 1 && path.endsWith('/') && !path.startsWith('/anything')) path = path.slice(0, -1);
  let allowed: string[] | undefined;
  for (const [methods, pattern, handler] of ROUTES) {
    const match = pattern.exec(path);
    if (!match) continue;
    if (methods !== 'any' && !methods.includes(method)) {
      allowed = [...methods, 'OPTIONS'];
      continue;
    }
    const params = match.slice(1).map((p) => safeDecode(p ?? ''));
    await handler({ req, res, url, method, params });
    return;
  }
  req.resume();
  if (allowed) {
    res.setHeader('allow', allowed.join(', '));
    send(res, 405, '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<title>405 Method Not Allowed</title>\n<h1>Method Not Allowed</h1>\n<p>The method is not allowed for the requested URL.</p>\n', 'text/html');
    return;
  }
  send(res, 404, '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server.  If you entered the URL manually please check your spelling and try again.</p>\n', 'text/html');
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function send(res: ServerResponse, code: number, body: string | Buffer, contentType: string, headers: OutgoingHttpHeaders = {}): void {
  const buf = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(code, { ...headers, 'content-type': contentType, 'content-length': buf.length });
  res.end(buf);
}

/** JSON as Flask's jsonify prints it for httpbin: keys sorted, indented by 2, trailing newline. */
export function prettyJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return Object.fromEntries(Object.keys(obj).sort().map((k) => [k, sortKeys(obj[k])]));
  }
  return value;
}

function sendJson(res: ServerResponse, code: number, value: unknown, headers: OutgoingHttpHeaders = {}): void {
  send(res, code, prettyJson(value), 'application/json', headers);
}

type Key = 'args' | 'headers' | 'origin' | 'url';

function requestDict(c: Ctx, keys: readonly Key[]): Record<string, unknown> {
  const all: Record<Key, () => unknown> = {
    args: () => multiDict(c.url.searchParams),
    headers: () => httpbinHeaders(c.req),
    origin: () => origin(c.req),
    url: () => c.url.href,
  };
  return Object.fromEntries(keys.map((k) => [k, all[k]()]));
}

async function requestWithBody(c: Ctx, withMethod: boolean): Promise<Record<string, unknown>> {
  const body = (await readBody(c.req)) ?? Buffer.alloc(0);
  const out = { ...requestDict(c, ['args', 'headers', 'origin', 'url']), ...bodyFields(c.req.headers['content-type'], body) };
  return withMethod ? { ...out, method: c.method } : out;
}

/** One code, `200,500` (uniform) or `500:0.3,200:0.7` (weighted), as httpbin picks them. */
export function chooseStatus(spec: string, random: () => number = Math.random): number | undefined {
  const choices: Array<[number, number]> = [];
  for (const choice of spec.split(',')) {
    const [codeText = '', weightText = '1'] = choice.split(':');
    const code = Number(codeText.trim());
    const weight = Number(weightText.trim());
    if (!Number.isInteger(code) || code < 100 || code > 599 || !Number.isFinite(weight) || weight < 0) return undefined;
    choices.push([code, weight]);
  }
  const total = choices.reduce((sum, [, w]) => sum + w, 0);
  let r = random() * total;
  for (const [code, weight] of choices) {
    if (r < weight) return code;
    r -= weight;
  }
  return choices[choices.length - 1]?.[0];
}

function status(c: Ctx): void {
  c.req.resume();
  const code = chooseStatus(c.params[0] ?? '');
  if (code === undefined) return send(c.res, 400, 'Invalid status code', 'text/html; charset=utf-8');
  const redirect = { location: '/redirect/1' };
  switch (code) {
    case 301:
    case 302:
    case 303:
    case 305:
    case 307:
      return send(c.res, code, '', 'text/html; charset=utf-8', redirect);
    case 401:
      return send(c.res, code, '', 'text/html; charset=utf-8', { 'www-authenticate': 'Basic realm="Fake Realm"' });
    case 407:
      return send(c.res, code, '', 'text/html; charset=utf-8', { 'proxy-authenticate': 'Basic realm="Fake Realm"' });
    case 418:
      return send(c.res, code, TEAPOT, 'text/html; charset=utf-8', { 'x-more-info': 'http://tools.ietf.org/html/rfc2324' });
    default:
      return send(c.res, code, '', 'text/html; charset=utf-8');
  }
}

async function delay(c: Ctx): Promise<void> {
  const seconds = Number(c.params[0]);
  if (!Number.isFinite(seconds) || seconds < 0) {
    c.req.resume();
    return send(c.res, 400, 'Invalid delay', 'text/html; charset=utf-8');
  }
  const [body] = await Promise.all([requestWithBody(c, false), sleep(Math.min(seconds, MAX_DELAY_S) * 1000)]);
  if (c.res.destroyed) return;
  sendJson(c.res, 200, body);
}

function responseHeaders(c: Ctx): void {
  c.req.resume();
  const extra = [...c.url.searchParams];
  const values: Record<string, string | string[]> = multiDict(c.url.searchParams);
  let body = '';
  for (let i = 0; i < 5; i++) {
    const next = prettyJson({ ...values, 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) });
    if (next === body) break;
    body = next;
  }
  for (const [key, value] of extra) {
    if (!isToken(key)) continue;
    c.res.appendHeader(key, value.replace(/[\r\n]/g, ' '));
  }
  send(c.res, 200, body, 'application/json');
}

function isToken(name: string): boolean {
  return /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) && !['content-length', 'content-type', 'transfer-encoding'].includes(name.toLowerCase());
}

function redirectN(c: Ctx, absolute: boolean): void {
  const n = Number(c.params[0]);
  if (!Number.isInteger(n) || n < 1) return send(c.res, 404, 'Not Found', 'text/html');
  const base = absolute ? `${c.url.protocol}//${c.url.host}` : '';
  const location = n === 1 ? `${base}/get` : `${base}/${absolute ? 'absolute' : 'relative'}-redirect/${n - 1}`;
  send(c.res, 302, '', 'text/html; charset=utf-8', { location });
}

function redirectTo(c: Ctx): void {
  c.req.resume();
  const target = c.url.searchParams.get('url');
  if (!target) return send(c.res, 400, 'Missing url', 'text/html');
  const code = Number(c.url.searchParams.get('status_code') ?? '302');
  const status = Number.isInteger(code) && code >= 300 && code < 400 ? code : 302;
  send(c.res, status, '', 'text/html; charset=utf-8', { location: target.replace(/[\r\n]/g, '') });
}

function setCookies(c: Ctx, pairs: Array<[string, string]>): void {
  const cookies = pairs.filter(([k]) => isToken(k)).map(([k, v]) => `${k}=${encodeURIComponent(v)}; Path=/`);
  send(c.res, 302, '', 'text/html; charset=utf-8', { location: '/cookies', 'set-cookie': cookies });
}

function deleteCookies(c: Ctx): void {
  const cookies = [...c.url.searchParams.keys()].filter(isToken).map((k) => `${k}=; Expires=Thu, 01-Jan-1970 00:00:00 GMT; Max-Age=0; Path=/`);
  send(c.res, 302, '', 'text/html; charset=utf-8', { location: '/cookies', 'set-cookie': cookies });
}

function bytes(c: Ctx): void {
  const n = Math.min(Number(c.params[0]), MAX_BYTES);
  send(c.res, 200, randomBytes(n), 'application/octet-stream');
}

function stream(c: Ctx): void {
  const n = Math.min(Number(c.params[0]), MAX_STREAM);
  const base = requestDict(c, ['url', 'args', 'headers', 'origin']);
  c.res.writeHead(200, { 'content-type': 'application/json' });
  for (let id = 0; id < n; id++) c.res.write(`${pythonJson({ ...base, id })}\n`);
  c.res.end();
}

/** Python's json.dumps with default separators (`, ` and `: `), keys in insertion order. */
function pythonJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${JSON.stringify(k)}: ${pythonJson(v)}`).join(', ')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function base64(c: Ctx): void {
  const value = (c.params[0] ?? '').replace(/-/g, '+').replace(/_/g, '/');
  const decoded = /^[A-Za-z0-9+/]*={0,2}$/.test(value) ? Buffer.from(value, 'base64') : undefined;
  if (decoded === undefined || (decoded.length === 0 && value !== '')) {
    return send(c.res, 200, 'Incorrect Base64 data try: SFRUUEJJTiBpcyBhd2Vzb21l', 'text/html; charset=utf-8');
  }
  send(c.res, 200, decoded, 'text/html; charset=utf-8');
}
