/**
 * The downstream side of the lean HTTP/1.1 codec: one `ServerConnection` per accepted socket,
 * parsing requests strictly, answering them in order (pipelined requests wait their turn), and
 * framing responses with Content-Length, chunked encoding or connection close as HTTP/1.1 requires.
 */
import net from 'node:net';
import { systemClock, type Clock, type Timer } from '../clock.js';
import { STATUS_CODES, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { H1Parser, HttpParseError, type ParsedHead } from './parser.js';
import { headerLines, httpDate } from './serialize.js';
import type { DownstreamRequest, DownstreamResponse } from '../http/downstream.js';
import { IncomingBody } from './incoming-body.js';
import type { ResponseFlag } from '../http/local-reply.js';
import { HEADER_TIMEOUT_BODY, STREAM_TIMEOUT_BODY, closingReply, resolveTimeouts, streamTimeoutStatus, type CodecTimeouts, type ResolvedTimeouts } from './timeouts.js';

export interface LeanServerHandlers {
  request(req: DownstreamRequest, res: DownstreamResponse): void;
  /** A CONNECT request: the socket (and any bytes after the head) now belong to the handler. */
  connect?(target: string, socket: net.Socket, rest: Buffer): void;
}

/** Idle keep-alive connections are closed after this long, as Node's server is configured here. */
const IDLE_TIMEOUT_MS = 60_000;
const SWEEP_INTERVAL_MS = 5_000;
/** A sweep this often at most, however short a configured timeout: each sweep visits every connection. */
const MIN_SWEEP_INTERVAL_MS = 10;
/** Request body bytes held for a handler that has not started reading before the socket is paused. */
const MAX_UNREAD_BODY = 256 * 1024;
/** Pipelined bytes held while a response is outstanding before the socket is paused. */
const MAX_BACKLOG = 64 * 1024;

export type LeanServerOptions = CodecTimeouts;

export class LeanHttpServer {
  readonly server: net.Server;
  private readonly connections = new Set<ServerConnection>();
  private readonly sweeper: Timer;
  private readonly timeouts: ResolvedTimeouts;

  constructor(
    private readonly handlers: LeanServerHandlers,
    private readonly clock: Clock = systemClock,
    options: LeanServerOptions = {},
  ) {
    this.timeouts = resolveTimeouts(options);
    this.server = net.createServer({ noDelay: true, allowHalfOpen: true }, (socket) => this.accept(socket));
    // Timeouts are checked by one sweep rather than a timer per stream; a sweep every quarter of the
    // shortest one keeps each within 25% of its setting.
    const shortest = Math.min(SWEEP_INTERVAL_MS * 4, ...[this.timeouts.streamIdleMs, this.timeouts.headLimitMs].filter((ms) => ms > 0));
    this.sweeper = clock.setInterval(() => this.sweep(), Math.max(MIN_SWEEP_INTERVAL_MS, Math.floor(shortest / 4)));
    this.server.on('close', () => this.sweeper.cancel());
  }

  /** Serves HTTP on `socket`: an accepted one, or the inside of a CONNECT tunnel to `tunnelPort`. */
  accept(socket: net.Socket, tunnelPort?: number, initial?: Buffer): void {
    const conn = new ServerConnection(socket, this.handlers, tunnelPort, () => this.connections.delete(conn), this.clock, this.timeouts);
    this.connections.add(conn);
    if (initial && initial.length > 0) conn.onData(initial);
  }

  /** Closes keep-alive connections that are between requests; busy ones close after their response. */
  closeIdleConnections(): void {
    for (const c of this.connections) c.closeWhenIdle();
  }

  destroyAll(): void {
    for (const c of this.connections) c.socket.destroy();
  }

  private sweep(): void {
    const now = this.clock.now();
    for (const c of this.connections) c.sweep(now);
  }
}

type BodyMode = 'none' | 'length' | 'chunked' | 'close';

class LeanRequest implements DownstreamRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly hasBody: boolean;
  readonly versionMinor: number;
  readonly keepAlive: boolean;
  readonly body: IncomingBody;

  readonly socket: net.Socket;

  constructor(
    head: ParsedHead,
    conn: ServerConnection,
    readonly remoteAddress: string,
    readonly tunnelPort: number | undefined,
  ) {
    this.socket = conn.socket;
    this.method = head.method;
    this.url = head.url;
    this.headers = head.headers;
    this.hasBody = head.hasBody;
    this.versionMinor = head.versionMinor;
    this.keepAlive = head.keepAlive;
    this.body = new IncomingBody({ pause: () => conn.pauseReading(), resume: () => conn.resumeReading() }, MAX_UNREAD_BODY);
  }

  get complete(): boolean {
    return this.body.complete;
  }

  discard(): void {
    this.body.discard();
  }

  fail(err: Error): void {
    this.body.fail(err);
  }
}

