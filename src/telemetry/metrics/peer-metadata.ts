/**
 * HTTP metadata exchange as Istio's sidecars do it (istio/proxy `peer_metadata` filter):
 * `x-envoy-peer-metadata` carries base64 of a deterministically serialized google.protobuf.Struct
 * with the workload's node metadata (NAME, NAMESPACE, WORKLOAD_NAME, CLUSTER_ID and LABELS holding
 * the canonical name/revision, app and version); `x-envoy-peer-metadata-id` carries the node id.
 * The client sends both on requests; the server answers with its own only if the request had them.
 * The principal is never exchanged: it comes from the peer's certificate.
 */
import type { PeerInfo, WorkloadType } from './config.js';
import { decodeStruct, encodeStruct, type StructFields, type StructValue } from './proto-struct.js';

export const PEER_METADATA_HEADER = 'x-envoy-peer-metadata';
export const PEER_METADATA_ID_HEADER = 'x-envoy-peer-metadata-id';

/** Istio's payloads are a few hundred bytes; refuse anything far past that before decoding. */
export const MAX_PEER_METADATA_LENGTH = 8192;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const OWNER_PREFIX = 'kubernetes://apis/apps/v1/namespaces/';
const WORKLOAD_TYPES: readonly WorkloadType[] = ['deployment', 'pod', 'job', 'cronjob'];

/** The controller kind from an OWNER path ending `/<kind>s/<workload>`, as Istio's parseOwner reads it. */
function ownerType(owner: string, workload: string): WorkloadType | undefined {
  if (!workload || owner.length <= workload.length + 2 || !owner.endsWith(`s/${workload}`)) return undefined;
  const head = owner.slice(0, owner.length - workload.length - 2);
  const kind = head.slice(head.lastIndexOf('/') + 1);
  return WORKLOAD_TYPES.find((t) => t === kind);
}

const CANONICAL_NAME = 'service.istio.io/canonical-name';
const CANONICAL_REVISION = 'service.istio.io/canonical-revision';

/** The header value for this workload. Compute it once per config; it does not change per request. */
export function encodePeerMetadata(peer: PeerInfo): string {
  const fields: StructFields = {};
  if (peer.instance) fields['NAME'] = peer.instance;
  if (peer.namespace) fields['NAMESPACE'] = peer.namespace;
  if (peer.workload) fields['WORKLOAD_NAME'] = peer.workload;
  if (peer.cluster) fields['CLUSTER_ID'] = peer.cluster;
  const labels: StructFields = {};
  if (peer.canonicalService) labels[CANONICAL_NAME] = peer.canonicalService;
  if (peer.canonicalRevision) labels[CANONICAL_REVISION] = peer.canonicalRevision;
  if (peer.app) labels['app'] = peer.app;
  if (peer.version) labels['version'] = peer.version;
  fields['LABELS'] = labels;
  if (peer.workloadType && peer.namespace && peer.workload) {
    fields['OWNER'] = `${OWNER_PREFIX}${peer.namespace}/${peer.workloadType}s/${peer.workload}`;
  }
  return encodeStruct(fields).toString('base64');
}

function str(v: StructValue | undefined): string {
  return typeof v === 'string' ? v : '';
}

function isFields(v: StructValue | undefined): v is StructFields {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A peer from its `x-envoy-peer-metadata` value; undefined for absent, oversized or malformed input.
 * `principal` is empty: set it from the peer's certificate. Never throws.
 */
export function decodePeerMetadata(value: string | undefined): PeerInfo | undefined {
  if (!value || value.length > MAX_PEER_METADATA_LENGTH || !BASE64.test(value)) return undefined;
  const fields = decodeStruct(Buffer.from(value, 'base64'));
  if (!fields) return undefined;
  const labels = isFields(fields['LABELS']) ? fields['LABELS'] : {};
  const peer: PeerInfo = {
    workload: str(fields['WORKLOAD_NAME']),
    namespace: str(fields['NAMESPACE']),
    principal: '',
    app: str(labels['app']) || str(labels['app.kubernetes.io/name']),
    version: str(labels['version']) || str(labels['app.kubernetes.io/version']),
    canonicalService: str(labels[CANONICAL_NAME]),
    canonicalRevision: str(labels[CANONICAL_REVISION]),
    cluster: str(fields['CLUSTER_ID']),
  };
  const name = str(fields['NAME']);
  if (name) peer.instance = name;
  const type = ownerType(str(fields['OWNER']), peer.workload);
  if (type) peer.workloadType = type;
  return peer;
}

/** Istio's node id for a sidecar: `sidecar~<ip>~<pod>.<namespace>~<namespace>.svc.<domain>`. */
export function sidecarNodeId(ip: string, pod: string, namespace: string, domain = 'cluster.local'): string {
  return `sidecar~${ip}~${pod}.${namespace}~${namespace}.svc.${domain}`;
}

/**
 * Decoded peers by header value, so a steady stream of calls from the same peers decodes each once
 * and yields the same object (usable as a map key for bound series). Bounded: when full, the oldest
 * quarter is dropped, as Istio's cache does.
 */
export class PeerMetadataCache {
  private readonly byValue = new Map<string, PeerInfo | null>();
  constructor(readonly maxEntries = 1024) {}

  get(value: string | undefined): PeerInfo | undefined {
    if (!value) return undefined;
    const hit = this.byValue.get(value);
    if (hit !== undefined) return hit ?? undefined;
    const peer = decodePeerMetadata(value);
    if (this.byValue.size >= this.maxEntries) {
      let drop = Math.max(1, this.maxEntries >> 2);
      for (const k of this.byValue.keys()) {
        this.byValue.delete(k);
        if (--drop === 0) break;
      }
    }
    this.byValue.set(value, peer ? Object.freeze(peer) : null);
    return peer;
  }

  get size(): number {
    return this.byValue.size;
  }
}
