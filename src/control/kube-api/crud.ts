/** get, list, create, update, patch, delete and delete-collection over the store. */
import type { Check } from '../../api/index.js';
import { formatCheck } from '../../api/index.js';
import type { ApiResource } from './catalog.js';
import { forStorage, type KubeObject } from './objects.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import { Status } from './status.js';
import { toTable, type IncludeObject } from './tables.js';
import { admit, checkEnvelope, remove, type WriteTarget } from './write.js';
import { applyPatch } from './patch/index.js';
import type { ObjectView } from './view.js';
import type { ConfigStore } from '../../store/index.js';

export interface CrudContext {
  store: ConfigStore;
  view: ObjectView;
  runnable: boolean;
  now(): number;
  /** Called after every change, so the answer goes once proxies have it (as `tack apply` waits). */
  settle(): Promise<void>;
}

export interface ObjectRequest {
  type: ApiResource;
  version: string;
  namespace: string | undefined;
  name: string | undefined;
  query: URLSearchParams;
  accept: string;
}

export interface Answer {
  status: number;
  body: unknown;
  warnings?: string[];
}

const FIELDS = ['metadata.name', 'metadata.namespace'];
const POD_FIELDS = [...FIELDS, 'status.phase', 'spec.nodeName', 'spec.serviceAccountName', 'status.podIP'];

function field(o: KubeObject, path: string): string | undefined {
  let v: unknown = o;
  for (const p of path.split('.')) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
  return v === undefined ? undefined : String(v);
}

/** Objects of the request's type that its namespace and selectors pick. */
export function selected(ctx: CrudContext, req: ObjectRequest): KubeObject[] {
  const labels = parseLabelSelector(req.query.get('labelSelector'));
  const fields = parseFieldSelector(req.query.get('fieldSelector'), req.type.kind === 'Pod' ? POD_FIELDS : FIELDS);
  return ctx.view.list(req.type, req.version, req.type.namespaced ? req.namespace : undefined).filter((o) => labels((o.metadata.labels ?? {}) as Record<string, string>) && fields((p) => field(o, p)));
}

export function wantsTable(accept: string): boolean {
  return accept.split(',').some((p) => p.includes('as=Table') && p.includes('g=meta.k8s.io'));
}

function includeObject(q: URLSearchParams): IncludeObject {
  const v = q.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

function present(ctx: CrudContext, req: ObjectRequest, objects: KubeObject[], single: boolean): unknown {
  const resourceVersion = String(ctx.store.revision);
  if (wantsTable(req.accept)) return toTable(req.type.kind, objects, { now: ctx.now(), resourceVersion, include: includeObject(req.query) });
  if (single) return objects[0];
  return { kind: `${req.type.kind}List`, apiVersion: req.type.group ? `${req.type.group}/${req.version}` : req.version, metadata: { resourceVersion }, items: objects };
}

export function getOrList(ctx: CrudContext, req: ObjectRequest): Answer {
  if (req.name === undefined) return { status: 200, body: present(ctx, req, selected(ctx, req), false) };
  const o = ctx.view.get(req.type, req.version, req.namespace, req.name);
  if (!o) throw Status.notFound(req.type.plural, req.type.group, req.name);
  return { status: 200, body: present(ctx, req, [o], true) };
}

function warningsOf(checks: readonly Check[]): string[] {
  return checks.map((c) => formatCheck({ ...c, source: undefined }).replace(/^Warning /, ''));
}

function target(req: ObjectRequest, name: string): WriteTarget {
  if (req.type.namespaced && req.namespace === undefined) throw Status.badRequest(`the namespace of the object must be sent on the request: /namespaces/NS/${req.type.plural}`);
  if (req.type.kind === 'Pod') throw Status.methodNotAllowed('pods are run by tack from Deployments and Pod manifests: write those with kubectl apply (pods/NAME here are read-only)');
  return { type: req.type, namespace: req.type.namespaced ? req.namespace : undefined, name };
}

async function write(ctx: CrudContext, req: ObjectRequest, body: Record<string, unknown>, t: WriteTarget, status: number): Promise<Answer> {
  const dryRun = req.query.getAll('dryRun').includes('All');
  const stored = forStorage({ ...body, apiVersion: body.apiVersion ?? (t.type.group ? `${t.type.group}/${req.version}` : req.version), kind: t.type.kind }, t.namespace);
  const admitted = admit(ctx.store, stored, t, { runnable: ctx.runnable, dryRun });
  if (!dryRun) await ctx.settle();
  const served = dryRun ? { ...stored, metadata: { ...(stored.metadata as object), resourceVersion: String(ctx.store.revision) } } : ctx.view.get(t.type, req.version, t.namespace, t.name);
  return { status, body: served, warnings: warningsOf(admitted.warnings) };
}

function asObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw Status.badRequest('the body of the request must be a JSON object');
  return body as Record<string, unknown>;
}

