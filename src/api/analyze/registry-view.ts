/** Which hosts exist for a namespace: Services and ServiceEntry hosts, as Istio's service registry holds them. */
import type { AnalysisContext } from './context.js';
import { hostMatches, resolveShortName, serviceFqdn } from './hosts.js';

export interface KnownHost {
  host: string;
  /** Ports the host serves; undefined when any port goes (ServiceEntry without ports). */
  ports: { number: number; name?: string }[] | undefined;
  source: 'Service' | 'ServiceEntry';
  namespace: string;
  exportTo: readonly string[];
}

function visibleFrom(exportTo: readonly string[], owner: string, from: string): boolean {
  if (exportTo.length === 0) return true;
  return exportTo.some((e) => e === '*' || (e === '.' && owner === from) || e === from);
}

export function knownHosts(ctx: AnalysisContext): KnownHost[] {
  const out: KnownHost[] = [];
  for (const s of ctx.services()) {
    const exportTo = (s.resource?.metadata.annotations?.['networking.istio.io/exportTo'] ?? '').split(',').map((x) => x.trim()).filter(Boolean);
    out.push({ host: serviceFqdn(s.name, s.namespace), ports: s.ports.map((p) => ({ number: p.port, ...(p.name ? { name: p.name } : {}) })), source: 'Service', namespace: s.namespace, exportTo });
  }
  for (const se of ctx.all('ServiceEntry')) {
    const ns = ctx.namespaceOf(se);
    for (const h of se.object.spec.hosts ?? []) {
      out.push({ host: resolveShortName(h, ns), ports: (se.object.spec.ports ?? []).map((p) => ({ number: p.number, ...(p.name ? { name: p.name } : {}) })), source: 'ServiceEntry', namespace: ns, exportTo: se.object.spec.exportTo ?? [] });
    }
  }
  return out;
}

/** The known hosts a (resolved) host name reaches from `fromNamespace`, most specific first. */
export function lookupHost(hosts: readonly KnownHost[], fqdn: string, fromNamespace: string): KnownHost[] {
  return hosts.filter((k) => (k.host === fqdn || hostMatches(k.host, fqdn)) && visibleFrom(k.exportTo, k.namespace, fromNamespace));
}
