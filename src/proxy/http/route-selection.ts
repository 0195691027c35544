/**
 * Which route a request takes on a listener: the request target, the route table, the virtual host
 * by domain and the first matching route. The proxy and `simulate` run exactly this code.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { ListenerConfig } from '../../compile/config.js';
import type { RequestView } from '../runtime/matchers.js';
import { hostOf, portOf, type CompiledRoute, type CompiledVirtualHost, type RouteTable } from '../runtime/route-table.js';
import { headerString } from './headers.js';

/** Where a request is going, as the route match sees it. */
export interface RequestTarget {
  authority: string;
  /** The port routing is done for: the destination's on the sidecar, the Gateway server's at a gateway. */
  port: number;
  path: string;
  query: string;
}

export interface RequestLine {
  /** As sent: origin form (`/path?q`) or absolute form (`http://host/path`, when the app uses us as its proxy). */
  url: string;
  headers: IncomingHttpHeaders;
  /** The port a CONNECT tunnel was opened to, when the request came through one. */
  tunnelPort: number | undefined;
}

/** Undefined for a target that is neither origin nor absolute form (answered 400). */
export function targetOf(req: RequestLine, listener: ListenerConfig): RequestTarget | undefined {
  const raw = req.url;
  let authority: string;
  let pathAndQuery: string;
  if (raw.startsWith('http://') || raw.startsWith('https://')) {
    const schemeEnd = raw.indexOf('//') + 2;
    const slash = raw.indexOf('/', schemeEnd);
    authority = slash < 0 ? raw.slice(schemeEnd) : raw.slice(schemeEnd, slash);
    pathAndQuery = slash < 0 ? '/' : raw.slice(slash);
  } else {
    if (!raw.startsWith('/') && raw !== '*') return undefined;
    authority = req.headers.host ?? '';
    pathAndQuery = raw;
  }
  const q = pathAndQuery.indexOf('?');
  return {
    authority,
    port: listener.serverPort ?? portOf(authority, req.tunnelPort ?? 80),
    path: q < 0 ? pathAndQuery : pathAndQuery.slice(0, q),
    query: q < 0 ? '' : pathAndQuery.slice(q + 1),
  };
}

export function requestView(method: string, headers: IncomingHttpHeaders, target: RequestTarget): RequestView {
  return { method, path: target.path, query: target.query, scheme: headerString(headers, 'x-forwarded-proto') ?? 'http', authority: target.authority, headers };
}

export type RouteSelection =
  /** A route of a virtual host: the router acts on it. */
  | { kind: 'route'; routeTable: string; virtualHost: CompiledVirtualHost; route: CompiledRoute }
  /** A route table with no virtual host for the authority, or a virtual host with no matching route: 404 NR. */
  | { kind: 'no-route'; routeTable: string; virtualHost?: CompiledVirtualHost }
  /** Inbound: everything goes to the app behind the listener. */
  | { kind: 'inbound'; cluster: string }
  /** A host the sidecar's tables do not know: Istio's PassthroughCluster, or BlackHoleCluster under REGISTRY_ONLY. */
  | { kind: 'passthrough' };

export interface RouteTables {
  get(name: string): RouteTable | undefined;
}

export function selectRoute(listener: ListenerConfig, tables: RouteTables, target: RequestTarget, view: RequestView): RouteSelection {
  if (listener.direction === 'inbound') return { kind: 'inbound', cluster: listener.inboundCluster ?? '' };
  const routeTable = listener.routeTable ?? `${listener.routeTablePrefix ?? ''}${target.port}`;
  const virtualHost = tables.get(routeTable)?.virtualHost(hostOf(target.authority));
  if (!virtualHost) return listener.direction === 'outbound' ? { kind: 'passthrough' } : { kind: 'no-route', routeTable };
  for (const route of virtualHost.routes) if (route.test(view)) return { kind: 'route', routeTable, virtualHost, route };
  return { kind: 'no-route', routeTable, virtualHost };
}
