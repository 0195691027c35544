/**
 * Istio's mutual TLS as the compiler decides it: which transport each inbound listener gets from
 * the workload's effective PeerAuthentication (STRICT: mTLS only, PERMISSIVE: both, DISABLE:
 * plaintext), and how a client reaches each endpoint (a DestinationRule's tls wins; otherwise auto
 * mTLS to endpoints whose sidecar accepts it on that port, with Istio's SNI and secure naming).
 */
import type { ClientTLSSettings } from '../api/kinds/destination-rule.js';
import type { RegistryEndpoint, RegistryService, WorkloadInstance } from '../store/index.js';
import { composePeerAuthentication, mtlsModeForPort, type MtlsMode, type PeerAuthnConfig } from '../security/peer-authn/index.js';
import type { ListenerTransport, UpstreamTlsConfig } from './config.js';
import type { MeshIndex } from './mesh-index.js';
import { formatSpiffeId, MESH_TRUST_DOMAIN } from '../security/ca/identity.js';
import { perWorkloadLabels } from './per-workload.js';
import { idOf } from './carry-over.js';

/** Istio's client ALPN for HTTP/1.1 over its mTLS: the real protocol with an `istio-` prefix. */
export const ISTIO_HTTP_ALPN = ['istio-http/1.1', 'istio', 'http/1.1'];
const ISTIO_TCP_ALPN = ['istio-peer-exchange', 'istio'];

const podsByIndex = new WeakMap<MeshIndex, Map<string, WorkloadInstance>>();

/** The snapshot's pods by `name.namespace`, the key registry endpoints carry. */
function pods(index: MeshIndex): Map<string, WorkloadInstance> {
  let m = podsByIndex.get(index);
  if (!m) podsByIndex.set(index, (m = new Map(index.workloads.map((w) => [`${w.name}.${w.namespace}`, w]))));
  return m;
}

/** The effective PeerAuthentication of a workload, composed once per snapshot and label set. */
export const peerAuthnOf = perWorkloadLabels<PeerAuthnConfig>((index, namespace, labels) => {
  const policies = index.peerAuthentications.map((r) => ({ namespace: r.namespace ?? 'default', name: r.name, creationTimestamp: r.object.metadata?.creationTimestamp ?? null, spec: r.object.spec ?? {} }));
  return composePeerAuthentication(policies, { namespace, labels }, { rootNamespace: index.mesh.rootNamespace });
});

const peerAuthnKeys = new WeakMap<MeshIndex, string>();

/** What a cluster's mTLS marks depend on beyond its endpoints: the PeerAuthentications, by identity. */
export function peerAuthnKey(index: MeshIndex): string {
  let key = peerAuthnKeys.get(index);
  if (key === undefined) peerAuthnKeys.set(index, (key = index.peerAuthentications.map((r) => idOf(r)).join(',')));
  return key;
}

const TRANSPORT: Record<MtlsMode, ListenerTransport> = { STRICT: 'mtls', PERMISSIVE: 'permissive', DISABLE: 'plain' };

/** The transport of a sidecar's inbound listener for a container port. */
export function inboundTransport(index: MeshIndex, w: WorkloadInstance, containerPort: number): ListenerTransport {
  return TRANSPORT[mtlsModeForPort(peerAuthnOf(index, w.namespace, w.labels), containerPort)];
}

/** The pod behind an endpoint and the container port the endpoint's port stands for. */
function podPort(index: MeshIndex, e: RegistryEndpoint): { w: WorkloadInstance; containerPort: number } | undefined {
  const w = e.pod ? pods(index).get(e.pod) : undefined;
  const p = w?.ports.find((x) => x.endpointPort === e.port);
  return w && p ? { w, containerPort: p.containerPort } : undefined;
}

/** Auto mTLS's per-endpoint mark: a sidecar that does not DISABLE mTLS on that port (Istio's mtls_checker). */
export function endpointAcceptsMtls(index: MeshIndex, e: RegistryEndpoint): boolean {
  if (!e.sidecar) return false;
  const at = podPort(index, e);
  if (!at) return false;
  return mtlsModeForPort(peerAuthnOf(index, at.w.namespace, at.w.labels), at.containerPort) !== 'DISABLE';
}

/** Istio's SNI for an mTLS cluster: `outbound_.PORT_.SUBSET_.FQDN`. */
export function istioSni(port: number, subset: string | undefined, hostname: string): string {
  return `outbound_.${port}_.${subset ?? ''}_.${hostname}`;
}

/** The SPIFFE ids of the accounts the service's pods run as: what the client lets the server be. */
function serviceAccounts(index: MeshIndex, service: RegistryService, port: number): string[] {
  const ids = new Set<string>();
  for (const e of service.endpoints.get(port) ?? []) {
    const w = e.pod ? pods(index).get(e.pod) : undefined;
    if (w) ids.add(formatSpiffeId({ trustDomain: MESH_TRUST_DOMAIN, namespace: w.namespace, serviceAccount: w.serviceAccount }));
  }
  return [...ids].sort();
}

export interface ClusterTls {
  tls?: UpstreamTlsConfig;
  autoMtls?: UpstreamTlsConfig;
}

/**
 * How a client reaches a service port's endpoints. A DestinationRule's ISTIO_MUTUAL is filled in
 * with SNI and accounts; DISABLE turns mTLS off; SIMPLE and MUTUAL are not originated yet (the
 * not-enforced warning says so). Without a rule, Services get auto mTLS; ServiceEntries (outside
 * the mesh) do not.
 */
export function clusterTls(index: MeshIndex, service: RegistryService, port: number, subset: string | undefined, tcp: boolean, drTls: ClientTLSSettings | undefined): ClusterTls {
  const istio = (): UpstreamTlsConfig => ({
    mode: 'ISTIO_MUTUAL',
    sni: drTls?.sni ?? istioSni(port, subset, service.hostname),
    subjectAltNames: drTls?.subjectAltNames ?? serviceAccounts(index, service, port),
    alpn: tcp ? ISTIO_TCP_ALPN : ISTIO_HTTP_ALPN,
  });
  const mode = drTls?.mode;
  if (mode === 'ISTIO_MUTUAL') return { tls: istio() };
  if (mode !== undefined) return {};
  if (service.source !== 'Service') return {};
  return { autoMtls: istio() };
}
