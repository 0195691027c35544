/**
 * The key lookups of Istio's credential controller (pilot/pkg/credentials/kube/secrets.go), with
 * its exact error strings. Order matters: the generic `cert`/`key` pair is tried before
 * `tls.crt`/`tls.key`, and `cacert` before `ca.crt`.
 */
import type { SecretLike } from './config.js';

export const GENERIC_CERT = 'cert';
export const GENERIC_KEY = 'key';
export const GENERIC_CA = 'cacert';
export const TLS_CERT = 'tls.crt';
export const TLS_KEY = 'tls.key';
export const TLS_CA = 'ca.crt';

export type SecretData = ReadonlyMap<string, Buffer>;

/** `data` decoded from base64 with `stringData` laid over it, as the API server stores a Secret. */
export function secretData(s: SecretLike): SecretData {
  const out = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(s.data ?? {})) out.set(k, Buffer.from(v, 'base64'));
  for (const [k, v] of Object.entries(s.stringData ?? {})) out.set(k, Buffer.from(v, 'utf8'));
  return out;
}

const hasKeys = (d: SecretData, ...keys: string[]): boolean => keys.every((k) => d.has(k));
const hasValue = (d: SecretData, ...keys: string[]): boolean => keys.every((k) => (d.get(k)?.length ?? 0) > 0);
const quoted = (s: string): string => JSON.stringify(s);

/** Sorted key names, the first three and a count of the rest. */
export function truncatedKeysMessage(d: SecretData): string {
  const keys = [...d.keys()].sort();
  if (keys.length < 3) return keys.join(', ');
  return `${keys.slice(0, 3).join(', ')}, and ${keys.length - 3} more...`;
}

export type Extracted<T> = { ok: true; value: T; keys: string[] } | { ok: false; code: 'empty-keys' | 'missing-keys'; message: string };

export function extractCertAndKey(d: SecretData): Extracted<{ cert: Buffer; key: Buffer }> {
  for (const [c, k] of [[GENERIC_CERT, GENERIC_KEY], [TLS_CERT, TLS_KEY]] as const) {
    if (hasValue(d, c, k)) return { ok: true, value: { cert: d.get(c) as Buffer, key: d.get(k) as Buffer }, keys: [c, k] };
  }
  for (const [c, k] of [[GENERIC_CERT, GENERIC_KEY], [TLS_CERT, TLS_KEY]] as const) {
    if (hasKeys(d, c, k)) return { ok: false, code: 'empty-keys', message: `found keys ${quoted(c)} and ${quoted(k)}, but they were empty` };
  }
  return {
    ok: false,
    code: 'missing-keys',
    message: `found secret, but didn't have expected keys (${GENERIC_CERT} and ${GENERIC_KEY}) or (${TLS_CERT} and ${TLS_KEY}); found: ${truncatedKeysMessage(d)}`,
  };
}

export function extractRoot(d: SecretData): Extracted<Buffer> {
  for (const k of [GENERIC_CA, TLS_CA]) {
    if (hasValue(d, k)) return { ok: true, value: d.get(k) as Buffer, keys: [k] };
  }
  for (const k of [GENERIC_CA, TLS_CA]) {
    if (hasKeys(d, k)) return { ok: false, code: 'empty-keys', message: `found key ${quoted(k)}, but it was empty` };
  }
  return { ok: false, code: 'missing-keys', message: `found secret, but didn't have expected keys ${GENERIC_CA} or ${TLS_CA}; found: ${truncatedKeysMessage(d)}` };
}
