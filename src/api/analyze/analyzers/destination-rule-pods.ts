import { Codes } from '../../checks.js';
import type { Analyzer } from '../analyzer.js';
import { hostsOverlap, resolveHost } from '../../hosts.js';
import { knownHosts, lookupHost, visibleFrom, type KnownHost } from '../registry-view.js';
import type { Workload } from '../context.js';

/**
 * Labels the platform adds to endpoints from the node a pod runs on. Manifests do not say which node
 * that is, so a subset that selects by one of them cannot be checked against the pods: only an empty
 * value (never set by the platform) is known not to match.
 */
const TOPOLOGY_LABELS = new Set(['topology.kubernetes.io/region', 'topology.kubernetes.io/zone', 'topology.istio.io/subzone', 'kubernetes.io/hostname']);

function subsetMatches(labels: Record<string, string>, w: Workload): boolean {
  return Object.entries(labels).every(([k, v]) => (TOPOLOGY_LABELS.has(k) && v !== '' ? true : w.labels[k] === v));
}

/**
 * A DestinationRule's host must be a host of the registry (IST0174), and each of its subsets must
 * select at least one workload behind that host (IST0173); otherwise requests routed to the subset
 * get 503 (no healthy upstream). In tack a Deployment's pod template counts as pods, since tack runs them.
 */
export const destinationRulePodsAnalyzer: Analyzer = {
  name: 'destinationrule.pod-not-selected',
  istioName: 'destinationrule.PodNotSelectedAnalyzer',
  codes: [Codes.DestinationRuleSubsetNotSelectPods, Codes.UnknownDestinationRuleHost],
  analyze(ctx) {
    const hosts = knownHosts(ctx);
    const workloads = ctx.workloads();
    for (const dr of ctx.all('DestinationRule')) {
      const ns = ctx.namespaceOf(dr);
      const host = dr.object.spec?.host;
      if (typeof host !== 'string' || host === '') continue;
      const scope = (dr.object.spec?.exportTo ?? []).filter((e): e is string => typeof e === 'string');
      const fqdn = resolveHost(host, ns);
      const found = fqdn.startsWith('*') ? hosts.filter((k) => hostsOverlap(fqdn, k.host) && visibleFrom(k.exportTo, k.namespace, ns)) : lookupHost(hosts, fqdn, ns, scope);
      if (found.length === 0) {
        ctx.report(dr, Codes.UnknownDestinationRuleHost, 'Warning', `The host "${host}" (${fqdn}) of this DestinationRule matches no Service or ServiceEntry visible in namespace ${ns}, so its policies apply to nothing. Fix the host, or create the Service`, ['spec', 'host']);
        continue;
      }
      if (fqdn.startsWith('*')) continue;
      const target = found[0];
      if (!target) continue;
      const backends = backendsOf(target, workloads);
      if (!backends) continue;
      (dr.object.spec?.subsets ?? []).forEach((subset, i) => {
        const labels = subset?.labels ?? {};
        if (backends.some((w) => subsetMatches(labels, w))) return;
        const text = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
        ctx.report(dr, Codes.DestinationRuleSubsetNotSelectPods, 'Warning', `Subset "${subset?.name ?? ''}" (labels ${text || 'none'}) selects none of the workloads behind ${target.host}: requests routed to it get 503 (no healthy upstream). Fix the subset's labels, or deploy a workload with them`, ['spec', 'subsets', i, 'labels']);
      });
    }
  },
};

/** The workloads behind a host, or undefined when manifests cannot tell (no selector, external endpoints). */
function backendsOf(k: KnownHost, workloads: readonly Workload[]): Workload[] | undefined {
  if (k.source === 'Service') {
    if (!k.selector || Object.keys(k.selector).length === 0) return undefined;
    return workloads.filter((w) => w.namespace === k.namespace && Object.entries(k.selector ?? {}).every(([key, v]) => w.labels[key] === v));
  }
  const se = k.resource?.object as { spec?: { endpoints?: ({ labels?: Record<string, string> } | undefined)[] } } | undefined;
  if (k.selector && Object.keys(k.selector).length > 0) {
    return workloads.filter((w) => w.namespace === k.namespace && Object.entries(k.selector ?? {}).every(([key, v]) => w.labels[key] === v));
  }
  const endpoints = se?.spec?.endpoints;
  if (!endpoints || endpoints.length === 0) return undefined;
  return endpoints.map((e, i) => ({ kind: 'WorkloadEntry', name: `endpoint ${i}`, namespace: k.namespace, labels: e?.labels ?? {}, annotations: {}, ports: [] }));
}
