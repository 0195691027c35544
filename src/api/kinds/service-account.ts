/** Kubernetes core/v1 ServiceAccount. It has no spec: its fields sit at the top level. */
import { z } from 'zod';
import { obj, str, bool } from '../schema/fields.js';
import { defineKind } from './define.js';

export const objectReferenceSchema = obj({
  apiVersion: str().optional(),
  kind: str().optional(),
  name: str().optional(),
  namespace: str().optional(),
  uid: str().optional(),
  resourceVersion: str().optional(),
  fieldPath: str().optional(),
});
export type ObjectReference = z.infer<typeof objectReferenceSchema>;

export const localObjectReferenceSchema = obj({ name: str().optional() });
export type LocalObjectReference = z.infer<typeof localObjectReferenceSchema>;

export const ServiceAccount = defineKind({
  kind: 'ServiceAccount',
  group: '',
  versions: ['v1'],
  namespaced: true,
  plural: 'serviceaccounts',
  shortNames: ['sa'],
  body: {
    secrets: z.array(objectReferenceSchema).optional(),
    imagePullSecrets: z.array(localObjectReferenceSchema).optional(),
    automountServiceAccountToken: bool().optional(),
  },
});
export type ServiceAccountObject = z.infer<typeof ServiceAccount.schema>;
