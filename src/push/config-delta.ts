/**
 * The difference between the config last sent on a stream and the next one, as a `ConfigDelta`,
 * and the JSON of both kinds of message. The proxy merges deltas with `applyDelta`
 * (src/proxy/config-delta.ts); the two must agree on where kept, new and removed items go.
 */
import type { ConfigDelta, ListDelta, ProxyConfig, RecordDelta, RouteTableConfig, RouteTablesDelta, VirtualHostConfig } from '../compile/config.js';
import { jsonOf, listJson, recordJson, same } from './json-memo.js';

/** Every ProxyConfig field is either diffed below or the version; a new field fails typecheck here until it is. */
type Diffed = 'version' | 'node' | 'listeners' | 'routes' | 'clusters' | 'outboundTrafficPolicy';
const _allDiffed: Exclude<keyof ProxyConfig, Diffed> extends never ? true : never = true;
/** Likewise for a route table, which changes by virtual hosts or by name. */
const _tableFields: Exclude<keyof RouteTableConfig, 'name' | 'virtualHosts'> extends never ? true : never = true;

/** What turns `base` into `next`; undefined when they differ in nothing but the version. */
export function diffConfig(base: ProxyConfig, next: ProxyConfig): ConfigDelta | undefined {
  const delta: ConfigDelta = { type: 'delta', version: next.version, base: base.version };
  let changed = false;
  if (!same(base.node, next.node)) {
    delta.node = next.node;
    changed = true;
  }
  if (base.outboundTrafficPolicy !== next.outboundTrafficPolicy) {
    delta.outboundTrafficPolicy = next.outboundTrafficPolicy;
    changed = true;
  }
  const listeners = diffList(base.listeners, next.listeners);
  if (listeners) {
    delta.listeners = listeners;
    changed = true;
  }
  const clusters = diffRecord(base.clusters, next.clusters, (a, b) => (same(a, b) ? undefined : b));
  if (clusters) {
    delta.clusters = clusters;
    changed = true;
  }
  const routes = diffRoutes(base.routes, next.routes);
  if (routes) {
    delta.routes = routes;
    changed = true;
  }
  return changed ? delta : undefined;
}

function hasOwn(record: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(record, key);
}

function sameOrder(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((k, i) => k === b[i]);
}

/** Objects list these keys first, in numeric order, wherever they were inserted. */
function isArrayIndex(key: string): boolean {
  return /^(?:0|[1-9]\d*)$/.test(key) && Number(key) < 2 ** 32 - 1;
}

interface Placement {
  after?: Record<string, string | null>;
  order?: string[];
}

/**
 * How to get from `base`'s key order to `next`'s (see RecordDelta): nothing when kept keys keep
 * their order and new ones end it; anchors for new keys in between; the whole order otherwise.
 */
function placement(base: readonly string[], next: readonly string[], inBase: (k: string) => boolean, inNext: (k: string) => boolean, objectKeys: boolean): Placement {
  if (sameOrder(base, next)) return {};
  if (!sameOrder(base.filter(inNext), next.filter(inBase))) return { order: [...next] };
  if (objectKeys && (base.some(isArrayIndex) || next.some(isArrayIndex))) return { order: [...next] };
  let tail = next.length;
  while (tail > 0 && !inBase(next[tail - 1] as string)) tail--;
  const anchors: [string, string | null][] = [];
  for (let i = 0; i < tail; i++) {
    const k = next[i] as string;
    if (!inBase(k)) anchors.push([k, i === 0 ? null : (next[i - 1] as string)]);
  }
  // fromEntries defines own properties whatever the key (assigning `__proto__` would not).
  return anchors.length > 0 ? { after: Object.fromEntries(anchors) } : {};
}

/**
 * Entries of `next` that `base` lacks or that `change` says differ, and keys `next` dropped. With
 * `change` returning something other than the new value, the entry goes to the caller's own field
 * through `patched` instead of `set`.
 */
function diffRecord<T extends object, P = T>(
  base: Readonly<Record<string, T>>,
  next: Readonly<Record<string, T>>,
  change: (a: T, b: T) => T | P | undefined,
  patched?: (key: string, patch: P) => void,
): RecordDelta<T> | undefined {
  if (base === next) return undefined;
  const baseKeys = Object.keys(base);
  const nextKeys = Object.keys(next);
  const setEntries: [string, T][] = [];
  const remove: string[] = [];
  let patches = 0;
  const sameKeys = sameOrder(baseKeys, nextKeys);
  for (const k of nextKeys) {
    const b = next[k] as T;
    if (!sameKeys && !hasOwn(base, k)) {
      setEntries.push([k, b]);
      continue;
    }
    const c = change(base[k] as T, b);
    if (c === undefined) continue;
    if (c === b) setEntries.push([k, b]);
    else {
      patched?.(k, c as P);
      patches++;
    }
  }
  if (!sameKeys) for (const k of baseKeys) if (!hasOwn(next, k)) remove.push(k);
  const placed = sameKeys ? {} : placement(baseKeys, nextKeys, (k) => hasOwn(base, k), (k) => hasOwn(next, k), true);
  if (setEntries.length === 0 && remove.length === 0 && patches === 0 && !placed.after && !placed.order) return undefined;
  const out: RecordDelta<T> = {};
  // fromEntries defines own properties whatever the key (assigning `__proto__` would not).
  if (setEntries.length > 0) out.set = Object.fromEntries(setEntries);
  if (remove.length > 0) out.remove = remove;
  if (placed.after) out.after = placed.after;
  if (placed.order) out.order = placed.order;
  return out;
}

