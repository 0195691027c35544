/** fortio's stats package: counters, its latency histogram buckets, percentiles and printing. */
import { formatG } from './go-format.js';

export class Counter {
  count = 0;
  min = 0;
  max = 0;
  sum = 0;
  private sumOfSquares = 0;

  record(v: number): void {
    if (this.count === 0) {
      this.min = v;
      this.max = v;
    } else {
      this.min = Math.min(this.min, v);
      this.max = Math.max(this.max, v);
    }
    this.count++;
    this.sum += v;
    this.sumOfSquares += v * v;
  }

  avg(): number {
    return this.sum / this.count;
  }

  stdDev(): number {
    const sigma = (this.sumOfSquares - (this.sum * this.sum) / this.count) / this.count;
    return sigma < 0 ? 0 : Math.sqrt(sigma);
  }

  /** `msg : count 20 avg 0.0093273393 +/- 0.008145 min 0.001500939 max 0.032632193 sum 0.186546786` */
  line(msg: string): string {
    return `${msg} : count ${this.count} avg ${formatG(this.avg(), 8)} +/- ${formatG(this.stdDev(), 4)} min ${formatG(this.min)} max ${formatG(this.max)} sum ${formatG(this.sum, 9)}`;
  }
}

/** fortio's bucket boundaries, in units of the histogram's divider. */
const BUCKETS = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 16, 18, 20, 25, 30, 35, 40, 45, 50, 60, 70, 80, 90, 100, 200, 300, 400, 500, 600, 700, 800, 900,
  1000, 2000, 3000, 4000, 5000, 7500, 10000, 20000, 30000, 40000, 50000, 60000, 70000, 80000, 90000, 100000,
] as const;
const LAST_VALUE = BUCKETS[BUCKETS.length - 1] ?? 0;

export interface Bucket {
  start: number;
  end: number;
  percent: number;
  count: number;
}

export class Histogram {
  readonly counter = new Counter();
  /** One slot per boundary plus one for values past the last. */
  private readonly data = new Array<number>(BUCKETS.length + 1).fill(0);

  constructor(
    private readonly offset = 0,
    private readonly divider = 0.001,
  ) {}

  record(v: number): void {
    this.counter.record(v);
    const scaled = (v - this.offset) / this.divider - 0.000001;
    let idx: number;
    if (scaled <= BUCKETS[0]) idx = 0;
    else if (scaled > LAST_VALUE) idx = BUCKETS.length;
    else {
      const floor = Math.floor(scaled);
      idx = BUCKETS.findIndex((b) => b > floor);
    }
    this.data[idx] = (this.data[idx] ?? 0) + 1;
  }

  buckets(): Bucket[] {
    const out: Bucket[] = [];
    const total = this.counter.count;
    let prev: number = BUCKETS[0];
    let cumulative = 0;
    for (let i = 0; i < this.data.length; i++) {
      const n = this.data[i] ?? 0;
      const boundary = BUCKETS[i];
      if (n === 0) {
        if (boundary !== undefined) prev = boundary;
        continue;
      }
      cumulative += n;
      const start = out.length === 0 ? this.counter.min : this.divider * prev + this.offset;
      const end = boundary !== undefined ? this.divider * boundary + this.offset : this.counter.max;
      if (boundary !== undefined) prev = boundary;
      out.push({ start, end, percent: (100 * cumulative) / total, count: n });
    }
    const last = out[out.length - 1];
    if (last) last.end = this.counter.max;
    return out;
  }

  percentile(p: number): number {
    const buckets = this.buckets();
    if (buckets.length === 0) return 0;
    if (p >= 100) return this.counter.max;
    let pp = 100 / this.counter.count;
    if (p <= pp) return this.counter.min;
    for (const b of buckets) {
      if (p <= b.percent) return b.start + ((p - pp) / (b.percent - pp)) * (b.end - b.start);
      pp = b.percent;
    }
    return this.counter.max;
  }

  /** The counter line, `# range, mid point, percentile, count`, the ranges and `# target` lines. */
  lines(msg: string, percentiles: readonly number[]): string[] {
    const buckets = this.buckets();
    if (buckets.length === 0) return [`${msg} : no data`];
    const out = [this.counter.line(msg), '# range, mid point, percentile, count'];
    buckets.forEach((b, i) => {
      out.push(`${i === 0 ? '>=' : '>'} ${formatG(b.start, 6)} <= ${formatG(b.end, 6)} , ${formatG((b.start + b.end) / 2, 6)} , ${b.percent.toFixed(2)}, ${b.count}`);
    });
    for (const p of percentiles) out.push(`# target ${formatG(p)}% ${formatG(this.percentile(p), 6)}`);
    return out;
  }
}
