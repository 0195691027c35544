/** `fortio server`'s HTTP side: the echo handler on every path, `/debug`, and a stub `/fortio/`. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hostname as osHostname } from 'node:os';
import { readBody, sleep } from '../shared/serve.js';
import { goDuration, parseGoDuration } from './go-format.js';
import { FORTIO_VERSION } from './load.js';

/** fortio's -maxdelay default: `?delay=` is capped to it. */
const MAX_DELAY_MS = 1500;
const MAX_PAYLOAD = 256 * 1024;
const started = Date.now();

export function fortioHandler(podName: string): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const body = (await readBody(req)) ?? Buffer.alloc(0);
    if (url.pathname === '/debug' || url.pathname.startsWith('/debug/')) return debug(req, res, url, body, podName);
    if (url.pathname === '/fortio' || url.pathname.startsWith('/fortio/')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<html><body><h1>Φορτίο ${FORTIO_VERSION}</h1><p>The web UI is not part of tack's fortio sample; use <code>fortio load</code>.</p></body></html>\n`);
      return;
    }
    await echo(req, res, url, body);
  };
}

/** `503:10,429:5` → that code with that percent chance (else 200); a plain `503` always. */
export function pickWeighted<T>(spec: string, parse: (s: string) => T | undefined, fallback: T, random: () => number = Math.random): T | undefined {
  const entries = spec.split(',').map((e) => e.trim()).filter((e) => e !== '');
  if (entries.length === 1 && !entries[0]?.includes(':')) return parse(entries[0] ?? '');
  let r = random() * 100;
  for (const entry of entries) {
    const [valueText = '', percentText = '0'] = entry.split(':');
    const value = parse(valueText);
    const percent = Number(percentText);
    if (value === undefined || !Number.isFinite(percent)) return undefined;
    if (r < percent) return value;
    r -= percent;
  }
  return fallback;
}

function parseStatus(s: string): number | undefined {
  const n = Number(s);
  return Number.isInteger(n) && n >= 100 && n <= 599 ? n : undefined;
}

function parseDelayMs(s: string): number | undefined {
  const ns = parseGoDuration(s);
  return ns === undefined || ns < 0 ? undefined : ns / 1e6;
}

async function echo(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): Promise<void> {
  const q = url.searchParams;
  const status = q.has('status') ? (pickWeighted(q.get('status') ?? '', parseStatus, 200) ?? 400) : 200;
  const delayMs = q.has('delay') ? (pickWeighted(q.get('delay') ?? '', parseDelayMs, 0) ?? 0) : 0;
  if (delayMs > 0) await sleep(Math.min(delayMs, MAX_DELAY_MS));
  if (res.destroyed) return;
  for (const header of q.getAll('header')) {
    const colon = header.indexOf(':');
    const name = colon > 0 ? header.slice(0, colon).trim() : '';
    if (/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) res.setHeader(name, header.slice(colon + 1).trim().replace(/[\r\n]/g, ' '));
  }
  if (q.get('close') === 'true' || q.get('close') === '1') res.setHeader('connection', 'close');
  const size = Number(q.get('size'));
  let payload = body;
  if (q.has('size') && Number.isInteger(size) && size >= 0) payload = Buffer.alloc(Math.min(size, MAX_PAYLOAD), 'Φορτίο fortio ');
  const type = payload.length > 0 ? (req.headers['content-type'] ?? (q.has('size') ? 'application/octet-stream' : 'text/plain; charset=utf-8')) : 'text/plain; charset=utf-8';
  res.writeHead(status, { 'content-type': type, 'content-length': payload.length });
  res.end(payload);
}

/** Go's CanonicalMIMEHeaderKey: `x-b3-traceid` → `X-B3-Traceid`. */
function canonical(name: string): string {
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

function debug(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer, podName: string): void {
  const headers = new Map<string, string[]>();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = canonical(req.rawHeaders[i] ?? '');
    if (name === 'Host') continue;
    headers.set(name, [...(headers.get(name) ?? []), req.rawHeaders[i + 1] ?? '']);
  }
  const uptime = goDuration(Math.round((Date.now() - started) / 1000) * 1e9);
  let text = `Φορτίο version ${FORTIO_VERSION} tack node${process.versions.node} echo debug server up for ${uptime} on ${podName || osHostname()} - request from ${req.socket.remoteAddress ?? ''}:${req.socket.remotePort ?? ''}\n\n`;
  text += `${req.method} ${url.pathname}${url.search} HTTP/${req.httpVersion}\n\nheaders:\n\nHost: ${req.headers.host ?? ''}`;
  for (const name of [...headers.keys()].sort()) text += `\n${name}: ${(headers.get(name) ?? []).join(',')}`;
  const shown = body.length > 512 ? `${body.subarray(0, 512).toString('utf8')}...` : body.toString('utf8');
  text += `\n\nbody:\n\n${shown}\n`;
  res.writeHead(200, { 'content-type': 'text/plain; charset=UTF-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
