/**
 * Envoy's cluster circuit breakers for HTTP/1.1, with fake sockets: no network, every counter
 * checked after each step.
 */
import { describe, it, expect } from 'vitest';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type { ConnectionPoolConfig } from '../../compile/config.js';
import { CircuitBreaker, limitsOf, type Admission } from './circuit-breaker.js';

/** A socket as the breaker sees it: connecting until `connect()`, 'close' once on destroy. */
class FakeSocket extends EventEmitter {
  connecting = true;
  destroyed = false;
  connect(): void {
    this.connecting = false;
    this.emit('connect');
  }
  destroy(): this {
    if (this.destroyed) return this;
    this.destroyed = true;
    this.connecting = false;
    this.emit('close');
    return this;
  }
  get s(): Socket {
    return this as unknown as Socket;
  }
}


const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Starts an admission and reports whether it has settled yet. */
function track(offered: Admission | 'overflow' | Promise<Admission | 'overflow'>): { done: () => boolean; value: () => Promise<Admission | 'overflow'> } {
  let settled = false;
  const p = Promise.resolve(offered);
  void p.then(() => (settled = true));
  return { done: () => settled, value: () => p };
}

async function admitted(b: CircuitBreaker, host: string, signal?: AbortSignal): Promise<Admission> {
  const a = await b.admit(host, signal);
  if (a === 'overflow') throw new Error(`unexpected overflow for ${host}`);
  return a;
}

/** One request on a new connection that connects: admitted, socket given, connected. */
async function onNewConnection(b: CircuitBreaker, host: string): Promise<{ a: Admission; sock: FakeSocket }> {
  const a = await admitted(b, host);
  const sock = new FakeSocket();
  a.onSocket(sock.s);
  sock.connect();
  return { a, sock };
}

const counts = (b: CircuitBreaker): Omit<ReturnType<CircuitBreaker['snapshot']>, 'overflows'> => {
  const { active, pending, connections, retries } = b.snapshot();
  return { active, pending, connections, retries };
};

describe('limitsOf', () => {
  it('takes the pool limits and leaves absent ones unlimited', () => {
    const pool: ConnectionPoolConfig = { maxConnections: 3, maxPendingRequests: 4, maxRequests: 5, maxRetries: 6, maxRequestsPerConnection: 7 };
    expect(limitsOf(pool)).toEqual({ maxConnections: 3, maxPending: 4, maxRequests: 5, maxRetries: 6, maxRequestsPerConnection: 7 });
    expect(limitsOf(undefined)).toEqual({
      maxConnections: Number.MAX_SAFE_INTEGER,
      maxPending: Number.MAX_SAFE_INTEGER,
      maxRequests: Number.MAX_SAFE_INTEGER,
      maxRetries: Number.MAX_SAFE_INTEGER,
      maxRequestsPerConnection: 0,
    });
  });
});

