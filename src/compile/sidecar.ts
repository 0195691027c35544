import { inboundTransport } from './mtls.js';
import { localityOf } from './traffic-policy.js';
/** A sidecar's configuration: the pod's HTTP proxy (outbound) and a listener in front of each app port (inbound). */
import type { RegistryService, WorkloadInstance } from '../store/index.js';
import { isHttpProtocol, visibleFrom } from '../store/index.js';
import type { ClusterConfig, ListenerConfig, ProxyConfig, ProxyNode, RouteConfig, RouteTableConfig, VirtualHostConfig } from './config.js';
import { ClusterSet, type ClusterNamer } from './clusters.js';
import { CarryOver, idOf } from './carry-over.js';
import { defaultRoute, newRouteReads, readsHold, translateHttpRoutes, type RouteContext, type RouteReads } from './http-routes.js';
import { serviceDomains } from './hosts.js';
import { AUTHZ_HTTP_FILTERS, INBOUND_HTTP_FILTERS, JWT_HTTP_FILTERS, ROUTING_HTTP_FILTERS } from './http-filters.js';
import { authorizationFor, requestAuthenticationFor } from './authorization.js';
import { exportedTo } from '../api/hosts.js';
import { lookupHost, type MeshIndex, type VirtualServiceResource } from './mesh-index.js';
import { outboundTrafficPolicyFor, sidecarFor } from './sidecar-scope.js';
import { egressScopeFor, importedAnywhere, importsService, importsVirtualService, listenerForPort, type EgressListenerScope } from './egress-scope.js';
import { isolate, type SkippedResource } from './skipped.js';

export function sidecarNode(w: WorkloadInstance): ProxyNode {
  const locality = localityOf(w.labels);
  return { id: `${w.name}.${w.namespace}`, role: 'sidecar', pod: w.name, namespace: w.namespace, labels: w.labels, serviceAccount: w.serviceAccount, ...(locality ? { locality } : {}) };
}


/** The VirtualService that governs `hostname` for sidecars in `namespace`: the oldest visible one the egress listener imports. */
function virtualServiceFor(index: MeshIndex, hostname: string, namespace: string, listener: EgressListenerScope): VirtualServiceResource | undefined {
  const candidates = lookupHost(index.meshVirtualServicesByHost, hostname).filter((vs) => exportedTo(vs.object.spec.exportTo, vs.namespace ?? 'default', namespace) && importsVirtualService(listener, vs));
  if (candidates.length <= 1) return candidates[0];
  // Oldest first, as the store orders them.
  const order = new Map(index.virtualServices.map((vs, i) => [vs, i]));
  return candidates.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0))[0];
}

function inboundListeners(w: WorkloadInstance, index: MeshIndex, clusters: ClusterSet): ListenerConfig[] {
  const out: ListenerConfig[] = [];
  const authorization = authorizationFor(index, w);
  const requestAuthentication = requestAuthenticationFor(index, w);
  for (const p of w.ports) {
    // A port is raw TCP when a Service selecting this pod says so; otherwise HTTP, which tack detects.
    const tcp = index.registry.services.some((s) => s.namespace === w.namespace && s.ports.some((sp) => !isHttpProtocol(sp.protocol) && (sp.targetPort === p.containerPort || sp.targetPort === p.name) && (s.endpoints.get(sp.port) ?? []).some((e) => e.pod === `${w.name}.${w.namespace}`)));
    const clusterName = `inbound|${p.containerPort}||`;
    const cluster: ClusterConfig = { name: clusterName, service: '', port: p.containerPort, lb: 'ROUND_ROBIN', endpoints: [{ address: '127.0.0.1', port: p.appPort, labels: w.labels, sidecar: false, weight: 1 }] };
    clusters.add(cluster);
    out.push({
      name: `inbound|${p.containerPort}`, direction: 'inbound', address: w.address, port: p.endpointPort, protocol: tcp ? 'TCP' : 'HTTP',
      transport: inboundTransport(index, w, p.containerPort), appPort: p.appPort, targetPort: p.containerPort,
      ...(authorization ? { authorization } : {}),
      ...(requestAuthentication && !tcp ? { requestAuthentication } : {}),
      ...(tcp ? { tcpCluster: clusterName } : { httpFilters: [...(requestAuthentication ? JWT_HTTP_FILTERS : []), ...(authorization ? AUTHZ_HTTP_FILTERS : []), ...INBOUND_HTTP_FILTERS], inboundCluster: clusterName }),
    });
  }
  return out;
}

interface OutboundPart {
  routes: Record<string, RouteTableConfig>;
  clusters: Record<string, ClusterConfig>;
  /** VirtualServices that could not be compiled for these callers: their hosts get the default route. */
  skipped: SkippedResource[];
}

