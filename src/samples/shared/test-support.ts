/**
 * Helpers for the samples' integration tests: run a built sample (dist/) as a child process on a
 * free 127.0.0.1 port, talk to it with node:http, and stop it by pid. No vitest import, so the
 * file compiles with the package.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as http from 'node:http';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const DIST = fileURLToPath(new URL('../../../dist/', import.meta.url));

export function distEntry(entry: string): string {
  const path = DIST + entry;
  if (!existsSync(path)) throw new Error(`${path} is missing: build with npx tsc -p tsconfig.build.json`);
  return path;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface Running {
  readonly child: ChildProcess;
  readonly port: number;
  readonly url: string;
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves to the exit code (null if killed). */
  stop(graceMs?: number): Promise<number | null>;
}

/** Starts `node dist/<entry>` with the runner's environment and waits for its `ready` log line. */
export async function startSample(entry: string, env: Record<string, string> = {}, timeoutMs = 5000, ready = /listening on/): Promise<Running> {
  const port = await freePort();
  const child = spawn(process.execPath, [distEntry(entry)], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port), POD_NAMESPACE: 'default', POD_NAME: 'sample-0', HOSTNAME: 'sample-0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const running: Running = {
    child,
    port,
    url: `http://127.0.0.1:${port}`,
    output: () => out,
    stop: async (graceMs = 2000) => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      if (child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
      const timer = setTimeout(() => {
        if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
      }, graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  const deadline = Date.now() + timeoutMs;
  while (!ready.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await running.stop();
      throw new Error(`${entry} did not start: ${out}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return running;
}

export interface Reply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

export function request(url: string, options: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.setTimeout(options.timeoutMs ?? 5000, () => req.destroy(new Error(`timeout: ${url}`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node dist/<entry> args...` to completion (killed by pid after `timeoutMs`). */
export function runCommand(entry: string, args: readonly string[], env: Record<string, string> = {}, timeoutMs = 10_000): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [distEntry(entry), ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
    }, timeoutMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
