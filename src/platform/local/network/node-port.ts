/**
 * Node ports from 30000–32767, as Kubernetes hands them out: a port a Service names is reserved
 * for it; others are picked at random, from the range's upper band first (Kubernetes keeps the
 * lower band for ports users name, since 1.29).
 */
export const NODE_PORT_MIN = 30000;
export const NODE_PORT_MAX = 32767;
const SIZE = NODE_PORT_MAX - NODE_PORT_MIN + 1;
/** Kubernetes' static band: min(max(16, size/32), 128) ports at the bottom of the range. */
const STATIC_BAND = Math.min(Math.max(16, Math.floor(SIZE / 32)), 128);

export class NodePortAllocator {
  private readonly taken = new Map<number, string>();

  constructor(private readonly random: () => number) {}

  /** Reserves `port` for `owner`; undefined on success, else why not. */
  reserve(port: number, owner: string): string | undefined {
    if (port < NODE_PORT_MIN || port > NODE_PORT_MAX) return `provided port ${port} is not in the valid range ${NODE_PORT_MIN}-${NODE_PORT_MAX}`;
    const holder = this.taken.get(port);
    if (holder !== undefined && holder !== owner) return `provided port ${port} is already allocated (to ${holder})`;
    this.taken.set(port, owner);
    return undefined;
  }

  /** A free port for `owner`, never one in `avoid` (ports found busy on this host). */
  allocate(owner: string, avoid: ReadonlySet<number> = new Set()): number {
    const bands: [number, number][] = [[NODE_PORT_MIN + STATIC_BAND, NODE_PORT_MAX], [NODE_PORT_MIN, NODE_PORT_MIN + STATIC_BAND - 1]];
    for (const [low, high] of bands) {
      const size = high - low + 1;
      const start = Math.floor(this.random() * size);
      for (let i = 0; i < size; i++) {
        const port = low + ((start + i) % size);
        if (!this.taken.has(port) && !avoid.has(port)) {
          this.taken.set(port, owner);
          return port;
        }
      }
    }
    throw new Error(`no free node port left in ${NODE_PORT_MIN}-${NODE_PORT_MAX}`);
  }

  release(port: number): void {
    this.taken.delete(port);
  }
}
