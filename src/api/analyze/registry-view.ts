/** Which hosts exist for a namespace: Services and ServiceEntry hosts, as Istio's service registry holds them. */
import type { Resource } from '../resource.js';
import type { AnalysisContext } from './context.js';
import { hostCovers, resolveHost, serviceFqdn } from '../hosts.js';

export interface KnownHost {
  host: string;
  /** Ports the host serves; undefined when any port goes (ServiceEntry without ports). */
  ports: { number: number; name?: string; protocol?: string }[] | undefined;
  source: 'Service' | 'ServiceEntry';
  namespace: string;
  /** Namespaces that see the host (`*`, `.` or names); empty means every namespace. */
  exportTo: readonly string[];
  /** Labels of the workloads behind the host: a Service's selector, a ServiceEntry's workloadSelector. */
  selector?: Record<string, string> | undefined;
  resource?: Resource | undefined;
}

/** Does a host exported to `exportTo` by a resource in `owner` reach namespace `from`? (`from` = `*`: every namespace.) */
export function visibleFrom(exportTo: readonly string[], owner: string, from: string): boolean {
  if (exportTo.length === 0) return true;
  return exportTo.some((e) => e === '*' || (e === '.' && owner === from) || e === from);
}

export function knownHosts(ctx: AnalysisContext): KnownHost[] {
  const out: KnownHost[] = [];
  for (const s of ctx.services()) {
    const exportTo = (s.resource?.metadata?.annotations?.['networking.istio.io/exportTo'] ?? '').split(',').map((x) => x.trim()).filter(Boolean);
    out.push({
      host: serviceFqdn(s.name, s.namespace),
      ports: s.ports.map((p) => ({ number: p.port, ...(p.name ? { name: p.name } : {}), ...(p.protocol ? { protocol: p.protocol } : {}) })),
      source: 'Service',
      namespace: s.namespace,
      exportTo,
      selector: s.selector,
      resource: s.resource,
    });
  }
  for (const se of ctx.all('ServiceEntry')) {
    const ns = ctx.namespaceOf(se);
    const spec = se.object.spec;
    for (const h of spec?.hosts ?? []) {
      if (typeof h !== 'string') continue;
      out.push({
        host: resolveHost(h, ns),
        ports: (spec?.ports ?? []).map((p) => ({ number: p?.number, ...(p?.name ? { name: p.name } : {}), ...(p?.protocol ? { protocol: p.protocol } : {}) })),
        source: 'ServiceEntry',
        namespace: ns,
        exportTo: spec?.exportTo ?? [],
        selector: spec?.workloadSelector?.labels,
        resource: se,
      });
    }
  }
  return out;
}

/**
 * The known hosts a (resolved) host name reaches from a resource in `fromNamespace`, most specific
 * first. `scope` is that resource's own exportTo: the host must be visible in at least one namespace
 * the resource applies in (its own namespace when scope is empty), as Istio checks it.
 */
export function lookupHost(hosts: readonly KnownHost[], fqdn: string, fromNamespace: string, scope: readonly string[] = []): KnownHost[] {
  const targets = scope.length === 0 ? [fromNamespace] : scope.map((e) => (e === '.' ? fromNamespace : e));
  return hosts.filter((k) => (k.host === fqdn || hostCovers(k.host, fqdn)) && targets.some((t) => visibleFrom(k.exportTo, k.namespace, t)));
}
