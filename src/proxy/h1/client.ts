/**
 * The upstream side of the lean HTTP/1.1 codec: a pool of keep-alive connections per upstream host
 * (most recently used first, so idle ones age out), one exchange at a time per connection, with
 * failures classified the way Envoy's router needs them (connect failure vs. reset).
 */
import net from 'node:net';
import { systemClock, type Clock, type Timer } from '../clock.js';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { H1Parser, HttpParseError, type ParsedHead } from './parser.js';
import { headerLines } from './serialize.js';
import type { BodySource } from '../http/downstream.js';
import { IncomingBody } from './incoming-body.js';
import type { UpstreamTransport } from '../tls/upstream-tls.js';

export interface UpstreamRequest {
  method: string;
  path: string;
  headers: OutgoingHttpHeaders;
  /** A buffered body (sent with Content-Length), a stream (sent as it arrives), or none. */
  body: Buffer | BodySource | undefined;
  connectTimeoutMs: number;
}

export interface UpstreamResponse {
  readonly statusCode: number;
  readonly statusMessage: string;
  readonly headers: IncomingHttpHeaders;
  /** Whether the connection can carry another request after this response. */
  readonly keepAlive: boolean;
  readonly body: BodySource;
  /** Abandons the response and its connection. */
  destroy(): void;
}

export type FailureKind = 'connect-failure' | 'reset';

export interface ExchangeCallbacks {
  /** The connection carrying the exchange; `reused` when it was an idle keep-alive one. */
  socket(socket: net.Socket, reused: boolean): void;
  response(response: UpstreamResponse): void;
  failure(kind: FailureKind, error: Error): void;
}

export interface UpstreamExchange {
  /** Stops the exchange (caller gone, timeout); no callback follows. */
  abort(): void;
}

/** Idle connections kept per host, as the Agent this replaced was configured. */
const MAX_IDLE = 64;
const CONNECT_ERRORS = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED', 'ETIMEDOUT']);

export class UpstreamPool {
  private readonly idle: UpstreamConnection[] = [];
  private closed = false;

  constructor(
    readonly address: string,
    readonly port: number,
    readonly clock: Clock = systemClock,
    /** TLS to the host (Istio's mTLS, or origination); plaintext when absent. */
    readonly transport?: UpstreamTransport,
  ) {}

  request(req: UpstreamRequest, callbacks: ExchangeCallbacks): UpstreamExchange {
    let conn: UpstreamConnection | undefined;
    while ((conn = this.idle.pop()) !== undefined && !conn.usable) conn.destroy();
    const reused = conn !== undefined;
    conn ??= new UpstreamConnection(this, req.connectTimeoutMs);
    return conn.begin(req, callbacks, reused);
  }

  /** Called by a connection whose exchange ended cleanly. */
  release(conn: UpstreamConnection): void {
    if (this.closed || !conn.usable || this.idle.length >= MAX_IDLE) {
      conn.destroy();
      return;
    }
    this.idle.push(conn);
  }

  forget(conn: UpstreamConnection): void {
    const i = this.idle.indexOf(conn);
    if (i >= 0) this.idle.splice(i, 1);
  }

  destroy(): void {
    this.closed = true;
    for (const c of this.idle.splice(0)) c.destroy();
  }
}

class Response implements UpstreamResponse {
  readonly statusCode: number;
  readonly statusMessage: string;
  readonly headers: IncomingHttpHeaders;
  readonly keepAlive: boolean;
  readonly body: IncomingBody;

  constructor(
    head: ParsedHead,
    private readonly conn: UpstreamConnection,
  ) {
    this.statusCode = head.statusCode;
    this.statusMessage = head.statusMessage;
    this.headers = head.headers;
    this.keepAlive = head.keepAlive;
    this.body = new IncomingBody(conn.socket);
  }

  destroy(): void {
    this.conn.destroy();
  }
}

