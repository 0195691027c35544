/** Shared fixtures for this folder's tests: a fixed random sequence and a manual timer clock. */
import type { ExportClock, ExportTimer } from './exporter.js';
import type { SpanData } from './span.js';

/** Draws cycle through `values`; 32-bit draws of 0.5 give `80000000`. */
export function sequence(values: readonly number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length] ?? 0;
}

export class FakeTimers implements ExportClock {
  now = 0;
  private timers: { at: number; cb: () => void; live: boolean }[] = [];

  setTimeout(cb: () => void, ms: number): ExportTimer {
    const t = { at: this.now + ms, cb, live: true };
    this.timers.push(t);
    return { cancel: () => void (t.live = false) };
  }

  pending(): number {
    return this.timers.filter((t) => t.live).length;
  }

  advance(ms: number): void {
    this.now += ms;
    for (const t of [...this.timers]) {
      if (t.live && t.at <= this.now) {
        t.live = false;
        t.cb();
      }
    }
    this.timers = this.timers.filter((t) => t.live);
  }
}

export function sampleSpan(over: Partial<SpanData> = {}): SpanData {
  return {
    traceId: '463ac35c9f6413ad48485a3953bb6124',
    spanId: 'a2fb4a1d1a96d312',
    parentSpanId: '0020000000000001',
    name: 'reviews.default.svc.cluster.local:9080/*',
    kind: 'SERVER',
    startUs: 1_700_000_000_123_456,
    durationUs: 2500,
    localEndpoint: { serviceName: 'reviews.default', ip: '10.0.0.7' },
    tags: { component: 'proxy', 'http.status_code': '200' },
    ...over,
  };
}
