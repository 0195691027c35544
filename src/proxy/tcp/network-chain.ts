/**
 * The network filter chain of a TCP listener (Envoy's network filters): each filter sees the new
 * connection and may close it; the TCP proxy is the last stage. Authorization and TCP metrics
 * plug in here.
 */
import type net from 'node:net';
import type { ListenerContext } from '../http/request-context.js';
import type { ProxyRuntime } from '../runtime/proxy-runtime.js';

export interface TcpConnection {
  readonly socket: net.Socket;
  readonly ctx: ListenerContext;
  readonly runtime: ProxyRuntime;
}

export type NetworkVerdict = 'continue' | 'close';

export interface NetworkFilter {
  onConnection?(conn: TcpConnection): NetworkVerdict;
  onClose?(conn: TcpConnection): void;
}

export interface NetworkFilterFactory {
  readonly name: string;
  create(conn: TcpConnection): NetworkFilter | undefined;
}

export interface NetworkChain {
  readonly filters: readonly NetworkFilterFactory[];
  readonly terminal: (conn: TcpConnection) => void;
}

export function runNetworkChain(chain: NetworkChain, conn: TcpConnection): void {
  let entered: NetworkFilter[] | undefined;
  for (const factory of chain.filters) {
    const filter = factory.create(conn);
    if (!filter) continue;
    (entered ??= []).push(filter);
    if (filter.onConnection?.(conn) === 'close') {
      // Envoy closes a refused connection without a byte: the caller sees it end.
      conn.socket.destroy();
      break;
    }
  }
  if (entered) {
    const filters = entered;
    conn.socket.once('close', () => {
      for (const f of filters) f.onClose?.(conn);
    });
  }
  if (!conn.socket.destroyed) chain.terminal(conn);
}
