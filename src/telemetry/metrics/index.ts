/**
 * Istio's standard metrics for tack's proxy: a registry of bound series, Istio's labels and
 * fallbacks, peer metadata exchange and Prometheus / OpenMetrics exposition. The control-plane
 * helpers (Prometheus service discovery and scrape config) live in `scrape/`.
 */
export type { MetricsConfig, PeerInfo, Reporter, WorkloadType } from './config.js';
export { DEFAULT_BUCKETS } from './buckets.js';
export {
  MetricsRegistry,
  MetricFamily,
  type BoundCounter,
  type BoundGauge,
  type BoundHistogram,
  type FamilyOptions,
  type MetricKind,
} from './registry.js';
export {
  HTTP_LABELS,
  TCP_LABELS,
  httpLabelValues,
  tcpLabelValues,
  namespaceFromPrincipal,
  type LabelInput,
  type DestinationService,
  type ConnectionSecurityPolicy,
} from './istio-labels.js';
export { IstioMetrics, TupleCache, type HttpSeries, type TcpSeries, type IstioMetricsOptions } from './istio-metrics.js';
export {
  peerInfoFromPod,
  canonicalService,
  canonicalRevision,
  spiffePrincipal,
  CANONICAL_NAME_LABELS,
  CANONICAL_REVISION_LABELS,
  DEFAULT_CLUSTER_ID,
  DEFAULT_TRUST_DOMAIN,
  type PodIdentity,
} from './pod-peer-info.js';
export {
  PEER_METADATA_HEADER,
  PEER_METADATA_ID_HEADER,
  MAX_PEER_METADATA_LENGTH,
  encodePeerMetadata,
  decodePeerMetadata,
  sidecarNodeId,
  PeerMetadataCache,
} from './peer-metadata.js';
export { renderMetrics, formatBound, formatSampleValue, DROPPED_METRIC, type ExpositionFormat } from './exposition.js';
export { negotiateFormat, TEXT_CONTENT_TYPE, type Negotiated } from './negotiate.js';
