/**
 * Resilience and routing features through a real mesh: retries, outlier ejection, mirroring, a
 * bounded retry storm, redirects, rewrites, header operations, direct responses and CORS.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startMesh, httpGet, load, type Mesh } from '../support/mesh.js';

describe('resilience and routing through the gateway', () => {
  let mesh: Mesh;
  beforeAll(async () => {
    mesh = await startMesh(['test/fixtures/resilience/mesh.yaml'], { readyTimeoutMs: 60_000 });
  });
  afterAll(async () => {
    await mesh?.stop();
  });
  const get = (host: string, path = '/', headers: Record<string, string> = {}, method = 'GET') => httpGet(mesh.httpPort, path, { host, ...headers }, { method });

  it('retries turn a backend that fails every other request into 100% success', async () => {
    const results = await load(60, 1, () => get('flaky.local'));
    expect(results.map((r) => (r instanceof Error ? r.message : r.status)).filter((s) => s !== 200)).toEqual([]);
  });

  it('attempts: 0 turns retries off, so half the requests fail', async () => {
    const results = await load(60, 1, () => get('flaky-noretry.local'));
    const failed = results.filter((r) => !(r instanceof Error) && r.status === 503).length;
    expect(failed).toBeGreaterThanOrEqual(25);
    expect(failed).toBeLessThanOrEqual(35);
  });

  it('ejects a backend answering 500 after consecutive5xxErrors, and lets it back after the ejection time', async () => {
    const bodies = async (n: number) => (await load(n, 1, () => get('outlier.local'))).map((r) => (r instanceof Error ? r.message : r.body));
    const first = await bodies(30);
    const lastBad = first.map((b) => b.startsWith('bad')).lastIndexOf(true);
    expect(lastBad).toBeGreaterThanOrEqual(0);
    expect(lastBad).toBeLessThan(12);
    // Ejected: only the healthy replicas answer.
    const during = await bodies(30);
    expect(during.filter((b) => !b.startsWith('good'))).toEqual([]);
    expect(new Set(during.map((b) => b.split(' ')[1])).size).toBe(2);
    const gateway = (await mesh.pods()).find((p) => p.namespace === 'istio-system')!;
    const endpoints = await mesh.tack(['proxy-config', 'endpoints', gateway.name, '-n', 'istio-system']);
    expect(endpoints.stdout).toMatch(/outlier-bad-\S+\s+EJECTED until /);
    const clusters = await mesh.tack(['proxy-config', 'clusters', gateway.name, '-n', 'istio-system']);
    expect(clusters.stdout).toMatch(/outlier\.default\.svc\.cluster\.local\s+8080\s+-\s+ROUND_ROBIN\s+3\s.*5xx=2 gateway=0 base=3000ms max=100%\s+127\.0\.0\.1:\d+/);
    // After the 3 s ejection it is tried again (and ejected again).
    await new Promise((r) => setTimeout(r, 3300));
    const after = await bodies(12);
    expect(after.some((b) => b.startsWith('bad'))).toBe(true);
  });

  it('mirrors each request to the shadow with -shadow on the Host, answering only from the primary', async () => {
    const before = JSON.parse((await get('shadow.local', '/seen')).body) as unknown[];
    const results = await load(20, 2, () => get('mirror.local', '/item'));
    expect(results.map((r) => (r instanceof Error ? r.message : r.body))).toEqual(Array(20).fill('primary'));
    await new Promise((r) => setTimeout(r, 300));
    const seen = (JSON.parse((await get('shadow.local', '/seen')).body) as { host: string; path: string }[]).slice(before.length);
    expect(seen).toHaveLength(20);
    expect(seen.every((s) => s.host === 'mirror.local-shadow' && s.path === '/item')).toBe(true);
  });

  it('a dead mirror changes nothing for the caller', async () => {
    const results = await load(20, 2, () => get('mirror-dead.local'));
    expect(results.map((r) => (r instanceof Error ? r.message : `${r.status} ${r.body}`))).toEqual(Array(20).fill('200 primary'));
  });

  it('cannot form a retry storm: maxRetries caps retries in flight and the route timeout bounds each request', async () => {
    const hitsBefore = Number((await get('slowfail.local', '/hits')).body);
    const started = Date.now();
    const results = await load(10, 10, () => get('slowfail.local'));
    const elapsed = Date.now() - started;
    // Requests that may not retry answer the backend's 503; those retrying stop at the 1 s timeout (504).
    expect(results.map((r) => (r instanceof Error ? r.message : r.status)).filter((s) => s !== 503 && s !== 504)).toEqual([]);
    expect(elapsed).toBeLessThan(2500);
    const hits = Number((await get('slowfail.local', '/hits')).body) - hitsBefore;
    // 10 first tries, and at most 2 retries in flight at a time for about a second of 200 ms tries.
    expect(hits).toBeGreaterThanOrEqual(10);
    expect(hits).toBeLessThanOrEqual(10 + 2 * 6);
  });

  it('honours x-envoy-upstream-rq-timeout-ms from the caller over the route timeout', async () => {
    const started = Date.now();
    const r = await get('slowfail.local', '/', { 'x-envoy-upstream-rq-timeout-ms': '300' });
    expect(r.status).toBe(504);
    expect(r.body).toBe('upstream request timeout');
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('redirects, answers directly, rewrites and edits headers', async () => {
    const redirect = await get('web.local', '/old?x=1');
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe('http://web.local/new?x=1');
    const direct = await get('web.local', '/health-check');
    expect(`${direct.status} ${direct.body}`).toBe('200 healthy');
    const rewritten = await get('web.local', '/v1/items?a=b', { 'x-secret': 'hunter2' });
    expect(rewritten.status).toBe(200);
    const echo = JSON.parse(rewritten.body) as { path: string; headers: Record<string, string> };
    expect(echo.path).toBe('/v2/items');
    expect(echo.headers['x-added']).toBe('yes');
    expect(echo.headers['x-secret']).toBeUndefined();
    expect(echo.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(echo.headers['x-envoy-attempt-count']).toBe('1');
    expect(echo.headers['x-forwarded-for']).toContain('127.0.0.1');
    expect(echo.headers['x-forwarded-proto']).toBe('http');
    expect(rewritten.headers['x-route']).toBe('rewrite');
    expect(rewritten.headers['x-destination']).toBe('web');
  });

  it('answers CORS preflights from allowed origins and marks their responses', async () => {
    const preflight = await get('web.local', '/api', { origin: 'https://good.example', 'access-control-request-method': 'POST' }, 'OPTIONS');
    expect(preflight.status).toBe(200);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://good.example');
    expect(preflight.headers['access-control-allow-methods']).toBe('GET,POST');
    expect(preflight.headers['access-control-allow-headers']).toBe('x-custom');
    expect(preflight.headers['access-control-max-age']).toBe('86400');
    const actual = await get('web.local', '/api', { origin: 'https://good.example' });
    expect(actual.headers['access-control-allow-origin']).toBe('https://good.example');
    const other = await get('web.local', '/api', { origin: 'https://evil.example' });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});
