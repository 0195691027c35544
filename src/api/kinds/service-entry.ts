/**
 * networking.istio.io ServiceEntry: fields and rules of Istio's CRD schema and validation webhook.
 * The rules that tie fields together (resolution and endpoints, addresses, ports and hosts) are
 * `superRefine`s on the spec, with paths pointing at the field that breaks them.
 */
import { z } from 'zod';
import { obj, str, enumOf } from '../schema/fields.js';
import { defineKind, statusField, NETWORKING_VERSIONS } from './define.js';
import {
  fqdnProblem, ipAddressProblem, ipOrCidrProblem, isIstioDnsLabel, wildcardDomainProblem, UNIX_ADDRESS_PREFIX,
} from './common.js';
import { isHTTPProtocol, isTLSProtocol, parseProtocol } from '../protocols.js';
import { workloadEntrySpecSchema, portNumber } from './workload-entry.js';

export const servicePortSchema = obj({
  number: portNumber(),
  protocol: str()
    .max(256, { message: 'protocol must be at most 256 characters' })
    .refine((p) => p === '' || parseProtocol(p) !== undefined, {
      message: 'unsupported protocol: use HTTP, HTTPS, HTTP2, GRPC, GRPC-WEB, TCP, TLS, UDP, MONGO, MYSQL, REDIS or HTTP_PROXY',
    })
    .optional(),
  name: str().refine((n) => isIstioDnsLabel(n), { message: 'port name must be a DNS label: letters, digits and "-", at most 63 characters' }),
  targetPort: portNumber().optional(),
});
export type ServicePort = z.infer<typeof servicePortSchema>;

/** networking.WorkloadSelector: the `labels` of the workloads a ServiceEntry selects. */
export const serviceEntryWorkloadSelectorSchema = obj({
  labels: z
    .record(z.string(), z.string().max(63, { message: 'label value must be at most 63 characters' }))
    .superRefine((m, ctx) => {
      const keys = Object.keys(m);
      if (keys.length > 256) ctx.addIssue({ code: 'custom', message: `at most 256 labels can be selected (got ${keys.length})` });
      for (const k of keys) {
        const v = m[k] ?? '';
        if (k === '') ctx.addIssue({ code: 'custom', path: [k], message: 'empty key is not supported in selector' });
        if (k.includes('*') || v.includes('*')) ctx.addIssue({ code: 'custom', path: [k], message: `wildcard is not supported in selector: "${k}=${v}"` });
      }
    })
    .optional(),
});
export type ServiceEntryWorkloadSelector = z.infer<typeof serviceEntryWorkloadSelectorSchema>;

/**
 * exportTo of a ServiceEntry: ".", "*", "~" (no one) or namespace names, without repeats; "*" and
 * "~" stand alone. (Istio also refuses "." next to the resource's own namespace name; that needs
 * metadata.namespace, which a spec schema does not see.)
 */
export const serviceEntryExportToSchema = z.array(z.string()).superRefine((list, ctx) => {
  const seen = new Set<string>();
  list.forEach((e, i) => {
    if (seen.has(e)) {
      ctx.addIssue({ code: 'custom', path: [i], message: `duplicate entry "${e}" in exportTo` });
      return;
    }
    if (e !== '.' && e !== '*' && e !== '~' && !isIstioDnsLabel(e)) {
      ctx.addIssue({ code: 'custom', path: [i], message: `invalid exportTo entry "${e}": use ".", "*", "~" or a namespace name` });
      return;
    }
    seen.add(e);
  });
  if (list.length > 1 && seen.has('*')) ctx.addIssue({ code: 'custom', message: 'cannot have both public (*) and non-public exportTo values' });
  if (list.length > 1 && seen.has('~')) ctx.addIssue({ code: 'custom', message: 'cannot export a service entry to no one (~) and to someone' });
});

export const RESOLUTIONS = ['NONE', 'STATIC', 'DNS', 'DNS_ROUND_ROBIN', 'DYNAMIC_DNS'] as const;

