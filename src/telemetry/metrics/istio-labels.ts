/**
 * Istio's standard metric labels, in the order Istio's stats filter emits them, with its fallbacks:
 * peer values that are unknown become `unknown` (the canonical revision `latest`), local values are
 * emitted as they are, principals are `unknown` when there is no certificate, and the
 * connection security policy is only known on the server side.
 */
import type { PeerInfo, Reporter } from './config.js';

const PEER_LABELS = [
  'source_workload',
  'source_canonical_service',
  'source_canonical_revision',
  'source_workload_namespace',
  'source_principal',
  'source_app',
  'source_version',
  'source_cluster',
  'destination_workload',
  'destination_workload_namespace',
  'destination_principal',
  'destination_app',
  'destination_version',
  'destination_service',
  'destination_canonical_service',
  'destination_canonical_revision',
  'destination_service_name',
  'destination_service_namespace',
  'destination_cluster',
] as const;

/** Labels of `istio_requests_total`, `istio_request_duration_milliseconds`, `istio_request_bytes`, `istio_response_bytes`. */
export const HTTP_LABELS: readonly string[] = Object.freeze([
  'reporter',
  ...PEER_LABELS,
  'request_protocol',
  'response_code',
  'grpc_response_status',
  'response_flags',
  'connection_security_policy',
]);

/** Labels of the four `istio_tcp_*` metrics: no response code, no gRPC status. */
export const TCP_LABELS: readonly string[] = Object.freeze([
  'reporter',
  ...PEER_LABELS,
  'request_protocol',
  'response_flags',
  'connection_security_policy',
]);

/**
 * The service a request was for: the cluster's service host (or the Host header when the cluster
 * has none). `name` defaults to the host up to its first dot; cluster names Istio keeps verbatim
 * (`BlackHoleCluster`, `PassthroughCluster`, `InboundPassthroughCluster`) go in `name` with an
 * empty host.
 */
export interface DestinationService {
  host: string;
  name?: string;
}

export type ConnectionSecurityPolicy = 'mutual_tls' | 'none' | 'unknown';

export interface LabelInput {
  reporter: Reporter;
  /** On `source` the local workload; on `destination` and `waypoint` the downstream peer (absent when unknown). */
  source: PeerInfo | undefined;
  /** On `destination` the local workload; on `source` the upstream peer; on `waypoint` the chosen endpoint. */
  destination: PeerInfo | undefined;
  destinationService: DestinationService | undefined;
  requestProtocol: 'http' | 'grpc' | 'tcp';
  /** HTTP: the status sent downstream; 0 when there was no response. */
  responseCode?: number;
  /** gRPC status from trailers or headers; absent for plain HTTP (the label is then empty). */
  grpcStatus?: number;
  /** Envoy's short response flags (`UH`, `NR`, ...); none gives `-`. */
  responseFlags: readonly string[] | string;
  /** Absent: derived as Istio does (server side: mutual_tls when both principals are known). */
  connectionSecurityPolicy?: ConnectionSecurityPolicy;
  /** Waypoint only: the waypoint itself, whose namespace and cluster fill the destination service's. */
  waypoint?: PeerInfo;
}

const UNKNOWN = 'unknown';

function orUnknown(v: string | undefined): string {
  return v ? v : UNKNOWN;
}

/** Namespace from a SPIFFE principal `.../ns/<ns>/sa/...`, as Istio prefers it over peer metadata. */
export function namespaceFromPrincipal(principal: string): string | undefined {
  const at = principal.indexOf('/ns/');
  if (at < 0) return undefined;
  const start = at + 4;
  const end = principal.indexOf('/', start);
  const ns = end < 0 ? principal.slice(start) : principal.slice(start, end);
  return ns || undefined;
}

function peerNamespace(peer: PeerInfo | undefined): string {
  if (!peer) return UNKNOWN;
  return orUnknown((peer.principal && namespaceFromPrincipal(peer.principal)) || peer.namespace);
}

function serviceName(svc: DestinationService | undefined): string {
  if (!svc) return '';
  if (svc.name) return svc.name;
  const dot = svc.host.indexOf('.');
  return dot < 0 ? svc.host : svc.host.slice(0, dot);
}