class LeanResponse implements DownstreamResponse {
  headersSent = false;
  finished = false;
  aborted = false;
  statusCode = 0;
  keepAlive: boolean;
  /** Set when the codec itself ended the exchange (stream idle timeout: SI), for the access log. */
  resetFlag: ResponseFlag | undefined;
  /** The codec answered for the request path (a timeout's local reply): nothing more goes out from here. */
  private repliedByCodec = false;
  private mode: BodyMode = 'none';
  private closeCallbacks: (() => void)[] | undefined;
  private closed = false;

  constructor(
    private readonly req: LeanRequest,
    private readonly conn: ServerConnection,
  ) {
    this.keepAlive = req.keepAlive;
  }

  writeHead(status: number, reason: string | undefined, headers: OutgoingHttpHeaders): void {
    // The caller is gone (or the codec answered it): nothing more is written to its connection.
    if (this.aborted) return;
    if (this.headersSent) throw new Error('response head already sent');
    const lines = headerLines(headers);
    const noBody = this.req.method === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200);
    let framing = '';
    if (noBody) this.mode = 'none';
    else if (headers['content-length'] !== undefined) this.mode = 'length';
    else if (this.req.versionMinor === 1) {
      this.mode = 'chunked';
      framing = 'transfer-encoding: chunked\r\n';
    } else {
      this.mode = 'close';
      this.keepAlive = false;
    }
    if (this.conn.closing) this.keepAlive = false;
    if (!this.keepAlive) framing += 'connection: close\r\n';
    else if (this.req.versionMinor === 0) framing += 'connection: keep-alive\r\n';
    if (headers.date === undefined) framing += `date: ${httpDate()}\r\n`;
    this.statusCode = status;
    this.headersSent = true;
    this.conn.write(`HTTP/1.1 ${status} ${reason ?? STATUS_CODES[status] ?? ''}\r\n${lines}${framing}\r\n`);
  }

  write(chunk: Buffer): boolean {
    if (this.finished || this.aborted || chunk.length === 0) return true;
    if (this.mode === 'none') return true;
    if (this.mode === 'chunked') {
      this.conn.write(`${chunk.length.toString(16)}\r\n`);
      this.conn.write(chunk);
      return this.conn.write('\r\n');
    }
    return this.conn.write(chunk);
  }

  end(chunk?: Buffer | string): void {
    if (this.finished || this.aborted) return;
    if (!this.headersSent) this.writeHead(200, undefined, { 'content-length': chunk === undefined ? 0 : Buffer.byteLength(chunk) });
    if (chunk !== undefined && chunk.length > 0) this.write(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    if (this.mode === 'chunked') this.conn.write('0\r\n\r\n');
    this.finished = true;
    this.close();
    this.conn.responseFinished(this);
  }

  onDrain(callback: () => void): void {
    this.conn.socket.once('drain', callback);
  }

  onClose(callback: () => void): void {
    if (this.closed) {
      callback();
      return;
    }
    (this.closeCallbacks ??= []).push(callback);
  }

  destroy(): void {
    // A reply the codec wrote itself is still leaving; its connection ends once it has.
    if (this.repliedByCodec) return;
    this.conn.socket.destroy();
  }

  /**
   * The codec reset this exchange (`flag`): the request path sees it aborted, so it stops and
   * releases the upstream, while the log records `status` if the codec answered with that status.
   */
  reset(flag: ResponseFlag, status: number | undefined): void {
    this.resetFlag = flag;
    if (status !== undefined && !this.headersSent) {
      this.statusCode = status;
      this.headersSent = true;
      this.repliedByCodec = true;
    }
    this.abort();
  }

  abort(): void {
    if (this.finished || this.aborted) return;
    this.aborted = true;
    this.close();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    const callbacks = this.closeCallbacks;
    this.closeCallbacks = undefined;
    if (callbacks) for (const c of callbacks) c();
  }
}

class ServerConnection {
  private readonly parser: H1Parser;
  private req: LeanRequest | undefined;
  private res: LeanResponse | undefined;
  /** Bytes of later requests that arrived while the current one was still being answered. */
  private backlog: Buffer | undefined;
  private feeding = false;
  private paused = false;
  private corked = false;
  private readonly uncorkLater = (): void => this.uncork();
  private readonly dataListener = (d: Buffer): void => this.onData(d);
  private readonly endListener = (): void => this.onEnd();
  private readonly closeListener = (): void => this.onSocketClose();
  private lastActive: number;
  private headStartedAt = 0;
  private connectTarget: string | undefined;
  /** A request could not be parsed: nothing after it on this connection is read. */
  private refused = false;
  closing = false;
  /** The client half-closed: answer what it sent, then close. */
  private peerEnded = false;

