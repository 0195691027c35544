import { Codes } from '../../checks.js';
import type { Analyzer } from '../analyzer.js';
import type { AnalysisContext, TypedResource } from '../context.js';
import { resolveGatewayRef, resolveHost } from '../../hosts.js';
import { destinationsOf } from './vs-destinations.js';
import { gatewayWorkloads } from './gateway-selection.js';

/**
 * The namespaces of the proxies that run a VirtualService's routes: its own for the mesh (the
 * namespace its authors route from), and those of the workloads serving each Gateway it binds to.
 * A gateway that no workload serves is left out: gateway.workload reports it.
 */
function clientNamespaces(ctx: AnalysisContext, vs: TypedResource<'VirtualService'>): string[] {
  const ns = ctx.namespaceOf(vs);
  const refs = vs.object.spec?.gateways ?? [];
  const out = new Set<string>(refs.length === 0 ? [ns] : []);
  const workloads = ctx.workloads();
  for (const ref of refs) {
    const gw = resolveGatewayRef(ref, ns);
    if (gw === 'mesh') {
      out.add(ns);
      continue;
    }
    const resource = ctx.all('Gateway').find((g) => g.name === gw.name && ctx.namespaceOf(g) === gw.namespace);
    if (resource) for (const w of gatewayWorkloads(resource, workloads)) out.add(w.namespace);
  }
  return [...out].sort();
}

/**
 * A subset named by a VirtualService must be defined by the DestinationRule its clients use for the
 * host. Istio's analyzer looks at every DestinationRule in the mesh; tack asks which one applies
 * (exportTo, then client, service and root namespace), as the proxy does, because a subset defined
 * only by a rule the client cannot see gets 503 NC all the same.
 */
export const destinationSubsetAnalyzer: Analyzer = {
  name: 'virtualservice.destination-subset',
  istioName: 'virtualservice.DestinationRuleAnalyzer',
  codes: [Codes.ReferencedResourceNotFound],
  analyze(ctx) {
    for (const vs of ctx.all('VirtualService')) {
      const ns = ctx.namespaceOf(vs);
      const clients = clientNamespaces(ctx, vs);
      for (const use of destinationsOf(vs)) {
        const subset = use.destination?.subset;
        const host = use.destination?.host ?? '';
        if (!subset) continue;
        const fqdn = resolveHost(host, ns);
        const missing = clients.filter((client) => !(ctx.destinationRuleFor(fqdn, client)?.object.spec?.subsets ?? []).some((s) => s?.name === subset));
        if (missing.length === 0) continue;
        const defined = ctx.all('DestinationRule').some((dr) => resolveHost(dr.object.spec?.host ?? '', ctx.namespaceOf(dr)) === fqdn && (dr.object.spec?.subsets ?? []).some((s) => s?.name === subset));
        const why = defined
          ? `a DestinationRule for ${fqdn} defines subset "${subset}", but not the one proxies in namespace ${missing.join(', ')} use (check its exportTo and namespace)`
          : `no DestinationRule for ${fqdn} defines subset "${subset}"`;
        ctx.report(vs, Codes.ReferencedResourceNotFound, 'Error', `Referenced host+subset in destinationrule not found: "${host}+${subset}" (${why}; requests to it get 503)`, [...use.path, 'subset']);
      }
    }
  },
};
