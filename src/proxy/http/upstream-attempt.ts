/** One try of a request against one upstream host, with its outcome classified as Envoy classifies it. */
import http, { type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import type { UpstreamHost } from '../runtime/upstream.js';
import type { CancelSignal } from '../cancellation.js';

export type AttemptOutcome =
  | { kind: 'response'; response: IncomingMessage; request: http.ClientRequest }
  | { kind: 'connect-failure'; error: Error }
  | { kind: 'reset'; error: Error }
  | { kind: 'timeout' }
  | { kind: 'cancelled' };

export interface AttemptInput {
  host: UpstreamHost;
  method: string;
  path: string;
  headers: OutgoingHttpHeaders;
  /** The whole body (buffered for retries), a stream to pipe once, or nothing. */
  body: Buffer | NodeJS.ReadableStream | undefined;
  timeoutMs: number | undefined;
  /** Aborts the attempt (downstream went away, or the route timeout fired). */
  signal: CancelSignal;
  connectTimeoutMs: number;
  /** Told which socket carries the attempt (for the circuit breaker's connection accounting). */
  onSocket?: (socket: import('node:net').Socket) => void;
}

const CONNECT_ERRORS = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED', 'ETIMEDOUT']);

export function attempt(input: AttemptInput): Promise<AttemptOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    let connected = false;
    const settle = (o: AttemptOutcome): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      if (connectTimer) clearTimeout(connectTimer);
      input.signal.removeEventListener('abort', onAbort);
      resolve(o);
    };
    const req = http.request({
      host: input.host.address,
      port: input.host.port,
      method: input.method,
      path: input.path,
      headers: input.headers,
      agent: input.host.agent,
      setHost: false,
    });
    const onAbort = (): void => {
      req.destroy();
      settle({ kind: 'cancelled' });
    };
    input.signal.addEventListener('abort', onAbort);
    const timer = input.timeoutMs !== undefined ? setTimeout(() => {
      req.destroy();
      settle({ kind: 'timeout' });
    }, input.timeoutMs) : undefined;
    let connectTimer: NodeJS.Timeout | undefined;
    req.on('socket', (socket) => {
      input.onSocket?.(socket);
      // A reused keep-alive socket is already connected.
      if (!socket.connecting) {
        connected = true;
        return;
      }
      connectTimer = setTimeout(() => {
        req.destroy(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' }));
      }, input.connectTimeoutMs);
      socket.once('connect', () => {
        connected = true;
        if (connectTimer) clearTimeout(connectTimer);
      });
    });
    req.on('response', (response) => settle({ kind: 'response', response, request: req }));
    req.on('error', (error: NodeJS.ErrnoException) => {
      // A kept-alive connection the server closed while idle fails like a refused one: nothing was sent.
      if (!connected || req.reusedSocket || CONNECT_ERRORS.has(error.code ?? '')) settle({ kind: 'connect-failure', error });
      else settle({ kind: 'reset', error });
    });
    const body = input.body;
    if (body === undefined) req.end();
    else if (Buffer.isBuffer(body)) req.end(body);
    else {
      body.on('error', () => req.destroy());
      body.pipe(req);
    }
  });
}
