import { Codes } from '../../checks.js';
import type { Analyzer } from '../analyzer.js';
import { resolveHost } from '../../hosts.js';
import { destinationsOf } from './vs-destinations.js';

/** A subset named by a VirtualService must be defined by a DestinationRule for that host. */
export const destinationSubsetAnalyzer: Analyzer = {
  name: 'virtualservice.destination-subset',
  istioName: 'virtualservice.DestinationRuleAnalyzer',
  codes: [Codes.ReferencedResourceNotFound],
  analyze(ctx) {
    const subsetsByHost = new Map<string, Set<string>>();
    for (const dr of ctx.all('DestinationRule')) {
      const host = resolveHost(dr.object.spec?.host ?? '', ctx.namespaceOf(dr));
      const set = subsetsByHost.get(host) ?? new Set<string>();
      for (const s of dr.object.spec?.subsets ?? []) if (s?.name) set.add(s.name);
      subsetsByHost.set(host, set);
    }
    for (const vs of ctx.all('VirtualService')) {
      const ns = ctx.namespaceOf(vs);
      for (const use of destinationsOf(vs)) {
        const subset = use.destination?.subset;
        const host = use.destination?.host ?? '';
        if (!subset) continue;
        const fqdn = resolveHost(host, ns);
        if (subsetsByHost.get(fqdn)?.has(subset)) continue;
        ctx.report(
          vs,
          Codes.ReferencedResourceNotFound,
          'Error',
          `Referenced host+subset in destinationrule not found: "${host}+${subset}" (no DestinationRule for ${fqdn} defines subset "${subset}"; requests to it get 503)`,
          [...use.path, 'subset'],
        );
      }
    }
  },
};
