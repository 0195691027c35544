import { describe, it, expect } from 'vitest';
import { compileTracing, samplingPercent, spanServiceName } from './compile.js';
import { inboundOperation, outboundOperation } from './operation-name.js';

const node = { id: 'productpage-v1-x.bookinfo', namespace: 'bookinfo', labels: { app: 'productpage', version: 'v1' }, role: 'sidecar' as const };

describe('compileTracing', () => {
  it('sampling: Telemetry, then MeshConfig, then PILOT_TRACE_SAMPLING, default 1%', () => {
    expect(samplingPercent({})).toBe(1);
    expect(samplingPercent({ pilotTraceSampling: 5 })).toBe(5);
    expect(samplingPercent({ meshSampling: 10, pilotTraceSampling: 5 })).toBe(10);
    expect(samplingPercent({ telemetry: { randomSamplingPercentage: 0 }, meshSampling: 10 })).toBe(0);
    expect(samplingPercent({ telemetry: { randomSamplingPercentage: 150 }, meshSampling: 10 })).toBe(10);
  });

  it('service name follows serviceClusterOrDefault', () => {
    expect(spanServiceName(node)).toBe('productpage.bookinfo');
    expect(spanServiceName({ namespace: 'ns', labels: { 'app.kubernetes.io/name': 'web' } })).toBe('web.ns');
    expect(spanServiceName({ namespace: 'ns', labels: {}, workloadName: 'api' })).toBe('api.ns');
    expect(spanServiceName({ namespace: 'ns', labels: {} })).toBe('istio-proxy.ns');
  });

  it('emits JSON-only config with Istio defaults', () => {
    const c = compileTracing({ provider: { kind: 'zipkin', url: 'http://zipkin.istio-system:9411/api/v2/spans' }, node });
    expect(JSON.parse(JSON.stringify(c))).toEqual(c);
    expect(c).toMatchObject({
      propagation: 'b3',
      randomSamplingPercent: 1,
      clientSamplingPercent: 100,
      overallSamplingPercent: 100,
      useRequestIdForTraceSampling: true,
      traceId128: true,
      maxPathTagLength: 256,
      serviceName: 'productpage.bookinfo',
      spawnUpstreamSpan: false,
      staticTags: { 'istio.canonical_service': 'productpage', 'istio.canonical_revision': 'v1', 'istio.mesh_id': 'unknown', 'istio.namespace': 'bookinfo', 'istio.cluster_id': 'unknown' },
      collector: { format: 'zipkin', url: 'http://zipkin.istio-system:9411/api/v2/spans', maxBatch: 5, flushIntervalMs: 5000 },
    });
  });

  it('provider and Telemetry switches', () => {
    const otel = compileTracing({ provider: { kind: 'opentelemetry', url: 'http://otel:4318/v1/traces' }, node: { ...node, role: 'gateway' } });
    expect(otel).toMatchObject({ propagation: 'w3c', spawnUpstreamSpan: true, collector: { format: 'otlp' } });
    const both = compileTracing({ provider: { kind: 'zipkin', traceContextOption: 'USE_B3_WITH_W3C_PROPAGATION', enable64bitTraceId: true }, node });
    expect(both).toMatchObject({ propagation: 'b3+w3c', traceId128: false });
    expect(both.collector).toBeUndefined();
    const t = compileTracing({
      provider: { kind: 'zipkin' },
      telemetry: { enableIstioTags: false, disableContextPropagation: true, useRequestIdForTraceSampling: false, customTags: { team: { literal: { value: 'books' } }, pod: { environment: { name: 'POD_NAME', defaultValue: 'x' } }, ua: { header: { name: 'User-Agent', defaultValue: 'none' } } } },
      node: { ...node, env: { POD_NAME: 'productpage-v1-x' } },
    });
    expect(t.staticTags).toEqual({ pod: 'productpage-v1-x', team: 'books' });
    expect(t.headerTags).toEqual([{ tag: 'ua', header: 'user-agent', defaultValue: 'none' }]);
    expect(t).toMatchObject({ disableContextPropagation: true, useRequestIdForTraceSampling: false });
  });
});

describe('operation names', () => {
  it('outbound: host:port of a single destination or vs-name:port, then the path match', () => {
    expect(outboundOperation({ destination: { host: 'reviews.default.svc.cluster.local', port: 9080 }, vsName: 'reviews', port: 9080 })).toBe('reviews.default.svc.cluster.local:9080/*');
    expect(outboundOperation({ vsName: 'reviews', port: 9080, match: { prefix: '/api' } })).toBe('reviews:9080/api*');
    expect(outboundOperation({ vsName: 'reviews', port: 9080, match: { exact: '/login' } })).toBe('reviews:9080/login');
    expect(outboundOperation({ vsName: 'reviews', port: 9080, match: { regex: '/v[0-9]+' } })).toBe('reviews:9080/v[0-9]+');
  });
  it('inbound: <fqdn>:<port>/*', () => {
    expect(inboundOperation('reviews.default.svc.cluster.local', 9080)).toBe('reviews.default.svc.cluster.local:9080/*');
  });
});
