/**
 * Reads the structure of zod schemas: which fields exist under a path. Used for did-you-mean
 * suggestions, deprecation warnings and the field list of docs/compatibility.md.
 */
import type { z } from 'zod';
import { deprecationOf } from './fields.js';

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  getter?: () => z.ZodType;
  in?: z.ZodType;
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** Strips wrappers (optional, nullable, default, lazy, pipe) down to the schema that holds the data. */
export function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (let i = 0; i < 20; i++) {
    const d = defOf(s);
    if ((d.type === 'optional' || d.type === 'nullable' || d.type === 'default' || d.type === 'readonly' || d.type === 'nonoptional') && d.innerType) s = d.innerType;
    else if (d.type === 'lazy' && d.getter) s = d.getter();
    else if (d.type === 'pipe' && d.in) s = d.in;
    else break;
  }
  return s;
}

export function objectShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  const d = defOf(unwrap(schema));
  if (d.type === 'object') return d.shape;
  if (d.type === 'union' && d.options) {
    // A union of objects offers the fields of all its members.
    const merged: Record<string, z.ZodType> = {};
    for (const o of d.options) Object.assign(merged, objectShape(o) ?? {});
    return Object.keys(merged).length ? merged : undefined;
  }
  return undefined;
}

/** The schema at `path` below `schema`, following objects, arrays, records and unions. */
export function schemaAt(schema: z.ZodType, path: readonly (string | number)[]): z.ZodType | undefined {
  let s: z.ZodType | undefined = schema;
  for (const part of path) {
    if (!s) return undefined;
    const d = defOf(unwrap(s));
    if (typeof part === 'number' && d.type === 'array') s = d.element;
    else if (d.type === 'record') s = d.valueType;
    else s = objectShape(s)?.[String(part)];
  }
  return s;
}

export interface FieldInfo {
  /** `spec.http[].route[].weight`: `[]` marks a list, `{}` a map's values. */
  path: string;
  type: string;
  deprecated?: string;
}

function typeName(schema: z.ZodType): string {
  const d = defOf(unwrap(schema));
  switch (d.type) {
    case 'object':
      return 'object';
    case 'array':
      return `list of ${typeName(d.element as z.ZodType)}`;
    case 'record':
      return `map of ${typeName(d.valueType as z.ZodType)}`;
    case 'enum':
      return `enum`;
    case 'union':
      return (d.options ?? []).map(typeName).join(' or ');
    default:
      return d.type;
  }
}

/** Every field below `schema`, depth first, in declaration order. Recursive types stop at `maxDepth`. */
export function listFields(schema: z.ZodType, prefix = '', maxDepth = 12): FieldInfo[] {
  const out: FieldInfo[] = [];
  const visit = (s: z.ZodType, path: string, depth: number): void => {
    if (depth > maxDepth) return;
    const inner = unwrap(s);
    const d = defOf(inner);
    if (d.type === 'array' && d.element) return visit(d.element, `${path}[]`, depth);
    if (d.type === 'record' && d.valueType && objectShape(d.valueType)) return visit(d.valueType, `${path}{}`, depth);
    const shape = objectShape(inner);
    if (!shape) return;
    for (const [key, child] of Object.entries(shape)) {
      const childPath = path ? `${path}.${key}` : key;
      const dep = deprecationOf(child) ?? deprecationOf(unwrap(child));
      out.push({ path: childPath, type: typeName(child), ...(dep ? { deprecated: dep } : {}) });
      visit(child, childPath, depth + 1);
    }
  };
  visit(schema, prefix, 0);
  return out;
}
