/** networking.istio.io Sidecar: fields of Istio's v1 API, rules of its CRD schema and webhook. */
import { z } from 'zod';
import { obj, str, uint32, enumOf, deprecated } from '../schema/fields.js';
import { defineKind, statusField, NETWORKING_VERSIONS } from './define.js';
import {
  serverTLSSettingsSchema, connectionPoolSettingsSchema, namespacedHostProblems,
  unixAddressProblem, isIPAddress, isIstioDnsLabel, fqdnProblem, wildcardDomainProblem, UNIX_ADDRESS_PREFIX,
} from './common.js';
import { parseProtocol, isTLSProtocol } from '../protocols.js';

type Issue = (path: (string | number)[], message: string) => void;
const issuer = (ctx: z.RefinementCtx): Issue => (path, message) => ctx.addIssue({ code: 'custom', path, message });

export const sidecarPortSchema = obj({
  number: uint32().optional(),
  protocol: str().optional(),
  name: str().optional(),
  targetPort: deprecated(uint32(), 'targetPort has no effect on sidecars; remove it').optional(),
});
export type SidecarPort = z.infer<typeof sidecarPortSchema>;

const captureModeSchema = enumOf(['DEFAULT', 'IPTABLES', 'NONE']);

/** Checks shared by ingress and egress ports (except the number, whose rules differ). */
function portNameAndProtocol(port: SidecarPort, issue: Issue): void {
  if (port.name && !isIstioDnsLabel(port.name)) issue(['port', 'name'], `invalid port name "${port.name}": must be a DNS label`);
  if (port.protocol && parseProtocol(port.protocol) === undefined) issue(['port', 'protocol'], `unsupported protocol "${port.protocol}"`);
  if ((port.targetPort ?? 0) > 0) issue(['port', 'targetPort'], 'targetPort has no effect on sidecars and must not be set');
}

function portNumber(n: number, issue: Issue): void {
  if (n < 1 || n > 65535) issue(['port', 'number'], `port number ${n} must be in the range 1..65535`);
}

/** `127.0.0.1:PORT`, `0.0.0.0:PORT`, `[::1]:PORT`, `[::]:PORT`, `:PORT` or `unix://path`. */
function defaultEndpointProblems(ep: string): string[] {
  if (ep.startsWith(UNIX_ADDRESS_PREFIX)) {
    const p = unixAddressProblem(ep.slice(UNIX_ADDRESS_PREFIX.length));
    return p ? [p] : [];
  }
  let host: string;
  let port: string;
  const out: string[] = [];
  if (ep.startsWith('[')) {
    const close = ep.indexOf(']');
    if (close < 0 || ep[close + 1] !== ':') return [`defaultEndpoint "${ep}" is not of the form host:port`];
    host = ep.slice(1, close);
    port = ep.slice(close + 2);
  } else {
    const colon = ep.lastIndexOf(':');
    if (colon < 0) return [`defaultEndpoint "${ep}" is missing a port`];
    host = ep.slice(0, colon);
    port = ep.slice(colon + 1);
    if (host.includes(':')) return [`defaultEndpoint "${ep}" has too many colons (put IPv6 addresses in brackets)`];
  }
  if (host !== '' && !['127.0.0.1', '0.0.0.0', '::1', '::'].includes(host)) {
    out.push('defaultEndpoint must be 127.0.0.1:<port>, 0.0.0.0:<port>, [::1]:<port>, [::]:<port>, unix://<path>, or unset');
  }
  if (!/^[+-]?\d+$/.test(port)) out.push(`defaultEndpoint port "${port}" is not a number`);
  else if (Number(port) < 1 || Number(port) > 65535) out.push(`defaultEndpoint port ${port} must be in the range 1..65535`);
  return out;
}