export async function create(ctx: CrudContext, req: ObjectRequest, raw: unknown): Promise<Answer> {
  const body = asObject(raw);
  const meta = (body.metadata ?? {}) as Record<string, unknown>;
  const name = typeof meta.name === 'string' ? meta.name : '';
  const t = target(req, name);
  checkEnvelope(body, { ...t, name: '' });
  if (name === '') throw Status.invalid(req.type.kind, req.type.group, '', [{ reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' }]);
  if (ctx.store.get(req.type.kind, t.namespace, name)) throw Status.alreadyExists(req.type.plural, req.type.group, name);
  return write(ctx, req, body, t, 201);
}

export async function update(ctx: CrudContext, req: ObjectRequest, raw: unknown): Promise<Answer> {
  const body = asObject(raw);
  const t = target(req, req.name ?? '');
  checkEnvelope(body, t);
  const current = ctx.view.get(req.type, req.version, t.namespace, t.name);
  if (!current) throw Status.notFound(req.type.plural, req.type.group, t.name);
  const rv = ((body.metadata ?? {}) as Record<string, unknown>).resourceVersion;
  if (rv !== undefined && rv !== current.metadata.resourceVersion) throw Status.conflict(req.type.plural, req.type.group, t.name, 'the object has been modified; please apply your changes to the latest version and try again');
  return write(ctx, req, body, t, 200);
}

export async function patch(ctx: CrudContext, req: ObjectRequest, contentType: string, raw: unknown): Promise<Answer> {
  const t = target(req, req.name ?? '');
  const current = ctx.view.stored(req.type, req.version, t.namespace, t.name);
  if (!current) throw Status.notFound(req.type.plural, req.type.group, t.name);
  const patched = asObject(applyPatch(req.type, contentType, current, raw));
  checkEnvelope(patched, t);
  const rv = (patched.metadata as Record<string, unknown> | undefined)?.resourceVersion;
  if (rv !== undefined && rv !== current.metadata.resourceVersion) throw Status.conflict(req.type.plural, req.type.group, t.name, 'the object has been modified; please apply your changes to the latest version and try again');
  return write(ctx, req, patched, t, 200);
}

export async function del(ctx: CrudContext, req: ObjectRequest): Promise<Answer> {
  const t = target(req, req.name ?? '');
  const current = ctx.view.get(req.type, req.version, t.namespace, t.name);
  if (!current) throw Status.notFound(req.type.plural, req.type.group, t.name);
  if (!req.query.getAll('dryRun').includes('All')) {
    remove(ctx.store, [t]);
    await ctx.settle();
  }
  return { status: 200, body: current };
}

export async function deleteCollection(ctx: CrudContext, req: ObjectRequest): Promise<Answer> {
  const objects = selected(ctx, req);
  const targets = objects.map((o) => target({ ...req, namespace: o.metadata.namespace as string | undefined }, String(o.metadata.name)));
  if (!req.query.getAll('dryRun').includes('All') && targets.length > 0) {
    remove(ctx.store, targets);
    await ctx.settle();
  }
  return { status: 200, body: present(ctx, { ...req, accept: 'application/json' }, objects, false) };
}
