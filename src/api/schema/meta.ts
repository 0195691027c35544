import { z } from 'zod';
import { obj, str, labels, stringMap, int64 } from './fields.js';
import { dns1123SubdomainProblem, dns1123LabelProblem } from './names.js';

/** ObjectMeta: the fields a manifest may carry, including ones a cluster fills in (kept, not used). */
export const objectMetaSchema = obj({
  name: z.string().superRefine((v, ctx) => {
    const p = dns1123SubdomainProblem(v);
    if (p) ctx.addIssue({ code: 'custom', message: `invalid name "${v}": ${p}` });
  }),
  namespace: z
    .string()
    .superRefine((v, ctx) => {
      const p = dns1123LabelProblem(v);
      if (p) ctx.addIssue({ code: 'custom', message: `invalid namespace "${v}": ${p}` });
    })
    .optional(),
  labels: labels().optional(),
  annotations: stringMap().optional(),
  generateName: str().optional(),
  uid: str().optional(),
  resourceVersion: str().optional(),
  generation: int64().optional(),
  creationTimestamp: z.union([z.string(), z.null()]).optional(),
  deletionTimestamp: str().optional(),
  deletionGracePeriodSeconds: int64().optional(),
  ownerReferences: z.array(z.record(z.string(), z.unknown())).optional(),
  finalizers: z.array(z.string()).optional(),
  managedFields: z.array(z.record(z.string(), z.unknown())).optional(),
  selfLink: str().optional(),
});

export type ObjectMeta = z.infer<typeof objectMetaSchema>;
