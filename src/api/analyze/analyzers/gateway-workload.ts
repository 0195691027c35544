import { Codes } from '../../checks.js';
import type { Analyzer } from '../analyzer.js';
import { selectorMatches } from '../context.js';
import { gatewayWorkloads, reportSelectorNotFound } from './gateway-selection.js';

/** A Gateway's selector must pick a gateway workload, and its server ports must be on that workload's Service. */
export const gatewayWorkloadAnalyzer: Analyzer = {
  name: 'gateway.workload',
  istioName: 'gateway.IngressGatewayPortAnalyzer',
  codes: [Codes.ReferencedResourceNotFound, Codes.GatewayPortNotDefinedOnService],
  analyze(ctx) {
    const workloads = ctx.workloads();
    const services = ctx.services();
    for (const gw of ctx.all('Gateway')) {
      const matched = gatewayWorkloads(gw, workloads);
      if (matched.length === 0) {
        reportSelectorNotFound(ctx, gw);
        continue;
      }
      // Ports reachable on the gateway: service ports, and target ports of services selecting the workloads.
      const ports = new Set<number>();
      for (const svc of services) {
        if (!matched.some((w) => w.namespace === svc.namespace && selectorMatches(svc.selector, w.labels))) continue;
        for (const p of svc.ports) {
          ports.add(p.port);
          if (typeof p.targetPort === 'number') ports.add(p.targetPort);
        }
      }
      (gw.object.spec?.servers ?? []).forEach((server, i) => {
        const n = server?.port?.number;
        if (n === undefined || ports.has(n)) return;
        ctx.report(gw, Codes.GatewayPortNotDefinedOnService, 'Warning', `The gateway refers to port ${n} which is not exposed on the gateway's Service: the server cannot be reached`, ['spec', 'servers', i, 'port', 'number']);
      });
    }
  },
};
