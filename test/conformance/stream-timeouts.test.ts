/**
 * Issue 10, point 8: Envoy's stream idle timeout and request headers timeout on both codecs. A
 * client that stalls mid-request (or an upstream that stalls mid-response) must not hold the
 * downstream and upstream connections forever: the stream is reset, the caller gets Envoy's local
 * reply when no response has started, the exchange is logged with flag SI, and the upstream
 * connection is closed. Timeouts here are short; every wait is bounded and none asserts speed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import { createProxyCore } from '../../src/proxy/index.js';
import type { HttpCodec } from '../../src/proxy/listeners.js';
import type { CodecTimeouts } from '../../src/proxy/h1/timeouts.js';
import type { RequestLogEntry } from '../../src/proxy/http/request-context.js';
import { freePort, listen } from '../support/ports.js';
import { RawClient, closeServer, gatewayConfig } from './harness.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `cond` until it holds or `ms` passed; the caller asserts on the result. */
async function waitFor(cond: () => boolean, ms = 5000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (cond()) return true;
    await sleep(20);
  }
  return cond();
}

/**
 * An upstream that records its connections and whether each closed. It answers nothing until
 * told to: `respond` decides what (if anything) goes back once a request head has arrived.
 */
class StallingUpstream {
  readonly server: net.Server;
  readonly connections: { socket: net.Socket; closed: boolean; bytes: string }[] = [];
  port = 0;

  constructor(respond: (socket: net.Socket) => void = () => undefined) {
    this.server = net.createServer((socket) => {
      const conn = { socket, closed: false, bytes: '' };
      this.connections.push(conn);
      let answered = false;
      socket.on('error', () => undefined);
      socket.on('close', () => {
        conn.closed = true;
      });
      socket.on('data', (d: Buffer) => {
        conn.bytes += d.toString('latin1');
        if (!answered && conn.bytes.includes('\r\n\r\n')) {
          answered = true;
          respond(socket);
        }
      });
    });
  }

  async start(): Promise<this> {
    this.port = await listen(this.server);
    return this;
  }

  async stop(): Promise<void> {
    for (const c of this.connections) c.socket.destroy();
    await closeServer(this.server);
  }
}

async function gateway(codec: HttpCodec, timeouts: CodecTimeouts, upstream: StallingUpstream): Promise<{ port: number; log: RequestLogEntry[] }> {
  const log: RequestLogEntry[] = [];
  const core = createProxyCore({ httpCodec: codec, codecTimeouts: timeouts, log: () => undefined, accessLog: (e) => log.push(e) });
  cleanups.push(() => core.stop());
  const port = await freePort();
  // Both clusters go to the stalling upstream: nothing here depends on the scripted one.
  await core.apply(gatewayConfig(port, upstream.port, upstream.port));
  return { port, log };
}

async function stallingUpstream(respond?: (socket: net.Socket) => void): Promise<StallingUpstream> {
  const upstream = await new StallingUpstream(respond).start();
  cleanups.push(() => upstream.stop());
  return upstream;
}

async function client(port: number): Promise<RawClient> {
  const c = await RawClient.connect(port);
  cleanups.push(() => c.close());
  return c;
}

const HEAD_AND_HALF_BODY = 'POST /m/stall HTTP/1.1\r\nHost: conformance.test\r\nContent-Length: 10\r\n\r\nhello';