class UpstreamConnection {
  readonly socket: net.Socket;
  private readonly parser: H1Parser;
  private connected = false;
  private connectTimer: Timer | undefined;
  private callbacks: ExchangeCallbacks | undefined;
  private response: Response | undefined;
  private reused = false;
  private receivedBytes = 0;
  private requestSent = false;
  private responseDone = false;
  private broken = false;
  private headRequest = false;

  constructor(
    private readonly pool: UpstreamPool,
    connectTimeoutMs: number,
  ) {
    this.parser = new H1Parser('response', {
      head: (head) => this.onHead(head),
      body: (chunk) => this.response?.body.deliver(chunk),
      complete: () => this.onComplete(),
    });
    this.socket = pool.transport ? pool.transport.connect(pool.address, pool.port) : net.connect({ host: pool.address, port: pool.port, noDelay: true });
    this.connectTimer = pool.clock.setTimeout(() => {
      this.connectTimer = undefined;
      this.socket.destroy(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' }));
    }, connectTimeoutMs);
    // Over TLS the connection is usable once the handshake is done: a failed handshake is a connect failure, as in Envoy.
    this.socket.once(pool.transport ? 'secureConnect' : 'connect', () => {
      this.connected = true;
      this.connectTimer?.cancel();
      this.connectTimer = undefined;
    });
    this.socket.on('data', (d: Buffer) => this.onData(d));
    this.socket.on('end', () => this.onEnd());
    this.socket.on('error', (e: Error) => this.fail(e));
    this.socket.on('close', () => this.fail(new Error('upstream connection closed')));
  }

  get usable(): boolean {
    return !this.broken && !this.socket.destroyed && this.callbacks === undefined;
  }

  begin(req: UpstreamRequest, callbacks: ExchangeCallbacks, reused: boolean): UpstreamExchange {
    this.callbacks = callbacks;
    this.reused = reused;
    this.receivedBytes = 0;
    this.requestSent = false;
    this.responseDone = false;
    this.response = undefined;
    this.headRequest = req.method === 'HEAD';
    this.parser.reset(this.headRequest);
    // The previous exchange may have left the socket paused (its caller stopped reading and left).
    this.socket.resume();
    callbacks.socket(this.socket, reused);
    try {
      this.send(req);
    } catch (err) {
      // Nothing usable was written: this connection's exchange is over before it began.
      this.callbacks = undefined;
      this.destroy();
      throw err;
    }
    return { abort: () => this.abort(callbacks) };
  }

  private send(req: UpstreamRequest): void {
    const body = req.body;
    const headers = req.headers;
    if (Buffer.isBuffer(body)) {
      if (body.length > 0 || headers['content-length'] !== undefined) headers['content-length'] = String(body.length);
      this.socket.cork();
      this.socket.write(`${req.method} ${req.path} HTTP/1.1\r\n${headerLines(headers)}\r\n`, 'latin1');
      if (body.length > 0) this.socket.write(body);
      this.socket.uncork();
      this.requestSent = true;
      return;
    }
    if (body === undefined) {
      this.socket.write(`${req.method} ${req.path} HTTP/1.1\r\n${headerLines(headers)}\r\n`, 'latin1');
      this.requestSent = true;
      return;
    }
    const chunked = headers['content-length'] === undefined;
    this.socket.write(`${req.method} ${req.path} HTTP/1.1\r\n${headerLines(headers)}${chunked ? 'transfer-encoding: chunked\r\n' : ''}\r\n`, 'latin1');
    const callbacks = this.callbacks;
    let waiting = false;
    body.start({
      data: (chunk) => {
        if (this.callbacks !== callbacks || chunk.length === 0) return;
        const ok = chunked ? (this.socket.write(`${chunk.length.toString(16)}\r\n`), this.socket.write(chunk), this.socket.write('\r\n')) : this.socket.write(chunk);
        if (!ok && !waiting) {
          waiting = true;
          body.pause();
          this.socket.once('drain', () => {
            waiting = false;
            // A drain after this exchange ended must not resume a caller it no longer serves.
            if (this.callbacks === callbacks) body.resume();
          });
        }
      },
      end: () => {
        if (this.callbacks !== callbacks) return;
        if (chunked) this.socket.write('0\r\n\r\n');
        this.requestSent = true;
        if (this.responseDone) this.settle();
      },
      error: (err) => {
        if (this.callbacks !== callbacks) return;
        // The caller's body broke off: the upstream must not take a truncated request as whole.
        this.broken = true;
        this.fail(err);
      },
    });
  }

  private onData(data: Buffer): void {
    this.receivedBytes += data.length;
    if (this.callbacks === undefined) {
      // Bytes on an idle connection belong to no request: the connection can no longer be trusted.
      this.destroy();
      return;
    }
    let off = 0;
    while (off < data.length) {
      if (this.responseDone) {
        // More bytes after a complete response: not a connection to reuse.
        this.broken = true;
        this.destroy();
        return;
      }
      try {
        off += this.parser.execute(off === 0 ? data : data.subarray(off));
      } catch (err) {
        this.broken = true;
        this.fail(err instanceof HttpParseError ? err : new Error(String(err)));
        return;
      }
    }
  }

  private onHead(head: ParsedHead): void {
    if (head.statusCode === 101) throw new HttpParseError(400, 'upstream switched protocols');
    if (head.statusCode < 200) return;
    this.response = new Response(head, this);
    this.callbacks?.response(this.response);
  }

  private onComplete(): void {
    const response = this.response;
    if (response === undefined) {
      // An informational (1xx) response: the real one follows.
      this.parser.reset(this.headRequest);
      return;
    }
    this.responseDone = true;
    if (!response.keepAlive) this.broken = true;
    response.body.finish();
    if (this.requestSent) this.settle();
    else {
      // Answered before the request was all sent: the rest of it is not wanted, and the connection
      // is mid-message, so it closes.
      this.callbacks = undefined;
      this.response = undefined;
      this.destroy();
    }
  }

  /** Request sent and response read: the connection goes back to the pool, or closes. */
  private settle(): void {
    if (this.callbacks === undefined) return;
    this.callbacks = undefined;
    this.response = undefined;
    if (this.broken || this.socket.destroyed) this.destroy();
    else {
      // An idle connection must read, or a close from the server would go unnoticed.
      this.socket.resume();
      this.pool.release(this);
    }
  }

  private onEnd(): void {
    if (this.callbacks !== undefined && this.response !== undefined && this.parser.end() === 'complete') {
      this.destroy();
      return;
    }
    this.fail(new Error('upstream closed the connection'));
  }

  private fail(err: Error & { code?: string }): void {
    this.broken = true;
    const callbacks = this.callbacks;
    this.callbacks = undefined;
    this.pool.forget(this);
    if (!this.socket.destroyed) this.socket.destroy();
    this.connectTimer?.cancel();
    if (callbacks === undefined) return;
    const response = this.response;
    this.response = undefined;
    if (response) {
      response.body.fail(err);
      return;
    }
    // A kept-alive connection the server closed while idle fails like a refused one: nothing was answered.
    const kind: FailureKind = !this.connected || (this.reused && this.receivedBytes === 0) || CONNECT_ERRORS.has(err.code ?? '') ? 'connect-failure' : 'reset';
    callbacks.failure(kind, err);
  }

  private abort(callbacks: ExchangeCallbacks): void {
    if (this.callbacks !== callbacks) return;
    this.callbacks = undefined;
    this.response = undefined;
    this.destroy();
  }

  destroy(): void {
    this.broken = true;
    this.pool.forget(this);
    this.connectTimer?.cancel();
    this.connectTimer = undefined;
    if (!this.socket.destroyed) this.socket.destroy();
  }
}
