/** Codes of the findings the authorization compiler reports (tack's own TK04xx range). */
export const AuthzCodes = {
  /** A CUSTOM policy's provider is not an extension provider of this mesh: its rules deny. */
  UnknownCustomProvider: 'TK0401',
  /** A CUSTOM policy is kept, but tack runs no ext_authz: the caller must ask the provider. */
  CustomNotEnforcedHere: 'TK0402',
  /** A policy uses targetRef(s) that do not attach to this kind of workload. */
  TargetRefNotAttached: 'TK0403',
  /** A rule uses fields that TCP traffic cannot have. */
  HttpOnlyFieldsOnTcp: 'TK0404',
  /** A condition reads Envoy dynamic metadata, which tack never sets. */
  EnvoyMetadataCondition: 'TK0405',
  /** `istio.io/dry-run` holds something Go's strconv.ParseBool refuses. */
  BadDryRunAnnotation: 'TK0406',
  /** A rule Istio would skip (unknown attribute). */
  RuleSkipped: 'TK0407',
} as const;
