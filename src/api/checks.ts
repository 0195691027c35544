/** Severity of a finding, with Istio's analyzer levels. */
export type Level = 'Error' | 'Warning' | 'Info';

/** A reference to a resource, as a user names it: `VirtualService default/myapp`. */
export interface ResourceRef {
  kind: string;
  namespace?: string;
  name: string;
}

/** Where something was written. `line` is 1-based; 0 when unknown. */
export interface SourceLocation {
  file: string;
  line: number;
}

/**
 * One finding of validation or analysis. Codes are stable: Istio's IST0xxx where Istio has one,
 * TK0xxx for findings of tack's own.
 */
export interface Check {
  code: string;
  level: Level;
  /** Field path inside the resource, e.g. `spec.http[0].route[1].weight`; empty for the whole resource or file. */
  path: string;
  message: string;
  resource?: ResourceRef;
  source?: SourceLocation;
}

/** Codes of the findings tack reports. Istio's names are kept where the code is Istio's. */
export const Codes = {
  Deprecated: 'IST0002',
  ReferencedResourceNotFound: 'IST0101',
  SchemaValidationError: 'IST0106',
  ConflictingMeshGatewayVirtualServiceHosts: 'IST0109',
  ConflictingSidecarWorkloadSelectors: 'IST0110',
  MultipleSidecarsWithoutWorkloadSelectors: 'IST0111',
  VirtualServiceDestinationPortSelectorRequired: 'IST0112',
  DeploymentAssociatedToMultipleServices: 'IST0116',
  PortNameIsNotUnderNamingConvention: 'IST0118',
  NoMatchingWorkloadsFound: 'IST0127',
  NoServerCertificateVerificationDestinationLevel: 'IST0128',
  NoServerCertificateVerificationPortLevel: 'IST0129',
  VirtualServiceHostNotFoundInGateway: 'IST0132',
  ServiceEntryAddressesRequired: 'IST0134',
  DeploymentConflictingPorts: 'IST0137',
  GatewayDuplicateCertificate: 'IST0138',
  IngressRouteRulesNotAffected: 'IST0140',
  ConflictingGateways: 'IST0145',
  JwtClaimBasedRoutingWithoutRequestAuthN: 'IST0149',
  ExternalNameServiceTypeInvalidPortName: 'IST0150',
  InvalidGatewayCredential: 'IST0161',
  GatewayPortNotDefinedOnService: 'IST0162',
  ReferencedInternalGateway: 'IST0165',
  DestinationRuleSubsetNotSelectPods: 'IST0173',
  UnknownDestinationRuleHost: 'IST0174',
  ConflictingServiceEntryProtocol: 'IST0177',
  // tack's own findings, where Istio has no analyzer.
  YamlSyntaxError: 'TK0001',
  FileError: 'TK0002',
  UnknownKind: 'TK0003',
  NotEnforced: 'TK0004',
  MultipleDestinationRulesForHost: 'TK0101',
  DeploymentMissingAppVersionLabels: 'TK0102',
  ConflictingGatewayVirtualServiceHosts: 'TK0104',
  GatewayCredentialKeyMismatch: 'TK0105',
  ResourceNotCompiled: 'TK0301',
} as const;

export type Code = (typeof Codes)[keyof typeof Codes];

export function formatRef(ref: ResourceRef): string {
  return ref.namespace ? `${ref.kind} ${ref.namespace}/${ref.name}` : `${ref.kind} ${ref.name}`;
}

/** One line a person reads: `Error [IST0106] file.yaml:12 VirtualService default/x spec.a: reason`. */
export function formatCheck(check: Check): string {
  const parts = [`${check.level} [${check.code}]`];
  if (check.source) parts.push(check.source.line > 0 ? `${check.source.file}:${check.source.line}` : check.source.file);
  if (check.resource) parts.push(`(${formatRef(check.resource)})`);
  const where = check.path ? `${check.path}: ` : '';
  return `${parts.join(' ')} ${where}${check.message}`;
}

export function hasErrors(checks: readonly Check[]): boolean {
  return checks.some((c) => c.level === 'Error');
}

/** Renders a path of keys and indexes the way Istio and kubectl print them: `spec.http[0].route`. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    // Map keys such as `tls.crt` or `app.kubernetes.io/name` are bracketed, as kubectl prints them.
    else if (!/^[A-Za-z0-9_-]+$/.test(part)) out += `[${part}]`;
    else out += out ? `.${part}` : part;
  }
  return out;
}

