/**
 * Writes through the Kubernetes API: one object, validated by tack's own validation and stored by the
 * same path `tack apply` takes, so an invalid object changes nothing and is refused with each field named.
 */
import type { Check, Resource } from '../../api/index.js';
import type { ConfigStore } from '../../store/index.js';
import { applyFiles, validateFiles, type ApplyResult } from '../apply.js';
import { runProblems } from '../../platform/local/runner.js';
import { Status, type StatusCause } from './status.js';
import type { ApiResource } from './catalog.js';

/** What manifests written through this API are said to come from (in `tack analyze` and `tack get`). */
export const KUBE_API_SOURCE = '<kubernetes-api>';

export interface WriteTarget {
  type: ApiResource;
  namespace: string | undefined;
  name: string;
}

function reasonOf(c: Check): string {
  if (/required field is missing|Required/i.test(c.message)) return 'FieldValueRequired';
  if (/unknown field|unrecognized/i.test(c.message)) return 'FieldValueNotSupported';
  return 'FieldValueInvalid';
}

function causesOf(checks: readonly Check[]): StatusCause[] {
  return checks.filter((c) => c.level === 'Error').map((c) => ({ reason: reasonOf(c), message: `${c.message} [${c.code}]`, field: c.path || '<root>' }));
}

/** The envelope checks the API server makes before admission: kind, group and identity agree with the URL. */
export function checkEnvelope(body: Record<string, unknown>, target: WriteTarget): void {
  const kind = body.kind;
  if (kind !== undefined && kind !== target.type.kind) throw Status.badRequest(`the kind in the data (${String(kind)}) does not match the expected kind (${target.type.kind})`);
  const av = typeof body.apiVersion === 'string' ? body.apiVersion : undefined;
  const group = av?.includes('/') ? av.slice(0, av.indexOf('/')) : '';
  if (av !== undefined && group !== target.type.group) throw Status.badRequest(`the API version in the data (${av}) does not match the expected API version (${target.type.group ? `${target.type.group}/` : ''}${target.type.versions[0] ?? ''})`);
  const meta = (body.metadata ?? {}) as Record<string, unknown>;
  if (target.namespace !== undefined && meta.namespace !== undefined && meta.namespace !== target.namespace) {
    throw Status.badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  if (target.name !== '' && meta.name !== undefined && meta.name !== target.name) throw Status.badRequest(`the name of the object (${String(meta.name)}) does not match the name on the URL (${target.name})`);
}

function manifest(body: Record<string, unknown>, target: WriteTarget): { files: { name: string; text: string }[]; namespace?: string } {
  return { files: [{ name: KUBE_API_SOURCE, text: JSON.stringify(body, null, 2) }], ...(target.namespace ? { namespace: target.namespace } : {}) };
}

export interface Admitted {
  resource: Resource;
  warnings: Check[];
}

/**
 * Validates and (unless `dryRun`) stores one object. Throws a 422 Status naming every field that is wrong.
 * `body` is already in storage form (see `forStorage`).
 */
export function admit(store: ConfigStore, body: Record<string, unknown>, target: WriteTarget, opts: { runnable: boolean; dryRun: boolean }): Admitted {
  const req = manifest(body, target);
  let result: ApplyResult;
  let resource: Resource | undefined;
  if (opts.dryRun) {
    const v = validateFiles(req);
    const checks = [...v.checks];
    if (opts.runnable) for (const p of runProblems(v.resources)) checks.push({ code: 'TK0201', level: 'Error', path: 'spec.template.spec.containers', message: p });
    result = checks.some((c) => c.level === 'Error') ? { ok: false, checks } : { ok: true, changes: [], warnings: checks.filter((c) => c.level === 'Warning') };
    resource = v.resources[0];
  } else {
    result = applyFiles(store, req, opts);
    resource = result.ok ? store.get(target.type.kind, target.namespace, target.name) : undefined;
  }
  if (!result.ok) throw Status.invalid(target.type.kind, target.type.group, target.name, causesOf(result.checks));
  if (!resource) throw Status.invalid(target.type.kind, target.type.group, target.name, [{ reason: 'FieldValueInvalid', field: '<root>', message: 'the object was not accepted' }]);
  return { resource, warnings: result.warnings };
}

export function remove(store: ConfigStore, targets: readonly WriteTarget[]): void {
  store.delete(targets.map((t) => ({ kind: t.type.kind, namespace: t.namespace, name: t.name })));
}
