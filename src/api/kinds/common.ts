/** Message types that several Istio kinds share. */
import { z } from 'zod';
import { obj, str, bool, int32, uint32, duration, enumOf, re2, atMostOne, port, stringMap, hostname } from '../schema/fields.js';
import { dns1123LabelProblem } from '../schema/names.js';
import { parseDuration } from '../schema/duration.js';

/** Istio's StringMatch: exactly one of exact, prefix, regex. */
export const stringMatchSchema = obj({
  exact: str().optional(),
  prefix: str().optional(),
  regex: re2().optional(),
}).superRefine((v, ctx) => atMostOne(v, ['exact', 'prefix', 'regex'], ctx, 'string match'));
export type StringMatch = z.infer<typeof stringMatchSchema>;

export const portSelectorSchema = obj({ number: port().optional() });

/** A subset name is a DNS-1123 label. */
export const subsetNameSchema = z.string().superRefine((v, ctx) => {
  const p = dns1123LabelProblem(v);
  if (p) ctx.addIssue({ code: 'custom', message: `invalid subset name "${v}": ${p}` });
});

export const destinationSchema = obj({
  host: hostname({ allowWildcard: true, allowBareWildcard: false }),
  subset: subsetNameSchema.optional(),
  port: portSelectorSchema.optional(),
});
export type Destination = z.infer<typeof destinationSchema>;

const headerNameSchema = z.string().superRefine((v, ctx) => {
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(v)) ctx.addIssue({ code: 'custom', message: `invalid header name "${v}"` });
});

export const headerOperationsSchema = obj({
  set: stringMap().optional(),
  add: stringMap().optional(),
  remove: z.array(headerNameSchema).optional(),
}).superRefine((v, ctx) => {
  for (const op of ['set', 'add'] as const) {
    for (const name of Object.keys(v[op] ?? {})) {
      if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) ctx.addIssue({ code: 'custom', path: [op, name], message: `invalid header name "${name}"` });
    }
  }
});

export const headersSchema = obj({
  request: headerOperationsSchema.optional(),
  response: headerOperationsSchema.optional(),
});
export type Headers = z.infer<typeof headersSchema>;

export const exportToSchema = z.array(z.string());

// ---------------------------------------------------------------------------------------------
// Shared by DestinationRule, Gateway and Sidecar: Istio's host, duration and TLS rules (protocols: ../protocols.ts)
// (built on the Istio name and address rules further down).
// ---------------------------------------------------------------------------------------------

/** Whether `s` is an IPv4 or IPv6 address (no prefix length). */
export function isIPAddress(s: string): boolean {
  return ipAddressProblem(s) === undefined;
}

function hostPartProblems(host: string, gateway: boolean): string[] {
  const out: string[] = [];
  if (host !== '*' && !host.includes('.')) out.push(`short name "${host}" is not allowed: use a fully qualified name`);
  const p = wildcardDomainProblem(host);
  // Gateways also accept an IP address as the host.
  if (p && (!gateway || !isIPAddress(host))) out.push(`invalid host "${host}": ${p}`);
  if (host.includes('*') && host.length !== 1 && !host.startsWith('*.')) out.push(`partial wildcard "${host}" is not allowed`);
  return out;
}

/**
 * Problems with a `namespace/dnsName` host of a Gateway server or a Sidecar egress listener.
 * Gateways also accept a bare `dnsName` (meaning any namespace); Sidecars accept `~` as namespace.
 */
export function namespacedHostProblems(host: string, kind: 'gateway' | 'sidecar'): string[] {
  const gateway = kind === 'gateway';
  const slash = host.indexOf('/');
  if (slash < 0) return gateway ? hostPartProblems(host, true) : [`host "${host}" must be of the form namespace/dnsName`];
  const ns = host.slice(0, slash);
  const name = host.slice(slash + 1);
  const out: string[] = [];
  if (ns === '' || name === '') out.push('namespace and dnsName of a host cannot be empty');
  const special = gateway ? ['*', '.'] : ['*', '.', '~'];
  if (!special.includes(ns) && !isIstioDnsLabel(ns)) out.push(`invalid namespace "${ns}" in host`);
  out.push(...hostPartProblems(name, gateway));
  return out;
}

