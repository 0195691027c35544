import { describe, it, expect } from 'vitest';
import { compileTracing } from './compile.js';
import type { TracingConfig } from './config.js';
import { headerReader } from './headers.js';
import type { SpanData } from './span.js';
import { sequence } from './test-support.js';
import { Tracer, type TraceRequest } from './tracer.js';

const SAMPLED_ID = '00000005-0000-9000-8000-000000000000';
const UNSAMPLED_ID = '00001388-0000-4000-8000-000000000000';

function setup(over: Partial<TracingConfig> = {}, role: 'sidecar' | 'gateway' = 'sidecar') {
  const config = { ...compileTracing({ provider: { kind: 'zipkin', url: 'http://zipkin:9411/api/v2/spans' }, node: { id: 'reviews-v1-abc.default', namespace: 'default', labels: { app: 'reviews', version: 'v1' }, role, locality: 'r1/z1' } }), ...over };
  const spans: SpanData[] = [];
  const tracer = new Tracer(config, sequence([0.25, 0.5, 0.75, 0.125]), (s) => spans.push(s), '10.0.0.7');
  return { tracer, spans };
}

const request = (headers: Record<string, string>, over: Partial<TraceRequest> = {}): TraceRequest => ({
  direction: 'inbound',
  get: headerReader(headers),
  operation: 'reviews.default.svc.cluster.local:9080/*',
  authority: 'reviews:9080',
  method: 'GET',
  path: '/reviews/0',
  scheme: 'http',
  protocol: 'HTTP/1.1',
  peerAddress: '10.0.0.9',
  startMs: 1_700_000_000_000.5,
  ...over,
});
const response = { status: 200, responseFlags: '-', upstreamCluster: 'inbound|9080||', requestSize: 0, responseSize: 358, endMs: 1_700_000_000_004 };

