import { Codes, type Check } from '../checks.js';
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
import { gatewaySecretAnalyzer, gatewayCredentialPairAnalyzer } from './analyzers/gateway-secret.js';
import { conflictingGatewaysAnalyzer } from './analyzers/conflicting-gateways.js';
import { gatewayCertificateAnalyzer } from './analyzers/gateway-certificate.js';
import { sidecarSelectorAnalyzer } from './analyzers/sidecar-selector.js';
import { deploymentServicesAnalyzer } from './analyzers/deployment-services.js';
import { authorizationPoliciesAnalyzer } from './analyzers/authorization-policies.js';
import { destinationRuleCaAnalyzer } from './analyzers/destination-rule-ca.js';
import { destinationRulePodsAnalyzer } from './analyzers/destination-rule-pods.js';
import { serviceEntryAddressesAnalyzer } from './analyzers/service-entry-addresses.js';
import { serviceEntryProtocolsAnalyzer } from './analyzers/service-entry-protocols.js';
import { jwtClaimRouteAnalyzer } from './analyzers/jwt-claim-route.js';

export type { Analyzer } from './analyzer.js';
export type { AnalysisOptions } from './context.js';

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
  gatewaySecretAnalyzer,
  gatewayCredentialPairAnalyzer,
  conflictingGatewaysAnalyzer,
  gatewayCertificateAnalyzer,
  sidecarSelectorAnalyzer,
  deploymentServicesAnalyzer,
  authorizationPoliciesAnalyzer,
  destinationRuleCaAnalyzer,
  destinationRulePodsAnalyzer,
  serviceEntryAddressesAnalyzer,
  serviceEntryProtocolsAnalyzer,
  jwtClaimRouteAnalyzer,
];

export interface AnalyzeOptions extends AnalysisOptions {
  only?: readonly Analyzer[];
  /** Invalid but identifiable resources (see ValidationResult.unchecked): checked too, as istioctl does. */
  unchecked?: readonly Resource[];
}

/**
 * Runs analyzers over resources. An analyzer that trips over an invalid resource's missing fields
 * is run again on the valid ones alone: the invalid resource already has its own errors. A finding
 * two analyzers share (same code, resource and field, e.g. a Gateway selector nothing matches) is
 * reported once.
 */
export function analyze(resources: readonly Resource[], opts: AnalyzeOptions = {}): Check[] {
  const all = [...resources, ...(opts.unchecked ?? [])];
  const out: Check[] = [];
  const seen = new Set<string>();
  for (const a of opts.only ?? ANALYZERS) {
    let ctx = new AnalysisContext(all, opts);
    try {
      a.analyze(ctx);
    } catch {
      ctx = new AnalysisContext(resources, opts);
      a.analyze(ctx);
    }
    for (const f of ctx.findings()) {
      const r = f.resource;
      const key = `${f.code} ${r ? `${r.kind} ${r.namespace ?? ''}/${r.name}` : ''} ${f.path}`;
      if (f.code === Codes.ReferencedResourceNotFound && f.path === 'spec.selector') {
        if (seen.has(key)) continue;
        seen.add(key);
      }
      out.push(f);
    }
  }
  return out;
}
