/** Which workloads serve a Gateway: those its selector matches, the built-in ingress gateway included. */
import { Codes } from '../../checks.js';
import { selectorMatches, selectorText, type AnalysisContext, type TypedResource, type Workload } from '../context.js';

export function gatewaySelector(gw: TypedResource<'Gateway'>): Record<string, string> {
  return gw.object.spec?.selector ?? {};
}

export function gatewayWorkloads(gw: TypedResource<'Gateway'>, workloads: readonly Workload[]): Workload[] {
  const selector = gatewaySelector(gw);
  return workloads.filter((w) => selectorMatches(selector, w.labels));
}

/** Reported (once, whichever analyzer runs first; see analyze()) when no workload serves the Gateway. */
export function reportSelectorNotFound(ctx: AnalysisContext, gw: TypedResource<'Gateway'>): void {
  ctx.report(gw, Codes.ReferencedResourceNotFound, 'Error', `Referenced selector not found: "${selectorText(gatewaySelector(gw))}" (no workload has these labels, so nothing serves this Gateway). Fix the selector or deploy a gateway with these labels`, ['spec', 'selector']);
}
