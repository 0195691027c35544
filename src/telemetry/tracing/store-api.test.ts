import { describe, it, expect } from 'vitest';
import { TraceStore } from './trace-store.js';
import { sampleSpan } from './test-support.js';
import { toZipkin } from './zipkin.js';
import { zipkinRead } from './zipkin-api.js';

const T = (n: number) => n.toString(16).padStart(32, '0');
const NOW_MS = 1_700_000_100_000;

function filled() {
  const store = new TraceStore({ maxTraces: 3, maxSpansPerTrace: 2 });
  // trace 1: productpage → reviews, 90 s ago; trace 2: reviews only, 10 s ago; trace 3: ratings, 2 days ago.
  store.add(toZipkin(sampleSpan({ traceId: T(1), spanId: '0000000000000001', name: 'productpage.default.svc.cluster.local:9080/*', startUs: (NOW_MS - 90_000) * 1000, localEndpoint: { serviceName: 'ProductPage.default' } })));
  store.add(toZipkin(sampleSpan({ traceId: T(1), spanId: '0000000000000002', startUs: (NOW_MS - 89_000) * 1000 })));
  store.add(toZipkin(sampleSpan({ traceId: T(2), spanId: '0000000000000003', name: 'reviews.default.svc.cluster.local:9080/reviews*', startUs: (NOW_MS - 10_000) * 1000 })));
  store.add(toZipkin(sampleSpan({ traceId: T(3), spanId: '0000000000000004', startUs: (NOW_MS - 2 * 86_400_000) * 1000, localEndpoint: { serviceName: 'ratings.default' } })));
  return store;
}
const body = (r: { body: string }) => JSON.parse(r.body) as unknown;

describe('TraceStore', () => {
  it('evicts the oldest trace when full and caps spans per trace', () => {
    const store = filled();
    store.add(toZipkin(sampleSpan({ traceId: T(1), spanId: '0000000000000009' })));
    expect(store.get(T(1))).toHaveLength(2);
    store.add(toZipkin(sampleSpan({ traceId: T(4) })));
    expect(store.size).toBe(3);
    expect(store.evicted).toBe(1);
    expect(store.get(T(1))).toBeUndefined();
    expect(store.get(T(4))).toHaveLength(1);
  });

  it('finds a trace by id in any case, and a 64-bit id written short', () => {
    const store = new TraceStore({ maxTraces: 2, maxSpansPerTrace: 5 });
    store.add(toZipkin(sampleSpan({ traceId: '0000000000000abc' })));
    expect(store.get('ABC')).toHaveLength(1);
  });
});

describe('Zipkin read API', () => {
  it('/api/v2/services lists local service names, lowercase and sorted', () => {
    const r = zipkinRead(filled(), '/api/v2/services', NOW_MS);
    expect(r.status).toBe(200);
    expect(body(r)).toEqual(['productpage.default', 'ratings.default', 'reviews.default']);
  });

  it('/api/v2/spans needs serviceName and lists that service’s span names', () => {
    expect(zipkinRead(filled(), '/api/v2/spans', NOW_MS).status).toBe(400);
    expect(body(zipkinRead(filled(), '/api/v2/spans?serviceName=REVIEWS.default', NOW_MS))).toEqual(['reviews.default.svc.cluster.local:9080/*', 'reviews.default.svc.cluster.local:9080/reviews*']);
  });

  it('/api/v2/traces filters by service, span name and time window, newest first, up to limit', () => {
    const store = filled();
    const ids = (q: string) => (body(zipkinRead(store, `/api/v2/traces${q}`, NOW_MS)) as { traceId: string }[][]).map((t) => t[0]?.traceId);
    expect(ids('')).toEqual([T(2), T(1)]);
    expect(ids('?serviceName=reviews.default')).toEqual([T(2), T(1)]);
    expect(ids('?serviceName=reviews.default&limit=1')).toEqual([T(2)]);
    expect(ids('?serviceName=productpage.default')).toEqual([T(1)]);
    expect(ids('?spanName=reviews.default.svc.cluster.local:9080/reviews*')).toEqual([T(2)]);
    expect(ids('?lookback=60000')).toEqual([T(2)]);
    expect(ids(`?endTs=${NOW_MS - 50_000}&lookback=60000`)).toEqual([T(1)]);
    expect(ids(`?lookback=${3 * 86_400_000}`)).toEqual([T(2), T(1), T(3)]);
    expect(zipkinRead(store, '/api/v2/traces?limit=0', NOW_MS).status).toBe(400);
    expect(zipkinRead(store, '/api/v2/traces?lookback=abc', NOW_MS).status).toBe(400);
  });

  it('/api/v2/trace/{id} returns the spans, 404 when unknown, 400 when not an id', () => {
    const store = filled();
    const r = zipkinRead(store, `/api/v2/trace/${T(1).toUpperCase()}`, NOW_MS);
    expect(r.status).toBe(200);
    expect((body(r) as { id: string }[]).map((s) => s.id)).toEqual(['0000000000000001', '0000000000000002']);
    expect(zipkinRead(store, `/api/v2/trace/${T(99)}`, NOW_MS).status).toBe(404);
    expect(zipkinRead(store, '/api/v2/trace/not-hex', NOW_MS).status).toBe(400);
    expect(zipkinRead(store, '/api/v2/nothing', NOW_MS).status).toBe(404);
  });
});
