/**
 * One AuthorizationPolicy rule in Istio's model (pilot/pkg/security/authz/model/model.go): each
 * `from` becomes a principal, each `to` a permission, and every `when` condition is added to all
 * of them on the side its key belongs to. Field order within an entry follows Istio's.
 */
import type { Rule, Source, Operation, Condition } from '../../api/kinds/authorization-policy.js';
import type { AttributeConfig, FieldConfig, RuleConfig, ValueMatchConfig } from './config.js';
import {
  cidrValue, headerValue, namespaceValue, pathValue, plainValue, portValue, principalValue, requestPrincipalValue,
  serviceAccountValue, trustDomainValue,
} from './value-forms.js';

type ValueForm = (v: string) => ValueMatchConfig;

interface FieldSpec {
  attribute: AttributeConfig;
  form: ValueForm;
  httpOnly: boolean;
}

function field(clause: string, notClause: string, spec: FieldSpec, values: readonly string[] | undefined, notValues: readonly string[] | undefined): FieldConfig | undefined {
  if ((values ?? []).length === 0 && (notValues ?? []).length === 0) return undefined;
  const out: FieldConfig = { clause, notClause, attribute: spec.attribute, httpOnly: spec.httpOnly };
  if (values && values.length > 0) out.values = values.map(spec.form);
  if (notValues && notValues.length > 0) out.notValues = notValues.map(spec.form);
  return out;
}

const PEER: AttributeConfig = { kind: 'peerPrincipal' };

function sourceSpecs(policyNamespace: string) {
  return {
    principals: { attribute: PEER, form: principalValue, httpOnly: false },
    requestPrincipals: { attribute: { kind: 'jwt' }, form: requestPrincipalValue, httpOnly: true },
    serviceAccounts: { attribute: PEER, form: (v: string) => serviceAccountValue(v, policyNamespace), httpOnly: false },
    trustDomains: { attribute: PEER, form: trustDomainValue, httpOnly: false },
    namespaces: { attribute: PEER, form: namespaceValue, httpOnly: false },
    remoteIpBlocks: { attribute: { kind: 'remoteIp' }, form: cidrValue, httpOnly: false },
    ipBlocks: { attribute: { kind: 'sourceIp' }, form: cidrValue, httpOnly: false },
  } satisfies Record<string, FieldSpec>;
}

const OPERATION_SPECS = {
  hosts: { attribute: { kind: 'host' }, form: (v: string) => headerValue(v, true), httpOnly: true },
  methods: { attribute: { kind: 'method' }, form: (v: string) => headerValue(v), httpOnly: true },
  paths: { attribute: { kind: 'path' }, form: pathValue, httpOnly: true },
  ports: { attribute: { kind: 'destinationPort' }, form: portValue, httpOnly: false },
} satisfies Record<string, FieldSpec>;

const cap = (s: string) => s[0]?.toUpperCase() + s.slice(1);

