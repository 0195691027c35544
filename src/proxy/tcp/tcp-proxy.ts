/** The TCP proxy, last stage of a TCP listener's chain: bytes in, bytes out, to one endpoint of the listener's cluster. */
import net from 'node:net';
import type { TcpConnection } from './network-chain.js';

export function proxyTcp(conn: TcpConnection): void {
  const listener = conn.ctx.listener;
  const cluster = listener.tcpCluster ? conn.runtime.clusters.get(listener.tcpCluster) : undefined;
  const endpoint = cluster?.pick(undefined);
  if (!endpoint) {
    conn.socket.destroy();
    return;
  }
  pipeTo(conn.socket, endpoint.host.address, endpoint.host.port);
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
