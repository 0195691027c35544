import type { StoreSnapshot, WorkloadInstance } from '../store/index.js';
import type { ProxyConfig } from './config.js';
import { compileGateway } from './gateway.js';
import { indexSnapshot, type MeshSettings, DEFAULT_MESH_SETTINGS } from './mesh-index.js';
import { compileSidecar } from './sidecar.js';

export type * from './config.js';
export { indexSnapshot, DEFAULT_MESH_SETTINGS, type MeshSettings, type MeshIndex } from './mesh-index.js';

/** Labels that make a workload a gateway rather than an application with a sidecar. */
export function isGatewayWorkload(w: WorkloadInstance): boolean {
  return w.gatewayPorts !== undefined;
}

/** The whole configuration of one proxy, from one snapshot. Pure. */
export function compileProxyConfig(snapshot: StoreSnapshot, workload: WorkloadInstance, mesh: MeshSettings = DEFAULT_MESH_SETTINGS): ProxyConfig {
  const index = indexSnapshot(snapshot, mesh);
  return isGatewayWorkload(workload) ? compileGateway(index, workload) : compileSidecar(index, workload);
}
