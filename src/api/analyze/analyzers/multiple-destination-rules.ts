import { Codes } from '../../checks.js';
import type { Analyzer } from '../analyzer.js';
import type { TypedResource } from '../context.js';
import { resolveHost } from '../../hosts.js';

/**
 * Several DestinationRules for one host (without workload selectors): Istio merges their subsets and
 * keeps only the first one's traffic policy, which is rarely what the author meant.
 */
export const multipleDestinationRulesAnalyzer: Analyzer = {
  name: 'destinationrule.multiple-for-host',
  codes: [Codes.MultipleDestinationRulesForHost],
  analyze(ctx) {
    const byHost = new Map<string, TypedResource<'DestinationRule'>[]>();
    for (const dr of ctx.all('DestinationRule')) {
      if (dr.object.spec?.workloadSelector || !dr.object.spec?.host) continue;
      const host = resolveHost(dr.object.spec.host, ctx.namespaceOf(dr));
      byHost.set(host, [...(byHost.get(host) ?? []), dr]);
    }
    for (const [host, list] of byHost) {
      if (list.length < 2) continue;
      const names = list.map((d) => `${ctx.namespaceOf(d)}/${d.name}`).sort();
      for (const dr of list) {
        ctx.report(dr, Codes.MultipleDestinationRulesForHost, 'Warning', `DestinationRules ${names.join(', ')} all apply to host ${host}: their subsets are merged and only the oldest one's trafficPolicy applies. Merge them into one DestinationRule`, ['spec', 'host']);
      }
    }
  },
};
