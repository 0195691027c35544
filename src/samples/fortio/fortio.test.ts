import { createServer, request as httpRequest, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { request, runCommand, startSample, type Running } from '../shared/test-support.js';
import { parseFlags } from './flags.js';
import { formatG, goDuration, parseGoDuration } from './go-format.js';
import { pickWeighted } from './server.js';
import { Histogram } from './stats.js';

describe('Go formatting', () => {
  it('formats %g like Go', () => {
    expect(formatG(0.001500939)).toBe('0.001500939');
    expect(formatG(0.0093273393123, 8)).toBe('0.0093273393');
    expect(formatG(0.0081451, 4)).toBe('0.008145');
    expect(formatG(0.186546786, 9)).toBe('0.186546786');
    expect(formatG(0.00150094, 6)).toBe('0.00150094');
    expect(formatG(5e-5)).toBe('5e-05');
    expect(formatG(1e6)).toBe('1e+06');
    expect(formatG(100000)).toBe('100000');
    expect(formatG(209.0712, 5)).toBe('209.07');
    expect(formatG(172.55, 8)).toBe('172.55');
    expect(formatG(99.9)).toBe('99.9');
    expect(formatG(0)).toBe('0');
  });

  it('prints and parses durations like Go', () => {
    expect(goDuration(95_661_243)).toBe('95.661243ms');
    expect(goDuration(5e9)).toBe('5s');
    expect(goDuration(90.5e9)).toBe('1m30.5s');
    expect(goDuration(1500)).toBe('1.5µs');
    expect(goDuration(0)).toBe('0s');
    expect(parseGoDuration('100ms')).toBe(1e8);
    expect(parseGoDuration('1m30s')).toBe(90e9);
    expect(parseGoDuration('1.5s')).toBe(1.5e9);
    expect(parseGoDuration('5')).toBeUndefined();
  });

  it('parses Go-style flags', () => {
    const f = parseFlags(['-c', '2', '-qps=0', '--n', '20', '-quiet', '-keepalive=false', '-H', 'a: b', '-H', 'c: d', 'http://x/', '-c', '9'], {
      values: ['c', 'qps', 'n', 'H'],
      bools: ['quiet', 'keepalive'],
    });
    expect(f.values.get('c')).toEqual(['2']);
    expect(f.values.get('H')).toEqual(['a: b', 'c: d']);
    expect(f.bools.get('quiet')).toBe(true);
    expect(f.bools.get('keepalive')).toBe(false);
    expect(f.rest).toEqual(['http://x/', '-c', '9']);
    expect(() => parseFlags(['-bogus', 'x'], { values: [], bools: [] })).toThrow('flag provided but not defined: -bogus');
  });

  it('reproduces the histogram and percentiles of the tutorial run', () => {
    const h = new Histogram();
    const values = [
      0.001500939, 0.0019, 0.0025, 0.0041, 0.0049, 0.0055, 0.0061, 0.0062, 0.0063, 0.0064, 0.0065, 0.0071, 0.0072, 0.0081, 0.0082, 0.0115, 0.013, 0.017, 0.0275,
      0.032632193,
    ];
    for (const v of values) h.record(v);
    const lines = h.lines('Aggregated Function Time', [50, 75, 90, 99, 99.9]);
    expect(lines.slice(1)).toEqual([
      '# range, mid point, percentile, count',
      '>= 0.00150094 <= 0.002 , 0.00175047 , 10.00, 2',
      '> 0.002 <= 0.003 , 0.0025 , 15.00, 1',
      '> 0.004 <= 0.005 , 0.0045 , 25.00, 2',
      '> 0.005 <= 0.006 , 0.0055 , 30.00, 1',
      '> 0.006 <= 0.007 , 0.0065 , 55.00, 5',
      '> 0.007 <= 0.008 , 0.0075 , 65.00, 2',
      '> 0.008 <= 0.009 , 0.0085 , 75.00, 2',
      '> 0.011 <= 0.012 , 0.0115 , 80.00, 1',
      '> 0.012 <= 0.014 , 0.013 , 85.00, 1',
      '> 0.016 <= 0.018 , 0.017 , 90.00, 1',
      '> 0.025 <= 0.03 , 0.0275 , 95.00, 1',
      '> 0.03 <= 0.0326322 , 0.0313161 , 100.00, 1',
      '# target 50% 0.0068',
      '# target 75% 0.009',
      '# target 90% 0.018',
      '# target 99% 0.0321058',
      '# target 99.9% 0.0325795',
    ]);
    expect(lines[0]).toMatch(/^Aggregated Function Time : count 20 avg 0\.\d+ \+\/- 0\.\d+ min 0\.001500939 max 0\.032632193 sum 0\.\d+$/);
  });

  it('picks weighted codes like fortio', () => {
    const parse = (s: string): number => Number(s);
    expect(pickWeighted('503', parse, 200)).toBe(503);
    expect(pickWeighted('503:20', parse, 200, () => 0.1)).toBe(503);
    expect(pickWeighted('503:20', parse, 200, () => 0.5)).toBe(200);
    expect(pickWeighted('503:20,429:30', parse, 200, () => 0.3)).toBe(429);
  });
});

describe('fortio sample (real processes)', () => {
  const running: Running[] = [];
  let proxy: Server | undefined;
  afterEach(async () => {
    await Promise.all(running.splice(0).map((app) => app.stop()));
    if (proxy) {
      proxy.closeAllConnections();
      await new Promise((r) => proxy?.close(r));
      proxy = undefined;
    }
  });
  const start = async (entry: string, env: Record<string, string> = {}): Promise<Running> => {
    const app = await startSample(entry, env);
    running.push(app);
    return app;
  };

  it('fortio server echoes, honours ?status= and ?delay=, and prints /debug', async () => {
    const fortio = await start('samples/fortio/main.js', { POD_NAME: 'fortio-deploy-576dbdfbc4-z2m6x' });
    const echo = await request(`${fortio.url}/echo?x=1`, { method: 'POST', body: 'hello fortio' });
    expect([echo.status, echo.body]).toEqual([200, 'hello fortio']);
    expect((await request(`${fortio.url}/?status=503`)).status).toBe(503);
    const t0 = Date.now();
    expect((await request(`${fortio.url}/echo?delay=150ms`)).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(145);
    const debug = await request(`${fortio.url}/debug`, { headers: { 'x-b3-traceid': 'abc' } });
    expect(debug.body).toContain('echo debug server up for');
    expect(debug.body).toContain('on fortio-deploy-576dbdfbc4-z2m6x');
    expect(debug.body).toContain('GET /debug HTTP/1.1');
    expect(debug.body).toContain('X-B3-Traceid: abc');
    expect(await fortio.stop()).toBe(0);
  });

  it('fortio curl prints the response and fails on errors', async () => {
    const httpbin = await start('samples/httpbin/main.js');
    const ok = await runCommand('samples/fortio/cli.js', ['curl', '-quiet', `${httpbin.url}/get`]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(ok.stdout).toContain('content-type: application/json\r\n');
    expect(ok.stdout).toContain('"User-Agent": "fortio.org/fortio-1.11.3"');
    const bad = await runCommand('samples/fortio/cli.js', ['curl', `${httpbin.url}/status/503`]);
    expect(bad.code).not.toBe(0);
    expect(bad.stdout).toMatch(/^HTTP\/1\.1 503 Service Unavailable/);
    const refused = await runCommand('samples/fortio/cli.js', ['curl', '-timeout', '1s', `http://127.0.0.1:1/`]);
    expect(refused.code).not.toBe(0);
  });

  it('fortio load against httpbin reports Code 200 : 20 (100.0 %)', async () => {
    const httpbin = await start('samples/httpbin/main.js');
    const res = await runCommand('samples/fortio/cli.js', ['load', '-c', '2', '-qps', '0', '-n', '20', '-loglevel', 'Warning', `${httpbin.url}/get`]);
    expect(res.code).toBe(0);
    const lines = res.stdout.split('\n');
    expect(lines[0]).toMatch(/^Fortio 1\.11\.3 running at 0 queries per second, \d+->\d+ procs, for 20 calls: http:\/\/127\.0\.0\.1:\d+\/get$/);
    expect(lines[1]).toMatch(/^Starting at max qps with 2 thread\(s\) \[gomax \d+\] for exactly 20 calls \(10 per thread \+ 0\)$/);
    expect(res.stdout).toMatch(/^Ended after [\d.]+(ms|s) : 20 calls\. qps=[\d.]+$/m);
    expect(res.stdout).toMatch(/^Aggregated Function Time : count 20 avg /m);
    expect(res.stdout).toMatch(/^# target 50% [\d.e-]+$/m);
    expect(res.stdout).toMatch(/^# target 99\.9% [\d.e-]+$/m);
    expect(res.stdout).toContain('Sockets used: 2 (for perfect keepalive, would be 2)\n');
    expect(res.stdout).toContain('Code 200 : 20 (100.0 %)\n');
    expect(res.stdout).toMatch(/^All done 20 calls \(plus 0 warmup\) [\d.]+ ms avg, [\d.]+ qps$/m);
    expect(res.stderr).toContain('Log level is now 3 Warning (was 2 Info)');
  });

  it('fortio load counts non-200 codes and warns about them', async () => {
    const httpbin = await start('samples/httpbin/main.js');
    const res = await runCommand('samples/fortio/cli.js', ['load', '-c', '1', '-qps', '0', '-n', '4', '-loglevel', 'Warning', `${httpbin.url}/status/503`]);
    expect(res.stdout).toContain('Code 503 : 4 (100.0 %)\n');
    expect(res.stderr).toMatch(/W http_client\.go:693> Parsed non ok code 503 \(HTTP\/1\.1 503\)/);
  });

  it('fortio load goes through HTTP_PROXY with one kept-alive connection per worker', async () => {
    const httpbin = await start('samples/httpbin/main.js');
    const seen: string[] = [];
    let connections = 0;
    proxy = createServer((req, res) => {
      seen.push(`${req.method} ${req.url} host=${req.headers.host}`);
      const upstream = httpRequest({ host: '127.0.0.1', port: httpbin.port, method: req.method, path: new URL(req.url ?? '/').pathname, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      upstream.on('error', () => res.writeHead(502).end());
      req.pipe(upstream);
    });
    proxy.on('connection', () => connections++);
    await new Promise<void>((r) => proxy?.listen(0, '127.0.0.1', r));
    const address = proxy.address();
    const proxyPort = typeof address === 'object' && address ? address.port : 0;
    const res = await runCommand('samples/fortio/cli.js', ['load', '-c', '2', '-qps', '0', '-n', '10', '-quiet', 'http://httpbin:8000/get'], {
      HTTP_PROXY: `http://127.0.0.1:${proxyPort}`,
      NO_PROXY: 'localhost,127.0.0.1',
    });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('Code 200 : 10 (100.0 %)\n');
    expect(res.stdout).toContain('Sockets used: 2 (for perfect keepalive, would be 2)\n');
    expect(seen).toHaveLength(10);
    expect(new Set(seen)).toEqual(new Set(['GET http://httpbin:8000/get host=httpbin:8000']));
    expect(connections).toBe(2);
  });

  it('fortio load -t runs for the duration at the requested qps', async () => {
    const fortio = await start('samples/fortio/main.js');
    const res = await runCommand('samples/fortio/cli.js', ['load', '-c', '2', '-qps', '20', '-t', '500ms', '-quiet', `${fortio.url}/echo`]);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^Starting at 20 qps with 2 thread\(s\) \[gomax \d+\] for 500ms$/m);
    const calls = Number(/^Ended after \S+ : (\d+) calls/m.exec(res.stdout)?.[1]);
    expect(calls).toBeGreaterThanOrEqual(8);
    expect(calls).toBeLessThanOrEqual(12);
  });
});