const outboundCache = new WeakMap<MeshIndex, Map<string, OutboundPart>>();
/** The part last made for each key, from an older snapshot: its unchanged tables are reused as they are. */
const previousParts = new CarryOver<OutboundPart>();

/**
 * Routes translated for one service port, and how to check they still hold: their cache key names
 * the rest of their inputs (see routesFor).
 */
interface Translation {
  routes: RouteConfig[];
  reads: RouteReads;
  /** The clusters the routes asked for, to ask again: by destination host, or the service itself (`undefined`). */
  clusters: { host: string | undefined; port: number; subset: string | undefined }[];
}
const translations = new CarryOver<Translation>();
/** Virtual hosts per caller key, the same object while their routes are. */
const virtualHosts = new CarryOver<VirtualHostConfig>();

/**
 * Passes cluster requests on, noting each so a cached translation can make them again. Routes
 * translated from a VirtualService name their destinations by host; a default route, its service.
 */
class RecordingNamer implements ClusterNamer {
  readonly asked: Translation['clusters'] = [];
  constructor(
    private readonly clusters: ClusterNamer,
    private readonly byHost: boolean,
  ) {}

  outbound(service: RegistryService, port: number, subset?: string): string {
    this.asked.push({ host: this.byHost ? service.hostname : undefined, port, subset });
    return this.clusters.outbound(service, port, subset);
  }
}

const labelDependence = new WeakMap<MeshIndex, boolean>();

/** Does some VirtualService match on the caller's labels or namespace? */
function callerDependent(index: MeshIndex): boolean {
  let dependent = labelDependence.get(index);
  if (dependent === undefined) {
    dependent = index.virtualServices.some((vs) => {
      try {
        return (vs.object.spec.http ?? []).some((r) => (r.match ?? []).some((m) => m.sourceLabels !== undefined || m.sourceNamespace !== undefined));
      } catch {
        // Unreadable: it is left out (and reported) where it is compiled. Here it only makes the key finer, which is always correct.
        return true;
      }
    });
    labelDependence.set(index, dependent);
  }
  return dependent;
}

/**
 * What the caller's identity changes in the outbound routes: its namespace always (name resolution,
 * exportTo, DestinationRule lookup), its labels only when some VirtualService matches on them.
 */
function outboundKey(index: MeshIndex, w: WorkloadInstance): string {
  // The Sidecar resource that scopes the workload (its egress hosts) is an input too.
  const scope = `${w.namespace}|${idOf(sidecarFor(index, w))}`;
  return callerDependent(index) ? `${scope}|${JSON.stringify(Object.entries(w.labels).sort())}` : scope;
}

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function sameRecord<T>(a: Readonly<Record<string, T>>, b: Readonly<Record<string, T>>): boolean {
  const keys = Object.keys(a);
  return sameItems(keys, Object.keys(b)) && keys.every((k) => a[k] === b[k]);
}

/**
 * The routes of one service port, cached across snapshots and namespaces under everything they are
 * made from: the service's host and port, the VirtualService that governs it, the caller when some
 * VirtualService matches on it (`key`), and the lookups the translation made. Translation does not
 * depend on the caller's namespace otherwise: what it changes is in domains and cluster contents.
 */
function routesFor(index: MeshIndex, key: string, service: RegistryService, port: number, vs: VirtualServiceResource | undefined, clusters: ClusterSet, node: ProxyNode, skipped: SkippedResource[]): RouteConfig[] {
  const cacheKey = `${callerDependent(index) ? key : ''}\u0000${service.hostname}\u0000${port}\u0000${idOf(vs)}`;
  const hit = translations.get(index, cacheKey);
  if (hit && readsHold(index, hit.reads)) {
    for (const c of hit.clusters) {
      // readsHold saw each destination host resolve as before, so the service is there.
      const target = c.host === undefined ? service : index.registry.byHostname.get(c.host);
      if (target) clusters.outbound(target, c.port, c.subset);
    }
    return hit.routes;
  }
  const namer = new RecordingNamer(clusters, vs !== undefined);
  const reads = newRouteReads();
  const ctx: RouteContext = { index, clusters: namer, node, gateways: 'mesh', port, reads };
  // A VirtualService that cannot be compiled leaves its host the default route. The failure is not
  // cached: every compile that meets it must report it again.
  const translated = vs ? isolate<RouteConfig[] | undefined>(vs, skipped, () => translateHttpRoutes(vs, ctx), () => undefined) : undefined;
  if (vs && !translated) return [defaultRoute(service, port, namer)];
  // A VirtualService none of whose routes applies to this caller and port (sourceLabels, port,
  // gateways) leaves the service its default route, as if it had none: Istio builds no virtual host
  // from it ("no routes matched" in BuildHTTPRoutesForVirtualService), so the service's own stays.
  const routes = translated && translated.length > 0 ? translated : [defaultRoute(service, port, namer)];
  translations.set(index, cacheKey, { routes, reads, clusters: namer.asked });
  return routes;
}

