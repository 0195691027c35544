/**
 * Spans leave the request path through a bounded queue: `add` only pushes; a POST goes out when a
 * batch is full or the flush interval passes, one at a time. A full queue drops new spans and
 * counts them; a failed POST drops its batch and counts it (Envoy's Zipkin reporter does not retry
 * either). Nothing here throws into the caller.
 */
import type { TraceCollectorConfig } from './config.js';
import { encodeOtlp } from './otlp.js';
import type { SpanData } from './span.js';
import { encodeZipkin } from './zipkin.js';

export interface ExportTimer {
  cancel(): void;
}

/** The part of the proxy's Clock the exporter needs. */
export interface ExportClock {
  setTimeout(callback: () => void, ms: number): ExportTimer;
}

export type SendFn = (url: string, body: string) => Promise<void>;

export interface ExporterOptions {
  url: string;
  encode: (spans: readonly SpanData[]) => string;
  send: SendFn;
  clock: ExportClock;
  maxBatch: number;
  flushIntervalMs: number;
  maxQueue: number;
}

export interface ExporterStats {
  /** Spans in batches the collector accepted. */
  sent: number;
  /** Spans refused because the queue was full. */
  dropped: number;
  /** Spans in batches whose POST failed. */
  failed: number;
  batches: number;
  queued: number;
}

export class SpanExporter {
  private queue: SpanData[] = [];
  private timer: ExportTimer | undefined;
  private inFlight: Promise<void> | undefined;
  private closed = false;
  private readonly counts = { sent: 0, dropped: 0, failed: 0, batches: 0 };

  constructor(private readonly opts: ExporterOptions) {}

  add(span: SpanData): void {
    if (this.closed || this.queue.length >= this.opts.maxQueue) {
      this.counts.dropped++;
      return;
    }
    this.queue.push(span);
    if (this.queue.length >= this.opts.maxBatch) this.kick();
    else if (!this.timer) this.timer = this.opts.clock.setTimeout(() => this.onTimer(), this.opts.flushIntervalMs);
  }

  stats(): ExporterStats {
    return { ...this.counts, queued: this.queue.length };
  }

  /** Sends everything queued, batch by batch; resolves when the last POST settles. */
  async flush(): Promise<void> {
    for (;;) {
      if (this.inFlight) await this.inFlight;
      else if (this.queue.length > 0) this.kick();
      else return;
    }
  }

  /** Refuses new spans, sends what is queued. */
  async close(): Promise<void> {
    this.closed = true;
    this.cancelTimer();
    await this.flush();
  }

  private onTimer(): void {
    this.timer = undefined;
    this.kick();
  }

  private cancelTimer(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  /** Starts one POST if none is running; the next batch follows when it settles. */
  private kick(): void {
    if (this.inFlight || this.queue.length === 0) return;
    this.cancelTimer();
    const batch = this.queue.splice(0, this.opts.maxBatch);
    this.inFlight = this.post(batch).finally(() => {
      this.inFlight = undefined;
      if (this.queue.length >= this.opts.maxBatch) this.kick();
      else if (this.queue.length > 0 && !this.timer && !this.closed) this.timer = this.opts.clock.setTimeout(() => this.onTimer(), this.opts.flushIntervalMs);
    });
  }

  private async post(batch: SpanData[]): Promise<void> {
    try {
      const body = this.opts.encode(batch);
      await this.opts.send(this.opts.url, body);
      this.counts.sent += batch.length;
      this.counts.batches++;
    } catch {
      this.counts.failed += batch.length;
    }
  }
}

/** The exporter a compiled collector asks for, with its wire format's encoder. */
export function exporterFor(collector: TraceCollectorConfig, send: SendFn, clock: ExportClock): SpanExporter {
  const encode = collector.format === 'otlp' ? (s: readonly SpanData[]) => encodeOtlp(s) : encodeZipkin;
  return new SpanExporter({ url: collector.url, encode, send, clock, maxBatch: collector.maxBatch, flushIntervalMs: collector.flushIntervalMs, maxQueue: collector.maxQueue });
}
