/**
 * Opens a `CONNECT host:port` tunnel through the proxy and hands back the raw socket, ready for
 * TLS. Uses the original `http.request` (captured before patching) with no agent, so the tunnel's
 * connection is never pooled or proxied again.
 */
import type * as http from 'node:http';
import type { Socket } from 'node:net';
import { authority, type ProxyTarget } from './settings.js';

/** How long the proxy may take to answer CONNECT. */
const CONNECT_TIMEOUT_MS = 30_000;

export type RequestFn = (...args: unknown[]) => http.ClientRequest;

export class TunnelError extends Error {
  readonly code = 'ERR_TACK_PROXY_TUNNEL';
  constructor(message: string) {
    super(message);
    this.name = 'TunnelError';
  }
}

export function openTunnel(
  request: RequestFn,
  proxy: ProxyTarget,
  host: string,
  port: number,
  done: (error: Error | null, socket?: Socket) => void,
): void {
  const target = authority(host, port);
  let settled = false;
  const finish = (error: Error | null, socket?: Socket): void => {
    if (settled) {
      socket?.destroy();
      return;
    }
    settled = true;
    clearTimeout(timer);
    done(error, socket);
  };
  const headers: Record<string, string> = { Host: target };
  if (proxy.authorization) headers['Proxy-Authorization'] = proxy.authorization;
  const req = request({ host: proxy.host, port: proxy.port, method: 'CONNECT', path: target, headers, agent: false, setHost: false });
  const timer = setTimeout(() => {
    req.destroy();
    finish(new TunnelError(`proxy ${authority(proxy.host, proxy.port)} did not answer CONNECT ${target} within ${CONNECT_TIMEOUT_MS} ms`));
  }, CONNECT_TIMEOUT_MS);
  timer.unref();
  req.once('connect', (res: http.IncomingMessage, socket: Socket, head: Buffer) => {
    const status = res.statusCode ?? 0;
    if (status < 200 || status >= 300) {
      socket.destroy();
      finish(new TunnelError(`proxy ${authority(proxy.host, proxy.port)} refused CONNECT ${target}: ${status} ${res.statusMessage ?? ''}`.trim()));
      return;
    }
    if (head.length > 0) socket.unshift(head);
    finish(null, socket);
  });
  req.once('response', (res: http.IncomingMessage) => {
    res.resume();
    finish(new TunnelError(`proxy ${authority(proxy.host, proxy.port)} refused CONNECT ${target}: ${res.statusCode ?? 0}`));
  });
  req.once('error', (error: Error) => finish(error));
  req.end();
}