  constructor(
    readonly socket: net.Socket,
    private readonly handlers: LeanServerHandlers,
    private readonly tunnelPort: number | undefined,
    private readonly onGone: () => void,
    private readonly clock: Clock,
    private readonly timeouts: ResolvedTimeouts,
  ) {
    this.lastActive = clock.now();
    this.parser = new H1Parser('request', {
      head: (head) => this.onHead(head),
      body: (chunk) => this.req?.body.deliver(chunk),
      complete: () => this.req?.body.finish(),
    });
    socket.setNoDelay(true);
    socket.on('data', this.dataListener);
    socket.on('end', this.endListener);
    socket.on('error', () => socket.destroy());
    socket.on('close', this.closeListener);
    // A tunnelled socket arrives paused by the CONNECT hand-over.
    socket.resume();
  }

  onData(chunk: Buffer): void {
    if (this.refused) return;
    this.lastActive = this.clock.now();
    if (this.res !== undefined && this.req?.complete) {
      this.holdBacklog(chunk);
      return;
    }
    this.feed(chunk);
  }

  private holdBacklog(chunk: Buffer): void {
    this.backlog = this.backlog ? Buffer.concat([this.backlog, chunk]) : chunk;
    if (this.backlog.length > MAX_BACKLOG) this.pauseReading();
  }

  private feed(chunk: Buffer): void {
    this.feeding = true;
    try {
      let off = 0;
      while (off < chunk.length && !this.socket.destroyed && !this.refused) {
        if (this.res !== undefined && this.req?.complete) {
          this.holdBacklog(off === 0 ? chunk : chunk.subarray(off));
          return;
        }
        if (this.headStartedAt === 0 && this.req === undefined) this.headStartedAt = this.lastActive;
        let used: number;
        try {
          used = this.parser.execute(off === 0 ? chunk : chunk.subarray(off));
        } catch (err) {
          this.refuse(err instanceof HttpParseError ? err : new HttpParseError(400, String(err)));
          return;
        }
        off += used;
        if (this.connectTarget !== undefined) {
          this.handOver(chunk.subarray(off));
          return;
        }
        if (this.parser.done) this.requestParsed();
      }
    } finally {
      this.feeding = false;
    }
    if (this.peerEnded && this.res === undefined) this.close();
  }

  private onHead(head: ParsedHead): void {
    this.headStartedAt = 0;
    if (head.method === 'CONNECT') {
      this.connectTarget = head.url;
      return;
    }
    const req = new LeanRequest(head, this, this.socket.remoteAddress ?? '', this.tunnelPort);
    const res = new LeanResponse(req, this);
    this.req = req;
    this.res = res;
    if (req.hasBody && req.versionMinor === 1 && /^100-continue$/i.test(String(req.headers.expect ?? ''))) {
      // Clients that wait for permission to send the body get it at once, as from Node's server.
      this.write('HTTP/1.1 100 Continue\r\n\r\n');
      delete req.headers.expect;
    }
    this.handlers.request(req, res);
  }

  /** The request's last byte is in: the next one waits until its response is finished. */
  private requestParsed(): void {
    if (this.res?.finished) this.next();
  }

  responseFinished(res: LeanResponse): void {
    if (res !== this.res) return;
    if (!res.keepAlive) {
      this.closing = true;
      // Whatever of the request is still arriving is not needed; the response said close.
      this.req?.discard();
      this.close();
      return;
    }
    if (this.req?.complete) this.next();
    else this.req?.discard();
  }

  /** Moves on to the next request on this connection. */
  private next(): void {
    this.req = undefined;
    this.res = undefined;
    this.parser.reset();
    if (this.closing) {
      this.close();
      return;
    }
    this.resumeReading();
    const backlog = this.backlog;
    this.backlog = undefined;
    // Inside feed the loop picks up the rest of the current chunk; only held bytes need feeding.
    if (backlog && !this.feeding) this.feed(backlog);
    else if (backlog) this.backlog = backlog;
    // A client that half-closed after pipelining gets every answer, then the connection closes.
    if (this.peerEnded && !this.feeding && this.res === undefined) this.close();
  }

  /** Ends the connection once everything written has left, as Node's server does (destroySoon). */
  private close(): void {
    this.closing = true;
    this.uncork();
    if (this.socket.destroyed) return;
    this.socket.end(() => this.socket.destroy());
  }


  private handOver(rest: Buffer): void {
    const target = this.connectTarget ?? '';
    // Only this connection's own listeners go: others (the listener's socket tracking) stay.
    this.socket.removeListener('data', this.dataListener);
    this.socket.removeListener('end', this.endListener);
    this.socket.removeListener('close', this.closeListener);
    // Nothing may flow until the tunnel's other end is attached.
    this.socket.pause();
    this.onGone();
    if (!this.handlers.connect) {
      this.refuse(new HttpParseError(400, 'CONNECT is not served here'));
      return;
    }
    this.handlers.connect(target, this.socket, rest);
  }

