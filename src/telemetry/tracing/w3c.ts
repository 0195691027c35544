/**
 * W3C trace context as Envoy's OpenTelemetry tracer reads it: `traceparent` is exactly
 * `vv-<32 hex>-<16 hex>-ff` (55 characters), neither id all zeros, sampled = flags bit 0;
 * `tracestate` only counts next to a valid `traceparent` and is carried unchanged.
 */
import type { Extracted } from './context.js';
import { HEADERS, type GetHeader, type SetHeader } from './headers.js';
import { isAllZeros, isHex, traceId128 } from './ids.js';

const TRACEPARENT_LENGTH = 55;

export function parseTraceparent(tp: string, tracestate: string | undefined): Extracted {
  if (tp.length !== TRACEPARENT_LENGTH) return { kind: 'invalid', reason: 'traceparent: invalid length' };
  if (tp[2] !== '-' || tp[35] !== '-' || tp[52] !== '-') return { kind: 'invalid', reason: 'traceparent: invalid hyphenation' };
  const version = tp.slice(0, 2);
  const traceId = tp.slice(3, 35);
  const spanId = tp.slice(36, 52);
  const flags = tp.slice(53, 55);
  if (!isHex(version, 2) || !isHex(traceId, 32) || !isHex(spanId, 16) || !isHex(flags, 2)) {
    return { kind: 'invalid', reason: 'traceparent: invalid hex' };
  }
  // W3C forbids version ff outright; Envoy does not check it, but nothing valid can carry it.
  if (version.toLowerCase() === 'ff') return { kind: 'invalid', reason: 'traceparent: invalid version' };
  if (isAllZeros(traceId)) return { kind: 'invalid', reason: 'traceparent: invalid trace id' };
  if (isAllZeros(spanId)) return { kind: 'invalid', reason: 'traceparent: invalid parent id' };
  const sampled = (parseInt(flags, 16) & 1) === 1;
  const context = { traceId: traceId.toLowerCase(), spanId: spanId.toLowerCase(), sampled, ...(tracestate ? { tracestate } : {}) };
  return { kind: 'context', context, format: 'w3c' };
}

export function extractW3C(get: GetHeader): Extracted {
  const tp = get(HEADERS.traceparent);
  if (tp === undefined) return { kind: 'none' };
  return parseTraceparent(tp, get(HEADERS.tracestate));
}

/** `traceparent` for the span (64-bit trace ids left-padded), `tracestate` when there is one. */
export function injectW3C(ctx: { traceId: string; spanId: string; sampled: boolean; tracestate?: string }, set: SetHeader): void {
  set(HEADERS.traceparent, `00-${traceId128(ctx.traceId)}-${ctx.spanId}-${ctx.sampled ? '01' : '00'}`);
  if (ctx.tracestate) set(HEADERS.tracestate, ctx.tracestate);
}
