/**
 * The proxy side: built once per config version, then per request `start` (sampling decision and
 * context extraction), `inject` (headers for the upstream) and `finish` (tags, then the span goes
 * to the reporter when sampled). Span ids are fresh on every hop, as Istio configures Envoy
 * (`shared_span_context: false`): the caller's span becomes the parent.
 */
import type { TracingConfig } from './config.js';
import { HEADERS, type GetHeader, type SetHeader } from './headers.js';
import { newSpanId, newTraceId, type Random } from './ids.js';
import { extractContext, injectContext } from './propagation.js';
import { decideSampling, type TraceReason } from './request-id.js';
import { fallbackOperation, kindOf, type SpanData, type SpanKind } from './span.js';

export type ProxyDirection = 'inbound' | 'outbound' | 'gateway';

export interface TraceRequest {
  direction: ProxyDirection;
  /** Request headers as they arrived, `x-request-id` already ensured. */
  get: GetHeader;
  /** The route's decorator; Envoy's `ingress` / `egress <host>` when absent. */
  operation?: string;
  authority: string;
  method: string;
  /** `x-envoy-original-path` when set, else `:path`. */
  path: string;
  /** `x-forwarded-proto`. */
  scheme: string;
  /** `HTTP/1.1`, `HTTP/2`. */
  protocol: string;
  peerAddress: string;
  startMs: number;
}

export interface TraceResponse {
  /** Absent: no response was sent (the span is then an error). */
  status?: number;
  /** Envoy's short flags, `-` when none. */
  responseFlags: string;
  /** Observability name of the upstream cluster; `-` when none was chosen. */
  upstreamCluster?: string;
  upstreamClusterName?: string;
  /** `ip:port` of the upstream host. */
  upstreamAddress?: string;
  requestSize: number;
  responseSize: number;
  endMs: number;
}

export interface ActiveTrace {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  /** The span the upstream sees as its parent: the gateway's upstream child, else this span. */
  upstreamSpanId: string;
  sampled: boolean;
  debug: boolean;
  tracestate?: string;
  reason: TraceReason;
  /** The id to forward, with the sampling reason written into it. */
  requestId: string | undefined;
  name: string;
  kind: SpanKind;
  startUs: number;
  /** Kept to build the request tags at `finish`, only for sampled spans: its `get` must still read the request. */
  request: TraceRequest;
}

export type SpanReporter = (span: SpanData) => void;

export class Tracer {
  constructor(
    private readonly config: TracingConfig,
    private readonly random: Random,
    private readonly report: SpanReporter,
    private readonly localIp?: string,
  ) {}

  /** Undefined when the trace headers are malformed: Envoy's null span (no span, no injection). */
  start(req: TraceRequest): ActiveTrace | undefined {
    const c = this.config;
    const requestId = req.get(HEADERS.requestId);
    const decision = decideSampling(c, { requestId, clientTraceId: req.get(HEADERS.clientTraceId) !== undefined, forceTrace: req.get(HEADERS.forceTrace) !== undefined }, this.random);
    const extracted = extractContext(c.propagation, req.get);
    if (extracted.kind === 'invalid') return undefined;
    const ctx = extracted.kind === 'context' ? extracted.context : undefined;
    const debug = (ctx ? ctx.debug : extracted.kind === 'none' ? extracted.debug : false) === true;
    const propagated = ctx ? ctx.sampled : extracted.kind === 'none' ? extracted.sampled : undefined;
    const sampled = debug || (propagated ?? decision.traced);
    const spanId = newSpanId(this.random);
    const upstreamSpanId = req.direction === 'gateway' && c.spawnUpstreamSpan ? newSpanId(this.random) : spanId;
    const trace: ActiveTrace = {
      traceId: ctx ? ctx.traceId : newTraceId(this.random, c.traceId128),
      spanId,
      upstreamSpanId,
      sampled,
      debug,
      reason: decision.reason,
      requestId: decision.requestId,
      name: req.operation ?? fallbackOperation(req.direction, req.authority),
      kind: kindOf(req.direction),
      startUs: Math.round(req.startMs * 1000),
      request: req,
    };
    if (ctx) trace.parentSpanId = ctx.spanId;
    if (ctx?.tracestate) trace.tracestate = ctx.tracestate;
    return trace;
  }

