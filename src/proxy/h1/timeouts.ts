/**
 * The downstream codecs' stream timeouts, as Envoy's HTTP connection manager has them, shared by
 * the lean codec (server.ts) and the Node fallback (`NodeIdleResponse` below).
 *
 * - `stream_idle_timeout` (default 5 minutes): a stream on which no byte moved in either direction
 *   for that long is reset. Envoy answers it with a local reply, `stream timeout`, status 408 while
 *   the request is still arriving and 504 once it is complete (`maybeRequestTimeoutCode`), and logs
 *   response flag SI; a response already started cannot be replaced, so its connection is closed.
 * - `request_headers_timeout` (Envoy's default: disabled): a request head that does not complete
 *   within it is answered 408 `request header timeout` and the connection closed.
 *
 * Independently of both, a head never waits more than HEAD_LIMIT_MS, as tack configured Node's
 * `server.headersTimeout` before these options existed.
 */
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { httpDate } from './serialize.js';
import { NodeResponse } from '../http/node-adapter.js';
import type { ResponseFlag } from '../http/local-reply.js';

export interface CodecTimeouts {
  /** Envoy's `stream_idle_timeout` in milliseconds; 0 disables it. Default 5 minutes. */
  streamIdleTimeoutMs?: number;
  /** Envoy's `request_headers_timeout` in milliseconds; 0 (the default) disables it. */
  requestHeadersTimeoutMs?: number;
}

export const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 5 * 60_000;
/** The longest a request head may take whatever is configured, as Node's server is configured here. */
export const HEAD_LIMIT_MS = 60_000;
export const STREAM_TIMEOUT_BODY = 'stream timeout';
export const HEADER_TIMEOUT_BODY = 'request header timeout';

export interface ResolvedTimeouts {
  /** 0: no stream idle timeout. */
  streamIdleMs: number;
  /** How long a request head may take: the configured request_headers_timeout, capped by HEAD_LIMIT_MS. */
  headLimitMs: number;
  /** Whether the head limit is the configured request_headers_timeout (answered with Envoy's body). */
  headLimitConfigured: boolean;
}

function nonNegative(ms: number | undefined, name: string): number | undefined {
  if (ms === undefined) return undefined;
  if (!Number.isFinite(ms) || ms < 0) throw new Error(`${name} must be a non-negative duration (got ${ms})`);
  return ms;
}

export function resolveTimeouts(t: CodecTimeouts = {}): ResolvedTimeouts {
  const streamIdleMs = nonNegative(t.streamIdleTimeoutMs, 'stream idle timeout') ?? DEFAULT_STREAM_IDLE_TIMEOUT_MS;
  const headers = nonNegative(t.requestHeadersTimeoutMs, 'request headers timeout') ?? 0;
  const headLimitConfigured = headers > 0 && headers < HEAD_LIMIT_MS;
  return { streamIdleMs, headLimitMs: headLimitConfigured ? headers : HEAD_LIMIT_MS, headLimitConfigured };
}

/** Envoy's status for a stream timeout: 408 while the request is still arriving, 504 once it is whole. */
export function streamTimeoutStatus(requestComplete: boolean): number {
  return requestComplete ? 504 : 408;
}

/** A local reply written straight to the connection, which closes after it (as Envoy closes after a 408). */
export function closingReply(status: number, body: string): string {
  const reason = STATUS_CODES[status] ?? '';
  const type = body === '' ? '' : 'content-type: text/plain\r\n';
  return `HTTP/1.1 ${status} ${reason}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${type}date: ${httpDate()}\r\nconnection: close\r\n\r\n${body}`;
}

/**
 * Node's `ServerResponse` with the stream idle timeout: the socket's own idle timer (reset by bytes
 * read and written) runs while this response is the connection's current one. When it fires before
 * the response head, Envoy's local reply is written to the socket directly and the connection ends,
 * so the request path sees its exchange closed unfinished and cancels the upstream; after the head,
 * the connection is destroyed. Either way the exchange is logged with flag SI.
 */
export class NodeIdleResponse extends NodeResponse {
  resetFlag: ResponseFlag | undefined;
  /** The status of the local reply written for a timeout, once written. */
  private replied: number | undefined;

  constructor(
    private readonly nodeReq: IncomingMessage,
    private readonly nodeRes: ServerResponse,
    idleMs: number,
  ) {
    super(nodeRes);
    if (idleMs > 0) nodeRes.setTimeout(idleMs, () => this.timedOut());
  }

  override get headersSent(): boolean {
    return this.replied !== undefined || super.headersSent;
  }

  override get statusCode(): number {
    return this.replied ?? super.statusCode;
  }

  override destroy(): void {
    // The timeout's reply is still leaving; the connection ends once it has.
    if (this.replied !== undefined) return;
    super.destroy();
  }

  private timedOut(): void {
    this.resetFlag = 'SI';
    const socket = this.nodeRes.socket;
    if (this.nodeRes.headersSent || !socket) {
      this.nodeRes.destroy();
      return;
    }
    const status = streamTimeoutStatus(this.nodeReq.complete);
    this.replied = status;
    socket.end(closingReply(status, STREAM_TIMEOUT_BODY), 'latin1');
  }
}
