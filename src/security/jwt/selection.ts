/**
 * Which RequestAuthentications apply to a workload, by Istio's rules: policies of the workload's
 * namespace and of the root namespace, each without a selector (namespace- or mesh-wide) or with
 * one its labels satisfy. targetRef(s) attach a policy to Gateway API gateways only; a sidecar
 * ignores such a policy, and a waypoint ignores selector policies. All that apply are merged.
 */
import type { Resource } from '../../api/resource.js';
import type { RequestAuthenticationObject } from '../../api/kinds/request-authentication.js';
import { labelsInclude } from '../../api/selectors.js';

export type RequestAuthenticationResource = Pick<Resource<RequestAuthenticationObject>, 'name' | 'namespace' | 'metadata' | 'object'> &
  Partial<Pick<Resource<RequestAuthenticationObject>, 'source'>>;

export interface JwtWorkload {
  namespace: string;
  labels: Readonly<Record<string, string>>;
  /** An ambient waypoint (tack runs none; kept for Istio's rule). */
  isWaypoint?: boolean;
}

const GATEWAY_NAME_LABELS = ['gateway.networking.k8s.io/gateway-name', 'istio.io/gateway-name'];
const GATEWAY_GROUP = 'gateway.networking.k8s.io';

/** The Gateway API gateway a workload runs for, from its labels. */
function gatewayNameOf(labels: Readonly<Record<string, string>>): string | undefined {
  for (const l of GATEWAY_NAME_LABELS) if (labels[l] !== undefined) return labels[l];
  return undefined;
}

function targetRefsOf(r: RequestAuthenticationResource) {
  const spec = r.object.spec;
  return spec.targetRefs ?? (spec.targetRef ? [spec.targetRef] : []);
}

export type Match = 'selected' | 'ignored' | 'not-selected';

/** Istio's getPolicyMatcher followed by the selector test. */
export function matchPolicy(r: RequestAuthenticationResource, w: JwtWorkload): Match {
  const gateway = gatewayNameOf(w.labels);
  const refs = targetRefsOf(r);
  const selector = r.object.spec.selector;
  if (gateway !== undefined && refs.length === 0 && selector !== undefined && w.isWaypoint) return 'ignored';
  if (gateway === undefined && refs.length > 0) return 'ignored';
  if (gateway !== undefined && refs.length > 0) {
    const hit = refs.some((t) => t.group === GATEWAY_GROUP && t.kind === 'Gateway' && t.name === gateway && (t.namespace === undefined || t.namespace === '' || t.namespace === w.namespace));
    return hit ? 'selected' : 'ignored';
  }
  return labelsInclude(selector?.matchLabels, w.labels) ? 'selected' : 'not-selected';
}

const nsOf = (r: RequestAuthenticationResource) => r.namespace ?? 'default';

const createdAt = (r: RequestAuthenticationResource) => {
  const t = r.metadata.creationTimestamp ? Date.parse(r.metadata.creationTimestamp) : 0;
  return Number.isNaN(t) ? 0 : t;
};
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Oldest first (no timestamp counts as oldest), then by name and namespace, as Istio sorts configs. */
function byCreation(a: RequestAuthenticationResource, b: RequestAuthenticationResource): number {
  return createdAt(a) - createdAt(b) || cmp(a.name, b.name) || cmp(nsOf(a), nsOf(b));
}

/** The policies that apply, workload namespace first, then the root namespace, each oldest first. */
export function policiesForWorkload(all: readonly RequestAuthenticationResource[], w: JwtWorkload, rootNamespace: string): RequestAuthenticationResource[] {
  const sorted = [...all].sort(byCreation);
  const namespaces = w.namespace === rootNamespace ? [w.namespace] : [w.namespace, rootNamespace];
  const out: RequestAuthenticationResource[] = [];
  for (const ns of namespaces) for (const r of sorted) if (nsOf(r) === ns && matchPolicy(r, w) === 'selected') out.push(r);
  return out;
}
