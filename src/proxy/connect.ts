/**
 * `CONNECT host:port` on the outbound listener. A tunnel to a mesh HTTP service is opened here and
 * the HTTP inside it is routed like any other request (so `https_proxy`-style clients still get the
 * mesh's routing for plain-HTTP services); other tunnels go straight through, or nowhere under
 * REGISTRY_ONLY.
 */
import type net from 'node:net';
import type { ListenerContext } from './http/request-context.js';
import { hostOf, portOf } from './runtime/route-table.js';
import { pipeTo } from './tcp/tcp-proxy.js';

/** Serves the HTTP inside an established tunnel to `port`, starting with the bytes already read. */
export type ServeTunnel = (socket: net.Socket, port: number, head: Buffer) => void;

export function handleConnect(ctx: ListenerContext, target: string, socket: net.Socket, head: Buffer, serveTunnel: ServeTunnel): void {
  const host = hostOf(target);
  const port = portOf(target, 0);
  if (!host || port === 0) {
    socket.end('HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n');
    return;
  }
  const runtime = ctx.current();
  const table = runtime.routeTables.get(`${ctx.listener.routeTablePrefix ?? ''}${port}`);
  if (table?.virtualHost(host)) {
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    serveTunnel(socket, port, head);
    return;
  }
  if (runtime.config.outboundTrafficPolicy === 'REGISTRY_ONLY') {
    socket.end('HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n');
    return;
  }
  pipeTo(socket, host.replace(/^\[|\]$/g, ''), port, () => {
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) socket.unshift(head);
  });
}
