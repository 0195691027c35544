/** Kubernetes core/v1 ConfigMap. PLACEHOLDER: fields not yet described one by one. */
import { z } from 'zod';
import { defineKind, statusField } from './define.js';

export const ConfigMap = defineKind({
  kind: 'ConfigMap',
  group: '',
  versions: ['v1'],
  namespaced: true,
  plural: 'configmaps',
  shortNames: ['cm'],
  body: { spec: z.record(z.string(), z.unknown()).optional(), status: statusField },
});
export type ConfigMapObject = z.infer<typeof ConfigMap.schema>;
