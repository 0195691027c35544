/**
 * "Which listener, route table, virtual host, route and cluster does this request hit?" asked of a
 * compiled configuration with no socket, by the same route selection the proxy runs.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { ListenerConfig, ProxyConfig } from '../compile/config.js';
import { ProxyRuntime } from './runtime/proxy-runtime.js';
import { UpstreamHosts } from './runtime/upstream.js';
import { ClusterStates } from './runtime/cluster-state.js';
import { ManualClock } from './clock.js';
import { requestView, selectRoute, targetOf } from './http/route-selection.js';

export interface SimulatedRequest {
  /** Which listener receives it: the sidecar's outbound (HTTP-proxy) listener, a gateway port, or an inbound port. */
  listener: ListenerConfig['direction'];
  /** Outbound: the destination port. Gateway: the Gateway server's port (or the bound port). Inbound: the pod's port (or the bound port). */
  port: number;
  authority: string;
  path: string;
  method?: string;
  headers?: Record<string, string>;
}

export interface SimulationResult {
  listener: string;
  routeTable?: string;
  virtualHost?: string;
  route?: string;
  /** The cluster a request takes; for a weighted route, the first destination. */
  cluster?: string;
  /** Every destination of a weighted route, in order. */
  clusters?: string[];
  noRoute?: true;
}

function listenerFor(config: ProxyConfig, req: SimulatedRequest): ListenerConfig | undefined {
  const candidates = config.listeners.filter((l) => l.direction === req.listener && l.protocol === 'HTTP');
  if (req.listener === 'outbound') return candidates[0];
  if (req.listener === 'gateway') return candidates.find((l) => l.serverPort === req.port) ?? candidates.find((l) => l.port === req.port);
  return candidates.find((l) => l.inboundCluster !== undefined && config.clusters[l.inboundCluster]?.port === req.port) ?? candidates.find((l) => l.port === req.port);
}

/** Undefined when no listener of that kind takes the request. */
export function simulate(config: ProxyConfig, req: SimulatedRequest): SimulationResult | undefined {
  const listener = listenerFor(config, req);
  if (!listener) return undefined;
  const clock = new ManualClock();
  const runtime = new ProxyRuntime(config, new UpstreamHosts(clock), new ClusterStates(clock), clock);
  const headers: IncomingHttpHeaders = { host: req.authority };
  for (const [k, v] of Object.entries(req.headers ?? {})) headers[k.toLowerCase()] = v;
  // The sidecar's outbound listener sees absolute-form requests (it is the pod's HTTP proxy).
  const url = listener.direction === 'outbound' ? `http://${req.authority}${req.path}` : req.path;
  const target = targetOf({ url, headers, tunnelPort: listener.direction === 'outbound' ? req.port : undefined }, listener);
  if (!target) return { listener: listener.name, noRoute: true };
  if (listener.direction === 'outbound' && !req.authority.includes(':')) target.port = req.port;
  const sel = selectRoute(listener, runtime.routeTables, target, requestView(req.method ?? 'GET', headers, target));
  switch (sel.kind) {
    case 'inbound':
      return { listener: listener.name, cluster: sel.cluster };
    case 'passthrough':
      return { listener: listener.name, cluster: config.outboundTrafficPolicy === 'REGISTRY_ONLY' ? 'BlackHoleCluster' : 'PassthroughCluster' };
    case 'no-route':
      return { listener: listener.name, routeTable: sel.routeTable, ...(sel.virtualHost ? { virtualHost: sel.virtualHost.name } : {}), noRoute: true };
    case 'route': {
      const action = sel.route.action;
      const clusters = action.kind === 'forward' ? action.clusters.map((c) => c.cluster) : [];
      return {
        listener: listener.name,
        routeTable: sel.routeTable,
        virtualHost: sel.virtualHost.name,
        route: sel.route.name,
        ...(clusters[0] !== undefined ? { cluster: clusters[0] } : {}),
        ...(clusters.length > 1 ? { clusters } : {}),
      };
    }
  }
}
