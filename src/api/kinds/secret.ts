/** Kubernetes core/v1 Secret. PLACEHOLDER: fields not yet described one by one. */
import { z } from 'zod';
import { defineKind, statusField } from './define.js';

export const Secret = defineKind({
  kind: 'Secret',
  group: '',
  versions: ['v1'],
  namespaced: true,
  plural: 'secrets',
  shortNames: [],
  body: { spec: z.record(z.string(), z.unknown()).optional(), status: statusField },
});
export type SecretObject = z.infer<typeof Secret.schema>;
