import type { KindInfo } from './define.js';
import { VirtualService } from './virtual-service.js';
import { DestinationRule } from './destination-rule.js';
import { Gateway } from './gateway.js';
import { ServiceEntry } from './service-entry.js';
import { WorkloadEntry } from './workload-entry.js';
import { Sidecar } from './sidecar.js';
import { PeerAuthentication } from './peer-authentication.js';
import { AuthorizationPolicy } from './authorization-policy.js';
import { RequestAuthentication } from './request-authentication.js';
import { Namespace } from './namespace.js';
import { Service } from './service.js';
import { ServiceAccount } from './service-account.js';
import { Secret } from './secret.js';
import { ConfigMap } from './config-map.js';
import { Pod } from './pod.js';
import { Deployment } from './deployment.js';

export type { KindInfo } from './define.js';

/** Every kind tack reads, in the order `tack get all` lists them. */
export const KINDS: readonly KindInfo[] = [
  Namespace, ServiceAccount, ConfigMap, Secret, Service, Deployment, Pod,
  Gateway, VirtualService, DestinationRule, ServiceEntry, WorkloadEntry, Sidecar,
  PeerAuthentication, AuthorizationPolicy, RequestAuthentication,
].map((k) => k.info);

const byKind = new Map(KINDS.map((k) => [k.kind, k]));

export function kindInfo(kind: string): KindInfo | undefined {
  return byKind.get(kind);
}

/** Resolves what a user types for a kind (`vs`, `virtualservices`, `VirtualService`, `deploy`). */
export function resolveKindName(name: string): KindInfo | undefined {
  const n = name.toLowerCase();
  return KINDS.find((k) => k.kind.toLowerCase() === n || k.plural === n || k.shortNames.includes(n) || `${k.plural}.${k.group}` === n);
}

export function apiVersionsOf(info: KindInfo): string[] {
  return info.versions.map((v) => (info.group ? `${info.group}/${v}` : v));
}
