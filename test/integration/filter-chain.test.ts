/**
 * The proxy's filter chain with real listeners and upstreams on 127.0.0.1: local replies pass the
 * response side of the filters entered, a refused version leaves nothing behind, a port changes
 * kind without a clash, bodies past the retry buffer stream, and the fault filter's delay runs on
 * the proxy's clock.
 */
import { describe, it, expect, afterEach } from 'vitest';
import http from 'node:http';
import net from 'node:net';
import type { ClusterConfig, ListenerConfig, ProxyConfig, RouteConfig, RouteActionConfig } from '../../src/compile/config.js';
import { createProxyCore, type ProxyCore } from '../../src/proxy/index.js';
import { ManualClock } from '../../src/proxy/clock.js';
import type { RequestLogEntry } from '../../src/proxy/http/request-context.js';
import { freePort, listen } from '../support/ports.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function serve(server: net.Server): Promise<number> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const port = await listen(server);
  cleanups.push(() => new Promise<void>((r) => {
    for (const s of sockets) s.destroy();
    server.close(() => r());
  }));
  return port;
}

function core(opts: { clock?: ManualClock; log?: RequestLogEntry[]; streamIdleMs?: number; requestHeadersMs?: number } = {}): ProxyCore {
  const timeouts = { ...(opts.streamIdleMs !== undefined ? { streamIdleTimeoutMs: opts.streamIdleMs } : {}), ...(opts.requestHeadersMs !== undefined ? { requestHeadersTimeoutMs: opts.requestHeadersMs } : {}) };
  const c = createProxyCore({ log: () => undefined, codecTimeouts: timeouts, ...(opts.clock ? { clock: opts.clock } : {}), ...(opts.log ? { accessLog: (e: RequestLogEntry) => opts.log?.push(e) } : {}) });
  cleanups.push(() => c.stop());
  return c;
}

const APP = 'outbound|80||app.test.svc.cluster.local';
/** Istio's default route retry policy. */
const DEFAULT_RETRIES = { attempts: 2, retryOn: ['connect-failure', 'refused-stream', 'unavailable', 'cancelled', 'retriable-status-codes'], retriableStatusCodes: [], retryOtherHosts: true };

function gateway(port: number, routes: RouteConfig[], clusters: Record<string, ClusterConfig> = {}, extra: ListenerConfig[] = [], table = 'http.80'): ProxyConfig {
  return {
    version: String(Math.random()),
    node: { id: 'gw-0.test', role: 'gateway', pod: 'gw-0', namespace: 'test', labels: {}, serviceAccount: 'default' },
    listeners: [{ name: '0.0.0.0_80', direction: 'gateway', address: '127.0.0.1', port, protocol: 'HTTP', transport: 'plain', httpFilters: ['envoy.filters.http.cors', 'envoy.filters.http.fault'], routeTable: table, serverPort: 80 }, ...extra],
    routes: { [table]: { name: table, virtualHosts: [{ name: '*:80', domains: ['*'], routes }] } },
    clusters,
    outboundTrafficPolicy: 'ALLOW_ANY',
  };
}

