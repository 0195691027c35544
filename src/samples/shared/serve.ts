import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { hostname as osHostname } from 'node:os';

/** Environment every built-in sample reads; see the runner contract in ../README.md. */
export interface SampleEnv {
  readonly host: string;
  readonly port: number;
  readonly podName: string;
  readonly podNamespace: string;
}

export function sampleEnv(defaultPort: number, env: NodeJS.ProcessEnv = process.env): SampleEnv {
  const parsed = Number.parseInt(env.PORT ?? '', 10);
  const port = Number.isInteger(parsed) && parsed >= 0 && parsed < 65536 ? parsed : defaultPort;
  return {
    host: env.HOST || '127.0.0.1',
    port,
    podName: env.POD_NAME || env.HOSTNAME || osHostname(),
    podNamespace: env.POD_NAMESPACE || 'default',
  };
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** How long SIGTERM waits for in-flight responses before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 300;

/**
 * Serves `handler` on HOST:PORT, logs one line once listening, and exits 0 soon after SIGTERM.
 * A handler that throws (or rejects) answers 500 instead of crashing the process; malformed
 * requests get a 400 from the parser.
 */
export function serve(name: string, defaultPort: number, handler: Handler): Server {
  const env = sampleEnv(defaultPort);
  const server = createServer((req, res) => {
    const fail = (err: unknown): void => {
      process.stderr.write(`${name}: error handling ${req.method} ${req.url}: ${String(err)}\n`);
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('Internal Server Error\n');
      } else {
        res.destroy();
      }
    };
    req.on('error', () => res.destroy());
    try {
      const done = handler(req, res);
      if (done) done.catch(fail);
    } catch (err) {
      fail(err);
    }
  });
  server.on('clientError', (_err: Error, socket: Socket) => {
    if (socket.writable && !socket.destroyed) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });
  server.on('error', (err) => {
    process.stderr.write(`${name}: cannot listen on ${env.host}:${env.port}: ${err.message}\n`);
    process.exit(1);
  });
  server.listen(env.port, env.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : env.port;
    process.stdout.write(`${name} listening on http://${env.host}:${port} (pod ${env.podNamespace}/${env.podName})\n`);
  });
  onTerminate(() => {
    server.close();
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
    return new Promise((resolve) => server.once('close', resolve));
  });
  return server;
}

/** Runs `stop` on SIGTERM/SIGINT, then exits 0; exits regardless after 800 ms. */
export function onTerminate(stop: () => Promise<unknown> | void): void {
  let stopping = false;
  const handle = (): void => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(0), 800).unref();
    Promise.resolve()
      .then(stop)
      .then(
        () => process.exit(0),
        () => process.exit(0),
      );
  };
  process.on('SIGTERM', handle);
  process.on('SIGINT', handle);
}

/** Reads a request body, answering 413 and resolving undefined past `limit` bytes. */
export function readBody(req: IncomingMessage, limit = 10 * 1024 * 1024): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!done) resolve(Buffer.concat(chunks));
      done = true;
    });
    req.on('error', () => {
      if (!done) resolve(undefined);
      done = true;
    });
    req.on('close', () => {
      if (!done) resolve(Buffer.concat(chunks));
      done = true;
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
