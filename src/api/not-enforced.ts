/**
 * Istio resources and fields tack validates and stores but does not enforce yet. Each resource that
 * uses one gets one warning (apply, up and analyze show it), so nobody mistakes "accepted" for
 * "working": a PeerAuthentication STRICT that lets plaintext through is worse than a refusal.
 * What is pending is the support table's word (`pending` in support.ts): an entry leaves the
 * warning in the change that makes it take effect, and the compatibility page says the same.
 */
import { Codes, formatPath, type Check } from './checks.js';
import type { PathPart } from './yaml/load.js';
import type { Resource } from './resource.js';
import { FIELD_SUPPORT, type Pending } from './support.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

interface Finding {
  path: PathPart[];
  what: string;
}

/** `spec.http[].match[].headers{}.exact` → ['spec', 'http', '[]', 'match', '[]', 'headers', '{}', 'exact']. */
function segments(pattern: string): string[] {
  return pattern.match(/\[\]|\{\}|[^.[\]{}]+/g) ?? [];
}

/** Every place in `value` a table pattern names, with its concrete path: list items and map entries each count. */
function resolve(value: unknown, segs: readonly string[], path: PathPart[] = []): { path: PathPart[]; value: unknown }[] {
  if (value === undefined) return [];
  const [head, ...rest] = segs;
  if (head === undefined) return [{ path, value }];
  if (head === '[]') return Array.isArray(value) ? value.flatMap((v, i) => resolve(v, rest, [...path, i])) : [];
  if (!isObj(value)) return [];
  if (head === '{}') return Object.entries(value).flatMap(([k, v]) => resolve(v, rest, [...path, k]));
  return resolve(value[head], rest, [...path, head]);
}

/** The field's name and its value when short ("nodePort 30080"), for pending entries that say nothing of their own. */
function defaultSays(path: readonly PathPart[], value: unknown): string {
  const name = String([...path].reverse().find((p) => typeof p === 'string') ?? '');
  const short = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
  return short !== undefined && short.length <= 24 ? `${name} ${short}` : name;
}

function findings(kind: string, object: Obj): Finding[] {
  const table = FIELD_SUPPORT[kind] ?? {};
  const out: Finding[] = [];
  for (const [pattern, support] of Object.entries(table)) {
    const pending: Pending | undefined = support.pending;
    if (!pending) continue;
    for (const at of resolve(object, segments(pattern))) {
      const what = pending.says ? pending.says(at.value) : defaultSays(at.path, at.value);
      if (what !== undefined) out.push({ path: at.path, what });
    }
  }
  return out;
}

/** One Warning for a resource that uses what tack does not enforce yet, or none. */
export function notEnforced(resource: Pick<Resource, 'kind' | 'name' | 'namespace' | 'object' | 'lineOf' | 'source'>): Check | undefined {
  // In document order, so the warning points at the first and lists the rest as they were written.
  const byLine = findings(resource.kind, resource.object as Obj).sort((a, b) => resource.lineOf(a.path) - resource.lineOf(b.path));
  const first = byLine[0];
  if (!first) return undefined;
  return {
    code: Codes.NotEnforced,
    level: 'Warning',
    path: formatPath(first.path),
    // The line names the first field's path; the others say where they are.
    message: `${byLine.map((f, i) => (i === 0 ? f.what : `${f.what} at ${formatPath(f.path)}`)).join('; ')} ${byLine.length > 1 ? 'are' : 'is'} accepted but not enforced yet`,
    resource: { kind: resource.kind, name: resource.name, ...(resource.namespace ? { namespace: resource.namespace } : {}) },
    source: { file: resource.source.file, line: resource.lineOf(first.path) },
  };
}

/** The warnings for every resource given that uses what tack does not enforce yet. */
export function notEnforcedChecks(resources: readonly Resource[]): Check[] {
  const out: Check[] = [];
  for (const r of resources) {
    const c = notEnforced(r);
    if (c) out.push(c);
  }
  return out;
}

/**
 * Why nothing can be applied when no document is one tack reads: names each ignored kind and where
 * it was, so "no resources found" does not leave someone hunting for a file that plainly has some.
 */
export function noResourcesMessage(checks: readonly Check[]): string {
  const ignored = checks.filter((c) => c.code === Codes.UnknownKind && c.level !== 'Error');
  if (ignored.length === 0) return 'no resources found in the given files';
  const where = ignored.map((c) => `${c.resource?.kind ?? '?'} (${c.source ? `${c.source.file}:${c.source.line}` : '?'})`);
  return `no resources tack reads in the given files; ignored ${ignored.length === 1 ? 'a document' : `${ignored.length} documents`} of a kind tack does not read: ${where.join(', ')}`;
}
