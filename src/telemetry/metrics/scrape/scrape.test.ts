import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { prometheusHttpSdTargets, sanitizeLabelName } from './http-sd.js';
import { prometheusScrapeConfig } from './scrape-config.js';

describe('prometheusHttpSdTargets', () => {
  it('one group per running proxy, pod labels under kubernetes_sd names, then namespace and pod', () => {
    const groups = prometheusHttpSdTargets([
      { pod: 'reviews-v1-5d8c7b9f4-x7k2p', namespace: 'bookinfo', address: '127.0.0.1', port: 15020, phase: 'Running', labels: { app: 'reviews', version: 'v1', 'pod-template-hash': '5d8c7b9f4', 'app.kubernetes.io/name': 'reviews', 'security.istio.io/tlsMode': 'istio', namespace: 'spoofed' } },
      { pod: 'old-1', namespace: 'bookinfo', address: '127.0.0.1', port: 15021, phase: 'Succeeded', labels: { app: 'old' } },
      { pod: 'aa-1', namespace: 'a', address: 'fd00::1', port: 15020, labels: { empty: '' } },
    ]);
    expect(groups).toEqual([
      { targets: ['[fd00::1]:15020'], labels: { namespace: 'a', pod: 'aa-1' } },
      {
        targets: ['127.0.0.1:15020'],
        labels: {
          app: 'reviews',
          app_kubernetes_io_name: 'reviews',
          // labelmap copies it, then the namespace rule overwrites it, as in Istio's config
          namespace: 'bookinfo',
          pod_template_hash: '5d8c7b9f4',
          security_istio_io_tlsMode: 'istio',
          version: 'v1',
          pod: 'reviews-v1-5d8c7b9f4-x7k2p',
        },
      },
    ]);
    expect(sanitizeLabelName('a.b/c-d')).toBe('a_b_c_d');
  });
});

function has(tool: string): boolean {
  return spawnSync(tool, ['--version']).status === 0;
}

describe('prometheusScrapeConfig', () => {
  it('scrapes /stats/prometheus of every target from the control plane’s HTTP SD', () => {
    const text = prometheusScrapeConfig({ controlUrl: 'http://127.0.0.1:15000', bearerTokenFile: '/etc/tack/token' });
    const cfg = parse(text) as { scrape_configs: Array<Record<string, unknown>> };
    expect(cfg.scrape_configs[0]).toEqual({
      job_name: 'kubernetes-pods',
      honor_labels: true,
      metrics_path: '/stats/prometheus',
      http_sd_configs: [{ url: 'http://127.0.0.1:15000/prometheus/targets', refresh_interval: '15s', authorization: { type: 'Bearer', credentials_file: '/etc/tack/token' } }],
    });
  });

  it.skipIf(!has('promtool'))('passes promtool check config (and promtool does catch a broken one)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tack-prom-'));
    try {
      const good = join(dir, 'prometheus.yml');
      writeFileSync(good, prometheusScrapeConfig({ controlUrl: 'http://127.0.0.1:15000/', sdPath: '/api/sd', scrapeInterval: '5s', scrapeTimeout: '4s' }));
      const ok = spawnSync('promtool', ['check', 'config', good], { encoding: 'utf8' });
      expect(ok.stdout + ok.stderr).toContain('SUCCESS');
      expect(ok.status).toBe(0);
      const bad = join(dir, 'bad.yml');
      writeFileSync(bad, prometheusScrapeConfig({ controlUrl: 'http://127.0.0.1:15000', scrapeInterval: '5s', scrapeTimeout: '10s' }));
      expect(spawnSync('promtool', ['check', 'config', bad]).status).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
