/** Ports on 127.0.0.1 for servers a test starts. */
import net from 'node:net';

/** Listens on a port the system picks; resolves with it. */
export function listen(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

/** A port nothing listens on any more, for a process or listener to take a moment later. */
export async function freePort(): Promise<number> {
  const s = net.createServer();
  const port = await listen(s);
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
