import { describe, it, expect } from 'vitest';
import { encodeOtlp } from './otlp.js';
import { sampleSpan } from './test-support.js';

/**
 * OTLP/HTTP JSON rules (opentelemetry-proto docs/specification.md and the protobuf JSON
 * mapping): lowerCamelCase keys; traceId 32 and spanId/parentSpanId 16 lowercase hex (not
 * base64); kind an integer enum; start/end nanoseconds as decimal strings; attribute values
 * typed (`stringValue`); a resource with `service.name`.
 */
describe('OTLP/HTTP JSON', () => {
  it('is byte-exact for one span', () => {
    expect(encodeOtlp([sampleSpan()])).toBe(
      '{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"reviews.default"}}]},' +
        '"scopeSpans":[{"scope":{"name":"tack"},"spans":[{"traceId":"463ac35c9f6413ad48485a3953bb6124","spanId":"a2fb4a1d1a96d312",' +
        '"parentSpanId":"0020000000000001","name":"reviews.default.svc.cluster.local:9080/*","kind":2,' +
        '"startTimeUnixNano":"1700000000123456000","endTimeUnixNano":"1700000000125956000",' +
        '"attributes":[{"key":"component","value":{"stringValue":"proxy"}},{"key":"http.status_code","value":{"stringValue":"200"}}],' +
        '"status":{"code":0}}]}]}]}',
    );
  });

  it('follows the wire rules for every span, grouping spans by service', () => {
    const body = encodeOtlp([
      sampleSpan(),
      sampleSpan({ kind: 'CLIENT', traceId: '48485a3953bb6124', parentSpanId: undefined, localEndpoint: { serviceName: 'productpage.default' }, tags: { error: 'true' } }),
      sampleSpan({ spanId: '1111111111111111' }),
    ]);
    const doc = JSON.parse(body) as { resourceSpans: { resource: { attributes: { key: string; value: { stringValue: string } }[] }; scopeSpans: { spans: Record<string, unknown>[] }[] }[] };
    expect(doc.resourceSpans.map((r) => r.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue)).toEqual(['reviews.default', 'productpage.default']);
    const spans = doc.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
    expect(spans).toHaveLength(3);
    for (const s of spans) {
      expect(s['traceId']).toMatch(/^[0-9a-f]{32}$/);
      expect(s['spanId']).toMatch(/^[0-9a-f]{16}$/);
      if ('parentSpanId' in s) expect(s['parentSpanId']).toMatch(/^[0-9a-f]{16}$/);
      expect([2, 3]).toContain(s['kind']);
      expect(s['startTimeUnixNano']).toMatch(/^\d+$/);
      expect(s['endTimeUnixNano']).toMatch(/^\d+$/);
      expect(BigInt(s['endTimeUnixNano'] as string) > BigInt(s['startTimeUnixNano'] as string)).toBe(true);
      for (const k of Object.keys(s)) expect(k).toMatch(/^[a-z][a-zA-Z]*$/);
    }
    const client = doc.resourceSpans[1]?.scopeSpans[0]?.spans[0];
    expect(client).toMatchObject({ kind: 3, traceId: '0000000000000000' + '48485a3953bb6124', status: { code: 2 } });
    expect(client).not.toHaveProperty('parentSpanId');
  });
});
