import type { StoreSnapshot, WorkloadInstance } from '../store/index.js';
import type { ProxyConfig } from './config.js';
import { compileGateway } from './gateway.js';
import { indexSnapshot, type MeshSettings, DEFAULT_MESH_SETTINGS } from './mesh-index.js';
import { compileSidecar } from './sidecar.js';
import type { SkippedResource } from './skipped.js';

export type * from './config.js';
export type { SkippedResource } from './skipped.js';
export { indexSnapshot, DEFAULT_MESH_SETTINGS, type MeshSettings, type MeshIndex } from './mesh-index.js';

/** Labels that make a workload a gateway rather than an application with a sidecar. */
export function isGatewayWorkload(w: WorkloadInstance): boolean {
  return w.gatewayPorts !== undefined;
}

/** The whole configuration of one proxy, from one snapshot. Pure. */
export function compileProxyConfig(snapshot: StoreSnapshot, workload: WorkloadInstance, mesh: MeshSettings = DEFAULT_MESH_SETTINGS): ProxyConfig {
  return compileProxy(snapshot, workload, mesh).config;
}

/** One proxy's configuration and the resources left out of it because they could not be compiled for it. Pure. */
export function compileProxy(snapshot: StoreSnapshot, workload: WorkloadInstance, mesh: MeshSettings = DEFAULT_MESH_SETTINGS): { config: ProxyConfig; skipped: SkippedResource[] } {
  const index = indexSnapshot(snapshot, mesh);
  const skipped: SkippedResource[] = [];
  const config = isGatewayWorkload(workload) ? compileGateway(index, workload, skipped) : compileSidecar(index, workload, skipped);
  return { config, skipped };
}