/** Which side a `when` key lands on and how its values are read; undefined for a key Istio does not know. */
export function conditionSpec(key: string, policyNamespace: string): { side: 'principal' | 'permission'; spec: FieldSpec } | undefined {
  const bracket = (prefix: string) => (key.startsWith(`${prefix}[`) && key.endsWith(']') ? key.slice(prefix.length + 1, -1) : undefined);
  const p = (spec: FieldSpec) => ({ side: 'principal' as const, spec });
  const q = (spec: FieldSpec) => ({ side: 'permission' as const, spec });
  const s = sourceSpecs(policyNamespace);
  switch (key) {
    case 'destination.ip': return q({ attribute: { kind: 'destinationIp' }, form: cidrValue, httpOnly: false });
    case 'destination.port': return q(OPERATION_SPECS.ports);
    case 'connection.sni': return q({ attribute: { kind: 'sni' }, form: plainValue, httpOnly: false });
    case 'source.ip': return p(s.ipBlocks);
    case 'remote.ip': return p(s.remoteIpBlocks);
    case 'source.namespace': return p(s.namespaces);
    case 'source.trustDomain': return p(s.trustDomains);
    case 'source.serviceAccount': return p(s.serviceAccounts);
    case 'source.principal': return p(s.principals);
    case 'request.auth.principal': return p(s.requestPrincipals);
    case 'request.auth.audiences': return p({ attribute: { kind: 'jwtClaim', path: ['aud'] }, form: plainValue, httpOnly: true });
    case 'request.auth.presenter': return p({ attribute: { kind: 'jwtClaim', path: ['azp'] }, form: plainValue, httpOnly: true });
  }
  if (key.startsWith('experimental.envoy.filters.')) {
    const inner = key.slice('experimental.'.length, -1);
    const open = inner.indexOf('[');
    if (!key.endsWith(']') || open < 0) return undefined;
    return q({ attribute: { kind: 'metadata', filter: inner.slice(0, open), key: inner.slice(open + 1) }, form: (v) => plainValue(v.startsWith('[') && v.endsWith(']') ? v.slice(1, -1) : v), httpOnly: false });
  }
  const header = bracket('request.headers');
  if (header !== undefined) return p({ attribute: { kind: 'header', name: header.toLowerCase() }, form: (v) => headerValue(v), httpOnly: true });
  const claims = bracket('request.auth.claims');
  if (claims !== undefined) return p({ attribute: { kind: 'jwtClaim', path: claimPath(`[${claims}]`) }, form: plainValue, httpOnly: true });
  return undefined;
}

/** `[a][b]` → ['a','b']; anything else (e.g. `[a.b]`) is one claim name, as Istio's extractNameInNestedBrackets. */
export function claimPath(s: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    if (s[i] !== '[') return [s.slice(1, -1)];
    const end = s.indexOf(']', i + 1);
    const nextOpen = s.indexOf('[', i + 1);
    if (end < 0 || (nextOpen >= 0 && nextOpen < end)) return [s.slice(1, -1)];
    out.push(s.slice(i + 1, end));
    i = end + 1;
  }
  return out;
}

export interface RuleModelResult {
  rule?: RuleConfig;
  /** Why the rule was skipped (Istio logs "skipped invalid rule"). */
  error?: string;
}

/** `id` is Envoy's policy id for this rule. */
export function buildRule(rule: Rule, index: number, id: string, policyNamespace: string): RuleModelResult {
  const basePrincipal: FieldConfig[] = [];
  const basePermission: FieldConfig[] = [];
  for (const [j, cond] of (rule.when ?? []).entries()) {
    const c: Condition = cond;
    const spec = conditionSpec(c.key, policyNamespace);
    if (!spec) return { error: `unknown attribute ${c.key}` };
    const f = field(`when[${j}](${c.key}).values`, `when[${j}](${c.key}).notValues`, spec.spec, c.values, c.notValues);
    if (f) (spec.side === 'principal' ? basePrincipal : basePermission).push(f);
  }
  const sources = sourceSpecs(policyNamespace);
  const principals = (rule.from ?? []).map((from, i) => {
    const s: Source = from.source ?? {};
    const out: FieldConfig[] = [];
    for (const name of Object.keys(sources) as (keyof typeof sources)[]) {
      const notName = `not${cap(name)}` as keyof Source;
      const f = field(`from[${i}].source.${name}`, `from[${i}].source.${notName}`, sources[name], s[name], s[notName]);
      if (f) out.push(f);
    }
    return [...out, ...basePrincipal];
  });
  const permissions = (rule.to ?? []).map((to, i) => {
    const o: Operation = to.operation ?? {};
    const out: FieldConfig[] = [];
    for (const name of Object.keys(OPERATION_SPECS) as (keyof typeof OPERATION_SPECS)[]) {
      const notName = `not${cap(name)}` as keyof Operation;
      const f = field(`to[${i}].operation.${name}`, `to[${i}].operation.${notName}`, OPERATION_SPECS[name], o[name], o[notName]);
      if (f) out.push(f);
    }
    return [...out, ...basePermission];
  });
  return {
    rule: {
      index,
      id,
      principals: principals.length > 0 ? principals : [basePrincipal],
      permissions: permissions.length > 0 ? permissions : [basePermission],
    },
  };
}
