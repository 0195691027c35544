import type { Check } from '../checks.js';
import type { Resource } from '../resource.js';
import type { Analyzer } from './analyzer.js';
import { AnalysisContext, type AnalysisOptions } from './context.js';
import { destinationHostAnalyzer } from './analyzers/destination-host.js';
import { destinationSubsetAnalyzer } from './analyzers/destination-subset.js';
import { virtualServiceGatewayAnalyzer } from './analyzers/virtual-service-gateway.js';
import { gatewayWorkloadAnalyzer } from './analyzers/gateway-workload.js';
import { conflictingMeshHostsAnalyzer } from './analyzers/conflicting-mesh-hosts.js';
import { conflictingGatewayHostsAnalyzer } from './analyzers/conflicting-gateway-hosts.js';
import { portNameAnalyzer } from './analyzers/port-name.js';
import { multipleDestinationRulesAnalyzer } from './analyzers/multiple-destination-rules.js';
import { appVersionLabelsAnalyzer } from './analyzers/app-version-labels.js';

export type { Analyzer } from './analyzer.js';
export { AnalysisContext, type AnalysisOptions } from './context.js';

export const ANALYZERS: readonly Analyzer[] = [
  destinationHostAnalyzer,
  destinationSubsetAnalyzer,
  virtualServiceGatewayAnalyzer,
  gatewayWorkloadAnalyzer,
  conflictingMeshHostsAnalyzer,
  conflictingGatewayHostsAnalyzer,
  portNameAnalyzer,
  multipleDestinationRulesAnalyzer,
  appVersionLabelsAnalyzer,
];

export interface AnalyzeOptions extends AnalysisOptions {
  only?: readonly Analyzer[];
  /** Invalid but identifiable resources (see ValidationResult.unchecked): checked too, as istioctl does. */
  unchecked?: readonly Resource[];
}

/**
 * Runs analyzers over resources. An analyzer that trips over an invalid resource's missing fields
 * is run again on the valid ones alone: the invalid resource already has its own errors.
 */
export function analyze(resources: readonly Resource[], opts: AnalyzeOptions = {}): Check[] {
  const all = [...resources, ...(opts.unchecked ?? [])];
  const out: Check[] = [];
  for (const a of opts.only ?? ANALYZERS) {
    let ctx = new AnalysisContext(all, opts);
    try {
      a.analyze(ctx);
    } catch {
      ctx = new AnalysisContext(resources, opts);
      a.analyze(ctx);
    }
    out.push(...ctx.findings());
  }
  return out;
}
