/** Go's number and duration formatting, so fortio's report reads as fortio prints it. */

/** Go's `%g` (prec undefined: shortest) and `%.<prec>g`. */
export function formatG(x: number, prec?: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  if (x === 0) return '0';
  const p = prec === 0 ? 1 : prec;
  const [mantissa = '0', expText = '0'] = (p === undefined ? Math.abs(x).toExponential() : Math.abs(x).toExponential(p - 1)).split('e');
  const digits = mantissa.replace('.', '').replace(/0+$/, '') || '0';
  const nd = digits.length;
  const exp = Number(expText);
  const dp = exp + 1;
  let eprec = p ?? 6;
  if (p !== undefined && eprec > nd && nd >= dp) eprec = nd;
  let out: string;
  if (exp < -4 || exp >= eprec) {
    out = `${digits[0]}${nd > 1 ? `.${digits.slice(1)}` : ''}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  } else if (dp <= 0) {
    out = `0.${'0'.repeat(-dp)}${digits}`;
  } else if (dp >= nd) {
    out = digits + '0'.repeat(dp - nd);
  } else {
    out = `${digits.slice(0, dp)}.${digits.slice(dp)}`;
  }
  return x < 0 ? `-${out}` : out;
}

const NS = { ns: 1, us: 1e3, µs: 1e3, μs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 } as const;

/** Go's time.Duration.String() for a duration in nanoseconds: `95.661243ms`, `1m30s`, `0s`. */
export function goDuration(nanoseconds: number): string {
  let ns = Math.round(Math.abs(nanoseconds));
  const sign = nanoseconds < 0 ? '-' : '';
  if (ns === 0) return '0s';
  if (ns < 1e9) {
    const [unit, scale, prec] = ns < 1e3 ? ['ns', 1, 0] : ns < 1e6 ? ['µs', 1e3, 3] : ['ms', 1e6, 6];
    return `${sign}${fraction(Math.floor(ns / scale), ns % scale, prec)}${unit}`;
  }
  const frac = ns % 1e9;
  ns = Math.floor(ns / 1e9);
  let out = `${fraction(ns % 60, frac, 9)}s`;
  const minutes = Math.floor(ns / 60);
  if (minutes > 0) {
    out = `${minutes % 60}m${out}`;
    const hours = Math.floor(minutes / 60);
    if (hours > 0) out = `${hours}h${out}`;
  }
  return sign + out;
}

function fraction(whole: number, rest: number, prec: number): string {
  if (prec === 0 || rest === 0) return String(whole);
  const digits = String(rest).padStart(prec, '0').replace(/0+$/, '');
  return `${whole}.${digits}`;
}

/** Go's time.ParseDuration, in nanoseconds; undefined when invalid. */
export function parseGoDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === '0' || s === '+0' || s === '-0') return 0;
  const sign = s.startsWith('-') ? -1 : 1;
  const body = s.replace(/^[-+]/, '');
  if (!/^(?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.test(body)) return undefined;
  let total = 0;
  for (const m of body.matchAll(/(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) total += Number(m[1]) * NS[m[2] as keyof typeof NS];
  return sign * total;
}
