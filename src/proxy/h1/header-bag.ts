/**
 * Header objects keyed by names a peer chose. An ordinary object would inherit `constructor` and
 * friends, and `Object.create(null)` makes V8 store it as a slow dictionary (several times slower to
 * fill and walk on every request); an object over an empty, frozen, prototype-less prototype is
 * neither.
 */
const EMPTY = Object.freeze(Object.create(null) as object);

export function headerBag<T extends object>(): T {
  return Object.create(EMPTY) as T;
}
