/**
 * Opens, keeps and closes listeners as configurations change. A listener whose address and kind
 * stay the same is kept (its connections too); it always serves the current configuration.
 */
import http, { type Server as HttpServer } from 'node:http';
import net from 'node:net';
import type { ListenerConfig, ProxyNode } from '../compile/config.js';
import type { ProxyRuntime } from './runtime/proxy-runtime.js';
import type { UpstreamHosts } from './runtime/upstream.js';
import { handleHttp } from './http/handler.js';
import type { ListenerContext, RequestLogEntry } from './http/request-context.js';
import { handleConnect } from './connect.js';
import { proxyTcp } from './tcp.js';
import { LeanHttpServer } from './h1/server.js';
import { NodeRequest, NodeResponse, type TunnelledSocket } from './http/node-adapter.js';

/** Which HTTP/1.1 implementation serves the listeners: tack's lean codec, or Node's `http` server. */
export type HttpCodec = 'lean' | 'node';

interface OpenListener {
  key: string;
  config: ListenerConfig;
  server: HttpServer | net.Server;
  sockets: Set<net.Socket>;
  /** Closes connections that are between requests. */
  closeIdle(): void;
  destroyAll(): void;
}

function keyOf(l: ListenerConfig): string {
  return `${l.name}|${l.address}|${l.port}|${l.protocol}|${l.direction}`;
}

export class ListenerManager {
  private readonly open = new Map<string, OpenListener>();

  constructor(
    private readonly current: () => ProxyRuntime,
    private readonly hosts: UpstreamHosts,
    private readonly node: () => ProxyNode,
    private readonly onComplete?: (entry: RequestLogEntry) => void,
    private readonly codec: HttpCodec = 'lean',
  ) {}

  /** Makes the open listeners match `wanted`. Rejects (opening nothing new) if a port cannot be bound. */
  async reconcile(wanted: readonly ListenerConfig[]): Promise<void> {
    const wantedKeys = new Set(wanted.map(keyOf));
    const opened: OpenListener[] = [];
    try {
      for (const l of wanted) {
        const key = keyOf(l);
        const existing = this.open.get(key);
        if (existing) {
          existing.config = l;
          continue;
        }
        opened.push(await this.listen(key, l));
      }
    } catch (err) {
      for (const o of opened) this.close(o);
      throw err;
    }
    for (const o of opened) this.open.set(o.key, o);
    for (const [key, o] of this.open) if (!wantedKeys.has(key)) this.close(o);
  }

  listeners(): ListenerConfig[] {
    return [...this.open.values()].map((o) => o.config);
  }

  private context(entry: () => ListenerConfig): ListenerContext {
    const node = this.node;
    return {
      get listener() {
        return entry();
      },
      get node() {
        return node();
      },
      current: this.current,
      hosts: this.hosts,
      ...(this.onComplete ? { onComplete: this.onComplete } : {}),
    };
  }

  private listen(key: string, config: ListenerConfig): Promise<OpenListener> {
    const holder: OpenListener = { key, config, server: undefined as unknown as net.Server, sockets: new Set(), closeIdle: () => undefined, destroyAll: () => undefined };
    const ctx = this.context(() => holder.config);
    let server: HttpServer | net.Server;
    if (config.protocol === 'TCP') {
      server = net.createServer((socket) => proxyTcp(ctx, socket));
      holder.destroyAll = () => {
        for (const s of holder.sockets) s.destroy();
      };
    } else if (this.codec === 'lean') {
      const lean: LeanHttpServer = new LeanHttpServer({
        request: (req, res) => handleHttp(ctx, req, res),
        ...(config.direction === 'outbound' ? { connect: (target: string, socket: net.Socket, rest: Buffer) => handleConnect(ctx, target, socket, rest, (s, port, head) => lean.accept(s, port, head)) } : {}),
      });
      server = lean.server;
      holder.closeIdle = () => lean.closeIdleConnections();
      holder.destroyAll = () => {
        lean.destroyAll();
        for (const s of holder.sockets) s.destroy();
      };
    } else {
      const httpServer = http.createServer({ keepAlive: true, noDelay: true }, (req, res) => handleHttp(ctx, new NodeRequest(req), new NodeResponse(res)));
      httpServer.keepAliveTimeout = 60_000;
      httpServer.headersTimeout = 60_000;
      httpServer.requestTimeout = 0;
      // No 'clientError' handler: Node's own answers a malformed request (400, 431, 408) only when
      // nothing else is being written on the connection, so a pipelined response is never cut into.
      if (config.direction === 'outbound') {
        httpServer.on('connect', (req, socket, head) =>
          handleConnect(ctx, req.url ?? '', socket as net.Socket, head, (s, port, rest) => {
            (s as TunnelledSocket & net.Socket).tackTunnelPort = port;
            if (rest.length > 0) s.unshift(rest);
            httpServer.emit('connection', s);
          }),
        );
      }
      holder.closeIdle = () => httpServer.closeIdleConnections();
      holder.destroyAll = () => {
        for (const s of holder.sockets) s.destroy();
      };
      server = httpServer;
    }
    holder.server = server;
    server.on('connection', (socket: net.Socket) => {
      holder.sockets.add(socket);
      socket.once('close', () => holder.sockets.delete(socket));
    });
    return new Promise((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        reject(new Error(err.code === 'EADDRINUSE' ? `listener ${config.name}: ${config.address}:${config.port} is already in use` : `listener ${config.name}: ${err.message}`));
      });
      server.listen(config.port, config.address, () => {
        server.removeAllListeners('error');
        server.on('error', () => undefined);
        resolve(holder);
      });
    });
  }

  private close(o: OpenListener): void {
    this.open.delete(o.key);
    o.server.close();
    // Idle keep-alive connections would hold the port; busy ones finish their request first.
    o.closeIdle();
  }

  async closeAll(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.all(
      all.map(
        (o) =>
          new Promise<void>((resolve) => {
            o.server.close(() => resolve());
            o.destroyAll();
          }),
      ),
    );
  }
}
