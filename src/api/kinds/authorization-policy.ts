/** security.istio.io AuthorizationPolicy. PLACEHOLDER: spec not yet described field by field. */
import { z } from 'zod';
import { obj } from '../schema/fields.js';
import { defineKind, statusField, SECURITY_VERSIONS } from './define.js';

export const authorizationPolicySpecSchema = obj({}).passthrough();
export type AuthorizationPolicySpec = z.infer<typeof authorizationPolicySpecSchema>;

export const AuthorizationPolicy = defineKind({
  kind: 'AuthorizationPolicy',
  group: 'security.istio.io',
  versions: SECURITY_VERSIONS,
  plural: 'authorizationpolicies',
  shortNames: ['ap'],
  body: { spec: authorizationPolicySpecSchema, status: statusField },
});
export type AuthorizationPolicyObject = z.infer<typeof AuthorizationPolicy.schema>;
