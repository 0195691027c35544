/**
 * One HTTP request on its way through a listener's filter chain to the router: what the request
 * is, which route it took, what the log will say, and the two ways back to the caller (a response
 * head from upstream, or a local reply), both of which pass the response side of every filter the
 * request entered, as Envoy's `sendLocalReply` does.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import type { ListenerConfig, WeightedClusterConfig } from '../../compile/config.js';
import type { Clock } from '../clock.js';
import type { ProxyRuntime } from '../runtime/proxy-runtime.js';
import type { CompiledRoute } from '../runtime/route-table.js';
import { CONTINUE, STOP, type AnyHttpFilterFactory, type HttpFilter, type ResponseHead } from '../filters/filter.js';
import type { DownstreamRequest, DownstreamResponse } from './downstream.js';
import type { ListenerContext } from './request-context.js';
import type { RequestLog } from './request-log.js';
import type { RequestTarget, RouteSelection } from './route-selection.js';
import { applyResponseOps } from './headers.js';
import { localReplyHeaders, type LocalReply } from './local-reply.js';
import { peerIdentity, type PeerIdentity } from '../tls/peer-identity.js';

/** A listener's chain as one configuration version holds it: its filters, then the router. */
export interface HttpChain {
  readonly filters: readonly AnyHttpFilterFactory[];
  readonly terminal: (ex: Exchange) => void;
}

export class Exchange {
  /** The destination the router picked; its response header operations apply to whatever goes back. */
  destination: WeightedClusterConfig | undefined;
  /** The request's verified JWT (set by the jwt_authn filter), read by authorization. */
  requestAuth: { principal: string | undefined; claims: Readonly<Record<string, unknown>> } | undefined;
  private entered: HttpFilter[] | undefined;
  private nextFilter = 0;

  constructor(
    readonly ctx: ListenerContext,
    readonly runtime: ProxyRuntime,
    readonly req: DownstreamRequest,
    readonly res: DownstreamResponse,
    readonly log: RequestLog,
    readonly target: RequestTarget,
    readonly selection: RouteSelection,
    private readonly chain: HttpChain,
  ) {}

  get listener(): ListenerConfig {
    return this.ctx.listener;
  }

  get clock(): Clock {
    return this.runtime.clock;
  }

  /** The caller's certificate identity, when it came over mutual TLS (read once per connection). */
  get peer(): PeerIdentity | undefined {
    return peerIdentity(this.req.socket);
  }

  get route(): CompiledRoute | undefined {
    return this.selection.kind === 'route' ? this.selection.route : undefined;
  }

  /** Runs the request side from the next filter on, then the router. A filter that held the request calls this to resume it. */
  continueRequest(): void {
    if (this.res.headersSent || this.res.aborted) return;
    const filters = this.chain.filters;
    const settings = this.route?.filterSettings;
    while (this.nextFilter < filters.length) {
      const factory = filters[this.nextFilter++] as AnyHttpFilterFactory;
      const filter = factory.create(this, settings?.get(factory.name));
      if (!filter) continue;
      (this.entered ??= []).push(filter);
      const verdict = filter.onRequest ? filter.onRequest(this) : CONTINUE;
      if (verdict === CONTINUE) continue;
      if (verdict !== STOP) this.sendLocalReply(verdict);
      return;
    }
    this.chain.terminal(this);
  }

  /**
   * Sends a response head: the route's and the destination's response header operations first, then
   * the response hooks of the filters entered, last entered first.
   */
  sendHead(status: number, reason: string | undefined, headers: OutgoingHttpHeaders, local: boolean): void {
    const route = this.route;
    if (route?.headers) applyResponseOps(headers, route.headers);
    if (this.destination?.headers) applyResponseOps(headers, this.destination.headers);
    const entered = this.entered;
    let code = status;
    if (entered) {
      const head: ResponseHead = { status, headers, local };
      for (let i = entered.length - 1; i >= 0; i--) entered[i]?.onResponse?.(this, head);
      code = head.status;
    }
    this.res.writeHead(code, code === status ? reason : undefined, headers);
  }

  /** Answers the request from the proxy (no route, 503 UH, a fault abort, ...), logging its flag. */
  sendLocalReply(reply: LocalReply, extraHeaders?: Record<string, string>): void {
    this.log.setFlag(reply.flag);
    if (this.res.headersSent) {
      // A response already started cannot be replaced: the caller sees the connection end.
      this.res.destroy();
      return;
    }
    this.sendHead(reply.status, undefined, localReplyHeaders(reply, extraHeaders), true);
    this.res.end(reply.body);
  }

  /** The exchange is over: the completion hooks run once, then the log record is handed on. */
  complete(): void {
    const res = this.res;
    if (res.resetFlag !== undefined) this.log.setFlag(res.resetFlag);
    this.log.finish(res.statusCode, res.headersSent, this.clock.now());
    if (this.entered) for (const f of this.entered) f.onComplete?.(this);
    this.ctx.onComplete?.(this.log);
  }
}
