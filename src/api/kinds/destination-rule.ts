/** networking.istio.io DestinationRule: fields of Istio's v1 API, rules of its CRD schema and webhook. */
import { z } from 'zod';
import { obj, str, bool, int32, uint32, duration, enumOf, deprecated, atMostOne } from '../schema/fields.js';
import { defineKind, statusField, NETWORKING_VERSIONS } from './define.js';
import {
  connectionPoolSettingsSchema, pbDuration, fqdnProblem, wildcardDomainProblem, isIPAddress, isIstioDnsLabel,
} from './common.js';

type Issue = (path: (string | number)[], message: string) => void;
const issuer = (ctx: z.RefinementCtx): Issue => (path, message) => ctx.addIssue({ code: 'custom', path, message });

/** Protobuf uint64 as the CRD types it: an integer of at least 0. */
const uint64 = () => z.number().int({ message: 'must be an integer' }).min(0, { message: 'must not be negative' });
const percentInt = () => int32().min(0, { message: 'percentage must be in range 0..100' }).max(100, { message: 'percentage must be in range 0..100' });
const percentDouble = () => z.number().min(0, { message: 'percentage must be in range [0, 100]' }).max(100, { message: 'percentage must be in range [0, 100]' });

/** Kubernetes label keys and values as Istio's `labels.Instance.Validate` checks them. */
const QUALIFIED_NAME = /^(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_PREFIX = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?)*$/;
const istioLabels = () =>
  z.record(z.string(), z.string()).superRefine((m, ctx) => {
    for (const [k, v] of Object.entries(m)) {
      const slash = k.indexOf('/');
      const prefix = slash < 0 ? undefined : k.slice(0, slash);
      const name = slash < 0 ? k : k.slice(slash + 1);
      if ((prefix !== undefined && (!DNS_PREFIX.test(prefix) || prefix.length > 253)) || !QUALIFIED_NAME.test(name) || name.length > 63) {
        ctx.addIssue({ code: 'custom', path: [k], message: `invalid label key "${k}"` });
      }
      if (v !== '' && !QUALIFIED_NAME.test(v)) ctx.addIssue({ code: 'custom', path: [k], message: `invalid label value "${v}"` });
    }
  });

// --- load balancing -------------------------------------------------------------------------

/** Envoy's primality test for Maglev table sizes. */
function isPrime(x: number): boolean {
  if (x !== 0 && x < 4) return true;
  if (x % 2 === 0) return false;
  const limit = Math.floor(Math.sqrt(x));
  for (let f = 3; f <= limit; f += 2) if (x % f === 0) return false;
  return true;
}

export const httpCookieSchema = obj({
  name: str().min(1, { message: 'name is required for httpCookie' }),
  path: str().optional(),
  ttl: duration().optional(),
  attributes: z.array(obj({ name: str(), value: str().optional() })).optional(),
});

export const consistentHashLBSchema = obj({
  httpHeaderName: str().optional(),
  httpCookie: httpCookieSchema.optional(),
  useSourceIp: bool().optional(),
  httpQueryParameterName: str().optional(),
  ringHash: obj({ minimumRingSize: uint64().optional() }).optional(),
  maglev: obj({ tableSize: uint64().optional() }).optional(),
  minimumRingSize: deprecated(uint64(), 'use ringHash.minimumRingSize').optional(),
}).superRefine((c, ctx) => {
  const issue = issuer(ctx);
  atMostOne(c, ['httpHeaderName', 'httpCookie', 'useSourceIp', 'httpQueryParameterName'], ctx, 'hash key');
  atMostOne(c, ['ringHash', 'maglev'], ctx, 'hash algorithm');
  if ((c.minimumRingSize ?? 0) !== 0 && (c.ringHash !== undefined || c.maglev !== undefined)) {
    issue(['minimumRingSize'], 'only one of minimumRingSize or ringHash/maglev can be set');
  }
  if (c.maglev) {
    const size = c.maglev.tableSize ?? 0;
    if (size === 0) issue(['maglev', 'tableSize'], 'tableSize must be set for maglev');
    if (size >= 5000011) issue(['maglev', 'tableSize'], 'tableSize must be less than 5000011 for maglev');
    if (!isPrime(size)) issue(['maglev', 'tableSize'], `tableSize must be a prime number for maglev (got ${size})`);
  }
});
export type ConsistentHashLB = z.infer<typeof consistentHashLBSchema>;

