import { Codes } from '../../checks.js';
import type { Analyzer } from '../analyzer.js';
import type { TypedResource } from '../context.js';
import { hostsOverlap, resolveHost } from '../../hosts.js';

type Scope = Set<string> | '*';

function exportScope(vs: TypedResource<'VirtualService'>, ownNs: string): Scope {
  const list = vs.object.spec?.exportTo ?? [];
  if (list.length === 0 || list.includes('*')) return '*';
  return new Set(list.map((e) => (e === '.' ? ownNs : e)));
}

function scopesOverlap(a: Scope, b: Scope): boolean {
  if (a === '*' || b === '*') return true;
  for (const x of a) if (b.has(x)) return true;
  return false;
}

/** Two VirtualServices bound to the sidecars (`mesh`) for overlapping hosts: only one of them takes effect. */
export const conflictingMeshHostsAnalyzer: Analyzer = {
  name: 'virtualservice.conflicting-mesh-hosts',
  istioName: 'virtualservice.ConflictingMeshGatewayHostsAnalyzer',
  codes: [Codes.ConflictingMeshGatewayVirtualServiceHosts],
  analyze(ctx) {
    const meshBound = ctx.all('VirtualService').flatMap((vs) => {
      const gateways = vs.object.spec?.gateways ?? [];
      if (gateways.length > 0 && !gateways.includes('mesh')) return [];
      const ns = ctx.namespaceOf(vs);
      return [{ vs, ns, hosts: (vs.object.spec?.hosts ?? []).map((h) => resolveHost(h, ns)), scope: exportScope(vs, ns) }];
    });
    const conflicts = new Map<(typeof meshBound)[number], Set<string>>();
    const note = (entry: (typeof meshBound)[number], other: (typeof meshBound)[number], host: string): void => {
      const set = conflicts.get(entry) ?? new Set<string>();
      set.add(`${other.ns}/${other.vs.name} (${host})`);
      conflicts.set(entry, set);
    };
    meshBound.forEach((a, i) => {
      for (const b of meshBound.slice(i + 1)) {
        if (!scopesOverlap(a.scope, b.scope)) continue;
        const host = a.hosts.find((h) => b.hosts.some((o) => hostsOverlap(h, o)));
        if (host === undefined) continue;
        note(a, b, host);
        note(b, a, host);
      }
    });
    for (const [entry, others] of conflicts) {
      ctx.report(entry.vs, Codes.ConflictingMeshGatewayVirtualServiceHosts, 'Error', `VirtualService ${entry.ns}/${entry.vs.name} and ${[...others].sort().join(', ')} are bound to the mesh with overlapping hosts: which routes apply is undefined. Merge them into one VirtualService`, ['spec', 'hosts']);
    }
  },
};
