/**
 * Zipkin v2's read API over a TraceStore, as pure functions of (store, URL, now) → status and
 * JSON body, so any HTTP server (or none, in tests) can serve them. Names compare lowercase, as
 * Zipkin stores them; `endTs` and `lookback` are epoch milliseconds, span times microseconds.
 */
import type { TraceStore } from './trace-store.js';
import type { ZipkinSpan } from './zipkin.js';

export interface ApiResponse {
  status: number;
  body: string;
}

const DEFAULT_LIMIT = 10;
const DEFAULT_LOOKBACK_MS = 86_400_000;

const json = (value: unknown): ApiResponse => ({ status: 200, body: JSON.stringify(value) });
const error = (status: number, message: string): ApiResponse => ({ status, body: JSON.stringify({ error: message }) });

const serviceOf = (s: ZipkinSpan): string | undefined => s.localEndpoint.serviceName?.toLowerCase();

export function services(store: TraceStore): ApiResponse {
  const names = new Set<string>();
  for (const trace of store.all()) for (const s of trace) {
    const n = serviceOf(s);
    if (n) names.add(n);
  }
  return json([...names].sort());
}

export function spanNames(store: TraceStore, serviceName: string | null): ApiResponse {
  if (!serviceName) return error(400, 'serviceName is required');
  const want = serviceName.toLowerCase();
  const names = new Set<string>();
  for (const trace of store.all()) for (const s of trace) if (serviceOf(s) === want) names.add(s.name.toLowerCase());
  return json([...names].sort());
}

function positiveInt(raw: string | null, fallback: number): number | undefined {
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw)) return undefined;
  const n = Number(raw);
  return n > 0 ? n : undefined;
}

export interface TraceQuery {
  serviceName?: string | null;
  spanName?: string | null;
  limit?: string | null;
  lookback?: string | null;
  endTs?: string | null;
}

/** Traces with a span that matches every given criterion, newest first (by earliest span). */
export function traces(store: TraceStore, q: TraceQuery, nowMs: number): ApiResponse {
  const limit = positiveInt(q.limit ?? null, DEFAULT_LIMIT);
  const endTs = positiveInt(q.endTs ?? null, nowMs);
  const lookback = positiveInt(q.lookback ?? null, DEFAULT_LOOKBACK_MS);
  if (limit === undefined) return error(400, 'limit must be a positive integer');
  if (endTs === undefined) return error(400, 'endTs must be a positive integer');
  if (lookback === undefined) return error(400, 'lookback must be a positive integer');
  const service = q.serviceName ? q.serviceName.toLowerCase() : undefined;
  const spanName = q.spanName && q.spanName !== 'all' ? q.spanName.toLowerCase() : undefined;
  const fromUs = (endTs - lookback) * 1000;
  const toUs = endTs * 1000;
  const found: { start: number; spans: readonly ZipkinSpan[] }[] = [];
  for (const trace of store.all()) {
    const hit = trace.some((s) => s.timestamp >= fromUs && s.timestamp <= toUs && (!service || serviceOf(s) === service) && (!spanName || s.name.toLowerCase() === spanName));
    if (hit) found.push({ start: Math.min(...trace.map((s) => s.timestamp)), spans: trace });
  }
  found.sort((a, b) => b.start - a.start);
  return json(found.slice(0, limit).map((t) => t.spans));
}

export function trace(store: TraceStore, traceId: string): ApiResponse {
  if (!/^[0-9a-fA-F]{1,32}$/.test(traceId)) return error(400, 'invalid trace id');
  const spans = store.get(traceId);
  return spans ? json(spans) : error(404, `trace ${traceId.toLowerCase()} not found`);
}

/** Routes a GET path with query (`/api/v2/traces?serviceName=…`) to the endpoint above. */
export function zipkinRead(store: TraceStore, pathAndQuery: string, nowMs: number): ApiResponse {
  let url: URL;
  try {
    url = new URL(pathAndQuery, 'http://zipkin.invalid');
  } catch {
    return error(400, 'bad request');
  }
  const p = url.searchParams;
  const path = url.pathname;
  if (path === '/api/v2/services') return services(store);
  if (path === '/api/v2/spans') return spanNames(store, p.get('serviceName'));
  if (path === '/api/v2/traces') return traces(store, { serviceName: p.get('serviceName'), spanName: p.get('spanName'), limit: p.get('limit'), lookback: p.get('lookback'), endTs: p.get('endTs') }, nowMs);
  const m = /^\/api\/v2\/trace\/([^/]+)$/.exec(path);
  if (m && m[1] !== undefined) return trace(store, m[1]);
  return error(404, `no endpoint ${path}`);
}