const TOPOLOGY_LABELS = new Set(['topology.kubernetes.io/region', 'topology.kubernetes.io/zone', 'topology.istio.io/subzone']);

/** Istio's overlap check for `region/zone/subzone` locality patterns with a trailing `*`. */
function localitiesProblem(localities: readonly string[]): string | undefined {
  const seen = new Map<string, Map<string, Set<string>>>();
  for (const locality of localities) {
    const stars = locality.split('*').length - 1;
    if (stars > 1 || (stars === 1 && !locality.endsWith('*'))) return `locality ${locality}: at most one wildcard '*', and only at the end`;
    if (seen.has('*')) return `locality ${locality} overlaps with one given before`;
    const items = locality.split('/');
    if (items.length > 3) items.splice(2, items.length - 2, items.slice(2).join('/'));
    if (items.some((x) => x === '')) return `locality ${locality} must not have an empty region, zone or subzone`;
    const [region = '', zone = '', subzone = ''] = items;
    const zones = seen.get(region);
    if (items.length === 1) {
      if (zones) return `locality ${locality} overlaps with one given before`;
      seen.set(region, new Map([['*', new Set(['*'])]]));
    } else if (items.length === 2) {
      if (zones) {
        if (zones.has('*') || zones.has(zone)) return `locality ${locality} overlaps with one given before`;
        zones.set(zone, new Set(['*']));
      } else seen.set(region, new Map([[zone, new Set(['*'])]]));
    } else if (zones) {
      if (zones.has('*')) return `locality ${locality} overlaps with one given before`;
      const subzones = zones.get(zone);
      if (subzones) {
        if (subzones.has('*') || subzones.has(subzone)) return `locality ${locality} overlaps with one given before`;
        subzones.add(subzone);
      } else zones.set(zone, new Set([subzone]));
    } else seen.set(region, new Map([[zone, new Set([subzone])]]));
  }
  return undefined;
}

export const localityLoadBalancerSettingSchema = obj({
  distribute: z.array(obj({ from: str().optional(), to: z.record(z.string(), uint32()).optional() })).optional(),
  failover: z.array(obj({ from: str().optional(), to: str().optional() })).optional(),
  failoverPriority: z.array(str()).optional(),
  enabled: bool().nullable().optional(),
}).superRefine((lb, ctx) => {
  const issue = issuer(ctx);
  const distribute = lb.distribute ?? [];
  const failover = lb.failover ?? [];
  const priority = lb.failoverPriority ?? [];
  if (distribute.length > 0 && failover.length > 0) return issue(['failover'], "cannot set both 'distribute' and 'failover'");
  if (failover.length > 0) {
    const i = priority.findIndex((l) => TOPOLOGY_LABELS.has(l));
    if (i >= 0) return issue(['failoverPriority', i], `cannot set both 'failover' and the topology label '${priority[i]}' in 'failoverPriority'`);
  }
  for (const [i, d] of distribute.entries()) {
    let total = 0;
    for (const [loc, weight] of Object.entries(d.to ?? {})) {
      if (weight <= 0 || weight > 100) return issue(['distribute', i, 'to', loc], 'locality weight must be in range [1, 100]');
      total += weight;
    }
    if (total !== 100) return issue(['distribute', i, 'to'], `total locality weight must be 100 (got ${total})`);
    const p = localitiesProblem(Object.keys(d.to ?? {}));
    if (p) issue(['distribute', i, 'to'], p);
  }
  const p = localitiesProblem(distribute.map((d) => d.from ?? ''));
  if (p) issue(['distribute'], p);
  failover.forEach((f, i) => {
    const from = f.from ?? '';
    const to = f.to ?? '';
    if (from === to) issue(['failover', i], 'locality failover must go to a different region');
    if (from.includes('/') || to.includes('/')) issue(['failover', i], 'locality failover can only name regions');
    if (from.includes('*') || to.includes('*')) issue(['failover', i], "locality failover regions must not contain the '*' wildcard");
  });
});
export type LocalityLoadBalancerSetting = z.infer<typeof localityLoadBalancerSettingSchema>;

