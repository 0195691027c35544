/**
 * The request path's view of one HTTP exchange, independent of the codec underneath: the lean
 * HTTP/1.1 codec (`src/proxy/h1/`) on the hot path, or Node's `http` server where it is chosen.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type net from 'node:net';
import type { ResponseFlag } from './local-reply.js';

/** A body arriving in chunks: bytes flow after `start`, and stop while paused. */
export interface BodySource {
  start(sink: BodySink): void;
  pause(): void;
  resume(): void;
}

export interface BodySink {
  data(chunk: Buffer): void;
  end(): void;
  error(err: Error): void;
}

export interface DownstreamRequest {
  readonly method: string;
  /** The request target as sent: origin form (`/path?q`) or absolute form (`http://host/path`). */
  readonly url: string;
  /** Lower-case names; duplicates combined as Node combines them. The request path may edit it. */
  readonly headers: IncomingHttpHeaders;
  readonly remoteAddress: string;
  /** The connection the request came on (a TLSSocket when the listener terminated mTLS). */
  readonly socket: net.Socket;
  /** Set when the request came through a CONNECT tunnel: the port the tunnel was opened to. */
  readonly tunnelPort: number | undefined;
  readonly hasBody: boolean;
  /** The body; read it once, or call `discard`. */
  readonly body: BodySource;
  discard(): void;
}

export interface DownstreamResponse {
  readonly headersSent: boolean;
  /** The whole response has been handed to the connection. */
  readonly finished: boolean;
  /** The caller went away before the response was finished. */
  readonly aborted: boolean;
  /** The status sent, once the head is sent. */
  readonly statusCode: number;
  /** Set when the codec ended the exchange itself (a stream idle timeout: SI); the log records it. */
  readonly resetFlag?: ResponseFlag | undefined;
  writeHead(status: number, reason: string | undefined, headers: OutgoingHttpHeaders): void;
  /** Returns false when the caller is not keeping up; wait for `onDrain` before writing more. */
  write(chunk: Buffer): boolean;
  end(chunk?: Buffer | string): void;
  onDrain(callback: () => void): void;
  /** Called once when the exchange ends, finished or aborted. */
  onClose(callback: () => void): void;
  /** Abandons the exchange and its connection (a response already started cannot be replaced). */
  destroy(): void;
}
