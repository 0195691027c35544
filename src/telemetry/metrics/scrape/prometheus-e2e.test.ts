/**
 * The real oracle: Debian's Prometheus discovers a proxy through our HTTP SD JSON, negotiates a
 * format with our endpoint (2.x asks for OpenMetrics first), parses our exposition and answers
 * PromQL about it.
 */
import { describe, it, expect } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { prometheusHttpSdTargets } from './http-sd.js';
import { prometheusScrapeConfig } from './scrape-config.js';
import { IstioMetrics, MetricsRegistry, negotiateFormat, peerInfoFromPod, renderMetrics } from '../index.js';

const hasPrometheus = spawnSync('prometheus', ['--version']).status === 0;

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

async function freePort(): Promise<number> {
  const s = createServer();
  const port = await listen(s);
  await new Promise((r) => s.close(r));
  return port;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a real Prometheus scrapes the mesh', () => {
  it.skipIf(!hasPrometheus)('finds the proxy, parses the exposition, sees 20 buckets and the pod labels', async () => {
    const registry = new MetricsRegistry();
    const metrics = new IstioMetrics(registry, { proxyVersion: '1.24.0' });
    const local = peerInfoFromPod({ name: 'productpage-v1-abc-12345', namespace: 'bookinfo', labels: { app: 'productpage', version: 'v1' }, serviceAccount: 'bookinfo-productpage', ownerWorkload: 'productpage-v1' });
    const s = metrics.httpSeries({ reporter: 'source', source: local, destination: undefined, destinationService: { host: 'reviews.bookinfo.svc.cluster.local' }, requestProtocol: 'http', responseCode: 200, responseFlags: [] });
    s.requests.inc(7);
    s.duration.observe(3);

    const formats: string[] = [];
    let statsPort = 0;
    const server = createServer((req, res) => {
      if (req.url === '/prometheus/targets') {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(prometheusHttpSdTargets([{ pod: 'productpage-v1-abc-12345', namespace: 'bookinfo', address: '127.0.0.1', port: statsPort, labels: { app: 'productpage', version: 'v1', 'pod-template-hash': 'abc' } }])));
        return;
      }
      if (req.url?.startsWith('/stats/prometheus')) {
        const n = negotiateFormat(req.headers.accept);
        formats.push(n.format);
        res.setHeader('content-type', n.contentType);
        res.end(renderMetrics(registry, n.format));
        return;
      }
      res.statusCode = 404;
      res.end();
    });
    const port = await listen(server);
    statsPort = port;
    const promPort = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'tack-prom-e2e-'));
    writeFileSync(join(dir, 'prometheus.yml'), prometheusScrapeConfig({ controlUrl: `http://127.0.0.1:${port}`, scrapeInterval: '1s', scrapeTimeout: '1s', refreshInterval: '1s' }));
    const prom = spawn('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`], { stdio: 'ignore' });
    const query = async (q: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> => {
      const r = await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(q)}`);
      const body = (await r.json()) as { data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
      return body.data.result;
    };
    try {
      let up: Awaited<ReturnType<typeof query>> = [];
      for (let i = 0; i < 80 && !(up.length === 1 && up[0]!.value[1] === '1'); i++) {
        await sleep(250);
        up = await query('up{job="kubernetes-pods"}').catch(() => []);
      }
      expect(up).toHaveLength(1);
      expect(up[0]!.value[1]).toBe('1');
      expect(up[0]!.metric).toMatchObject({ app: 'productpage', version: 'v1', pod_template_hash: 'abc', namespace: 'bookinfo', pod: 'productpage-v1-abc-12345' });
      expect(formats[0]).toBe('openmetrics');

      const buckets = await query('count(count by (le)(istio_request_duration_milliseconds_bucket))');
      expect(buckets[0]!.value[1]).toBe('20');
      const total = await query('sum(istio_requests_total{reporter="source",destination_service="reviews.bookinfo.svc.cluster.local"})');
      expect(total[0]!.value[1]).toBe('7');
      // Kiali's "missing expected TS labels" check must find nothing (istio_build carries no such labels).
      expect(await query('count by (__name__)({__name__=~"istio_(requests_total|request_.*|response_.*|tcp_.*)", source_canonical_revision=""})')).toEqual([]);
      expect(await query('count by (__name__)({__name__=~"istio_(requests_total|request_.*|response_.*|tcp_.*)"})')).not.toEqual([]);
      const build = await query('istio_build');
      expect(build[0]!.metric).toMatchObject({ component: 'proxy', tag: '1.24.0' });
    } finally {
      prom.kill('SIGTERM');
      await new Promise((r) => prom.once('exit', r));
      await new Promise((r) => server.close(r));
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