export const warmupConfigurationSchema = obj({
  duration: pbDuration(),
  minimumPercent: percentDouble().nullable().optional(),
  aggression: z.number().min(1, { message: 'aggression must be at least 1' }).nullable().optional(),
});

export const loadBalancerSettingsSchema = obj({
  simple: enumOf(['UNSPECIFIED', 'LEAST_CONN', 'RANDOM', 'PASSTHROUGH', 'ROUND_ROBIN', 'LEAST_REQUEST']).optional(),
  consistentHash: consistentHashLBSchema.optional(),
  localityLbSetting: localityLoadBalancerSettingSchema.optional(),
  warmupDurationSecs: deprecated(pbDuration(), 'use warmup.duration').optional(),
  warmup: warmupConfigurationSchema.optional(),
}).superRefine((lb, ctx) => atMostOne(lb, ['simple', 'consistentHash'], ctx, 'load balancer policy'));
export type LoadBalancerSettings = z.infer<typeof loadBalancerSettingsSchema>;

// --- outlier detection, TLS, tunnel -------------------------------------------------------------

export const outlierDetectionSchema = obj({
  consecutiveErrors: deprecated(int32(), 'use consecutive5xxErrors or consecutiveGatewayErrors').optional(),
  splitExternalLocalOriginErrors: bool().optional(),
  consecutiveLocalOriginFailures: uint32().nullable().optional(),
  consecutiveGatewayErrors: uint32().nullable().optional(),
  consecutive5xxErrors: uint32().nullable().optional(),
  interval: pbDuration().optional(),
  baseEjectionTime: pbDuration().optional(),
  maxEjectionPercent: percentInt().optional(),
  minHealthPercent: percentInt().optional(),
}).superRefine((o, ctx) => {
  if (o.splitExternalLocalOriginErrors !== true && (o.consecutiveLocalOriginFailures ?? 0) > 0) {
    ctx.addIssue({ code: 'custom', path: ['consecutiveLocalOriginFailures'], message: 'consecutiveLocalOriginFailures needs splitExternalLocalOriginErrors: true' });
  }
});
export type OutlierDetection = z.infer<typeof outlierDetectionSchema>;

