import { isBuiltin } from '../../builtins.js';
import { Codes } from '../../checks.js';
import type { Analyzer } from '../analyzer.js';
import { selectorText, type TypedResource } from '../context.js';
import { gatewaySelector, gatewayWorkloads } from './gateway-selection.js';

/**
 * Two Gateways that run on the same gateway workload and declare a server on the same port for the
 * same host (and bind address): the proxy can listen there only once, so one of them is dropped.
 */
export const conflictingGatewaysAnalyzer: Analyzer = {
  name: 'gateway.conflicting',
  istioName: 'gateway.ConflictingGatewayAnalyzer',
  codes: [Codes.ConflictingGateways],
  analyze(ctx) {
    const workloads = ctx.workloads();
    // The built-in `ingressgateway` shares port 80 with most users' Gateways by design: routes merge per host.
    const gateways = ctx.all('Gateway').filter((g) => !isBuiltin(g));
    const served = new Map(gateways.map((gw) => [gw, new Set(gatewayWorkloads(gw, workloads))]));
    const sameWorkload = (a: TypedResource<'Gateway'>, b: TypedResource<'Gateway'>): boolean => {
      if (selectorText(gatewaySelector(a)) === selectorText(gatewaySelector(b))) return true;
      const bs = served.get(b);
      return [...(served.get(a) ?? [])].some((w) => bs?.has(w));
    };
    for (const gw of gateways) {
      const ref = `${ctx.namespaceOf(gw)}/${gw.name}`;
      (gw.object.spec?.servers ?? []).forEach((server, i) => {
        const port = server?.port?.number;
        if (typeof port !== 'number') return;
        const hosts = (server?.hosts ?? []).filter((h): h is string => typeof h === 'string');
        const bind = server?.bind ?? '';
        const others = new Set<string>();
        for (const other of gateways) {
          if (other === gw || !sameWorkload(gw, other)) continue;
          const clash = (other.object.spec?.servers ?? []).some((s) => s?.port?.number === port && (s?.bind ?? '') === bind && (s?.hosts ?? []).some((h) => hosts.includes(h)));
          if (clash) others.add(`${ctx.namespaceOf(other)}/${other.name}`);
        }
        if (others.size === 0) return;
        ctx.report(
          gw,
          Codes.ConflictingGateways,
          'Error',
          `Gateway ${ref} conflicts with ${[...others].sort().join(', ')}: they select the same gateway workload (selector "${selectorText(gatewaySelector(gw))}") and both declare port ${port} for host(s) ${hosts.join(', ')}; only one of the servers takes effect. Merge the servers into one Gateway, or use different ports or hosts`,
          ['spec', 'servers', i],
        );
      });
    }
  },
};