/** Fills `out` (length 19) with the source_* and destination_* values in Istio's order. */
function peerValues(i: LabelInput, out: string[], at: number): void {
  const host = i.destinationService?.host ?? '';
  const name = serviceName(i.destinationService);
  if (i.reporter === 'source') {
    const local = i.source;
    const peer = i.destination;
    const ns = peerNamespace(peer);
    out[at++] = local?.workload ?? '';
    out[at++] = local?.canonicalService ?? '';
    out[at++] = local?.canonicalRevision ?? '';
    out[at++] = local?.namespace ?? '';
    out[at++] = orUnknown(local?.principal);
    out[at++] = local?.app ?? '';
    out[at++] = local?.version ?? '';
    out[at++] = local?.cluster ?? '';
    out[at++] = orUnknown(peer?.workload);
    out[at++] = ns;
    out[at++] = orUnknown(peer?.principal);
    out[at++] = orUnknown(peer?.app);
    out[at++] = orUnknown(peer?.version);
    out[at++] = orUnknown(host);
    out[at++] = orUnknown(peer?.canonicalService);
    out[at++] = peer?.canonicalRevision ? peer.canonicalRevision : 'latest';
    out[at++] = orUnknown(name);
    out[at++] = ns;
    out[at++] = orUnknown(peer?.cluster);
    return;
  }
  const peer = i.source;
  out[at++] = orUnknown(peer?.workload);
  out[at++] = orUnknown(peer?.canonicalService);
  out[at++] = peer?.canonicalRevision ? peer.canonicalRevision : 'latest';
  out[at++] = peerNamespace(peer);
  out[at++] = orUnknown(peer?.principal);
  out[at++] = orUnknown(peer?.app);
  out[at++] = orUnknown(peer?.version);
  out[at++] = orUnknown(peer?.cluster);
  const d = i.destination;
  if (i.reporter === 'destination') {
    // The local workload: emitted as-is, the service falling back to its canonical name.
    out[at++] = d?.workload ?? '';
    out[at++] = d?.namespace ?? '';
    out[at++] = orUnknown(d?.principal);
    out[at++] = d?.app ?? '';
    out[at++] = d?.version ?? '';
    out[at++] = host || (d?.canonicalService ?? '');
    out[at++] = d?.canonicalService ?? '';
    out[at++] = d?.canonicalRevision ?? '';
    out[at++] = name || (d?.canonicalService ?? '');
    out[at++] = d?.namespace ?? '';
    out[at++] = d?.cluster ?? '';
    return;
  }
  // Waypoint: the destination is the endpoint it picked; the service namespace and cluster are its own.
  const canonical = d ? d.canonicalService : UNKNOWN;
  out[at++] = d ? d.workload : UNKNOWN;
  out[at++] = orUnknown(d?.namespace);
  out[at++] = d ? d.principal : UNKNOWN;
  out[at++] = orUnknown(d?.app);
  out[at++] = d ? d.version : UNKNOWN;
  out[at++] = host || canonical;
  out[at++] = canonical;
  out[at++] = d ? d.canonicalRevision : UNKNOWN;
  out[at++] = name || canonical;
  out[at++] = i.waypoint?.namespace ?? '';
  out[at++] = i.waypoint?.cluster ?? '';
}

function flags(f: readonly string[] | string): string {
  if (typeof f === 'string') return f || '-';
  return f.length === 0 ? '-' : f.join(',');
}

function securityPolicy(i: LabelInput): string {
  if (i.connectionSecurityPolicy) return i.connectionSecurityPolicy;
  if (i.reporter === 'source') return UNKNOWN;
  return i.source?.principal && i.destination?.principal ? 'mutual_tls' : 'none';
}

/** Label values for the HTTP metrics, in `HTTP_LABELS` order. */
export function httpLabelValues(i: LabelInput): string[] {
  const out = new Array<string>(HTTP_LABELS.length);
  out[0] = i.reporter;
  peerValues(i, out, 1);
  let at = 1 + PEER_LABELS.length;
  out[at++] = i.requestProtocol;
  out[at++] = String(i.responseCode ?? 0);
  out[at++] = i.requestProtocol === 'grpc' && i.grpcStatus !== undefined ? String(i.grpcStatus) : '';
  out[at++] = flags(i.responseFlags);
  out[at++] = securityPolicy(i);
  return out;
}

/** Label values for the TCP metrics, in `TCP_LABELS` order (`request_protocol` is always `tcp`). */
export function tcpLabelValues(i: Omit<LabelInput, 'requestProtocol' | 'responseCode' | 'grpcStatus'>): string[] {
  const out = new Array<string>(TCP_LABELS.length);
  const full: LabelInput = { ...i, requestProtocol: 'tcp' };
  out[0] = i.reporter;
  peerValues(full, out, 1);
  let at = 1 + PEER_LABELS.length;
  out[at++] = 'tcp';
  out[at++] = flags(i.responseFlags);
  out[at++] = securityPolicy(full);
  return out;
}
