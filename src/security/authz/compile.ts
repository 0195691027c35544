/**
 * Compile side: every AuthorizationPolicy plus one workload → that workload's `AuthzConfig`, with
 * findings for what Istio would ignore or tack cannot do. Selection follows Istio's
 * ListAuthorizationPolicies and WorkloadPolicyMatcher.ShouldAttachPolicy for non-waypoint proxies.
 */
import type { AuthorizationPolicySpec } from '../../api/kinds/authorization-policy.js';
import type { Check } from '../../api/checks.js';
import { labelsInclude } from '../../api/selectors.js';
import { DRY_RUN_ANNOTATION, type AuthzAction, type AuthzConfig, type FieldConfig, type PolicyConfig, type RuleConfig } from './config.js';
import { AuthzCodes } from './findings.js';
import { buildRule } from './rule-model.js';

export const DEFAULT_ROOT_NAMESPACE = 'istio-system';
/** The label Gateway API deployments carry; Istio attaches targetRef policies through it. */
export const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';

export interface AuthorizationPolicyInput {
  namespace: string;
  name: string;
  creationTimestamp?: string | null;
  annotations?: Readonly<Record<string, string>>;
  spec: AuthorizationPolicySpec;
}

export interface AuthzWorkload {
  namespace: string;
  labels: Readonly<Record<string, string>>;
}

export interface AuthzCompileOptions {
  rootNamespace?: string;
  /** meshConfig.extensionProviders names a CUSTOM policy may use. */
  extensionProviders?: readonly string[];
}

export interface AuthzCompileResult {
  config: AuthzConfig;
  findings: Check[];
}

function timeOf(p: AuthorizationPolicyInput): number {
  const t = p.creationTimestamp ? Date.parse(p.creationTimestamp) : NaN;
  return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
}

function byAge(a: AuthorizationPolicyInput, b: AuthorizationPolicyInput): number {
  const ta = timeOf(a);
  const tb = timeOf(b);
  if (ta !== tb) return ta < tb ? -1 : 1;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : 0;
}

/** Go's strconv.ParseBool. */
function parseGoBool(v: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  return undefined;
}

const HTTP_ONLY_NAMES = (fields: FieldConfig[][]) =>
  fields.flat().filter((f) => f.httpOnly).map((f) => (f.values ? f.clause : f.notClause));

export function compileAuthorization(
  policies: readonly AuthorizationPolicyInput[],
  workload: AuthzWorkload,
  options: AuthzCompileOptions = {},
): AuthzCompileResult {
  const root = options.rootNamespace ?? DEFAULT_ROOT_NAMESPACE;
  const providers = new Set(options.extensionProviders ?? []);
  const findings: Check[] = [];
  const config: AuthzConfig = { custom: [], audit: [], deny: [], allow: [] };
  const gatewayName = workload.labels[GATEWAY_NAME_LABEL];
  const sorted = [...policies].sort(byAge);

  for (const ns of [...new Set([root, workload.namespace])]) {
    for (const p of sorted) {
      if (p.namespace !== ns) continue;
      const resource = { kind: 'AuthorizationPolicy', namespace: p.namespace, name: p.name };
      const finding = (code: string, level: Check['level'], path: string, message: string) => findings.push({ code, level, path, message, resource });
      const refs = p.spec.targetRefs?.length ? p.spec.targetRefs : p.spec.targetRef ? [p.spec.targetRef] : [];
      if (refs.length > 0) {
        const attached = gatewayName !== undefined && p.namespace === workload.namespace
          && refs.some((r) => r.kind === 'Gateway' && (r.group ?? 'gateway.networking.k8s.io') === 'gateway.networking.k8s.io' && r.name === gatewayName && !r.namespace);
        if (!attached) {
          finding(AuthzCodes.TargetRefNotAttached, 'Info', p.spec.targetRefs ? 'spec.targetRefs' : 'spec.targetRef',
            gatewayName === undefined
              ? 'not applied to this workload: Istio attaches targetRef policies only to Gateway API gateways and waypoints (tack has no waypoints), never to sidecars'
              : `not applied to gateway ${gatewayName}: no targetRef names this Gateway in namespace ${workload.namespace}`);
          continue;
        }
      } else if (!labelsInclude(p.spec.selector?.matchLabels, workload.labels)) continue;

      const action: AuthzAction = p.spec.action ?? 'ALLOW';
      let dryRun = false;
      const dryText = p.annotations?.[DRY_RUN_ANNOTATION];
      if (dryText !== undefined) {
        const parsed = parseGoBool(dryText);
        if (parsed === undefined) finding(AuthzCodes.BadDryRunAnnotation, 'Warning', `metadata.annotations[${DRY_RUN_ANNOTATION}]`, `"${dryText}" is not a boolean: the policy is enforced (not dry-run), as Istio does`);
        dryRun = parsed ?? false;
      }
      const policy: PolicyConfig = { namespace: p.namespace, name: p.name, action, dryRun, rules: [] };
      let idPrefix = '';
      let idSuffix = '';
      if (action === 'CUSTOM') {
        const name = p.spec.provider?.name ?? '';
        const known = providers.has(name);
        policy.provider = { name, known };
        idPrefix = `istio-ext-authz-${name}-`;
        if (!known) {
          idSuffix = '-deny-due-to-bad-CUSTOM-action';
          finding(AuthzCodes.UnknownCustomProvider, 'Error', 'spec.provider.name', `CUSTOM provider "${name}" is not an extension provider of this mesh: requests its rules match are denied, as Istio does for a bad CUSTOM action`);
        } else {
          finding(AuthzCodes.CustomNotEnforcedHere, 'Warning', 'spec.provider.name', `tack does not call ext_authz providers itself: a request these rules match is reported as needing provider "${name}" and the caller must ask it`);
        }
      }
      for (const [i, rule] of (p.spec.rules ?? []).entries()) {
        const id = `${idPrefix}ns[${p.namespace}]-policy[${p.name}]-rule[${i}]${idSuffix}`;
        const built = buildRule(rule, i, id, p.namespace);
        if (!built.rule) {
          finding(AuthzCodes.RuleSkipped, 'Warning', `spec.rules[${i}]`, `skipped invalid rule ${id}: ${built.error ?? 'unknown error'}`);
          continue;
        }
        noteRule(built.rule, action, i, finding);
        policy.rules.push(built.rule);
      }
      config[action.toLowerCase() as Lowercase<AuthzAction>].push(policy);
    }
  }
  return { config, findings };
}

function noteRule(rule: RuleConfig, action: AuthzAction, i: number, finding: (code: string, level: Check['level'], path: string, message: string) => void): void {
  const httpOnly = [...new Set([...HTTP_ONLY_NAMES(rule.principals), ...HTTP_ONLY_NAMES(rule.permissions)])];
  if (httpOnly.length > 0) {
    const effect = action === 'ALLOW'
      ? 'on a TCP port this ALLOW rule is dropped (it allows nothing there)'
      : `on a TCP port these fields are ignored and this ${action} rule matches more`;
    finding(AuthzCodes.HttpOnlyFieldsOnTcp, 'Info', `spec.rules[${i}]`, `uses HTTP-only fields (${httpOnly.join(', ')}): ${effect}`);
  }
  const metadata = [...rule.principals.flat(), ...rule.permissions.flat()].filter((f) => f.attribute.kind === 'metadata');
  for (const f of new Set(metadata)) {
    finding(AuthzCodes.EnvoyMetadataCondition, 'Warning', `spec.rules[${i}]`, `${f.clause}: tack sets no Envoy dynamic metadata, so this condition always sees it absent (values never match, notValues always do)`);
  }
}