const forwardTo = (cluster: string, over: Partial<Extract<RouteActionConfig, { kind: 'forward' }>> = {}): RouteActionConfig => ({ kind: 'forward', clusters: [{ cluster, weight: 100 }], totalWeight: 100, retries: DEFAULT_RETRIES, ...over });
const appCluster = (port: number): ClusterConfig => ({ name: APP, service: 'app.test.svc.cluster.local', port: 80, lb: 'ROUND_ROBIN', endpoints: [{ address: '127.0.0.1', port, labels: {}, sidecar: false, weight: 1 }] });

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(port: number, opts: { path?: string; method?: string; headers?: Record<string, string>; body?: Buffer } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: opts.path ?? '/', method: opts.method ?? 'GET', headers: opts.headers ?? {}, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error('no answer in 10 s')));
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('local replies pass the response side of the filter chain', () => {
  it('a 503 on a CORS route carries the CORS headers and the route response header operations', async () => {
    const port = await freePort();
    const noEndpoints: ClusterConfig = { ...appCluster(1), endpoints: [] };
    const route: RouteConfig = {
      name: 'test/app#cors',
      match: {},
      action: forwardTo(APP),
      headers: { responseSet: { 'x-route': 'set' } },
      filters: { 'envoy.filters.http.cors': { allowOrigins: [{ exact: 'https://app.example' }], exposeHeaders: 'x-trace', unmatchedPreflights: 'FORWARD' } },
    };
    await core().apply(gateway(port, [route], { [APP]: noEndpoints }));
    const a = await request(port, { headers: { origin: 'https://app.example' } });
    expect(a.status).toBe(503);
    expect(a.body).toBe('no healthy upstream');
    expect(a.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(a.headers['access-control-expose-headers']).toBe('x-trace');
    expect(a.headers['x-route']).toBe('set');
    // An origin the policy does not allow gets the 503 without CORS headers.
    const other = await request(port, { headers: { origin: 'https://evil.example' } });
    expect(other.status).toBe(503);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('a fault abort goes back through the CORS filter too', async () => {
    const port = await freePort();
    const route: RouteConfig = {
      name: 'test/app#abort',
      match: {},
      action: forwardTo(APP),
      filters: {
        'envoy.filters.http.cors': { allowOrigins: [{ prefix: 'https://' }], unmatchedPreflights: 'FORWARD' },
        'envoy.filters.http.fault': { abort: { httpStatus: 418, percent: 100 } },
      },
    };
    await core().apply(gateway(port, [route], { [APP]: appCluster(1) }));
    const a = await request(port, { headers: { origin: 'https://app.example' } });
    expect(a.status).toBe(418);
    expect(a.body).toBe('fault filter abort');
    expect(a.headers['access-control-allow-origin']).toBe('https://app.example');
  });
});

describe('configuration versions', () => {
  it('a refused version leaves a kept listener serving the old configuration', async () => {
    const port = await freePort();
    const busy = net.createServer();
    const busyPort = await serve(busy);
    const direct = (body: string): RouteConfig[] => [{ name: 'r', match: {}, action: { kind: 'direct', status: 200, body } }];
    const c = core();
    await c.apply(gateway(port, direct('v1'), {}, [], 'http.80'));
    expect((await request(port)).body).toBe('v1');
    // v2 changes the kept listener's route table and adds a listener on a port something else holds.
    const v2 = gateway(port, direct('v2'), {}, [{ name: 'extra', direction: 'gateway', address: '127.0.0.1', port: busyPort, protocol: 'HTTP', routeTable: 'other' }], 'http.new');
    await expect(c.apply(v2)).rejects.toThrow(/already in use/);
    expect((await request(port)).body).toBe('v1');
    expect(c.current()?.version).not.toBe(v2.version);
  });

  it('a port that turns from HTTP to TCP (a port renamed tcp-postgres) is taken over, not refused', async () => {
    const port = await freePort();
    const echo = net.createServer((s) => s.pipe(s));
    const echoPort = await serve(echo);
    const app = http.createServer((_req, res) => res.end('http app'));
    const appPort = await serve(app);
    const node = { id: 'db-0.test', role: 'sidecar' as const, pod: 'db-0', namespace: 'test', labels: {}, serviceAccount: 'default' };
    const inbound = (protocol: 'HTTP' | 'TCP', target: number): ProxyConfig => ({
      version: protocol,
      node,
      listeners: [{ name: 'inbound|5432', direction: 'inbound', address: '127.0.0.1', port, protocol, appPort: target, ...(protocol === 'TCP' ? { tcpCluster: 'inbound|5432||' } : { inboundCluster: 'inbound|5432||', httpFilters: [] }) }],
      routes: {},
      clusters: { 'inbound|5432||': { name: 'inbound|5432||', service: '', port: 5432, lb: 'ROUND_ROBIN', endpoints: [{ address: '127.0.0.1', port: target, labels: {}, sidecar: false, weight: 1 }] } },
      outboundTrafficPolicy: 'ALLOW_ANY',
    });
    const c = core();
    await c.apply(inbound('HTTP', appPort));
    expect((await request(port)).body).toBe('http app');
    await c.apply(inbound('TCP', echoPort));
    const echoed = await new Promise<string>((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => s.write('ping'));
      s.setTimeout(5000, () => s.destroy(new Error('no echo')));
      s.once('data', (d) => {
        s.destroy();
        resolve(d.toString());
      });
      s.on('error', reject);
    });
    expect(echoed).toBe('ping');
  });
});

describe('request bodies and retries', () => {
  it('streams a 3 MiB upload under the default retry policy instead of refusing it', async () => {
    let received = 0;
    const app = http.createServer((req, res) => {
      req.on('data', (c: Buffer) => (received += c.length));
      req.on('end', () => res.end(`got ${received}`));
    });
    const appPort = await serve(app);
    const port = await freePort();
    await core().apply(gateway(port, [{ name: 'r', match: {}, action: forwardTo(APP) }], { [APP]: appCluster(appPort) }));
    const body = Buffer.alloc(3 * 1024 * 1024, 7);
    const a = await request(port, { method: 'POST', body, headers: { 'content-length': String(body.length) } });
    expect(a.status).toBe(200);
    expect(a.body).toBe(`got ${body.length}`);
  });

  it('retries a small body on another host, resending it whole', async () => {
    const bodies: string[] = [];
    const refuse = net.createServer((s) => s.destroy());
    const refusePort = await serve(refuse);
    const app = http.createServer((req, res) => {
      let b = '';
      req.on('data', (c: Buffer) => (b += c.toString()));
      req.on('end', () => {
        bodies.push(b);
        res.end('ok');
      });
    });
    const appPort = await serve(app);
    const port = await freePort();
    const cluster: ClusterConfig = { ...appCluster(appPort), endpoints: [{ address: '127.0.0.1', port: refusePort, labels: {}, sidecar: false, weight: 1 }, { address: '127.0.0.1', port: appPort, labels: {}, sidecar: false, weight: 1 }] };
    const retries = { attempts: 2, retryOn: ['reset', 'connect-failure'], retriableStatusCodes: [], retryOtherHosts: true };
    await core().apply(gateway(port, [{ name: 'r', match: {}, action: forwardTo(APP, { retries }) }], { [APP]: cluster }));
    for (let i = 0; i < 4; i++) expect((await request(port, { method: 'POST', body: Buffer.from(`payload-${i}`) })).body).toBe('ok');
    expect(bodies).toEqual(['payload-0', 'payload-1', 'payload-2', 'payload-3']);
  });
});

describe('fault filter on the proxy clock', () => {
  it('holds a request for the delay (flag DI) and then aborts it (DI,FI)', async () => {
    const clock = new ManualClock();
    const log: RequestLogEntry[] = [];
    const port = await freePort();
    const route: RouteConfig = { name: 'r', match: {}, action: forwardTo(APP), filters: { 'envoy.filters.http.fault': { delay: { ms: 7000, percent: 100 }, abort: { httpStatus: 500, percent: 100 } } } };
    await core({ clock, log }).apply(gateway(port, [route], { [APP]: appCluster(1) }));
    // The listeners' own idle sweeps run on the clock too.
    const idle = clock.pending;
    let answered: Answer | undefined;
    const pending = request(port).then((a) => (answered = a));
    // The request reaches the filter and waits on the clock: no answer while time stands still.
    for (let i = 0; i < 100 && clock.pending === idle; i++) await new Promise((r) => setTimeout(r, 5));
    expect(clock.pending).toBe(idle + 1);
    clock.advance(6999);
    await new Promise((r) => setTimeout(r, 50));
    expect(answered).toBeUndefined();
    clock.advance(1);
    const a = await pending;
    expect(a.status).toBe(500);
    for (let i = 0; i < 50 && log.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(log[0]?.flags).toBe('DI,FI');
  });

  it('a caller that leaves during the delay cancels the timer', async () => {
    const clock = new ManualClock();
    const port = await freePort();
    const route: RouteConfig = { name: 'r', match: {}, action: forwardTo(APP), filters: { 'envoy.filters.http.fault': { delay: { ms: 60_000, percent: 100 } } } };
    await core({ clock }).apply(gateway(port, [route], { [APP]: appCluster(1) }));
    const idle = clock.pending;
    const s = net.connect(port, '127.0.0.1', () => s.write('GET / HTTP/1.1\r\nhost: x\r\n\r\n'));
    for (let i = 0; i < 100 && clock.pending === idle; i++) await new Promise((r) => setTimeout(r, 5));
    expect(clock.pending).toBe(idle + 1);
    // A reset, not a half-close (after which the proxy would still answer).
    s.resetAndDestroy();
    for (let i = 0; i < 100 && clock.pending > idle; i++) await new Promise((r) => setTimeout(r, 5));
    expect(clock.pending).toBe(idle);
  });
});

describe('requests the codec refuses at once', () => {
  /** Sends raw bytes and resolves with the first bytes of the answer, or '' if none comes in 5 s. */
  function raw(port: number, bytes: string): Promise<string> {
    return new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => s.write(bytes));
      const done = (text: string): void => {
        s.destroy();
        resolve(text);
      };
      s.setTimeout(5000, () => done(''));
      s.once('data', (d) => done(d.toString('latin1')));
      s.on('error', () => done(''));
    });
  }

  it('answers 400 to HTTP/1.1 without Host and to an HTTP/0.9 request line, without waiting', async () => {
    const port = await freePort();
    await core().apply(gateway(port, [{ name: 'r', match: {}, action: { kind: 'direct', status: 200, body: 'ok' } }]));
    expect(await raw(port, 'GET / HTTP/1.1\r\nhost: a\r\n\r\n')).toMatch(/^HTTP\/1\.1 200/);
    expect(await raw(port, 'GET / HTTP/1.1\r\naccept: */*\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect(await raw(port, 'GET /\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect(await raw(port, 'GET / HTTP/1.0\r\n\r\n')).toMatch(/^HTTP\/1\.1 200/);
  });
});

describe('stream timeouts (Envoy\'s stream_idle_timeout and request_headers_timeout)', () => {
  it('a caller that stalls mid-body gets 408 stream timeout, and the upstream connection is released', async () => {
    const clock = new ManualClock();
    let upstreamClosed = false;
    let upstreamGotHead = false;
    const app = http.createServer((req) => {
      upstreamGotHead = true;
      req.socket.on('close', () => (upstreamClosed = true));
      req.resume();
    });
    const appPort = await serve(app);
    const port = await freePort();
    await core({ clock, streamIdleMs: 30_000 }).apply(gateway(port, [{ name: 'r', match: {}, action: forwardTo(APP, { retries: { attempts: 0, retryOn: [], retriableStatusCodes: [], retryOtherHosts: false } }) }], { [APP]: appCluster(appPort) }));
    const s = net.connect(port, '127.0.0.1', () => s.write('POST / HTTP/1.1\r\nhost: a\r\ncontent-length: 100\r\n\r\n0123456789'));
    cleanups.push(() => s.destroy());
    let answer = '';
    let closed = false;
    s.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    s.on('close', () => (closed = true));
    s.on('error', () => undefined);
    for (let i = 0; i < 200 && !upstreamGotHead; i++) await new Promise((r) => setTimeout(r, 10));
    expect(upstreamGotHead).toBe(true);
    // Within the timeout nothing happens; past it, the next idle sweep ends the stream.
    clock.advance(25_000);
    await new Promise((r) => setTimeout(r, 50));
    expect(answer).toBe('');
    clock.advance(10_000);
    for (let i = 0; i < 200 && !(closed && upstreamClosed); i++) await new Promise((r) => setTimeout(r, 10));
    expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n[\s\S]*\r\n\r\nstream timeout$/);
    expect(closed).toBe(true);
    expect(upstreamClosed).toBe(true);
  });

  it('a head that does not complete within request_headers_timeout gets 408', async () => {
    const clock = new ManualClock();
    const port = await freePort();
    await core({ clock, requestHeadersMs: 10_000 }).apply(gateway(port, [{ name: 'r', match: {}, action: { kind: 'direct', status: 200 } }]));
    const s = net.connect(port, '127.0.0.1', () => s.write('GET / HTTP/1.1\r\nhost: a\r\n'));
    cleanups.push(() => s.destroy());
    let answer = '';
    s.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    s.on('error', () => undefined);
    await new Promise((r) => setTimeout(r, 50));
    clock.advance(16_000);
    for (let i = 0; i < 200 && answer === ''; i++) await new Promise((r) => setTimeout(r, 10));
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });
});
