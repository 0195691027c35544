/**
 * security.istio.io AuthorizationPolicy: fields and rules of Istio's CRD schema and validation
 * webhook. Value checks sit on the list that holds the value; rules that tie fields together sit
 * on the message that owns them (Source, Operation, Rule, the spec).
 */
import { z } from 'zod';
import { obj, str, enumOf } from '../schema/fields.js';
import { defineKind, statusField, SECURITY_VERSIONS } from './define.js';
import { ipOrCidrProblem, oneTargetingMode, policyTargetingShape } from './common.js';

/** A list whose entries must not be empty strings. */
const values = () =>
  z.array(z.string()).superRefine((list, ctx) => {
    list.forEach((v, i) => {
      if (v === '') ctx.addIssue({ code: 'custom', path: [i], message: 'empty value not allowed' });
    });
  });

const ipBlocks = () =>
  z.array(z.string()).superRefine((list, ctx) => {
    list.forEach((v, i) => {
      if (v === '') ctx.addIssue({ code: 'custom', path: [i], message: 'empty value not allowed' });
      else {
        const p = ipOrCidrProblem(v);
        if (p) ctx.addIssue({ code: 'custom', path: [i], message: `bad IP address or CIDR range "${v}": ${p}` });
      }
    });
  });

/** Why `v` is not a service account as `serviceAccount` or `namespace/serviceAccount`, or undefined. */
function serviceAccountProblem(v: string): string | undefined {
  if (v === '') return 'empty value not allowed';
  if (v.includes('*')) return 'wildcard not allowed';
  const slashes = v.split('/').length - 1;
  if (slashes > 1) return 'expected format "serviceAccount" or "namespace/serviceAccount"';
  if (v.length > 320) return 'value cannot exceed 320 characters';
  const [ns, sa] = slashes === 1 ? v.split('/') : [undefined, v];
  if (ns === '') return 'expected format "namespace/serviceAccount": the namespace is empty';
  if (sa === '') return 'expected format "namespace/serviceAccount": the service account is empty';
  return undefined;
}

const serviceAccounts = () =>
  z
    .array(z.string())
    .max(16, { message: 'may not have more than 16 values' })
    .superRefine((list, ctx) => {
      list.forEach((v, i) => {
        const p = serviceAccountProblem(v);
        if (p) ctx.addIssue({ code: 'custom', path: [i], message: `invalid service account "${v}": ${p}` });
      });
    });

function isPortText(v: string): boolean {
  return /^\d+$/.test(v) && BigInt(v) <= 65535n;
}

const ports = () =>
  z.array(z.string()).superRefine((list, ctx) => {
    list.forEach((v, i) => {
      if (v === '') ctx.addIssue({ code: 'custom', path: [i], message: 'empty value not allowed' });
      else if (!isPortText(v)) ctx.addIssue({ code: 'custom', path: [i], message: `bad port "${v}": must be a number between 0 and 65535` });
    });
  });

