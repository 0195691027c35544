/**
 * The compiled, JSON-serialisable part of the metrics module: what the compiler hands a proxy so it
 * can label Istio's standard metrics. Plain data only; the proxy builds its registry from it.
 */

/** Which side of a call this proxy reports as (Istio's `reporter` label). */
export type Reporter = 'source' | 'destination' | 'waypoint';

/**
 * One workload as Istio's metrics see it. For the local proxy every field is known; for a peer the
 * fields come from metadata exchange (and the principal from its certificate), and any may be empty.
 */
export interface PeerInfo {
  /** Workload name: the owning Deployment (or the pod name for a bare pod). */
  workload: string;
  namespace: string;
  /** SPIFFE URI of the workload's certificate; empty when there is no TLS identity. */
  principal: string;
  /** Raw `app` and `version` pod labels, empty when absent. */
  app: string;
  version: string;
  canonicalService: string;
  canonicalRevision: string;
  /** Istio's CLUSTER_ID (`Kubernetes` unless configured). */
  cluster: string;
  /** Pod name (Istio's `NAME` node metadata); exchanged with peers, not a metric label. */
  instance?: string;
  /** What kind of controller the workload is (Istio's `OWNER` path); exchanged, not a label. */
  workloadType?: WorkloadType;
}

export type WorkloadType = 'deployment' | 'pod' | 'job' | 'cronjob';

/** What a proxy needs to build its metrics: who it is, how it reports, and its limits. */
export interface MetricsConfig {
  /** This proxy's workload. The reporter is not here: it is per listener (outbound `source`, inbound `destination`). */
  local: PeerInfo;
  /** Istio version string for `istio_build{tag}`; empty becomes `unknown`. */
  proxyVersion: string;
  /** Upper bound on series in the registry (all metrics together). */
  maxSeries: number;
  /** Histogram bucket bounds; absent means Envoy's defaults (`DEFAULT_BUCKETS`). */
  histogramBuckets?: number[];
}
