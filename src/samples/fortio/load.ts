/** `fortio load`: C keep-alive workers, N calls or a duration, paced at QPS; fortio's report. */
import { availableParallelism } from 'node:os';
import { HttpClient, HttpError } from '../shared/http-client.js';
import { formatG, goDuration } from './go-format.js';
import type { Logger } from './log.js';
import { Counter, Histogram } from './stats.js';

export const FORTIO_VERSION = '1.11.3';
export const USER_AGENT = `fortio.org/fortio-${FORTIO_VERSION}`;

export interface LoadOptions {
  readonly url: string;
  readonly connections: number;
  /** Requests per second across all connections; 0 or less: as fast as possible. */
  readonly qps: number;
  /** Exact number of calls, or undefined to run for `durationNs`. */
  readonly calls: number | undefined;
  /** Run time in nanoseconds; 0: until interrupted (or `calls`). */
  readonly durationNs: number;
  readonly percentiles: readonly number[];
  readonly headers: Readonly<Record<string, string>>;
  readonly method: string;
  readonly body: string | undefined;
  readonly timeoutMs: number;
  readonly keepAlive: boolean;
  readonly env?: NodeJS.ProcessEnv;
}

export interface LoadResult {
  readonly calls: number;
  readonly codes: ReadonlyMap<number, number>;
  readonly socketsUsed: number;
  readonly report: string;
}

interface Totals {
  durations: Histogram;
  sleeps: Counter;
  headerSizes: Counter;
  sizes: Counter;
  codes: Map<number, number>;
}

/** Runs the load; `out` gets the header lines first, then the report. `stop` ends it early. */
export async function runLoad(options: LoadOptions, log: Logger, out: (text: string) => void, stop: AbortSignal): Promise<LoadResult> {
  const procs = availableParallelism();
  const threads = Math.max(1, Math.floor(options.connections));
  const useQps = options.qps > 0;
  const exactly = options.calls;
  const duration = exactly === undefined && options.durationNs > 0 ? options.durationNs : undefined;
  const forWhat = exactly !== undefined ? `${exactly} calls` : duration !== undefined ? goDuration(duration) : 'until interrupted';
  out(`Fortio ${FORTIO_VERSION} running at ${formatG(useQps ? options.qps : 0)} queries per second, ${procs}->${procs} procs, for ${forWhat}: ${options.url}\n`);
  log.info('httprunner.go:82', `Starting http test for ${options.url} with ${threads} threads at ${(useQps ? options.qps : -1).toFixed(1)} qps`);
  const starting = useQps ? `Starting at ${formatG(options.qps)} qps` : 'Starting at max qps';
  const until =
    exactly !== undefined
      ? `for exactly ${exactly} calls (${Math.floor(exactly / threads)} per thread + ${exactly % threads})`
      : duration !== undefined
        ? `for ${goDuration(duration)}`
        : 'until interrupted';
  out(`${starting} with ${threads} thread(s) [gomax ${procs}] ${until}\n`);

  const totals: Totals = { durations: new Histogram(), sleeps: new Counter(), headerSizes: new Counter(), sizes: new Counter(), codes: new Map() };
  const clients = Array.from({ length: threads }, () => new HttpClient({ keepAlive: options.keepAlive, maxSockets: 1, env: options.env }));
  const start = performance.now();
  const deadline = duration !== undefined ? start + duration / 1e6 : Infinity;
  const intervalMs = useQps ? (1000 * threads) / options.qps : 0;
  try {
    await Promise.all(
      clients.map(async (client, t) => {
        const mine = exactly === undefined ? Infinity : Math.floor(exactly / threads) + (t < exactly % threads ? 1 : 0);
        const threadStart = performance.now();
        let done = 0;
        while (done < mine && !stop.aborted && performance.now() < deadline) {
          if (useQps) {
            const wait = threadStart + done * intervalMs - performance.now();
            totals.sleeps.record(Math.round(wait * 1e6) / 1e9);
            if (wait > 0) {
              if (performance.now() + wait >= deadline) break;
              await sleepUnless(wait, stop);
              if (stop.aborted) break;
            }
          }
          await oneCall(client, options, totals, log);
          done++;
        }
        log.info('periodic.go:558', `T${String(t).padStart(3, '0')} ended after ${goDuration((performance.now() - threadStart) * 1e6)} : ${done} calls. qps=${formatG(done / ((performance.now() - threadStart) / 1000), 5)}`);
      }),
    );
  } finally {
    for (const client of clients) client.close();
  }
  const elapsedMs = performance.now() - start;
  const socketsUsed = clients.reduce((sum, c) => sum + c.socketsUsed, 0);
  const report = formatReport(totals, { elapsedMs, threads, socketsUsed, useQps, percentiles: options.percentiles, log });
  out(report);
  return { calls: totals.durations.counter.count, codes: totals.codes, socketsUsed, report };
}

