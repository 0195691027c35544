/** Kubernetes apps/v1 Deployment. PLACEHOLDER: fields not yet described one by one. */
import { z } from 'zod';
import { defineKind, statusField } from './define.js';

export const Deployment = defineKind({
  kind: 'Deployment',
  group: 'apps',
  versions: ['v1'],
  namespaced: true,
  plural: 'deployments',
  shortNames: ['deploy'],
  body: { spec: z.record(z.string(), z.unknown()).optional(), status: statusField },
});
export type DeploymentObject = z.infer<typeof Deployment.schema>;
