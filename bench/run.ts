/**
 * `npm run bench`: every data-plane case interleaved over several rounds, medians and ratios to
 * nginx, then the control-plane benchmark; writes docs/performance.md (keeping its trend table).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { ensureTools, cpuSeconds, memoryMb } from './tools.js';
import { wrk, hey } from './load.js';
import { startUpstream, direct, nginxSplit, haproxySplit, floorNet, floorHttp, tackGateway1, tackGateway2, tackGatewayNode, tackGatewayBaseline, tackSidecars, tackSidecarsPlain, REPO, type Case } from './cases.js';
import { benchControlPlane } from './control-plane.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
/** `--only gateway,nginx`: a subset of cases by name, printed but not written to the report. */
const onlyArg = args.indexOf('--only');
const only = onlyArg >= 0 ? (args[onlyArg + 1] ?? '').split(',').filter(Boolean) : undefined;
const ROUNDS = quick ? 1 : 3;
const SECONDS = quick ? 3 : 5;
const CONNECTIONS = [16, 64];
const RATE = 1000;

interface Sample {
  rps: Record<number, number>;
  cpuUsPerReq: Record<number, number>;
  errors: number;
  p50: number;
  p90: number;
  p99: number;
  cores: number;
  rssMb: number;
  peakMb: number;
}

