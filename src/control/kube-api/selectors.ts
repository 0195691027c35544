/** Label and field selectors as the Kubernetes API reads them from `?labelSelector=` and `?fieldSelector=`. */
import { Status } from './status.js';

type Requirement =
  | { op: 'exists' | 'absent'; key: string }
  | { op: 'in' | 'notin'; key: string; values: string[] };

export type Selector = (labels: Readonly<Record<string, string>>) => boolean;

/** Splits on commas outside parentheses: `app in (a,b),tier=web`. */
function terms(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of text) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.map((t) => t.trim()).filter((t) => t !== '');
}

const KEY = String.raw`[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?`;
const VALUE = String.raw`([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?`;
const SET_RE = new RegExp(String.raw`^(${KEY})\s+(in|notin)\s+\(([^)]*)\)$`);
const EQ_RE = new RegExp(String.raw`^(${KEY})\s*(==|=|!=)\s*(${VALUE})$`);
const EXISTS_RE = new RegExp(String.raw`^(!?)\s*(${KEY})$`);

function requirement(term: string): Requirement {
  let m = SET_RE.exec(term);
  if (m) return { op: m[3] === 'in' ? 'in' : 'notin', key: m[1] ?? '', values: (m[4] ?? '').split(',').map((v) => v.trim()) };
  m = EQ_RE.exec(term);
  if (m) return { op: m[3] === '!=' ? 'notin' : 'in', key: m[1] ?? '', values: [m[4] ?? ''] };
  m = EXISTS_RE.exec(term);
  if (m) return { op: m[1] === '!' ? 'absent' : 'exists', key: m[2] ?? '' };
  throw Status.badRequest(`unable to parse requirement: found '${term}', expected: key, !key, key=value, key!=value, key in (values) or key notin (values)`);
}

export function parseLabelSelector(text: string | null): Selector {
  if (text === null || text.trim() === '') return () => true;
  const reqs = terms(text).map(requirement);
  return (labels) =>
    reqs.every((r) => {
      const has = Object.hasOwn(labels, r.key);
      switch (r.op) {
        case 'exists':
          return has;
        case 'absent':
          return !has;
        case 'in':
          return has && r.values.includes(labels[r.key] ?? '');
        case 'notin':
          return !has || !r.values.includes(labels[r.key] ?? '');
      }
      return false;
    });
}

export type FieldGetter = (path: string) => string | undefined;

/** `metadata.name=x,metadata.namespace!=y`: only the fields `known` names can be selected on. */
export function parseFieldSelector(text: string | null, known: readonly string[]): (get: FieldGetter) => boolean {
  if (text === null || text.trim() === '') return () => true;
  const reqs = terms(text).map((t) => {
    const m = /^([A-Za-z0-9.]+)\s*(==|=|!=)\s*(.*)$/.exec(t);
    if (!m) throw Status.badRequest(`invalid selector: '${text}'; can't understand '${t}'`);
    const field = m[1] ?? '';
    if (!known.includes(field)) throw Status.badRequest(`field label not supported: ${field}`);
    return { field, negate: m[2] === '!=', value: m[3] ?? '' };
  });
  return (get) => reqs.every((r) => (get(r.field) === r.value) !== r.negate);
}
