/**
 * What serves a listener's connections, by transport and protocol: one small table instead of an
 * `if` chain. A transport (plain, Istio's mTLS, permissive) turns an accepted socket into the
 * stream the protocol's handler (HTTP/1.1 on either codec, TCP) reads; HTTP/2 is a row to add.
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
import { rbacNetworkFilter } from './tcp/rbac-network-filter.js';
import { terminateMtls } from './tls/downstream-tls.js';
import type { WorkloadSecrets } from './tls/workload-secrets.js';

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
  /** The proxy's workload certificate, for listeners that terminate Istio's mTLS. */
  secrets?: WorkloadSecrets;
}

type HandlerFactory = (ctx: ListenerContext, opts: HandlerOptions) => ConnectionHandler;

const TCP_CHAIN: NetworkChain = { filters: [rbacNetworkFilter], terminal: proxyTcp };

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

const PROTOCOLS: Record<ListenerProtocol, HandlerFactory> = {
  HTTP: (ctx, opts) => HTTP_CODECS[opts.codec](ctx, opts),
  TCP: tcpHandler,
};

type Transport = (handler: ConnectionHandler, ctx: ListenerContext, opts: HandlerOptions) => ConnectionHandler;

const mutualTls = (permissive: boolean): Transport => (handler, ctx, opts) => ({
  ...handler,
  accept: terminateMtls((s) => handler.accept(s), { secrets: () => opts.secrets, clock: ctx.current().clock, permissive }),
});

const TRANSPORTS: Record<ListenerTransport, Transport> = {
  plain: (handler) => handler,
  mtls: mutualTls(false),
  permissive: mutualTls(true),
};

/** A listener's kind: a change of kind on a kept port swaps the handler, not the bound socket. */
export function kindOf(l: ListenerConfig): string {
  return `${l.transport ?? 'plain'}/${l.protocol}/${l.direction}`;
}

/** The handler factory for a listener, or an error naming what this proxy cannot serve. */
export function handlerFactoryFor(l: ListenerConfig): HandlerFactory {
  const transport = TRANSPORTS[l.transport ?? 'plain'] as Transport | undefined;
  const protocol = PROTOCOLS[l.protocol] as HandlerFactory | undefined;
  if (!transport || !protocol) throw new Error(`listener ${l.name}: transport ${String(l.transport)} with protocol ${String(l.protocol)} is not supported by this proxy`);
  return (ctx, opts) => transport(protocol(ctx, opts), ctx, opts);
}
