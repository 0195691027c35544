/** Kubernetes core/v1 Service: fields and rules of ValidateService (pkg/apis/core/validation). */
import { z } from 'zod';
import { obj, str, bool, int32, port, enumOf, labels } from '../schema/fields.js';
import { cidrProblem, dns1123SubdomainProblem, isIP, isIPv4, isIPv6 } from '../schema/names.js';
import { defineKind, statusField } from './define.js';
import { dnsLabel, portNumOrName, withObjectRules, nameRule, dns1035LabelProblem } from './pod-spec.js';

const ipOrNone = z.string().superRefine((v, ctx) => {
  if (v !== '' && v !== 'None' && !isIP(v)) ctx.addIssue({ code: 'custom', message: `invalid cluster IP "${v}": must be "None", "" or an IP address` });
});
const ipAddress = z.string().superRefine((v, ctx) => {
  if (!isIP(v)) ctx.addIssue({ code: 'custom', message: `invalid IP address "${v}"` });
});
const cidr = z.string().superRefine((v, ctx) => {
  const p = cidrProblem(v.trim());
  if (p) ctx.addIssue({ code: 'custom', message: `invalid CIDR "${v}": ${p}` });
});

export const servicePortSchema = obj({
  name: dnsLabel('port name').optional(),
  protocol: enumOf(['TCP', 'UDP', 'SCTP']).optional(),
  appProtocol: str().optional(),
  port: port(),
  /** The pod's port: a number, or the name of a container port. Defaults to `port`. */
  targetPort: portNumOrName().optional(),
  nodePort: port().optional(),
});
export type ServicePort = z.infer<typeof servicePortSchema>;

export const sessionAffinityConfigSchema = obj({
  clientIP: obj({
    timeoutSeconds: int32()
      .min(1, { message: 'must be greater than 0 and less than or equal to 86400' })
      .max(86400, { message: 'must be greater than 0 and less than or equal to 86400' })
      .optional(),
  }).optional(),
});

export const SERVICE_TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

