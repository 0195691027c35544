/** Everything the generators look up, indexed once per snapshot (not once per proxy). */
import type { Resource } from '../api/index.js';
import type { VirtualServiceObject } from '../api/kinds/virtual-service.js';
import type { DestinationRuleObject } from '../api/kinds/destination-rule.js';
import type { GatewayObject } from '../api/kinds/gateway.js';
import type { SidecarObject } from '../api/kinds/sidecar.js';
import { buildRegistry, type ServiceRegistry, type StoreSnapshot, type WorkloadInstance } from '../store/index.js';

export type VirtualServiceResource = Resource<VirtualServiceObject>;
export type DestinationRuleResource = Resource<DestinationRuleObject>;
export type GatewayResource = Resource<GatewayObject>;
export type SidecarResource = Resource<SidecarObject>;

/** Mesh-wide settings (Istio's MeshConfig), with Istio's defaults. */
export interface MeshSettings {
  rootNamespace: string;
  outboundTrafficPolicy: 'ALLOW_ANY' | 'REGISTRY_ONLY';
}

export const DEFAULT_MESH_SETTINGS: MeshSettings = { rootNamespace: 'istio-system', outboundTrafficPolicy: 'ALLOW_ANY' };

export interface MeshIndex {
  revision: number;
  registry: ServiceRegistry;
  virtualServices: readonly VirtualServiceResource[];
  destinationRules: readonly DestinationRuleResource[];
  gateways: readonly GatewayResource[];
  sidecars: readonly SidecarResource[];
  workloads: readonly WorkloadInstance[];
  mesh: MeshSettings;
}

const cache = new WeakMap<StoreSnapshot, MeshIndex>();

/** The index of a snapshot; built once and shared by every proxy's generation. */
export function indexSnapshot(snapshot: StoreSnapshot, mesh: MeshSettings = DEFAULT_MESH_SETTINGS): MeshIndex {
  const hit = cache.get(snapshot);
  if (hit && hit.mesh === mesh) return hit;
  const index: MeshIndex = {
    revision: snapshot.revision,
    registry: buildRegistry(snapshot),
    virtualServices: snapshot.byKind('VirtualService') as VirtualServiceResource[],
    destinationRules: snapshot.byKind('DestinationRule') as DestinationRuleResource[],
    gateways: snapshot.byKind('Gateway') as GatewayResource[],
    sidecars: snapshot.byKind('Sidecar') as SidecarResource[],
    workloads: snapshot.workloads,
    mesh,
  };
  cache.set(snapshot, index);
  return index;
}
