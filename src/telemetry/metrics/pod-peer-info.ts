/**
 * Compile side: a pod's PeerInfo, with the defaults Istio's injector gives a workload's canonical
 * service and revision (pkg/kube/labels): the first label present in Istio's order, else the
 * workload name (service) or `latest` (revision).
 */
import type { PeerInfo } from './config.js';

export const CANONICAL_NAME_LABELS = ['service.istio.io/canonical-name', 'app.kubernetes.io/name', 'app'] as const;
export const CANONICAL_REVISION_LABELS = ['service.istio.io/canonical-revision', 'app.kubernetes.io/version', 'version'] as const;

/** Istio's CLUSTER_ID when none is configured. */
export const DEFAULT_CLUSTER_ID = 'Kubernetes';
export const DEFAULT_TRUST_DOMAIN = 'cluster.local';

export interface PodIdentity {
  name: string;
  namespace: string;
  labels: Readonly<Record<string, string>>;
  serviceAccount: string;
  /** The Deployment that owns the pod; a bare pod is its own workload. */
  ownerWorkload?: string;
  cluster?: string;
  trustDomain?: string;
}

function firstLabel(labels: Readonly<Record<string, string>>, keys: readonly string[]): string | undefined {
  for (const k of keys) {
    const v = labels[k];
    if (v) return v;
  }
  return undefined;
}

export function canonicalService(labels: Readonly<Record<string, string>>, workload: string): string {
  return firstLabel(labels, CANONICAL_NAME_LABELS) ?? workload;
}

export function canonicalRevision(labels: Readonly<Record<string, string>>): string {
  return firstLabel(labels, CANONICAL_REVISION_LABELS) ?? 'latest';
}

export function spiffePrincipal(trustDomain: string, namespace: string, serviceAccount: string): string {
  return `spiffe://${trustDomain}/ns/${namespace}/sa/${serviceAccount}`;
}

export function peerInfoFromPod(pod: PodIdentity): PeerInfo {
  const workload = pod.ownerWorkload || pod.name;
  return {
    workload,
    namespace: pod.namespace,
    principal: spiffePrincipal(pod.trustDomain ?? DEFAULT_TRUST_DOMAIN, pod.namespace, pod.serviceAccount || 'default'),
    // The metric labels take the raw `app`/`version` labels only, as Istio's stats filter does.
    app: pod.labels['app'] ?? '',
    version: pod.labels['version'] ?? '',
    canonicalService: canonicalService(pod.labels, workload),
    canonicalRevision: canonicalRevision(pod.labels),
    cluster: pod.cluster || DEFAULT_CLUSTER_ID,
    instance: pod.name,
    workloadType: pod.ownerWorkload ? 'deployment' : 'pod',
  };
}
