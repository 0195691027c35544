/** `tack apply` / `tack delete` on the server: validate the whole request, then change the store at once. */
import { loadText, validateDocuments, hasErrors, notEnforcedChecks, noResourcesMessage, type Check, type Resource } from '../api/index.js';
import type { ConfigStore, ResourceChange } from '../store/index.js';
import { runProblems } from '../platform/local/runner.js';

export interface ManifestFile {
  name: string;
  text: string;
}

export interface ApplyRequest {
  files: ManifestFile[];
  namespace?: string;
}

export type ApplyResult = { ok: true; changes: ResourceChange[]; warnings: Check[] } | { ok: false; checks: Check[] };

export function validateFiles(req: ApplyRequest): { resources: Resource[]; unchecked: Resource[]; checks: Check[] } {
  const docs = [];
  const checks: Check[] = [];
  for (const f of req.files) {
    const loaded = loadText(f.text, f.name);
    docs.push(...loaded.documents);
    checks.push(...loaded.checks);
  }
  const validated = validateDocuments(docs, req.namespace ? { defaultNamespace: req.namespace } : {});
  checks.push(...validated.checks, ...notEnforcedChecks(validated.resources));
  return { resources: validated.resources, unchecked: validated.unchecked, checks };
}

export function applyFiles(store: ConfigStore, req: ApplyRequest, opts: { runnable: boolean }): ApplyResult {
  const { resources, checks } = validateFiles(req);
  if (opts.runnable) {
    for (const problem of runProblems(resources)) checks.push({ code: 'TK0201', level: 'Error', path: 'spec.template.spec.containers', message: problem });
  }
  if (hasErrors(checks)) return { ok: false, checks: checks.filter((c) => c.level === 'Error') };
  // The ignored documents' own warnings go along, so each is named with its file, line and name.
  if (resources.length === 0) return { ok: false, checks: [...checks.filter((c) => c.level === 'Warning'), { code: 'TK0002', level: 'Error', path: '', message: noResourcesMessage(checks) }] };
  return { ok: true, changes: store.apply(resources), warnings: checks.filter((c) => c.level === 'Warning') };
}

export function deleteFiles(store: ConfigStore, req: ApplyRequest): ApplyResult {
  // Deleting needs only each resource's identity, so even an invalid manifest can delete what it names.
  const { resources, unchecked, checks } = validateFiles(req);
  const unreadable = checks.filter((c) => c.level === 'Error' && !c.resource);
  if (unreadable.length > 0) return { ok: false, checks: unreadable };
  return { ok: true, changes: store.delete([...resources, ...unchecked]), warnings: [] };
}
