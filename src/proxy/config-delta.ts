/**
 * Merges a pushed delta into the config it was made against. Pure: the base is not changed, and
 * every part the delta does not touch is the base's own object, so a consumer can tell unchanged
 * route tables, virtual hosts and clusters by identity.
 */
import type { ConfigDelta, ListDelta, ProxyConfig, RecordDelta, RouteTablesDelta } from '../compile/config.js';

export class ConfigDeltaError extends Error {
  readonly code = 'CONFIG_DELTA';
}

function hasOwn(record: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(record, key);
}

/**
 * The keys in their new order: `order` if given; otherwise kept keys as they were, each new key
 * right after the key `after` names for it (`null`: first), the rest of the new keys at the end.
 */
function place(kept: readonly string[], added: readonly string[], d: { after?: Record<string, string | null>; order?: string[] }): string[] {
  const out: string[] = [];
  if (d.order) out.push(...d.order);
  else {
    const after = d.after ?? {};
    const followers = new Map<string | null, string[]>();
    const last: string[] = [];
    const isNew = new Set(added);
    for (const k of Object.keys(after)) if (!isNew.has(k)) throw new ConfigDeltaError(`delta places ${k}, which it does not add`);
    for (const k of added) {
      if (!hasOwn(after, k)) {
        last.push(k);
        continue;
      }
      const anchor = after[k] ?? null;
      const list = followers.get(anchor);
      if (list) list.push(k);
      else followers.set(anchor, [k]);
    }
    // Iteratively: a run of new keys, each after the one before, can be long.
    const emit = (first: string | null): void => {
      const stack = first === null ? [...(followers.get(null) ?? [])].reverse() : [first];
      while (stack.length > 0) {
        const k = stack.pop() as string;
        out.push(k);
        const next = followers.get(k);
        if (next) for (let i = next.length - 1; i >= 0; i--) stack.push(next[i] as string);
      }
    };
    emit(null);
    for (const k of kept) emit(k);
    for (const k of last) out.push(k);
  }
  if (out.length !== kept.length + added.length || new Set(out).size !== out.length) throw new ConfigDeltaError('delta places keys other than it and the base have');
  return out;
}

function mergeRecord<T>(base: Readonly<Record<string, T>>, d: RecordDelta<T>): Record<string, T> {
  const set = d.set ?? {};
  const setKeys = Object.keys(set);
  const dropped = new Set(d.remove ?? []);
  for (const k of dropped) if (!hasOwn(base, k)) throw new ConfigDeltaError(`delta removes ${k}, which the base does not have`);
  const added = setKeys.filter((k) => !hasOwn(base, k));
  if (dropped.size === 0 && added.length === 0 && !d.after && !d.order) {
    // Values replaced, keys as they were: a copy (spread defines own properties, `__proto__` too).
    const out = { ...base };
    for (const k of setKeys) out[k] = set[k] as T;
    return out;
  }
  const keys = place(Object.keys(base).filter((k) => !dropped.has(k)), added, d);
  return Object.fromEntries(
    keys.map((k) => {
      if (hasOwn(set, k)) return [k, set[k] as T];
      if (hasOwn(base, k) && !dropped.has(k)) return [k, base[k] as T];
      throw new ConfigDeltaError(`delta names ${k}, which neither it nor the base has`);
    }),
  );
}

function mergeList<T extends { name: string }>(base: readonly T[], d: ListDelta<T>): T[] {
  if ('replace' in d) return d.replace;
  const set = new Map((d.set ?? []).map((item) => [item.name, item]));
  const dropped = new Set(d.remove ?? []);
  const byName = new Map<string, T>();
  for (const item of base) {
    if (byName.has(item.name)) throw new ConfigDeltaError(`base has ${item.name} twice; it cannot take a delta`);
    byName.set(item.name, item);
  }
  for (const name of dropped) if (!byName.has(name)) throw new ConfigDeltaError(`delta removes ${name}, which the base does not have`);
  const added = [...set.keys()].filter((name) => !byName.has(name));
  if (dropped.size === 0 && added.length === 0 && !d.after && !d.order) return base.map((item) => set.get(item.name) ?? item);
  const names = place(base.filter((item) => !dropped.has(item.name)).map((item) => item.name), added, d);
  return names.map((name) => {
    const item = set.get(name) ?? (dropped.has(name) ? undefined : byName.get(name));
    if (!item) throw new ConfigDeltaError(`delta names ${name}, which neither it nor the base has`);
    return item;
  });
}

function mergeRoutes(base: ProxyConfig['routes'], d: RouteTablesDelta): ProxyConfig['routes'] {
  const patches = Object.entries(d.virtualHosts ?? {});
  const out = mergeRecord(base, d);
  for (const [k, patch] of patches) {
    const table = out[k];
    if (!table || !hasOwn(base, k) || (d.set && hasOwn(d.set, k))) throw new ConfigDeltaError(`delta patches route table ${k}, which the base does not have`);
    out[k] = { ...table, virtualHosts: mergeList(table.virtualHosts, patch) };
  }
  return out;
}

/** The config `delta` describes; throws ConfigDeltaError when `base` is not the config it was made against. */
export function applyDelta(base: ProxyConfig, delta: ConfigDelta): ProxyConfig {
  if (delta.base !== base.version) throw new ConfigDeltaError(`delta applies to version ${delta.base}, not ${base.version}`);
  return {
    version: delta.version,
    node: delta.node ?? base.node,
    listeners: delta.listeners ? mergeList(base.listeners, delta.listeners) : base.listeners,
    routes: delta.routes ? mergeRoutes(base.routes, delta.routes) : base.routes,
    clusters: delta.clusters ? mergeRecord(base.clusters, delta.clusters) : base.clusters,
    outboundTrafficPolicy: delta.outboundTrafficPolicy ?? base.outboundTrafficPolicy,
  };
}