export const serviceEntrySpecSchema = obj({
  hosts: z
    .array(
      z.string().superRefine((h, ctx) => {
        if (h === '*') {
          ctx.addIssue({ code: 'custom', message: 'hostname cannot be wildcard "*"' });
          return;
        }
        const p = wildcardDomainProblem(h);
        if (p) ctx.addIssue({ code: 'custom', message: `invalid host "${h}": ${p}` });
      }),
    )
    .min(1, { message: 'service entry must have at least one host' })
    .max(256, { message: 'at most 256 hosts are allowed' }),
  addresses: z
    .array(
      z
        .string()
        .max(64, { message: 'address must be at most 64 characters' })
        .superRefine((a, ctx) => {
          const p = ipOrCidrProblem(a);
          if (p) ctx.addIssue({ code: 'custom', message: `invalid address "${a}": not an IP address or CIDR block (${p})` });
        }),
    )
    .max(256, { message: 'at most 256 addresses are allowed' })
    .optional(),
  ports: z.array(servicePortSchema).max(256, { message: 'at most 256 ports are allowed' }).optional(),
  location: enumOf(['MESH_EXTERNAL', 'MESH_INTERNAL']).optional(),
  resolution: enumOf(RESOLUTIONS).optional(),
  endpoints: z.array(workloadEntrySpecSchema).max(4096, { message: 'at most 4096 endpoints are allowed' }).optional(),
  workloadSelector: serviceEntryWorkloadSelectorSchema.optional(),
  exportTo: serviceEntryExportToSchema.optional(),
  subjectAltNames: z.array(str()).optional(),
}).superRefine((se, ctx) => {
  const resolution = se.resolution ?? 'NONE';
  const ports = se.ports ?? [];
  const endpoints = se.endpoints ?? [];

  if (se.workloadSelector !== undefined && se.endpoints !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['endpoints'], message: 'only one of WorkloadSelector or Endpoints can be set' });
  }

  const cidr = (se.addresses ?? []).findIndex((a) => a.includes('/'));
  if (cidr >= 0 && resolution !== 'NONE' && resolution !== 'STATIC') {
    ctx.addIssue({ code: 'custom', path: ['addresses', cidr], message: `CIDR addresses are allowed only for NONE/STATIC resolution types (resolution is ${resolution})` });
  }

  const names = new Map<string, number>();
  const numbers = new Map<number, number>();
  ports.forEach((p, i) => {
    if (names.has(p.name)) ctx.addIssue({ code: 'custom', path: ['ports', i, 'name'], message: `Duplicate value: port name "${p.name}" is already used by ports[${names.get(p.name)}]` });
    else names.set(p.name, i);
    if (numbers.has(p.number)) ctx.addIssue({ code: 'custom', path: ['ports', i, 'number'], message: `port number cannot be duplicated: ${p.number} is already used by ports[${numbers.get(p.number)}]` });
    else numbers.set(p.number, i);
  });

  if (resolution === 'NONE' && se.endpoints !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['endpoints'], message: 'NONE mode cannot set endpoints: set resolution to STATIC or DNS' });
  }
  if (resolution === 'DNS_ROUND_ROBIN' && endpoints.length > 1) {
    ctx.addIssue({ code: 'custom', path: ['endpoints'], message: `DNS_ROUND_ROBIN mode cannot have multiple endpoints (got ${endpoints.length})` });
  }
  if ((resolution === 'DNS' || resolution === 'DNS_ROUND_ROBIN') && endpoints.length === 0) {
    se.hosts.forEach((h, i) => {
      if (fqdnProblem(h)) ctx.addIssue({ code: 'custom', path: ['hosts', i], message: `hosts must be FQDN if no endpoints are provided for resolution mode ${resolution} (got "${h}")` });
    });
  }

  if (resolution === 'STATIC' || resolution === 'DNS' || resolution === 'DNS_ROUND_ROBIN') {
    endpoints.forEach((ep, i) => {
      const a = ep.address ?? '';
      const unix = a.startsWith(UNIX_ADDRESS_PREFIX);
      if (resolution === 'STATIC') {
        if (a !== '' && !unix && ipAddressProblem(a)) ctx.addIssue({ code: 'custom', path: ['endpoints', i, 'address'], message: `endpoint address "${a}" is not a valid IP address (resolution STATIC)` });
        if (unix && ports.length !== 1) ctx.addIssue({ code: 'custom', path: ['endpoints', i, 'address'], message: `exactly 1 service port required for unix endpoints (got ${ports.length})` });
      } else if (ipAddressProblem(a) && fqdnProblem(a)) {
        ctx.addIssue({ code: 'custom', path: ['endpoints', i, 'address'], message: `endpoint address "${a}" is not a valid FQDN or an IP address (resolution ${resolution})` });
      }
      for (const name of Object.keys(ep.ports ?? {})) {
        if (!names.has(name)) ctx.addIssue({ code: 'custom', path: ['endpoints', i, 'ports', name], message: `endpoint port "${name}" is not defined by the service entry's ports` });
      }
    });
  }

  if (resolution !== 'NONE' && se.hosts.length > 1) {
    const opaque = ports.findIndex((p) => !isHTTPProtocol(parseProtocol(p.protocol ?? '')) && !isTLSProtocol(parseProtocol(p.protocol ?? '')));
    if (opaque >= 0) {
      ctx.addIssue({ code: 'custom', path: ['ports', opaque, 'protocol'], message: `multiple hosts provided with non-HTTP, non-TLS ports (resolution ${resolution}): a proxy cannot tell the hosts apart` });
    }
  }
});
export type ServiceEntrySpec = z.infer<typeof serviceEntrySpecSchema>;

export const ServiceEntry = defineKind({
  kind: 'ServiceEntry',
  group: 'networking.istio.io',
  versions: NETWORKING_VERSIONS,
  plural: 'serviceentries',
  shortNames: ['se'],
  body: { spec: serviceEntrySpecSchema, status: statusField },
});
export type ServiceEntryObject = z.infer<typeof ServiceEntry.schema>;
