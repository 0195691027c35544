/** Kubernetes core/v1 Pod. PLACEHOLDER: fields not yet described one by one. */
import { z } from 'zod';
import { defineKind, statusField } from './define.js';

export const Pod = defineKind({
  kind: 'Pod',
  group: '',
  versions: ['v1'],
  namespaced: true,
  plural: 'pods',
  shortNames: ['po'],
  body: { spec: z.record(z.string(), z.unknown()).optional(), status: statusField },
});
export type PodObject = z.infer<typeof Pod.schema>;
