/**
 * Plumbing for the HTTP/1.1 conformance suite: raw-socket clients and upstreams that see exactly the
 * bytes on the wire, a proxy configuration that routes everything to them, and Node's and the lean
 * codec's upstream clients behind one outcome type so the two can be compared case by case.
 */
import http from 'node:http';
import net from 'node:net';
import type { ProxyConfig, RouteConfig } from '../../src/compile/config.js';
import { UpstreamPool } from '../../src/proxy/h1/client.js';

/** Every exchange is bounded by this; a case that runs into it is recorded as such, never awaited longer. */
export const CASE_TIMEOUT_MS = 2500;

import { listen } from '../support/ports.js';

export function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
  });
}

// ---------------------------------------------------------------------------------------------
// A small, lenient HTTP/1.1 reader for the test's own side of each connection. It only has to
// understand what a proxy writes (CRLF lines, Content-Length or chunked), and it must report a
// message cut short instead of guessing, because "truncated" is a result the suite asserts on.
// ---------------------------------------------------------------------------------------------

interface WireMessage {
  /** Request line or status line, as sent. */
  startLine: string;
  headers: [string, string][];
  body: Buffer;
  complete: boolean;
}

type BodyFraming = { kind: 'none' } | { kind: 'length'; length: number } | { kind: 'chunked' } | { kind: 'close' };

function header(headers: readonly [string, string][], name: string): string | undefined {
  const hit = headers.find(([n]) => n.toLowerCase() === name);
  return hit?.[1];
}

/** Reads a chunked body from `buf` at `off`: the data, and the offset after it, or undefined when incomplete or garbled. */
function readChunked(buf: Buffer, off: number): { body: Buffer; end: number } | undefined {
  const parts: Buffer[] = [];
  let pos = off;
  for (;;) {
    const eol = buf.indexOf('\r\n', pos);
    if (eol < 0) return undefined;
    const size = parseInt(buf.toString('latin1', pos, eol).split(';')[0] ?? '', 16);
    if (!Number.isFinite(size)) return undefined;
    pos = eol + 2;
    if (size === 0) {
      // Trailers, if any, end with an empty line.
      for (;;) {
        const lineEnd = buf.indexOf('\r\n', pos);
        if (lineEnd < 0) return undefined;
        const empty = lineEnd === pos;
        pos = lineEnd + 2;
        if (empty) return { body: Buffer.concat(parts), end: pos };
      }
    }
    if (buf.length < pos + size + 2) return undefined;
    parts.push(buf.subarray(pos, pos + size));
    pos += size + 2;
  }
}

/**
 * Splits `buf` into messages. `framing` decides how the body of each head is delimited; the last
 * message may be incomplete (it is then returned with `complete: false` and what arrived of it).
 */
function readMessages(buf: Buffer, framing: (startLine: string, headers: [string, string][]) => BodyFraming, ended: boolean): WireMessage[] {
  const out: WireMessage[] = [];
  let off = 0;
  while (off < buf.length) {
    // Empty lines between messages carry nothing.
    if (buf[off] === 13 && buf[off + 1] === 10) {
      off += 2;
      continue;
    }
    const headEnd = buf.indexOf('\r\n\r\n', off);
    if (headEnd < 0) {
      out.push({ startLine: buf.toString('latin1', off, buf.indexOf('\r\n', off) < 0 ? buf.length : buf.indexOf('\r\n', off)), headers: [], body: Buffer.alloc(0), complete: false });
      return out;
    }
    const lines = buf.toString('latin1', off, headEnd).split('\r\n');
    const startLine = lines[0] ?? '';
    const headers: [string, string][] = lines.slice(1).map((l) => {
      const colon = l.indexOf(':');
      return colon < 0 ? [l, ''] : [l.slice(0, colon), l.slice(colon + 1).trim()];
    });
    const bodyStart = headEnd + 4;
    const f = framing(startLine, headers);
    if (f.kind === 'none') {
      out.push({ startLine, headers, body: Buffer.alloc(0), complete: true });
      off = bodyStart;
    } else if (f.kind === 'length') {
      const complete = buf.length >= bodyStart + f.length;
      out.push({ startLine, headers, body: buf.subarray(bodyStart, Math.min(buf.length, bodyStart + f.length)), complete });
      if (!complete) return out;
      off = bodyStart + f.length;
    } else if (f.kind === 'chunked') {
      const chunked = readChunked(buf, bodyStart);
      if (!chunked) {
        out.push({ startLine, headers, body: buf.subarray(bodyStart), complete: false });
        return out;
      }
      out.push({ startLine, headers, body: chunked.body, complete: true });
      off = chunked.end;
    } else {
      out.push({ startLine, headers, body: buf.subarray(bodyStart), complete: ended });
      return out;
    }
  }
  return out;
}

