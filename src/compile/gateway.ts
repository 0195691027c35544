import { localityOf } from './traffic-policy.js';
import { labelsInclude } from '../api/selectors.js';
/** An ingress gateway's configuration: a listener per Gateway server port, routes from the VirtualServices bound to it. */
import type { Server } from '../api/kinds/gateway.js';
import type { WorkloadInstance } from '../store/index.js';
import type { ListenerConfig, ProxyConfig, ProxyNode, RouteTableConfig, VirtualHostConfig } from './config.js';
import { ClusterSet } from './clusters.js';
import { ROUTING_HTTP_FILTERS } from './http-filters.js';
import { translateHttpRoutes } from './http-routes.js';
import { hostCovers, resolveHost } from '../api/hosts.js';
import type { MeshIndex } from './mesh-index.js';
import { isolate, type SkippedResource } from './skipped.js';

export function gatewayNode(w: WorkloadInstance): ProxyNode {
  const locality = localityOf(w.labels);
  return { id: `${w.name}.${w.namespace}`, role: 'gateway', pod: w.name, namespace: w.namespace, labels: w.labels, serviceAccount: w.serviceAccount, ...(locality ? { locality } : {}) };
}

interface BoundServer {
  gateway: string;
  server: Server;
}

/** Server host `ns/host` applies to VirtualServices of namespace ns (`*` any, `.` the Gateway's own). */
function serverHostFor(serverHost: string, gatewayNs: string, vsNs: string): string | undefined {
  const slash = serverHost.indexOf('/');
  if (slash < 0) return serverHost;
  const ns = serverHost.slice(0, slash);
  if (ns === '*' || ns === vsNs || (ns === '.' && gatewayNs === vsNs)) return serverHost.slice(slash + 1);
  return undefined;
}

/** The names both patterns accept, as the more specific of the two (Istio's host intersection). */
function intersect(a: string, b: string): string | undefined {
  if (hostCovers(a, b)) return b;
  if (hostCovers(b, a)) return a;
  return undefined;
}

const HTTP_PROTOCOLS = new Set(['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB']);

/**
 * Istio lets a Gateway server name either a port of the gateway's Service (80) or the pod port it
 * targets (8080); both mean the pod port. Returns the pod port and the host port tack binds for it.
 */
function portPlan(index: MeshIndex, w: WorkloadInstance): (serverPort: number) => { podPort: number; bind: number } {
  const toPod = new Map<number, number>();
  for (const s of index.registry.services) {
    if (s.namespace !== w.namespace || s.source !== 'Service') continue;
    const selector = (s.resource.object as { spec?: { selector?: Record<string, string> } }).spec?.selector;
    if (!selector || !labelsInclude(selector, w.labels)) continue;
    for (const p of s.ports) if (typeof p.targetPort === 'number') toPod.set(p.port, p.targetPort);
  }
  const bindByPod = new Map<number, number>();
  for (const [svcPort, podPort] of toPod) {
    const host = w.gatewayPorts?.[svcPort];
    if (host !== undefined) bindByPod.set(podPort, host);
  }
  return (serverPort) => {
    const podPort = toPod.get(serverPort) ?? serverPort;
    return { podPort, bind: w.gatewayPorts?.[serverPort] ?? bindByPod.get(podPort) ?? serverPort };
  };
}

/** `skipped` receives the VirtualServices left out of this gateway's config (see skipped.ts). */
export function compileGateway(index: MeshIndex, w: WorkloadInstance, skipped: SkippedResource[] = []): ProxyConfig {
  const node = gatewayNode(w);
  const clusters = new ClusterSet(index, w.namespace);
  const plan = portPlan(index, w);
  const byPort = new Map<number, BoundServer[]>();
  const bindOf = new Map<number, number>();
  for (const gw of index.gateways) {
    if (!labelsInclude(gw.object.spec.selector, w.labels)) continue;
    const name = `${gw.namespace ?? 'default'}/${gw.name}`;
    for (const server of gw.object.spec.servers ?? []) {
      const { podPort, bind } = plan(server.port.number);
      const list = byPort.get(podPort) ?? [];
      list.push({ gateway: name, server });
      byPort.set(podPort, list);
      bindOf.set(podPort, bind);
    }
  }
  const listeners: ListenerConfig[] = [];
  const tables: Record<string, RouteTableConfig> = {};
  for (const [port, servers] of [...byPort.entries()].sort(([a], [b]) => a - b)) {
    const protocol = (servers[0]?.server.port.protocol ?? 'HTTP').toUpperCase();
    if (!HTTP_PROTOCOLS.has(protocol)) continue; // TLS termination and TCP servers come with the security work
    const tableName = `http.${port}`;
    const gatewayNames = [...new Set(servers.map((s) => s.gateway))];
    const vhosts = new Map<string, VirtualHostConfig>();
    for (const vs of index.virtualServices) {
      const vsNs = vs.namespace ?? 'default';
      const bound = (vs.object.spec.gateways ?? []).map((g) => (g.includes('/') ? g : `${vsNs}/${g}`)).filter((g) => gatewayNames.includes(g));
      if (bound.length === 0) continue;
      const serverHosts = servers.filter((s) => bound.includes(s.gateway)).flatMap((s) => (s.server.hosts ?? []).map((h) => serverHostFor(h, s.gateway.split('/')[0] ?? '', vsNs)).filter((h): h is string => h !== undefined));
      const routes = isolate(vs, skipped, () => translateHttpRoutes(vs, { index, clusters, node, gateways: bound, port: servers[0]?.server.port.number ?? port }), () => []);
      if (routes.length === 0) continue;
      for (const vsHost of vs.object.spec.hosts ?? []) {
        const host = vsHost === '*' ? '*' : resolveHost(vsHost, vsNs);
        for (const sh of serverHosts) {
          const domain = intersect(host, sh);
          if (domain === undefined) continue;
          const vhost = vhosts.get(domain) ?? { name: `${domain}:${port}`, domains: [domain], routes: [] };
          vhost.routes.push(...routes);
          vhosts.set(domain, vhost);
        }
      }
    }
    tables[tableName] = { name: tableName, virtualHosts: [...vhosts.values()] };
    listeners.push({ name: `0.0.0.0_${port}`, direction: 'gateway', address: w.address, port: bindOf.get(port) ?? port, protocol: 'HTTP', transport: 'plain', httpFilters: [...ROUTING_HTTP_FILTERS], routeTable: tableName, serverPort: port });
  }
  return { version: String(index.revision), node, listeners, routes: tables, clusters: clusters.build(), outboundTrafficPolicy: index.mesh.outboundTrafficPolicy };
}