export const serviceSpecSchema = obj({
  type: enumOf(SERVICE_TYPES).optional(),
  selector: labels().optional(),
  ports: z.array(servicePortSchema).optional(),
  clusterIP: ipOrNone.optional(),
  clusterIPs: z.array(ipOrNone).max(2, { message: 'may contain at most 2 IPs (one per IP family)' }).optional(),
  externalIPs: z.array(ipAddress).optional(),
  externalName: str().optional(),
  sessionAffinity: enumOf(['None', 'ClientIP']).optional(),
  sessionAffinityConfig: sessionAffinityConfigSchema.optional(),
  externalTrafficPolicy: enumOf(['Cluster', 'Local']).optional(),
  internalTrafficPolicy: enumOf(['Cluster', 'Local']).optional(),
  healthCheckNodePort: port().optional(),
  ipFamilies: z.array(enumOf(['IPv4', 'IPv6'])).max(2, { message: 'may contain at most 2 families' }).optional(),
  ipFamilyPolicy: enumOf(['SingleStack', 'PreferDualStack', 'RequireDualStack']).optional(),
  loadBalancerIP: str().optional(),
  loadBalancerSourceRanges: z.array(cidr).optional(),
  loadBalancerClass: str().optional(),
  allocateLoadBalancerNodePorts: bool().optional(),
  publishNotReadyAddresses: bool().optional(),
  trafficDistribution: str().optional(),
}).superRefine((s, ctx) => {
  const type = s.type ?? 'ClusterIP';
  const ports = s.ports ?? [];
  const headless = s.clusterIP === 'None';
  const issue = (path: (string | number)[], message: string): void => ctx.addIssue({ code: 'custom', path, message });

  if (type === 'ExternalName') {
    if (!s.externalName) issue(['externalName'], 'required field is missing for a Service of type ExternalName');
    else {
      const p = dns1123SubdomainProblem(s.externalName.endsWith('.') ? s.externalName.slice(0, -1) : s.externalName);
      if (p) issue(['externalName'], `invalid externalName "${s.externalName}": ${p}`);
    }
    if (s.clusterIP !== undefined && s.clusterIP !== '') issue(['clusterIP'], 'may not be set for a Service of type ExternalName');
  } else if (ports.length === 0 && !headless) {
    issue(['ports'], 'required field is missing: a Service needs at least one port');
  }

  const names = new Set<string>();
  const keys = new Set<string>();
  ports.forEach((p, i) => {
    if (ports.length > 1 && (p.name === undefined || p.name === '')) issue(['ports', i, 'name'], 'required when a Service has more than one port');
    if (p.name !== undefined) {
      if (names.has(p.name)) issue(['ports', i, 'name'], `duplicate port name "${p.name}"`);
      names.add(p.name);
    }
    const key = `${p.port}/${p.protocol ?? 'TCP'}`;
    if (keys.has(key)) issue(['ports', i], `duplicate port ${key}`);
    keys.add(key);
    if (p.nodePort !== undefined && type !== 'NodePort' && type !== 'LoadBalancer') issue(['ports', i, 'nodePort'], `may not be used when \`type\` is '${type}'`);
  });

  const first = s.clusterIPs?.[0];
  if (s.clusterIP !== undefined && first !== undefined && first !== s.clusterIP) issue(['clusterIPs', 0], 'must match `clusterIP`');
  const ips = (s.clusterIPs ?? []).filter((ip) => ip !== '' && ip !== 'None');
  if (ips.length === 2 && isIPv4(ips[0] as string) === isIPv4(ips[1] as string)) issue(['clusterIPs', 1], 'must be one IPv4 and one IPv6 address for a dual-stack Service');
  if (s.ipFamilies?.length === 2 && s.ipFamilies[0] === s.ipFamilies[1]) issue(['ipFamilies', 1], `duplicate IP family "${s.ipFamilies[1]}"`);
  if (s.ipFamilyPolicy === 'SingleStack' && ((s.ipFamilies?.length ?? 0) > 1 || ips.length > 1)) issue(['ipFamilyPolicy'], 'must be PreferDualStack or RequireDualStack when two IP families or cluster IPs are given');
  if (s.ipFamilies && ips.length > 0) {
    ips.forEach((ip, i) => {
      const family = isIPv6(ip) ? 'IPv6' : 'IPv4';
      if (s.ipFamilies?.[i] !== undefined && s.ipFamilies[i] !== family) issue(['clusterIPs', i], `must match the IP family ${s.ipFamilies[i]} in ipFamilies[${i}]`);
    });
  }

  if (s.sessionAffinityConfig !== undefined && s.sessionAffinity !== 'ClientIP') issue(['sessionAffinityConfig'], "must not be set when `sessionAffinity` is not 'ClientIP'");
  const externallyAccessible = type === 'NodePort' || type === 'LoadBalancer' || (type === 'ClusterIP' && (s.externalIPs ?? []).length > 0);
  if (s.externalTrafficPolicy !== undefined && !externallyAccessible) issue(['externalTrafficPolicy'], 'may only be set for externally-accessible services (type NodePort or LoadBalancer, or with externalIPs)');
  if (s.healthCheckNodePort !== undefined && !(type === 'LoadBalancer' && s.externalTrafficPolicy === 'Local')) issue(['healthCheckNodePort'], "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'");
  if (type !== 'LoadBalancer') {
    for (const field of ['loadBalancerSourceRanges', 'loadBalancerClass', 'allocateLoadBalancerNodePorts'] as const) {
      if (s[field] !== undefined) issue([field], "may only be used when `type` is 'LoadBalancer'");
    }
  }
});
export type ServiceSpec = z.infer<typeof serviceSpecSchema>;

const serviceKind = defineKind({
  kind: 'Service',
  group: '',
  versions: ['v1'],
  namespaced: true,
  plural: 'services',
  shortNames: ['svc'],
  body: { spec: serviceSpecSchema, status: statusField },
});
/** Service names are DNS-1035 labels: they become DNS names and environment variable prefixes. */
export const Service = withObjectRules(serviceKind, nameRule(dns1035LabelProblem));
export type ServiceObject = z.infer<typeof Service.schema>;
