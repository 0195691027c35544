/** Kubernetes core/v1 ServiceAccount. PLACEHOLDER: fields not yet described one by one. */
import { z } from 'zod';
import { defineKind, statusField } from './define.js';

export const ServiceAccount = defineKind({
  kind: 'ServiceAccount',
  group: '',
  versions: ['v1'],
  namespaced: true,
  plural: 'serviceaccounts',
  shortNames: ['sa'],
  body: { spec: z.record(z.string(), z.unknown()).optional(), status: statusField },
});
export type ServiceAccountObject = z.infer<typeof ServiceAccount.schema>;
