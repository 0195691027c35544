/**
 * The compiled, JSON-serialisable authorization config of one workload: its AuthorizationPolicies
 * in Istio's model (a rule = principals × permissions, each an AND of field conditions), with the
 * strings to match already in the exact/prefix/suffix/regex/presence forms Istio's matcher makes.
 * Plain data only: the proxy builds its evaluator from this (`buildAuthorizer`).
 */

export type AuthzAction = 'ALLOW' | 'DENY' | 'AUDIT' | 'CUSTOM';

/** Envoy StringMatcher. `regex` is RE2 syntax, matched against the whole value. */
export type StringMatchConfig =
  | { kind: 'exact'; value: string; ignoreCase?: true }
  | { kind: 'prefix'; value: string; ignoreCase?: true }
  | { kind: 'suffix'; value: string; ignoreCase?: true }
  | { kind: 'regex'; regex: string };

/** What one value of a field compares against the request. */
export type ValueMatchConfig =
  | { kind: 'string'; match: StringMatchConfig }
  /** Header present (any value, even empty): Istio's `*` for headers, hosts and methods. */
  | { kind: 'present' }
  /** An address or CIDR block, normalised to `ip/bits`. */
  | { kind: 'cidr'; cidr: string }
  | { kind: 'port'; port: number }
  /** URI template (`/a/*` one segment, `/a/**` any rest) from Istio's `{*}`/`{**}`. */
  | { kind: 'pathTemplate'; template: string }
  /** A request principal `iss/sub`: the JWT's `iss` and `sub` claims both match. */
  | { kind: 'requestPrincipal'; iss: StringMatchConfig; sub: StringMatchConfig };

/** The request attribute a field reads. */
export type AttributeConfig =
  /** The peer's mTLS identity (URI SAN); a plaintext peer has none, so no value matches it. */
  | { kind: 'peerPrincipal' }
  | { kind: 'sourceIp' }
  | { kind: 'remoteIp' }
  | { kind: 'destinationIp' }
  | { kind: 'destinationPort' }
  | { kind: 'sni' }
  | { kind: 'header'; name: string }
  | { kind: 'host' }
  | { kind: 'method' }
  /** The path without query and fragment (Envoy's url_path). */
  | { kind: 'path' }
  /** A JWT claim by path (`claims[a][b]` is `['a','b']`); a list claim matches if one element does. */
  | { kind: 'jwtClaim'; path: string[] }
  /** The request principal: `iss` and `sub` of the validated JWT. */
  | { kind: 'jwt' }
  /** `experimental.envoy.filters.<filter>[<key>]`: Envoy dynamic metadata, which tack never sets (always absent). */
  | { kind: 'metadata'; filter: string; key: string };

export interface FieldConfig {
  /** Where the user wrote it, e.g. `from[0].source.principals` or `when[1](request.headers[x-id]).values`. */
  clause: string;
  /** The same for the `notX` / `notValues` half. */
  notClause: string;
  attribute: AttributeConfig;
  /** At least one must match; absent when only notValues were written. */
  values?: ValueMatchConfig[];
  /** None may match. */
  notValues?: ValueMatchConfig[];
  /** Meaningless on TCP: an ALLOW rule holding it is dropped there, a DENY/AUDIT/CUSTOM rule loses the field. */
  httpOnly: boolean;
}

export interface RuleConfig {
  index: number;
  /** Envoy's policy id, `ns[NS]-policy[NAME]-rule[I]`, as access logs print it. */
  id: string;
  /** OR over entries (one per `from`, or one when `from` is absent); AND within an entry. */
  principals: FieldConfig[][];
  /** OR over entries (one per `to`, or one when `to` is absent); AND within an entry. */
  permissions: FieldConfig[][];
}

export interface PolicyConfig {
  namespace: string;
  name: string;
  action: AuthzAction;
  /** `istio.io/dry-run: "true"`: evaluated and reported, never enforced. */
  dryRun: boolean;
  /** CUSTOM: the extension provider, and whether the mesh knows it (an unknown one denies what it matches). */
  provider?: { name: string; known: boolean };
  /** No rules: the policy never matches (an ALLOW of this kind denies everything). */
  rules: RuleConfig[];
}

/** A workload's policies, grouped by action in evaluation order. */
export interface AuthzConfig {
  custom: PolicyConfig[];
  audit: PolicyConfig[];
  deny: PolicyConfig[];
  allow: PolicyConfig[];
}

/** Envoy's local reply for an HTTP request RBAC denies. */
export const RBAC_DENIED_STATUS = 403;
export const RBAC_DENIED_BODY = 'RBAC: access denied';

/** Envoy's response code details / connection termination details for a denial. */
export function rbacDeniedDetails(policyId: string | undefined): string {
  return `rbac_access_denied_matched_policy[${policyId ? policyId.replace(/\s/g, '_') : 'none'}]`;
}

/** Dynamic metadata keys and stat prefixes Istio uses for dry-run (shadow) rules. */
export const SHADOW_EFFECTIVE_POLICY_ID = 'shadow_effective_policy_id';
export const SHADOW_ENGINE_RESULT = 'shadow_engine_result';
export const DRY_RUN_ALLOW_STAT_PREFIX = 'istio_dry_run_allow_';
export const DRY_RUN_DENY_STAT_PREFIX = 'istio_dry_run_deny_';
export const DRY_RUN_ANNOTATION = 'istio.io/dry-run';
