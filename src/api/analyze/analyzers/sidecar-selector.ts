import { Codes } from '../../checks.js';
import type { Analyzer } from '../analyzer.js';
import { selectorMatches, selectorText, type TypedResource, type Workload } from '../context.js';

/**
 * Sidecar resources, per namespace: one with a workloadSelector must select a workload there; no
 * workload may be selected by two of them; and at most one may omit the selector (the namespace
 * default). Otherwise which Sidecar configures a proxy is undefined.
 */
export const sidecarSelectorAnalyzer: Analyzer = {
  name: 'sidecar.selector',
  istioName: 'sidecar.SelectorAnalyzer',
  codes: [Codes.ReferencedResourceNotFound, Codes.ConflictingSidecarWorkloadSelectors, Codes.MultipleSidecarsWithoutWorkloadSelectors],
  analyze(ctx) {
    const workloads = ctx.workloads();
    const byWorkload = new Map<Workload, TypedResource<'Sidecar'>[]>();
    const defaults = new Map<string, TypedResource<'Sidecar'>[]>();
    for (const sc of ctx.all('Sidecar')) {
      const ns = ctx.namespaceOf(sc);
      const selector = sc.object.spec?.workloadSelector?.labels;
      if (!selector || Object.keys(selector).length === 0) {
        if (!sc.object.spec?.workloadSelector) defaults.set(ns, [...(defaults.get(ns) ?? []), sc]);
        continue;
      }
      const matched = workloads.filter((w) => w.namespace === ns && selectorMatches(selector, w.labels));
      if (matched.length === 0) {
        ctx.report(sc, Codes.ReferencedResourceNotFound, 'Error', `Referenced selector not found: "${selectorText(selector)}" (no workload in namespace ${ns} has these labels, so this Sidecar configures no proxy). A Sidecar only selects workloads of its own namespace`, ['spec', 'workloadSelector', 'labels']);
      }
      for (const w of matched) byWorkload.set(w, [...(byWorkload.get(w) ?? []), sc]);
    }
    const reported = new Set<TypedResource<'Sidecar'>>();
    for (const [w, list] of byWorkload) {
      if (list.length < 2) continue;
      const names = list.map((s) => s.name).sort();
      for (const sc of list) {
        if (reported.has(sc)) continue;
        reported.add(sc);
        ctx.report(sc, Codes.ConflictingSidecarWorkloadSelectors, 'Error', `Sidecars ${names.join(', ')} in namespace ${w.namespace} all select ${w.kind} ${w.name}: which one configures its proxy is undefined. Make their workloadSelectors select disjoint workloads`, ['spec', 'workloadSelector', 'labels']);
      }
    }
    for (const [ns, list] of defaults) {
      if (list.length < 2) continue;
      const names = list.map((s) => s.name).sort();
      for (const sc of list) {
        ctx.report(sc, Codes.MultipleSidecarsWithoutWorkloadSelectors, 'Error', `Sidecars ${names.join(', ')} in namespace ${ns} have no workloadSelector: only one Sidecar per namespace may be the default, and which one applies is undefined. Keep one, or give the others a workloadSelector`, ['spec']);
      }
    }
  },
};
