/**
 * Review of the lean HTTP/1.1 codec (src/proxy/h1/) beyond framing conformance: backpressure in
 * both directions, connection lifecycle after aborts and timeouts, circuit-breaker accounting,
 * retries and mirrors with buffered bodies, and the downstream server's connection management.
 *
 * The tests under "defects found in review" each reproduce a defect the review found (now fixed);
 * the others are regression tests for behaviour no other suite asserts.
 */
import { describe, it, expect, afterEach } from 'vitest';
import net from 'node:net';
import { listen, freePort } from '../support/ports.js';
import http from 'node:http';
import { createHash } from 'node:crypto';
import type { ClusterConfig, ProxyConfig, RouteConfig } from '../../src/compile/config.js';
import { createProxyCore, type ProxyCore } from '../../src/proxy/index.js';
import { ListenerManager } from '../../src/proxy/listeners.js';
import { ProxyRuntime } from '../../src/proxy/runtime/proxy-runtime.js';
import { UpstreamHosts } from '../../src/proxy/runtime/upstream.js';
import { ClusterStates } from '../../src/proxy/runtime/cluster-state.js';
import { ManualClock, systemClock, type Clock } from '../../src/proxy/clock.js';

// ---------------------------------------------------------------------------------------------
// Plumbing
// ---------------------------------------------------------------------------------------------

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});



/** A server that is closed (and its connections destroyed) after the test. */
async function serve<T extends net.Server>(server: T): Promise<number> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const port = await listen(server);
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  );
  return port;
}

function track(socket: net.Socket): net.Socket {
  cleanups.push(() => socket.destroy());
  return socket;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitFor(cond: () => boolean | Promise<boolean>, ms = 3000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await cond()) return true;
    await sleep(20);
  }
  return cond();
}

const APP = 'outbound|80||app.test.svc.cluster.local';
const MIRROR = 'outbound|80||shadow.test.svc.cluster.local';
const NO_RETRIES = { attempts: 0, retryOn: [], retriableStatusCodes: [], retryOtherHosts: false };

interface ProxyOpts {
  appPort: number;
  route?: Partial<RouteConfig>;
  action?: Partial<Extract<RouteConfig['action'], { kind: 'forward' }>>;
  cluster?: Partial<ClusterConfig>;
  mirrorPort?: number;
}

function config(listenPort: number, o: ProxyOpts): ProxyConfig {
  const clusters: Record<string, ClusterConfig> = {
    [APP]: { name: APP, service: 'app.test.svc.cluster.local', port: 80, lb: 'ROUND_ROBIN', endpoints: [{ address: '127.0.0.1', port: o.appPort, labels: {}, sidecar: false, weight: 1 }], ...o.cluster },
  };
  if (o.mirrorPort !== undefined) clusters[MIRROR] = { name: MIRROR, service: 'shadow.test.svc.cluster.local', port: 80, lb: 'ROUND_ROBIN', endpoints: [{ address: '127.0.0.1', port: o.mirrorPort, labels: {}, sidecar: false, weight: 1 }] };
  return {
    version: '1',
    node: { id: 'client-0.test', role: 'sidecar', pod: 'client-0', namespace: 'test', labels: {}, serviceAccount: 'default' },
    listeners: [{ name: 'outbound', direction: 'outbound', address: '127.0.0.1', port: listenPort, protocol: 'HTTP', routeTablePrefix: '' }],
    routes: {
      '80': {
        name: '80',
        virtualHosts: [
          {
            name: 'app.test.svc.cluster.local:80',
            domains: ['app', 'app.test.svc.cluster.local'],
            routes: [
              {
                name: 'default',
                match: {},
                ...(o.mirrorPort !== undefined ? { mirrors: [{ cluster: MIRROR, percent: 100 }] } : {}),
                ...o.route,
                action: { kind: 'forward', clusters: [{ cluster: APP, weight: 100 }], totalWeight: 100, retries: NO_RETRIES, ...o.action },
              },
            ],
          },
        ],
      },
    },
    clusters,
    outboundTrafficPolicy: 'ALLOW_ANY',
  };
}

