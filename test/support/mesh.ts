/**
 * A real `tack up` for integration tests: free ports, the built CLI as a child process, readiness
 * awaited, and every process it started stopped by pid afterwards, even when the test failed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { TACK_BIN, runTack, type RunResult } from './cli.js';
import { REPO_ROOT } from './corpus.js';

import { freePort } from './ports.js';

export { freePort } from './ports.js';

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** One HTTP request to 127.0.0.1:port; rejects only on a transport error or the time limit. */
export function httpGet(port: number, path: string, headers: Record<string, string> = {}, opts: { method?: string; timeoutMs?: number; body?: string } = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.setTimeout(opts.timeoutMs ?? 10_000, () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}

export interface Mesh {
  controlPort: number;
  httpPort: number;
  httpsPort: number;
  output(): string;
  /** Runs `tack ...` against this mesh (through TACK_CONTROL_PORT). */
  tack(args: string[], opts?: { input?: string; timeoutMs?: number }): Promise<RunResult>;
  /** Pids of every pod process, by pod and container. */
  pods(): Promise<PodView[]>;
  /** Stops the mesh (SIGTERM to `tack up`); kills anything left by pid. */
  stop(): Promise<void>;
  /** SIGKILLs the control plane only, leaving its pods running (they are stopped by `stop`). */
  killControlPlane(): Promise<void>;
  process: ChildProcess;
}

export interface PodView {
  namespace: string;
  name: string;
  deployment?: string;
  ready: boolean;
  phase: string;
  restarts: number;
  labels: Record<string, string>;
  pids: Record<string, number | undefined>;
}

async function waitReady(port: number, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`tack up exited with ${child.exitCode}:\n${output()}`);
    try {
      const r = await httpGet(port, '/healthz/ready', {}, { timeoutMs: 1000 });
      if (r.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`mesh not ready within ${timeoutMs} ms:\n${output()}`);
}

function killGroup(pid: number): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

export async function startMesh(files: string[], opts: { extraArgs?: string[]; readyTimeoutMs?: number } = {}): Promise<Mesh> {
  const [controlPort, httpPort, httpsPort] = [await freePort(), await freePort(), await freePort()];
  const child = spawn(process.execPath, [TACK_BIN, 'up', '-f', ...files, '--control-port', String(controlPort), '--http-port', String(httpPort), '--https-port', String(httpsPort), ...(opts.extraArgs ?? [])], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const known = new Set<number>();
  const pods = async (): Promise<PodView[]> => {
    const r = await httpGet(controlPort, '/v1/pods');
    const items = (JSON.parse(r.body) as { items: PodView[] }).items;
    for (const p of items) for (const pid of Object.values(p.pids)) if (pid) known.add(pid);
    return items;
  };
  const mesh: Mesh = {
    controlPort,
    httpPort,
    httpsPort,
    process: child,
    output: () => out,
    tack: (args, o) => runTack(args, { ...o, env: { TACK_CONTROL_PORT: String(controlPort) } }),
    pods,
    async killControlPlane() {
      await pods().catch(() => []);
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    },
    async stop() {
      await pods().catch(() => []);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const exited = await Promise.race([new Promise((r) => child.once('exit', () => r(true))), new Promise((r) => setTimeout(() => r(false), 15_000))]);
        if (!exited) child.kill('SIGKILL');
      }
      // Whatever the control plane could not stop (it may have been killed) goes by pid.
      for (const pid of known) killGroup(pid);
    },
  };
  try {
    await waitReady(controlPort, child, () => out, opts.readyTimeoutMs ?? 30_000);
    await pods();
  } catch (err) {
    await mesh.stop();
    throw err;
  }
  return mesh;
}

/** Sends `count` requests with `concurrency` in flight; returns each response's body (or error). */
export async function load(count: number, concurrency: number, send: () => Promise<HttpResult>): Promise<(HttpResult | Error)[]> {
  const results: (HttpResult | Error)[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      next++;
      try {
        results.push(await send());
      } catch (err) {
        results.push(err as Error);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}
