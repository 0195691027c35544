import { localityOf } from './traffic-policy.js';
/** A sidecar's configuration: the pod's HTTP proxy (outbound) and a listener in front of each app port (inbound). */
import type { WorkloadInstance } from '../store/index.js';
import { isHttpProtocol, visibleFrom } from '../store/index.js';
import type { ClusterConfig, ListenerConfig, ProxyConfig, ProxyNode, RouteTableConfig, VirtualHostConfig } from './config.js';
import { ClusterSet } from './clusters.js';
import { defaultRoute, translateHttpRoutes, type RouteContext } from './http-routes.js';
import { serviceDomains } from './hosts.js';
import { exportedTo } from '../api/hosts.js';
import { lookupHost, type MeshIndex, type VirtualServiceResource } from './mesh-index.js';
import { outboundTrafficPolicyFor } from './sidecar-scope.js';

export function sidecarNode(w: WorkloadInstance): ProxyNode {
  const locality = localityOf(w.labels);
  return { id: `${w.name}.${w.namespace}`, role: 'sidecar', pod: w.name, namespace: w.namespace, labels: w.labels, serviceAccount: w.serviceAccount, ...(locality ? { locality } : {}) };
}


/** The VirtualService that governs `hostname` for sidecars in `namespace`: the oldest visible one. */
function virtualServiceFor(index: MeshIndex, hostname: string, namespace: string): VirtualServiceResource | undefined {
  const candidates = lookupHost(index.meshVirtualServicesByHost, hostname).filter((vs) => exportedTo(vs.object.spec.exportTo, vs.namespace ?? 'default', namespace));
  if (candidates.length <= 1) return candidates[0];
  // Oldest first, as the store orders them.
  const order = new Map(index.virtualServices.map((vs, i) => [vs, i]));
  return candidates.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0))[0];
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

interface OutboundPart {
  routes: Record<string, RouteTableConfig>;
  clusters: ClusterSet;
}

const outboundCache = new WeakMap<MeshIndex, Map<string, OutboundPart>>();

/**
 * What the caller's identity changes in the outbound routes: its namespace always (name resolution,
 * exportTo, DestinationRule lookup), its labels only when some VirtualService matches on them.
 */
function outboundKey(index: MeshIndex, w: WorkloadInstance): string {
  const labelDependent = index.virtualServices.some((vs) => (vs.object.spec.http ?? []).some((r) => (r.match ?? []).some((m) => m.sourceLabels !== undefined || m.sourceNamespace !== undefined)));
  return labelDependent ? `${w.namespace}|${JSON.stringify(Object.entries(w.labels).sort())}` : w.namespace;
}

/** The outbound route tables and clusters, shared by every sidecar with the same key in one snapshot. */
function outboundPart(index: MeshIndex, w: WorkloadInstance, node: ProxyNode): OutboundPart {
  let perIndex = outboundCache.get(index);
  if (!perIndex) {
    perIndex = new Map();
    outboundCache.set(index, perIndex);
  }
  const key = outboundKey(index, w);
  const hit = perIndex.get(key);
  if (hit) return hit;
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
  const part = { routes: Object.fromEntries([...tables.entries()].sort(([a], [b]) => a.localeCompare(b))), clusters };
  perIndex.set(key, part);
  return part;
}

export function compileSidecar(index: MeshIndex, w: WorkloadInstance): ProxyConfig {
  const node = sidecarNode(w);
  const shared = outboundPart(index, w, node);
  // Inbound clusters are this pod's own; the shared outbound ones are reused as they are.
  const own = new ClusterSet(index, w.namespace);
  const listeners: ListenerConfig[] = [];
  if (w.outboundPort !== undefined) {
    listeners.push({ name: 'outbound', direction: 'outbound', address: w.address, port: w.outboundPort, protocol: 'HTTP', routeTablePrefix: '' });
  }
  listeners.push(...inboundListeners(w, index, own));
  return {
    version: String(index.revision),
    node,
    listeners,
    routes: shared.routes,
    clusters: { ...shared.clusters.build(), ...own.build() },
    outboundTrafficPolicy: outboundTrafficPolicyFor(index, w),
  };
}
