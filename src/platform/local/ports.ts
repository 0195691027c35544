/** Free ports on 127.0.0.1 for apps and sidecars, never handed out twice in one run. */
import net from 'node:net';

export class PortAllocator {
  private readonly given = new Set<number>();

  async allocate(): Promise<number> {
    for (let i = 0; i < 50; i++) {
      const port = await freePort();
      if (!this.given.has(port)) {
        this.given.add(port);
        return port;
      }
    }
    throw new Error('cannot find a free port on 127.0.0.1');
  }

  release(port: number): void {
    this.given.delete(port);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Fails fast with a clear message when a fixed port (gateway, control) is taken. */
export function checkPortFree(port: number, host = '127.0.0.1'): Promise<void> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', (err: NodeJS.ErrnoException) => reject(new Error(err.code === 'EADDRINUSE' ? `port ${port} on ${host} is already in use` : `cannot listen on ${host}:${port}: ${err.message}`)));
    srv.listen(port, host, () => srv.close(() => resolve()));
  });
}
