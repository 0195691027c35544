/**
 * Opens, keeps and closes listeners as configurations change. A port keeps its bound socket while
 * any version wants it, whatever listener kind it serves; a new version is staged (every new port
 * bound) before anything changes, then committed in one step with the runtime it belongs to, so a
 * refused version leaves nothing behind.
 */
import net from 'node:net';
import type { ListenerConfig, ProxyNode } from '../compile/config.js';
import type { ProxyRuntime } from './runtime/proxy-runtime.js';
import type { UpstreamHosts } from './runtime/upstream.js';
import type { ListenerContext, RequestLogEntry } from './http/request-context.js';
import { handlerFactoryFor, kindOf, type ConnectionHandler, type HandlerOptions, type HttpCodec } from './listener-kinds.js';

export type { HttpCodec } from './listener-kinds.js';

/** The listener config one handler serves; replaced in place while the kind stays the same. */
interface HandlerSlot {
  config: ListenerConfig;
  kind: string;
  handler: ConnectionHandler;
}

interface OpenPort {
  /** `address:port` */
  key: string;
  server: net.Server;
  slot: HandlerSlot | undefined;
  /** Connections accepted while the port is staged, served once the version is committed. */
  pending: net.Socket[];
  sockets: Set<net.Socket>;
}

export class ListenerManager {
  private readonly open = new Map<string, OpenPort>();

  constructor(
    private readonly current: () => ProxyRuntime,
    private readonly hosts: UpstreamHosts,
    private readonly node: () => ProxyNode,
    private readonly onComplete?: (entry: RequestLogEntry) => void,
    private readonly codec: HttpCodec = 'lean',
    private readonly httpOptions: Omit<HandlerOptions, 'codec'> = {},
  ) {}

  /**
   * Makes the open listeners match `wanted`. Every new port is bound first; if one cannot be, the
   * ones just bound are closed and this rejects with nothing changed. Otherwise `commit` (which
   * publishes the runtime of the same version) and the listener changes happen together.
   */
  async reconcile(wanted: readonly ListenerConfig[], commit: () => void = () => undefined): Promise<void> {
    const plan: { port: OpenPort; config: ListenerConfig }[] = [];
    const staged: OpenPort[] = [];
    const wantedKeys = new Map<string, string>();
    try {
      for (const l of wanted) {
        handlerFactoryFor(l);
        const key = `${l.address}:${l.port}`;
        const other = wantedKeys.get(key);
        if (other !== undefined) throw new Error(`listeners ${other} and ${l.name} both want ${key}`);
        wantedKeys.set(key, l.name);
        const existing = this.open.get(key);
        if (existing) {
          plan.push({ port: existing, config: l });
          continue;
        }
        const port = await this.bind(key, l);
        staged.push(port);
        plan.push({ port, config: l });
      }
    } catch (err) {
      for (const p of staged) this.destroy(p);
      throw err;
    }
    commit();
    for (const { port, config } of plan) this.serve(port, config);
    for (const [key, p] of this.open) if (!wantedKeys.has(key)) this.close(p);
  }

  listeners(): ListenerConfig[] {
    return [...this.open.values()].flatMap((o) => (o.slot ? [o.slot.config] : []));
  }

  private serve(port: OpenPort, config: ListenerConfig): void {
    const kind = kindOf(config);
    const prior = port.slot;
    if (prior && prior.kind === kind) prior.config = config;
    else {
      const slot: HandlerSlot = { config, kind, handler: undefined as unknown as ConnectionHandler };
      slot.handler = handlerFactoryFor(config)(this.context(slot), { ...this.httpOptions, codec: this.codec });
      port.slot = slot;
      if (prior) {
        // Connections of the old kind finish what they are doing; new ones get the new kind.
        prior.handler.closeIdle();
        prior.handler.dispose();
      }
    }
    this.open.set(port.key, port);
    const pending = port.pending.splice(0);
    for (const s of pending) if (!s.destroyed) port.slot?.handler.accept(s);
  }

  private context(slot: HandlerSlot): ListenerContext {
    const node = this.node;
    return {
      get listener() {
        return slot.config;
      },
      get node() {
        return node();
      },
      current: this.current,
      hosts: this.hosts,
      ...(this.httpOptions.secrets ? { secrets: this.httpOptions.secrets } : {}),
      ...(this.onComplete ? { onComplete: this.onComplete } : {}),
    };
  }

  private bind(key: string, config: ListenerConfig): Promise<OpenPort> {
    const port: OpenPort = { key, server: undefined as unknown as net.Server, slot: undefined, pending: [], sockets: new Set() };
    const server = net.createServer({ noDelay: true, allowHalfOpen: true }, (socket) => {
      port.sockets.add(socket);
      socket.once('close', () => port.sockets.delete(socket));
      if (port.slot) port.slot.handler.accept(socket);
      else port.pending.push(socket);
    });
    port.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        reject(new Error(err.code === 'EADDRINUSE' ? `listener ${config.name}: ${config.address}:${config.port} is already in use` : `listener ${config.name}: ${err.message}`));
      });
      server.listen(config.port, config.address, () => {
        server.removeAllListeners('error');
        server.on('error', () => undefined);
        resolve(port);
      });
    });
  }

  private close(p: OpenPort): void {
    this.open.delete(p.key);
    p.server.close();
    // Idle keep-alive connections would hold the port; busy ones finish their request first.
    p.slot?.handler.closeIdle();
    p.slot?.handler.dispose();
  }

  private destroy(p: OpenPort): void {
    p.server.close();
    for (const s of p.sockets) s.destroy();
  }

  async closeAll(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.all(
      all.map(
        (o) =>
          new Promise<void>((resolve) => {
            o.server.close(() => resolve());
            o.slot?.handler.dispose();
            for (const s of o.sockets) s.destroy();
          }),
      ),
    );
  }
}