export const UNIX_ADDRESS_PREFIX = 'unix://';

/** Why a Unix domain socket path (after `unix://`) is unusable, or undefined. */
export function unixAddressProblem(addr: string): string | undefined {
  if (addr.length === 0) return 'unix address must not be empty';
  if (addr.startsWith('@')) return undefined;
  if (!addr.startsWith('/') || addr.endsWith('/')) return `${addr} is not an absolute path to a file`;
  return undefined;
}

function wholeMilliseconds(ms: number): boolean {
  return Math.abs(ms - Math.round(ms)) < 1e-6;
}

/**
 * A protobuf Duration as Istio's webhook checks most of them: at least 1ms, in whole milliseconds.
 * With `zeroDisables`, values under 1ms (e.g. `0s`) are accepted as "disabled".
 */
export function pbDuration(opts: { zeroDisables?: boolean } = {}) {
  return z.string().superRefine((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === undefined) ctx.addIssue({ code: 'custom', message: `invalid duration "${value}": use a number and a unit, e.g. 500ms, 2s, 3m, 1h` });
    else if (opts.zeroDisables && Math.trunc(ms) === 0) return;
    else if (ms < 1) ctx.addIssue({ code: 'custom', message: `duration must be at least 1ms (got "${value}")` });
    else if (!wholeMilliseconds(ms)) ctx.addIssue({ code: 'custom', message: `only durations to millisecond precision are supported (got "${value}")` });
  });
}

const nonNegativeInt32 = (what: string) => int32().min(0, { message: `${what} must not be negative` });

/** ConnectionPoolSettings.TCPSettings. */
export const tcpSettingsSchema = obj({
  maxConnections: nonNegativeInt32('max connections').optional(),
  connectTimeout: pbDuration().optional(),
  tcpKeepalive: obj({
    probes: uint32().optional(),
    time: pbDuration().optional(),
    interval: pbDuration().optional(),
  }).optional(),
  maxConnectionDuration: pbDuration().optional(),
  idleTimeout: pbDuration({ zeroDisables: true }).optional(),
});

/** ConnectionPoolSettings.HTTPSettings. */
export const httpSettingsSchema = obj({
  http1MaxPendingRequests: nonNegativeInt32('http1 max pending requests').optional(),
  http2MaxRequests: nonNegativeInt32('http2 max requests').optional(),
  maxRequestsPerConnection: nonNegativeInt32('max requests per connection').optional(),
  maxRetries: nonNegativeInt32('max retries').optional(),
  idleTimeout: pbDuration().optional(),
  h2UpgradePolicy: enumOf(['DEFAULT', 'DO_NOT_UPGRADE', 'UPGRADE']).optional(),
  useClientProtocol: bool().optional(),
  maxConcurrentStreams: nonNegativeInt32('max concurrent streams').optional(),
  http2KeepAlive: obj({
    interval: duration({ minMs: 1 }).optional(),
    timeout: duration({ minMs: 1 }).optional(),
  }).optional(),
}).superRefine((h, ctx) => {
  if (h.h2UpgradePolicy === 'UPGRADE' && h.useClientProtocol === true) {
    ctx.addIssue({ code: 'custom', path: ['useClientProtocol'], message: 'useClientProtocol must not be true when h2UpgradePolicy is UPGRADE' });
  }
});

/** Connection pool settings (DestinationRule traffic policies, Sidecar inbound pools). */
export const connectionPoolSettingsSchema = obj({
  tcp: tcpSettingsSchema.optional(),
  http: httpSettingsSchema.optional(),
}).superRefine((c, ctx) => {
  if (c.tcp === undefined && c.http === undefined) ctx.addIssue({ code: 'custom', message: 'connection pool must set at least one of tcp or http' });
});
export type ConnectionPoolSettings = z.infer<typeof connectionPoolSettingsSchema>;

