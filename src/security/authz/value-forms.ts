/**
 * The string forms Istio's authz matcher generates for each field (pilot/pkg/security/authz/
 * matcher and model/generator.go), expressed as tack's plain config.
 */
import type { StringMatchConfig, ValueMatchConfig } from './config.js';

const SPIFFE = 'spiffe://';

/** Go's regexp.QuoteMeta. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/** StringMatcherWithPrefix: `*` any non-empty, `*x` suffix, `x*` prefix, else exact; `prefix` is prepended. */
export function wildcardString(v: string, prefix = ''): StringMatchConfig {
  if (v === '*') return { kind: 'regex', regex: '.+' };
  if (v.startsWith('*')) {
    return prefix === '' ? { kind: 'suffix', value: v.slice(1) } : { kind: 'regex', regex: `${prefix}.*${quoteMeta(v.slice(1))}` };
  }
  if (v.endsWith('*')) return { kind: 'prefix', value: prefix + v.slice(0, -1) };
  return { kind: 'exact', value: prefix + v };
}

const str = (match: StringMatchConfig): ValueMatchConfig => ({ kind: 'string', match });

/** HeaderMatcher / HostMatcher: `*` is header presence; hosts compare without regard to case. */
export function headerValue(v: string, ignoreCase = false): ValueMatchConfig {
  if (v === '*') return { kind: 'present' };
  const ic = ignoreCase ? { ignoreCase: true as const } : {};
  if (v.startsWith('*')) return str({ kind: 'suffix', value: ignoreCase ? v.slice(1).toLowerCase() : v.slice(1), ...ic });
  if (v.endsWith('*')) return str({ kind: 'prefix', value: ignoreCase ? v.slice(0, -1).toLowerCase() : v.slice(0, -1), ...ic });
  return str({ kind: 'exact', value: ignoreCase ? v.toLowerCase() : v, ...ic });
}

export const principalValue = (v: string): ValueMatchConfig => str(wildcardString(v, SPIFFE));

export function namespaceValue(v: string): ValueMatchConfig {
  return str({ kind: 'regex', regex: `.*/ns/${v.split('*').map(quoteMeta).join('.*')}/.*` });
}

/** `sa` or `ns/sa`; a bare name means the policy's own namespace. */
export function serviceAccountValue(v: string, policyNamespace: string): ValueMatchConfig {
  const slash = v.indexOf('/');
  const ns = slash < 0 ? policyNamespace : v.slice(0, slash);
  const sa = slash < 0 ? v : v.slice(slash + 1);
  return str({ kind: 'regex', regex: `spiffe://.+/ns/${quoteMeta(ns)}/(.+/|)sa/${quoteMeta(sa)}(/.+)?` });
}

export function trustDomainValue(v: string): ValueMatchConfig {
  if (v === '*') return str({ kind: 'prefix', value: SPIFFE });
  const star = v.indexOf('*');
  if (star < 0) return str({ kind: 'prefix', value: `${SPIFFE}${v}/` });
  return str({ kind: 'regex', regex: `spiffe://${quoteMeta(v.slice(0, star))}[^/]*${quoteMeta(v.slice(star + 1))}/.*` });
}

const ANY: StringMatchConfig = { kind: 'regex', regex: '.+' };

/** `iss/sub` split at the last `/` (issuers are URLs), each half with Istio's wildcard rules. */
export function requestPrincipalValue(v: string): ValueMatchConfig {
  const idx = v.lastIndexOf('/');
  const found = idx >= 0;
  const iss = found ? v.slice(0, idx) : v;
  const sub = found ? v.slice(idx + 1) : '';
  const exact = (value: string): StringMatchConfig => ({ kind: 'exact', value });
  let mi: StringMatchConfig;
  let ms: StringMatchConfig;
  if (v === '*') [mi, ms] = [ANY, ANY];
  else if (v.startsWith('*')) {
    if (found) [mi, ms] = [iss === '*' ? ANY : { kind: 'suffix', value: iss.slice(1) }, exact(sub)];
    else [mi, ms] = [ANY, { kind: 'suffix', value: v.slice(1) }];
  } else if (v.endsWith('*')) {
    if (found) [mi, ms] = [exact(iss), sub === '*' ? ANY : { kind: 'prefix', value: sub.slice(0, -1) }];
    else [mi, ms] = [{ kind: 'prefix', value: v.slice(0, -1) }, ANY];
  } else [mi, ms] = [exact(iss), exact(sub)];
  return { kind: 'requestPrincipal', iss: mi, sub: ms };
}

/** A single address becomes a /32 or /128 block, as Istio's AddrStrToCidrRange does. */
export function cidrValue(v: string): ValueMatchConfig {
  return { kind: 'cidr', cidr: v.includes('/') ? v : `${v}/${v.includes(':') ? 128 : 32}` };
}

export const portValue = (v: string): ValueMatchConfig => ({ kind: 'port', port: Number(v) });

export function pathValue(v: string): ValueMatchConfig {
  if (v.includes('{*}') || v.includes('{**}')) return { kind: 'pathTemplate', template: v.replaceAll('{**}', '**').replaceAll('{*}', '*') };
  return str(wildcardString(v));
}

export const plainValue = (v: string): ValueMatchConfig => str(wildcardString(v));
