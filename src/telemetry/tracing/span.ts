/**
 * A finished span as both encoders read it. Times are epoch microseconds (Zipkin's unit; OTLP
 * nanoseconds are these with three zeros appended, so no precision is lost past 2^53).
 */
export type SpanKind = 'SERVER' | 'CLIENT';

export interface SpanEndpoint {
  serviceName?: string;
  /** IPv4 or IPv6 literal; the encoder files it under the right key. */
  ip?: string;
  port?: number;
}

export interface SpanData {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: SpanKind;
  startUs: number;
  durationUs: number;
  localEndpoint: SpanEndpoint;
  remoteEndpoint?: SpanEndpoint;
  /** In the order they were set. */
  tags: Record<string, string>;
  debug?: boolean;
  /** Zipkin's `shared`: a server span reusing its client's id (never, with Istio's settings). */
  shared?: boolean;
}

/**
 * The operation name when the route has no decorator: Envoy's `ingress` for inbound and
 * `egress <host>` for outbound.
 */
export function fallbackOperation(direction: 'inbound' | 'outbound' | 'gateway', host: string): string {
  return direction === 'inbound' ? 'ingress' : `egress ${host}`;
}

/** A Zipkin/OTel span kind for a proxy direction: inbound and gateway downstream spans are SERVER. */
export function kindOf(direction: 'inbound' | 'outbound' | 'gateway'): SpanKind {
  return direction === 'outbound' ? 'CLIENT' : 'SERVER';
}
