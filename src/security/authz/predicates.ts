/**
 * FieldConfig → predicates over one request, built once per config. A field yields up to two
 * predicates, as Istio's generator does: "one of values" and "none of notValues".
 */
import type { AttributeConfig, FieldConfig, ValueMatchConfig } from './config.js';
import type { AnyAttributes } from './attributes.js';
import { compilePathTemplate, compileStringMatch } from './string-match.js';
import { ipInCidr, parseCidr } from './ip-match.js';

export interface Predicate {
  test(a: AnyAttributes): boolean;
  /** The clause, prefixed by the rule's policy id, for `firstFailedClause`. */
  label: string;
}

type ValueTest = (a: AnyAttributes) => boolean;

function headerText(a: AnyAttributes, name: string): string | undefined {
  const v = a.headers?.[name];
  if (v === undefined) return undefined;
  return typeof v === 'string' ? v : v.join(',');
}

/** The text an attribute reads, or undefined when the request has none. */
function textGetter(attr: AttributeConfig): (a: AnyAttributes) => string | undefined {
  switch (attr.kind) {
    case 'peerPrincipal': return (a) => (a.sourcePrincipal === '' ? undefined : a.sourcePrincipal);
    case 'sourceIp': return (a) => a.sourceIp;
    case 'remoteIp': return (a) => a.remoteIp ?? a.sourceIp;
    case 'destinationIp': return (a) => a.destinationIp;
    case 'sni': return (a) => a.sni ?? '';
    case 'host': return (a) => a.host;
    case 'method': return (a) => a.method;
    case 'path': return (a) => a.path;
    case 'header':
      if (attr.name === ':authority' || attr.name === 'host') return (a) => a.host ?? headerText(a, attr.name);
      if (attr.name === ':method') return (a) => a.method;
      if (attr.name === ':path') return (a) => a.path;
      return (a) => headerText(a, attr.name);
    default: return () => undefined;
  }
}

function claimAt(a: AnyAttributes, path: readonly string[]): unknown {
  let cur: unknown = a.jwtClaims;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function jwtPart(a: AnyAttributes, part: 'iss' | 'sub'): string | undefined {
  if (a.jwtClaims) {
    const v = a.jwtClaims[part];
    return typeof v === 'string' ? v : undefined;
  }
  const p = a.requestPrincipal;
  if (!p) return undefined;
  const idx = p.lastIndexOf('/');
  if (idx < 0) return part === 'iss' ? p : undefined;
  return part === 'iss' ? p.slice(0, idx) : p.slice(idx + 1);
}

function pathEnd(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 63 || c === 35) return i;
  }
  return s.length;
}

function valueTest(attr: AttributeConfig, v: ValueMatchConfig): ValueTest {
  if (attr.kind === 'metadata') return () => false;
  switch (v.kind) {
    case 'port': return attr.kind === 'destinationPort' ? (a) => a.destinationPort === v.port : () => false;
    case 'cidr': {
      const cidr = parseCidr(v.cidr);
      const get = textGetter(attr);
      return cidr ? (a) => ipInCidr(get(a) ?? '', cidr) : () => false;
    }
    case 'requestPrincipal': {
      const iss = compileStringMatch(v.iss);
      const sub = compileStringMatch(v.sub);
      return (a) => {
        const i = jwtPart(a, 'iss');
        const s = jwtPart(a, 'sub');
        return i !== undefined && s !== undefined && iss(i, i.length) && sub(s, s.length);
      };
    }
    case 'pathTemplate': {
      const re = compilePathTemplate(v.template);
      return (a) => {
        const p = a.path;
        if (p === undefined) return false;
        const end = pathEnd(p);
        return re.test(end === p.length ? p : p.slice(0, end));
      };
    }
    case 'present': {
      const get = textGetter(attr);
      return (a) => get(a) !== undefined;
    }
    case 'string': {
      const test = compileStringMatch(v.match);
      if (attr.kind === 'jwtClaim') {
        const path = attr.path;
        return (a) => {
          const c = claimAt(a, path);
          if (typeof c === 'string') return test(c, c.length);
          if (Array.isArray(c)) return c.some((e) => typeof e === 'string' && test(e, e.length));
          return false;
        };
      }
      if (attr.kind === 'path') {
        return (a) => {
          const p = a.path;
          return p !== undefined && test(p, pathEnd(p));
        };
      }
      const get = textGetter(attr);
      return (a) => {
        const s = get(a);
        return s !== undefined && test(s, s.length);
      };
    }
  }
}

function anyOf(tests: ValueTest[]): ValueTest {
  if (tests.length === 1) return tests[0] as ValueTest;
  return (a) => {
    for (const t of tests) if (t(a)) return true;
    return false;
  };
}

export function fieldPredicates(f: FieldConfig, ruleId: string): Predicate[] {
  const out: Predicate[] = [];
  if (f.values && f.values.length > 0) {
    const t = anyOf(f.values.map((v) => valueTest(f.attribute, v)));
    out.push({ test: t, label: `${ruleId}: ${f.clause}` });
  }
  if (f.notValues && f.notValues.length > 0) {
    const t = anyOf(f.notValues.map((v) => valueTest(f.attribute, v)));
    out.push({ test: (a) => !t(a), label: `${ruleId}: ${f.notClause}` });
  }
  return out;
}
