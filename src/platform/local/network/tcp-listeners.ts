/**
 * TCP listeners that forward each connection to a backend chosen when it arrives, as kube-proxy's
 * rules do: one connection, one backend, no retry. Each listener is closed by its own handle.
 */
import net from 'node:net';
import type { Backend } from './service-directory.js';

/** Joins a client to a backend; with no backend the client is reset, as a Service with no ready endpoint refuses. */
export function forwardConnection(client: net.Socket, backend: Backend | undefined): void {
  if (!backend) {
    client.resetAndDestroy();
    return;
  }
  const upstream = net.connect({ host: backend.host, port: backend.port });
  upstream.setNoDelay(true);
  client.setNoDelay(true);
  client.on('error', () => upstream.destroy());
  upstream.on('error', () => (client.destroyed ? undefined : client.resetAndDestroy()));
  client.on('close', () => upstream.destroy());
  upstream.on('close', () => client.destroy());
  client.pipe(upstream);
  upstream.pipe(client);
}

interface Entry {
  owner: string;
  server: net.Server;
  sockets: Set<net.Socket>;
}

export interface ListenProblem {
  /** The errno code (`EADDRINUSE`, `EACCES`, ...), or `OWNED` when another owner of this set has the address. */
  code: string;
  message: string;
}

/** Why a listen failed, in words a user can act on. */
function listenError(err: NodeJS.ErrnoException, address: string, port: number): string {
  if (err.code === 'EADDRINUSE') return `${address}:${port} is already in use`;
  if (err.code === 'EACCES') return `no permission to listen on ${address}:${port} (ports below 1024 need privileges)`;
  if (err.code === 'EADDRNOTAVAIL') return `${address} cannot be bound on this host`;
  return `cannot listen on ${address}:${port}: ${err.message}`;
}

export class TcpListeners {
  private readonly entries = new Map<string, Entry>();

  has(address: string, port: number): boolean {
    return this.entries.has(`${address}:${port}`);
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  /** Listens on address:port for `owner`; resolves undefined once listening, or the reason it cannot. */
  open(owner: string, address: string, port: number, target: () => Backend | undefined): Promise<ListenProblem | undefined> {
    const key = `${address}:${port}`;
    const existing = this.entries.get(key);
    if (existing) return Promise.resolve(existing.owner === owner ? undefined : { code: 'OWNED', message: `${key} is already in use by ${existing.owner}` });
    const sockets = new Set<net.Socket>();
    const server = net.createServer((client) => {
      sockets.add(client);
      client.on('close', () => sockets.delete(client));
      forwardConnection(client, target());
    });
    return new Promise((resolve) => {
      server.once('error', (err: NodeJS.ErrnoException) => resolve({ code: err.code ?? 'UNKNOWN', message: listenError(err, address, port) }));
      server.listen({ host: address, port, exclusive: true }, () => {
        server.removeAllListeners('error');
        server.on('error', () => undefined);
        this.entries.set(key, { owner, server, sockets });
        resolve(undefined);
      });
    });
  }

  /** Stops listening on `key` (`address:port`) and ends its connections. */
  close(key: string): Promise<void> {
    const entry = this.entries.get(key);
    if (!entry) return Promise.resolve();
    this.entries.delete(key);
    for (const s of entry.sockets) s.destroy();
    return new Promise((resolve) => entry.server.close(() => resolve()));
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.keys().map((k) => this.close(k)));
  }
}