const tlsProtocolVersion = () => enumOf(['TLS_AUTO', 'TLSV1_0', 'TLSV1_1', 'TLSV1_2', 'TLSV1_3']);
const isSet = (s: string | undefined): s is string => s !== undefined && s !== '';

export const serverTLSCertificateSchema = obj({
  serverCertificate: str().optional(),
  privateKey: str().optional(),
  caCertificates: str().optional(),
});

/** ServerTLSSettings: TLS of a Gateway server or a Sidecar ingress listener. */
export const serverTLSSettingsSchema = obj({
  httpsRedirect: bool().optional(),
  mode: enumOf(['PASSTHROUGH', 'SIMPLE', 'MUTUAL', 'AUTO_PASSTHROUGH', 'ISTIO_MUTUAL', 'OPTIONAL_MUTUAL']).optional(),
  serverCertificate: str().optional(),
  privateKey: str().optional(),
  caCertificates: str().optional(),
  caCertCredentialName: str().optional(),
  credentialName: str().optional(),
  credentialNames: z.array(str()).min(1, { message: 'credentialNames, when set, must name 1 or 2 credentials' }).max(2, { message: 'credentialNames, when set, must name 1 or 2 credentials' }).optional(),
  tlsCertificates: z.array(serverTLSCertificateSchema).min(1, { message: 'tlsCertificates, when set, must hold 1 or 2 certificates' }).max(2, { message: 'tlsCertificates, when set, must hold 1 or 2 certificates' }).optional(),
  subjectAltNames: z.array(str()).optional(),
  verifyCertificateSpki: z.array(str()).optional(),
  verifyCertificateHash: z.array(str()).optional(),
  minProtocolVersion: tlsProtocolVersion().optional(),
  maxProtocolVersion: tlsProtocolVersion().optional(),
  cipherSuites: z.array(str()).optional(),
  caCrl: str().optional(),
}).superRefine((t, ctx) => {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const credentialNames = (t.credentialNames ?? []).length > 0;
  const tlsCertificates = (t.tlsCertificates ?? []).length > 0;
  if (t.tlsCertificates !== undefined && t.credentialNames !== undefined) issue(['tlsCertificates'], 'only one of credentialNames or tlsCertificates can be set');
  if (t.credentialName !== undefined && t.credentialNames !== undefined) issue(['credentialNames'], 'only one of credentialName or credentialNames can be set');
  const mode = t.mode ?? 'PASSTHROUGH';
  if (mode === 'ISTIO_MUTUAL') {
    // Istio's own certificates: no other source may be named.
    if (isSet(t.serverCertificate)) issue(['serverCertificate'], 'ISTIO_MUTUAL TLS cannot have a server certificate');
    if (isSet(t.privateKey)) issue(['privateKey'], 'ISTIO_MUTUAL TLS cannot have a private key');
    if (isSet(t.caCertificates)) issue(['caCertificates'], 'ISTIO_MUTUAL TLS cannot have a CA bundle');
    if (tlsCertificates) issue(['tlsCertificates'], 'ISTIO_MUTUAL TLS cannot have tlsCertificates');
    if (isSet(t.credentialName)) issue(['credentialName'], 'ISTIO_MUTUAL TLS cannot have a credentialName');
    if (credentialNames) issue(['credentialNames'], 'ISTIO_MUTUAL TLS cannot have credentialNames');
    return;
  }
  const sources = [isSet(t.serverCertificate) && isSet(t.privateKey), isSet(t.credentialName), credentialNames, tlsCertificates].filter(Boolean).length;
  if (sources > 1) issue([], 'only one of credentialName, credentialNames, serverCertificate/privateKey or tlsCertificates can be set');
  const terminating = mode === 'SIMPLE' || mode === 'MUTUAL' || mode === 'OPTIONAL_MUTUAL';
  // Credentials fetched by name carry their own certificate, key and CA.
  if (terminating && (isSet(t.credentialName) || credentialNames)) return;
  if (terminating) {
    const what = mode === 'SIMPLE' ? 'SIMPLE TLS' : 'MUTUAL TLS';
    if (mode !== 'SIMPLE' && !isSet(t.caCertificates)) issue(['caCertificates'], `${what} requires a client CA bundle (caCertificates)`);
    if (tlsCertificates) {
      (t.tlsCertificates ?? []).forEach((c, i) => {
        if (!isSet(c.serverCertificate)) issue(['tlsCertificates', i, 'serverCertificate'], `${what} requires a server certificate`);
        if (!isSet(c.privateKey)) issue(['tlsCertificates', i, 'privateKey'], `${what} requires a private key`);
      });
    } else {
      if (!isSet(t.serverCertificate)) issue(['serverCertificate'], `${what} requires a server certificate (or credentialName)`);
      if (!isSet(t.privateKey)) issue(['privateKey'], `${what} requires a private key (or credentialName)`);
    }
  }
  if (isSet(t.caCrl)) {
    if (isSet(t.credentialName)) issue(['caCrl'], 'CRL is not supported with credentialName: put the CRL in the credential');
    if (mode === 'SIMPLE') issue(['caCrl'], 'CRL is not supported with SIMPLE TLS');
  }
});
export type ServerTLSSettings = z.infer<typeof serverTLSSettingsSchema>;

