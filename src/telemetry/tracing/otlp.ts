/**
 * OTLP/HTTP JSON (`POST /v1/traces`): protobuf's JSON mapping with OTLP's exceptions — ids as
 * lowercase hex (trace 32, span 16), enums as integers (kind 2 SERVER, 3 CLIENT), 64-bit
 * integers as decimal strings. One resource per service name, attribute `service.name`.
 */
import type { SpanData } from './span.js';
import { traceId128 } from './ids.js';

const KIND = { SERVER: 2, CLIENT: 3 } as const;
const STATUS_UNSET = 0;
const STATUS_ERROR = 2;

interface KeyValue {
  key: string;
  value: { stringValue: string };
}

function attributes(tags: Record<string, string>): KeyValue[] {
  const out: KeyValue[] = [];
  for (const key in tags) out.push({ key, value: { stringValue: tags[key] ?? '' } });
  return out;
}

/** Microseconds to the decimal string of nanoseconds, exact for any safe integer input. */
function nanos(us: number): string {
  const whole = Math.trunc(us);
  return whole === 0 ? '0' : `${whole}000`;
}

function otlpSpan(s: SpanData): Record<string, unknown> {
  const durationUs = Math.max(1, Math.round(s.durationUs));
  return {
    traceId: traceId128(s.traceId),
    spanId: s.spanId,
    ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
    name: s.name,
    kind: KIND[s.kind],
    startTimeUnixNano: nanos(s.startUs),
    endTimeUnixNano: nanos(Math.trunc(s.startUs) + durationUs),
    attributes: attributes(s.tags),
    status: { code: s.tags['error'] === 'true' ? STATUS_ERROR : STATUS_UNSET },
  };
}

export function encodeOtlp(spans: readonly SpanData[], scopeName = 'tack'): string {
  const byService = new Map<string, SpanData[]>();
  for (const s of spans) {
    const name = s.localEndpoint.serviceName ?? 'unknown_service';
    let list = byService.get(name);
    if (!list) byService.set(name, (list = []));
    list.push(s);
  }
  const resourceSpans = [...byService].map(([service, list]) => ({
    resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
    scopeSpans: [{ scope: { name: scopeName }, spans: list.map(otlpSpan) }],
  }));
  return JSON.stringify({ resourceSpans });
}

export const OTLP_CONTENT_TYPE = 'application/json';