export const istioIngressListenerSchema = obj({
  port: sidecarPortSchema,
  bind: str().optional(),
  captureMode: captureModeSchema.optional(),
  defaultEndpoint: str().optional(),
  tls: serverTLSSettingsSchema.optional(),
  connectionPool: connectionPoolSettingsSchema.optional(),
}).superRefine((l, ctx) => {
  const issue = issuer(ctx);
  portNameAndProtocol(l.port, issue);
  portNumber(l.port.number ?? 0, issue);
  if (l.bind && !isIPAddress(l.bind)) issue(['bind'], `bind "${l.bind}" is not a valid IP address`);
  if (l.defaultEndpoint) for (const p of defaultEndpointProblems(l.defaultEndpoint)) issue(['defaultEndpoint'], p);
  const tls = l.tls;
  if (tls) {
    if ((tls.subjectAltNames ?? []).length > 0) issue(['tls', 'subjectAltNames'], 'subjectAltNames is not supported in sidecar ingress tls');
    if (tls.httpsRedirect === true) issue(['tls', 'httpsRedirect'], 'httpsRedirect is not supported in sidecar ingress tls');
    if (tls.credentialName) issue(['tls', 'credentialName'], 'credentialName is not supported in sidecar ingress tls');
    if ((tls.credentialNames ?? []).length > 0) issue(['tls', 'credentialNames'], 'credentialNames is not supported in sidecar ingress tls');
    if ((tls.tlsCertificates ?? []).length > 0) issue(['tls', 'tlsCertificates'], 'tlsCertificates is not supported in sidecar ingress tls');
    if (tls.mode === 'ISTIO_MUTUAL' || tls.mode === 'AUTO_PASSTHROUGH') issue(['tls', 'mode'], `mode ${tls.mode} cannot be used in sidecar ingress tls`);
    if (!isTLSProtocol(parseProtocol(l.port.protocol ?? ''))) issue(['tls'], 'a listener with TLS settings must use protocol HTTPS or TLS');
  }
});
export type IstioIngressListener = z.infer<typeof istioIngressListenerSchema>;

export const istioEgressListenerSchema = obj({
  port: sidecarPortSchema.optional(),
  bind: str().optional(),
  captureMode: captureModeSchema.optional(),
  hosts: z.array(str()),
}).superRefine((l, ctx) => {
  const issue = issuer(ctx);
  if (l.hosts.length === 0) issue(['hosts'], 'egress listener must have at least one host');
  l.hosts.forEach((h, i) => {
    for (const p of namespacedHostProblems(h, 'sidecar')) issue(['hosts', i], p);
  });
  if (!l.port) return;
  portNameAndProtocol(l.port, issue);
  const bind = l.bind ?? '';
  if ((l.port.number ?? 0) === 0) {
    // Port 0 means a Unix domain socket listener.
    if (!bind.startsWith(UNIX_ADDRESS_PREFIX)) issue(['bind'], 'a listener on port 0 must bind to a unix:// domain socket');
    else {
      const p = unixAddressProblem(bind.slice(UNIX_ADDRESS_PREFIX.length));
      if (p) issue(['bind'], p);
    }
    if (l.captureMode === 'IPTABLES') issue(['captureMode'], 'captureMode must be DEFAULT or NONE for unix domain socket listeners');
  } else {
    portNumber(l.port.number ?? 0, issue);
    if (bind !== '' && !isIPAddress(bind)) issue(['bind'], `bind "${bind}" is not a valid IP address`);
  }
});
export type IstioEgressListener = z.infer<typeof istioEgressListenerSchema>;

