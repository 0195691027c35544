/**
 * Zipkin v2 JSON (`POST /api/v2/spans`, a JSON array): keys in the order Zipkin's own encoder
 * writes them; `parentId`, `remoteEndpoint`, `debug` and `shared` only when they apply; times in
 * integer microseconds, duration at least 1; endpoint IPs under `ipv4` or `ipv6` by their form.
 */
import type { SpanData, SpanEndpoint } from './span.js';

export interface ZipkinEndpoint {
  serviceName?: string;
  ipv4?: string;
  ipv6?: string;
  port?: number;
}

export interface ZipkinSpan {
  traceId: string;
  parentId?: string;
  id: string;
  kind: 'CLIENT' | 'SERVER' | 'PRODUCER' | 'CONSUMER';
  name: string;
  timestamp: number;
  duration: number;
  localEndpoint: ZipkinEndpoint;
  remoteEndpoint?: ZipkinEndpoint;
  tags: Record<string, string>;
  debug?: true;
  shared?: true;
}

function endpoint(e: SpanEndpoint): ZipkinEndpoint {
  const out: ZipkinEndpoint = {};
  if (e.serviceName) out.serviceName = e.serviceName;
  if (e.ip) {
    if (e.ip.includes(':')) out.ipv6 = e.ip;
    else out.ipv4 = e.ip;
  }
  if (e.port !== undefined && e.port > 0) out.port = e.port;
  return out;
}

export function toZipkin(span: SpanData): ZipkinSpan {
  return {
    traceId: span.traceId,
    ...(span.parentSpanId ? { parentId: span.parentSpanId } : {}),
    id: span.spanId,
    kind: span.kind,
    name: span.name,
    timestamp: Math.trunc(span.startUs),
    duration: Math.max(1, Math.round(span.durationUs)),
    localEndpoint: endpoint(span.localEndpoint),
    ...(span.remoteEndpoint ? { remoteEndpoint: endpoint(span.remoteEndpoint) } : {}),
    tags: span.tags,
    ...(span.debug ? { debug: true as const } : {}),
    ...(span.shared ? { shared: true as const } : {}),
  };
}

export function encodeZipkin(spans: readonly SpanData[]): string {
  return JSON.stringify(spans.map(toZipkin));
}

export const ZIPKIN_CONTENT_TYPE = 'application/json';
