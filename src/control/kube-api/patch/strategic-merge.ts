/**
 * Strategic merge patch (`application/strategic-merge-patch+json`) for Kubernetes' own kinds: maps merge,
 * lists with a merge key (containers by name, Service ports by port, ...) merge item by item, other
 * lists are replaced; with the directives kubectl sends (`$patch`, `$retainKeys`,
 * `$setElementOrder/…`, `$deleteFromPrimitiveList/…`).
 */
import { isObject, type Json } from './json-merge.js';
import { PatchError } from './json-patch.js';

/** Merge keys by the field names leading to a list (array indexes left out), as Kubernetes' Go types tag them. */
function mergeKey(kind: string, path: readonly string[]): string | undefined {
  const last = path[path.length - 1] ?? '';
  const parent = path[path.length - 2] ?? '';
  if (last === 'ports') {
    if (kind === 'Service' && path.length === 2) return 'port';
    if (['containers', 'initContainers', 'ephemeralContainers'].includes(parent)) return 'containerPort';
    return undefined;
  }
  if (['containers', 'initContainers', 'ephemeralContainers', 'volumes', 'imagePullSecrets', 'hostAliases'].includes(last)) return last === 'hostAliases' ? 'ip' : 'name';
  if (last === 'env') return 'name';
  if (last === 'volumeMounts') return 'mountPath';
  if (last === 'volumeDevices') return 'devicePath';
  if (last === 'ownerReferences') return 'uid';
  if (last === 'conditions') return 'type';
  return undefined;
}

/** Lists of scalars that merge as sets rather than being replaced. */
function mergesAsSet(path: readonly string[]): boolean {
  return path[path.length - 1] === 'finalizers';
}

function mergeList(kind: string, path: string[], original: Json[], patch: Json[]): Json[] {
  const key = mergeKey(kind, path);
  if (patch.some((p) => isObject(p) && p.$patch === 'replace')) return patch.filter((p) => !(isObject(p) && p.$patch === 'replace'));
  if (key === undefined) {
    if (mergesAsSet(path)) return [...original, ...patch.filter((p) => !original.includes(p))];
    return patch;
  }
  const out = [...original];
  for (const item of patch) {
    if (!isObject(item)) throw new PatchError(`${path.join('.')}: expected objects with "${key}" in a merged list`);
    const id = item[key];
    const at = out.findIndex((o) => isObject(o) && o[key] === id);
    if (item.$patch === 'delete') {
      if (at >= 0) out.splice(at, 1);
      continue;
    }
    if (at >= 0) out[at] = strategicMerge(kind, out[at], item, path);
    else out.push(strategicMerge(kind, undefined, item, path));
  }
  return out;
}

export function strategicMerge(kind: string, original: Json | undefined, patch: Json, path: string[] = []): Json {
  if (!isObject(patch)) return patch;
  if (patch.$patch === 'replace') {
    const { $patch: _, ...rest } = patch;
    return rest;
  }
  if (patch.$patch === 'delete') return {};
  const out: Record<string, Json> = isObject(original) ? { ...original } : {};
  const retain = patch.$retainKeys;
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith('$setElementOrder/')) continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const list = out[field];
      if (Array.isArray(list) && Array.isArray(v)) out[field] = list.filter((x) => !v.includes(x));
      continue;
    }
    if (v === null) {
      delete out[k];
      continue;
    }
    const prior = out[k];
    if (Array.isArray(v)) out[k] = mergeList(kind, [...path, k], Array.isArray(prior) ? prior : [], v);
    else out[k] = strategicMerge(kind, prior, v, [...path, k]);
  }
  if (Array.isArray(retain)) for (const k of Object.keys(out)) if (!retain.includes(k)) delete out[k];
  return out;
}
