/**
 * One access-log entry: what Istio's default formats print, for an HTTP request or a TCP
 * connection. Absent fields print as `-` in text and `null` in JSON, as Envoy prints them.
 */
export interface AccessLogRecord {
  /** Request (or connection) start, epoch milliseconds. */
  startMs: number;
  /** `:method`; absent on TCP. */
  method?: string;
  /** `x-envoy-original-path` when set, else `:path`; absent on TCP. */
  path?: string;
  /** `HTTP/1.1`, `HTTP/2`; absent on TCP. */
  protocol?: string;
  /** 0 when no response was sent, and on TCP. */
  responseCode: number;
  /** Envoy's short response flags joined by `,` (`UF,URX`); absent or empty when none. */
  responseFlags?: string;
  /** `via_upstream`, `route_not_found`, … */
  responseCodeDetails?: string;
  connectionTerminationDetails?: string;
  upstreamTransportFailureReason?: string;
  bytesReceived: number;
  bytesSent: number;
  /** Total duration, milliseconds (printed truncated to an integer). */
  durationMs: number;
  /** The `x-envoy-upstream-service-time` response header, as sent. */
  upstreamServiceTime?: string;
  xForwardedFor?: string;
  userAgent?: string;
  requestId?: string;
  /** `:authority`. */
  authority?: string;
  /** `ip:port` of the upstream host. */
  upstreamHost?: string;
  /** The upstream cluster's name as configured (`outbound|9080|v1|reviews.default.svc.cluster.local`). */
  upstreamCluster?: string;
  upstreamLocalAddress?: string;
  downstreamLocalAddress?: string;
  downstreamRemoteAddress?: string;
  /** TLS SNI. */
  requestedServerName?: string;
  routeName?: string;
}