function messageFraming(headers: readonly [string, string][], otherwise: BodyFraming): BodyFraming {
  if (header(headers, 'transfer-encoding')?.toLowerCase().includes('chunked')) return { kind: 'chunked' };
  const cl = header(headers, 'content-length');
  if (cl !== undefined) return { kind: 'length', length: Number(cl) };
  return otherwise;
}

export interface ClientResponse {
  status: number;
  headers: [string, string][];
  body: string;
  complete: boolean;
}

/**
 * One raw connection to a listener. Everything it does is bounded by one deadline, so a case that
 * a proxy neither answers nor closes ends as "timed out" rather than hanging the suite.
 */
export class RawClient {
  private received = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  private readonly deadline: NodeJS.Timeout;
  closed = false;
  /** The proxy finished its side; with `allowHalfOpen` this comes without `closed`. */
  peerEnded = false;
  timedOut = false;
  /** The statuses of 1xx responses, in order. */
  interim: number[] = [];
  responses: ClientResponse[] = [];

  private constructor(
    readonly socket: net.Socket,
    private readonly headRequests: ReadonlySet<number>,
  ) {
    socket.on('data', (d: Buffer) => {
      this.received = Buffer.concat([this.received, d]);
      this.parse();
    });
    // A reset after a refusal is a close like any other, for the purpose of these cases.
    socket.on('error', () => undefined);
    socket.on('end', () => {
      this.peerEnded = true;
      this.parse();
    });
    socket.on('close', () => {
      this.closed = true;
      this.parse();
    });
    this.deadline = setTimeout(() => {
      this.timedOut = true;
      this.wake();
    }, CASE_TIMEOUT_MS);
  }

  /**
   * `headRequests`: indexes (among final responses) of responses to HEAD requests, which have no body.
   * `allowHalfOpen`: keep writing after the proxy has finished its side.
   */
  static connect(port: number, opts: { headRequests?: ReadonlySet<number>; allowHalfOpen?: boolean } = {}): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port, noDelay: true, allowHalfOpen: opts.allowHalfOpen ?? false });
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new RawClient(socket, opts.headRequests ?? new Set()));
      });
      socket.once('error', reject);
    });
  }

  write(data: Buffer | string): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed || !this.socket.writable) {
        resolve();
        return;
      }
      this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data, () => resolve());
    });
  }

  /**
   * Writes `data` in pieces of `size` bytes. The proxy runs in this process: waiting for a timer
   * between pieces lets its poll phase read each piece before the next is written, so the pieces
   * reach its parser one by one instead of coalesced.
   */
  async writeInPieces(data: Buffer | string, size: number): Promise<void> {
    const buf = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    for (let i = 0; i < buf.length; i += size) {
      await this.write(buf.subarray(i, i + size));
      await new Promise((r) => setTimeout(r, 0));
    }
  }

  /** Resolves once `n` complete final responses arrived, the connection closed, or the deadline passed. */
  responsesIn(n: number): Promise<void> {
    return this.until(() => this.responses.filter((r) => r.complete).length >= n);
  }

  interimIn(n: number): Promise<void> {
    return this.until(() => this.interim.length >= n);
  }

  /**
   * Resolves once the connection closed, or the deadline passed. A half-open client waits for the
   * deadline even after the proxy finished its side: what the proxy does with bytes sent after
   * that is the point of such a case.
   */
  closeIn(): Promise<void> {
    return this.until(() => this.closed, false);
  }

  private until(ready: () => boolean, endIsFinal = true): Promise<void> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (ready() || this.closed || this.timedOut || (endIsFinal && this.peerEnded)) resolve();
        else this.waiters.push(check);
      };
      check();
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private parse(): void {
    const interim: number[] = [];
    let finals = 0;
    const messages = readMessages(
      this.received,
      (startLine, headers) => {
        const status = Number(startLine.split(' ')[1]);
        if (status >= 100 && status < 200) return { kind: 'none' };
        const index = finals++;
        if (this.headRequests.has(index) || status === 204 || status === 304) return { kind: 'none' };
        return messageFraming(headers, { kind: 'close' });
      },
      this.closed || this.peerEnded,
    );
    const responses: ClientResponse[] = [];
    for (const m of messages) {
      const status = Number(m.startLine.split(' ')[1]);
      if (status >= 100 && status < 200) {
        if (m.complete) interim.push(status);
      } else responses.push({ status: Number.isFinite(status) ? status : 0, headers: m.headers, body: m.body.toString('latin1'), complete: m.complete });
    }
    this.interim = interim;
    this.responses = responses;
    this.wake();
  }

  close(): void {
    clearTimeout(this.deadline);
    this.socket.destroy();
    this.wake();
  }
}

// ---------------------------------------------------------------------------------------------
// Upstreams
// ---------------------------------------------------------------------------------------------

