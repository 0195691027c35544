/** Load generators: wrk for throughput at fixed connections, hey for latency at a fixed rate. */
import { spawnSync } from 'node:child_process';

export interface Throughput {
  requests: number;
  seconds: number;
  rps: number;
  errors: number;
}

export function wrk(url: string, connections: number, seconds: number, host?: string): Throughput {
  const args = ['-t', '2', '-c', String(connections), '-d', `${seconds}s`, ...(host ? ['-H', `Host: ${host}`] : []), url];
  const r = spawnSync('wrk', args, { encoding: 'utf8', timeout: (seconds + 30) * 1000 });
  const out = r.stdout;
  const requests = Number(/(\d+) requests in ([\d.]+)(m?s)/.exec(out)?.[1] ?? 0);
  const m = /\d+ requests in ([\d.]+)(ms|s|m)/.exec(out);
  const secs = m ? Number(m[1]) * (m[2] === 'ms' ? 0.001 : m[2] === 'm' ? 60 : 1) : seconds;
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const errors = non2xx + (sock ? Number(sock[1]) + Number(sock[2]) + Number(sock[3]) + Number(sock[4]) : 0);
  if (requests === 0) throw new Error(`wrk made no requests: ${out}${r.stderr}`);
  return { requests, seconds: secs, rps: requests / secs, errors };
}

export interface Latency {
  requests: number;
  p50: number;
  p90: number;
  p99: number;
  errors: number;
}

/** `rate` requests/s over `seconds`, from `workers` connections (hey's -q is per worker). */
export function hey(url: string, rate: number, seconds: number, host?: string, workers = 10): Latency {
  const args = ['-z', `${seconds}s`, '-c', String(workers), '-q', String(rate / workers), ...(host ? ['-host', host] : []), url];
  const r = spawnSync('hey', args, { encoding: 'utf8', timeout: (seconds + 30) * 1000 });
  const out = r.stdout;
  const pct = (p: number) => Number(new RegExp(`${p}%% in ([\\d.]+) secs`.replace('%%', '%')).exec(out)?.[1] ?? NaN) * 1000;
  const ok = Number(/\[200\]\s+(\d+) responses/.exec(out)?.[1] ?? 0);
  const total = [...out.matchAll(/\[(\d+)\]\s+(\d+) responses/g)].reduce((n, m) => n + Number(m[2]), 0);
  const errs = [...out.matchAll(/\n\s+\[\d+\]\s+Get .*/g)].length;
  if (total === 0) throw new Error(`hey made no requests: ${out}${r.stderr}`);
  return { requests: total, p50: pct(50), p90: pct(90), p99: pct(99), errors: total - ok + errs };
}
