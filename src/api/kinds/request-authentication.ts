/** security.istio.io RequestAuthentication. PLACEHOLDER: spec not yet described field by field. */
import { z } from 'zod';
import { obj } from '../schema/fields.js';
import { defineKind, statusField, SECURITY_VERSIONS } from './define.js';

export const requestAuthenticationSpecSchema = obj({}).passthrough();
export type RequestAuthenticationSpec = z.infer<typeof requestAuthenticationSpecSchema>;

export const RequestAuthentication = defineKind({
  kind: 'RequestAuthentication',
  group: 'security.istio.io',
  versions: SECURITY_VERSIONS,
  plural: 'requestauthentications',
  shortNames: ['ra'],
  body: { spec: requestAuthenticationSpecSchema, status: statusField },
});
export type RequestAuthenticationObject = z.infer<typeof RequestAuthentication.schema>;
