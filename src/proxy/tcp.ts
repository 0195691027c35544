/** Raw TCP proxying: bytes in, bytes out, to one endpoint of the listener's cluster. */
import net from 'node:net';
import type { ListenerContext } from './http/request-context.js';

export function proxyTcp(ctx: ListenerContext, downstream: net.Socket): void {
  const runtime = ctx.current();
  const cluster = ctx.listener.tcpCluster ? runtime.clusters.get(ctx.listener.tcpCluster) : undefined;
  const endpoint = cluster?.pick(undefined);
  if (!endpoint) {
    downstream.destroy();
    return;
  }
  pipeTo(downstream, endpoint.host.address, endpoint.host.port);
}

/** Connects to address:port and splices the two sockets; either side closing closes the other. */
export function pipeTo(downstream: net.Socket, address: string, port: number, onConnect?: () => void): void {
  const upstream = net.connect({ host: address, port });
  upstream.setNoDelay(true);
  upstream.once('connect', () => {
    onConnect?.();
    downstream.pipe(upstream);
    upstream.pipe(downstream);
  });
  const closeBoth = (): void => {
    downstream.destroy();
    upstream.destroy();
  };
  upstream.on('error', closeBoth);
  downstream.on('error', closeBoth);
  upstream.on('close', () => downstream.end());
  downstream.on('close', () => upstream.end());
}
