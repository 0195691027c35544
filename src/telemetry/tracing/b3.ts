/**
 * B3 propagation as Envoy's Zipkin tracer reads it: the single `b3` header wins over the
 * `x-b3-*` headers when present; ids are hex (trace 16 or 32, others up to 16, normalised to 16);
 * a malformed value makes the request untraced rather than starting a fresh trace.
 */
import type { Extracted, SpanContext } from './context.js';
import { HEADERS, type GetHeader, type SetHeader } from './headers.js';
import { isHex } from './ids.js';

const MAX_SINGLE = 32 + 1 + 16 + 3 + 16;

/** Up to 16 hex digits, as `strtoull(…, 16)` takes them (without its sign and `0x` leniency). */
function hex64(s: string): string | undefined {
  if (s.length === 0 || s.length > 16 || !isHex(s, s.length)) return undefined;
  return s.toLowerCase().padStart(16, '0');
}

function traceIdOf(s: string): string | undefined {
  if (s.length === 32) return isHex(s, 32) ? s.toLowerCase() : undefined;
  return hex64(s);
}

function flagOf(c: string): { sampled: boolean; debug: boolean } | undefined {
  if (c === '1') return { sampled: true, debug: false };
  if (c === '0') return { sampled: false, debug: false };
  if (c === 'd') return { sampled: true, debug: true };
  return undefined;
}

/** `{trace}-{span}[-{flag}[-{parent}]]`, or a lone flag. */
export function parseB3Single(b3: string): Extracted {
  if (b3.length === 0) return { kind: 'invalid', reason: 'b3: empty' };
  if (b3.length === 1) {
    const f = flagOf(b3);
    return f ? { kind: 'none', sampled: f.sampled, debug: f.debug } : { kind: 'invalid', reason: 'b3: invalid sampling flag' };
  }
  if (b3.length < 33) return { kind: 'invalid', reason: 'b3: truncated' };
  if (b3.length > MAX_SINGLE) return { kind: 'invalid', reason: 'b3: too long' };
  const traceLen = b3[32] === '-' ? 32 : 16;
  const traceId = traceIdOf(b3.slice(0, traceLen));
  if (!traceId) return { kind: 'invalid', reason: 'b3: invalid trace id' };
  let pos = traceLen;
  if (b3[pos] !== '-') return { kind: 'invalid', reason: 'b3: no span id' };
  pos++;
  const spanHex = b3.slice(pos, pos + 16);
  const spanId = spanHex.length === 16 ? hex64(spanHex) : undefined;
  if (!spanId) return { kind: 'invalid', reason: 'b3: invalid span id' };
  pos += 16;
  const ctx: SpanContext = { traceId, spanId };
  if (pos === b3.length) return { kind: 'context', context: ctx, format: 'b3' };
  if (b3.length === pos + 1 || b3[pos] !== '-') return { kind: 'invalid', reason: 'b3: truncated' };
  pos++;
  const afterFlag = b3.length === pos + 1 || b3[pos + 1] === '-';
  const f = afterFlag ? flagOf(b3[pos] ?? '') : undefined;
  if (!f) return { kind: 'invalid', reason: afterFlag ? 'b3: invalid sampling flag' : 'b3: truncated' };
  ctx.sampled = f.sampled;
  if (f.debug) ctx.debug = true;
  pos++;
  if (pos < b3.length) {
    if (b3.length !== pos + 17) return { kind: 'invalid', reason: 'b3: truncated' };
    const parent = hex64(b3.slice(pos + 1));
    if (!parent || b3.length - pos - 1 !== 16) return { kind: 'invalid', reason: 'b3: invalid parent id' };
    ctx.parentSpanId = parent;
  }
  return { kind: 'context', context: ctx, format: 'b3' };
}

/** Envoy reads `x-b3-sampled` as sampled only for `1` or the legacy `true`; any other value is "no". */
function multiSampled(get: GetHeader): { sampled?: boolean; debug?: boolean } {
  const debug = get(HEADERS.flags) === '1';
  const s = get(HEADERS.sampled);
  if (debug) return { sampled: true, debug: true };
  if (s === undefined) return {};
  return { sampled: s === '1' || s === 'true' };
}

export function parseB3Multi(get: GetHeader): Extracted {
  const tid = get(HEADERS.traceId);
  const sid = get(HEADERS.spanId);
  const decision = multiSampled(get);
  if (tid === undefined || sid === undefined) return { kind: 'none', ...decision };
  const traceId = traceIdOf(tid);
  if (!traceId) return { kind: 'invalid', reason: 'x-b3-traceid: invalid' };
  const spanId = hex64(sid);
  if (!spanId) return { kind: 'invalid', reason: 'x-b3-spanid: invalid' };
  const ctx: SpanContext = { traceId, spanId, ...decision };
  const pid = get(HEADERS.parentSpanId);
  if (pid !== undefined && pid !== '') {
    const parent = hex64(pid);
    if (!parent) return { kind: 'invalid', reason: 'x-b3-parentspanid: invalid' };
    ctx.parentSpanId = parent;
  }
  return { kind: 'context', context: ctx, format: 'b3' };
}

/** True when any B3 header is there (B3 then takes precedence over W3C). */
export function hasB3(get: GetHeader): boolean {
  return get(HEADERS.b3) !== undefined || get(HEADERS.traceId) !== undefined || get(HEADERS.spanId) !== undefined || get(HEADERS.sampled) !== undefined || get(HEADERS.flags) !== undefined;
}

export function extractB3(get: GetHeader): Extracted {
  const single = get(HEADERS.b3);
  return single !== undefined ? parseB3Single(single) : parseB3Multi(get);
}

/**
 * Writes the span's context as Envoy does (`x-b3-traceid`, `x-b3-spanid`, `x-b3-parentspanid`
 * when there is a parent, `x-b3-sampled`). A `b3` header that came in is rewritten too, so the
 * next hop (which prefers it) sees this span rather than the caller's.
 */
export function injectB3(
  ctx: { traceId: string; spanId: string; parentSpanId?: string; sampled: boolean; debug?: boolean },
  set: SetHeader,
  hadSingle: boolean,
): void {
  set(HEADERS.traceId, ctx.traceId);
  set(HEADERS.spanId, ctx.spanId);
  if (ctx.parentSpanId) set(HEADERS.parentSpanId, ctx.parentSpanId);
  set(HEADERS.sampled, ctx.sampled ? '1' : '0');
  if (hadSingle) {
    const flag = ctx.debug ? 'd' : ctx.sampled ? '1' : '0';
    set(HEADERS.b3, `${ctx.traceId}-${ctx.spanId}-${flag}${ctx.parentSpanId ? `-${ctx.parentSpanId}` : ''}`);
  }
}