describe.each(['lean', 'node'] as const)('%s codec', (codec) => {
  it('a request body that stalls is answered 408 "stream timeout", logged SI, and its upstream connection closed', async () => {
    const upstream = await stallingUpstream();
    const gw = await gateway(codec, { streamIdleTimeoutMs: 300 }, upstream);
    const c = await client(gw.port);
    await c.write(HEAD_AND_HALF_BODY);
    // The request reached the upstream before the stall: there is an upstream connection to release.
    expect(await waitFor(() => upstream.connections.some((u) => u.bytes.includes('hello')))).toBe(true);
    await c.closeIn();
    expect(c.closed).toBe(true);
    expect(c.responses.map((r) => [r.status, r.body, r.complete])).toEqual([[408, 'stream timeout', true]]);
    expect(await waitFor(() => upstream.connections.every((u) => u.closed)), 'upstream connection still open').toBe(true);
    expect(await waitFor(() => gw.log.length === 1)).toBe(true);
    expect(gw.log.map((e) => [e.status, e.flags])).toEqual([[408, 'SI']]);
  });

  it('a complete request whose upstream never answers gets 504 "stream timeout", as Envoy answers once the request is whole', async () => {
    const upstream = await stallingUpstream();
    const gw = await gateway(codec, { streamIdleTimeoutMs: 300 }, upstream);
    const c = await client(gw.port);
    await c.write('GET /m/silent HTTP/1.1\r\nHost: conformance.test\r\n\r\n');
    await c.closeIn();
    expect(c.responses.map((r) => [r.status, r.body])).toEqual([[504, 'stream timeout']]);
    expect(await waitFor(() => upstream.connections.length > 0 && upstream.connections.every((u) => u.closed))).toBe(true);
    expect(await waitFor(() => gw.log.length === 1)).toBe(true);
    expect(gw.log.map((e) => [e.status, e.flags])).toEqual([[504, 'SI']]);
  });

  it('a response that stalls after its head resets the downstream connection and closes the upstream one', async () => {
    const upstream = await stallingUpstream((s) => s.write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhel'));
    const gw = await gateway(codec, { streamIdleTimeoutMs: 300 }, upstream);
    const c = await client(gw.port);
    await c.write('GET /m/half-answer HTTP/1.1\r\nHost: conformance.test\r\n\r\n');
    await c.closeIn();
    expect(c.closed).toBe(true);
    // The head and the first bytes went out; the rest never comes, and the cut is visible.
    expect(c.responses.map((r) => [r.status, r.body, r.complete])).toEqual([[200, 'hel', false]]);
    expect(await waitFor(() => upstream.connections.length > 0 && upstream.connections.every((u) => u.closed))).toBe(true);
    expect(await waitFor(() => gw.log.length === 1)).toBe(true);
    expect(gw.log.map((e) => [e.status, e.flags])).toEqual([[200, 'SI']]);
  });

  it('a stream that keeps moving is not timed out', async () => {
    const upstream = await stallingUpstream((s) => s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'));
    const gw = await gateway(codec, { streamIdleTimeoutMs: 1000 }, upstream);
    const c = await client(gw.port);
    await c.write('POST /m/trickle HTTP/1.1\r\nHost: conformance.test\r\nContent-Length: 8\r\n\r\n');
    // Eight bytes, one every 100 ms: longer than the timeout in all, never idle for it.
    for (let i = 0; i < 8; i++) {
      await sleep(100);
      await c.write('x');
    }
    await c.responsesIn(1);
    expect(c.responses.map((r) => [r.status, r.body])).toEqual([[200, 'ok']]);
    expect(c.closed).toBe(false);
  });

  it('a request head that does not complete within the request headers timeout is answered 408 and closed', async () => {
    const upstream = await stallingUpstream();
    const gw = await gateway(codec, { requestHeadersTimeoutMs: 300, streamIdleTimeoutMs: 0 }, upstream);
    const c = await client(gw.port);
    await c.write('GET /m/slow-head HTTP/1.1\r\nHost: conformance.test\r\n');
    await c.closeIn();
    expect(c.closed).toBe(true);
    // Envoy's body; Node's own 408 for headersTimeout has none.
    expect(c.responses.map((r) => [r.status, r.body])).toEqual([[408, codec === 'lean' ? 'request header timeout' : '']]);
    expect(upstream.connections).toHaveLength(0);
  });
});

describe('lean codec: a head that stalls is a stream too', () => {
  it('is answered 408 "stream timeout" after the stream idle timeout, before the request headers limit', async () => {
    const upstream = await stallingUpstream();
    const gw = await gateway('lean', { streamIdleTimeoutMs: 300 }, upstream);
    const c = await client(gw.port);
    await c.write('GET /m/stalled-head HTTP/1.1\r\nHost: conf');
    await c.closeIn();
    expect(c.responses.map((r) => [r.status, r.body])).toEqual([[408, 'stream timeout']]);
    expect(upstream.connections).toHaveLength(0);
  });
});