export interface SeenRequest {
  method: string;
  target: string;
  headers: [string, string][];
  body: Buffer;
  complete: boolean;
}

/**
 * The cluster's only endpoint: keeps every byte it is sent, reads requests out of them the way a
 * lenient origin server would, and answers each complete one with the same small 200.
 */
export class RecordingUpstream {
  readonly server: net.Server;
  private readonly connections: { socket: net.Socket; bytes: Buffer; answered: number }[] = [];
  port = 0;

  constructor() {
    this.server = net.createServer((socket) => {
      const conn = { socket, bytes: Buffer.alloc(0), answered: 0 };
      this.connections.push(conn);
      socket.on('error', () => undefined);
      socket.on('data', (d: Buffer) => {
        conn.bytes = Buffer.concat([conn.bytes, d]);
        const reqs = RecordingUpstream.read(conn.bytes);
        for (; conn.answered < reqs.length && reqs[conn.answered]?.complete; conn.answered++) {
          const req = reqs[conn.answered] as SeenRequest;
          // The target is echoed so a client can tell pipelined answers apart.
          const seen = /^[\x21-\x7e]+$/.test(req.target) ? req.target : '?';
          socket.write(`HTTP/1.1 200 OK\r\ncontent-length: 2\r\nx-seen: ${seen}\r\n\r\n${req.method === 'HEAD' ? '' : 'ok'}`);
        }
      });
    });
  }

  async start(): Promise<this> {
    this.port = await listen(this.server);
    return this;
  }

  private static read(bytes: Buffer): SeenRequest[] {
    return readMessages(bytes, (_start, headers) => messageFraming(headers, { kind: 'none' }), false).map((m) => {
      const [method = '', target = ''] = m.startLine.split(' ');
      return { method, target, headers: m.headers, body: m.body, complete: m.complete };
    });
  }

  /** Every request seen so far, complete or not, on every connection. */
  requests(): SeenRequest[] {
    return this.connections.flatMap((c) => RecordingUpstream.read(c.bytes));
  }

  async stop(): Promise<void> {
    for (const c of this.connections) c.socket.destroy();
    await closeServer(this.server);
  }
}

export interface ScriptedResponse {
  bytes: string;
  /** Close the connection after writing (default), as a server ending a broken exchange would. */
  close?: boolean;
}

/** An upstream that answers each request for `/r/<id>` with whatever bytes case `<id>` prescribes. */
export class ScriptedUpstream {
  readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  readonly scripts = new Map<string, ScriptedResponse>();
  port = 0;

  constructor() {
    this.server = net.createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
      let bytes = Buffer.alloc(0);
      let consumed = 0;
      let finished = false;
      socket.on('data', (d: Buffer) => {
        bytes = Buffer.concat([bytes, d]);
        // Requests here have no body, so each head is one request; a kept-alive connection may carry several.
        for (let headEnd = bytes.indexOf('\r\n\r\n', consumed); !finished && headEnd >= 0; headEnd = bytes.indexOf('\r\n\r\n', consumed)) {
          const target = bytes.toString('latin1', consumed, headEnd).split(' ')[1] ?? '';
          consumed = headEnd + 4;
          const script = this.scripts.get(target.slice('/r/'.length));
          if (!script) {
            finished = true;
            socket.destroy();
            return;
          }
          socket.write(Buffer.from(script.bytes, 'latin1'));
          if (script.close !== false) {
            finished = true;
            socket.end();
          }
        }
      });
    });
  }

  async start(): Promise<this> {
    this.port = await listen(this.server);
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await closeServer(this.server);
  }
}

// ---------------------------------------------------------------------------------------------
// The proxy's configuration
// ---------------------------------------------------------------------------------------------

const NO_RETRIES = { attempts: 0, retryOn: [], retriableStatusCodes: [], retryOtherHosts: false };

function forwardTo(name: string, cluster: string, prefix: string): RouteConfig {
  // No retries: the request body streams straight through, so framing errors surface mid-body.
  return { name, match: { uri: { prefix } }, action: { kind: 'forward', clusters: [{ cluster, weight: 100 }], totalWeight: 100, retries: NO_RETRIES } };
}

function cluster(name: string, port: number): ProxyConfig['clusters'][string] {
  return { name, service: `${name}.test.svc.cluster.local`, port, lb: 'ROUND_ROBIN', endpoints: [{ address: '127.0.0.1', port, labels: {}, sidecar: false, weight: 1 }] };
}

/**
 * A gateway with one HTTP listener: `/r/...` goes to the scripted upstream (response framing
 * cases), everything else to the recording upstream.
 */
