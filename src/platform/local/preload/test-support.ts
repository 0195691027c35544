/**
 * Helpers for the preload's integration tests: a recording HTTP proxy (absolute-form requests and
 * CONNECT), a recording direct server, and `node` child processes with bounded lifetimes, stopped
 * by pid. 127.0.0.1 only. No vitest import, so the file compiles with the package.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as http from 'node:http';
import * as net from 'node:net';

export interface Recorded {
  readonly kind: 'request' | 'connect';
  readonly method: string;
  /** The request target as sent: `http://reviews:9080/x`, `/x`, or `host:port` for CONNECT. */
  readonly url: string;
  readonly host: string | undefined;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  /** Which TCP connection (numbered from 1 in accept order) carried it. */
  readonly connection: number;
}

export interface Recorder {
  readonly port: number;
  readonly records: Recorded[];
  close(): Promise<void>;
}

export interface ProxyOptions {
  /** Where CONNECT tunnels go (a 127.0.0.1 port); without it CONNECT is answered 502. */
  readonly tunnelTo?: number;
}

/**
 * Answers every absolute-form request itself with JSON `{via, method, url, host, body}`; a path
 * ending in `/redirect` gets a 302 to `/final`, one ending in `/hang` is never answered.
 */
export async function startRecordingProxy(options: ProxyOptions = {}): Promise<Recorder> {
  return startRecorder('proxy', options);
}

/** A plain origin server recording what reaches it directly. */
export async function startDirectServer(): Promise<Recorder> {
  return startRecorder('direct', {});
}

async function startRecorder(via: string, options: ProxyOptions): Promise<Recorder> {
  const records: Recorded[] = [];
  const sockets = new Set<net.Socket>();
  const connectionIds = new WeakMap<net.Socket, number>();
  let connections = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const url = req.url ?? '';
      records.push({ kind: 'request', method: req.method ?? '', url, host: req.headers.host, headers: req.headers, body, connection: connectionIds.get(req.socket) ?? 0 });
      if (url.endsWith('/hang')) return;
      if (url.endsWith('/redirect')) {
        res.writeHead(302, { location: '/final' }).end();
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ via, method: req.method, url, host: req.headers.host, body }));
    });
  });
  server.on('connection', (socket: net.Socket) => {
    connectionIds.set(socket, ++connections);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    records.push({ kind: 'connect', method: 'CONNECT', url: req.url ?? '', host: req.headers.host, headers: req.headers, body: '', connection: connectionIds.get(req.socket) ?? 0 });
    if (options.tunnelTo === undefined) {
      client.end('HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    const upstream = net.connect(options.tunnelTo, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.once('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address() as net.AddressInfo;
  return {
    port: address.port,
    records,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface NodeResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The last stdout line parsed as JSON (the test apps print their results that way). */
  json<T = unknown>(): T;
}

const running = new Set<ChildProcess>();

/** Runs `command args...` to completion; killed by pid (SIGKILL) after `timeoutMs`. */
export function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv, cwd: string, timeoutMs = 15_000): Promise<NodeResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => stop(child), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      running.delete(child);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      running.delete(child);
      resolve({
        code,
        stdout,
        stderr,
        json<T>(): T {
          const last = stdout.trim().split('\n').pop() ?? '';
          try {
            return JSON.parse(last) as T;
          } catch {
            throw new Error(`no JSON result (exit ${code}); stdout: ${stdout}\nstderr: ${stderr}`);
          }
        },
      });
    });
  });
}

/** `node <file>` with exactly `env` (plus PATH). */
export function runNode(file: string, env: Record<string, string>, cwd: string, timeoutMs?: number): Promise<NodeResult> {
  return run(process.execPath, [file], { PATH: process.env.PATH ?? '', ...env }, cwd, timeoutMs);
}

function stop(child: ChildProcess): void {
  if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/** Kills (by pid) every child still running; for afterEach. */
export function stopAll(): void {
  for (const child of running) stop(child);
  running.clear();
}
