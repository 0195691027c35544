/** Kubernetes core/v1 Secret: fields and rules of ValidateSecret. */
import { z } from 'zod';
import { bool, str } from '../schema/fields.js';
import { defineKind } from './define.js';
import { base64Problem, base64DecodedLength, dataMap, MAX_DATA_BYTES } from './config-map.js';
import { withObjectRules } from './pod-spec.js';

/** Keys a Secret of a built-in type must hold (in data or stringData). */
const REQUIRED_KEYS: Record<string, readonly string[]> = {
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
};

const secretKind = defineKind({
  kind: 'Secret',
  group: '',
  versions: ['v1'],
  namespaced: true,
  plural: 'secrets',
  shortNames: [],
  body: {
    /** Values are base64; `stringData` takes plain text and wins over `data` for the same key. */
    data: dataMap(base64Problem).optional(),
    stringData: dataMap().optional(),
    type: str().optional(),
    immutable: bool().optional(),
  },
});

export const Secret = withObjectRules(secretKind, (s, ctx) => {
  const keys = new Set([...Object.keys(s.data ?? {}), ...Object.keys(s.stringData ?? {})]);
  const type = s.type ?? 'Opaque';
  for (const key of REQUIRED_KEYS[type] ?? []) {
    if (!keys.has(key)) ctx.addIssue({ code: 'custom', path: ['data', key], message: `required for a Secret of type ${type}` });
  }
  if (type === 'kubernetes.io/basic-auth' && !keys.has('username') && !keys.has('password')) {
    ctx.addIssue({ code: 'custom', path: ['data'], message: 'must contain at least one of username or password for a Secret of type kubernetes.io/basic-auth' });
  }
  if (type === 'kubernetes.io/service-account-token' && !s.metadata.annotations?.['kubernetes.io/service-account.name']) {
    ctx.addIssue({ code: 'custom', path: ['metadata', 'annotations', 'kubernetes.io/service-account.name'], message: 'required for a Secret of type kubernetes.io/service-account-token' });
  }
  let size = 0;
  for (const [k, v] of Object.entries(s.data ?? {})) if (!(k in (s.stringData ?? {}))) size += Buffer.byteLength(k) + base64DecodedLength(v);
  for (const [k, v] of Object.entries(s.stringData ?? {})) size += Buffer.byteLength(k) + Buffer.byteLength(v);
  if (size > MAX_DATA_BYTES) ctx.addIssue({ code: 'custom', path: ['data'], message: `too long: a Secret holds at most ${MAX_DATA_BYTES} bytes (got ${size})` });
});
export type SecretObject = z.infer<typeof Secret.schema>;
