// Config types (the compiler emits them, the proxy reads them).
export type { TracingConfig, TraceCollectorConfig, TracePropagation, TraceExportFormat, CustomTagConfig } from './config.js';
// Compiler side.
export { compileTracing, samplingPercent, spanServiceName } from './compile.js';
export type { TracingInputs, TracingProviderInput, TelemetryTracingInput, TracingNodeInput } from './compile.js';
export { outboundOperation, inboundOperation } from './operation-name.js';
export type { PathMatch } from './operation-name.js';
// Proxy side.
export { Tracer } from './tracer.js';
export type { ActiveTrace, TraceRequest, TraceResponse, SpanReporter, ProxyDirection } from './tracer.js';
export { extractContext, injectContext } from './propagation.js';
export type { OutgoingContext } from './propagation.js';
export { extractB3, injectB3, parseB3Single, parseB3Multi } from './b3.js';
export { extractW3C, injectW3C, parseTraceparent } from './w3c.js';
export type { SpanContext, Extracted } from './context.js';
export { decideSampling, traceReasonOf, withTraceReason, requestIdInteger, newRequestId, prepareRequestId } from './request-id.js';
export type { TraceReason, SamplingSettings, SamplingInput, SamplingDecision } from './request-id.js';
export { headerReader, headerWriter, HEADERS } from './headers.js';
export type { GetHeader, SetHeader } from './headers.js';
export { newSpanId, newTraceId } from './ids.js';
export type { Random } from './ids.js';
export { fallbackOperation, kindOf } from './span.js';
export type { SpanData, SpanKind, SpanEndpoint } from './span.js';
// Export and storage.
export { encodeZipkin, toZipkin, ZIPKIN_CONTENT_TYPE } from './zipkin.js';
export type { ZipkinSpan, ZipkinEndpoint } from './zipkin.js';
export { encodeOtlp, OTLP_CONTENT_TYPE } from './otlp.js';
export { SpanExporter, exporterFor } from './exporter.js';
export type { ExporterOptions, ExporterStats, ExportClock, ExportTimer, SendFn } from './exporter.js';
export { TraceStore, normaliseTraceId } from './trace-store.js';
export type { TraceStoreOptions } from './trace-store.js';
export { zipkinRead, services, spanNames, traces, trace } from './zipkin-api.js';
export type { ApiResponse, TraceQuery } from './zipkin-api.js';