async function oneCall(client: HttpClient, options: LoadOptions, totals: Totals, log: Logger): Promise<void> {
  const t0 = performance.now();
  let code = -1;
  let headerSize = 0;
  let size = 0;
  try {
    const res = await client.request(options.url, {
      method: options.method,
      headers: { 'User-Agent': USER_AGENT, ...options.headers },
      body: options.body,
      timeoutMs: options.timeoutMs,
    });
    code = res.status;
    headerSize = res.headerBytes;
    size = res.headerBytes + res.body.length;
    if (code !== 200) log.warn('http_client.go:693', `Parsed non ok code ${code} (HTTP/${res.httpVersion} ${code})`);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof HttpError && err.code === 'connect') log.error('http_client.go:230', `Unable to connect to ${options.url} : ${message}`);
    else log.error('http_client.go:584', `Read error for ${options.url} : ${message}`);
  }
  // Whole nanoseconds, as Go measures them, so the report prints clean numbers.
  totals.durations.record(Math.round((performance.now() - t0) * 1e6) / 1e9);
  totals.codes.set(code, (totals.codes.get(code) ?? 0) + 1);
  totals.headerSizes.record(headerSize);
  totals.sizes.record(size);
}

function sleepUnless(ms: number, stop: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      stop.removeEventListener('abort', done);
      resolve();
    }
    stop.addEventListener('abort', done, { once: true });
  });
}

interface ReportContext {
  elapsedMs: number;
  threads: number;
  socketsUsed: number;
  useQps: boolean;
  percentiles: readonly number[];
  log: Logger;
}

function formatReport(totals: Totals, ctx: ReportContext): string {
  const count = totals.durations.counter.count;
  const qps = count / (ctx.elapsedMs / 1000);
  const lines = [`Ended after ${goDuration(ctx.elapsedMs * 1e6)} : ${count} calls. qps=${formatG(qps, 5)}`];
  if (ctx.useQps && totals.sleeps.count > 0 && ctx.log.enabled('Warning')) lines.push(totals.sleeps.line('Sleep times'));
  lines.push(...totals.durations.lines('Aggregated Function Time', ctx.percentiles));
  lines.push(`Sockets used: ${ctx.socketsUsed} (for perfect keepalive, would be ${ctx.threads})`);
  lines.push('Jitter: false');
  for (const code of [...totals.codes.keys()].sort((a, b) => a - b)) {
    const n = totals.codes.get(code) ?? 0;
    lines.push(`Code ${String(code).padStart(3, ' ')} : ${n} (${((100 * n) / count).toFixed(1)} %)`);
  }
  if (ctx.log.enabled('Warning')) {
    lines.push(totals.headerSizes.line('Response Header Sizes'));
    lines.push(totals.sizes.line('Response Body/Total Sizes'));
  }
  const avgMs = count > 0 ? (1000 * totals.durations.counter.sum) / count : 0;
  lines.push(`All done ${count} calls (plus 0 warmup) ${avgMs.toFixed(3)} ms avg, ${qps.toFixed(1)} qps`);
  return `${lines.join('\n')}\n`;
}
