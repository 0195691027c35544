/** Route match settings, compiled once per configuration version. */
import type { RouteMatchConfig, StringMatcherConfig } from '../../compile/config.js';
import { compileFullMatch } from '../regex.js';

export type StringTest = (value: string) => boolean;

export function compileStringMatcher(m: StringMatcherConfig, ignoreCase = false): StringTest {
  if ('exact' in m) {
    const want = ignoreCase ? m.exact.toLowerCase() : m.exact;
    return ignoreCase ? (v) => v.toLowerCase() === want : (v) => v === want;
  }
  if ('prefix' in m) {
    const want = ignoreCase ? m.prefix.toLowerCase() : m.prefix;
    return ignoreCase ? (v) => v.toLowerCase().startsWith(want) : (v) => v.startsWith(want);
  }
  const re = compileFullMatch(m.regex, ignoreCase);
  return (v) => re.test(v);
}

/** What a route match looks at in a request; built once per request by the router. */
export interface RequestView {
  method: string;
  /** Path without the query string. */
  path: string;
  query: string;
  scheme: string;
  authority: string;
  headers: Record<string, string | string[] | undefined>;
}

export type RequestTest = (req: RequestView) => boolean;

function headerValue(headers: RequestView['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

function queryValue(query: string, name: string): string | undefined {
  if (!query) return undefined;
  for (const part of query.split('&')) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    if (decodeSafe(key) === name) return eq < 0 ? '' : decodeSafe(part.slice(eq + 1));
  }
  return undefined;
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** All conditions of one match block, ANDed. */
export function compileRouteMatch(m: RouteMatchConfig): RequestTest {
  const tests: RequestTest[] = [];
  if (m.uri) {
    // ignoreUriCase applies to exact and prefix only: Istio documents it so, and Envoy ignores
    // case_sensitive for safe_regex.
    const t = compileStringMatcher(m.uri, m.ignoreUriCase === true && !('regex' in m.uri));
    tests.push((r) => t(r.path));
  }
  if (m.method) {
    const t = compileStringMatcher(m.method);
    tests.push((r) => t(r.method));
  }
  if (m.scheme) {
    const t = compileStringMatcher(m.scheme);
    tests.push((r) => t(r.scheme));
  }
  if (m.authority) {
    const t = compileStringMatcher(m.authority);
    tests.push((r) => t(r.authority));
  }
  for (const h of m.headers ?? []) {
    const t = h.match ? compileStringMatcher(h.match) : undefined;
    const name = h.name;
    const present: RequestTest = (r) => {
      const v = headerValue(r.headers, name);
      return v !== undefined && (t === undefined || t(v));
    };
    tests.push(h.invert ? (r) => !present(r) : present);
  }
  for (const q of m.queryParams ?? []) {
    const t = q.match ? compileStringMatcher(q.match) : undefined;
    const name = q.name;
    tests.push((r) => {
      const v = queryValue(r.query, name);
      return v !== undefined && (t === undefined || t(v));
    });
  }
  if (tests.length === 0) return () => true;
  if (tests.length === 1) return tests[0] as RequestTest;
  return (r) => {
    for (const t of tests) if (!t(r)) return false;
    return true;
  };
}
