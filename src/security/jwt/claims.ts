/**
 * JWT claims as the rest of the mesh sees them: the header values Envoy's claim_to_headers writes,
 * the space-delimited claims it turns into lists, and the `request.auth.*` attributes Istio's
 * authorization policies match on (iss/sub, aud, azp and nested claims of the verified payload).
 */
import type { JwtClaims } from './token.js';

const MAX_UINT64 = 2 ** 64;

/** A number as Envoy writes it into a header: integers plainly, anything else with six decimals. */
export function formatClaimNumber(n: number): string {
  if (n >= 0 && n < MAX_UINT64 && Number.isInteger(n)) return BigInt(n).toString();
  // C++'s std::to_string(double) is printf's %f; JS switches to exponents from 1e21 on.
  if (Math.abs(n) >= 1e21) return `${BigInt(Math.trunc(n)).toString()}.000000`;
  return n.toFixed(6);
}

/** The claim at a dotted path (`a.b.c`), walking nested objects. */
export function claimAtDottedPath(claims: JwtClaims, dotted: string): unknown {
  let cur: unknown = claims;
  for (const name of dotted.split('.')) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[name];
  }
  return cur;
}

/** The header value Envoy writes for a claim, or undefined when it writes none (objects, lists, '', absent). */
export function claimHeaderValue(claims: JwtClaims, dotted: string): string | undefined {
  const v = claimAtDottedPath(claims, dotted);
  let s: string | undefined;
  if (typeof v === 'string') s = v;
  else if (typeof v === 'number') s = formatClaimNumber(v);
  else if (typeof v === 'boolean') s = v ? 'true' : 'false';
  return s === '' ? undefined : s;
}

/** The payload with each listed top-level string claim split on spaces into a list. */
export function normalizeClaims(claims: JwtClaims, spaceDelimited: readonly string[]): JwtClaims {
  let out: Record<string, unknown> | undefined;
  for (const name of spaceDelimited) {
    const v = claims[name];
    if (typeof v !== 'string') continue;
    out ??= { ...claims };
    out[name] = v.split(' ').filter((s) => s !== '');
  }
  return out ?? claims;
}

/** `iss/sub`, the request principal; undefined when either claim is missing. */
export function jwtPrincipalOf(claims: JwtClaims): string | undefined {
  const { iss, sub } = claims;
  return typeof iss === 'string' && typeof sub === 'string' ? `${iss}/${sub}` : undefined;
}

/** A claim reached by a list of names, as `request.auth.claims[a][b]` names it. */
export function claimAtPath(claims: JwtClaims, path: readonly string[]): unknown {
  let cur: unknown = claims;
  for (const name of path) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[name];
  }
  return cur;
}

/**
 * The strings a claim offers to a match: itself when a string, its string elements when a list,
 * nothing otherwise (Envoy's metadata matcher matches strings and list elements only).
 */
export function claimStrings(claims: JwtClaims, path: readonly string[]): readonly string[] {
  const v = claimAtPath(claims, path);
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((e): e is string => typeof e === 'string');
  return [];
}

/** A `request.auth.*` attribute of an AuthorizationPolicy `when` key, resolved once when policies compile. */
export type RequestAuthAttribute = { kind: 'principal' } | { kind: 'claim'; path: readonly string[] };

/** Parses `request.auth.principal|audiences|presenter|claims[a][b]`; undefined for anything else. */
export function parseRequestAuthAttribute(key: string): RequestAuthAttribute | undefined {
  switch (key) {
    case 'request.auth.principal':
      return { kind: 'principal' };
    case 'request.auth.audiences':
      return { kind: 'claim', path: ['aud'] };
    case 'request.auth.presenter':
      return { kind: 'claim', path: ['azp'] };
  }
  const prefix = 'request.auth.claims';
  if (!key.startsWith(prefix)) return undefined;
  const path = bracketNames(key.slice(prefix.length));
  return path ? { kind: 'claim', path } : undefined;
}

/** `[a][b]` → ['a', 'b']; a text that is not a run of brackets but is one bracket pair → its inside. */
function bracketNames(s: string): string[] | undefined {
  const names: string[] = [];
  let i = 0;
  while (i < s.length) {
    const end = s[i] === '[' ? closing(s, i) : -1;
    if (end < 0) return s.length >= 2 && s.startsWith('[') && s.endsWith(']') ? [s.slice(1, -1)] : undefined;
    names.push(s.slice(i + 1, end));
    i = end + 1;
  }
  return names.length > 0 ? names : undefined;
}

function closing(s: string, open: number): number {
  for (let i = open + 1; i < s.length; i++) {
    if (s[i] === '[') return -1;
    if (s[i] === ']') return i;
  }
  return -1;
}

/** The values of an attribute for a verified payload (the principal as its one value, when present). */
export function requestAuthValues(claims: JwtClaims, attr: RequestAuthAttribute): readonly string[] {
  if (attr.kind === 'principal') {
    const p = jwtPrincipalOf(claims);
    return p === undefined ? [] : [p];
  }
  return claimStrings(claims, attr.path);
}
