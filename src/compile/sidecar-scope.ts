/** Which Sidecar resource applies to a workload, and what it says about traffic to unknown hosts. */
import type { WorkloadInstance } from '../store/index.js';
import { labelsInclude } from '../api/selectors.js';
import type { MeshIndex, SidecarResource } from './mesh-index.js';

/** Istio's precedence: a Sidecar selecting the workload, then the namespace's default, then the root namespace's. */
export function sidecarFor(index: MeshIndex, w: WorkloadInstance): SidecarResource | undefined {
  const inNs = index.sidecars.filter((s) => (s.namespace ?? 'default') === w.namespace);
  const selecting = inNs.find((s) => {
    const labels = s.object.spec.workloadSelector?.labels;
    return labels !== undefined && labelsInclude(labels, w.labels);
  });
  if (selecting) return selecting;
  const nsDefault = inNs.find((s) => !s.object.spec.workloadSelector);
  if (nsDefault) return nsDefault;
  return index.sidecars.find((s) => (s.namespace ?? 'default') === index.mesh.rootNamespace && !s.object.spec.workloadSelector);
}

export function outboundTrafficPolicyFor(index: MeshIndex, w: WorkloadInstance): 'ALLOW_ANY' | 'REGISTRY_ONLY' {
  const mode = sidecarFor(index, w)?.object.spec.outboundTrafficPolicy?.mode;
  return mode ?? index.mesh.outboundTrafficPolicy;
}
