/**
 * Global fetch through the preload (real `node` processes, compiled dist/ file): JSON bodies,
 * streamed bodies, redirects, abort, NO_PROXY; and https (https.get and fetch) through a CONNECT
 * tunnel when openssl can make a test certificate.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { proxyEnvironment } from '../proxy-env.js';
import { runNode, startRecordingProxy, stopAll, type Recorder } from './test-support.js';

let dir: string;
let proxy: Recorder | undefined;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tack-preload-fetch-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  stopAll();
  await proxy?.close();
  proxy = undefined;
});

async function runApp(name: string, source: string, port: number, env: Record<string, string> = {}) {
  const file = join(dir, name);
  writeFileSync(file, source);
  const result = await runNode(file, { ...proxyEnvironment(port, {}), ...env }, dir, 15_000);
  if (result.code !== 0) throw new Error(`${name} exited ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  return result;
}

describe('fetch through HTTP_PROXY', () => {
  it('fetch POSTs JSON through the proxy and reads the JSON response back', async () => {
    proxy = await startRecordingProxy();
    const result = await runApp(
      'fetch.mjs',
      `const res = await fetch('http://todobackend:8080/todos', { method: 'POST', headers: { 'content-type': 'application/json', 'x-trace': 't1' }, body: JSON.stringify({ title: 'walk' }) });
       console.log(JSON.stringify({ status: res.status, type: res.headers.get('content-type'), body: await res.json() }));`,
      proxy.port,
    );
    expect(proxy.records).toHaveLength(1);
    expect(proxy.records[0]).toMatchObject({ method: 'POST', url: 'http://todobackend:8080/todos', host: 'todobackend:8080', body: '{"title":"walk"}' });
    expect(proxy.records[0]?.headers).toMatchObject({ 'content-type': 'application/json', 'x-trace': 't1' });
    expect(result.json()).toEqual({
      status: 200,
      type: 'application/json',
      body: { via: 'proxy', method: 'POST', url: 'http://todobackend:8080/todos', host: 'todobackend:8080', body: '{"title":"walk"}' },
    });
  });

  it('Request objects, URLSearchParams and stream bodies, redirects followed hop by hop, AbortSignal', async () => {
    proxy = await startRecordingProxy();
    const result = await runApp(
      'fetch-more.mjs',
      `const a = await fetch(new Request('http://todobackend:8080/form', { method: 'POST', body: new URLSearchParams({ a: '1', b: 'x y' }) }));
       const stream = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('chunk1 ')); c.enqueue(new TextEncoder().encode('chunk2')); c.close(); } });
       const b = await fetch('http://todobackend:8080/stream', { method: 'PUT', body: stream, duplex: 'half' });
       const c = await fetch('http://todobackend:8080/redirect');
       const d = await fetch('http://todobackend:8080/hang', { signal: AbortSignal.timeout(300) }).then(() => 'answered', (e) => e.name);
       console.log(JSON.stringify({ a: (await a.json()).body, b: (await b.json()).body, c: { status: c.status, url: c.url, redirected: c.redirected, body: await c.json() }, d }));`,
      proxy.port,
    );
    const out = result.json<{ a: string; b: string; c: { status: number; url: string; redirected: boolean; body: { url: string } }; d: string }>();
    expect(out.a).toBe('a=1&b=x+y');
    expect(out.b).toBe('chunk1 chunk2');
    expect(out.c).toMatchObject({ status: 200, url: 'http://todobackend:8080/final', redirected: true, body: { url: 'http://todobackend:8080/final' } });
    expect(out.d).toBe('TimeoutError');
    expect(proxy.records.map((r) => `${r.method} ${r.url}`)).toEqual([
      'POST http://todobackend:8080/form',
      'PUT http://todobackend:8080/stream',
      'GET http://todobackend:8080/redirect',
      'GET http://todobackend:8080/final',
      'GET http://todobackend:8080/hang',
    ]);
    expect(proxy.records[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded;charset=UTF-8');
  });

  it('NO_PROXY exempts fetch too: the exempt name is looked up directly (and fails), the proxy sees nothing', async () => {
    proxy = await startRecordingProxy();
    const env = proxyEnvironment(proxy.port, { NO_PROXY: 'tack-test.invalid' });
    const result = await runApp(
      'fetch-noproxy.mjs',
      `const out = await fetch('http://svc.tack-test.invalid:8080/x').then(() => 'answered', (e) => e.cause?.code ?? e.name);
       console.log(JSON.stringify(out));`,
      proxy.port,
      env,
    );
    expect(['ENOTFOUND', 'EAI_AGAIN']).toContain(result.json());
    expect(proxy.records).toEqual([]);
  });
});

/** A self-signed certificate for `secure.example`, or undefined when openssl is not usable. */
function makeCertificate(into: string): { key: string; cert: string; certFile: string } | undefined {
  const keyFile = join(into, 'key.pem');
  const certFile = join(into, 'cert.pem');
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=secure.example', '-addext', 'subjectAltName=DNS:secure.example'],
      { stdio: 'ignore', timeout: 20_000 },
    );
    return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
  } catch {
    return undefined;
  }
}

const certDir = mkdtempSync(join(tmpdir(), 'tack-preload-tls-'));
const certificate = makeCertificate(certDir);
afterAll(() => rmSync(certDir, { recursive: true, force: true }));

describe('https through a CONNECT tunnel', () => {
  it('made a test certificate with openssl (CI installs it)', () => {
    expect(certificate).toBeDefined();
  });

  let origin: https.Server | undefined;
  const seen: string[] = [];

  afterAll(() => {
    origin?.closeAllConnections();
    origin?.close();
  });

  it('https.get and fetch to https://secure.example go through CONNECT secure.example:443; TLS is end to end', async () => {
    const cert = certificate!;
    origin = https.createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.host}`);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ tls: true, url: req.url }));
    });
    await new Promise<void>((resolve) => origin!.listen(0, '127.0.0.1', resolve));
    proxy = await startRecordingProxy({ tunnelTo: (origin.address() as AddressInfo).port });
    const result = await runApp(
      'https.mjs',
      `import https from 'node:https';
       const viaHttps = await new Promise((resolve, reject) => https.get('https://secure.example/h', (res) => { let b = ''; res.on('data', (d) => (b += d)); res.on('end', () => resolve(JSON.parse(b))); }).on('error', reject));
       const viaFetch = await (await fetch('https://secure.example/f')).json();
       console.log(JSON.stringify({ viaHttps, viaFetch }));`,
      proxy.port,
      { NODE_EXTRA_CA_CERTS: cert.certFile },
    );
    expect(result.json()).toEqual({ viaHttps: { tls: true, url: '/h' }, viaFetch: { tls: true, url: '/f' } });
    expect(proxy.records.map((r) => `${r.method} ${r.url} ${r.host}`)).toEqual(['CONNECT secure.example:443 secure.example:443', 'CONNECT secure.example:443 secure.example:443']);
    expect(seen).toEqual(['GET /h secure.example', 'GET /f secure.example']);
  });
});
