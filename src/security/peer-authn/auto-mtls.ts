/**
 * The client side of mTLS: what Istio's control plane tells a client about one endpoint
 * (cluster_tls.go buildUpstreamTLSSettings + applyUpstreamTLSSettings, endpoints/mtls_checker.go).
 */
import type { MtlsMode } from './config.js';

export type DestinationRuleTlsMode = 'DISABLE' | 'SIMPLE' | 'MUTUAL' | 'ISTIO_MUTUAL';

export interface AutoMtlsQuery {
  /** The DestinationRule `tls.mode` that applies to this port/subset, if any: it always wins. */
  destinationRuleTls?: DestinationRuleTlsMode;
  /** meshConfig.enableAutoMtls; Istio's default is on. */
  autoMtls?: boolean;
  /** A ServiceEntry with `location: MESH_EXTERNAL`. */
  meshExternal?: boolean;
  /** The Service's namespace-wide mode (`namespaceMtlsMode`). */
  serviceNamespaceMode: MtlsMode;
  /**
   * Headless/ORIGINAL_DST services get one TLS setting for the whole cluster, no per-endpoint
   * choice; Istio calls the service DISABLE when any endpoint lacks a sidecar (or there is none).
   */
  passthrough?: { anyEndpointWithoutMtls: boolean };
  endpoint: {
    /** The endpoint's pod carries a sidecar (Istio: label `security.istio.io/tlsMode=istio`). */
    hasSidecar: boolean;
    /** The endpoint's effective PeerAuthentication mode on its target port (`mtlsModeForPort`). */
    portMode: MtlsMode;
  };
}

export interface AutoMtlsDecision {
  /** What the client's connection to this endpoint carries. */
  tls: 'ISTIO_MUTUAL' | 'MUTUAL' | 'SIMPLE' | 'NONE';
  /** Istio mutual TLS with mesh certificates (what a STRICT server needs). */
  mtls: boolean;
  reason: string;
}

const decide = (tls: AutoMtlsDecision['tls'], reason: string): AutoMtlsDecision => ({ tls, mtls: tls === 'ISTIO_MUTUAL', reason });

/** Whether a client sidecar would speak Istio mTLS to this endpoint, and why. */
export function clientWouldUseMtls(q: AutoMtlsQuery): AutoMtlsDecision {
  if (q.destinationRuleTls) {
    const tls = q.destinationRuleTls === 'DISABLE' ? 'NONE' : q.destinationRuleTls;
    return decide(tls, `DestinationRule tls.mode ${q.destinationRuleTls} decides`);
  }
  if (q.meshExternal) return decide('NONE', 'mesh-external service: no automatic mTLS');
  if (q.autoMtls === false) return decide('NONE', 'auto mTLS is off and no DestinationRule sets TLS');
  const serviceMode = q.passthrough?.anyEndpointWithoutMtls ? 'DISABLE' : q.serviceNamespaceMode;
  if (serviceMode === 'DISABLE') {
    return decide('NONE', q.passthrough?.anyEndpointWithoutMtls ? 'passthrough service with an endpoint without mTLS: treated as DISABLE' : "the service namespace's mode is DISABLE");
  }
  if (q.passthrough) return decide('ISTIO_MUTUAL', 'passthrough service: one TLS setting for every endpoint');
  if (!q.endpoint.hasSidecar) return decide('NONE', 'endpoint has no sidecar');
  if (q.endpoint.portMode === 'DISABLE') return decide('NONE', "endpoint's PeerAuthentication is DISABLE on this port");
  return decide('ISTIO_MUTUAL', `endpoint has a sidecar and its mode on this port is ${q.endpoint.portMode}`);
}
