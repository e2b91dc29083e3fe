// IrBlock.constant / IrBlock.global: blocks share the lookup tables (stamped
// per block), so interleaving the construction of several blocks must never
// give one block two temps for one global, nor a temp of the wrong value.
import { describe, it, expect } from 'vitest';
import { IrBlock, TempKind } from '../src/tcg-ir/index.js';

function globalsOf(b: IrBlock): number[] {
  return b.temps.filter((t) => t.kind === TempKind.Global).map((t) => t.value);
}

describe('IrBlock temps', () => {
  it('returns the same temp for a global or a constant asked for again', () => {
    const a = new IrBlock();
    const eax = a.global(0, 'eax'), k = a.constant(1234);
    expect(a.global(0, 'eax')).toBe(eax);
    expect(a.constant(1234)).toBe(k);
    expect(a.constant(1234 + 2 ** 32)).toBe(k); // int32 wrap: the same constant
    expect(a.constValue(k)).toBe(1234);
  });

  it('keeps one temp per global and correct constants when blocks are built interleaved', () => {
    const blocks = [new IrBlock(), new IrBlock(), new IrBlock()];
    const seen = blocks.map(() => new Map<string, number>());
    // A fixed pseudo-random order of requests over the three blocks.
    let x = 12345;
    for (let i = 0; i < 3000; i++) {
      x = (Math.imul(x, 1103515245) + 12345) | 0;
      const k = (x >>> 8) % 3, b = blocks[k];
      const isGlobal = (x & 1) === 0;
      const v = isGlobal ? (x >>> 12) % 112 : ((x >>> 10) % 300) - 150;
      const t = isGlobal ? b.global(v, `s${v}`) : b.constant(v);
      const key = `${isGlobal ? 'g' : 'c'}${v}`;
      const before = seen[k].get(key);
      if (before !== undefined) expect(t).toBe(before);
      seen[k].set(key, t);
      expect(b.temps[t].kind).toBe(isGlobal ? TempKind.Global : TempKind.Const);
      expect(b.temps[t].value).toBe(v);
    }
    for (const b of blocks) {
      const g = globalsOf(b);
      expect(new Set(g).size).toBe(g.length);
    }
  });

  it('gives every constant its value in a block with more constants than the table holds', () => {
    const a = new IrBlock(), other = new IrBlock();
    for (let v = 0; v < 3000; v++) {
      const t = a.constant(v * 7919);
      expect(a.constValue(t)).toBe(v * 7919);
      if (v % 500 === 0) other.constant(v); // the tables change hands now and then
    }
    for (let v = 0; v < 3000; v += 37) expect(a.constValue(a.constant(v * 7919))).toBe(v * 7919);
  });
});
