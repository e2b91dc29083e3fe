// The interpreter's program store (src/backend-js/slab.ts): allocations are
// zeroed, never overlap, fill a chunk before the next one starts, and big
// requests get an array of their own.
import { describe, it, expect } from 'vitest';
import { Int32Slab } from '../src/backend-js/slab.js';

describe('Int32Slab', () => {
  it('hands out zeroed, disjoint views that share chunks', () => {
    const slab = new Int32Slab();
    const views = [5, 1, 700, 64, 3000, 9].map((n) => slab.alloc(n));
    views.forEach((v, i) => {
      expect(v.length).toBe([5, 1, 700, 64, 3000, 9][i]);
      expect(v.every((x) => x === 0)).toBe(true);
      v.fill(i + 1);
    });
    // Writing each view left every other one intact.
    views.forEach((v, i) => expect(v.every((x) => x === i + 1)).toBe(true));
    expect(new Set(views.map((v) => v.buffer)).size).toBe(1);
  });

  it('starts a new chunk when one is full, and gives a big request its own array', () => {
    const slab = new Int32Slab();
    const first = slab.alloc(1000);
    const buffers = new Set<ArrayBufferLike>([first.buffer]);
    let v = first;
    for (let i = 0; i < 200; i++) { v = slab.alloc(1000); v.fill(7); buffers.add(v.buffer); }
    expect(buffers.size).toBeGreaterThan(1);
    expect(first.every((x) => x === 0)).toBe(true);
    const big = slab.alloc(1 << 15);
    expect(big.byteOffset).toBe(0);
    expect(big.buffer.byteLength).toBe(4 << 15);
    expect(slab.alloc(10).buffer).toBe(v.buffer);
  });
});
