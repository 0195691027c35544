/**
 * JSON of config parts, made once per object. The compiler shares route tables, virtual hosts and
 * clusters between proxies and between snapshots, so most parts are serialised once, not once per
 * proxy and push. Config objects are never changed after compilation, which is what makes this safe.
 */
const memo = new WeakMap<object, string>();

export function jsonOf(value: object): string {
  let json = memo.get(value);
  if (json === undefined) {
    json = JSON.stringify(value);
    memo.set(value, json);
  }
  return json;
}

/** Same content: the same object, or the same JSON. */
export function same(a: object, b: object): boolean {
  return a === b || jsonOf(a) === jsonOf(b);
}

/** `{"k":v,…}` with each value's memoised JSON. */
export function recordJson(record: Readonly<Record<string, object>>): string {
  let out = '{';
  let first = true;
  for (const [k, v] of Object.entries(record)) {
    out += `${first ? '' : ','}${JSON.stringify(k)}:${jsonOf(v)}`;
    first = false;
  }
  return `${out}}`;
}

/** `[v,…]` with each item's memoised JSON. */
export function listJson(list: readonly object[]): string {
  return `[${list.map(jsonOf).join(',')}]`;
}