describe('Tracer', () => {
  it('a sampled inbound request becomes a SERVER span, child of the caller, with Envoy and Istio tags', () => {
    const { tracer, spans } = setup();
    const h = { 'x-request-id': SAMPLED_ID, 'x-b3-traceid': '463ac35c9f6413ad48485a3953bb6124', 'x-b3-spanid': 'a2fb4a1d1a96d312', 'user-agent': 'curl/8' };
    const t = tracer.start(request(h));
    expect(t).toBeDefined();
    const out: Record<string, string> = {};
    tracer.inject(t!, headerReader(h), (k, v) => (out[k] = v));
    tracer.finish(t!, response);
    expect(spans).toHaveLength(1);
    const s = spans[0]!;
    expect(s).toMatchObject({ traceId: '463ac35c9f6413ad48485a3953bb6124', parentSpanId: 'a2fb4a1d1a96d312', kind: 'SERVER', name: 'reviews.default.svc.cluster.local:9080/*', startUs: 1_700_000_000_000_500, durationUs: 3500, localEndpoint: { serviceName: 'reviews.default', ip: '10.0.0.7' } });
    expect(s.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(s.spanId).not.toBe('a2fb4a1d1a96d312');
    expect(s.tags).toMatchObject({
      node_id: 'reviews-v1-abc.default',
      zone: 'z1',
      'guid:x-request-id': SAMPLED_ID,
      'http.url': 'http://reviews:9080/reviews/0',
      'http.method': 'GET',
      downstream_cluster: '-',
      user_agent: 'curl/8',
      'http.protocol': 'HTTP/1.1',
      'peer.address': '10.0.0.9',
      request_size: '0',
      response_size: '358',
      component: 'proxy',
      upstream_cluster: 'inbound|9080||',
      'upstream_cluster.name': 'inbound|9080||',
      'http.status_code': '200',
      response_flags: '-',
      'istio.canonical_service': 'reviews',
      'istio.canonical_revision': 'v1',
      'istio.mesh_id': 'unknown',
      'istio.namespace': 'default',
      'istio.cluster_id': 'unknown',
    });
    expect(s.tags).not.toHaveProperty('error');
    expect(out).toMatchObject({ 'x-b3-traceid': s.traceId, 'x-b3-spanid': s.spanId, 'x-b3-parentspanid': 'a2fb4a1d1a96d312', 'x-b3-sampled': '1' });
  });

  it('starts a new 128-bit trace when there is no context; the request id decides', () => {
    const { tracer, spans } = setup();
    const t = tracer.start(request({ 'x-request-id': '00000005-0000-4000-8000-000000000000' }, { direction: 'outbound', operation: undefined }))!;
    expect(t.sampled).toBe(true);
    expect(t.requestId?.[14]).toBe('9');
    expect(t.traceId).toMatch(/^[0-9a-f]{32}$/);
    const out: Record<string, string> = {};
    tracer.inject(t, headerReader({ 'x-request-id': '00000005-0000-4000-8000-000000000000' }), (k, v) => (out[k] = v));
    expect(out['x-request-id']).toBe(t.requestId);
    expect(out).not.toHaveProperty('x-b3-parentspanid');
    tracer.finish(t, { ...response, status: 503, responseFlags: 'UF', upstreamAddress: '10.0.0.8:9080' });
    expect(spans[0]).toMatchObject({ kind: 'CLIENT', name: 'egress reviews:9080' });
    expect(spans[0]!.tags).toMatchObject({ error: 'true', 'http.status_code': '503', response_flags: 'UF', upstream_address: '10.0.0.8:9080' });
    expect(spans[0]).not.toHaveProperty('parentSpanId');
  });

  it('propagates but does not report unsampled requests, and obeys the caller’s flag', () => {
    const { tracer, spans } = setup();
    const t = tracer.start(request({ 'x-request-id': UNSAMPLED_ID }))!;
    expect(t.sampled).toBe(false);
    tracer.finish(t, response);
    expect(spans).toHaveLength(0);
    const forced = tracer.start(request({ 'x-request-id': UNSAMPLED_ID, b3: '1' }))!;
    expect(forced.sampled).toBe(true);
    const refused = tracer.start(request({ 'x-request-id': SAMPLED_ID, 'x-b3-sampled': '0' }))!;
    expect(refused.sampled).toBe(false);
    const debug = tracer.start(request({ 'x-request-id': UNSAMPLED_ID, b3: 'd' }))!;
    tracer.finish(debug, response);
    expect(spans[0]).toMatchObject({ debug: true });
  });

  it('malformed trace headers give no span and no injection (Envoy’s null span)', () => {
    const { tracer } = setup();
    expect(tracer.start(request({ 'x-request-id': SAMPLED_ID, b3: 'nonsense' }))).toBeUndefined();
  });

  it('a gateway reports its SERVER span and a CLIENT child for the upstream, which the upstream sees as parent', () => {
    const { tracer, spans } = setup({}, 'gateway');
    const t = tracer.start(request({ 'x-request-id': SAMPLED_ID }, { direction: 'gateway' }))!;
    const out: Record<string, string> = {};
    tracer.inject(t, headerReader({}), (k, v) => (out[k] = v));
    tracer.finish(t, { ...response, upstreamAddress: '10.0.0.8:9080' });
    expect(spans.map((s) => s.kind)).toEqual(['SERVER', 'CLIENT']);
    const [server, client] = spans as [SpanData, SpanData];
    expect(client.parentSpanId).toBe(server.spanId);
    expect(out['x-b3-spanid']).toBe(client.spanId);
    expect(out['x-b3-parentspanid']).toBe(server.spanId);
    expect(client.tags['upstream_address']).toBe('10.0.0.8:9080');
  });

  it('disableContextPropagation keeps spans but writes no trace headers; disableSpanReporting the reverse', () => {
    const a = setup({ disableContextPropagation: true });
    const t = a.tracer.start(request({ 'x-request-id': SAMPLED_ID }))!;
    const out: Record<string, string> = {};
    a.tracer.inject(t, headerReader({ 'x-request-id': SAMPLED_ID }), (k, v) => (out[k] = v));
    a.tracer.finish(t, response);
    expect(out).toEqual({});
    expect(a.spans).toHaveLength(1);
    const b = setup({ disableSpanReporting: true });
    const u = b.tracer.start(request({ 'x-request-id': SAMPLED_ID }))!;
    b.tracer.inject(u, headerReader({}), (k, v) => (out[k] = v));
    b.tracer.finish(u, response);
    expect(out['x-b3-sampled']).toBe('1');
    expect(b.spans).toHaveLength(0);
  });

  it('caps the path in http.url at maxPathTagLength', () => {
    const { tracer, spans } = setup({ maxPathTagLength: 8 });
    const t = tracer.start(request({ 'x-request-id': SAMPLED_ID }, { path: '/a/very/long/path' }))!;
    tracer.finish(t, response);
    expect(spans[0]!.tags['http.url']).toBe('http://reviews:9080/a/very/');
  });
});
