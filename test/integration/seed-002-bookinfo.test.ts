/**
 * Seed 002 on Istio's bookinfo: routing by `end-user`, the delay-injection "surprise" (a 7 s delay
 * for jason makes the product page give up on reviews after productpage's 3 s timeout and one
 * retry), an injected abort, and a 0.5 s route timeout in front of a 2 s delay.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { example, seedFixture } from '../support/corpus.js';
import { startMesh, httpGet, type Mesh } from '../support/mesh.js';

// The project's own bookinfo (examples/), so the test runs on a clone with no Istio corpus beside it.
const bookinfo = (f: string) => example('002-bookinfo', f);
const step = (f: string) => example('002-bookinfo-steps', f);
const seed = (f: string) => seedFixture('002-bookinfo-traffic-management', f);
const UNAVAILABLE = 'Sorry, product reviews are currently unavailable for this book.';

describe('seed 002: bookinfo traffic management', () => {
  let mesh: Mesh;
  let cookie = '';
  beforeAll(async () => {
    mesh = await startMesh([example('002-bookinfo')], { readyTimeoutMs: 60_000 });
    const login = await httpGet(mesh.httpPort, '/login', { 'content-type': 'application/x-www-form-urlencoded' }, { method: 'POST', body: 'username=jason&passwd=jason' });
    const setCookie = login.headers['set-cookie'];
    cookie = (Array.isArray(setCookie) ? setCookie : [setCookie ?? '']).map((c) => c.split(';')[0]).join('; ');
  });
  afterAll(async () => {
    await mesh?.stop();
  });

  const page = async (asJason: boolean): Promise<{ body: string; ms: number; status: number }> => {
    const start = Date.now();
    const r = await httpGet(mesh.httpPort, '/productpage', asJason ? { cookie } : {}, { timeoutMs: 20_000 });
    return { body: r.body, ms: Date.now() - start, status: r.status };
  };
  const apply = async (file: string): Promise<void> => {
    const r = await mesh.tack(['apply', '-f', file]);
    expect(r.code, r.stderr).toBe(0);
  };
  const stars = (body: string): string => (body.includes('color="red"') ? 'red' : body.includes('color="black"') ? 'black' : body.includes('glyphicon-star') ? 'other' : 'none');

  it('serves the product page with reviews v1: no stars', async () => {
    expect(cookie).toContain('=');
    const p = await page(false);
    expect(p.status).toBe(200);
    expect(p.body).toContain('The Comedy of Errors');
    expect(stars(p.body)).toBe('none');
  });

  it('sends jason to reviews v2 (black stars) and everyone else to v1', async () => {
    await apply(step('virtual-service-reviews-test-v2.yaml'));
    for (let i = 0; i < 5; i++) {
      expect(stars((await page(true)).body)).toBe('black');
      expect(stars((await page(false)).body)).toBe('none');
    }
  });

  it('delays ratings 7 s for jason only: the page gives up on reviews after about 6 s', async () => {
    await apply(step('virtual-service-ratings-test-delay.yaml'));
    const other = await page(false);
    expect(other.ms).toBeLessThan(2000);
    expect(other.body).not.toContain(UNAVAILABLE);
    const jason = await page(true);
    expect(jason.body).toContain(UNAVAILABLE);
    expect(jason.ms).toBeGreaterThanOrEqual(5500);
    expect(jason.ms).toBeLessThan(9000);
    // The delayed call is logged when it ends, 7 s after it started.
    let log = '';
    for (let i = 0; i < 40 && !/"GET \/ratings\/0 HTTP\/1\.1" \d+ DI /.test(log); i++) {
      await new Promise((r) => setTimeout(r, 250));
      log = (await mesh.tack(['logs', 'deploy/reviews-v2', '-c', 'istio-proxy'])).stdout;
    }
    expect(log).toMatch(/"GET \/ratings\/0 HTTP\/1\.1" \d+ DI /);
  });

  it('aborts ratings for jason with a 500: reviews shows ratings unavailable', async () => {
    await apply(step('virtual-service-ratings-test-abort.yaml'));
    const jason = await page(true);
    expect(jason.ms).toBeLessThan(3000);
    expect(jason.body).toContain('Ratings service is currently unavailable');
    const log = await mesh.tack(['logs', 'deploy/reviews-v2', '-c', 'istio-proxy']);
    expect(log.stdout).toMatch(/"GET \/ratings\/0 HTTP\/1\.1" 500 FI /);
  });

  it('takes 2 s with a 2 s ratings delay, and a 0.5 s reviews timeout cuts it short', async () => {
    await apply(bookinfo('04-virtual-service-all-v1.yaml'));
    await apply(seed('01-reviews-v2.yaml'));
    await apply(seed('02-ratings-delay-2s.yaml'));
    const slow = await page(false);
    expect(stars(slow.body)).toBe('black');
    expect(slow.ms).toBeGreaterThanOrEqual(1900);
    await apply(seed('03-reviews-v2-timeout.yaml'));
    const cut = await page(false);
    expect(cut.body).toContain(UNAVAILABLE);
    // productpage tries reviews twice, each cut at 0.5 s.
    expect(cut.ms).toBeGreaterThanOrEqual(900);
    expect(cut.ms).toBeLessThan(1900);
    const log = await mesh.tack(['logs', 'deploy/productpage-v1', '-c', 'istio-proxy']);
    expect(log.stdout).toMatch(/"GET \/reviews\/0 HTTP\/1\.1" 504 UT /);
  });
});

describe('seed 002: circuit breaking on httpbin with fortio', () => {
  let mesh: Mesh;
  beforeAll(async () => {
    // httpbin and fortio as examples/002-circuit-breaker defines them, with the tutorial's own DestinationRule.
    mesh = await startMesh([example('002-circuit-breaker', '01-httpbin.yaml'), seed('04-httpbin-circuit-breaker-dr.yaml')]);
  });
  afterAll(async () => {
    await mesh?.stop();
  });

  it('fortio curl gets a 200 through the sidecars', async () => {
    const r = await mesh.tack(['exec', 'deploy/fortio-deploy', '-c', 'fortio', '--', '/usr/bin/fortio', 'curl', '-quiet', 'http://httpbin:8000/get']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('HTTP/1.1 200 OK');
    expect(r.stdout).toContain('"url": "http://httpbin:8000/get"');
  });

  it('fortio load -c 2 overflows the breaker: some 200s and some 503 UO, nothing else', async () => {
    let saw503 = false;
    for (let round = 0; round < 5 && !saw503; round++) {
      const r = await mesh.tack(['exec', 'deploy/fortio-deploy', '-c', 'fortio', '--', '/usr/bin/fortio', 'load', '-c', '2', '-qps', '0', '-n', '20', '-loglevel', 'Warning', 'http://httpbin:8000/get']);
      expect(r.code, r.stderr).toBe(0);
      const codes = [...r.stdout.matchAll(/^Code (\d+) : (\d+) \(/gm)].map((m) => [Number(m[1]), Number(m[2])] as const);
      expect(codes.every(([code]) => code === 200 || code === 503), r.stdout).toBe(true);
      expect(codes.reduce((n, [, c]) => n + c, 0)).toBe(20);
      expect(codes.find(([code]) => code === 200)?.[1] ?? 0).toBeGreaterThan(0);
      saw503 = codes.some(([code]) => code === 503);
    }
    expect(saw503).toBe(true);
    const log = await mesh.tack(['logs', 'deploy/fortio-deploy', '-c', 'istio-proxy']);
    expect(log.stdout).toMatch(/"GET \/get HTTP\/1\.1" 503 UO /);
    expect(log.stdout).not.toMatch(/"GET \/get HTTP\/1\.1" 503 (?!UO)/);
    const clusters = await mesh.tack(['proxy-config', 'clusters', 'deploy/fortio-deploy']);
    expect(clusters.stdout).toMatch(/httpbin\.default\.svc\.cluster\.local\s+8000\s+-\s+LEAST_REQUEST\s+1\s+maxConnections=1 maxPendingRequests=1 maxRequestsPerConnection=1/);
  });
});
