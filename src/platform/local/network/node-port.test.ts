/** Node ports: named ones reserved, others random from the upper band, never twice. */
import { describe, it, expect } from 'vitest';
import { NodePortAllocator } from './node-port.js';

function seq(values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length] ?? 0;
}

describe('NodePortAllocator', () => {
  it('reserves a named port once, and only in range', () => {
    const a = new NodePortAllocator(seq([0]));
    expect(a.reserve(30080, 'default/web:80')).toBeUndefined();
    expect(a.reserve(30080, 'default/web:80')).toBeUndefined();
    expect(a.reserve(30080, 'default/api:80')).toMatch(/already allocated \(to default\/web:80\)/);
    expect(a.reserve(8080, 'default/api:80')).toMatch(/not in the valid range 30000-32767/);
  });

  it('allocates from the upper band first, skipping taken and busy ports', () => {
    const a = new NodePortAllocator(seq([0, 0, 0.5]));
    expect(a.allocate('a')).toBe(30086);
    expect(a.allocate('b')).toBe(30087);
    const c = a.allocate('c', new Set([30086 + Math.floor(0.5 * 2682)]));
    expect(c).toBe(30087 + Math.floor(0.5 * 2682));
    a.release(30086);
    expect(a.allocate('d')).toBe(30086);
  });

  it('falls back to the lower band when the upper one is full', () => {
    const a = new NodePortAllocator(seq([0]));
    for (let p = 30086; p <= 32767; p++) expect(a.reserve(p, `x${p}`)).toBeUndefined();
    expect(a.allocate('late')).toBe(30000);
  });
});
