/**
 * A bounded in-memory trace store: spans grouped by trace id, the oldest trace (first seen)
 * evicted when full, a cap on spans per trace. Spans are kept in Zipkin v2 form, which is what
 * the read API returns.
 */
import type { ZipkinSpan } from './zipkin.js';

export interface TraceStoreOptions {
  maxTraces: number;
  maxSpansPerTrace: number;
}

export class TraceStore {
  /** Insertion order is age order: the first key is the oldest trace. */
  private readonly traces = new Map<string, ZipkinSpan[]>();
  private evictedCount = 0;

  constructor(private readonly opts: TraceStoreOptions) {}

  add(span: ZipkinSpan): void {
    const id = normaliseTraceId(span.traceId);
    let spans = this.traces.get(id);
    if (!spans) {
      while (this.traces.size >= this.opts.maxTraces) {
        const oldest = this.traces.keys().next();
        if (oldest.done) break;
        this.traces.delete(oldest.value);
        this.evictedCount++;
      }
      spans = [];
      this.traces.set(id, spans);
    }
    if (spans.length < this.opts.maxSpansPerTrace) spans.push(span);
  }

  get(traceId: string): readonly ZipkinSpan[] | undefined {
    return this.traces.get(normaliseTraceId(traceId));
  }

  /** Traces oldest first. */
  all(): IterableIterator<readonly ZipkinSpan[]> {
    return this.traces.values();
  }

  get size(): number {
    return this.traces.size;
  }

  get evicted(): number {
    return this.evictedCount;
  }
}

/** Zipkin's rule: lowercase, and ids shorter than 16 hex are left-padded to 16. */
export function normaliseTraceId(id: string): string {
  const lower = id.toLowerCase();
  return lower.length < 16 ? lower.padStart(16, '0') : lower;
}