  /** Headers for the upstream request: the trace context and the updated `x-request-id`. */
  inject(trace: ActiveTrace, get: GetHeader, set: SetHeader): void {
    if (trace.requestId !== undefined && trace.requestId !== get(HEADERS.requestId)) set(HEADERS.requestId, trace.requestId);
    if (this.config.disableContextPropagation) return;
    const parent = trace.upstreamSpanId === trace.spanId ? trace.parentSpanId : trace.spanId;
    injectContext(this.config.propagation, { traceId: trace.traceId, spanId: trace.upstreamSpanId, ...(parent ? { parentSpanId: parent } : {}), sampled: trace.sampled, debug: trace.debug, ...(trace.tracestate ? { tracestate: trace.tracestate } : {}) }, get, set);
  }

  finish(trace: ActiveTrace, res: TraceResponse): void {
    if (!trace.sampled || this.config.disableSpanReporting) return;
    const durationUs = Math.max(1, Math.round(res.endMs * 1000) - trace.startUs);
    const tags = this.requestTags(trace.request, trace.requestId);
    this.addResponseTags(tags, res);
    const localEndpoint = { serviceName: this.config.serviceName, ...(this.localIp ? { ip: this.localIp } : {}) };
    const base = { traceId: trace.traceId, startUs: trace.startUs, durationUs, localEndpoint, ...(trace.debug ? { debug: true } : {}) };
    const downstream: SpanData = { ...base, spanId: trace.spanId, name: trace.name, kind: trace.kind, tags, ...(trace.parentSpanId ? { parentSpanId: trace.parentSpanId } : {}) };
    if (trace.kind === 'CLIENT' && res.upstreamAddress) tags['upstream_address'] = res.upstreamAddress;
    this.report(downstream);
    if (trace.upstreamSpanId !== trace.spanId) {
      const upTags = { ...tags, ...(res.upstreamAddress ? { upstream_address: res.upstreamAddress } : {}) };
      this.report({ ...base, spanId: trace.upstreamSpanId, parentSpanId: trace.spanId, name: trace.name, kind: 'CLIENT', tags: upTags });
    }
  }

  private requestTags(req: TraceRequest, requestId: string | undefined): Record<string, string> {
    const c = this.config;
    const tags: Record<string, string> = { node_id: c.nodeId };
    if (c.zone) tags['zone'] = c.zone;
    if (requestId !== undefined) tags['guid:x-request-id'] = requestId;
    const path = req.path.length > c.maxPathTagLength ? req.path.slice(0, c.maxPathTagLength) : req.path;
    tags['http.url'] = `${req.scheme}://${req.authority}${path}`;
    tags['http.method'] = req.method;
    tags['downstream_cluster'] = req.get('x-envoy-downstream-service-cluster') ?? '-';
    tags['user_agent'] = req.get('user-agent') ?? '-';
    tags['http.protocol'] = req.protocol;
    tags['peer.address'] = req.peerAddress;
    const clientTraceId = req.get(HEADERS.clientTraceId);
    if (clientTraceId !== undefined) tags['guid:x-client-trace-id'] = clientTraceId;
    for (const k in c.staticTags) tags[k] = c.staticTags[k] ?? '';
    for (const h of c.headerTags) {
      const v = req.get(h.header) ?? h.defaultValue;
      if (v !== undefined) tags[h.tag] = v;
    }
    return tags;
  }

  private addResponseTags(tags: Record<string, string>, res: TraceResponse): void {
    tags['request_size'] = String(res.requestSize);
    tags['response_size'] = String(res.responseSize);
    tags['component'] = 'proxy';
    tags['upstream_cluster'] = res.upstreamCluster ?? '-';
    tags['upstream_cluster.name'] = res.upstreamClusterName ?? res.upstreamCluster ?? '-';
    tags['http.status_code'] = String(res.status ?? 0);
    tags['response_flags'] = res.responseFlags || '-';
    if (res.status === undefined || res.status === 0 || (res.status >= 500 && res.status < 600)) tags['error'] = 'true';
  }
}
