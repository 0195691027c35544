/**
 * The preload in real `node` processes (the compiled dist/ file, NODE_OPTIONS from
 * proxyEnvironment) against a recording proxy: node:http in every call form, keep-alive agents,
 * CommonJS, and the exemptions (NO_PROXY, loopback, requests already aimed at the proxy).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { proxyEnvironment } from '../proxy-env.js';
import { runNode, startDirectServer, startRecordingProxy, stopAll, type Recorder } from './test-support.js';

let dir: string;
let proxy: Recorder;
let direct: Recorder;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tack-preload-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(async () => {
  proxy = await startRecordingProxy();
  direct = await startDirectServer();
});
afterEach(async () => {
  stopAll();
  await proxy.close();
  await direct.close();
});

/** Writes `source` to `<dir>/<name>` and runs it with the pod's proxy environment plus `env`. */
async function runApp(name: string, source: string, env: Record<string, string> = {}) {
  const file = join(dir, name);
  writeFileSync(file, source);
  const result = await runNode(file, { ...proxyEnvironment(proxy.port, {}), ...env }, dir, 15_000);
  if (result.code !== 0) throw new Error(`${name} exited ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  return result;
}

/** Shared by the ESM apps: read a response fully. */
const READ = `
const read = (req) => new Promise((resolve, reject) => {
  req.on('response', (res) => { let body = ''; res.setEncoding('utf8'); res.on('data', (d) => (body += d)); res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(body) })); });
  req.on('error', reject);
});
`;

describe('node:http through HTTP_PROXY', () => {
  it('http.get(url) arrives at the proxy in absolute form with the service as Host (ESM named import)', async () => {
    const result = await runApp(
      'get.mjs',
      `import { get } from 'node:http';${READ}
       console.log(JSON.stringify(await read(get('http://reviews:9080/reviews/0'))));`,
    );
    expect(proxy.records).toHaveLength(1);
    expect(proxy.records[0]).toMatchObject({ method: 'GET', url: 'http://reviews:9080/reviews/0', host: 'reviews:9080' });
    expect(result.json()).toEqual({ status: 200, body: { via: 'proxy', method: 'GET', url: 'http://reviews:9080/reviews/0', host: 'reviews:9080', body: '' } });
    expect(result.stderr).toBe('');
  });

  it('http.request with an options object streams a POST body; URL objects and (url, options, cb) work too', async () => {
    const result = await runApp(
      'request.mjs',
      `import http from 'node:http';${READ}
       const post = http.request({ host: 'ratings', port: 9080, path: '/ratings/1?x=1', method: 'POST', headers: { 'content-type': 'text/plain', 'x-req': 'a' } });
       const done = read(post);
       post.write('hello ');
       setTimeout(() => post.end('world'), 20);
       const a = await done;
       const b = await read(http.get(new URL('http://details/d')));
       const c = await new Promise((resolve, reject) => {
         const req = http.request('http://productpage:9080/p', { method: 'PUT', headers: { Host: 'custom.example' } }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
         req.on('error', reject);
         req.end('x');
       });
       console.log(JSON.stringify({ a, b, c }));`,
    );
    const [post, get, put] = proxy.records;
    expect(post).toMatchObject({ method: 'POST', url: 'http://ratings:9080/ratings/1?x=1', host: 'ratings:9080', body: 'hello world' });
    expect(post?.headers).toMatchObject({ 'content-type': 'text/plain', 'x-req': 'a' });
    expect(get).toMatchObject({ method: 'GET', url: 'http://details/d', host: 'details' });
    expect(put).toMatchObject({ method: 'PUT', url: 'http://productpage:9080/p', host: 'custom.example', body: 'x' });
    expect(result.json()).toMatchObject({ a: { status: 200, body: { body: 'hello world' } }, b: { status: 200 }, c: 200 });
  });

  it("a keep-alive Agent's three requests share one connection to the proxy", async () => {
    await runApp(
      'keepalive.mjs',
      `import http from 'node:http';${READ}
       const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
       const out = [];
       for (const path of ['/1', '/2', '/3']) out.push(await read(http.get({ host: 'reviews', port: 9080, path, agent })));
       agent.destroy();
       console.log(JSON.stringify(out));`,
    );
    expect(proxy.records.map((r) => r.url)).toEqual(['http://reviews:9080/1', 'http://reviews:9080/2', 'http://reviews:9080/3']);
    expect(new Set(proxy.records.map((r) => r.connection)).size).toBe(1);
  });

  it('CommonJS apps (require) are patched too, destructured or not', async () => {
    const result = await runApp(
      'app.cjs',
      `const http = require('http');
       const { request } = require('node:http');
       http.get('http://reviews:9080/cjs', (res) => {
         res.resume();
         const req = request({ host: 'ratings', port: 9080, path: '/cjs2' }, (res2) => { res2.resume(); res2.on('end', () => console.log(JSON.stringify([res.statusCode, res2.statusCode]))); });
         req.end();
       });`,
    );
    expect(result.json()).toEqual([200, 200]);
    expect(proxy.records.map((r) => [r.url, r.host])).toEqual([
      ['http://reviews:9080/cjs', 'reviews:9080'],
      ['http://ratings:9080/cjs2', 'ratings:9080'],
    ]);
  });
});

describe('exemptions', () => {
  it('NO_PROXY hosts go direct (suffix rules), others still through the proxy', async () => {
    const env = proxyEnvironment(proxy.port, { NO_PROXY: '.direct.test,other.example' });
    const result = await runApp(
      'noproxy.mjs',
      `import http from 'node:http';${READ}
       const lookup = (host, options, cb) => options && options.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4);
       const a = await read(http.get({ host: 'api.direct.test', port: ${direct.port}, path: '/np', lookup }));
       const b = await read(http.get({ host: 'direct.test', port: ${direct.port}, path: '/np2', lookup }));
       const c = await read(http.get('http://reviews:9080/still-proxied'));
       console.log(JSON.stringify([a.body.via, b.body.via, c.body.via]));`,
      env,
    );
    expect(result.json()).toEqual(['direct', 'direct', 'proxy']);
    expect(direct.records.map((r) => [r.url, r.host])).toEqual([
      ['/np', `api.direct.test:${direct.port}`],
      ['/np2', `direct.test:${direct.port}`],
    ]);
    expect(proxy.records.map((r) => r.url)).toEqual(['http://reviews:9080/still-proxied']);
  });

  it('a request already addressed to the proxy in absolute form is not proxied twice', async () => {
    const result = await runApp(
      'already.mjs',
      `import http from 'node:http';${READ}
       const agent = new http.Agent({ keepAlive: true });
       const res = await read(http.request({ host: '127.0.0.1', port: ${proxy.port}, path: 'http://reviews:9080/abs', headers: { host: 'reviews:9080' }, agent }).end());
       agent.destroy();
       console.log(JSON.stringify(res));`,
    );
    expect(proxy.records.map((r) => [r.method, r.url, r.host])).toEqual([['GET', 'http://reviews:9080/abs', 'reviews:9080']]);
    expect(result.json()).toMatchObject({ status: 200, body: { url: 'http://reviews:9080/abs' } });
  });

  it('127.0.0.1 and localhost go direct, by http and by fetch', async () => {
    const result = await runApp(
      'loopback.mjs',
      `import http from 'node:http';${READ}
       const a = await read(http.get('http://127.0.0.1:${direct.port}/loop'));
       const b = await (await fetch('http://127.0.0.1:${direct.port}/loop-fetch')).json();
       console.log(JSON.stringify([a.body.via, b.via]));`,
    );
    expect(result.json()).toEqual(['direct', 'direct']);
    expect(direct.records.map((r) => r.url)).toEqual(['/loop', '/loop-fetch']);
    expect(proxy.records).toEqual([]);
  });

  it('without HTTP_PROXY nothing changes: no marker, service names do not resolve, the proxy sees nothing', async () => {
    const { HTTP_PROXY: _a, http_proxy: _b, ...env } = proxyEnvironment(proxy.port, {});
    const file = join(dir, 'noenv.mjs');
    writeFileSync(
      file,
      `import http from 'node:http';
       const marker = typeof globalThis[Symbol.for('tack.preload.node-proxy')];
       const error = await new Promise((resolve) => http.get('http://reviews.tack-test.invalid:9080/x', () => resolve('answered')).on('error', (e) => resolve(e.code)));
       const fetched = await fetch('http://reviews.tack-test.invalid:9080/y').then(() => 'answered', (e) => e.cause?.code ?? e.name);
       console.log(JSON.stringify({ marker, error, fetched }));`,
    );
    const result = await runNode(file, { ...env, TACK_PRELOAD_DEBUG: '1' }, dir, 15_000);
    const out = result.json<{ marker: string; error: string; fetched: string }>();
    expect(out.marker).toBe('undefined');
    expect(['ENOTFOUND', 'EAI_AGAIN']).toContain(out.error);
    expect(['ENOTFOUND', 'EAI_AGAIN']).toContain(out.fetched);
    expect(proxy.records).toEqual([]);
    expect(result.stderr).toBe('');
  });

  it('a malformed HTTP_PROXY never breaks the app and logs nothing', async () => {
    const result = await runApp('bad.mjs', `console.log(JSON.stringify(typeof globalThis[Symbol.for('tack.preload.node-proxy')]));`, {
      HTTP_PROXY: 'https://[::bad',
      http_proxy: '',
    });
    expect(result.json()).toBe('undefined');
    expect(result.stderr).toBe('');
  });
});