// ---------------------------------------------------------------------------------------------
// Istio's own name and address rules. They differ from Kubernetes' (names.ts): Istio's DNS labels
// take upper case, and its IP parsing is Go's `netip` (no leading zeros, zones allowed).
// ---------------------------------------------------------------------------------------------

const ISTIO_DNS_LABEL = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const ISTIO_WILDCARD_LABEL = /^(?:\*|(?:\*|\*-)?[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?)$/;

/** A DNS-1123 label as Istio checks it (port names, namespaces in exportTo): letters of either case. */
export function isIstioDnsLabel(s: string): boolean {
  return s.length <= 63 && ISTIO_DNS_LABEL.test(s);
}

/** Go's strconv.Atoi succeeds on the text (a signed decimal that fits in 64 bits). */
function isGoInt(s: string): boolean {
  if (!/^[+-]?\d+$/.test(s)) return false;
  const n = BigInt(s);
  return n <= 9223372036854775807n && n >= -9223372036854775808n;
}

function dnsLabelsProblem(domain: string): string | undefined {
  const parts = domain.split('.');
  const tld = parts[parts.length - 1] ?? '';
  if (isGoInt(tld)) return `top-level domain "${tld}" cannot be all numeric`;
  for (let i = 0; i < parts.length; i++) {
    const label = parts[i] ?? '';
    if (i === parts.length - 1 && label === '') return undefined; // a trailing dot is allowed
    if (!isIstioDnsLabel(label)) return `label "${label}" is not a valid DNS label`;
  }
  return undefined;
}

/** Why `name` is not a fully qualified domain name as Istio accepts one (no wildcards), or undefined. */
export function fqdnProblem(name: string): string | undefined {
  if (name.length === 0) return 'empty domain name';
  if (name.length > 255) return 'domain name is longer than 255 characters';
  return dnsLabelsProblem(name);
}

/** Why `name` is not a domain Istio accepts where a leading wildcard is allowed (`*`, `*.a.com`, `*x.a.com`). */
export function wildcardDomainProblem(name: string): string | undefined {
  if (name.length === 0) return 'empty domain name';
  if (name.length > 255) return 'domain name is longer than 255 characters';
  const dot = name.indexOf('.');
  const first = dot < 0 ? name : name.slice(0, dot);
  if (first.length > 63 || !ISTIO_WILDCARD_LABEL.test(first)) return `first label "${first}" is not a valid DNS label (a wildcard may only lead it)`;
  return dot < 0 ? undefined : dnsLabelsProblem(name.slice(dot + 1));
}

function ipv4Problem(s: string): string | undefined {
  const fields = s.split('.');
  if (fields.length !== 4) return 'an IPv4 address has four dot-separated fields';
  for (const f of fields) {
    if (!/^\d+$/.test(f)) return `IPv4 field "${f}" is not a decimal number`;
    if (f.length > 1 && f.startsWith('0')) return `IPv4 field "${f}" has a leading zero`;
    if (Number(f) > 255) return `IPv4 field "${f}" is above 255`;
  }
  return undefined;
}

function ipv6Problem(input: string): string | undefined {
  let s = input;
  const pct = s.indexOf('%');
  if (pct >= 0) {
    if (pct === s.length - 1) return 'zone after "%" must not be empty';
    s = s.slice(0, pct);
  }
  let bytes = 0;
  let ellipsis = -1;
  if (s.startsWith('::')) {
    ellipsis = 0;
    s = s.slice(2);
    if (s === '') return undefined;
  }
  while (bytes < 16) {
    const m = /^[0-9a-fA-F]*/.exec(s)?.[0] ?? '';
    if (m.length === 0) return 'each colon-separated field must have at least one hex digit';
    if (m.length > 4) return 'each group must have 4 or fewer hex digits';
    if (s[m.length] === '.') {
      if (ellipsis < 0 && bytes !== 12) return 'an embedded IPv4 address must replace the last two groups';
      if (bytes + 4 > 16) return 'too many groups to fit an embedded IPv4 address';
      const p = ipv4Problem(s);
      if (p) return p;
      s = '';
      bytes += 4;
      break;
    }
    bytes += 2;
    s = s.slice(m.length);
    if (s === '') break;
    if (s[0] !== ':') return `unexpected character "${s[0]}"`;
    if (s.length === 1) return 'an address must not end with a single ":"';
    s = s.slice(1);
    if (s[0] === ':') {
      if (ellipsis >= 0) return 'only one "::" is allowed';
      ellipsis = bytes;
      s = s.slice(1);
      if (s === '') break;
    }
  }
  if (s !== '') return 'trailing characters after the address';
  if (bytes < 16 && ellipsis < 0) return 'address is too short';
  if (bytes === 16 && ellipsis >= 0) return '"::" must stand for at least one group of zeros';
  return undefined;
}

/** Why `s` is not an IP address as Go's netip.ParseAddr reads one, or undefined. */
export function ipAddressProblem(s: string): string | undefined {
  for (const c of s) {
    if (c === '.') return ipv4Problem(s);
    if (c === ':') return ipv6Problem(s);
    if (c === '%') return 'missing IPv6 address before the zone';
  }
  return 'not an IP address';
}

/** Why `s` is not a CIDR prefix as Go's netip.ParsePrefix reads one, or undefined. */
export function ipPrefixProblem(s: string): string | undefined {
  const slash = s.lastIndexOf('/');
  if (slash < 0) return 'no "/" in prefix';
  const ip = s.slice(0, slash);
  const bits = s.slice(slash + 1);
  const p = ipAddressProblem(ip);
  if (p) return p;
  if (ip.includes('%')) return 'an IPv6 zone cannot be part of a prefix';
  if (!/^\d+$/.test(bits) || (bits.length > 1 && bits.startsWith('0'))) return `bad prefix length "${bits}"`;
  const max = ip.includes(':') ? 128 : 32;
  if (Number(bits) > max) return `prefix length ${bits} is above ${max}`;
  return undefined;
}

/** An IP address, or a CIDR block when the text holds a "/". */
export function ipOrCidrProblem(s: string): string | undefined {
  return s.includes('/') ? ipPrefixProblem(s) : ipAddressProblem(s);
}

// ---------------------------------------------------------------------------------------------
// Workload selection of the security kinds (PeerAuthentication, AuthorizationPolicy,
// RequestAuthentication): `selector` (istio.type.v1beta1.WorkloadSelector) or target references.
// ---------------------------------------------------------------------------------------------

/** istio.type.v1beta1.WorkloadSelector as Istio's CRD and webhook check it. */
export const policySelectorSchema = obj({
  matchLabels: z
    .record(z.string(), z.string().max(63, { message: 'label value must be at most 63 characters' }))
    .superRefine((m, ctx) => {
      const keys = Object.keys(m);
      if (keys.length > 4096) ctx.addIssue({ code: 'custom', message: 'at most 4096 labels can be matched' });
      for (const k of keys) {
        const v = m[k] ?? '';
        if (k === '') ctx.addIssue({ code: 'custom', path: [k], message: 'label key must not be empty' });
        if (k.includes('*') || v.includes('*')) ctx.addIssue({ code: 'custom', path: [k], message: `wildcard is not supported in selector: "${k}=${v}"` });
      }
    })
    .optional(),
});
export type PolicySelector = z.infer<typeof policySelectorSchema>;

const GROUP = /^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const KIND = /^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
/** The group/kind pairs a policy may target; the core group is written "" (or "core"). */
const TARGETABLE = [
  { group: 'core', kind: 'Service' },
  { group: 'networking.istio.io', kind: 'ServiceEntry' },
  { group: 'gateway.networking.k8s.io', kind: 'Gateway' },
  { group: 'gateway.networking.k8s.io', kind: 'GatewayClass' },
] as const;

/** istio.type.v1beta1.PolicyTargetReference with the CRD's patterns and the webhook's allowed kinds. */
export const policyTargetRefSchema = obj({
  group: z.string().max(253, { message: 'group must be at most 253 characters' }).regex(GROUP, { message: 'group must be a DNS subdomain (lower case) or empty' }).optional(),
  kind: z.string().min(1, { message: 'kind must not be empty' }).max(63, { message: 'kind must be at most 63 characters' }).regex(KIND, { message: 'kind must start with a letter and hold only letters, digits and "-"' }),
  name: z.string().min(1, { message: 'name must not be empty' }).max(253, { message: 'name must be at most 253 characters' }),
  namespace: z
    .string()
    .refine((ns) => ns === '', { message: 'cross namespace referencing is not currently supported: leave namespace unset' })
    .optional(),
}).superRefine((ref, ctx) => {
  const group = ref.group === undefined || ref.group === '' ? 'core' : ref.group;
  if (!TARGETABLE.some((t) => t.group === group && t.kind === ref.kind)) {
    const allowed = TARGETABLE.map((t) => `${t.group === 'core' ? '' : t.group}/${t.kind}`).join(', ');
    ctx.addIssue({ code: 'custom', path: ['kind'], message: `targetRef must refer to one of ${allowed}; got ${ref.group ?? ''}/${ref.kind}` });
  }
});
export type PolicyTargetRef = z.infer<typeof policyTargetRefSchema>;

/** `selector`, `targetRef` and `targetRefs`: the fields the security kinds use to pick workloads. */
export const policyTargetingShape = {
  selector: policySelectorSchema.optional(),
  targetRef: policyTargetRefSchema.optional(),
  targetRefs: z.array(policyTargetRefSchema).max(16, { message: 'at most 16 targetRefs can be set' }).optional(),
};

/** At most one of selector, targetRef and targetRefs (Istio refuses the spec if more are present). */
export function oneTargetingMode(spec: { selector?: unknown; targetRef?: unknown; targetRefs?: unknown }, ctx: z.RefinementCtx): void {
  const set = (['selector', 'targetRef', 'targetRefs'] as const).filter((k) => spec[k] !== undefined);
  if (set.length > 1) {
    ctx.addIssue({ code: 'custom', path: [set[1] as string], message: `only one of targetRefs or selector can be set (got ${set.join(' and ')})` });
  }
}
