/** A running pod as a platform reports it: identity, labels and where each declared port is reachable. */
export interface WorkloadPort {
  containerPort: number;
  name?: string;
  protocol: string;
  /** Where the mesh reaches this port: the pod's sidecar inbound listener, or the app itself without one. */
  endpointPort: number;
  /** Where the app itself listens (behind the sidecar). */
  appPort: number;
}

export interface WorkloadInstance {
  namespace: string;
  /** Pod name, as Kubernetes would name it (`reviews-v1-5d8c7b9f4-x7k2p`). */
  name: string;
  labels: Record<string, string>;
  serviceAccount: string;
  /** Owning Deployment, if any. */
  deployment?: string;
  /** Address the ports are reachable on (127.0.0.1 locally, the pod IP in a cluster). */
  address: string;
  ports: WorkloadPort[];
  /** Has a sidecar (not annotated `sidecar.istio.io/inject: "false"`). */
  sidecar: boolean;
  /** Passes its readiness checks: only ready pods are endpoints. */
  ready: boolean;
  /** Pod phase as kubectl shows it. */
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'CrashLoopBackOff' | 'Terminating';
  restarts: number;
  startedAt: number;
  /** Port of the sidecar's outbound listener (the pod's HTTP proxy). */
  outboundPort?: number;
  /** Port of the proxy's admin endpoint (live cluster state), when it has a proxy. */
  adminPort?: number;
  /** Port of the gateway's listener for each Gateway server port, for gateway pods. */
  gatewayPorts?: Record<number, number>;
}

export function workloadKey(w: { namespace: string; name: string }): string {
  return `${w.namespace}/${w.name}`;
}
