import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSample, request, type Running } from '../shared/test-support.js';
import { titleCase } from './request-info.js';
import { chooseStatus } from './routes.js';

describe('httpbin helpers', () => {
  it('title-cases header names as Python does', () => {
    expect(titleCase('x-b3-traceid')).toBe('X-B3-Traceid');
    expect(titleCase('x-envoy-attempt-count')).toBe('X-Envoy-Attempt-Count');
    expect(titleCase('USER-AGENT')).toBe('User-Agent');
    expect(titleCase('x-b3a')).toBe('X-B3A');
  });

  it('chooses status codes like httpbin', () => {
    expect(chooseStatus('503')).toBe(503);
    expect(chooseStatus('200,500', () => 0.1)).toBe(200);
    expect(chooseStatus('200,500', () => 0.9)).toBe(500);
    expect(chooseStatus('500:0.3,200:0.7', () => 0.2)).toBe(500);
    expect(chooseStatus('500:0.3,200:0.7', () => 0.5)).toBe(200);
    expect(chooseStatus('abc')).toBeUndefined();
    expect(chooseStatus('99')).toBeUndefined();
  });
});

describe('httpbin sample (real process)', () => {
  let app: Running;
  beforeAll(async () => {
    app = await startSample('samples/httpbin/main.js', { POD_NAME: 'httpbin-7d9f-abcde' });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('logs one line when listening', () => {
    expect(app.output()).toMatch(/^httpbin listening on http:\/\/127\.0\.0\.1:\d+ \(pod default\/httpbin-7d9f-abcde\)\n$/);
  });

  it('/get answers args, headers (Title-Cased), origin and url', async () => {
    const res = await request(`${app.url}/get?a=1&a=2&b=x`, { headers: { 'x-b3-traceid': 'abc', host: 'httpbin:8000' } });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['access-control-allow-origin']).toBe('*');
    const body = JSON.parse(res.body) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['args', 'headers', 'origin', 'url']);
    expect(body.args).toEqual({ a: ['1', '2'], b: 'x' });
    expect(body.headers).toMatchObject({ Host: 'httpbin:8000', 'X-B3-Traceid': 'abc' });
    expect(body.origin).toBe('127.0.0.1');
    expect(body.url).toBe('http://httpbin:8000/get?a=1&a=2&b=x');
    expect(res.body).toContain('\n  "args": {\n');
  });

  it('/headers echoes a custom header; /ip, /user-agent, /uuid', async () => {
    const headers = JSON.parse((await request(`${app.url}/headers`, { headers: { 'end-user': 'jason' } })).body) as { headers: Record<string, string> };
    expect(headers.headers['End-User']).toBe('jason');
    expect(JSON.parse((await request(`${app.url}/ip`, { headers: { 'x-forwarded-for': '10.0.0.9' } })).body)).toEqual({ origin: '10.0.0.9' });
    expect(JSON.parse((await request(`${app.url}/user-agent`, { headers: { 'user-agent': 'curl/8.0' } })).body)).toEqual({ 'user-agent': 'curl/8.0' });
    expect((JSON.parse((await request(`${app.url}/uuid`)).body) as { uuid: string }).uuid).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('/anything takes any method and parses JSON and form bodies', async () => {
    const json = JSON.parse((await request(`${app.url}/anything/x/y?q=1`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: '{"k":[1,2]}' })).body) as Record<string, unknown>;
    expect(json).toMatchObject({ method: 'PATCH', json: { k: [1, 2] }, data: '{"k":[1,2]}', args: { q: '1' }, form: {}, files: {} });
    const form = JSON.parse((await request(`${app.url}/post`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1&b=2' })).body) as Record<string, unknown>;
    expect(form).toMatchObject({ form: { a: '1', b: '2' }, data: '', json: null });
    expect(form).not.toHaveProperty('method');
    const multipart = '--XX\r\nContent-Disposition: form-data; name="f"\r\n\r\nv\r\n--XX\r\nContent-Disposition: form-data; name="up"; filename="a.txt"\r\n\r\nhello\r\n--XX--\r\n';
    const files = JSON.parse((await request(`${app.url}/put`, { method: 'PUT', headers: { 'content-type': 'multipart/form-data; boundary=XX' }, body: multipart })).body) as Record<string, unknown>;
    expect(files).toMatchObject({ form: { f: 'v' }, files: { up: 'hello' } });
    expect((await request(`${app.url}/delete`, { method: 'DELETE' })).status).toBe(200);
    expect((await request(`${app.url}/get`, { method: 'POST' })).status).toBe(405);
    expect((await request(`${app.url}/nope`)).status).toBe(404);
  });

  it('/status/{code}, choices and weights', async () => {
    expect((await request(`${app.url}/status/503`)).status).toBe(503);
    expect((await request(`${app.url}/status/201`, { method: 'POST' })).status).toBe(201);
    const teapot = await request(`${app.url}/status/418`);
    expect(teapot.status).toBe(418);
    expect(teapot.body).toContain('teapot');
    expect((await request(`${app.url}/status/302`)).headers.location).toBe('/redirect/1');
    expect((await request(`${app.url}/status/abc`)).status).toBe(400);
    const seen = new Set<number>();
    for (let i = 0; i < 30; i++) seen.add((await request(`${app.url}/status/200,500`)).status);
    expect([...seen].sort()).toEqual([200, 500]);
    expect((await request(`${app.url}/status/500:0,200:1`)).status).toBe(200);
  });

  it('/delay/1 takes at least a second', async () => {
    const t0 = Date.now();
    const res = await request(`${app.url}/delay/1`, { timeoutMs: 5000 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(990);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toHaveProperty('url');
  });

  it('response headers, redirects, cookies and content endpoints', async () => {
    const rh = await request(`${app.url}/response-headers?X-Test=1&freeform=hi`);
    expect(rh.headers['x-test']).toBe('1');
    expect(JSON.parse(rh.body)).toMatchObject({ 'X-Test': '1', freeform: 'hi', 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(rh.body)) });
    const r3 = await request(`${app.url}/redirect/3`);
    expect([r3.status, r3.headers.location]).toEqual([302, '/relative-redirect/2']);
    expect((await request(`${app.url}/redirect/1`)).headers.location).toBe('/get');
    const set = await request(`${app.url}/cookies/set?flavor=oat`);
    expect(set.status).toBe(302);
    expect(set.headers['set-cookie']).toEqual(['flavor=oat; Path=/']);
    expect(JSON.parse((await request(`${app.url}/cookies`, { headers: { cookie: 'a=1; b=2' } })).body)).toEqual({ cookies: { a: '1', b: '2' } });
    expect((await request(`${app.url}/bytes/16`)).headers['content-length']).toBe('16');
    const stream = (await request(`${app.url}/stream/3`)).body.trim().split('\n');
    expect(stream.map((l) => (JSON.parse(l) as { id: number }).id)).toEqual([0, 1, 2]);
    expect(JSON.parse((await request(`${app.url}/json`)).body)).toHaveProperty('slideshow.title', 'Sample Slide Show');
    expect((await request(`${app.url}/html`)).body).toContain('Moby-Dick');
    expect((await request(`${app.url}/base64/SFRUUEJJTiBpcyBhd2Vzb21l`)).body).toBe('HTTPBIN is awesome');
    expect((await request(`${app.url}/`)).body).toContain('/status/');
  });

  it('survives malformed requests', async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(app.port, '127.0.0.1', () => socket.write('GARBAGE \x00\x01 nonsense\r\n\r\n'));
      let data = '';
      socket.on('data', (d) => (data += d.toString()));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
      socket.setTimeout(3000, () => socket.destroy(new Error('timeout')));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect((await request(`${app.url}/status/200`)).status).toBe(200);
  });
});

describe('httpbin shutdown', () => {
  it('exits 0 within 1 s of SIGTERM, even with a request in flight', async () => {
    const app = await startSample('samples/httpbin/main.js');
    try {
      const pending = request(`${app.url}/delay/5`, { timeoutMs: 5000 }).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 100));
      const t0 = Date.now();
      const code = await app.stop(3000);
      expect(code).toBe(0);
      expect(Date.now() - t0).toBeLessThan(1000);
      await pending;
    } finally {
      await app.stop();
    }
  });
});
