/**
 * Prometheus HTTP service discovery for the mesh's proxies, shaped as if Prometheus had found each
 * pod with kubernetes_sd and applied Istio's `kubernetes-pods` relabelling
 * (samples/addons/prometheus.yaml): pod labels copied as target labels under their sanitized names
 * (labelmap of `__meta_kubernetes_pod_label_(.+)`), then `namespace`, `pod` and `node`; pods in
 * phase Pending, Succeeded, Failed or Completed dropped.
 */

export interface ScrapeProxy {
  pod: string;
  namespace: string;
  labels: Readonly<Record<string, string>>;
  /** Host the proxy's stats endpoint listens on (127.0.0.1 locally, the pod IP in a cluster). */
  address: string;
  /** Port of the proxy's `/stats/prometheus` endpoint (Istio's 15020). */
  port: number;
  phase?: string;
  node?: string;
}

export interface HttpSdTargetGroup {
  targets: string[];
  labels: Record<string, string>;
}

const DROPPED_PHASES = new Set(['Pending', 'Succeeded', 'Failed', 'Completed']);

/** Kubernetes SD's label-name sanitizing: every character outside [a-zA-Z0-9_] becomes `_`. */
export function sanitizeLabelName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, '_');
}

function hostPort(address: string, port: number): string {
  return address.includes(':') && !address.startsWith('[') ? `[${address}]:${port}` : `${address}:${port}`;
}

export function prometheusHttpSdTargets(proxies: readonly ScrapeProxy[]): HttpSdTargetGroup[] {
  const groups: HttpSdTargetGroup[] = [];
  const sorted = [...proxies].sort((a, b) => a.namespace.localeCompare(b.namespace) || a.pod.localeCompare(b.pod));
  for (const p of sorted) {
    if (p.phase && DROPPED_PHASES.has(p.phase)) continue;
    const labels: Record<string, string> = {};
    // Sorted so that two pod labels with one sanitized name resolve the same way every time.
    for (const key of Object.keys(p.labels).sort()) {
      const name = sanitizeLabelName(key);
      // Kubernetes SD would emit an empty value, and Prometheus drops empty target labels.
      if (p.labels[key] !== '' && !/^[0-9]/.test(name)) labels[name] = p.labels[key]!;
    }
    labels['namespace'] = p.namespace;
    labels['pod'] = p.pod;
    if (p.node) labels['node'] = p.node;
    groups.push({ targets: [hostPort(p.address, p.port)], labels });
  }
  return groups;
}