function uniqueNames(list: readonly { name: string }[]): Map<string, number> | undefined {
  const at = new Map<string, number>();
  for (let i = 0; i < list.length; i++) {
    const name = (list[i] as { name: string }).name;
    if (at.has(name)) return undefined;
    at.set(name, i);
  }
  return at;
}

function diffList<T extends { name: string }>(base: readonly T[], next: readonly T[]): ListDelta<T> | undefined {
  if (base === next) return undefined;
  if (base.length === next.length && base.every((b, i) => b === next[i])) return undefined;
  const baseAt = uniqueNames(base);
  const nextAt = uniqueNames(next);
  if (!baseAt || !nextAt) return base.length === next.length && base.every((b, i) => same(b, next[i] as T)) ? undefined : { replace: [...next] };
  const set: T[] = [];
  const remove: string[] = [];
  for (const item of next) {
    const i = baseAt.get(item.name);
    if (i === undefined || !same(base[i] as T, item)) set.push(item);
  }
  for (const item of base) if (!nextAt.has(item.name)) remove.push(item.name);
  const placed = placement(base.map((b) => b.name), next.map((n) => n.name), (k) => baseAt.has(k), (k) => nextAt.has(k), false);
  if (set.length === 0 && remove.length === 0 && !placed.after && !placed.order) return undefined;
  const out: { set?: T[]; remove?: string[]; after?: Record<string, string | null>; order?: string[] } = {};
  if (set.length > 0) out.set = set;
  if (remove.length > 0) out.remove = remove;
  if (placed.after) out.after = placed.after;
  if (placed.order) out.order = placed.order;
  return out;
}

type TableChange = RouteTableConfig | ListDelta<VirtualHostConfig>;

/** Proxies that share a namespace share route tables, so one table change is worked out once for all of them. */
const tableChanges = new WeakMap<RouteTableConfig, { next: RouteTableConfig; change: TableChange | undefined }>();

/** A table whose name is unchanged changes by virtual hosts; otherwise it is sent whole. */
function tableChange(a: RouteTableConfig, b: RouteTableConfig): TableChange | undefined {
  const hit = tableChanges.get(a);
  if (hit?.next === b) return hit.change;
  const change = a.name === b.name ? diffList(a.virtualHosts, b.virtualHosts) : b;
  tableChanges.set(a, { next: b, change });
  return change;
}

function diffRoutes(base: ProxyConfig['routes'], next: ProxyConfig['routes']): RouteTablesDelta | undefined {
  const vhostEntries: [string, ListDelta<VirtualHostConfig>][] = [];
  const record = diffRecord<RouteTableConfig, ListDelta<VirtualHostConfig>>(base, next, tableChange, (k, patch) => vhostEntries.push([k, patch]));
  if (!record) return undefined;
  const out: RouteTablesDelta = record;
  if (vhostEntries.length > 0) out.virtualHosts = Object.fromEntries(vhostEntries);
  return out;
}

/** `{"type":"config",…}` with shared parts serialised once. Same shape as JSON.stringify of the message. */
export function configMessageJson(config: ProxyConfig): string {
  const version = JSON.stringify(config.version);
  const body = `{"version":${version},"node":${JSON.stringify(config.node)},"listeners":${listJson(config.listeners)},"routes":${recordJson(config.routes)},"clusters":${recordJson(config.clusters)},"outboundTrafficPolicy":${JSON.stringify(config.outboundTrafficPolicy)}}`;
  return `{"type":"config","version":${version},"config":${body}}`;
}

function placementFields(d: { remove?: string[]; after?: Record<string, string | null>; order?: string[] }): string[] {
  const out: string[] = [];
  if (d.remove) out.push(`"remove":${JSON.stringify(d.remove)}`);
  if (d.after) out.push(`"after":${JSON.stringify(d.after)}`);
  if (d.order) out.push(`"order":${JSON.stringify(d.order)}`);
  return out;
}

function recordDeltaFields(d: RecordDelta<object>): string[] {
  return [...(d.set ? [`"set":${recordJson(d.set)}`] : []), ...placementFields(d)];
}

function listDeltaJson(d: ListDelta<{ name: string }>): string {
  if ('replace' in d) return `{"replace":${listJson(d.replace)}}`;
  return `{${[...(d.set ? [`"set":${listJson(d.set)}`] : []), ...placementFields(d)].join(',')}}`;
}

/** A delta's JSON, with shared parts serialised once. Same shape as JSON.stringify(delta). */
export function deltaMessageJson(d: ConfigDelta): string {
  const out = [`"type":"delta"`, `"version":${JSON.stringify(d.version)}`, `"base":${JSON.stringify(d.base)}`];
  if (d.node) out.push(`"node":${jsonOf(d.node)}`);
  if (d.outboundTrafficPolicy) out.push(`"outboundTrafficPolicy":${JSON.stringify(d.outboundTrafficPolicy)}`);
  if (d.listeners) out.push(`"listeners":${listDeltaJson(d.listeners)}`);
  if (d.clusters) out.push(`"clusters":{${recordDeltaFields(d.clusters).join(',')}}`);
  if (d.routes) {
    const fields = recordDeltaFields(d.routes);
    if (d.routes.virtualHosts) {
      const tables = Object.entries(d.routes.virtualHosts).map(([k, v]) => `${JSON.stringify(k)}:${listDeltaJson(v)}`);
      fields.push(`"virtualHosts":{${tables.join(',')}}`);
    }
    out.push(`"routes":{${fields.join(',')}}`);
  }
  return `{${out.join(',')}}`;
}
