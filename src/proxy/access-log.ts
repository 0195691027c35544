/**
 * Envoy-style access log lines, batched: one write per flush instead of one per request, so
 * logging costs the request path a string format and an array push.
 */
import type { RequestLogEntry } from './http/request-context.js';
import { systemClock, type Clock, type Timer } from './clock.js';

export class AccessLog {
  private lines: string[] = [];
  private timer: Timer | undefined;

  constructor(
    private readonly write: (text: string) => void,
    private readonly flushMs = 100,
    private readonly clock: Clock = systemClock,
  ) {}

  record(e: RequestLogEntry): void {
    this.lines.push(
      `[${new Date(e.start).toISOString()}] "${e.method} ${e.path} HTTP/1.1" ${e.status} ${e.flags} ${e.durationMs}ms attempts=${e.attempts} "${e.requestId}" "${e.authority}" "${e.upstream || '-'}" ${e.cluster || '-'} ${e.route || '-'} ${e.direction}`,
    );
    if (this.lines.length >= 256) this.flush();
    else if (!this.timer) {
      this.timer = this.clock.setTimeout(() => this.flush(), this.flushMs);
    }
  }

  flush(): void {
    this.timer?.cancel();
    this.timer = undefined;
    if (this.lines.length === 0) return;
    const text = `${this.lines.join('\n')}\n`;
    this.lines = [];
    this.write(text);
  }
}
