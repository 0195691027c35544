/** Everything the generators look up, indexed once per snapshot (not once per proxy). */
import type { Resource } from '../api/index.js';
import type { PeerAuthenticationObject } from '../api/kinds/peer-authentication.js';
import type { AuthorizationPolicyObject } from '../api/kinds/authorization-policy.js';
import type { RequestAuthenticationObject } from '../api/kinds/request-authentication.js';
import type { VirtualServiceObject } from '../api/kinds/virtual-service.js';
import type { DestinationRuleObject } from '../api/kinds/destination-rule.js';
import type { GatewayObject } from '../api/kinds/gateway.js';
import type { SidecarObject } from '../api/kinds/sidecar.js';
import { buildRegistry, type ServiceRegistry, type StoreSnapshot, type WorkloadInstance } from '../store/index.js';
import { hostCovers, resolveHost } from '../api/hosts.js';

export type VirtualServiceResource = Resource<VirtualServiceObject>;
export type DestinationRuleResource = Resource<DestinationRuleObject>;
export type GatewayResource = Resource<GatewayObject>;
export type SidecarResource = Resource<SidecarObject>;
export type PeerAuthenticationResource = Resource<PeerAuthenticationObject>;
export type AuthorizationPolicyResource = Resource<AuthorizationPolicyObject>;
export type RequestAuthenticationResource = Resource<RequestAuthenticationObject>;

/** Mesh-wide settings (Istio's MeshConfig), with Istio's defaults. */
export interface MeshSettings {
  rootNamespace: string;
  outboundTrafficPolicy: 'ALLOW_ANY' | 'REGISTRY_ONLY';
}

export const DEFAULT_MESH_SETTINGS: MeshSettings = { rootNamespace: 'istio-system', outboundTrafficPolicy: 'ALLOW_ANY' };

/** Resources grouped by the host they name (resolved in their namespace), built once per snapshot. */
export interface HostIndex<T> {
  exact: Map<string, T[]>;
  /** Resources naming wildcard hosts (`*.example.com`, `*`), checked in order. */
  wildcard: { host: string; item: T }[];
}

export interface MeshIndex {
  revision: number;
  /** VirtualServices bound to the mesh, by host. */
  meshVirtualServicesByHost: HostIndex<VirtualServiceResource>;
  /** DestinationRules by namespace, then host. */
  destinationRulesByNamespace: Map<string, HostIndex<DestinationRuleResource>>;
  registry: ServiceRegistry;
  virtualServices: readonly VirtualServiceResource[];
  destinationRules: readonly DestinationRuleResource[];
  gateways: readonly GatewayResource[];
  sidecars: readonly SidecarResource[];
  peerAuthentications: readonly PeerAuthenticationResource[];
  authorizationPolicies: readonly AuthorizationPolicyResource[];
  requestAuthentications: readonly RequestAuthenticationResource[];
  workloads: readonly WorkloadInstance[];
  mesh: MeshSettings;
}

const cache = new WeakMap<StoreSnapshot, MeshIndex>();

/** The registry's inputs and the registry made from them, from the last snapshot indexed. */
let lastRegistry: { services: readonly Resource[]; serviceEntries: readonly Resource[]; workloads: readonly WorkloadInstance[]; registry: ServiceRegistry } | undefined;

function sameList<T>(a: readonly T[], b: readonly T[], equal: (x: T, y: T) => boolean = (x, y) => x === y): boolean {
  return a === b || (a.length === b.length && a.every((x, i) => equal(x, b[i] as T)));
}

/** Snapshots copy each workload, so equal field by field (nested values by identity, as the store keeps them). */
function sameWorkload(a: WorkloadInstance, b: WorkloadInstance): boolean {
  if (a === b) return true;
  const keys = Object.keys(a) as (keyof WorkloadInstance)[];
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/**
 * The service registry, reused from the previous snapshot when its inputs (Services,
 * ServiceEntries and workloads: all that buildRegistry reads) are unchanged. Most changes are
 * routing rules, and rebuilding every service's endpoints for them cost more than the rest of a push.
 */
function registryFor(snapshot: StoreSnapshot): ServiceRegistry {
  const services = snapshot.byKind('Service');
  const serviceEntries = snapshot.byKind('ServiceEntry');
  const last = lastRegistry;
  if (last && sameList(last.services, services) && sameList(last.serviceEntries, serviceEntries) && sameList(last.workloads, snapshot.workloads, sameWorkload)) return last.registry;
  const registry = buildRegistry(snapshot);
  lastRegistry = { services, serviceEntries, workloads: snapshot.workloads, registry };
  return registry;
}

function addToHostIndex<T>(idx: HostIndex<T>, host: string, item: T): void {
  if (host.startsWith('*')) {
    idx.wildcard.push({ host, item });
    return;
  }
  const list = idx.exact.get(host) ?? [];
  if (!list.includes(item)) list.push(item);
  idx.exact.set(host, list);
}

/** Items whose host is `hostname` exactly, then those whose wildcard covers it; in store order within each. */
export function lookupHost<T>(idx: HostIndex<T> | undefined, hostname: string): T[] {
  if (!idx) return [];
  const out = [...(idx.exact.get(hostname) ?? [])];
  for (const w of idx.wildcard) if (hostCovers(w.host, hostname) && !out.includes(w.item)) out.push(w.item);
  return out;
}

/** The index of a snapshot; built once and shared by every proxy's generation. */
export function indexSnapshot(snapshot: StoreSnapshot, mesh: MeshSettings = DEFAULT_MESH_SETTINGS): MeshIndex {
  const hit = cache.get(snapshot);
  if (hit && hit.mesh === mesh) return hit;
  const virtualServices = snapshot.byKind('VirtualService') as VirtualServiceResource[];
  const destinationRules = snapshot.byKind('DestinationRule') as DestinationRuleResource[];
  const meshBound = virtualServices.filter((vs) => {
    const gws = vs.object.spec.gateways ?? [];
    return gws.length === 0 || gws.includes('mesh');
  });
  const drIndex = new Map<string, HostIndex<DestinationRuleResource>>();
  for (const dr of destinationRules) {
    const ns = dr.namespace ?? 'default';
    const idx = drIndex.get(ns) ?? { exact: new Map(), wildcard: [] };
    addToHostIndex(idx, resolveHost(dr.object.spec.host, ns), dr);
    drIndex.set(ns, idx);
  }
  const vsIndex: HostIndex<VirtualServiceResource> = { exact: new Map(), wildcard: [] };
  for (const vs of meshBound) for (const h of vs.object.spec.hosts ?? []) addToHostIndex(vsIndex, resolveHost(h, vs.namespace ?? 'default'), vs);
  const index: MeshIndex = {
    revision: snapshot.revision,
    meshVirtualServicesByHost: vsIndex,
    destinationRulesByNamespace: drIndex,
    registry: registryFor(snapshot),
    virtualServices,
    destinationRules,
    gateways: snapshot.byKind('Gateway') as GatewayResource[],
    sidecars: snapshot.byKind('Sidecar') as SidecarResource[],
    peerAuthentications: snapshot.byKind('PeerAuthentication') as PeerAuthenticationResource[],
    authorizationPolicies: snapshot.byKind('AuthorizationPolicy') as AuthorizationPolicyResource[],
    requestAuthentications: snapshot.byKind('RequestAuthentication') as RequestAuthenticationResource[],
    workloads: snapshot.workloads,
    mesh,
  };
  cache.set(snapshot, index);
  return index;
}
