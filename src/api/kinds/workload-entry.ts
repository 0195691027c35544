/**
 * networking.istio.io WorkloadEntry: one non-Kubernetes workload (a VM, a bare-metal host). Its spec
 * is also the shape of ServiceEntry `endpoints`, so the rules that hold wherever the message is used
 * live on `workloadEntrySpecSchema`; the rules that depend on where it is used (which addresses are
 * allowed, which port names exist) are added by the kind that owns it.
 */
import { z } from 'zod';
import { obj, str } from '../schema/fields.js';
import { defineKind, statusField, NETWORKING_VERSIONS } from './define.js';
import { fqdnProblem, ipAddressProblem, isIstioDnsLabel, UNIX_ADDRESS_PREFIX } from './common.js';

const CRD_PORT_NAME = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const LABEL_NAME = /^(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(?:(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const DNS_PREFIX = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?)*$/;

/** Why `key` is not a label key as Istio checks workload labels (`prefix/name`), or undefined. */
function istioLabelKeyProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (!DNS_PREFIX.test(prefix) || prefix.length > 253)) return 'the prefix before "/" must be a DNS subdomain of at most 253 characters';
  if (!LABEL_NAME.test(name)) return 'the name must hold only letters, digits, "-", "_" or "." and start and end with a letter or digit';
  if (name.length > 63) return 'the name must be at most 63 characters';
  return undefined;
}

/** Workload labels: Istio checks the key and value syntax but not the value length. */
export function workloadLabels() {
  return z.record(z.string(), z.string()).superRefine((m, ctx) => {
    const keys = Object.keys(m);
    if (keys.length > 256) ctx.addIssue({ code: 'custom', message: `at most 256 labels are allowed (got ${keys.length})` });
    for (const k of keys) {
      const kp = istioLabelKeyProblem(k);
      if (kp) ctx.addIssue({ code: 'custom', path: [k], message: `invalid label key "${k}": ${kp}` });
      const v = m[k] ?? '';
      if (!LABEL_VALUE.test(v)) ctx.addIssue({ code: 'custom', path: [k], message: `invalid label value "${v}": must hold only letters, digits, "-", "_" or "." and start and end with a letter or digit` });
    }
  });
}

/** A port number in a uint32 field where Istio accepts only 1-65535. */
export function portNumber() {
  return z
    .number()
    .int({ message: 'must be an integer' })
    .min(0, { message: 'port must be between 1-65535' })
    .max(4294967295, { message: 'port must be between 1-65535' })
    .refine((n) => n >= 1 && n <= 65535, { message: 'port must be between 1-65535' });
}

/** Why `address` (after `unix://`) is not a Unix domain socket Istio accepts, or undefined. */
function udsProblem(address: string): string | undefined {
  const path = address.slice(UNIX_ADDRESS_PREFIX.length);
  if (path === '') return 'UDS must be an absolute path or abstract socket (nothing follows unix://)';
  if (!path.startsWith('/') && !path.startsWith('@')) return 'UDS must be an absolute path or abstract socket (/path or @name)';
  if (address.endsWith('/')) return 'UDS may not be a dir (the path ends with "/")';
  return undefined;
}

export const workloadEntrySpecSchema = obj({
  address: z
    .string()
    .max(256, { message: 'address must be at most 256 characters' })
    .superRefine((a, ctx) => {
      if (!a.startsWith(UNIX_ADDRESS_PREFIX)) return;
      const p = udsProblem(a);
      if (p) ctx.addIssue({ code: 'custom', message: p });
    })
    .optional(),
  ports: z
    .record(z.string(), portNumber())
    .superRefine((m, ctx) => {
      const names = Object.keys(m);
      if (names.length > 128) ctx.addIssue({ code: 'custom', message: `at most 128 ports are allowed (got ${names.length})` });
      for (const name of names) {
        if (name.length >= 63 || !CRD_PORT_NAME.test(name) || !isIstioDnsLabel(name)) {
          ctx.addIssue({ code: 'custom', path: [name], message: `invalid port name "${name}": port name must be valid (letters, digits and "-", at most 62 characters)` });
        }
      }
    })
    .optional(),
  labels: workloadLabels().optional(),
  network: str().max(2048, { message: 'network must be at most 2048 characters' }).optional(),
  locality: str().max(2048, { message: 'locality must be at most 2048 characters' }).optional(),
  weight: z.number().int({ message: 'must be an integer' }).min(0, { message: 'weight must not be negative' }).max(4294967295).optional(),
  serviceAccount: str().max(253, { message: 'serviceAccount must be at most 253 characters' }).optional(),
}).superRefine((we, ctx) => {
  if (!we.address && !we.network) ctx.addIssue({ code: 'custom', path: ['address'], message: 'Address is required (or set network for a workload reached through a gateway)' });
  if (we.address?.startsWith(UNIX_ADDRESS_PREFIX) && we.ports !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['ports'], message: 'UDS may not include ports: a unix:// address takes no ports' });
  }
});
export type WorkloadEntrySpec = z.infer<typeof workloadEntrySpecSchema>;

/** The address rule of a WorkloadEntry on its own: an IP, a unix:// socket, or a DNS name. */
const standaloneWorkloadEntrySpecSchema = workloadEntrySpecSchema.superRefine((we, ctx) => {
  const a = we.address;
  if (!a || a.startsWith(UNIX_ADDRESS_PREFIX) || ipAddressProblem(a) === undefined) return;
  const p = fqdnProblem(a);
  if (p) ctx.addIssue({ code: 'custom', path: ['address'], message: `address "${a}" is not a valid IP address or DNS name: ${p}` });
});

export const WorkloadEntry = defineKind({
  kind: 'WorkloadEntry',
  group: 'networking.istio.io',
  versions: NETWORKING_VERSIONS,
  plural: 'workloadentries',
  shortNames: ['we'],
  body: { spec: standaloneWorkloadEntrySpecSchema, status: statusField },
});
export type WorkloadEntryObject = z.infer<typeof WorkloadEntry.schema>;
