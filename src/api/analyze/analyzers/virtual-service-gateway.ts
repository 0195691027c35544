import { Codes } from '../../checks.js';
import type { Analyzer } from '../analyzer.js';
import type { TypedResource } from '../context.js';
import { hostsOverlap, resolveGatewayRef } from '../hosts.js';

/** Gateways a VirtualService binds to must exist, and its hosts must be among their servers' hosts. */
export const virtualServiceGatewayAnalyzer: Analyzer = {
  name: 'virtualservice.gateway',
  istioName: 'virtualservice.GatewayAnalyzer',
  codes: [Codes.ReferencedResourceNotFound, Codes.VirtualServiceHostNotFoundInGateway],
  analyze(ctx) {
    const gateways = new Map<string, TypedResource<'Gateway'>>();
    for (const gw of ctx.all('Gateway')) gateways.set(`${ctx.namespaceOf(gw)}/${gw.name}`, gw);
    for (const vs of ctx.all('VirtualService')) {
      const ns = ctx.namespaceOf(vs);
      const vsHosts = vs.object.spec?.hosts ?? [];
      (vs.object.spec?.gateways ?? []).forEach((ref, i) => {
        const target = resolveGatewayRef(ref, ns);
        if (target === 'mesh') return;
        const gw = gateways.get(`${target.namespace}/${target.name}`);
        if (!gw) {
          ctx.report(vs, Codes.ReferencedResourceNotFound, 'Error', `Referenced gateway not found: "${ref}" (no Gateway ${target.namespace}/${target.name})`, ['spec', 'gateways', i]);
          return;
        }
        const serverHosts = (gw.object.spec?.servers ?? []).flatMap((s) => (s?.hosts ?? []).map((h) => stripNamespace(h, ns)).filter((h): h is string => h !== undefined));
        vsHosts.forEach((h, j) => {
          if (!serverHosts.some((sh) => hostsOverlap(sh, h))) {
            ctx.report(vs, Codes.VirtualServiceHostNotFoundInGateway, 'Warning', `one or more host [${h}] defined in VirtualService ${ns}/${vs.name} not found in Gateway ${target.namespace}/${target.name}`, ['spec', 'hosts', j]);
          }
        });
      });
    }
  },
};

/** Gateway server hosts may be `ns/host`; only those visible to `namespace` count. */
function stripNamespace(host: string, namespace: string): string | undefined {
  const slash = host.indexOf('/');
  if (slash < 0) return host;
  const ns = host.slice(0, slash);
  if (ns === '*' || ns === namespace || ns === '.') return host.slice(slash + 1);
  return undefined;
}
