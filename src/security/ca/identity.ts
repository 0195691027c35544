/** A workload identity and its SPIFFE form `spiffe://TD/ns/NS/sa/SA` (Istio's only accepted shape). */
import { CaError } from './errors.js';

export interface WorkloadIdentity {
  trustDomain: string;
  namespace: string;
  serviceAccount: string;
}

/** The mesh's trust domain (Istio's default; tack does not configure another yet). */
export const MESH_TRUST_DOMAIN = 'cluster.local';

const PREFIX = 'spiffe://';
// SPIFFE trust domains: lowercase letters, digits, '.', '-', '_'. Namespaces and service accounts
// are Kubernetes names (DNS labels / subdomains), so no '/' can ever sneak into a path segment.
const TRUST_DOMAIN = /^[a-z0-9._-]+$/;
const K8S_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

function check(id: WorkloadIdentity): void {
  if (!TRUST_DOMAIN.test(id.trustDomain)) throw new CaError('bad-spiffe-id', `invalid trust domain "${id.trustDomain}"`);
  if (!K8S_NAME.test(id.namespace)) throw new CaError('bad-spiffe-id', `invalid namespace "${id.namespace}"`);
  if (!K8S_NAME.test(id.serviceAccount)) throw new CaError('bad-spiffe-id', `invalid service account "${id.serviceAccount}"`);
}

export function formatSpiffeId(id: WorkloadIdentity): string {
  check(id);
  return `${PREFIX}${id.trustDomain}/ns/${id.namespace}/sa/${id.serviceAccount}`;
}

/** Parses `spiffe://TD/ns/NS/sa/SA`; throws CaError('bad-spiffe-id') for anything else. */
export function parseSpiffeId(uri: string): WorkloadIdentity {
  if (!uri.startsWith(PREFIX)) throw new CaError('bad-spiffe-id', `"${uri}" is not a SPIFFE id (no spiffe:// prefix)`);
  const parts = uri.slice(PREFIX.length).split('/');
  if (parts.length !== 5 || parts[1] !== 'ns' || parts[3] !== 'sa') {
    throw new CaError('bad-spiffe-id', `"${uri}" is not of the form spiffe://<trust-domain>/ns/<namespace>/sa/<service-account>`);
  }
  const id = { trustDomain: parts[0] ?? '', namespace: parts[2] ?? '', serviceAccount: parts[4] ?? '' };
  check(id);
  return id;
}

export function sameIdentity(a: WorkloadIdentity, b: WorkloadIdentity): boolean {
  return a.trustDomain === b.trustDomain && a.namespace === b.namespace && a.serviceAccount === b.serviceAccount;
}
