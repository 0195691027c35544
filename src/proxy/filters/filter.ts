/**
 * The HTTP filter contract (Envoy's filters): a factory per filter with settings parsed once per
 * configuration version, and a small per-request object whose hooks the chain calls in order.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import type { HttpFilterName, RouteConfig } from '../../compile/config.js';
import type { LocalReply } from '../http/local-reply.js';
import type { Exchange } from '../http/exchange.js';

/** Go on to the next filter. */
export const CONTINUE = 'continue';
/** Hold the request: the filter resumes it later with `exchange.continueRequest()` or answers it. */
export const STOP = 'stop';

/** What a request-side hook decides: go on, hold, or answer with a local reply. */
export type RequestVerdict = typeof CONTINUE | typeof STOP | LocalReply;

/** A response head on its way downstream, from the upstream or a local reply; filters may edit it. */
export interface ResponseHead {
  status: number;
  headers: OutgoingHttpHeaders;
  /** True when the proxy made this response itself. */
  local: boolean;
}

/** One filter's work on one request. Every hook is optional. */
export interface HttpFilter {
  /** The request head has arrived and its route is known. */
  onRequest?(ex: Exchange): RequestVerdict;
  /** A response head is about to be sent (called for filters already entered, last entered first). */
  onResponse?(ex: Exchange, head: ResponseHead): void;
  /** The exchange is over: answered, failed or abandoned. */
  onComplete?(ex: Exchange): void;
}

export interface HttpFilterFactory<S> {
  readonly name: HttpFilterName;
  /** This filter's settings for a route, built once when the configuration arrives; undefined when it has none. */
  routeSettings(route: RouteConfig): S | undefined;
  /** The per-request object, or undefined when the filter has nothing to do for this request. */
  create(ex: Exchange, settings: S | undefined): HttpFilter | undefined;
}

/**
 * A factory as the chain holds it: settings are opaque to everyone but the factory that made them,
 * which is the only one ever handed them back.
 */
export type AnyHttpFilterFactory = HttpFilterFactory<unknown>;

export function defineHttpFilter<S>(factory: HttpFilterFactory<S>): AnyHttpFilterFactory {
  return factory as AnyHttpFilterFactory;
}