interface Proxy {
  port: number;
  core: ProxyCore;
  /** The app cluster's circuit-breaker counters, read from the admin endpoint. */
  breaker(): Promise<{ active: number; pending: number; connections: number; retries: number }>;
}

async function startProxy(o: ProxyOpts, clock?: Clock): Promise<Proxy> {
  const port = await freePort();
  const adminPort = await freePort();
  const core = createProxyCore({ httpCodec: 'lean', log: () => undefined, adminPort, ...(clock ? { clock } : {}) });
  cleanups.push(() => core.stop());
  await core.apply(config(port, o));
  const breaker = async (): Promise<{ active: number; pending: number; connections: number; retries: number }> => {
    const text = await new Promise<string>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port: adminPort, path: '/clusters', agent: false }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (body += d));
          res.on('end', () => resolve(body));
        })
        .on('error', reject);
    });
    const states = JSON.parse(text) as { name: string; circuitBreaker: { active: number; pending: number; connections: number; retries: number } }[];
    const app = states.find((s) => s.name === APP);
    if (!app) throw new Error('no app cluster in /clusters');
    return app.circuitBreaker;
  };
  // The admin endpoint listens asynchronously.
  await waitFor(async () => {
    try {
      await breaker();
      return true;
    } catch {
      return false;
    }
  });
  return { port, core, breaker };
}

/** Counts complete HTTP responses (Content-Length or chunked framing) in raw bytes. */
function parseResponses(raw: Buffer): { status: number; headers: Record<string, string>; body: Buffer }[] {
  const out: { status: number; headers: Record<string, string>; body: Buffer }[] = [];
  let off = 0;
  while (off < raw.length) {
    const headEnd = raw.indexOf('\r\n\r\n', off);
    if (headEnd < 0) break;
    const lines = raw.toString('latin1', off, headEnd).split('\r\n');
    const status = Number(lines[0]?.split(' ')[1]);
    const headers: Record<string, string> = {};
    for (const l of lines.slice(1)) {
      const c = l.indexOf(':');
      headers[l.slice(0, c).toLowerCase()] = l.slice(c + 1).trim();
    }
    let pos = headEnd + 4;
    let body: Buffer = Buffer.alloc(0);
    if (headers['content-length'] !== undefined) {
      const n = Number(headers['content-length']);
      if (raw.length < pos + n) break;
      body = raw.subarray(pos, pos + n);
      pos += n;
    } else if (headers['transfer-encoding'] === 'chunked') {
      const parts: Buffer[] = [];
      let ok = false;
      for (;;) {
        const eol = raw.indexOf('\r\n', pos);
        if (eol < 0) break;
        const size = parseInt(raw.toString('latin1', pos, eol), 16);
        pos = eol + 2;
        if (size === 0) {
          pos += 2;
          ok = true;
          break;
        }
        parts.push(raw.subarray(pos, pos + size));
        pos += size + 2;
      }
      if (!ok) break;
      body = Buffer.concat(parts);
    }
    out.push({ status, headers, body });
    off = pos;
  }
  return out;
}

/** Writes `bytes`, optionally half-closes, and collects everything until the proxy closes or `ms` pass. */
function exchange(port: number, bytes: string | Buffer, opts: { halfClose?: boolean; ms?: number } = {}): Promise<Buffer> {
  return new Promise((resolve) => {
    const socket = track(net.connect({ port, host: '127.0.0.1', allowHalfOpen: true }));
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(), opts.ms ?? 3000);
    socket.on('connect', () => {
      socket.write(bytes);
      if (opts.halfClose) socket.end();
    });
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', () => undefined);
    socket.on('end', () => socket.end());
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
  });
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

// ---------------------------------------------------------------------------------------------
// Defects
// ---------------------------------------------------------------------------------------------

