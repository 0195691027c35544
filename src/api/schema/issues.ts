/** Turns zod's issues into the field paths and sentences tack shows a user. */
import type { z } from 'zod';
import { objectShape, schemaAt } from './walk.js';
import { didYouMean } from './suggest.js';

export interface FieldProblem {
  path: (string | number)[];
  message: string;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v)}`;
  return `${typeof v} ${String(v)}`;
}

function expectedName(expected: string): string {
  switch (expected) {
    case 'int':
      return 'an integer';
    case 'object':
      return 'an object';
    case 'array':
      return 'a list';
    case 'record':
      return 'a map';
    default:
      return `a ${expected}`;
  }
}

function toPath(path: readonly PropertyKey[]): (string | number)[] {
  return path.map((p) => (typeof p === 'number' ? p : String(p)));
}

export function problemsFromIssues(issues: readonly z.core.$ZodIssue[], root: unknown, schema: z.ZodType): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const issue of issues) {
    const path = toPath(issue.path);
    const value = valueAt(root, issue.path);
    switch (issue.code) {
      case 'unrecognized_keys': {
        const known = Object.keys(objectShape(schemaAt(schema, path) ?? schema) ?? {});
        for (const key of issue.keys) {
          const guess = didYouMean(key, known);
          out.push({ path: [...path, key], message: `unknown field "${key}"${guess ? `; did you mean "${guess}"?` : ''}` });
        }
        break;
      }
      case 'invalid_type':
        out.push({
          path,
          message: value === undefined ? 'required field is missing' : `must be ${expectedName(issue.expected)}, got ${describeValue(value)}`,
        });
        break;
      case 'invalid_value':
        out.push({ path, message: `unsupported value ${JSON.stringify(value)}: must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}` });
        break;
      case 'too_small':
      case 'too_big': {
        const custom = issue.message && !issue.message.startsWith('Too ') ? issue.message : undefined;
        const bound = issue.code === 'too_small' ? `at least ${String(issue.minimum)}` : `at most ${String(issue.maximum)}`;
        const what = issue.origin === 'string' ? `${bound} characters long` : issue.origin === 'array' ? `${bound} items` : bound;
        const got = typeof value === 'number' || typeof value === 'string' ? ` (got ${describeValue(value)})` : '';
        out.push({ path, message: `${custom ?? `must be ${what}`}${got}` });
        break;
      }
      case 'invalid_union': {
        const options = issue.errors.map((branch) => branch.map((i) => (i.code === 'invalid_type' ? expectedName(i.expected) : i.message)).join(', '));
        out.push({ path, message: `must be ${[...new Set(options)].join(' or ')}, got ${describeValue(value)}` });
        break;
      }
      default:
        out.push({ path, message: issue.message });
    }
  }
  return out;
}
