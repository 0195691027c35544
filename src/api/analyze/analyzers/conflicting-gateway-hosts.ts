import { Codes } from '../../checks.js';
import type { Analyzer } from '../analyzer.js';
import type { TypedResource } from '../context.js';
import { resolveGatewayRef } from '../../hosts.js';

/** Two VirtualServices bound to the same Gateway for the same host: their routes merge in an order users cannot control. */
export const conflictingGatewayHostsAnalyzer: Analyzer = {
  name: 'virtualservice.conflicting-gateway-hosts',
  codes: [Codes.ConflictingGatewayVirtualServiceHosts],
  analyze(ctx) {
    const claims = new Map<string, TypedResource<'VirtualService'>[]>();
    for (const vs of ctx.all('VirtualService')) {
      const ns = ctx.namespaceOf(vs);
      for (const ref of vs.object.spec?.gateways ?? []) {
        const gw = resolveGatewayRef(ref, ns);
        if (gw === 'mesh') continue;
        for (const host of vs.object.spec?.hosts ?? []) {
          const key = `${gw.namespace}/${gw.name} ${host}`;
          const list = claims.get(key) ?? [];
          if (!list.includes(vs)) list.push(vs);
          claims.set(key, list);
        }
      }
    }
    for (const [key, list] of claims) {
      if (list.length < 2) continue;
      const [gateway, host] = key.split(' ');
      const names = list.map((v) => `${ctx.namespaceOf(v)}/${v.name}`).sort();
      for (const vs of list) {
        ctx.report(vs, Codes.ConflictingGatewayVirtualServiceHosts, 'Warning', `VirtualServices ${names.join(', ')} all claim host ${host} on Gateway ${gateway}: their routes are merged and the first match among them wins. Merge them into one VirtualService`, ['spec', 'hosts']);
      }
    }
  },
};