const log = (m: string): void => void process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${m}\n`);

function cpuOf(pids: number[]): number {
  let sum = 0;
  for (const p of pids) {
    try {
      sum += cpuSeconds(p);
    } catch {
      // exited
    }
  }
  return sum;
}

async function measure(c: Case, dir: string, upstream: Awaited<ReturnType<typeof startUpstream>>): Promise<Sample> {
  const run = await c.start(upstream, dir);
  try {
    const s: Sample = { rps: {}, cpuUsPerReq: {}, errors: 0, p50: 0, p90: 0, p99: 0, cores: 0, rssMb: 0, peakMb: 0 };
    const memory = (pick: (m: { rss: number; peak: number }) => number): number => {
      let sum = 0;
      for (const p of run.pids()) {
        try {
          sum += pick(memoryMb(p));
        } catch {
          // exited
        }
      }
      return sum;
    };
    // The fixed-rate phase runs first, so its memory is what 1,000 requests/s costs, not what saturation left behind.
    // Steady state, as a proxy in service runs: 5 s at the same rate lets V8 compile the hot path first.
    hey(run.url, RATE, 5, run.host);
    const pids = run.pids();
    const before = cpuOf(pids);
    const l = hey(run.url, RATE, SECONDS, run.host);
    s.cores = pids.length ? (cpuOf(pids) - before) / SECONDS : 0;
    s.p50 = l.p50;
    s.p90 = l.p90;
    s.p99 = l.p99;
    s.errors += l.errors;
    s.rssMb = memory((m) => m.peak);
    wrk(run.url, 16, 2, run.host); // warm up
    for (const conns of CONNECTIONS) {
      const pids = run.pids();
      const before = cpuOf(pids);
      const t = wrk(run.url, conns, SECONDS, run.host);
      const used = cpuOf(pids) - before;
      s.rps[conns] = t.rps;
      s.cpuUsPerReq[conns] = pids.length ? (used * 1e6) / t.requests : 0;
      s.errors += t.errors;
    }
    s.peakMb = memory((m) => m.peak);
    return s;
  } finally {
    await run.stop();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

const f = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '–');

async function main(): Promise<void> {
  ensureTools(log);
  const dir = mkdtempSync(join(tmpdir(), 'tack-bench-'));
  const baseline = process.env['TACK_BENCH_BASELINE'];
  const all: Case[] = [direct, nginxSplit, haproxySplit, floorNet, floorHttp, tackGateway1, ...(baseline ? [tackGatewayBaseline(baseline)] : []), tackGatewayNode, tackGateway2, tackSidecarsPlain, tackSidecars];
  const cases = only ? all.filter((c) => c.name === 'direct' || c.name === 'nginx' || only.some((o) => c.name.includes(o))) : all;
  const samples = new Map<string, Sample[]>();
  const upstream = await startUpstream(dir);
  try {
    for (let round = 0; round < ROUNDS; round++) {
      // Rotate the order each round so no case always runs first or last on a noisy machine.
      const order = cases.map((_, i) => cases[(i + round) % cases.length] as Case);
      for (const c of order) {
        log(`round ${round + 1}/${ROUNDS}: ${c.name}`);
        samples.set(c.name, [...(samples.get(c.name) ?? []), await measure(c, dir, upstream)]);
      }
    }
  } finally {
    await upstream.stop();
  }
  rmSync(dir, { recursive: true, force: true });
  if (only) {
    for (const c of cases) {
      const m = (pick: (s: Sample) => number) => median((samples.get(c.name) ?? []).map(pick));
      process.stdout.write(`${c.name}: ${f(m((s) => s.cpuUsPerReq[16] ?? NaN), 1)} µs/req @16, ${f(m((s) => s.cpuUsPerReq[64] ?? NaN), 1)} @64, ${f(m((s) => s.rps[16] ?? NaN))} req/s @16, p50/p90/p99 ${f(m((s) => s.p50), 2)}/${f(m((s) => s.p90), 2)}/${f(m((s) => s.p99), 2)} ms, ${f(m((s) => s.cores), 3)} cores @${RATE}/s, RSS ${f(m((s) => s.rssMb), 0)} MB @${RATE}/s, peak ${f(m((s) => s.peakMb), 0)} MB, errors ${f(m((s) => s.errors))}\n`);
    }
    return;
  }
  log('control plane: 1,000 services, 10,000 endpoints, 100 proxies');
  const cp = await benchControlPlane();

  const med = (name: string, pick: (s: Sample) => number) => median((samples.get(name) ?? []).map(pick));
  const nginxCpu = med('nginx', (s) => s.cpuUsPerReq[16] ?? NaN);
  const nginxRps = med('nginx', (s) => s.rps[16] ?? NaN);
  const directP = { p50: med('direct', (s) => s.p50), p90: med('direct', (s) => s.p90), p99: med('direct', (s) => s.p99) };
  const rows = cases.map((c) => {
    const cpu16 = med(c.name, (s) => s.cpuUsPerReq[16] ?? NaN);
    const cpu64 = med(c.name, (s) => s.cpuUsPerReq[64] ?? NaN);
    const rps16 = med(c.name, (s) => s.rps[16] ?? NaN);
    const rps64 = med(c.name, (s) => s.rps[64] ?? NaN);
    const isDirect = c.name === 'direct';
    // Run-to-run noise: how far this case's rounds spread around their median, CPU @16.
    const rounds = (samples.get(c.name) ?? []).map((s) => s.cpuUsPerReq[16] ?? NaN).filter((x) => Number.isFinite(x));
    const spread = rounds.length > 1 ? `±${f(((Math.max(...rounds) - Math.min(...rounds)) / 2 / cpu16) * 100, 0)}%` : '–';
    return `| ${c.name} | ${isDirect ? '–' : f(cpu16, 1)} | ${isDirect ? '–' : spread} | ${isDirect ? '–' : f(cpu64, 1)} | ${isDirect ? '–' : `${f(cpu16 / nginxCpu, 2)}×`} | ${f(rps16)} | ${f(rps64)} | ${f(rps16 / nginxRps, 2)}× | ${isDirect ? '–' : f(med(c.name, (s) => s.p50) - directP.p50, 2)} | ${isDirect ? '–' : f(med(c.name, (s) => s.p90) - directP.p90, 2)} | ${isDirect ? '–' : f(med(c.name, (s) => s.p99) - directP.p99, 2)} | ${isDirect ? '–' : f(med(c.name, (s) => s.cores), 3)} | ${isDirect ? '–' : f(med(c.name, (s) => s.rssMb), 0)} | ${isDirect ? '–' : f(med(c.name, (s) => s.peakMb), 0)} | ${f(med(c.name, (s) => s.errors))} |`;
  });
  const date = new Date().toISOString().slice(0, 10);
  const cpuModel = cpus()[0]?.model ?? 'unknown CPU';
  const gw = med('tack gateway', (s) => s.cpuUsPerReq[16] ?? NaN);
  const sc = med('tack sidecar → sidecar (mTLS)', (s) => s.cpuUsPerReq[16] ?? NaN);
  const trendRow = `| ${date} | ${f(nginxCpu, 1)} | ${f(gw, 1)} | ${f(gw / nginxCpu, 2)}× | ${f(sc, 1)} | ${f(med('tack gateway', (s) => s.p99) - directP.p99, 2)} | ${f(med('tack gateway', (s) => s.cores), 3)} | ${f(med('tack gateway', (s) => s.rssMb), 0)} | ${f(cp.applyToConvergedMs, 0)} |`;

  const file = join(REPO, 'docs', 'performance.md');
  const prior = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const trendStart = prior.indexOf('<!-- trend rows -->');
  const oldRows = trendStart >= 0 ? prior.slice(trendStart + '<!-- trend rows -->'.length).trim().split('\n').filter((l) => l.startsWith('| 2')) : [];
  const notes = prior.includes('<!-- notes -->') ? prior.slice(prior.indexOf('<!-- notes -->'), prior.indexOf('<!-- end notes -->') + '<!-- end notes -->'.length) : '<!-- notes -->\n<!-- end notes -->';
  const doc = `# Performance

