/**
 * How the tracer reads and writes request headers without knowing the proxy's header map:
 * lowercase names, the first value only (these headers come from clients and are untrusted, so
 * Envoy reads only the first value too).
 */
export type GetHeader = (name: string) => string | undefined;
export type SetHeader = (name: string, value: string) => void;

/** Reads a Node-style header record (`IncomingHttpHeaders`, or any lowercase-keyed record). */
export function headerReader(headers: Readonly<Record<string, string | string[] | undefined>>): GetHeader {
  return (name) => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
}

/** Writes into a plain lowercase-keyed record. */
export function headerWriter(headers: Record<string, string | string[] | undefined>): SetHeader {
  return (name, value) => {
    headers[name] = value;
  };
}

export const HEADERS = {
  b3: 'b3',
  traceId: 'x-b3-traceid',
  spanId: 'x-b3-spanid',
  parentSpanId: 'x-b3-parentspanid',
  sampled: 'x-b3-sampled',
  flags: 'x-b3-flags',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  requestId: 'x-request-id',
  clientTraceId: 'x-client-trace-id',
  forceTrace: 'x-envoy-force-trace',
} as const;
