/**
 * Compiled parts kept from one snapshot to the next, so a change recompiles only what it touches
 * and unchanged parts stay the same objects (which the push server diffs by identity). Keys must
 * name every input the part was made from; the cache only decides how long entries live.
 */

/**
 * Entries used while compiling the latest snapshot survive; the rest are dropped once a newer one
 * is compiled. Memory stays at about two snapshots' worth of parts.
 */
export class CarryOver<V> {
  private current = new Map<string, V>();
  private previous = new Map<string, V>();
  private generation: object | undefined;

  /** `generation` is the snapshot's index: a new one starts a new generation. */
  get(generation: object, key: string): V | undefined {
    this.turn(generation);
    const hit = this.current.get(key);
    if (hit !== undefined) return hit;
    const old = this.previous.get(key);
    if (old !== undefined) this.current.set(key, old);
    return old;
  }

  set(generation: object, key: string, value: V): void {
    this.turn(generation);
    this.current.set(key, value);
  }

  private turn(generation: object): void {
    if (generation === this.generation) return;
    this.generation = generation;
    this.previous = this.current;
    this.current = new Map();
  }
}

const ids = new WeakMap<object, number>();
let nextId = 1;

/** A number for an object's identity, for cache keys; 0 for none. Resources are replaced, never changed, in the store. */
export function idOf(value: object | undefined): number {
  if (value === undefined) return 0;
  let id = ids.get(value);
  if (id === undefined) {
    id = nextId++;
    ids.set(value, id);
  }
  return id;
}
