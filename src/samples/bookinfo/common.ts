/**
 * What the four bookinfo programs share: the run contract (listen on HOST:PORT, log when
 * listening, exit 0 on SIGTERM), small response helpers, header propagation, and reading the
 * app's version from its env the way the real images have it baked in.
 */
import http from 'node:http';
import os from 'node:os';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;

export interface App {
  readonly server: http.Server;
  /** Called on SIGTERM/SIGINT before the process exits. */
  readonly onShutdown: (fn: () => void) => void;
}

/**
 * Starts `name` on HOST:PORT (PORT may also be the first argument, as the real apps take it).
 * Handler errors become a 500, never a crash; SIGTERM closes everything and exits 0 at once.
 */
export function startApp(name: string, handler: Handler): App {
  const host = process.env.HOST && process.env.HOST.trim() !== '' ? process.env.HOST.trim() : '127.0.0.1';
  const portText = process.env.PORT ?? process.argv[2] ?? '9080';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`${name}: invalid port ${JSON.stringify(portText)}\n`);
    process.exit(1);
  }
  const server = http.createServer((req, res) => {
    log(`${req.method ?? '?'} ${req.url ?? '?'}`);
    const fail = (err: unknown): void => {
      log(`error serving ${req.method ?? '?'} ${req.url ?? '?'}: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    };
    try {
      const out = handler(req, res);
      if (out instanceof Promise) out.catch(fail);
    } catch (err) {
      fail(err);
    }
  });
  server.keepAliveTimeout = 65_000;
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  server.on('error', (err) => {
    process.stderr.write(`${name}: cannot listen on ${host}:${port}: ${err.message}\n`);
    process.exit(1);
  });
  const hooks: Array<() => void> = [];
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    log(`${name} shutting down`);
    for (const fn of hooks) {
      try {
        fn();
      } catch {
        // Shutting down anyway.
      }
    }
    server.close();
    server.closeAllConnections();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  server.listen(port, host, () => {
    const addr = server.address();
    const bound = addr && typeof addr === 'object' ? addr.port : port;
    log(`${name} listening on http://${host.includes(':') ? `[${host}]` : host}:${bound}`);
  });
  return { server, onShutdown: (fn) => hooks.push(fn) };
}

export function log(line: string): void {
  process.stdout.write(`${new Date().toISOString()} ${line}\n`);
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json', typeof body === 'string' ? body : JSON.stringify(body));
}

export function send(res: http.ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * Reads a request body up to `limit` bytes. Past it, rejects and drains the rest, so that the
 * caller can still answer (413).
 */
export function readBody(req: http.IncomingMessage, limit = 1024 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
        reject(new Error('request body too large'));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The path of a request, without its query; `/` for anything unparsable. */
export function pathOf(req: http.IncomingMessage): string {
  try {
    return new URL(req.url ?? '/', 'http://x').pathname;
  } catch {
    return '/';
  }
}

/** Tracing headers the bookinfo apps copy from an inbound request to their outbound calls. */
export const TRACING_HEADERS: readonly string[] = [
  'x-request-id',
  'x-ot-span-context',
  'x-datadog-trace-id',
  'x-datadog-parent-id',
  'x-datadog-sampling-priority',
  'traceparent',
  'tracestate',
  'x-cloud-trace-context',
  'grpc-trace-bin',
  'x-b3-traceid',
  'x-b3-spanid',
  'x-b3-parentspanid',
  'x-b3-sampled',
  'x-b3-flags',
  'b3',
  'sw8',
];

/** Context headers forwarded as well: who the user is, and their session. */
export const CONTEXT_HEADERS: readonly string[] = ['end-user', 'user-agent', 'cookie', 'authorization', 'jwt'];

/** The subset of `incoming` named in `names`, one string per header. */
export function pickHeaders(incoming: http.IncomingHttpHeaders, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = incoming[name];
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(name === 'cookie' ? '; ' : ', ') : value;
  }
  return out;
}

/**
 * Test-only knob: `TACK_BOOKINFO_TIME_SCALE` multiplies every built-in timeout and delay (default 1,
 * which keeps the real apps' values: 3 s, 10 s, 2.5 s, 7 s).
 */
export function scaledMs(ms: number): number {
  const raw = Number(process.env.TACK_BOOKINFO_TIME_SCALE ?? '1');
  const scale = Number.isFinite(raw) && raw > 0 && raw <= 100 ? raw : 1;
  return Math.max(1, Math.round(ms * scale));
}

/** The pod's name as tack (POD_NAME) or Kubernetes (HOSTNAME) gives it to the container. */
export function podName(): string {
  return process.env.POD_NAME || process.env.HOSTNAME || os.hostname();
}

/**
 * The version baked into the real image (`examples-bookinfo-reviews-v2` → `v2`): from
 * `TACK_IMAGE` when tack passes it, else from the pod name (`reviews-v2-5b4c9d7f6d-x8k2p`).
 */
export function versionFromEnv(app: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const image = env.TACK_IMAGE ?? '';
  const fromImage = new RegExp(`${app}-(v[0-9a-z-]*?[0-9a-z])(?:[:@]|$)`).exec(image.split('/').pop() ?? '');
  if (fromImage?.[1]) return fromImage[1];
  for (const name of [env.POD_NAME, env.HOSTNAME]) {
    const m = /(?:^|-)(v\d+)(?:-|$)/.exec(name ?? '');
    if (m?.[1]) return m[1];
  }
  return undefined;
}

/** An env flag like Java's Boolean.valueOf: only "true" (any case) is true. */
export function envFlag(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  return value.trim().toLowerCase() === 'true';
}