  /**
   * Envoy's stream idle timeout: nothing moved on an active stream (a head arriving, or a request
   * not yet answered in full) for too long. Before a response head the caller gets Envoy's local
   * reply, 408 or 504 `stream timeout`; after one, the connection is reset. Either way the exchange
   * is closed unfinished first, so the request path cancels its upstream request.
   */
  private streamTimedOut(): void {
    const res = this.res;
    if (res?.headersSent) {
      res.reset('SI', undefined);
      this.socket.destroy();
      return;
    }
    const status = streamTimeoutStatus(this.req?.complete ?? false);
    res?.reset('SI', status);
    this.closeWith(status, STREAM_TIMEOUT_BODY);
  }

  /** Ends the connection with a local reply after whatever else was written; nothing more is read. */
  private closeWith(status: number, body: string): void {
    this.refused = true;
    this.backlog = undefined;
    this.closing = true;
    this.req?.fail(new Error(body || 'request head timed out'));
    this.write(closingReply(status, body));
    this.uncork();
    // Destroyed once written: a client that stalled may never close its side.
    this.socket.end(() => this.socket.destroy());
  }

  /** Answers a request that cannot be parsed and closes the connection, as Node's server does. */
  private refuse(err: HttpParseError): void {
    // Bytes after a malformed message have no trustworthy framing: none of them may become a request.
    this.refused = true;
    this.backlog = undefined;
    this.req?.fail(err);
    if (this.res && this.res.headersSent) {
      this.socket.destroy();
      return;
    }
    this.res?.abort();
    this.closing = true;
    const reason = STATUS_CODES[err.status] ?? 'Bad Request';
    this.write(`HTTP/1.1 ${err.status} ${reason}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    this.uncork();
    this.socket.end();
  }

  write(data: string | Buffer): boolean {
    // Bytes going out count as activity on the stream, as bytes coming in do.
    this.lastActive = this.clock.now();
    if (!this.corked) {
      // Everything written in this tick leaves in one writev.
      this.corked = true;
      this.socket.cork();
      process.nextTick(this.uncorkLater);
    }
    return typeof data === 'string' ? this.socket.write(data, 'latin1') : this.socket.write(data);
  }

  private uncork(): void {
    if (!this.corked) return;
    this.corked = false;
    this.socket.uncork();
  }

  pauseReading(): void {
    if (this.paused) return;
    this.paused = true;
    this.socket.pause();
  }

  resumeReading(): void {
    if (!this.paused) return;
    this.paused = false;
    this.socket.resume();
  }

  private onEnd(): void {
    this.peerEnded = true;
    if (this.res && !this.res.finished) {
      // Half-closed after complete requests: answer them (pipelined ones are in the backlog), then close.
      if (!this.req?.complete) {
        this.req?.fail(new Error('client closed the connection mid-request'));
        this.socket.destroy();
      }
      return;
    }
    if (this.parser.end() === 'truncated') this.req?.fail(new Error('client closed the connection mid-request'));
    this.close();
  }

  private onSocketClose(): void {
    this.req?.fail(new Error('client connection closed'));
    this.res?.abort();
    this.onGone();
  }

  closeWhenIdle(): void {
    this.closing = true;
    if (this.res === undefined) this.close();
  }

  sweep(now: number): void {
    if (this.socket.destroyed) return;
    if (this.refused) {
      // Answered and ending: only a peer that never closes its side is left to deal with.
      if (now - this.lastActive > IDLE_TIMEOUT_MS) this.socket.destroy();
      return;
    }
    // A finished response on a closing connection is not work in progress: the peer may never close.
    const busy = this.res !== undefined && !this.res.finished && !this.res.aborted;
    // A stream is active from its first byte (Envoy creates it then) until its response is finished.
    const streamActive = busy || this.headStartedAt !== 0;
    const { streamIdleMs, headLimitMs, headLimitConfigured } = this.timeouts;
    if (streamActive && streamIdleMs > 0 && now - this.lastActive >= streamIdleMs) {
      this.streamTimedOut();
      return;
    }
    if (busy) return;
    // 408 as from Envoy's request_headers_timeout (with its body) and Node's headersTimeout.
    if (this.headStartedAt !== 0 && now - this.headStartedAt >= headLimitMs) this.closeWith(408, headLimitConfigured ? HEADER_TIMEOUT_BODY : '');
    else if (this.headStartedAt === 0 && now - this.lastActive > IDLE_TIMEOUT_MS) this.socket.destroy();
  }
}
