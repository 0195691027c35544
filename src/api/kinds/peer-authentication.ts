/** security.istio.io PeerAuthentication: fields and rules of Istio's CRD schema and validation webhook. */
import { z } from 'zod';
import { obj, enumOf } from '../schema/fields.js';
import { defineKind, statusField, SECURITY_VERSIONS } from './define.js';
import { policySelectorSchema } from './common.js';

export const MTLS_MODES = ['UNSET', 'DISABLE', 'PERMISSIVE', 'STRICT'] as const;

export const peerAuthenticationMtlsSchema = obj({ mode: enumOf(MTLS_MODES).optional() });
export type PeerAuthenticationMtls = z.infer<typeof peerAuthenticationMtlsSchema>;

/** Map keys are port numbers written as text (YAML turns `8080:` into the key "8080"). */
const portLevelMtlsSchema = z.record(z.string(), peerAuthenticationMtlsSchema).superRefine((m, ctx) => {
  const keys = Object.keys(m);
  if (keys.length === 0) ctx.addIssue({ code: 'custom', message: 'portLevelMtls, if set, must have at least 1 port' });
  for (const key of keys) {
    if (!/^\d+$/.test(key)) ctx.addIssue({ code: 'custom', path: [key], message: `type conversion error from "${key}": a portLevelMtls key must be a port number` });
    else if (Number(key) < 1 || Number(key) > 65535) ctx.addIssue({ code: 'custom', path: [key], message: `port must be between 1-65535 (got ${key})` });
  }
});

export const peerAuthenticationSpecSchema = obj({
  selector: policySelectorSchema.optional(),
  mtls: peerAuthenticationMtlsSchema.optional(),
  portLevelMtls: portLevelMtlsSchema.optional(),
}).superRefine((pa, ctx) => {
  if (pa.portLevelMtls !== undefined && Object.keys(pa.selector?.matchLabels ?? {}).length === 0) {
    ctx.addIssue({ code: 'custom', path: ['portLevelMtls'], message: 'portLevelMtls requires selector: a mesh- or namespace-wide policy cannot set port-level mTLS' });
  }
});
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
