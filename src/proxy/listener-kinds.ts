/**
 * What serves a listener's connections, by transport and protocol: one small table instead of an
 * `if` chain. TLS and mutual TLS transports, and HTTP/2, are rows to add here.
 */
import http from 'node:http';
import type net from 'node:net';
import type { ListenerConfig, ListenerProtocol, ListenerTransport } from '../compile/config.js';
import type { ListenerContext } from './http/request-context.js';
import { handleHttp } from './http/handler.js';
import { handleConnect } from './connect.js';
import { LeanHttpServer } from './h1/server.js';
import { NodeRequest, type TunnelledSocket } from './http/node-adapter.js';
import { NodeIdleResponse, resolveTimeouts, type CodecTimeouts } from './h1/timeouts.js';
import { runNetworkChain, type NetworkChain } from './tcp/network-chain.js';
import { proxyTcp } from './tcp/tcp-proxy.js';

/** Which HTTP/1.1 implementation serves the listeners: tack's lean codec, or Node's `http` server. */
export type HttpCodec = 'lean' | 'node';

/** Serves the connections a bound port accepts for one kind of listener. */
export interface ConnectionHandler {
  accept(socket: net.Socket): void;
  /** Closes connections that are between requests; busy ones finish first. */
  closeIdle(): void;
  /** Releases what the handler holds itself (timers); its connections are the port's to destroy. */
  dispose(): void;
}

export interface HandlerOptions {
  codec: HttpCodec;
  /** Stream idle and request headers timeouts (Envoy's); defaults when absent. */
  timeouts?: CodecTimeouts;
}

type HandlerFactory = (ctx: ListenerContext, opts: HandlerOptions) => ConnectionHandler;

const TCP_CHAIN: NetworkChain = { filters: [], terminal: proxyTcp };

function tcpHandler(ctx: ListenerContext): ConnectionHandler {
  return {
    accept: (socket) => runNetworkChain(TCP_CHAIN, { socket, ctx, runtime: ctx.current() }),
    closeIdle: () => undefined,
    dispose: () => undefined,
  };
}

function leanHttp(ctx: ListenerContext, opts: HandlerOptions): ConnectionHandler {
  const lean: LeanHttpServer = new LeanHttpServer({
    request: (req, res) => handleHttp(ctx, req, res),
    ...(ctx.listener.direction === 'outbound' ? { connect: (target: string, socket: net.Socket, rest: Buffer) => handleConnect(ctx, target, socket, rest, (s, port, head) => lean.accept(s, port, head)) } : {}),
  }, ctx.current().clock, opts.timeouts);
  return {
    accept: (socket) => lean.accept(socket),
    closeIdle: () => lean.closeIdleConnections(),
    // The lean server's own net.Server never listens; closing it stops its idle sweeper.
    dispose: () => lean.server.close(),
  };
}

function nodeHttp(ctx: ListenerContext, opts: HandlerOptions): ConnectionHandler {
  const t = resolveTimeouts(opts.timeouts);
  // Node checks headersTimeout only every connectionsCheckingInterval (30 s by default): a quarter
  // of the limit keeps a short request_headers_timeout close to its setting.
  const connectionsCheckingInterval = Math.min(30_000, Math.max(10, Math.floor(t.headLimitMs / 4)));
  const server = http.createServer({ keepAlive: true, noDelay: true, connectionsCheckingInterval }, (req, res) => handleHttp(ctx, new NodeRequest(req), new NodeIdleResponse(req, res, t.streamIdleMs)));
  server.keepAliveTimeout = 60_000;
  // Node answers a head that takes longer 408 (without Envoy's `request header timeout` body).
  server.headersTimeout = t.headLimitMs;
  server.requestTimeout = 0;
  // Node starts the checks behind headersTimeout on 'listening', and this server never listens (its
  // connections are handed over): without this, a head could take forever on the node codec.
  server.emit('listening');
  // No 'clientError' handler: Node's own answers a malformed request (400, 431, 408) only when
  // nothing else is being written on the connection, so a pipelined response is never cut into.
  if (ctx.listener.direction === 'outbound') {
    server.on('connect', (req, socket, head) =>
      handleConnect(ctx, req.url ?? '', socket as net.Socket, head, (s, port, rest) => {
        (s as TunnelledSocket & net.Socket).tackTunnelPort = port;
        if (rest.length > 0) s.unshift(rest);
        server.emit('connection', s);
      }),
    );
  }
  return {
    accept: (socket) => server.emit('connection', socket),
    closeIdle: () => server.closeIdleConnections(),
    dispose: () => server.close(),
  };
}

const HTTP_CODECS: Record<HttpCodec, HandlerFactory> = { lean: leanHttp, node: nodeHttp };

const LISTENER_KINDS: Record<ListenerTransport, Record<ListenerProtocol, HandlerFactory>> = {
  plain: {
    HTTP: (ctx, opts) => HTTP_CODECS[opts.codec](ctx, opts),
    TCP: tcpHandler,
  },
};

/** A listener's kind: a change of kind on a kept port swaps the handler, not the bound socket. */
export function kindOf(l: ListenerConfig): string {
  return `${l.transport ?? 'plain'}/${l.protocol}/${l.direction}`;
}

/** The handler factory for a listener, or an error naming what this proxy cannot serve. */
export function handlerFactoryFor(l: ListenerConfig): HandlerFactory {
  const byProtocol = LISTENER_KINDS[l.transport ?? 'plain'] as Record<ListenerProtocol, HandlerFactory> | undefined;
  const factory = byProtocol?.[l.protocol];
  if (!factory) throw new Error(`listener ${l.name}: transport ${String(l.transport)} with protocol ${String(l.protocol)} is not supported by this proxy`);
  return factory;
}
