/**
 * Engine side: `AuthzConfig` → an evaluator built once per config version, then called per
 * request or connection. Mirrors Envoy's filter order as Istio emits it (CUSTOM, AUDIT, DENY,
 * ALLOW), each with enforced and dry-run (shadow) rules, and Envoy's reporting of the first
 * matching policy id in id order. Only the result object is allocated per call.
 */
import { rbacDeniedDetails, type AuthzConfig, type PolicyConfig, type RuleConfig, type FieldConfig } from './config.js';
import type { AnyAttributes, HttpAttributes, TcpAttributes } from './attributes.js';
import { fieldPredicates, type Predicate } from './predicates.js';

export interface RuleRef {
  /** `namespace.name` of the policy. */
  policy: string;
  rule: number;
  /** Envoy's policy id. */
  policyId: string;
}

export interface ShadowResult {
  /** What the dry-run rules would have decided (Envoy's shadow_engine_result). */
  allowed: boolean;
  /** The matching dry-run rule (shadow_effective_policy_id), if one matched. */
  match?: RuleRef;
}

export interface AuthzDecision {
  allowed: boolean;
  /** The stage that decided, when a policy did. */
  action?: 'CUSTOM' | 'DENY' | 'ALLOW';
  /** `namespace.name` of the deciding policy and its rule index. */
  policy?: string;
  rule?: number;
  policyId?: string;
  /** Envoy's response code details / connection termination details on a denial. */
  details?: string;
  /** Denied because no ALLOW policy matched: the first clause that failed in the first ALLOW rule. */
  firstFailedClause?: string;
  /** An AUDIT rule matched (Envoy sets access_log_hint). */
  audit?: RuleRef;
  /** A CUSTOM rule of a known provider matched: the caller must ask that provider before allowing. */
  extAuthz?: RuleRef & { provider: string };
  /** Dry-run policies: what they would have done. The decision above does not depend on them. */
  dryRun?: { deny?: ShadowResult; allow?: ShadowResult };
}

export interface Authorizer {
  checkHttp(attrs: HttpAttributes): AuthzDecision;
  checkTcp(attrs: TcpAttributes): AuthzDecision;
}

interface Entry {
  ref: RuleRef;
  provider?: string;
  principals: Predicate[][];
  permissions: Predicate[][];
  /** Set when the entry can never match, with the reason for explain. */
  never?: string;
  denied: AuthzDecision;
  allowed: AuthzDecision;
}

interface Stage {
  enforce: Entry[];
  shadow: Entry[];
  /** Enforced policies exist (an ALLOW stage with some but no match denies). */
  hasEnforce: boolean;
  hasShadow: boolean;
}

function allMatch(preds: Predicate[], a: AnyAttributes): boolean {
  for (const p of preds) if (!p.test(a)) return false;
  return true;
}

function someMatch(lists: Predicate[][], a: AnyAttributes): boolean {
  for (const l of lists) if (allMatch(l, a)) return true;
  return false;
}

function entryMatches(e: Entry, a: AnyAttributes): boolean {
  return e.never === undefined && someMatch(e.permissions, a) && someMatch(e.principals, a);
}

function firstMatch(entries: Entry[], a: AnyAttributes): Entry | undefined {
  for (const e of entries) if (entryMatches(e, a)) return e;
  return undefined;
}

function firstFailed(e: Entry, a: AnyAttributes): string {
  if (e.never !== undefined) return e.never;
  const side = someMatch(e.principals, a) ? e.permissions : e.principals;
  for (const p of side[0] ?? []) if (!p.test(a)) return p.label;
  return `${e.ref.policyId}: no entry matched`;
}

const isHttpOnlyUse = (f: FieldConfig) => f.httpOnly && ((f.values?.length ?? 0) > 0 || (f.notValues?.length ?? 0) > 0);

function buildEntry(policy: PolicyConfig, rule: RuleConfig | undefined, forTcp: boolean, stageAction: 'CUSTOM' | 'AUDIT' | 'DENY' | 'ALLOW'): Entry {
  const id = rule?.id ?? `ns[${policy.namespace}]-policy[${policy.name}]-rule[0]`;
  const ref: RuleRef = { policy: `${policy.namespace}.${policy.name}`, rule: rule?.index ?? 0, policyId: id };
  const decided = stageAction === 'AUDIT' ? undefined : stageAction;
  const base = decided ? { action: decided, ...ref } : { ...ref };
  const entry: Entry = {
    ref,
    principals: [],
    permissions: [],
    denied: Object.freeze({ allowed: false, ...base, details: rbacDeniedDetails(id) }),
    allowed: Object.freeze({ allowed: true, ...base }),
  };
  if (policy.provider) entry.provider = policy.provider.name;
  if (!rule) {
    entry.never = `${id}: the policy has no rules, so it matches nothing`;
    return entry;
  }
  const fields = [...rule.principals.flat(), ...rule.permissions.flat()];
  // Istio drops an ALLOW rule that needs HTTP on a TCP chain; other actions lose only the HTTP fields.
  if (forTcp && stageAction === 'ALLOW' && fields.some(isHttpOnlyUse)) {
    const names = [...new Set(fields.filter(isHttpOnlyUse).map((f) => (f.values ? f.clause : f.notClause)))];
    entry.never = `${id}: dropped on TCP (HTTP-only ${names.join(', ')})`;
    return entry;
  }
  const keep = (f: FieldConfig) => !(forTcp && f.httpOnly);
  entry.principals = rule.principals.map((l) => l.filter(keep).flatMap((f) => fieldPredicates(f, id)));
  entry.permissions = rule.permissions.map((l) => l.filter(keep).flatMap((f) => fieldPredicates(f, id)));
  return entry;
}