describe('lean codec review: defects found in review', () => {
  // Found in review (server.ts onEnd / next): a client that pipelines requests and then half-closes
  // (`printf 'GET..GET..' | nc`) gets only the first answer. onEnd sets `closing` while the first
  // response is outstanding; next() then sees `closing` and ends the socket, dropping the
  // pipelined requests already held in `backlog`. Node's server answers all of them.
  it('answers every pipelined request when the client half-closes after sending them', async () => {
    const app = http.createServer((req, res) => setTimeout(() => res.end(`saw ${req.url}`), 30));
    const proxy = await startProxy({ appPort: await serve(app) });
    const raw = await exchange(proxy.port, 'GET /1 HTTP/1.1\r\nHost: app\r\n\r\nGET /2 HTTP/1.1\r\nHost: app\r\n\r\n', { halfClose: true });
    const responses = parseResponses(raw);
    expect(responses.map((r) => r.body.toString())).toEqual(['saw /1', 'saw /2']);
  });

  // Regression (found in this review, fixed meanwhile by 5e74903): the CONNECT hand-over used to
  // removeAllListeners('close'), dropping listeners.ts's socket tracking, so every tunnelled
  // connection stayed in the listener's socket set after it closed.
  it('forgets a CONNECT connection once it closes', async () => {
    const app = http.createServer((_req, res) => res.end('ok'));
    const appPort = await serve(app);
    const echo = net.createServer((s) => s.pipe(s));
    const echoPort = await serve(echo);
    const port = await freePort();
    const cfg = config(port, { appPort });
    const hosts = new UpstreamHosts(systemClock);
    const runtime = new ProxyRuntime(cfg, hosts, new ClusterStates(systemClock), systemClock);
    const manager = new ListenerManager(() => runtime, hosts, () => cfg.node, undefined, 'lean');
    cleanups.push(async () => {
      await manager.closeAll();
      hosts.closeAll();
    });
    await manager.reconcile(cfg.listeners);
    const open = (manager as unknown as { open: Map<string, { sockets: Set<net.Socket> }> }).open;
    const sockets = [...open.values()][0]?.sockets;
    expect(sockets).toBeDefined();

    // One CONNECT passthrough tunnel, used and closed by the client.
    await new Promise<void>((resolve) => {
      const s = track(net.connect(port, '127.0.0.1'));
      s.on('connect', () => s.write(`CONNECT 127.0.0.1:${echoPort} HTTP/1.1\r\nHost: 127.0.0.1:${echoPort}\r\n\r\n`));
      s.on('data', () => s.destroy());
      s.on('error', () => undefined);
      s.on('close', () => resolve());
    });
    // A plain keep-alive connection, closed by the client, as a control.
    await exchange(port, 'GET / HTTP/1.1\r\nHost: app\r\nConnection: close\r\n\r\n');
    expect(await waitFor(() => sockets?.size === 0, 1500)).toBe(true);
  });

  // Found in review (forward.ts run / upstream-attempt.ts attempt): when the upstream request head cannot be
  // written (pool.request throws HeaderValueError, e.g. a header op value with a line break), run()
  // rejects between `host.active++`/breaker admission and finishAttempt: the catch sends 503 but the
  // admission is never released (breaker active stays 1, connections 1) and the UpstreamConnection
  // keeps `callbacks` set forever (neither pooled nor destroyed). Fix: wrap pool.request in attempt()
  // and settle {kind:'reset'} (destroying the connection), or release in a finally.
  it('releases the circuit breaker when the upstream head cannot be written', async () => {
    const app = http.createServer((_req, res) => res.end('ok'));
    const proxy = await startProxy({ appPort: await serve(app), route: { headers: { requestSet: { 'x-bad': 'a\nb' } } }, cluster: { connectionPool: { maxConnections: 10 } } });
    const raw = await exchange(proxy.port, 'GET / HTTP/1.1\r\nHost: app\r\nConnection: close\r\n\r\n');
    expect(parseResponses(raw)[0]?.status).toBe(503);
    await waitFor(async () => (await proxy.breaker()).active === 0, 1000);
    expect(await proxy.breaker()).toMatchObject({ active: 0, pending: 0, connections: 0 });
  });

  // Found in review (server.ts responseFinished): after a response with `connection: close` the proxy half-
  // closes (socket.end()) but keeps `res` set, so the idle sweeper treats the connection as busy
  // forever. A client that never closes its side holds the proxy's socket indefinitely (Node's
  // server destroys it once the response is flushed). Same for refuse() after a partial request.
  // Fix: destroySoon-style close (destroy on 'finish' of the write side), or clear res / let sweep
  // reap `closing` connections.
  it('reclaims a connection answered with connection: close even if the client never closes', async () => {
    const app = http.createServer((_req, res) => res.end('ok'));
    const clock = new ManualClock();
    const proxy = await startProxy({ appPort: await serve(app) }, clock);
    const open = (bytes: string): Promise<{ socket: net.Socket; gone: () => boolean; got: () => string }> =>
      new Promise((resolve) => {
        const s = track(net.connect({ port: proxy.port, host: '127.0.0.1', allowHalfOpen: true }));
        let gone = false;
        let got = '';
        s.on('data', (d: Buffer) => (got += d.toString()));
        s.on('error', () => (gone = true));
        s.on('close', () => (gone = true));
        s.on('connect', () => {
          s.write(bytes);
          resolve({ socket: s, gone: () => gone, got: () => got });
        });
      });
    const keptAlive = await open('GET / HTTP/1.1\r\nHost: app\r\n\r\n');
    const toldClose = await open('GET / HTTP/1.1\r\nHost: app\r\nConnection: close\r\n\r\n');
    expect(await waitFor(() => keptAlive.got().includes('ok') && toldClose.got().includes('ok'))).toBe(true);
    // Past the 60 s idle timeout, on the proxy's clock: its sweeper runs on the way.
    clock.advance(120_000);
    // A socket the proxy really closed answers further bytes with a reset (seen on the next write);
    // a half-open one swallows them.
    for (let i = 0; i < 3; i++) {
      for (const c of [keptAlive, toldClose]) if (!c.gone()) c.socket.write('x');
      await sleep(100);
    }
    await waitFor(() => keptAlive.gone() && toldClose.gone(), 1000);
    // The control: an idle keep-alive connection is swept.
    expect(keptAlive.gone()).toBe(true);
    expect(toldClose.gone()).toBe(true);
  }, 10_000);

  // Found in review (server.ts LeanResponse.onDrain + forward.ts relay / client.ts send): every write that
  // returns false adds another `once('drain')` listener. A chunked upstream response carries many
  // chunks per read, all written after the first refusal, so a slow reader piles up hundreds of
  // 'drain' listeners on one socket (MaxListenersExceededWarning). Fix: register one drain listener
  // per pause (a `waitingForDrain` flag) and stop writing once paused.
  it('does not pile up drain listeners while a slow reader takes a chunked response', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error): void => {
      if (w.name === 'MaxListenersExceededWarning' && w.message.includes('drain')) warnings.push(w.message);
    };
    process.on('warning', onWarning);
    cleanups.push(() => process.off('warning', onWarning));
    const chunk = Buffer.alloc(200, 'x');
    const frame = Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]);
    const batch = Buffer.concat(Array.from({ length: 300 }, () => frame));
    const total = 48 * 1024 * 1024;
    const upstream = net.createServer((s) => {
      s.once('data', () => {
        s.write('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n');
        let sent = 0;
        const pump = (): void => {
          while (sent < total) {
            sent += chunk.length * 300;
            if (!s.write(batch)) {
              s.once('drain', pump);
              return;
            }
          }
          s.end('0\r\n\r\n');
        };
        pump();
      });
      s.on('error', () => undefined);
    });
    const proxy = await startProxy({ appPort: await serve(upstream) });
    const client = track(net.connect(proxy.port, '127.0.0.1'));
    client.on('error', () => undefined);
    client.write('GET /big HTTP/1.1\r\nHost: app\r\n\r\n');
    // Read a little, then stop reading: the proxy's downstream socket backs up.
    client.once('data', () => client.pause());
    await sleep(1500);
    client.resume();
    await sleep(300);
    expect(warnings).toHaveLength(0);
  }, 10_000);

  // Found in review (client.ts send / server.ts responseFinished): when the upstream answers before it has
  // read the whole streamed request body and stops reading (413 without reading, keep-alive), the
  // response finishes downstream but the request body keeps being forwarded: discard() resumes the
  // downstream socket, yet the sink still writes to the upstream socket, whose backpressure pauses
  // the downstream again. The caller's upload stalls forever and the connection is never closed or
  // drained (Envoy resets the upstream stream and closes the downstream connection).
  // Fix: once the response is finished and the request is incomplete, stop forwarding (detach the
  // sink / abort the upstream exchange) and either discard the rest or close the connection.
  it('does not stall the caller when the upstream answers early and stops reading the body', async () => {
    const upstream = net.createServer((s) => {
      s.once('data', () => {
        s.write('HTTP/1.1 413 Payload Too Large\r\ncontent-length: 0\r\n\r\n');
        s.pause();
      });
      s.on('error', () => undefined);
    });
    const proxy = await startProxy({ appPort: await serve(upstream) });
    const size = 64 * 1024 * 1024;
    const client = track(net.connect(proxy.port, '127.0.0.1'));
    client.on('error', () => undefined);
    let closed = false;
    let got = '';
    client.on('close', () => (closed = true));
    client.on('data', (d: Buffer) => (got += d.toString()));
    await new Promise((r) => client.once('connect', r));
    client.write(`POST /upload HTTP/1.1\r\nHost: app\r\nContent-Length: ${size}\r\n\r\n`);
    const piece = Buffer.alloc(64 * 1024, 'y');
    let written = 0;
    let allFlushed = false;
    const pump = (): void => {
      while (written < size) {
        written += piece.length;
        if (!client.write(piece)) {
          client.once('drain', pump);
          return;
        }
      }
      client.write(Buffer.alloc(0), () => (allFlushed = true));
    };
    pump();
    expect(await waitFor(() => got.includes(' 413 '), 3000)).toBe(true);
    // After the answer the caller must not be left hanging: the rest of its body is taken (and
    // dropped) or the connection is closed.
    expect(await waitFor(() => allFlushed || closed, 4000)).toBe(true);
  }, 10_000);
});

