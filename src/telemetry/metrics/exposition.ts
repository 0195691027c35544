/**
 * Renders a registry in the Prometheus text format 0.0.4 or OpenMetrics 1.0. Families appear in
 * registration order and series in bind order, so output is deterministic. Label pairs were escaped
 * once at bind time; here each line is only concatenated.
 */
import type { CounterSeries, GaugeSeries, HistogramSeries, MetricFamily, MetricsRegistry } from './registry.js';
import { escapeHelp } from './text-escape.js';

export type ExpositionFormat = 'text' | 'openmetrics';

/** Counts of updates lost to the series cap, one series per affected metric. */
export const DROPPED_METRIC = 'tack_metrics_dropped_total';

export function formatSampleValue(v: number): string {
  if (v !== v) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/**
 * `le` values. Text: as Envoy prints them (`0.5`, `1`, `3600000`). OpenMetrics asks for canonical
 * floats, so integers get `.0` (`1.0`, `3600000.0`).
 */
export function formatBound(v: number, openMetrics: boolean): string {
  const s = formatSampleValue(v);
  if (!openMetrics || !Number.isFinite(v) || /[.e]/.test(s)) return s;
  return `${s}.0`;
}

export function renderMetrics(registry: MetricsRegistry, format: ExpositionFormat): string {
  const om = format === 'openmetrics';
  const out: string[] = [];
  for (const f of registry.families) {
    if (f.series.length === 0) continue;
    // OpenMetrics names a counter family without its `_total` suffix; the samples keep it.
    const family = om && f.kind === 'counter' ? f.name.slice(0, -'_total'.length) : f.name;
    out.push(`# HELP ${family} ${escapeHelp(f.help, om)}\n# TYPE ${family} ${f.kind}\n`);
    if (f.kind === 'histogram') renderHistogram(f as MetricFamily<HistogramSeries>, om, out);
    else renderScalar(f as MetricFamily<CounterSeries | GaugeSeries>, out);
  }
  renderDropped(registry, om, out);
  if (om) out.push('# EOF\n');
  return out.join('');
}

function renderScalar(f: MetricFamily<CounterSeries | GaugeSeries>, out: string[]): void {
  const bare = `${f.name} `;
  const open = `${f.name}{`;
  for (const s of f.series) {
    out.push(s.labelText === '' ? bare + formatSampleValue(s.value) + '\n' : open + s.labelText + '} ' + formatSampleValue(s.value) + '\n');
  }
}

function renderHistogram(f: MetricFamily<HistogramSeries>, om: boolean, out: string[]): void {
  const bounds = f.bounds!;
  const le: string[] = [];
  for (const b of bounds) le.push(`le="${formatBound(b, om)}"} `);
  le.push('le="+Inf"} ');
  const bucket = `${f.name}_bucket{`;
  const sum = `${f.name}_sum`;
  const count = `${f.name}_count`;
  for (const s of f.series) {
    const lt = s.labelText;
    const lead = lt === '' ? bucket : bucket + lt + ',';
    let cum = 0;
    let chunk = '';
    for (let i = 0; i < le.length; i++) {
      cum += s.counts[i]!;
      chunk += lead + le[i]! + cum + '\n';
    }
    const tail = lt === '' ? ' ' : `{${lt}} `;
    chunk += sum + tail + formatSampleValue(s.sum) + '\n' + count + tail + s.count + '\n';
    out.push(chunk);
  }
}

function renderDropped(registry: MetricsRegistry, om: boolean, out: string[]): void {
  const lost = registry.families.filter((f) => f.droppedUpdates > 0);
  if (lost.length === 0) return;
  const family = om ? DROPPED_METRIC.slice(0, -'_total'.length) : DROPPED_METRIC;
  out.push(`# HELP ${family} Metric updates discarded because the registry reached its series limit.\n# TYPE ${family} counter\n`);
  for (const f of lost) out.push(`${DROPPED_METRIC}{metric="${f.name}"} ${f.droppedUpdates}\n`);
}
