/** Message types that several Istio kinds share. */
import { z } from 'zod';
import { obj, str, re2, atMostOne, matchLabels, port, stringMap, hostname } from '../schema/fields.js';
import { dns1123LabelProblem } from '../schema/names.js';

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
  host: hostname({ allowWildcard: false, allowBareWildcard: false }),
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

export const workloadSelectorSchema = obj({ matchLabels: matchLabels().optional() });

/** Kubernetes-Gateway-API-style policy target reference, used by newer Istio policies. */
export const policyTargetReferenceSchema = obj({
  group: str().optional(),
  kind: str(),
  name: str(),
  namespace: str().optional(),
});

export const exportToSchema = z.array(z.string());
