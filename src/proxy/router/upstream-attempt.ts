/** One try of a request against one upstream host, with its outcome classified as Envoy classifies it. */
import type { OutgoingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import type { UpstreamHost } from '../runtime/upstream.js';
import type { CancelSignal } from '../cancellation.js';
import type { UpstreamResponse } from '../h1/client.js';
import type { BodySource } from '../http/downstream.js';
import type { Clock, Timer } from '../clock.js';

export type AttemptOutcome =
  | { kind: 'response'; response: UpstreamResponse }
  | { kind: 'connect-failure'; error: Error }
  | { kind: 'reset'; error: Error }
  | { kind: 'timeout' }
  | { kind: 'cancelled' };

export interface AttemptInput {
  host: UpstreamHost;
  method: string;
  path: string;
  headers: OutgoingHttpHeaders;
  /** The whole body (buffered for retries), a stream to send once, or nothing. */
  body: Buffer | BodySource | undefined;
  timeoutMs: number | undefined;
  /** Aborts the attempt (downstream went away, or the route timeout fired). */
  signal: CancelSignal;
  clock: Clock;
  connectTimeoutMs: number;
  /** Told which socket carries the attempt (for the circuit breaker's connection accounting). */
  onSocket?: (socket: Socket) => void;
}

export function attempt(input: AttemptInput): Promise<AttemptOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    let timer: Timer | undefined;
    const settle = (o: AttemptOutcome): void => {
      if (settled) return;
      settled = true;
      timer?.cancel();
      input.signal.removeEventListener('abort', onAbort);
      resolve(o);
    };
    const onAbort = (): void => {
      exchange.abort();
      settle({ kind: 'cancelled' });
    };
    // The request head is written before `request` returns, so an invalid header throws here; the
    // attempt then ends as a reset, so the caller releases its breaker admission as for any failure.
    let exchange: ReturnType<typeof input.host.pool.request>;
    try {
      exchange = input.host.pool.request(
        { method: input.method, path: input.path, headers: input.headers, body: input.body, connectTimeoutMs: input.connectTimeoutMs },
        {
          socket: (s) => input.onSocket?.(s),
          response: (response) => settle({ kind: 'response', response }),
          failure: (kind, error) => settle({ kind, error }),
        },
      );
    } catch (err) {
      settle({ kind: 'reset', error: err instanceof Error ? err : new Error(String(err)) });
      return;
    }
    if (settled) return;
    input.signal.addEventListener('abort', onAbort);
    if (input.timeoutMs !== undefined) {
      timer = input.clock.setTimeout(() => {
        exchange.abort();
        settle({ kind: 'timeout' });
      }, input.timeoutMs);
    }
  });
}
