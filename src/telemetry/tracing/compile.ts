/**
 * Compiler side: the settings Istio would put in one proxy's HCM `tracing` block, from the
 * provider, the merged Telemetry `tracing` entry, MeshConfig and the proxy's identity. Pure, and
 * imports nothing: the caller resolves which Telemetry resources apply and hands over the fields.
 */
import type { CustomTagConfig, TraceCollectorConfig, TracingConfig } from './config.js';

export interface TracingProviderInput {
  kind: 'zipkin' | 'opentelemetry';
  /** Collector URL; absent: spans are not exported. */
  url?: string;
  /** Zipkin `traceContextOption`. */
  traceContextOption?: 'USE_B3' | 'USE_B3_WITH_W3C_PROPAGATION';
  enable64bitTraceId?: boolean;
  maxTagLength?: number;
}

export interface TelemetryTracingInput {
  randomSamplingPercentage?: number;
  disableSpanReporting?: boolean;
  useRequestIdForTraceSampling?: boolean;
  enableIstioTags?: boolean;
  disableContextPropagation?: boolean;
  customTags?: Record<string, { literal?: { value: string }; header?: { name: string; defaultValue?: string }; environment?: { name: string; defaultValue?: string } }>;
}

export interface TracingNodeInput {
  /** `<pod>.<namespace>`. */
  id: string;
  namespace: string;
  labels: Record<string, string>;
  workloadName?: string;
  role: 'sidecar' | 'gateway';
  locality?: string;
  meshId?: string;
  clusterId?: string;
  /** The proxy's environment, for `environment` custom tags. */
  env?: Record<string, string>;
}

export interface TracingInputs {
  provider: TracingProviderInput;
  telemetry?: TelemetryTracingInput;
  /** `meshConfig.defaultConfig.tracing.sampling`. */
  meshSampling?: number;
  /** `PILOT_TRACE_SAMPLING`, 1.0 when unset. */
  pilotTraceSampling?: number;
  node: TracingNodeInput;
  collector?: Partial<Omit<TraceCollectorConfig, 'url' | 'format'>>;
}

const validPercent = (p: number | undefined): p is number => p !== undefined && Number.isFinite(p) && p >= 0 && p <= 100;

/** Telemetry, then MeshConfig, then PILOT_TRACE_SAMPLING (default 1%). */
export function samplingPercent(inputs: Pick<TracingInputs, 'telemetry' | 'meshSampling' | 'pilotTraceSampling'>): number {
  const candidates = [inputs.telemetry?.randomSamplingPercentage, inputs.meshSampling, inputs.pilotTraceSampling];
  for (const p of candidates) if (validPercent(p)) return p;
  return 1;
}

/** Istio's `serviceClusterOrDefault`: `<app>.<ns>`, else `<workload>.<ns>`, else `istio-proxy.<ns>`. */
export function spanServiceName(node: Pick<TracingNodeInput, 'labels' | 'workloadName' | 'namespace'>): string {
  const l = node.labels;
  const app = l['app'] ?? l['app.kubernetes.io/name'] ?? l['service.istio.io/canonical-name'];
  if (app) return `${app}.${node.namespace}`;
  if (node.workloadName) return `${node.workloadName}.${node.namespace}`;
  return `istio-proxy.${node.namespace}`;
}

function istioTags(node: TracingNodeInput): Record<string, string> {
  const l = node.labels;
  const canonicalService = l['service.istio.io/canonical-name'] ?? l['app.kubernetes.io/name'] ?? l['app'] ?? node.workloadName ?? '';
  const canonicalRevision = l['service.istio.io/canonical-revision'] ?? l['app.kubernetes.io/version'] ?? l['version'] ?? '';
  return {
    'istio.canonical_revision': canonicalRevision || 'latest',
    'istio.canonical_service': canonicalService || 'unknown',
    'istio.cluster_id': node.clusterId || 'unknown',
    'istio.mesh_id': node.meshId || 'unknown',
    'istio.namespace': node.namespace || 'default',
  };
}

function customTags(t: TelemetryTracingInput | undefined, env: Record<string, string>): CustomTagConfig[] {
  const out: CustomTagConfig[] = [];
  for (const [tag, spec] of Object.entries(t?.customTags ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (spec.literal) out.push({ tag, literal: spec.literal.value });
    else if (spec.environment) {
      const v = env[spec.environment.name] ?? spec.environment.defaultValue;
      if (v !== undefined) out.push({ tag, literal: v });
    } else if (spec.header) out.push({ tag, header: spec.header.name.toLowerCase(), ...(spec.header.defaultValue !== undefined ? { defaultValue: spec.header.defaultValue } : {}) });
  }
  return out;
}

export function compileTracing(inputs: TracingInputs): TracingConfig {
  const { provider, telemetry, node } = inputs;
  const staticTags = telemetry?.enableIstioTags === false ? {} : istioTags(node);
  const headerTags: TracingConfig['headerTags'] = [];
  for (const c of customTags(telemetry, node.env ?? {})) {
    if ('literal' in c) staticTags[c.tag] = c.literal;
    else headerTags.push(c);
  }
  const propagation = provider.kind === 'opentelemetry' ? 'w3c' : provider.traceContextOption === 'USE_B3_WITH_W3C_PROPAGATION' ? 'b3+w3c' : 'b3';
  const config: TracingConfig = {
    propagation,
    randomSamplingPercent: samplingPercent(inputs),
    clientSamplingPercent: 100,
    overallSamplingPercent: 100,
    useRequestIdForTraceSampling: telemetry?.useRequestIdForTraceSampling ?? true,
    traceId128: !provider.enable64bitTraceId,
    maxPathTagLength: provider.maxTagLength && provider.maxTagLength > 0 ? provider.maxTagLength : 256,
    disableContextPropagation: telemetry?.disableContextPropagation ?? false,
    disableSpanReporting: telemetry?.disableSpanReporting ?? false,
    serviceName: spanServiceName(node),
    nodeId: node.id,
    staticTags,
    headerTags,
    spawnUpstreamSpan: node.role === 'gateway',
  };
  const zone = node.locality?.split('/')[1];
  if (zone) config.zone = zone;
  if (provider.url) {
    config.collector = {
      format: provider.kind === 'opentelemetry' ? 'otlp' : 'zipkin',
      url: provider.url,
      maxBatch: inputs.collector?.maxBatch ?? 5,
      flushIntervalMs: inputs.collector?.flushIntervalMs ?? 5000,
      maxQueue: inputs.collector?.maxQueue ?? 10_000,
    };
  }
  return config;
}