export const outboundTrafficPolicySchema = obj({
  mode: enumOf(['REGISTRY_ONLY', 'ALLOW_ANY']).optional(),
  egressProxy: deprecated(
    obj({
      host: str(),
      subset: str().optional(),
      port: obj({ number: uint32().optional() }).optional(),
    }),
    'Istio ignores egressProxy; route egress through an egress gateway instead',
  ).optional(),
}).superRefine((t, ctx) => {
  const issue = issuer(ctx);
  const proxy = t.egressProxy;
  if (!proxy) return;
  if (t.mode !== 'ALLOW_ANY') return issue(['egressProxy'], 'egressProxy can only be set with mode ALLOW_ANY');
  const p = proxy.host === '*' ? 'the wildcard "*" is not a host' : fqdnProblem(proxy.host) ?? wildcardDomainProblem(proxy.host);
  if (p) issue(['egressProxy', 'host'], `invalid egressProxy host "${proxy.host}": ${p}`);
  if (!proxy.port) return issue(['egressProxy', 'port'], 'egressProxy must name a port');
  if (proxy.subset && !isIstioDnsLabel(proxy.subset)) issue(['egressProxy', 'subset'], `invalid subset name "${proxy.subset}"`);
  const n = proxy.port.number ?? 0;
  if (n < 1 || n > 65535) issue(['egressProxy', 'port', 'number'], `port number ${n} must be in the range 1..65535`);
});
export type OutboundTrafficPolicy = z.infer<typeof outboundTrafficPolicySchema>;

export const sidecarWorkloadSelectorSchema = obj({
  labels: z.record(z.string(), z.string().max(63, { message: 'label value must be at most 63 characters' })).superRefine((m, ctx) => {
    if (Object.keys(m).length > 256) ctx.addIssue({ code: 'custom', message: 'at most 256 labels' });
    for (const [k, v] of Object.entries(m)) {
      if (k === '') ctx.addIssue({ code: 'custom', path: [k], message: 'empty label key is not supported in selector' });
      if (k.includes('*') || v.includes('*')) ctx.addIssue({ code: 'custom', path: [k], message: 'wildcard is not supported in selector' });
    }
  }).optional(),
});

export const sidecarSpecSchema = obj({
  workloadSelector: sidecarWorkloadSelectorSchema.optional(),
  ingress: z.array(istioIngressListenerSchema).optional(),
  egress: z.array(istioEgressListenerSchema).optional(),
  inboundConnectionPool: connectionPoolSettingsSchema.optional(),
  outboundTrafficPolicy: outboundTrafficPolicySchema.optional(),
}).superRefine((s, ctx) => {
  const issue = issuer(ctx);
  const ingress = s.ingress ?? [];
  const egress = s.egress ?? [];
  if (ingress.length === 0 && egress.length === 0 && !s.outboundTrafficPolicy && !s.inboundConnectionPool) {
    return issue([], 'sidecar configuration is empty: set egress, ingress, outboundTrafficPolicy or inboundConnectionPool');
  }
  const ingressPorts = new Set<number>();
  ingress.forEach((l, i) => {
    const n = l.port.number ?? 0;
    if (ingressPorts.has(n)) issue(['ingress', i, 'port', 'number'], `ports of ingress listeners must be unique: ${n} is used twice`);
    ingressPorts.add(n);
  });
  const egressPorts = new Set<number>();
  const sockets = new Set<string>();
  let catchAll = false;
  egress.forEach((l, i) => {
    if (!l.port) {
      // At most one listener without a port, and it must come last.
      if (catchAll) issue(['egress', i], 'egress can have only one listener without a port');
      else if (i !== egress.length - 1) issue(['egress', i], 'the egress listener without a port must be the last one');
      else catchAll = true;
      return;
    }
    const n = l.port.number ?? 0;
    if (n === 0) {
      const bind = l.bind ?? '';
      if (sockets.has(bind)) issue(['egress', i, 'bind'], 'unix domain sockets of egress listeners must be unique');
      sockets.add(bind);
    } else {
      if (egressPorts.has(n)) issue(['egress', i, 'port', 'number'], `ports of egress listeners must be unique: ${n} is used twice`);
      egressPorts.add(n);
    }
  });
});
export type SidecarSpec = z.infer<typeof sidecarSpecSchema>;

export const Sidecar = defineKind({
  kind: 'Sidecar',
  group: 'networking.istio.io',
  versions: NETWORKING_VERSIONS,
  plural: 'sidecars',
  shortNames: [],
  body: { spec: sidecarSpecSchema, status: statusField },
});
export type SidecarObject = z.infer<typeof Sidecar.schema>;
