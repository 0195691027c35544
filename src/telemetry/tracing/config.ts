/**
 * Compiled tracing settings for one proxy: plain, JSON-serialisable data (Envoy's HCM `tracing`
 * block plus the provider), produced by `compile.ts` and read by the proxy's tracer.
 */

/**
 * Which headers carry the trace context. `b3`: Istio's Zipkin provider (USE_B3, the default);
 * `b3+w3c`: Zipkin with USE_B3_WITH_W3C_PROPAGATION (B3 first, `traceparent` as fallback, both
 * injected); `w3c`: the OpenTelemetry provider (`traceparent` / `tracestate`).
 */
export type TracePropagation = 'b3' | 'b3+w3c' | 'w3c';

/** The wire format a collector speaks: Zipkin v2 JSON or OTLP/HTTP JSON. */
export type TraceExportFormat = 'zipkin' | 'otlp';

export interface TraceCollectorConfig {
  format: TraceExportFormat;
  /** Full URL, e.g. `http://zipkin.istio-system:9411/api/v2/spans` or `http://otel:4318/v1/traces`. */
  url: string;
  /** Spans per POST (Envoy's `tracing.zipkin.min_flush_spans`, 5). */
  maxBatch: number;
  /** Flush at least this often, ms (Envoy's `tracing.zipkin.flush_interval_ms`, 5000). */
  flushIntervalMs: number;
  /** Spans held while the collector is slow; beyond this new spans are dropped and counted. */
  maxQueue: number;
}

/** A custom tag: a fixed value, or a request header with a default (Telemetry `customTags`). */
export type CustomTagConfig =
  | { tag: string; literal: string }
  | { tag: string; header: string; defaultValue?: string };

export interface TracingConfig {
  propagation: TracePropagation;
  /** Random sampling, percent 0–100 with 0.01 steps (Istio default 1). */
  randomSamplingPercent: number;
  /** Sampling for requests with `x-client-trace-id`, percent (Istio sets 100). */
  clientSamplingPercent: number;
  /** Ceiling on all sampling, percent (Istio sets 100). */
  overallSamplingPercent: number;
  /** Telemetry `useRequestIdForTraceSampling` (default true): the decision lives in `x-request-id`. */
  useRequestIdForTraceSampling: boolean;
  /** 128-bit trace ids unless Istio's `enable64bitTraceId`. */
  traceId128: boolean;
  /** Cap on the path in `http.url` (Istio's `maxPathTagLength`, 256). */
  maxPathTagLength: number;
  /** Telemetry `disableContextPropagation`: spans are still reported, headers are not written. */
  disableContextPropagation: boolean;
  /** Telemetry `disableSpanReporting`: context is propagated, nothing is exported. */
  disableSpanReporting: boolean;
  /** Span service name: `<app>.<namespace>` as Istio's `serviceClusterOrDefault`. */
  serviceName: string;
  /** Envoy's `node_id` tag. */
  nodeId: string;
  /** Envoy's `zone` tag, when the proxy has a locality. */
  zone?: string;
  /** Tags set on every span: Istio's `istio.*` service tags (when enableIstioTags), then literals. */
  staticTags: Record<string, string>;
  /** Tags read from request headers, in order. */
  headerTags: { tag: string; header: string; defaultValue?: string }[];
  /** Gateways spawn a CLIENT child span for the upstream (PILOT_SPAWN_UPSTREAM_SPAN_FOR_GATEWAY). */
  spawnUpstreamSpan: boolean;
  /** Absent: spans are made and propagated but sent nowhere. */
  collector?: TraceCollectorConfig;
}
