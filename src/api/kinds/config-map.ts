/** Kubernetes core/v1 ConfigMap: fields and rules of ValidateConfigMap. */
import { z } from 'zod';
import { bool, stringMap } from '../schema/fields.js';
import { defineKind } from './define.js';
import { configKeyProblem, withObjectRules } from './pod-spec.js';

/** ConfigMaps and Secrets hold at most 1 MiB. */
export const MAX_DATA_BYTES = 1024 * 1024;

/** Base64 as Go's encoding/json reads []byte: standard alphabet, padded; line breaks are ignored. */
export function base64Problem(value: string): string | undefined {
  const s = value.replace(/[\r\n]/g, '');
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s) || /=[^=]/.test(s)) return 'illegal base64 data: use standard base64 with padding (or put plain text in stringData)';
  return undefined;
}

export function base64DecodedLength(value: string): number {
  const s = value.replace(/[\r\n]/g, '');
  return (s.length / 4) * 3 - (s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0);
}

/** A map of data keyed by config keys (`[-._a-zA-Z0-9]+`); values checked by `valueProblem` when given. */
export function dataMap(valueProblem?: (v: string) => string | undefined) {
  return stringMap().superRefine((m, ctx) => {
    for (const [k, v] of Object.entries(m)) {
      const kp = configKeyProblem(k);
      if (kp) ctx.addIssue({ code: 'custom', path: [k], message: `invalid key "${k}": ${kp}` });
      const vp = valueProblem?.(v);
      if (vp) ctx.addIssue({ code: 'custom', path: [k], message: vp });
    }
  });
}

const configMapKind = defineKind({
  kind: 'ConfigMap',
  group: '',
  versions: ['v1'],
  namespaced: true,
  plural: 'configmaps',
  shortNames: ['cm'],
  body: {
    data: dataMap().optional(),
    binaryData: dataMap(base64Problem).optional(),
    immutable: bool().optional(),
  },
});

function checkConfigMap(cm: { data?: Record<string, string> | undefined; binaryData?: Record<string, string> | undefined }, ctx: z.RefinementCtx): void {
  let size = 0;
  for (const [k, v] of Object.entries(cm.data ?? {})) {
    size += Buffer.byteLength(k) + Buffer.byteLength(v);
    if (cm.binaryData && k in cm.binaryData) ctx.addIssue({ code: 'custom', path: ['data', k], message: `duplicate of key "${k}" present in binaryData` });
  }
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) size += Buffer.byteLength(k) + base64DecodedLength(v);
  if (size > MAX_DATA_BYTES) ctx.addIssue({ code: 'custom', path: ['data'], message: `too long: a ConfigMap holds at most ${MAX_DATA_BYTES} bytes (got ${size})` });
}

export const ConfigMap = withObjectRules(configMapKind, checkConfigMap);
export type ConfigMapObject = z.infer<typeof ConfigMap.schema>;
