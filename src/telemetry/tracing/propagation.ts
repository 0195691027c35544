/**
 * Which headers a proxy reads and writes, by provider: B3 only (Istio's Zipkin default), B3 with
 * W3C fallback (USE_B3_WITH_W3C_PROPAGATION), or W3C only (OpenTelemetry). Never throws: a
 * malformed header is an `invalid` result.
 */
import { extractB3, hasB3, injectB3 } from './b3.js';
import type { TracePropagation } from './config.js';
import type { Extracted } from './context.js';
import { HEADERS, type GetHeader, type SetHeader } from './headers.js';
import { extractW3C, injectW3C } from './w3c.js';

export function extractContext(mode: TracePropagation, get: GetHeader): Extracted {
  if (mode === 'w3c') return extractW3C(get);
  if (mode === 'b3') return extractB3(get);
  // B3 first; a traceparent is the fallback when B3 is absent or unusable.
  const b3 = hasB3(get) ? extractB3(get) : undefined;
  if (b3?.kind === 'context') return b3;
  const w3c = extractW3C(get);
  if (w3c.kind === 'context') return w3c;
  if (b3) return b3;
  return w3c;
}

export interface OutgoingContext {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  sampled: boolean;
  debug?: boolean;
  tracestate?: string;
}

/** Writes the context for the next hop. `get` tells whether the request carried a `b3` header. */
export function injectContext(mode: TracePropagation, ctx: OutgoingContext, get: GetHeader, set: SetHeader): void {
  if (mode !== 'w3c') injectB3(ctx, set, get(HEADERS.b3) !== undefined);
  if (mode !== 'b3') injectW3C(ctx, set);
}