/** One service port's virtual host for sidecars with `key`; the same object as before while its routes are. */
function virtualHost(index: MeshIndex, key: string, service: RegistryService, port: number, vs: VirtualServiceResource | undefined, clusters: ClusterSet, node: ProxyNode, skipped: SkippedResource[]): VirtualHostConfig {
  const routes = routesFor(index, key, service, port, vs, clusters, node, skipped);
  const cacheKey = `${key}\u0000${service.hostname}\u0000${service.namespace}\u0000${port}`;
  const hit = virtualHosts.get(index, cacheKey);
  if (hit?.routes === routes) return hit;
  const vhost: VirtualHostConfig = { name: `${service.hostname}:${port}`, domains: serviceDomains(service.hostname, service.namespace, node.namespace), routes };
  virtualHosts.set(index, cacheKey, vhost);
  return vhost;
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
  const previous = previousParts.get(index, key);
  const clusters = new ClusterSet(index, w.namespace);
  const tables = new Map<string, VirtualHostConfig[]>();
  const skipped: SkippedResource[] = [];
  const scope = egressScopeFor(index, w);
  for (const service of index.registry.services) {
    if (!visibleFrom(service, w.namespace)) continue;
    for (const p of service.ports) {
      // A port's route table comes from the egress listener on that port (else the catch-all one);
      // the clusters, from every listener together, as Istio's SidecarScope has them.
      const listener = listenerForPort(scope, p.port);
      const routed = isHttpProtocol(p.protocol) && listener !== undefined && importsService(listener, service, p.port);
      if (!routed) {
        if (importedAnywhere(scope, service, p.port)) clusters.outbound(service, p.port);
        continue;
      }
      const vs = virtualServiceFor(index, service.hostname, w.namespace, listener);
      const tableName = String(p.port);
      const vhosts = tables.get(tableName) ?? [];
      vhosts.push(virtualHost(index, key, service, p.port, vs, clusters, node, skipped));
      tables.set(tableName, vhosts);
    }
  }
  const routes: Record<string, RouteTableConfig> = Object.fromEntries(
    [...tables.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, vhosts]) => {
        const old = previous && Object.prototype.hasOwnProperty.call(previous.routes, name) ? previous.routes[name] : undefined;
        return [name, old && old.name === name && sameItems(old.virtualHosts, vhosts) ? old : { name, virtualHosts: vhosts }];
      }),
  );
  const part = {
    routes: previous && sameRecord(previous.routes, routes) ? previous.routes : routes,
    clusters: clusters.build(previous?.clusters),
    skipped,
  };
  previousParts.set(index, key, part);
  perIndex.set(key, part);
  return part;
}

/** Each sidecar's clusters as last compiled, with what they were made from. */
const mergedClusters = new CarryOver<{ shared: Record<string, ClusterConfig>; own: string; merged: Record<string, ClusterConfig> }>();

/**
 * The shared outbound clusters and the pod's own, in one record; the same record as last time when
 * both are unchanged, so that a push to this proxy sees unchanged clusters at a glance.
 */
function proxyClusters(index: MeshIndex, w: WorkloadInstance, shared: Record<string, ClusterConfig>, own: Record<string, ClusterConfig>): Record<string, ClusterConfig> {
  const key = `${w.namespace}/${w.name}`;
  const ownJson = JSON.stringify(own);
  const last = mergedClusters.get(index, key);
  if (last && last.shared === shared && last.own === ownJson) return last.merged;
  const merged = { ...shared, ...own };
  mergedClusters.set(index, key, { shared, own: ownJson, merged });
  return merged;
}

/** `skipped` receives the resources left out of this sidecar's config (see skipped.ts). */
export function compileSidecar(index: MeshIndex, w: WorkloadInstance, skipped: SkippedResource[] = []): ProxyConfig {
  const node = sidecarNode(w);
  const shared = outboundPart(index, w, node);
  skipped.push(...shared.skipped);
  // Inbound clusters are this pod's own; the shared outbound ones are reused as they are.
  const own = new ClusterSet(index, w.namespace);
  const listeners: ListenerConfig[] = [];
  if (w.outboundPort !== undefined) {
    listeners.push({ name: 'outbound', direction: 'outbound', address: w.address, port: w.outboundPort, protocol: 'HTTP', transport: 'plain', httpFilters: [...ROUTING_HTTP_FILTERS], routeTablePrefix: '' });
  }
  listeners.push(...inboundListeners(w, index, own));
  return {
    version: String(index.revision),
    node,
    listeners,
    routes: shared.routes,
    clusters: proxyClusters(index, w, shared.clusters, own.build()),
    outboundTrafficPolicy: outboundTrafficPolicyFor(index, w),
  };
}