export function gatewayConfig(listenPort: number, upstreamPort: number, scriptedPort: number): ProxyConfig {
  return {
    version: 'conformance-1',
    node: { id: 'conformance-gateway-0.test', role: 'gateway', pod: 'conformance-gateway-0', namespace: 'test', labels: {}, serviceAccount: 'default' },
    listeners: [{ name: '0.0.0.0_8080', direction: 'gateway', address: '127.0.0.1', port: listenPort, protocol: 'HTTP', routeTable: 'http.8080' }],
    routes: {
      'http.8080': {
        name: 'http.8080',
        virtualHosts: [{ name: 'any', domains: ['*'], routes: [forwardTo('test/scripted', 'outbound|80||scripted', '/r/'), forwardTo('test/everything', 'outbound|80||upstream', '/')] }],
      },
    },
    clusters: { 'outbound|80||upstream': cluster('upstream', upstreamPort), 'outbound|80||scripted': cluster('scripted', scriptedPort) },
    outboundTrafficPolicy: 'REGISTRY_ONLY',
  };
}

// ---------------------------------------------------------------------------------------------
// Upstream clients: Node's and the lean one, reduced to one comparable outcome
// ---------------------------------------------------------------------------------------------

export type ClientOutcome =
  | { kind: 'error'; message: string }
  | { kind: 'response'; status: number; body: string; bodyError: string | undefined }
  | { kind: 'timeout'; status: number | undefined };

export function describeOutcome(o: ClientOutcome): string {
  if (o.kind === 'error') return `error (${o.message})`;
  if (o.kind === 'timeout') return o.status === undefined ? 'timeout' : `${o.status} then timeout`;
  return o.bodyError === undefined ? `${o.status} body ${JSON.stringify(o.body)}` : `${o.status} then body error (${o.bodyError})`;
}

/** Whether the client noticed something wrong: no response, or a body that broke off. */
export function reportsFailure(o: ClientOutcome): boolean {
  return o.kind === 'error' || (o.kind === 'response' && o.bodyError !== undefined);
}

export function nodeClientRequest(port: number, method: string, path: string): Promise<ClientOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    let status: number | undefined;
    const settle = (o: ClientOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(o);
    };
    const req = http.request({ host: '127.0.0.1', port, method, path, agent: false, headers: { host: 'scripted.test' } }, (res) => {
      status = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => settle({ kind: 'response', status: status ?? 0, body: Buffer.concat(chunks).toString('latin1'), bodyError: res.complete ? undefined : 'incomplete' }));
      res.on('aborted', () => settle({ kind: 'response', status: status ?? 0, body: Buffer.concat(chunks).toString('latin1'), bodyError: 'aborted' }));
      res.on('error', (e) => settle({ kind: 'response', status: status ?? 0, body: Buffer.concat(chunks).toString('latin1'), bodyError: e.message }));
    });
    req.on('error', (e) => {
      if (status === undefined) settle({ kind: 'error', message: e.message });
      else settle({ kind: 'response', status, body: '', bodyError: e.message });
    });
    const timer = setTimeout(() => settle({ kind: 'timeout', status }), CASE_TIMEOUT_MS);
    req.end();
  });
}

/**
 * One exchange on `pool`, the lean codec's upstream client. `pauseBody` pauses the body at its
 * first bytes and never resumes it, as a caller whose own client stopped reading would.
 */
export function leanExchange(pool: UpstreamPool, method: string, path: string, pauseBody = false): Promise<ClientOutcome> {
  return new Promise<ClientOutcome>((resolve) => {
    let settled = false;
    let status: number | undefined;
    // Only an exchange given up on is aborted: aborting one that just ended would close a
    // connection the pool is about to keep.
    const settle = (o: ClientOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (o.kind === 'timeout') exchange.abort();
      resolve(o);
    };
    const exchange = pool.request(
      { method, path, headers: { host: 'upstream.test' }, body: undefined, connectTimeoutMs: CASE_TIMEOUT_MS },
      {
        socket: () => undefined,
        response: (res) => {
          status = res.statusCode;
          const chunks: Buffer[] = [];
          res.body.start({
            data: (c) => {
              chunks.push(c);
              if (pauseBody) res.body.pause();
            },
            end: () => settle({ kind: 'response', status: res.statusCode, body: Buffer.concat(chunks).toString('latin1'), bodyError: undefined }),
            error: (e) => settle({ kind: 'response', status: res.statusCode, body: Buffer.concat(chunks).toString('latin1'), bodyError: e.message }),
          });
        },
        failure: (kind, e) => settle({ kind: 'error', message: `${kind}: ${e.message}` }),
      },
    );
    const timer = setTimeout(() => settle({ kind: 'timeout', status }), CASE_TIMEOUT_MS);
  });
}

/** One exchange on a connection of its own. */
export async function leanClientRequest(port: number, method: string, path: string): Promise<ClientOutcome> {
  const pool = new UpstreamPool('127.0.0.1', port);
  try {
    return await leanExchange(pool, method, path);
  } finally {
    pool.destroy();
  }
}