const MATCH_ONE = '{*}';
const MATCH_ANY = '{**}';
const PATH_LITERAL = /^[a-zA-Z0-9\-._~%!$&'()+,;:@=]+$/;

/** Why a path using `{*}`/`{**}` templates is not one Envoy's matcher takes, or undefined. */
export function pathTemplateProblem(path: string): string | undefined {
  const isTemplate = path.includes(MATCH_ONE) || path.includes(MATCH_ANY);
  let sawAny = false;
  for (const segment of path.replace(/^\/+|\/+$/g, '').split('/')) {
    if ((segment === MATCH_ONE || segment === MATCH_ANY) && sawAny) return '{**} must be the last operator of a path template';
    if (segment === MATCH_ANY) sawAny = true;
    if (segment === MATCH_ONE || segment === MATCH_ANY) continue;
    if (/[{}]/.test(segment)) return `segment "${segment}" holds "{" or "}" outside a {*} or {**} operator`;
    if (isTemplate && !PATH_LITERAL.test(segment)) return `segment "${segment}" is not a valid path literal`;
  }
  return undefined;
}

const paths = () =>
  z.array(z.string()).superRefine((list, ctx) => {
    list.forEach((v, i) => {
      if (v === '') {
        ctx.addIssue({ code: 'custom', path: [i], message: 'empty value not allowed' });
        return;
      }
      const p = pathTemplateProblem(v);
      if (p) ctx.addIssue({ code: 'custom', path: [i], message: `invalid or unsupported path template "${v}": ${p}` });
    });
  });

const SOURCE_LISTS = [
  'principals', 'notPrincipals', 'requestPrincipals', 'notRequestPrincipals', 'namespaces', 'notNamespaces',
  'ipBlocks', 'notIpBlocks', 'remoteIpBlocks', 'notRemoteIpBlocks', 'serviceAccounts', 'notServiceAccounts',
  'trustDomains', 'notTrustDomains',
] as const;

export const sourceSchema = obj({
  principals: values().optional(),
  notPrincipals: values().optional(),
  requestPrincipals: values().optional(),
  notRequestPrincipals: values().optional(),
  namespaces: values().optional(),
  notNamespaces: values().optional(),
  ipBlocks: ipBlocks().optional(),
  notIpBlocks: ipBlocks().optional(),
  remoteIpBlocks: ipBlocks().optional(),
  notRemoteIpBlocks: ipBlocks().optional(),
  serviceAccounts: serviceAccounts().optional(),
  notServiceAccounts: serviceAccounts().optional(),
  trustDomains: values().optional(),
  notTrustDomains: values().optional(),
}).superRefine((s, ctx) => {
  if (s.serviceAccounts !== undefined || s.notServiceAccounts !== undefined) {
    for (const other of ['principals', 'notPrincipals', 'namespaces', 'notNamespaces'] as const) {
      if (s[other] !== undefined) ctx.addIssue({ code: 'custom', path: [other], message: `Cannot set serviceAccounts with namespaces or principals (${other} is set)` });
    }
  }
  if (SOURCE_LISTS.every((k) => (s[k] ?? []).length === 0)) ctx.addIssue({ code: 'custom', message: '`source` must not be empty: set at least one field' });
});
export type Source = z.infer<typeof sourceSchema>;

const OPERATION_LISTS = ['hosts', 'notHosts', 'ports', 'notPorts', 'methods', 'notMethods', 'paths', 'notPaths'] as const;

export const operationSchema = obj({
  hosts: values().optional(),
  notHosts: values().optional(),
  ports: ports().optional(),
  notPorts: ports().optional(),
  methods: values().optional(),
  notMethods: values().optional(),
  paths: paths().optional(),
  notPaths: paths().optional(),
}).superRefine((op, ctx) => {
  if (OPERATION_LISTS.every((k) => (op[k] ?? []).length === 0)) ctx.addIssue({ code: 'custom', message: '`operation` must not be empty: set at least one field' });
});
export type Operation = z.infer<typeof operationSchema>;

/** Why `key` is not a condition attribute Istio knows, or undefined. `map` keys take the form `a[b]`. */
function attributeKeyProblem(key: string): string | undefined {
  const mapKey = (): string | undefined => {
    const open = key.indexOf('[');
    return key.endsWith(']') && open > 0 && open < key.length - 2 ? undefined : `bad key "${key}": should have the form a[b]`;
  };
  if (key.startsWith('request.headers')) return mapKey();
  if (key.startsWith('request.experimental.inline.headers')) return mapKey();
  if (key.startsWith('request.auth.claims')) return mapKey();
  if (key.startsWith('experimental.envoy.filters.')) return mapKey();
  if (key === 'destination.namespace') return `attribute ${key} is replaced by the metadata.namespace`;
  if (key.startsWith('destination.labels')) return `attribute ${key} is replaced by the workload selector`;
  if (key === 'destination.name' || key === 'destination.user') return `attribute ${key} is deprecated: only supported in v1alpha1`;
  const plain = ['source.ip', 'remote.ip', 'source.namespace', 'source.serviceAccount', 'source.principal', 'source.trustDomain', 'request.auth.principal',
    'request.auth.audiences', 'request.auth.presenter', 'destination.ip', 'destination.port', 'connection.sni'];
  return plain.includes(key) ? undefined : `unknown attribute: ${key}`;
}

/** Why `value` is not one `key` can take, or undefined. */
function attributeValueProblem(key: string, value: string): string | undefined {
  if (value === '') return 'empty value not allowed';
  if (key === 'source.ip' || key === 'remote.ip' || key === 'destination.ip') {
    const p = ipOrCidrProblem(value);
    return p ? `bad IP address or CIDR range "${value}": ${p}` : undefined;
  }
  if (key === 'destination.port') return isPortText(value) ? undefined : `bad port "${value}": must be a number between 0 and 65535`;
  if (key === 'source.serviceAccount') {
    const p = serviceAccountProblem(value);
    return p ? `invalid service account "${value}": ${p}` : undefined;
  }
  return undefined;
}

export const conditionSchema = obj({
  key: z.string(),
  values: z.array(z.string()).optional(),
  notValues: z.array(z.string()).optional(),
}).superRefine((c, ctx) => {
  if (c.key === '') {
    ctx.addIssue({ code: 'custom', path: ['key'], message: '`key` must not be empty' });
    return;
  }
  if ((c.values ?? []).length === 0 && (c.notValues ?? []).length === 0) {
    ctx.addIssue({ code: 'custom', path: ['values'], message: `at least one of values or notValues must be set for key ${c.key}` });
    return;
  }
  const keyProblem = attributeKeyProblem(c.key);
  if (keyProblem) ctx.addIssue({ code: 'custom', path: ['key'], message: keyProblem });
  for (const field of ['values', 'notValues'] as const) {
    const list = c[field] ?? [];
    if (c.key === 'source.serviceAccount' && list.length > 16) ctx.addIssue({ code: 'custom', path: [field], message: 'may not have more than 16 service accounts' });
    list.forEach((v, i) => {
      const p = attributeValueProblem(c.key, v);
      if (p) ctx.addIssue({ code: 'custom', path: [field, i], message: `invalid value for key ${c.key}: ${p}` });
    });
  }
});
export type Condition = z.infer<typeof conditionSchema>;

export const ruleSchema = obj({
  from: z
    .array(obj({ source: sourceSchema.optional() }).superRefine((f, ctx) => {
      if (f.source === undefined) ctx.addIssue({ code: 'custom', path: ['source'], message: '`from.source` must be set' });
    }))
    .min(1, { message: '`from` must not be empty; leave it out to match any source' })
    .max(512, { message: 'at most 512 from entries are allowed' })
    .optional(),
  to: z
    .array(obj({ operation: operationSchema.optional() }).superRefine((t, ctx) => {
      if (t.operation === undefined) ctx.addIssue({ code: 'custom', path: ['operation'], message: '`to.operation` must be set' });
    }))
    .min(1, { message: '`to` must not be empty; leave it out to match any operation' })
    .optional(),
  when: z.array(conditionSchema).optional(),
});
export type Rule = z.infer<typeof ruleSchema>;

export const ACTIONS = ['ALLOW', 'DENY', 'AUDIT', 'CUSTOM'] as const;

/** Source fields and condition keys the CUSTOM action cannot match on. */
const NOT_WITH_CUSTOM = ['namespaces', 'notNamespaces', 'serviceAccounts', 'notServiceAccounts', 'principals', 'notPrincipals', 'requestPrincipals', 'notRequestPrincipals'] as const;

export const authorizationPolicySpecSchema = obj({
  ...policyTargetingShape,
  rules: z.array(ruleSchema).max(512, { message: 'at most 512 rules are allowed' }).optional(),
  action: enumOf(ACTIONS).optional(),
  provider: obj({ name: str().optional() }).optional(),
}).superRefine((ap, ctx) => {
  oneTargetingMode(ap, ctx);
  const action = ap.action ?? 'ALLOW';
  const rules = ap.rules ?? [];
  if (ap.provider !== undefined && action !== 'CUSTOM') ctx.addIssue({ code: 'custom', path: ['provider'], message: `provider can only be set with the CUSTOM action (action is ${action})` });
  if ((action === 'CUSTOM' || action === 'DENY') && rules.length === 0) {
    ctx.addIssue({ code: 'custom', path: ['rules'], message: `${action} action without rules is meaningless as it will never be triggered; add an empty rule {} to trigger it for every request` });
  }
  if (action !== 'CUSTOM') return;
  if (rules.length > 0 && !ap.provider?.name) ctx.addIssue({ code: 'custom', path: ['provider', 'name'], message: 'provider.name must not be empty with the CUSTOM action' });
  rules.forEach((rule, i) => {
    (rule.from ?? []).forEach((from, j) => {
      for (const field of NOT_WITH_CUSTOM) {
        if ((from.source?.[field] ?? []).length > 0) ctx.addIssue({ code: 'custom', path: ['rules', i, 'from', j, 'source', field], message: `${field} is currently not supported with the CUSTOM action` });
      }
    });
    (rule.when ?? []).forEach((cond, j) => {
      const k = cond.key;
      if (k === 'source.namespace' || k === 'source.serviceAccount' || k === 'source.principal' || k.startsWith('request.auth.')) {
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'when', j, 'key'], message: `condition key ${k} is currently not supported with the CUSTOM action` });
      }
    });
  });
});
export type AuthorizationPolicySpec = z.infer<typeof authorizationPolicySpecSchema>;

export const AuthorizationPolicy = defineKind({
  kind: 'AuthorizationPolicy',
  group: 'security.istio.io',
  versions: SECURITY_VERSIONS,
  plural: 'authorizationpolicies',
  shortNames: ['ap'],
  body: { spec: authorizationPolicySpecSchema, status: statusField },
});
export type AuthorizationPolicyObject = z.infer<typeof AuthorizationPolicy.schema>;
