/** Validation of loaded documents: envelope, kind and version, schema, semantic rules, deprecations. */
import type { z } from 'zod';
import { Codes, formatPath, type Check, type ResourceRef } from './checks.js';
import type { LoadedDocument, PathPart } from './yaml/load.js';
import type { Resource } from './resource.js';
import { KINDS, kindInfo, apiVersionsOf, type KindInfo } from './kinds/index.js';
import { problemsFromIssues } from './schema/issues.js';
import { objectShape, unwrap } from './schema/walk.js';
import { deprecationOf } from './schema/fields.js';
import { didYouMean } from './schema/suggest.js';

export interface ValidateOptions {
  /** Namespace for namespaced resources that name none (kubectl's `-n`). */
  defaultNamespace?: string;
}

export interface ValidationResult {
  /** Set when the document is valid: only such resources are ever stored or served. */
  resource?: Resource;
  /**
   * Set when the document is an identifiable resource (known kind and version, a name) but invalid.
   * `tack analyze` still checks it against the others, as istioctl does; nothing else may use it,
   * and code reading it must not trust its fields.
   */
  unchecked?: Resource;
  checks: Check[];
}

/** Kubernetes and Istio treat an explicit `null` as an absent field (`args:` with nothing after it). */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = withoutNulls(v);
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Walks a valid value beside its schema and reports every deprecated field that is set. */
function deprecations(schema: z.ZodType, value: unknown, path: PathPart[], out: { path: PathPart[]; advice: string }[]): void {
  if (Array.isArray(value)) {
    const d = (unwrap(schema) as unknown as { _zod: { def: { type: string; element?: z.ZodType } } })._zod.def;
    if (d.type === 'array' && d.element) value.forEach((v, i) => deprecations(d.element as z.ZodType, v, [...path, i], out));
    return;
  }
  if (!isRecord(value)) return;
  const shape = objectShape(schema);
  if (!shape) {
    const d = (unwrap(schema) as unknown as { _zod: { def: { type: string; valueType?: z.ZodType } } })._zod.def;
    if (d.type === 'record' && d.valueType) for (const [k, v] of Object.entries(value)) deprecations(d.valueType, v, [...path, k], out);
    return;
  }
  for (const [key, child] of Object.entries(value)) {
    const field = shape[key];
    if (!field) continue;
    const advice = deprecationOf(field) ?? deprecationOf(unwrap(field));
    if (advice) out.push({ path: [...path, key], advice });
    deprecations(field, child, [...path, key], out);
  }
}

export function validateDocument(doc: LoadedDocument, opts: ValidateOptions = {}): ValidationResult {
  const checks: Check[] = [];
  const at = (path: PathPart[], message: string, code: string = Codes.SchemaValidationError, level: Check['level'] = 'Error', resource?: ResourceRef): void => {
    checks.push({ code, level, path: formatPath(path), message, source: { file: doc.file, line: doc.lineOf(path) }, ...(resource ? { resource } : {}) });
  };
  const value = withoutNulls(doc.value);
  if (!isRecord(value)) {
    at([], `a manifest must be a mapping with apiVersion, kind and metadata; got ${Array.isArray(value) ? 'a list' : typeof value}`);
    return { checks };
  }
  const kind = value.kind;
  const apiVersion = value.apiVersion;
  const meta = isRecord(value.metadata) ? value.metadata : undefined;
  const name = typeof meta?.name === 'string' ? meta.name : undefined;
  if (typeof kind !== 'string' || kind === '') {
    at(['kind'], kind === undefined ? 'required field is missing' : 'must be a non-empty string');
    return { checks };
  }
  const info: KindInfo | undefined = kindInfo(kind);
  const refNs = typeof meta?.namespace === 'string' ? meta.namespace : info?.namespaced === false ? undefined : opts.defaultNamespace ?? 'default';
  const ref: ResourceRef | undefined = name !== undefined ? { kind, name, ...(refNs && info?.namespaced !== false ? { namespace: refNs } : {}) } : undefined;
  if (!info) {
    const guess = didYouMean(kind, KINDS.map((k) => k.kind));
    if (guess) at(['kind'], `unknown kind "${kind}"; did you mean "${guess}"?`, Codes.UnknownKind, 'Error', ref);
    // A Warning, not Info: apply and up print warnings, and a document dropped without a word looks applied.
    else at([], `kind "${kind}" is not one tack reads; the document is ignored`, Codes.UnknownKind, 'Warning', ref ?? { kind, name: '(no name)' });
    return { checks };
  }
  const versions = apiVersionsOf(info);
  if (typeof apiVersion !== 'string' || !versions.includes(apiVersion)) {
    at(['apiVersion'], apiVersion === undefined ? `required field is missing; ${kind} takes ${versions.join(', ')}` : `unsupported apiVersion ${JSON.stringify(apiVersion)} for ${kind}: use ${versions.join(', ')}`, Codes.SchemaValidationError, 'Error', ref);
    return { checks };
  }
  if (info.istio && value.spec === undefined) {
    at(['spec'], 'required field is missing', Codes.SchemaValidationError, 'Error', ref);
    return { checks };
  }
  const parsed = info.schema.safeParse(value);
  const dep: { path: PathPart[]; advice: string }[] = [];
  deprecations(info.schema, value, [], dep);
  for (const d of dep) at(d.path, `deprecated field: ${d.advice}`, Codes.Deprecated, 'Warning', ref);
  const makeResource = (object: Record<string, unknown>, metadata: Resource['metadata']): Resource => ({
    apiVersion,
    kind,
    name: metadata.name,
    namespace: info.namespaced ? metadata.namespace ?? opts.defaultNamespace ?? 'default' : undefined,
    metadata,
    object,
    source: { file: doc.file, line: doc.line },
    lineOf: doc.lineOf,
  });
  if (!parsed.success) {
    for (const p of problemsFromIssues(parsed.error.issues, value, info.schema)) at(p.path, p.message, Codes.SchemaValidationError, 'Error', ref);
    if (name === undefined || !meta) return { checks };
    return { unchecked: makeResource(value, { ...meta, name } as Resource['metadata']), checks };
  }
  const object = parsed.data as Record<string, unknown>;
  return { resource: makeResource(object, object.metadata as Resource['metadata']), checks };
}

/** Validates every document; duplicates (same kind, namespace, name) are errors, the later one refused. */
export function validateDocuments(docs: readonly LoadedDocument[], opts: ValidateOptions = {}): { resources: Resource[]; unchecked: Resource[]; checks: Check[] } {
  const resources: Resource[] = [];
  const unchecked: Resource[] = [];
  const checks: Check[] = [];
  const seen = new Map<string, Resource>();
  for (const doc of docs) {
    const r = validateDocument(doc, opts);
    checks.push(...r.checks);
    if (r.unchecked) unchecked.push(r.unchecked);
    if (!r.resource) continue;
    const key = `${r.resource.kind}/${r.resource.namespace ?? ''}/${r.resource.name}`;
    const prior = seen.get(key);
    if (prior) {
      checks.push({
        code: Codes.SchemaValidationError,
        level: 'Error',
        path: 'metadata.name',
        message: `duplicate ${r.resource.kind} "${r.resource.name}": already defined at ${prior.source.file}:${prior.source.line}`,
        resource: { kind: r.resource.kind, name: r.resource.name, ...(r.resource.namespace ? { namespace: r.resource.namespace } : {}) },
        source: { file: doc.file, line: doc.lineOf(['metadata', 'name']) },
      });
      continue;
    }
    seen.set(key, r.resource);
    resources.push(r.resource);
  }
  return { resources, unchecked, checks };
}