<!-- The tables are written by \`npm run bench\`; the notes between the notes markers are kept. -->

Measured ${date} on this machine (${cpus().length} × ${cpuModel}, Node ${process.version}) with
\`npm run bench${quick ? ' -- --quick' : ''}\`: ${ROUNDS} interleaved round(s) per case, medians shown. The upstream is nginx
answering a 1 KB body on two ports; every proxy splits 75/25 between them (the tack cases from a
VirtualService, through the ingress gateway or from one sidecar to another with nginx as the app).
Throughput is wrk with 2 threads at 16 and 64 keep-alive connections for ${SECONDS} s; latency is hey at a
fixed ${RATE} requests/s (10 connections) for ${SECONDS} s after 5 s of warm-up at that rate, shown as the
time added over the direct connection. **CPU µs/request** — the proxy processes' own CPU time divided by requests served — is
the primary figure: it does not depend on how many cores the load generator leaves free. Access
logging is off (\`tack up --no-access-log\`), as in Istio's default profile; every resilience feature
is compiled in.

| case | CPU µs/req @16 | spread over rounds | CPU µs/req @64 | CPU vs nginx | req/s @16 | req/s @64 | req/s vs nginx | +p50 ms @${RATE}/s | +p90 ms | +p99 ms | cores @${RATE}/s | RSS MB @${RATE}/s | peak RSS MB | errors |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

Targets (issue 6): CPU per request ≤ 1.5× nginx's; at ${RATE} requests/s ≤ 0.15 cores, ≤ 60 MB RSS per
proxy, added p99 ≤ 0.8 ms; apply-to-converged ≤ 1 s at 1,000 services. The sidecar case counts two
proxies (client and server side), so its CPU, cores and memory are for both.

## Control plane

| services | endpoints | compile one sidecar | compile ${cp.proxies} sidecars | heap after compile | full push to ${cp.proxies} proxies | apply → every proxy ACKed |
| --- | --- | --- | --- | --- | --- | --- |
| ${cp.services} | ${cp.endpoints} | ${f(cp.compileOneMs, 0)} ms | ${f(cp.compileAllMs, 0)} ms | ${f(cp.heapMb, 0)} MB | ${f(cp.fullPushMs, 0)} ms | ${f(cp.applyToConvergedMs, 0)} ms |

${notes}

## Trend

| date | nginx µs/req | tack gateway µs/req | gateway vs nginx | sidecar→sidecar µs/req (2 proxies) | gateway +p99 ms | gateway cores @${RATE}/s | gateway MB @${RATE}/s | apply → converged ms |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
<!-- trend rows -->
${[...oldRows, trendRow].join('\n')}
`;
  writeFileSync(file, doc);
  log(`wrote ${file}`);
  process.stdout.write(doc);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
