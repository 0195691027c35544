/**
 * A small metrics registry for one proxy. Series are bound once per label-value tuple and the caller
 * keeps the handle: an increment or observation is a field update, with no lookup, string work or
 * allocation. Exposition (exposition.ts) reads the same objects.
 *
 * Series cap: the registry holds at most `maxSeries` series over all families. Binding a new tuple
 * past the cap creates nothing; it returns the family's detached handle, whose updates are counted
 * in `droppedUpdates` (exposed as `tack_metrics_dropped_total{metric}`) and otherwise discarded.
 * Existing series keep counting. We drop rather than fold into an "overflow" series because a fake
 * label set would show up in Kiali and Grafana as a workload that does not exist.
 */
import { DEFAULT_BUCKETS } from './buckets.js';
import { escapeLabelValue, isValidLabelName, isValidMetricName } from './text-escape.js';

export type MetricKind = 'counter' | 'gauge' | 'histogram';

export interface BoundCounter {
  inc(by?: number): void;
}

export interface BoundGauge {
  set(value: number): void;
  inc(by?: number): void;
}

export interface BoundHistogram {
  observe(value: number): void;
}

/** What every series shares: its label values and their pre-rendered `a="x",b="y"` text. */
abstract class SeriesBase {
  constructor(
    readonly labelValues: readonly string[],
    /** Escaped label pairs without braces, built once at bind time for exposition. */
    readonly labelText: string,
  ) {}
}

export class CounterSeries extends SeriesBase implements BoundCounter {
  value = 0;
  inc(by = 1): void {
    // A counter never goes down: negative or NaN amounts are ignored rather than corrupting it.
    if (by >= 0) this.value += by;
  }
}

export class GaugeSeries extends SeriesBase implements BoundGauge {
  value = 0;
  set(value: number): void {
    this.value = value;
  }
  inc(by = 1): void {
    this.value += by;
  }
}

export class HistogramSeries extends SeriesBase implements BoundHistogram {
  /** Per-bucket (not cumulative) counts; the last slot is the +Inf bucket. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  constructor(
    labelValues: readonly string[],
    labelText: string,
    private readonly bounds: Float64Array,
  ) {
    super(labelValues, labelText);
    this.counts = new Float64Array(bounds.length + 1);
  }
  observe(value: number): void {
    if (value !== value) return; // NaN would poison _sum for good
    const b = this.bounds;
    let i = 0;
    // Linear scan: 19 bounds, most observations land in the first few.
    while (i < b.length && value > b[i]!) i++;
    this.counts[i]!++;
    this.sum += value;
    this.count++;
  }
}

type AnySeries = CounterSeries | GaugeSeries | HistogramSeries;

/** The handle returned past the series cap: it only counts what was lost. */
class Detached implements BoundCounter, BoundGauge, BoundHistogram {
  droppedUpdates = 0;
  inc(): void {
    this.droppedUpdates++;
  }
  set(): void {
    this.droppedUpdates++;
  }
  observe(): void {
    this.droppedUpdates++;
  }
}

export interface FamilyOptions {
  name: string;
  help: string;
  labelNames: readonly string[];
}

export class MetricFamily<S extends AnySeries = AnySeries> {
  readonly series: S[] = [];
  private readonly byKey = new Map<string, S>();
  readonly detached = new Detached();

  constructor(
    readonly kind: MetricKind,
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    private readonly registry: MetricsRegistry,
    private readonly make: (values: readonly string[], labelText: string) => S,
    /** Histograms only: the bucket bounds. */
    readonly bounds?: Float64Array,
  ) {}

  /** The series for these label values (in `labelNames` order), created on first use. */
  bind(values: readonly string[]): S | Detached {
    if (values.length !== this.labelNames.length) {
      throw new Error(`${this.name}: ${values.length} label values for ${this.labelNames.length} labels`);
    }
    // NUL cannot appear in a header-derived value that matters, and it separates values unambiguously.
    const key = values.join('\u0000');
    const found = this.byKey.get(key);
    if (found) return found;
    if (!this.registry.reserveSeries()) return this.detached;
    const copy = Object.freeze(values.slice());
    let text = '';
    for (let i = 0; i < copy.length; i++) {
      if (i > 0) text += ',';
      text += `${this.labelNames[i]!}="${escapeLabelValue(copy[i]!)}"`;
    }
    const s = this.make(copy, text);
    this.byKey.set(key, s);
    this.series.push(s);
    return s;
  }

  get droppedUpdates(): number {
    return this.detached.droppedUpdates;
  }
}

export class MetricsRegistry {
  readonly families: MetricFamily[] = [];
  private readonly names = new Set<string>();
  private seriesCount = 0;

  constructor(readonly maxSeries = 20_000) {}

  get size(): number {
    return this.seriesCount;
  }

  /** @internal Called by a family before it creates a series. */
  reserveSeries(): boolean {
    if (this.seriesCount >= this.maxSeries) return false;
    this.seriesCount++;
    return true;
  }

  counter(opts: FamilyOptions): MetricFamily<CounterSeries> {
    // Counters carry `_total` in both formats, so the name is the same in text and OpenMetrics.
    if (!opts.name.endsWith('_total')) throw new Error(`counter ${opts.name}: name must end in _total`);
    return this.add('counter', opts, (v, t) => new CounterSeries(v, t));
  }

  gauge(opts: FamilyOptions): MetricFamily<GaugeSeries> {
    return this.add('gauge', opts, (v, t) => new GaugeSeries(v, t));
  }

  histogram(opts: FamilyOptions & { buckets?: readonly number[] }): MetricFamily<HistogramSeries> {
    const raw = opts.buckets ?? DEFAULT_BUCKETS;
    for (let i = 0; i < raw.length; i++) {
      if (!Number.isFinite(raw[i]) || (i > 0 && raw[i]! <= raw[i - 1]!)) {
        throw new Error(`histogram ${opts.name}: buckets must be finite and strictly increasing`);
      }
    }
    const bounds = Float64Array.from(raw);
    return this.add('histogram', opts, (v, t) => new HistogramSeries(v, t, bounds), bounds);
  }

  private add<S extends AnySeries>(
    kind: MetricKind,
    opts: FamilyOptions,
    make: (v: readonly string[], t: string) => S,
    bounds?: Float64Array,
  ): MetricFamily<S> {
    if (!isValidMetricName(opts.name)) throw new Error(`invalid metric name ${JSON.stringify(opts.name)}`);
    if (this.names.has(opts.name)) throw new Error(`metric ${opts.name} registered twice`);
    for (const l of opts.labelNames) {
      if (!isValidLabelName(l) || l === 'le') throw new Error(`${opts.name}: invalid label name ${JSON.stringify(l)}`);
    }
    if (new Set(opts.labelNames).size !== opts.labelNames.length) throw new Error(`${opts.name}: duplicate label names`);
    this.names.add(opts.name);
    const f = new MetricFamily<S>(kind, opts.name, opts.help, Object.freeze([...opts.labelNames]), this, make, bounds);
    this.families.push(f as unknown as MetricFamily);
    return f;
  }
}
