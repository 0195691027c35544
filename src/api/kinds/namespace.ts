/** Kubernetes core/v1 Namespace. */
import { z } from 'zod';
import { obj } from '../schema/fields.js';
import { dns1123LabelProblem, labelKeyProblem } from '../schema/names.js';
import { defineKind, statusField } from './define.js';
import { withObjectRules, nameRule } from './pod-spec.js';

/** Finalizer names are qualified names, such as `kubernetes` or `example.com/cleanup`. */
const finalizerName = z.string().superRefine((v, ctx) => {
  const p = labelKeyProblem(v);
  if (p) ctx.addIssue({ code: 'custom', message: `invalid finalizer name "${v}": ${p}` });
});

export const namespaceSpecSchema = obj({ finalizers: z.array(finalizerName).optional() });
export type NamespaceSpec = z.infer<typeof namespaceSpecSchema>;

const namespaceKind = defineKind({
  kind: 'Namespace',
  group: '',
  versions: ['v1'],
  namespaced: false,
  plural: 'namespaces',
  shortNames: ['ns'],
  body: { spec: namespaceSpecSchema.optional(), status: statusField },
});
/** Namespace names are DNS-1123 labels (no dots, at most 63 characters). */
export const Namespace = withObjectRules(namespaceKind, nameRule(dns1123LabelProblem));
export type NamespaceObject = z.infer<typeof Namespace.schema>;