function buildStage(policies: PolicyConfig[], action: 'CUSTOM' | 'AUDIT' | 'DENY' | 'ALLOW', forTcp: boolean, pick: (p: PolicyConfig) => boolean = () => true): Stage {
  const stage: Stage = { enforce: [], shadow: [], hasEnforce: false, hasShadow: false };
  for (const p of policies) {
    if (!pick(p)) continue;
    const list = p.dryRun ? stage.shadow : stage.enforce;
    if (p.dryRun) stage.hasShadow = true;
    else stage.hasEnforce = true;
    if (p.rules.length === 0) list.push(buildEntry(p, undefined, forTcp, action));
    for (const r of p.rules) list.push(buildEntry(p, r, forTcp, action));
  }
  // Envoy keeps policies in a map ordered by id and reports the first that matches.
  const byId = (x: Entry, y: Entry) => (x.ref.policyId < y.ref.policyId ? -1 : x.ref.policyId > y.ref.policyId ? 1 : 0);
  stage.enforce.sort(byId);
  stage.shadow.sort(byId);
  return stage;
}

const ALLOWED: AuthzDecision = Object.freeze({ allowed: true });
const SHADOW_ALLOWED: ShadowResult = Object.freeze({ allowed: true });
const SHADOW_DENIED: ShadowResult = Object.freeze({ allowed: false });

interface Engine {
  badCustom: Stage;
  knownCustom: Stage;
  audit: Stage;
  deny: Stage;
  allow: Stage;
}

function buildEngine(config: AuthzConfig, forTcp: boolean): Engine {
  return {
    badCustom: buildStage(config.custom, 'CUSTOM', forTcp, (p) => p.provider?.known !== true),
    knownCustom: buildStage(config.custom, 'CUSTOM', forTcp, (p) => p.provider?.known === true),
    audit: buildStage(config.audit, 'AUDIT', forTcp),
    deny: buildStage(config.deny, 'DENY', forTcp),
    allow: buildStage(config.allow, 'ALLOW', forTcp),
  };
}

function with_(base: AuthzDecision, extra: Partial<AuthzDecision>): AuthzDecision {
  return { ...base, ...extra };
}

function evaluate(e: Engine, a: AnyAttributes): AuthzDecision {
  const bad = firstMatch(e.badCustom.enforce, a);
  if (bad) return bad.denied;
  const custom = e.knownCustom.hasEnforce ? firstMatch(e.knownCustom.enforce, a) : undefined;
  const auditHit = e.audit.hasEnforce ? firstMatch(e.audit.enforce, a) : undefined;
  let extra: Partial<AuthzDecision> | undefined;
  if (custom) extra = { extAuthz: { ...custom.ref, provider: custom.provider ?? '' } };
  if (auditHit) (extra ??= {}).audit = auditHit.ref;

  let dryDeny: ShadowResult | undefined;
  if (e.deny.hasShadow) {
    const m = firstMatch(e.deny.shadow, a);
    dryDeny = m ? { allowed: false, match: m.ref } : SHADOW_ALLOWED;
    (extra ??= {}).dryRun = { deny: dryDeny };
  }
  const denied = firstMatch(e.deny.enforce, a);
  if (denied) return extra ? with_(denied.denied, extra) : denied.denied;

  if (e.allow.hasShadow) {
    const m = firstMatch(e.allow.shadow, a);
    const dryAllow = m ? { allowed: true, match: m.ref } : SHADOW_DENIED;
    (extra ??= {}).dryRun = dryDeny ? { deny: dryDeny, allow: dryAllow } : { allow: dryAllow };
  }
  if (!e.allow.hasEnforce) return extra ? with_(ALLOWED, extra) : ALLOWED;
  const allowed = firstMatch(e.allow.enforce, a);
  if (allowed) return extra ? with_(allowed.allowed, extra) : allowed.allowed;
  const first = e.allow.enforce[0];
  return {
    allowed: false,
    action: 'ALLOW',
    details: rbacDeniedDetails(undefined),
    firstFailedClause: first ? firstFailed(first, a) : 'every ALLOW rule was dropped',
    ...extra,
  };
}

/** Builds both evaluators (HTTP and TCP differ in how HTTP-only fields are treated). */
export function buildAuthorizer(config: AuthzConfig): Authorizer {
  const http = buildEngine(config, false);
  const tcp = buildEngine(config, true);
  return {
    checkHttp: (attrs) => evaluate(http, attrs),
    checkTcp: (attrs) => evaluate(tcp, attrs),
  };
}
