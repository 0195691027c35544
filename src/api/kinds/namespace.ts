/** Kubernetes core/v1 Namespace. PLACEHOLDER: fields not yet described one by one. */
import { z } from 'zod';
import { defineKind, statusField } from './define.js';

export const Namespace = defineKind({
  kind: 'Namespace',
  group: '',
  versions: ['v1'],
  namespaced: false,
  plural: 'namespaces',
  shortNames: ['ns'],
  body: { spec: z.record(z.string(), z.unknown()).optional(), status: statusField },
});
export type NamespaceObject = z.infer<typeof Namespace.schema>;