// ---------------------------------------------------------------------------------------------
// Regression tests (pass)
// ---------------------------------------------------------------------------------------------

describe('lean codec review: regression', () => {
  it('returns breaker counts to zero after callers leave mid-response, mid-request, and after a route timeout', async () => {
    const app = http.createServer((req, res) => {
      if (req.url === '/stream') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        const t = setInterval(() => res.write('x'.repeat(1024)), 10);
        res.on('close', () => clearInterval(t));
        return;
      }
      if (req.url === '/slow') {
        const t = setTimeout(() => res.end('late'), 2000);
        res.on('close', () => clearTimeout(t));
        return;
      }
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    const proxy = await startProxy({ appPort: await serve(app), action: { timeoutMs: 200 }, cluster: { connectionPool: { maxConnections: 100 } } });

    // 1. Caller leaves mid-response.
    await new Promise<void>((resolve) => {
      const s = track(net.connect(proxy.port, '127.0.0.1'));
      s.on('error', () => undefined);
      s.write('GET /stream HTTP/1.1\r\nHost: app\r\n\r\n');
      let n = 0;
      s.on('data', (d: Buffer) => {
        n += d.length;
        if (n > 4096) {
          s.destroy();
          resolve();
        }
      });
    });
    // 2. Caller leaves mid-request-body (streamed: no retries).
    await new Promise<void>((resolve) => {
      const s = track(net.connect(proxy.port, '127.0.0.1'));
      s.on('error', () => undefined);
      s.write('POST /upload HTTP/1.1\r\nHost: app\r\nContent-Length: 100000\r\n\r\n' + 'z'.repeat(5000));
      setTimeout(() => {
        s.destroy();
        resolve();
      }, 150);
    });
    // 3. Route timeout fires before the upstream answers.
    const raw = await exchange(proxy.port, 'GET /slow HTTP/1.1\r\nHost: app\r\nConnection: close\r\n\r\n');
    expect(parseResponses(raw)[0]?.status).toBe(504);

    expect(await waitFor(async () => {
      const b = await proxy.breaker();
      return b.active === 0 && b.pending === 0 && b.connections === 0;
    }, 3000)).toBe(true);

    // And the cluster still serves normally afterwards, reusing one connection.
    const ok = await exchange(proxy.port, 'GET /a HTTP/1.1\r\nHost: app\r\n\r\nGET /b HTTP/1.1\r\nHost: app\r\nConnection: close\r\n\r\n');
    expect(parseResponses(ok).map((r) => r.status)).toEqual([200, 200]);
    expect(await waitFor(async () => (await proxy.breaker()).active === 0)).toBe(true);
    expect(await proxy.breaker()).toMatchObject({ active: 0, pending: 0 });
    expect((await proxy.breaker()).connections).toBeLessThanOrEqual(1);
  }, 15_000);

  it('streams a large body both ways through a slow reader without loss or reordering', async () => {
    // The app echoes the request body back as it arrives.
    const app = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      req.pipe(res);
    });
    const proxy = await startProxy({ appPort: await serve(app) });
    const size = 24 * 1024 * 1024;
    const body = Buffer.alloc(size);
    for (let i = 0; i < size; i += 4) body.writeUInt32LE(i, i);
    const result = await new Promise<{ status: number; digest: string; length: number }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: proxy.port, method: 'PUT', path: '/echo', headers: { host: 'app', 'content-length': size }, agent: false }, (res) => {
        const hash = createHash('sha256');
        let length = 0;
        // A slow reader: pauses for a while every few hundred KB.
        let sincePause = 0;
        res.on('data', (d: Buffer) => {
          hash.update(d);
          length += d.length;
          sincePause += d.length;
          if (sincePause > 512 * 1024) {
            sincePause = 0;
            res.pause();
            setTimeout(() => res.resume(), 15);
          }
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, digest: hash.digest('hex'), length }));
        res.on('error', reject);
      });
      req.on('error', reject);
      // Written in pieces, honouring backpressure.
      let off = 0;
      const pump = (): void => {
        while (off < size) {
          const piece = body.subarray(off, off + 256 * 1024);
          off += piece.length;
          if (!req.write(piece)) {
            req.once('drain', pump);
            return;
          }
        }
        req.end();
      };
      pump();
    });
    expect(result.status).toBe(200);
    expect(result.length).toBe(size);
    expect(result.digest).toBe(sha(body));
  }, 20_000);

  it('retries a POST with its whole buffered body, and the mirror gets the same body without touching the caller', async () => {
    const seen: string[] = [];
    let calls = 0;
    const app = http.createServer((req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (d: Buffer) => parts.push(d));
      req.on('end', () => {
        const text = Buffer.concat(parts).toString();
        seen.push(`${req.headers['x-envoy-attempt-count']}:${text.length}:${sha(Buffer.from(text)).slice(0, 8)}`);
        calls++;
        if (calls === 1) {
          res.writeHead(503, { 'content-length': 4 });
          res.end('oops');
          return;
        }
        res.end(`got ${text.length}`);
      });
    });
    const mirrored: string[] = [];
    // The mirror takes the body and then never answers: the caller must not wait for it.
    const shadow = http.createServer((req) => {
      const parts: Buffer[] = [];
      req.on('data', (d: Buffer) => parts.push(d));
      req.on('end', () => mirrored.push(`${req.headers.host}:${Buffer.concat(parts).length}`));
    });
    const proxy = await startProxy({ appPort: await serve(app), mirrorPort: await serve(shadow), action: { retries: { attempts: 2, retryOn: ['5xx'], retriableStatusCodes: [], retryOtherHosts: false, backoffMs: 1 } } });
    const payload = 'p'.repeat(300_000);
    const raw = await exchange(proxy.port, `POST /submit HTTP/1.1\r\nHost: app\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${(100_000).toString(16)}\r\n${payload.slice(0, 100_000)}\r\n${(200_000).toString(16)}\r\n${payload.slice(100_000)}\r\n0\r\n\r\n`);
    const [res] = parseResponses(raw);
    expect(res?.status).toBe(200);
    expect(res?.body.toString()).toBe('got 300000');
    const digest = sha(Buffer.from(payload)).slice(0, 8);
    expect(seen).toEqual([`1:300000:${digest}`, `2:300000:${digest}`]);
    expect(await waitFor(() => mirrored.length === 1)).toBe(true);
    expect(mirrored[0]).toBe('app-shadow:300000');
    expect(await proxy.breaker()).toMatchObject({ active: 0, pending: 0, retries: 0 });
  }, 10_000);

  it('keeps pipelined responses in order when the first is the slowest, and a body-less 204/304/HEAD does not break framing', async () => {
    const app = http.createServer((req, res) => {
      if (req.url === '/slow') setTimeout(() => res.end('slow'), 150);
      else if (req.url === '/204') {
        res.writeHead(204);
        res.end();
      } else if (req.url === '/304') {
        res.writeHead(304, { etag: '"x"' });
        res.end();
      } else res.end(`fast ${req.method} ${req.url}`);
    });
    const proxy = await startProxy({ appPort: await serve(app) });
    const raw = await exchange(
      proxy.port,
      'GET /slow HTTP/1.1\r\nHost: app\r\n\r\n' +
        'GET /204 HTTP/1.1\r\nHost: app\r\n\r\n' +
        'HEAD /h HTTP/1.1\r\nHost: app\r\n\r\n' +
        'GET /304 HTTP/1.1\r\nHost: app\r\n\r\n' +
        'GET /last HTTP/1.1\r\nHost: app\r\nConnection: close\r\n\r\n',
    );
    // HEAD's response carries the GET's length but no body; parse it by hand around that.
    const text = raw.toString('latin1');
    const statuses = [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1]);
    expect(statuses).toEqual(['200', '204', '200', '304', '200']);
    expect(text.indexOf('slow')).toBeLessThan(text.indexOf('HTTP/1.1 204'));
    expect(text.endsWith('fast GET /last')).toBe(true);
  });

  it('answers an HTTP/1.0 request without a length by closing, and keeps a 1.0 keep-alive with a length open', async () => {
    const app = http.createServer((req, res) => {
      if (req.url === '/nolength') {
        res.writeHead(200);
        res.write('part1,');
        setTimeout(() => res.end('part2'), 20);
      } else res.end('sized');
    });
    const proxy = await startProxy({ appPort: await serve(app) });
    const closeFramed = await exchange(proxy.port, 'GET /nolength HTTP/1.0\r\nHost: app\r\nConnection: keep-alive\r\n\r\n');
    const text = closeFramed.toString('latin1');
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
    expect(text.toLowerCase()).toContain('connection: close');
    expect(text.toLowerCase()).not.toContain('transfer-encoding');
    expect(text.endsWith('\r\n\r\npart1,part2')).toBe(true);

    const kept = await exchange(proxy.port, 'GET /a HTTP/1.0\r\nHost: app\r\nConnection: keep-alive\r\n\r\nGET /b HTTP/1.0\r\nHost: app\r\n\r\n');
    const rs = parseResponses(kept);
    expect(rs.map((r) => r.body.toString())).toEqual(['sized', 'sized']);
    expect(rs[0]?.headers.connection).toBe('keep-alive');
    expect(rs[1]?.headers.connection).toBe('close');
  });
});
