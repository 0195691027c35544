/** What a request's trace headers say: the parent's ids and its sampling decision. */
export interface SpanContext {
  /** 16 or 32 lowercase hex. */
  traceId: string;
  /** The caller's span: 16 lowercase hex. */
  spanId: string;
  /** The caller's parent, when B3 carried one. */
  parentSpanId?: string;
  /** Absent: the caller deferred the decision to us. */
  sampled?: boolean;
  /** B3 debug (`x-b3-flags: 1`, or `d` in the single header): always sampled, marked on the span. */
  debug?: boolean;
  /** W3C `tracestate`, carried unchanged. */
  tracestate?: string;
}

/**
 * The outcome of reading trace headers. `none`: no context, but a sampling decision may still be
 * there (`b3: 0`, a bare `x-b3-sampled`). `invalid`: malformed headers; Envoy answers with a null
 * span — no span, nothing injected, the headers pass through untouched.
 */
export type Extracted =
  | { kind: 'context'; context: SpanContext; format: 'b3' | 'w3c' }
  | { kind: 'none'; sampled?: boolean; debug?: boolean }
  | { kind: 'invalid'; reason: string };
