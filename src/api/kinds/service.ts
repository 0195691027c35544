/** Kubernetes core/v1 Service. PLACEHOLDER: fields not yet described one by one. */
import { z } from 'zod';
import { defineKind, statusField } from './define.js';

export const Service = defineKind({
  kind: 'Service',
  group: '',
  versions: ['v1'],
  namespaced: true,
  plural: 'services',
  shortNames: ['svc'],
  body: { spec: z.record(z.string(), z.unknown()).optional(), status: statusField },
});
export type ServiceObject = z.infer<typeof Service.schema>;
