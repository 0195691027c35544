import { Codes } from '../../checks.js';
import type { Analyzer } from '../analyzer.js';
import type { AnalysisContext, TypedResource } from '../context.js';
import { resolveHost } from '../../hosts.js';
import { knownHosts, lookupHost } from '../registry-view.js';
import { destinationsOf } from './vs-destinations.js';

/**
 * A VirtualService destination must name a host the registry knows (and that is visible where the
 * VirtualService applies), and a port that host serves. A gateway-bound route that skips the subsets
 * another VirtualService splits the same host by is flagged too.
 */
export const destinationHostAnalyzer: Analyzer = {
  name: 'virtualservice.destination-host',
  istioName: 'virtualservice.DestinationHostAnalyzer',
  codes: [Codes.ReferencedResourceNotFound, Codes.VirtualServiceDestinationPortSelectorRequired, Codes.IngressRouteRulesNotAffected],
  analyze(ctx) {
    const hosts = knownHosts(ctx);
    for (const vs of ctx.all('VirtualService')) {
      const ns = ctx.namespaceOf(vs);
      const scope = (vs.object.spec?.exportTo ?? []).filter((e): e is string => typeof e === 'string');
      for (const use of destinationsOf(vs)) {
        const host = use.destination?.host ?? '';
        const fqdn = resolveHost(host, ns);
        const found = host === '' ? [] : lookupHost(hosts, fqdn, ns, scope);
        if (found.length === 0) {
          const where = scope.length > 0 ? ` visible in the namespaces this VirtualService is exported to (${scope.join(', ')})` : ` visible in namespace ${ns}`;
          ctx.report(vs, Codes.ReferencedResourceNotFound, 'Error', `Referenced host not found: "${host}" (no Service or ServiceEntry${where} defines ${fqdn || 'it'}); requests on this route get 503. Fix the host name, or export the Service/ServiceEntry to this namespace`, [...use.path, 'host']);
          continue;
        }
        const ports = found[0]?.ports;
        if (!ports || ports.length === 0) continue;
        const wanted = use.destination?.port?.number;
        if (wanted !== undefined) {
          if (!found.some((k) => k.ports === undefined || k.ports.some((p) => p.number === wanted))) {
            const served = [...new Set(found.flatMap((k) => (k.ports ?? []).map((p) => p.number)))].sort((a, b) => a - b);
            ctx.report(vs, Codes.ReferencedResourceNotFound, 'Error', `Referenced host:port not found: "${host}:${wanted}" (${host} serves ${served.join(', ')}); set destination.port.number to one of them`, [...use.path, 'port']);
          }
        } else if (use.protocol === 'http' && ports.length > 1 && found[0]?.source === 'Service') {
          ctx.report(vs, Codes.VirtualServiceDestinationPortSelectorRequired, 'Error', `This VirtualService routes to service "${host}", which has more than one port (${ports.map((p) => p.number).join(', ')}); set destination.port to choose one`, use.path);
        }
      }
    }
    reportSkippedSubsets(ctx);
  },
};

/**
 * Route rules do not chain: traffic a Gateway-bound VirtualService sends to a host goes straight to
 * it, so subset splits another VirtualService defines for that host do not apply to it.
 */
function reportSkippedSubsets(ctx: AnalysisContext): void {
  const splitters = new Map<string, TypedResource<'VirtualService'>[]>();
  for (const vs of ctx.all('VirtualService')) {
    const own = (vs.object.spec?.hosts ?? []).filter((h): h is string => typeof h === 'string');
    for (const use of destinationsOf(vs)) {
      const d = use.destination;
      if (use.protocol !== 'http' || !d?.subset || !d.host || !own.includes(d.host)) continue;
      const list = splitters.get(d.host) ?? [];
      if (!list.includes(vs)) list.push(vs);
      splitters.set(d.host, list);
    }
  }
  if (splitters.size === 0) return;
  for (const vs of ctx.all('VirtualService')) {
    const gateways = (vs.object.spec?.gateways ?? []).filter((g) => typeof g === 'string' && g !== 'mesh');
    if (gateways.length === 0) continue;
    (vs.object.spec?.http ?? []).forEach((rule, i) => {
      (rule?.route ?? []).forEach((route, j) => {
        const d = route?.destination;
        if (!d?.host || d.subset) return;
        for (const other of splitters.get(d.host) ?? []) {
          const otherName = `${ctx.namespaceOf(other)}/${other.name}`;
          ctx.report(
            vs,
            Codes.IngressRouteRulesNotAffected,
            'Warning',
            `VirtualService ${otherName} splits traffic to "${d.host}" by subset, but this route (bound to ${gateways.join(', ')}) sends to "${d.host}" without a subset: requests entering through the gateway go to every version and skip those rules, because route rules do not chain. Name a subset here, or bind ${otherName} to the gateway too`,
            ['spec', 'http', i, 'route', j, 'destination', 'host'],
          );
        }
      });
    });
  }
}
