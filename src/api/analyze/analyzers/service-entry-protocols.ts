import { Codes } from '../../checks.js';
import type { Analyzer } from '../analyzer.js';
import type { TypedResource } from '../context.js';

type Entry = { se: TypedResource<'ServiceEntry'>; protocol: string };

/**
 * Two ServiceEntries that declare the same host and port with different protocols, where both are
 * visible: the proxy builds one listener per host and port, so one of the protocols is dropped.
 */
export const serviceEntryProtocolsAnalyzer: Analyzer = {
  name: 'serviceentry.conflicting-protocol',
  istioName: 'serviceentry.ConflictingServiceEntryProtocolAnalyzer',
  codes: [Codes.ConflictingServiceEntryProtocol],
  analyze(ctx) {
    // scope ('*' or a namespace) -> "host:port" -> entries
    const index = new Map<string, Map<string, Entry[]>>();
    for (const se of ctx.all('ServiceEntry')) {
      const ns = ctx.namespaceOf(se);
      const spec = se.object.spec;
      const exportTo = spec?.exportTo ?? [];
      const scopes = exportTo.length === 0 || exportTo.includes('*') ? ['*'] : [...new Set(exportTo.map((e) => (e === '.' ? ns : e)))];
      for (const scope of scopes) {
        const byKey = index.get(scope) ?? new Map<string, Entry[]>();
        for (const h of spec?.hosts ?? []) {
          for (const p of spec?.ports ?? []) {
            if (typeof h !== 'string' || typeof p?.number !== 'number') continue;
            const key = `${h}:${p.number}`;
            byKey.set(key, [...(byKey.get(key) ?? []), { se, protocol: (p.protocol ?? '').toUpperCase() }]);
          }
        }
        index.set(scope, byKey);
      }
    }
    const reported = new Set<TypedResource<'ServiceEntry'>>();
    const everywhere = index.get('*') ?? new Map<string, Entry[]>();
    for (const [scope, byKey] of index) {
      for (const [key, own] of byKey) {
        const entries = scope === '*' ? own : [...own, ...(everywhere.get(key) ?? [])];
        const protocols = [...new Set(entries.map((e) => e.protocol || 'unset'))].sort();
        if (protocols.length < 2) continue;
        const names = [...new Set(entries.map((e) => `${ctx.namespaceOf(e.se)}/${e.se.name}`))].sort();
        for (const { se } of entries) {
          if (reported.has(se)) continue;
          reported.add(se);
          ctx.report(se, Codes.ConflictingServiceEntryProtocol, 'Error', `ServiceEntries ${names.join(', ')} declare ${key} with different protocols (${protocols.join(', ')})${scope === '*' ? '' : ` in namespace ${scope}`}: the proxy keeps one listener per host and port, so traffic is handled with only one of them. Use one protocol for the port, or one ServiceEntry`, ['spec', 'ports']);
        }
      }
    }
  },
};