export const clientTLSSettingsSchema = obj({
  mode: enumOf(['DISABLE', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL']).optional(),
  clientCertificate: str().optional(),
  privateKey: str().optional(),
  caCertificates: str().optional(),
  credentialName: str().optional(),
  subjectAltNames: z.array(str()).optional(),
  sni: str().optional(),
  insecureSkipVerify: bool().nullable().optional(),
  caCrl: str().optional(),
}).superRefine((t, ctx) => {
  const issue = issuer(ctx);
  const set = (s: string | undefined) => s !== undefined && s !== '';
  const sans = (t.subjectAltNames ?? []).length > 0;
  if (t.insecureSkipVerify === true) {
    if (t.mode === 'SIMPLE' && (set(t.caCertificates) || set(t.credentialName) || sans)) {
      issue(['insecureSkipVerify'], 'cannot set caCertificates, credentialName or subjectAltNames when insecureSkipVerify is true');
    }
    if (t.mode === 'MUTUAL' && (set(t.caCertificates) || sans)) {
      issue(['insecureSkipVerify'], 'cannot set caCertificates or subjectAltNames when insecureSkipVerify is true');
    }
  }
  if ((t.mode === 'SIMPLE' || t.mode === 'MUTUAL') && set(t.credentialName)) {
    if (set(t.clientCertificate) || set(t.caCertificates) || set(t.privateKey) || set(t.caCrl)) {
      issue(['credentialName'], 'cannot set clientCertificate, privateKey, caCertificates or caCrl when credentialName is set');
    }
    return;
  }
  if (t.mode === 'MUTUAL') {
    if (!set(t.clientCertificate)) issue(['clientCertificate'], 'client certificate is required for MUTUAL TLS (or credentialName)');
    if (!set(t.privateKey)) issue(['privateKey'], 'private key is required for MUTUAL TLS (or credentialName)');
  }
});
export type ClientTLSSettings = z.infer<typeof clientTLSSettingsSchema>;

export const tunnelSettingsSchema = obj({
  protocol: str().optional(),
  targetHost: str(),
  targetPort: uint32(),
}).superRefine((t, ctx) => {
  const issue = issuer(ctx);
  if (t.protocol !== undefined && t.protocol !== '' && t.protocol !== 'CONNECT' && t.protocol !== 'POST') issue(['protocol'], 'tunnel protocol must be "CONNECT" or "POST"');
  const fqdn = fqdnProblem(t.targetHost);
  if (fqdn && !isIPAddress(t.targetHost)) issue(['targetHost'], `tunnel target host must be a valid FQDN or IP address: ${fqdn}`);
  if (t.targetPort < 1 || t.targetPort > 65535) issue(['targetPort'], `tunnel target port ${t.targetPort} must be in the range 1..65535`);
});

export const proxyProtocolSchema = obj({ version: enumOf(['V1', 'V2']).optional() });

export const retryBudgetSchema = obj({
  percent: percentDouble().nullable().optional(),
  minRetryConcurrency: uint32().optional(),
});

// --- traffic policy, subsets ---------------------------------------------------------------

export const portTrafficPolicySchema = obj({
  port: obj({ number: uint32().optional() }).optional(),
  loadBalancer: loadBalancerSettingsSchema.optional(),
  connectionPool: connectionPoolSettingsSchema.optional(),
  outlierDetection: outlierDetectionSchema.optional(),
  tls: clientTLSSettingsSchema.optional(),
}).superRefine((p, ctx) => {
  if (p.port === undefined) ctx.addIssue({ code: 'custom', path: ['port'], message: 'a port-level traffic policy must name its port' });
  if (!p.loadBalancer && !p.connectionPool && !p.outlierDetection && !p.tls) {
    ctx.addIssue({ code: 'custom', message: 'a port-level traffic policy must set at least one of loadBalancer, connectionPool, outlierDetection or tls' });
  }
});
export type PortTrafficPolicy = z.infer<typeof portTrafficPolicySchema>;

export const trafficPolicySchema = obj({
  loadBalancer: loadBalancerSettingsSchema.optional(),
  connectionPool: connectionPoolSettingsSchema.optional(),
  outlierDetection: outlierDetectionSchema.optional(),
  tls: clientTLSSettingsSchema.optional(),
  portLevelSettings: z.array(portTrafficPolicySchema).max(4096).optional(),
  tunnel: tunnelSettingsSchema.optional(),
  proxyProtocol: proxyProtocolSchema.optional(),
  retryBudget: retryBudgetSchema.optional(),
}).superRefine((p, ctx) => {
  const fields = [p.loadBalancer, p.connectionPool, p.outlierDetection, p.tls, p.tunnel, p.proxyProtocol, p.retryBudget];
  if (fields.every((f) => f === undefined) && (p.portLevelSettings ?? []).length === 0) {
    ctx.addIssue({ code: 'custom', message: 'traffic policy must set at least one field' });
  }
  if (p.tunnel && p.proxyProtocol) ctx.addIssue({ code: 'custom', path: ['proxyProtocol'], message: 'tunnel and proxyProtocol cannot be set together' });
});
export type TrafficPolicy = z.infer<typeof trafficPolicySchema>;

export const subsetSchema = obj({
  name: str().superRefine((v, ctx) => {
    if (v === '') ctx.addIssue({ code: 'custom', message: 'subset name cannot be empty' });
    else if (!isIstioDnsLabel(v)) ctx.addIssue({ code: 'custom', message: `invalid subset name "${v}": must be a DNS label (letters, digits and "-")` });
  }),
  labels: istioLabels().optional(),
  trafficPolicy: trafficPolicySchema.optional(),
});
export type Subset = z.infer<typeof subsetSchema>;

export const destinationRuleWorkloadSelectorSchema = obj({
  matchLabels: z.record(z.string(), z.string().max(63, { message: 'label value must be at most 63 characters' })).superRefine((m, ctx) => {
    if (Object.keys(m).length > 4096) ctx.addIssue({ code: 'custom', message: 'at most 4096 labels' });
    for (const [k, v] of Object.entries(m)) {
      if (k === '') ctx.addIssue({ code: 'custom', path: [k], message: 'empty label key is not supported in selector' });
      if (k.includes('*') || v.includes('*')) ctx.addIssue({ code: 'custom', path: [k], message: 'wildcard is not supported in selector' });
    }
  }).optional(),
});

export const destinationRuleSpecSchema = obj({
  host: str(),
  trafficPolicy: trafficPolicySchema.optional(),
  subsets: z.array(subsetSchema).optional(),
  exportTo: z.array(str()).optional(),
  workloadSelector: destinationRuleWorkloadSelectorSchema.optional(),
}).superRefine((dr, ctx) => {
  const issue = issuer(ctx);
  const h = wildcardDomainProblem(dr.host);
  if (h) issue(['host'], `invalid host "${dr.host}": ${h}`);
  const names = new Set<string>();
  (dr.subsets ?? []).forEach((s, i) => {
    if (names.has(s.name)) issue(['subsets', i, 'name'], `duplicate subset name "${s.name}"`);
    names.add(s.name);
  });
});
export type DestinationRuleSpec = z.infer<typeof destinationRuleSpecSchema>;

/**
 * exportTo of a DestinationRule: `.`, `*` or namespace names, no duplicates, `*` alone, and only the
 * rule's own namespace when a workloadSelector is set. `namespace` is undefined when not written.
 */
function exportToProblems(spec: DestinationRuleSpec, namespace: string | undefined, issue: Issue): void {
  const exportTo = spec.exportTo ?? [];
  const seen = new Set<string>();
  exportTo.forEach((e, i) => {
    const key = e === '.' && namespace !== undefined ? namespace : e;
    if (seen.has(key)) return issue(['spec', 'exportTo', i], key !== e ? `duplicate exportTo entries: "." and the current namespace ${namespace}` : `duplicate exportTo entry "${e}"`);
    if (e === '~') return issue(['spec', 'exportTo', i], 'exportTo "~" (none) is only allowed for ServiceEntry');
    if (e !== '.' && e !== '*' && !isIstioDnsLabel(e)) return issue(['spec', 'exportTo', i], `invalid exportTo "${e}": use ".", "*" or a namespace name`);
    seen.add(key);
  });
  if (spec.workloadSelector !== undefined && seen.size > 0) {
    const own = (k: string) => k === '.' || k === namespace;
    if (![...seen].some(own)) issue(['spec', 'exportTo'], 'a destination rule with a workloadSelector cannot be exported beyond its own namespace');
    else if (seen.size > 1 && namespace !== undefined) issue(['spec', 'exportTo'], 'a destination rule with a workloadSelector can only be exported to its own namespace');
  }
  if (seen.has('*') && exportTo.length > 1) issue(['spec', 'exportTo'], 'cannot mix public (*) with other exportTo values');
}

const definition = defineKind({
  kind: 'DestinationRule',
  group: 'networking.istio.io',
  versions: NETWORKING_VERSIONS,
  plural: 'destinationrules',
  shortNames: ['dr'],
  body: { spec: destinationRuleSpecSchema, status: statusField },
});
const schema = definition.schema.superRefine((o, ctx) => exportToProblems(o.spec, o.metadata.namespace, issuer(ctx)));

export const DestinationRule = { info: { ...definition.info, schema }, schema };
export type DestinationRuleObject = z.infer<typeof DestinationRule.schema>;
