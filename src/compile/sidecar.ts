import { localityOf } from './traffic-policy.js';
/** A sidecar's configuration: the pod's HTTP proxy (outbound) and a listener in front of each app port (inbound). */
import type { WorkloadInstance } from '../store/index.js';
import { isHttpProtocol, visibleFrom } from '../store/index.js';
import type { ClusterConfig, ListenerConfig, ProxyConfig, ProxyNode, RouteTableConfig, VirtualHostConfig } from './config.js';
import { ClusterSet } from './clusters.js';
import { defaultRoute, translateHttpRoutes, type RouteContext } from './http-routes.js';
import { exportedTo, hostCovers, resolveHost, serviceDomains } from './hosts.js';
import type { MeshIndex, VirtualServiceResource } from './mesh-index.js';
import { outboundTrafficPolicyFor } from './sidecar-scope.js';

export function sidecarNode(w: WorkloadInstance): ProxyNode {
  const locality = localityOf(w.labels);
  return { id: `${w.name}.${w.namespace}`, role: 'sidecar', pod: w.name, namespace: w.namespace, labels: w.labels, serviceAccount: w.serviceAccount, ...(locality ? { locality } : {}) };
}

function meshBound(vs: VirtualServiceResource): boolean {
  const gws = vs.object.spec.gateways ?? [];
  return gws.length === 0 || gws.includes('mesh');
}

/** The VirtualService that governs `hostname` for sidecars in `namespace`: the oldest visible one. */
function virtualServiceFor(index: MeshIndex, hostname: string, namespace: string): VirtualServiceResource | undefined {
  return index.virtualServices.find((vs) => {
    const vsNs = vs.namespace ?? 'default';
    if (!meshBound(vs) || !exportedTo(vs.object.spec.exportTo, vsNs, namespace)) return false;
    return (vs.object.spec.hosts ?? []).some((h) => hostCovers(resolveHost(h, vsNs), hostname));
  });
}

function inboundListeners(w: WorkloadInstance, index: MeshIndex, clusters: ClusterSet): ListenerConfig[] {
  const out: ListenerConfig[] = [];
  for (const p of w.ports) {
    // A port is raw TCP when a Service selecting this pod says so; otherwise HTTP, which tack detects.
    const tcp = index.registry.services.some((s) => s.namespace === w.namespace && s.ports.some((sp) => !isHttpProtocol(sp.protocol) && (sp.targetPort === p.containerPort || sp.targetPort === p.name) && (s.endpoints.get(sp.port) ?? []).some((e) => e.pod === `${w.name}.${w.namespace}`)));
    const clusterName = `inbound|${p.containerPort}||`;
    const cluster: ClusterConfig = { name: clusterName, service: '', port: p.containerPort, lb: 'ROUND_ROBIN', endpoints: [{ address: '127.0.0.1', port: p.appPort, labels: w.labels, sidecar: false, weight: 1 }] };
    clusters.add(cluster);
    out.push({ name: `inbound|${p.containerPort}`, direction: 'inbound', address: w.address, port: p.endpointPort, protocol: tcp ? 'TCP' : 'HTTP', appPort: p.appPort, ...(tcp ? { tcpCluster: clusterName } : {}) });
  }
  return out;
}

export function compileSidecar(index: MeshIndex, w: WorkloadInstance): ProxyConfig {
  const node = sidecarNode(w);
  const clusters = new ClusterSet(index, w.namespace);
  const tables = new Map<string, RouteTableConfig>();
  for (const service of index.registry.services) {
    if (!visibleFrom(service, w.namespace)) continue;
    const vs = virtualServiceFor(index, service.hostname, w.namespace);
    for (const p of service.ports) {
      if (!isHttpProtocol(p.protocol)) {
        clusters.outbound(service, p.port);
        continue;
      }
      const ctx: RouteContext = { index, clusters, node, gateways: 'mesh', port: p.port };
      const routes = vs ? translateHttpRoutes(vs, ctx) : [defaultRoute(service, p.port, clusters)];
      const tableName = String(p.port);
      const table = tables.get(tableName) ?? { name: tableName, virtualHosts: [] };
      const vhost: VirtualHostConfig = { name: `${service.hostname}:${p.port}`, domains: serviceDomains(service.hostname, service.namespace, w.namespace), routes };
      table.virtualHosts.push(vhost);
      tables.set(tableName, table);
    }
  }
  const listeners: ListenerConfig[] = [];
  if (w.outboundPort !== undefined) {
    listeners.push({ name: 'outbound', direction: 'outbound', address: w.address, port: w.outboundPort, protocol: 'HTTP', routeTablePrefix: '' });
  }
  listeners.push(...inboundListeners(w, index, clusters));
  return {
    version: String(index.revision),
    node,
    listeners,
    routes: Object.fromEntries([...tables.entries()].sort(([a], [b]) => a.localeCompare(b))),
    clusters: clusters.build(),
    outboundTrafficPolicy: outboundTrafficPolicyFor(index, w),
  };
}