describe('CircuitBreaker', () => {
  it('overflows the request beyond maxRequests in flight', async () => {
    const b = new CircuitBreaker({ maxRequests: 2 });
    const one = await onNewConnection(b, 'h1');
    const two = await onNewConnection(b, 'h1');
    expect(await b.admit('h1')).toBe('overflow');
    expect(b.snapshot()).toEqual({ active: 2, pending: 0, connections: 2, retries: 0, overflows: 1 });
    one.a.release(one.sock.s, true);
    // One slot free again: admitted (and it reuses the idle connection).
    const three = await admitted(b, 'h1');
    three.onSocket(one.sock.s);
    expect(counts(b)).toEqual({ active: 2, pending: 0, connections: 2, retries: 0 });
    three.release(one.sock.s, false);
    two.a.release(two.sock.s, false);
    expect(counts(b)).toEqual({ active: 0, pending: 0, connections: 0, retries: 0 });
  });

  it('holds a request as pending while its new connection connects, and drops it on connect', async () => {
    const b = new CircuitBreaker(undefined);
    const a = await admitted(b, 'h1');
    expect(counts(b)).toEqual({ active: 1, pending: 1, connections: 1, retries: 0 });
    const sock = new FakeSocket();
    a.onSocket(sock.s);
    expect(b.snapshot().pending).toBe(1);
    sock.connect();
    expect(counts(b)).toEqual({ active: 1, pending: 0, connections: 1, retries: 0 });
    a.release(sock.s, false);
    expect(sock.destroyed).toBe(true);
    expect(counts(b)).toEqual({ active: 0, pending: 0, connections: 0, retries: 0 });
  });

  it('overflows a new connection when maxPending requests already wait for theirs', async () => {
    const b = new CircuitBreaker({ maxPendingRequests: 1 });
    const first = await admitted(b, 'h1'); // connecting: pending
    expect(await b.admit('h1')).toBe('overflow');
    expect(b.snapshot()).toEqual({ active: 1, pending: 1, connections: 1, retries: 0, overflows: 1 });
    const sock = new FakeSocket();
    first.onSocket(sock.s);
    sock.connect();
    const second = await admitted(b, 'h1');
    expect(counts(b)).toEqual({ active: 2, pending: 1, connections: 2, retries: 0 });
    second.release(undefined, false);
    first.release(sock.s, false);
    expect(counts(b)).toEqual({ active: 0, pending: 0, connections: 0, retries: 0 });
  });

  it('with maxConnections 1 and maxPending 1: the second request waits, the third overflows, the waiter gets the kept-alive socket', async () => {
    const b = new CircuitBreaker({ maxConnections: 1, maxPendingRequests: 1 });
    const first = await onNewConnection(b, 'h1');
    expect(counts(b)).toEqual({ active: 1, pending: 0, connections: 1, retries: 0 });

    const second = track(b.admit('h1'));
    await flush();
    expect(second.done()).toBe(false);
    expect(counts(b)).toEqual({ active: 1, pending: 1, connections: 1, retries: 0 });

    expect(await b.admit('h1')).toBe('overflow');
    expect(b.snapshot().overflows).toBe(1);

    first.a.release(first.sock.s, true); // kept alive: idle, and the waiter wakes
    expect(first.sock.destroyed).toBe(false);
    await flush();
    expect(second.done()).toBe(true);
    const a2 = await second.value();
    if (a2 === 'overflow') throw new Error('second overflowed');
    // Admitted onto the idle connection: no new connection counted, pending until it has the socket.
    expect(counts(b)).toEqual({ active: 1, pending: 1, connections: 1, retries: 0 });
    a2.onSocket(first.sock.s);
    expect(counts(b)).toEqual({ active: 1, pending: 0, connections: 1, retries: 0 });
    a2.release(first.sock.s, false);
    expect(first.sock.destroyed).toBe(true);
    expect(b.snapshot()).toEqual({ active: 0, pending: 0, connections: 0, retries: 0, overflows: 1 });
  });

  it('a request that reuses an idle keep-alive socket is never pending and opens no connection', async () => {
    const b = new CircuitBreaker({ maxConnections: 1, maxPendingRequests: 1 });
    const first = await onNewConnection(b, 'h1');
    first.a.release(first.sock.s, true);
    expect(counts(b)).toEqual({ active: 0, pending: 0, connections: 1, retries: 0 });

    const again = await admitted(b, 'h1');
    expect(counts(b)).toEqual({ active: 1, pending: 0, connections: 1, retries: 0 });
    again.onSocket(first.sock.s);
    expect(counts(b)).toEqual({ active: 1, pending: 0, connections: 1, retries: 0 });
    again.release(first.sock.s, true);
    expect(counts(b)).toEqual({ active: 0, pending: 0, connections: 1, retries: 0 });
    // The idle socket closes (server's keep-alive timeout): its slot is free again.
    first.sock.destroy();
    expect(counts(b)).toEqual({ active: 0, pending: 0, connections: 0, retries: 0 });
    expect(b.snapshot().overflows).toBe(0);
  });

  it('frees the claimed idle socket when the request ends without using it', async () => {
    const b = new CircuitBreaker({ maxConnections: 1 });
    const first = await onNewConnection(b, 'h1');
    first.a.release(first.sock.s, true);
    const gone = await admitted(b, 'h1'); // claims the idle socket, then the client goes away
    gone.release(undefined, false);
    expect(counts(b)).toEqual({ active: 0, pending: 0, connections: 1, retries: 0 });
    // The socket is idle again: the next request reuses it at once instead of waiting.
    const next = track(b.admit('h1'));
    await flush();
    expect(next.done()).toBe(true);
    const a = await next.value();
    if (a === 'overflow') throw new Error('overflow');
    a.onSocket(first.sock.s);
    a.release(first.sock.s, false);
    expect(counts(b)).toEqual({ active: 0, pending: 0, connections: 0, retries: 0 });
  });

  it('gives back the connection slot of a request that never got a socket', async () => {
    const b = new CircuitBreaker({ maxConnections: 1 });
    const a = await admitted(b, 'h1');
    expect(counts(b)).toEqual({ active: 1, pending: 1, connections: 1, retries: 0 });
    a.release(undefined, false);
    a.release(undefined, false); // twice: counted once
    expect(counts(b)).toEqual({ active: 0, pending: 0, connections: 0, retries: 0 });
  });

  it('a connection that fails to connect frees its pending and its slot', async () => {
    const b = new CircuitBreaker({ maxConnections: 1 });
    const a = await admitted(b, 'h1');
    const sock = new FakeSocket();
    a.onSocket(sock.s);
    sock.destroy(); // refused: closes without connecting
    a.release(sock.s, false);
    expect(counts(b)).toEqual({ active: 0, pending: 0, connections: 0, retries: 0 });
  });

  it('maxRequestsPerConnection 1 closes the connection when its request ends, even when kept alive', async () => {
    const b = new CircuitBreaker({ maxRequestsPerConnection: 1 });
    const { a, sock } = await onNewConnection(b, 'h1');
    a.release(sock.s, true);
    expect(sock.destroyed).toBe(true);
    expect(counts(b)).toEqual({ active: 0, pending: 0, connections: 0, retries: 0 });
  });

  it('maxRequestsPerConnection 2 keeps the connection for a second request, then closes it', async () => {
    const b = new CircuitBreaker({ maxRequestsPerConnection: 2 });
    const { a, sock } = await onNewConnection(b, 'h1');
    a.release(sock.s, true);
    expect(sock.destroyed).toBe(false);
    const again = await admitted(b, 'h1');
    again.onSocket(sock.s);
    again.release(sock.s, true);
    expect(sock.destroyed).toBe(true);
    expect(counts(b)).toEqual({ active: 0, pending: 0, connections: 0, retries: 0 });
  });

  it('a socket that closed during the exchange is not put back as idle', async () => {
    const b = new CircuitBreaker(undefined);
    const { a, sock } = await onNewConnection(b, 'h1');
    sock.destroy();
    a.release(sock.s, true);
    expect(counts(b)).toEqual({ active: 0, pending: 0, connections: 0, retries: 0 });
    const next = await admitted(b, 'h1');
    expect(b.snapshot().pending).toBe(1); // needs a new connection
    next.release(undefined, false);
  });

  it('an aborted signal frees a waiting request with overflow', async () => {
    const b = new CircuitBreaker({ maxConnections: 1 });
    const first = await onNewConnection(b, 'h1');
    const ctl = new AbortController();
    const waiting = track(b.admit('h1', ctl.signal));
    await flush();
    expect(waiting.done()).toBe(false);
    expect(b.snapshot().pending).toBe(1);
    ctl.abort();
    expect(await waiting.value()).toBe('overflow');
    expect(b.snapshot()).toEqual({ active: 1, pending: 0, connections: 1, retries: 0, overflows: 1 });
    // A later wake-up does not resurrect it.
    first.a.release(first.sock.s, false);
    await flush();
    expect(b.snapshot()).toEqual({ active: 0, pending: 0, connections: 0, retries: 0, overflows: 1 });
  });

  it('wakes waiters one at a time: one gets the freed slot, the other keeps waiting', async () => {
    const b = new CircuitBreaker({ maxConnections: 1, maxPendingRequests: 5 });
    const first = await onNewConnection(b, 'h1');
    const w1 = track(b.admit('h1'));
    const w2 = track(b.admit('h1'));
    await flush();
    expect(counts(b)).toEqual({ active: 1, pending: 2, connections: 1, retries: 0 });
    first.a.release(first.sock.s, false); // closed: one slot for a new connection
    await flush();
    expect([w1.done(), w2.done()]).toEqual([true, false]);
    expect(counts(b)).toEqual({ active: 1, pending: 2, connections: 1, retries: 0 });
    const a1 = await w1.value();
    if (a1 === 'overflow') throw new Error('overflow');
    const s1 = new FakeSocket();
    a1.onSocket(s1.s);
    s1.connect();
    expect(counts(b)).toEqual({ active: 1, pending: 1, connections: 1, retries: 0 });
    a1.release(s1.s, true);
    await flush();
    expect(w2.done()).toBe(true);
    const a2 = await w2.value();
    if (a2 === 'overflow') throw new Error('overflow');
    a2.onSocket(s1.s);
    a2.release(s1.s, false);
    expect(counts(b)).toEqual({ active: 0, pending: 0, connections: 0, retries: 0 });
  });

  it("closes another host's idle connection so a request for a different host can connect", async () => {
    const b = new CircuitBreaker({ maxConnections: 1 });
    const onA = await onNewConnection(b, 'a');
    onA.a.release(onA.sock.s, true); // idle, holding the only slot
    const forB = track(b.admit('b'));
    await flush();
    expect(forB.done()).toBe(true);
    expect(onA.sock.destroyed).toBe(true);
    const ab = await forB.value();
    if (ab === 'overflow') throw new Error('overflow');
    expect(counts(b)).toEqual({ active: 1, pending: 1, connections: 1, retries: 0 });
    const sb = new FakeSocket();
    ab.onSocket(sb.s);
    sb.connect();
    ab.release(sb.s, false);
    expect(counts(b)).toEqual({ active: 0, pending: 0, connections: 0, retries: 0 });
  });

  it("closes another host's connection that goes idle while a request for a different host waits", async () => {
    const b = new CircuitBreaker({ maxConnections: 1 });
    const onA = await onNewConnection(b, 'a'); // busy
    const forB = track(b.admit('b'));
    await flush();
    expect(forB.done()).toBe(false);
    onA.a.release(onA.sock.s, true); // kept alive for host a, but b is waiting for the slot
    await flush();
    expect(onA.sock.destroyed).toBe(true);
    expect(forB.done()).toBe(true);
    const ab = await forB.value();
    if (ab === 'overflow') throw new Error('overflow');
    const sb = new FakeSocket();
    ab.onSocket(sb.s);
    sb.connect();
    expect(counts(b)).toEqual({ active: 1, pending: 0, connections: 1, retries: 0 });
    ab.release(sb.s, false);
    expect(counts(b)).toEqual({ active: 0, pending: 0, connections: 0, retries: 0 });
  });

  it('tryRetry admits up to maxRetries retries in flight; retryDone frees one', () => {
    const b = new CircuitBreaker({ maxRetries: 2 });
    expect([b.tryRetry(), b.tryRetry(), b.tryRetry()]).toEqual([true, true, false]);
    expect(b.snapshot().retries).toBe(2);
    b.retryDone();
    expect(b.tryRetry()).toBe(true);
    b.retryDone();
    b.retryDone();
    expect(b.snapshot().retries).toBe(0);
    // Retry overflow is not a request overflow.
    expect(b.snapshot().overflows).toBe(0);
  });

  it('update() applies new limits and lets waiters through', async () => {
    const b = new CircuitBreaker({ maxConnections: 1 });
    const first = await onNewConnection(b, 'h1');
    const w = track(b.admit('h1'));
    await flush();
    expect(w.done()).toBe(false);
    b.update({ maxConnections: 2 });
    await flush();
    expect(w.done()).toBe(true);
    const a = await w.value();
    if (a === 'overflow') throw new Error('overflow');
    expect(counts(b)).toEqual({ active: 2, pending: 1, connections: 2, retries: 0 });
    a.release(undefined, false);
    first.a.release(first.sock.s, false);
    expect(counts(b)).toEqual({ active: 0, pending: 0, connections: 0, retries: 0 });
  });

  it('counters return to zero after a mixed workload (no leak)', async () => {
    const b = new CircuitBreaker({ maxConnections: 2, maxPendingRequests: 10, maxRequests: 10, maxRequestsPerConnection: 3 });
    const sockets: FakeSocket[] = [];
    const run = async (host: string, keepAlive: boolean): Promise<void> => {
      const a = await admitted(b, host);
      const idle = sockets.find((s) => !s.destroyed && (s as FakeSocket & { host?: string }).host === host && !(s as FakeSocket & { busy?: boolean }).busy);
      const sock = idle ?? Object.assign(new FakeSocket(), { host });
      (sock as FakeSocket & { busy?: boolean }).busy = true;
      if (!idle) sockets.push(sock);
      a.onSocket(sock.s);
      if (sock.connecting) sock.connect();
      await flush();
      (sock as FakeSocket & { busy?: boolean }).busy = false;
      a.release(sock.s, keepAlive);
    };
    await Promise.all([run('a', true), run('a', true), run('b', true), run('a', false), run('b', true), run('a', true), run('b', true)]);
    expect(b.tryRetry()).toBe(true);
    b.retryDone();
    expect(b.snapshot().overflows).toBe(0);
    expect(b.snapshot().active).toBe(0);
    expect(b.snapshot().pending).toBe(0);
    const open = sockets.filter((s) => !s.destroyed).length;
    expect(b.snapshot().connections).toBe(open);
    for (const s of sockets) s.destroy();
    expect(counts(b)).toEqual({ active: 0, pending: 0, connections: 0, retries: 0 });
  });
});
