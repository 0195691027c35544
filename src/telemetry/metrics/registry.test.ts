import { describe, it, expect } from 'vitest';
import { MetricsRegistry } from './registry.js';
import { DEFAULT_BUCKETS } from './buckets.js';
import { IstioMetrics, TupleCache } from './istio-metrics.js';
import { renderMetrics } from './exposition.js';

describe('MetricsRegistry', () => {
  it('binding the same values again returns the same handle; increments create no series', () => {
    const r = new MetricsRegistry();
    const c = r.counter({ name: 'x_total', help: 'h', labelNames: ['a', 'b'] });
    const h1 = c.bind(['1', '2']);
    for (let i = 0; i < 1000; i++) h1.inc();
    expect(c.bind(['1', '2'])).toBe(h1);
    expect(c.series).toHaveLength(1);
    expect(r.size).toBe(1);
    expect(c.series[0]!.value).toBe(1000);
    // The key keeps tuples apart that a naive join would merge.
    expect(c.bind(['1,2', ''])).not.toBe(h1);
    expect(r.size).toBe(2);
  });

  it('counters ignore negative and NaN amounts', () => {
    const r = new MetricsRegistry();
    const s = r.counter({ name: 'y_total', help: 'h', labelNames: [] }).bind([]);
    s.inc(5);
    s.inc(-3);
    s.inc(Number.NaN);
    expect(renderMetrics(r, 'text')).toContain('y_total 5\n');
  });

  it('histograms use Envoy’s default bounds, with an upper bound inclusive', () => {
    expect(DEFAULT_BUCKETS).toEqual([0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000]);
    const r = new MetricsRegistry();
    const h = r.histogram({ name: 'd', help: 'h', labelNames: [] });
    const s = h.bind([]);
    for (const v of [0, 0.5, 0.6, 1, 3600000, 3600001, Number.NaN]) s.observe(v);
    const series = h.series[0]!;
    expect(Array.from(series.counts.slice(0, 3))).toEqual([2, 2, 0]);
    expect(series.counts[18]).toBe(1);
    expect(series.counts[19]).toBe(1); // +Inf
    expect(series.count).toBe(6);
    expect(series.sum).toBe(0 + 0.5 + 0.6 + 1 + 3600000 + 3600001);
  });

  it('stops creating series at the cap: updates to new tuples are dropped and counted', () => {
    const r = new MetricsRegistry(3);
    const c = r.counter({ name: 'req_total', help: 'h', labelNames: ['k'] });
    const kept = [c.bind(['a']), c.bind(['b']), c.bind(['c'])];
    const over1 = c.bind(['d']);
    const over2 = c.bind(['e']);
    expect(r.size).toBe(3);
    expect(over1).toBe(over2);
    over1.inc();
    over2.inc(10);
    kept[0]!.inc();
    expect(c.series).toHaveLength(3);
    expect(c.droppedUpdates).toBe(2);
    // Existing series keep working past the cap.
    expect(c.bind(['a'])).toBe(kept[0]);
    const text = renderMetrics(r, 'text');
    expect(text).toContain('req_total{k="a"} 1\n');
    expect(text).not.toContain('k="d"');
    expect(text).toContain('tack_metrics_dropped_total{metric="req_total"} 2\n');
  });

  it('refuses bad definitions and wrong arity', () => {
    const r = new MetricsRegistry();
    expect(() => r.counter({ name: 'no_suffix', help: '', labelNames: [] })).toThrow(/_total/);
    expect(() => r.gauge({ name: '1bad', help: '', labelNames: [] })).toThrow(/invalid metric name/);
    expect(() => r.gauge({ name: 'g', help: '', labelNames: ['le'] })).toThrow(/label name/);
    expect(() => r.gauge({ name: 'g2', help: '', labelNames: ['__x'] })).toThrow(/label name/);
    expect(() => r.gauge({ name: 'g3', help: '', labelNames: ['a', 'a'] })).toThrow(/duplicate/);
    expect(() => r.histogram({ name: 'h', help: '', labelNames: [], buckets: [1, 1] })).toThrow(/increasing/);
    r.gauge({ name: 'g', help: '', labelNames: ['a'] });
    expect(() => r.gauge({ name: 'g', help: '', labelNames: [] })).toThrow(/twice/);
  });
});

describe('IstioMetrics', () => {
  it('registers the standard families and istio_build', () => {
    const r = new MetricsRegistry();
    new IstioMetrics(r, { proxyVersion: '' });
    expect(r.families.map((f) => `${f.name}:${f.kind}`)).toEqual([
      'istio_requests_total:counter',
      'istio_request_duration_milliseconds:histogram',
      'istio_request_bytes:histogram',
      'istio_response_bytes:histogram',
      'istio_tcp_sent_bytes_total:counter',
      'istio_tcp_received_bytes_total:counter',
      'istio_tcp_connections_opened_total:counter',
      'istio_tcp_connections_closed_total:counter',
      'istio_build:gauge',
    ]);
    expect(renderMetrics(r, 'text')).toContain('istio_build{component="proxy",tag="unknown"} 1\n');
  });

  it('a tuple cache hands back the same bound series without re-deriving labels', () => {
    const r = new MetricsRegistry();
    const m = new IstioMetrics(r, { proxyVersion: '1.24.0' });
    const cache = new TupleCache<ReturnType<IstioMetrics['httpSeries']>>();
    const peer = { workload: 'a', namespace: 'n', principal: '', app: '', version: '', canonicalService: 'a', canonicalRevision: 'latest', cluster: 'Kubernetes' };
    let made = 0;
    const lookup = (code: number) =>
      cache.get([peer, 'svc', code], () => {
        made++;
        return m.httpSeries({ reporter: 'destination', source: peer, destination: peer, destinationService: { host: 'svc' }, requestProtocol: 'http', responseCode: code, responseFlags: [] });
      });
    const first = lookup(200);
    for (let i = 0; i < 100; i++) lookup(200).requests.inc();
    lookup(503);
    expect(lookup(200)).toBe(first);
    expect(made).toBe(2);
    expect(m.requests.series.map((s) => s.value)).toEqual([100, 0]);
    expect(r.size).toBe(1 + 2 * 4); // istio_build + two label sets in four HTTP families
  });
});

describe('hot path cost', () => {
  it('bound inc and observe (printed, not asserted)', () => {
    const r = new MetricsRegistry();
    const c = r.counter({ name: 'c_total', help: 'h', labelNames: ['a'] }).bind(['x']);
    const h = r.histogram({ name: 'h', help: 'h', labelNames: ['a'] }).bind(['x']);
    const n = 2_000_000;
    for (let i = 0; i < 100_000; i++) h.observe(i % 5000);
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      c.inc();
      h.observe(i % 5000);
    }
    const ns = Number(process.hrtime.bigint() - t0) / n;
    console.log(`[registry] one inc + one observe: ${ns.toFixed(1)} ns`);
    expect(r.size).toBe(2);
  });
});
