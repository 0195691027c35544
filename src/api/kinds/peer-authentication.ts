/** security.istio.io PeerAuthentication. PLACEHOLDER: spec not yet described field by field. */
import { z } from 'zod';
import { obj } from '../schema/fields.js';
import { defineKind, statusField, SECURITY_VERSIONS } from './define.js';

export const peerAuthenticationSpecSchema = obj({}).passthrough();
export type PeerAuthenticationSpec = z.infer<typeof peerAuthenticationSpecSchema>;

export const PeerAuthentication = defineKind({
  kind: 'PeerAuthentication',
  group: 'security.istio.io',
  versions: SECURITY_VERSIONS,
  plural: 'peerauthentications',
  shortNames: ['pa'],
  body: { spec: peerAuthenticationSpecSchema, status: statusField },
});
export type PeerAuthenticationObject = z.infer<typeof PeerAuthentication.schema>;
