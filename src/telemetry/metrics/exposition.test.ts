import { describe, it, expect } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { MetricsRegistry } from './registry.js';
import { IstioMetrics } from './istio-metrics.js';
import { renderMetrics, formatBound } from './exposition.js';
import { peerInfoFromPod } from './pod-peer-info.js';

function small(): MetricsRegistry {
  const r = new MetricsRegistry();
  const c = r.counter({ name: 'demo_requests_total', help: 'Help with \\ and\nnewline and "quotes".', labelNames: ['path', 'code'] });
  c.bind(['/a"b\\c\nd', '200']).inc(3);
  c.bind(['/', '503']).inc();
  r.gauge({ name: 'demo_up', help: 'Up.', labelNames: [] }).bind([]).set(1);
  const h = r.histogram({ name: 'demo_latency_milliseconds', help: 'Latency.', labelNames: ['path'], buckets: [0.5, 1, 3600000] });
  const s = h.bind(['/']);
  s.observe(0.25);
  s.observe(1);
  s.observe(7200000);
  r.histogram({ name: 'demo_unused', help: 'Never bound.', labelNames: [] });
  return r;
}

describe('Prometheus text format 0.0.4', () => {
  it('renders HELP/TYPE, escaped labels and cumulative buckets', () => {
    expect(renderMetrics(small(), 'text')).toBe(
      [
        '# HELP demo_requests_total Help with \\\\ and\\nnewline and "quotes".',
        '# TYPE demo_requests_total counter',
        'demo_requests_total{path="/a\\"b\\\\c\\nd",code="200"} 3',
        'demo_requests_total{path="/",code="503"} 1',
        '# HELP demo_up Up.',
        '# TYPE demo_up gauge',
        'demo_up 1',
        '# HELP demo_latency_milliseconds Latency.',
        '# TYPE demo_latency_milliseconds histogram',
        'demo_latency_milliseconds_bucket{path="/",le="0.5"} 1',
        'demo_latency_milliseconds_bucket{path="/",le="1"} 2',
        'demo_latency_milliseconds_bucket{path="/",le="3600000"} 2',
        'demo_latency_milliseconds_bucket{path="/",le="+Inf"} 3',
        'demo_latency_milliseconds_sum{path="/"} 7200001.25',
        'demo_latency_milliseconds_count{path="/"} 3',
        '',
      ].join('\n'),
    );
  });
});

describe('OpenMetrics 1.0', () => {
  it('names counter families without _total, writes canonical le values and ends with # EOF', () => {
    expect(renderMetrics(small(), 'openmetrics')).toBe(
      [
        '# HELP demo_requests Help with \\\\ and\\nnewline and \\"quotes\\".',
        '# TYPE demo_requests counter',
        'demo_requests_total{path="/a\\"b\\\\c\\nd",code="200"} 3',
        'demo_requests_total{path="/",code="503"} 1',
        '# HELP demo_up Up.',
        '# TYPE demo_up gauge',
        'demo_up 1',
        '# HELP demo_latency_milliseconds Latency.',
        '# TYPE demo_latency_milliseconds histogram',
        'demo_latency_milliseconds_bucket{path="/",le="0.5"} 1',
        'demo_latency_milliseconds_bucket{path="/",le="1.0"} 2',
        'demo_latency_milliseconds_bucket{path="/",le="3600000.0"} 2',
        'demo_latency_milliseconds_bucket{path="/",le="+Inf"} 3',
        'demo_latency_milliseconds_sum{path="/"} 7200001.25',
        'demo_latency_milliseconds_count{path="/"} 3',
        '# EOF',
        '',
      ].join('\n'),
    );
    expect(formatBound(1e-7, true)).toBe('1e-7');
  });
});

function istioRegistry(): MetricsRegistry {
  const r = new MetricsRegistry();
  const m = new IstioMetrics(r, { proxyVersion: '1.24.0' });
  const local = peerInfoFromPod({ name: 'productpage-v1-abc-12345', namespace: 'bookinfo', labels: { app: 'productpage', version: 'v1' }, serviceAccount: 'bookinfo-productpage', ownerWorkload: 'productpage-v1' });
  const peer = peerInfoFromPod({ name: 'reviews-v1-abc-12345', namespace: 'bookinfo', labels: { app: 'reviews', version: 'v1' }, serviceAccount: 'bookinfo-reviews', ownerWorkload: 'reviews-v1' });
  for (const code of [200, 503]) {
    const s = m.httpSeries({ reporter: 'source', source: local, destination: peer, destinationService: { host: 'reviews.bookinfo.svc.cluster.local' }, requestProtocol: 'http', responseCode: code, responseFlags: code === 503 ? ['UH'] : [] });
    s.requests.inc();
    s.duration.observe(12.5);
    s.requestBytes.observe(420);
    s.responseBytes.observe(1800);
  }
  const t = m.tcpSeries({ reporter: 'source', source: local, destination: peer, destinationService: { host: 'mysql.bookinfo.svc.cluster.local' }, responseFlags: [] });
  t.opened.inc();
  t.sent.inc(120);
  t.received.inc(4096);
  t.closed.inc();
  return r;
}

function hasPromtool(): boolean {
  return spawnSync('promtool', ['--version']).status === 0;
}

describe('promtool check metrics', () => {
  it.skipIf(!hasPromtool())('accepts the exposition; the only lint is the _milliseconds unit Istio requires', () => {
    const res = spawnSync('promtool', ['check', 'metrics'], { input: renderMetrics(istioRegistry(), 'text'), encoding: 'utf8' });
    const problems = (res.stdout + res.stderr)
      .split('\n')
      .filter((l) => l.trim() !== '')
      .filter((l) => l !== 'istio_request_duration_milliseconds use base unit "seconds" instead of "milliseconds"');
    expect(problems).toEqual([]);
    // 0 = clean, 3 = lint findings only; 1 would be a parse error.
    expect([0, 3]).toContain(res.status);
  });

  it.skipIf(!hasPromtool())('can fail: promtool rejects a broken exposition', () => {
    const broken = renderMetrics(istioRegistry(), 'text').replace('istio_requests_total{', 'istio_requests_total{{');
    expect(() => execFileSync('promtool', ['check', 'metrics'], { input: broken, stdio: 'pipe' })).toThrow();
  });
});

describe('exposition speed', () => {
  it('renders thousands of Istio series (printed, not asserted)', () => {
    const r = new MetricsRegistry(100_000);
    const m = new IstioMetrics(r, { proxyVersion: '1.24.0' });
    const local = peerInfoFromPod({ name: 'p-1', namespace: 'ns', labels: { app: 'p' }, serviceAccount: 'sa', ownerWorkload: 'p' });
    for (let i = 0; i < 1000; i++) {
      const peer = { ...local, workload: `peer-${i}` };
      const s = m.httpSeries({ reporter: 'source', source: local, destination: peer, destinationService: { host: `svc-${i % 50}.ns.svc.cluster.local` }, requestProtocol: 'http', responseCode: 200 + (i % 10), responseFlags: [] });
      s.requests.inc();
      s.duration.observe(i % 700);
    }
    const series = r.size;
    for (const format of ['text', 'openmetrics'] as const) {
      renderMetrics(r, format);
      const t0 = process.hrtime.bigint();
      const body = renderMetrics(r, format);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      console.log(`[exposition] ${format}: ${series} series (1000 label sets × 4 HTTP families, 3 of them histograms), ${(body.length / 1e6).toFixed(1)} MB in ${ms.toFixed(1)} ms`);
      expect(body.length).toBeGreaterThan(0);
    }
  });
});
