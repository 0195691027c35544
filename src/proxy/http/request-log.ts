/** One request's access-log record, written by the chain and its filters through these methods. */
import type { ListenerConfig } from '../../compile/config.js';
import type { RequestLogEntry } from './request-context.js';
import type { ResponseFlag } from './local-reply.js';

export class RequestLog implements RequestLogEntry {
  authority = '';
  path = '';
  status = 0;
  /** Envoy's response flags as logged: the outcome's flag, after any flag a filter added (DI). */
  flags = '-';
  route = '';
  cluster = '';
  upstream = '';
  durationMs = 0;
  attempts = 0;
  private outcome: ResponseFlag = '-';
  private added: string | undefined;

  constructor(
    readonly start: number,
    readonly method: string,
    public requestId: string,
    readonly direction: ListenerConfig['direction'],
  ) {}

  /** The flag of how the request ended (NR, UH, UO, FI, ...); the last one set wins. */
  setFlag(flag: ResponseFlag): void {
    this.outcome = flag;
  }

  get flag(): ResponseFlag {
    return this.outcome;
  }

  /** A flag shown beside the outcome's, such as DI for a request a fault delay held. */
  addFlag(flag: ResponseFlag): void {
    this.added = this.added === undefined ? flag : `${this.added},${flag}`;
  }

  /** Seals the record when the exchange is over. `answered` is false when no response head was sent. */
  finish(status: number, answered: boolean, now: number): void {
    this.status = answered ? status : 0;
    // A caller that went away before any answer: no status, flag DC, as Envoy logs it.
    if (!answered && this.outcome === '-') this.outcome = 'DC';
    this.flags = this.added === undefined ? this.outcome : this.outcome === '-' ? this.added : `${this.added},${this.outcome}`;
    this.durationMs = now - this.start;
  }
}
