/**
 * Which DestinationRule applies to a host for a client, as Istio's push context picks it. The
 * compiler (which cluster and subsets a proxy gets) and the analyzers (whether a routed subset
 * exists) both ask here, so `tack analyze` flags exactly the subsets that would answer 503 NC.
 * Pure: callers hand in the rules of a namespace, however they index them.
 */
import { hostCovers } from './hosts.js';

/** The namespace Istio reads mesh-wide configuration from (MeshConfig.rootNamespace's default). */
export const DEFAULT_ROOT_NAMESPACE = 'istio-system';

/** What the rule reads of one DestinationRule. */
export interface DestinationRuleScope {
  namespace: string;
  /** `spec.host`, resolved in the rule's namespace (see resolveHost). */
  host: string;
  exportTo?: readonly string[] | undefined;
  /** A rule with a workload selector is never exported: Istio treats it as `exportTo: ["."]`. */
  hasWorkloadSelector?: boolean | undefined;
}

export interface DestinationRuleQuery {
  /** The FQDN the client sends to. */
  hostname: string;
  /** The namespace of the proxy sending the traffic. */
  clientNamespace: string;
  /** The namespace of the Service or ServiceEntry behind `hostname`, when there is one. */
  serviceNamespace?: string | undefined;
  rootNamespace?: string | undefined;
}

function exportSet(s: DestinationRuleScope): Set<string> {
  return new Set(s.hasWorkloadSelector ? ['.'] : (s.exportTo ?? []));
}

/** Seen by clients in its own namespace: the pool a client searches first. */
function localToOwnNamespace(s: DestinationRuleScope): boolean {
  const e = exportSet(s);
  return e.size === 0 || e.has('*') || e.has('.') || e.has(s.namespace);
}

/** Exported to its own namespace only; such a rule never leaves it (tack's default exportTo is `*`). */
function privateOnly(s: DestinationRuleScope): boolean {
  const e = exportSet(s);
  return e.size === 1 && (e.has('.') || e.has(s.namespace));
}

/** Exported from its namespace to the client's. `.` does not count here, as in Istio. */
function exportedTo(s: DestinationRuleScope, clientNamespace: string): boolean {
  const e = exportSet(s);
  return e.size === 0 || e.has('*') || e.has(clientNamespace);
}

/**
 * The rules of `pool` with the most specific host covering `hostname` (Istio's MostSpecificHostMatch):
 * an exact host beats every wildcard, a longer wildcard beats a shorter one. Several rules can share
 * that host; they keep the caller's order.
 */
function mostSpecific<T>(pool: readonly T[], hostname: string, scopeOf: (t: T) => DestinationRuleScope): T[] {
  let best: string | undefined;
  for (const t of pool) {
    const host = scopeOf(t).host;
    if (!hostCovers(host, hostname)) continue;
    if (host === hostname) {
      best = host;
      break;
    }
    if (best === undefined || host.length > best.length) best = host;
  }
  return best === undefined ? [] : pool.filter((t) => scopeOf(t).host === best);
}

/**
 * The DestinationRule a client in `clientNamespace` uses for `hostname`, or undefined. Istio looks
 * (1) in the client's namespace, at rules visible there (for a client in the root namespace, only
 * the root namespace's private rules, so a catch-all there does not hide the service's own rule);
 * (2) in the service's namespace, (3) in the root namespace, at rules exported to the client. In each,
 * the most specific host wins, and visibility is checked after that choice: a more specific rule the
 * client cannot see is not replaced by a less specific one from the same namespace.
 * `rulesIn(ns)` gives the rules of one namespace in Istio's order (oldest first); it may hold rules
 * for other hosts.
 */
export function applicableDestinationRule<T>(q: DestinationRuleQuery, rulesIn: (namespace: string) => readonly T[], scopeOf: (t: T) => DestinationRuleScope): T | undefined {
  const root = q.rootNamespace ?? DEFAULT_ROOT_NAMESPACE;
  const client = q.clientNamespace;
  const firstPool = client === root
    ? rulesIn(root).filter((t) => privateOnly(scopeOf(t)))
    : rulesIn(client).filter((t) => localToOwnNamespace(scopeOf(t)));
  const local = mostSpecific(firstPool, q.hostname, scopeOf)[0];
  if (local !== undefined) return local;
  for (const ns of q.serviceNamespace !== undefined ? [q.serviceNamespace, root] : [root]) {
    const exported = rulesIn(ns).filter((t) => !privateOnly(scopeOf(t)));
    const found = mostSpecific(exported, q.hostname, scopeOf).find((t) => exportedTo(scopeOf(t), client));
    if (found !== undefined) return found;
  }
  return undefined;
}
