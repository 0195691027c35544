import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildJwtAuthenticator, type JwtAuthenticator } from './authenticator.js';
import type { JwksSourceConfig } from './config.js';
import { httpFetchJwks } from './http-fetcher.js';
import { createJwksCache, JWKS_RETRY_MS } from './jwks-cache.js';
import { jwksOf, makeKey, provider, request, type TestKey } from './test-support.js';

const ISS = 'https://issuer.example';
let now = 1_750_000_000_000;
const clock = { now: () => now };

// What the JWKS server answers, per path: a body, a status, or silence.
const routes = new Map<string, { status: number; body: string } | 'hang'>();
const hits = new Map<string, number>();
let server: Server;
let base: string;
let k1: TestKey;
let k2: TestKey;

beforeAll(async () => {
  k1 = await makeKey('RS256', 'k1');
  k2 = await makeKey('ES256', 'k2');
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const r = routes.get(path);
    if (r === 'hang') return; // never answers: the fetch times out
    // A little latency, so that concurrent requests really overlap the fetch.
    setTimeout(() => res.writeHead(r?.status ?? 404, { 'content-type': 'application/json' }).end(r?.body ?? 'not found'), 20);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function remote(path: string, over: Partial<{ timeoutMs: number; cacheDurationMs: number }> = {}): JwksSourceConfig {
  return { kind: 'remote', uri: `${base}${path}`, timeoutMs: 2000, cacheDurationMs: 300_000, ...over };
}

function engine(jwks: JwksSourceConfig): JwtAuthenticator {
  return buildJwtAuthenticator({ providers: [provider({ issuer: ISS, jwks })], bypassCorsPreflight: true }, { fetchJwks: httpFetchJwks, clock });
}

const token = (k: TestKey) => k.sign({ iss: ISS, sub: 'alice', exp: Math.floor(now / 1000) + 3600 });
const withToken = (t: string) => request({ authorization: `Bearer ${t}` });

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(cond()).toBe(true);
}

describe('remote JWKS through a real HTTP server', () => {
  it('shares one fetch among concurrent first requests, then answers from the cache', async () => {
    routes.set('/one', { status: 200, body: jwksOf(k1) });
    const a = engine(remote('/one'));
    const t = await token(k1);
    const first = a.authenticate(withToken(t));
    expect(first).toBeInstanceOf(Promise);
    const all = await Promise.all([first, ...Array.from({ length: 19 }, () => a.authenticate(withToken(t)))]);
    expect(all.every((o) => o.kind === 'ok' && o.principal === `${ISS}/alice`)).toBe(true);
    expect(hits.get('/one')).toBe(1);
    // Cached: no promise, no fetch.
    expect(a.authenticate(withToken(t))).toMatchObject({ kind: 'ok' });
    expect(hits.get('/one')).toBe(1);
    expect(a.jwksStatus()).toEqual([{ uri: `${base}/one`, fetchedAt: now, keyIds: ['k1'], fetches: 1, lastError: undefined }]);
  });

  it('refreshes in the background once the cache duration is over, serving the old keys meanwhile', async () => {
    routes.set('/rotate', { status: 200, body: jwksOf(k1) });
    const a = engine(remote('/rotate'));
    await a.authenticate(withToken(await token(k1)));
    routes.set('/rotate', { status: 200, body: jwksOf(k2) });
    const t2 = await token(k2);
    // Still within the cache duration: the new key is unknown.
    expect(await a.authenticate(withToken(t2))).toMatchObject({ status: 401, body: "Jwks doesn't have key to match kid or alg from Jwt" });
    now += 300_000;
    // Expired cache: answered at once from the old keys while one refresh runs.
    expect(a.authenticate(withToken(await token(k1)))).toMatchObject({ kind: 'ok' });
    expect(a.authenticate(withToken(await token(k1)))).toMatchObject({ kind: 'ok' });
    await until(() => a.jwksStatus()[0]?.keyIds[0] === 'k2');
    expect(hits.get('/rotate')).toBe(2);
    expect(a.authenticate(withToken(t2))).toMatchObject({ kind: 'ok' });
  });

  it('answers a failed first fetch as Envoy does, waits before fetching again, and recovers', async () => {
    routes.set('/down', { status: 503, body: 'unavailable' });
    const a = engine(remote('/down'));
    const t = await token(k1);
    const outs = await Promise.all([a.authenticate(withToken(t)), a.authenticate(withToken(t))]);
    for (const o of outs) expect(o).toMatchObject({ kind: 'denied', status: 401, body: 'Jwks remote fetch is failed', wwwAuthenticate: 'Bearer realm="http://httpbin.foo:8000/get", error="invalid_token"' });
    expect(hits.get('/down')).toBe(1);
    expect(a.jwksStatus()[0]?.lastError).toContain('HTTP 503');
    // Within the retry interval: refused at once, no fetch.
    expect(a.authenticate(withToken(t))).toMatchObject({ body: 'Jwks remote fetch is failed' });
    expect(hits.get('/down')).toBe(1);
    // No token, no fetch needed: passes.
    expect(a.authenticate(request())).toMatchObject({ kind: 'none' });
    routes.set('/down', { status: 200, body: jwksOf(k1) });
    now += JWKS_RETRY_MS;
    expect(await a.authenticate(withToken(t))).toMatchObject({ kind: 'ok' });
    expect(hits.get('/down')).toBe(2);
  });

  it('keeps the old keys when a refresh fails', async () => {
    routes.set('/flaky', { status: 200, body: jwksOf(k1) });
    const a = engine(remote('/flaky'));
    const t = await token(k1);
    await a.authenticate(withToken(t));
    routes.set('/flaky', { status: 500, body: '' });
    now += 300_000;
    expect(a.authenticate(withToken(t))).toMatchObject({ kind: 'ok' });
    await until(() => a.jwksStatus()[0]?.lastError !== undefined);
    expect(a.authenticate(withToken(t))).toMatchObject({ kind: 'ok' });
  });

  it('treats a body that is not a JWKS as a failed fetch', async () => {
    routes.set('/html', { status: 200, body: '<html>login</html>' });
    expect(await engine(remote('/html')).authenticate(withToken(await token(k1)))).toMatchObject({ status: 401, body: 'Jwks remote fetch is failed' });
  });

  it('gives up on a server that does not answer within the timeout', async () => {
    routes.set('/hang', 'hang');
    const out = await engine(remote('/hang', { timeoutMs: 100 })).authenticate(withToken(await token(k1)));
    expect(out).toMatchObject({ status: 401, body: 'Jwks remote fetch is failed' });
  });

  it('finds the keys through OpenID discovery when the rule names none', async () => {
    routes.set('/.well-known/openid-configuration', { status: 200, body: JSON.stringify({ issuer: ISS, jwks_uri: `${base}/discovered` }) });
    routes.set('/discovered', { status: 200, body: jwksOf(k2) });
    const a = engine({ kind: 'discovery', uri: `${base}/.well-known/openid-configuration`, timeoutMs: 2000, cacheDurationMs: 300_000 });
    expect(await a.authenticate(withToken(await token(k2)))).toMatchObject({ kind: 'ok', principal: `${ISS}/alice` });
  });

  it('lets a shared cache carry keys across config versions', async () => {
    routes.set('/shared', { status: 200, body: jwksOf(k1) });
    const jwksCache = createJwksCache({ fetchJwks: httpFetchJwks, clock });
    const cfg = { providers: [provider({ issuer: ISS, jwks: remote('/shared') })], bypassCorsPreflight: true };
    const t = await token(k1);
    await buildJwtAuthenticator(cfg, { fetchJwks: httpFetchJwks, clock, jwksCache }).authenticate(withToken(t));
    const next = buildJwtAuthenticator(cfg, { fetchJwks: httpFetchJwks, clock, jwksCache });
    expect(next.authenticate(withToken(t))).toMatchObject({ kind: 'ok' });
    expect(hits.get('/shared')).toBe(1);
  });
});
