/** Kubernetes core/v1 Pod. Its spec is the PodSpec shared with Deployment templates (pod-spec.ts). */
import type { z } from 'zod';
import { defineKind, statusField } from './define.js';
import { podSpecSchema } from './pod-spec.js';

export type { PodSpec, Container, ContainerPort, EnvVar, EnvVarSource, EnvFromSource, Probe, VolumeMount, Volume } from './pod-spec.js';

export const Pod = defineKind({
  kind: 'Pod',
  group: '',
  versions: ['v1'],
  namespaced: true,
  plural: 'pods',
  shortNames: ['po'],
  body: { spec: podSpecSchema, status: statusField },
});
export type PodObject = z.infer<typeof Pod.schema>;
