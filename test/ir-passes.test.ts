// Tests of the IR passes (src/tcg-ir/passes): each pass changes what it
// should and nothing else. Most tests compare the printed block (printBlock)
// before and after a pass, line by line: the expected listing is the old one
// with exactly the lines the pass must change replaced (or removed).
import { describe, it, expect } from 'vitest';
import {
  IrBuilder, Op, Cond, HelperFlags, MemOp, COND_NAMES,
  printBlock, tempName, validateBlock, evalCond, evalPure,
  foldConstants, propagateCopies, removeDeadCode, optimizeBlock, mul64,
  type HelperDecl, type IrInsn,
} from '../src/tcg-ir/index.js';

// ---------------------------------------------------------------- helpers

function setup() {
  const b = new IrBuilder();
  const r = {
    eax: b.global(0, 'eax'), ecx: b.global(1, 'ecx'), edx: b.global(2, 'edx'),
    ebx: b.global(3, 'ebx'), esi: b.global(6, 'esi'), edi: b.global(7, 'edi'),
  };
  /** The printed name of a temp, as printBlock writes it. */
  const n = (t: number) => tempName(b.block, t);
  const lines = () => printBlock(b.block).split('\n');
  return { b, r, n, lines };
}

/**
 * `before` with the given lines replaced (a string) or removed (null); a
 * string array replaces one line by several.
 */
function edited(before: string[], changes: Record<number, string | string[] | null>): string[] {
  const out: string[] = [];
  before.forEach((l, i) => {
    if (!(i in changes)) { out.push(l); return; }
    const c = changes[i];
    if (c === null) return;
    if (Array.isArray(c)) out.push(...c); else out.push(c);
  });
  return out;
}

/** Index of the op that writes temp `t` (the first one). */
function opWriting(ops: IrInsn[], t: number): number {
  return ops.findIndex((o) => o.out === t || o.out2 === t);
}

const I32 = (x: number) => x | 0;

/** Condition semantics written independently of evalCond (BigInt compares). */
function refCond(c: Cond, a: number, b: number): boolean {
  const sa = BigInt(a | 0), sb = BigInt(b | 0), ua = BigInt(a >>> 0), ub = BigInt(b >>> 0);
  switch (c) {
    case Cond.Eq: return sa === sb;
    case Cond.Ne: return sa !== sb;
    case Cond.Lt: return sa < sb;
    case Cond.Ge: return sa >= sb;
    case Cond.Le: return sa <= sb;
    case Cond.Gt: return sa > sb;
    case Cond.Ltu: return ua < ub;
    case Cond.Geu: return ua >= ub;
    case Cond.Leu: return ua <= ub;
    case Cond.Gtu: return ua > ub;
    case Cond.TstEq: return (ua & ub) === 0n;
    case Cond.TstNe: return (ua & ub) !== 0n;
  }
  throw new Error('bad cond');
}

const ALL_CONDS: Cond[] = [
  Cond.Eq, Cond.Ne, Cond.Lt, Cond.Ge, Cond.Le, Cond.Gt,
  Cond.Ltu, Cond.Geu, Cond.Leu, Cond.Gtu, Cond.TstEq, Cond.TstNe,
];

/** Pairs that separate signed from unsigned and strict from non-strict. */
const COND_PAIRS: Array<[number, number]> = [
  [0, 0], [1, 0], [0, 1], [-1, 0], [0, -1], [-1, -1], [-1, 1], [1, -1],
  [0x7fffffff, I32(0x80000000)], [I32(0x80000000), 0x7fffffff],
  [I32(0x80000000), I32(0x80000000)], [5, 3], [3, 5], [6, 1], [6, 9],
];

function xorshift(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    return x | 0;
  };
}

const READS: HelperDecl = { name: 'reads', flags: HelperFlags.ReadsState };
const WRITES: HelperDecl = { name: 'writes', flags: HelperFlags.WritesState };
const FAULTS: HelperDecl = { name: 'faults', flags: HelperFlags.CanFault };
const EFFECT: HelperDecl = { name: 'effect', flags: HelperFlags.SideEffects };
const PURE: HelperDecl = { name: 'pure', flags: HelperFlags.None };

// ---------------------------------------------------------------- foldConstants

describe('foldConstants', () => {
  const binCases: Array<[string, Op, number, number, number]> = [
    ['add wraps', Op.Add, 0x7fffffff, 1, I32(0x80000000)],
    ['add negatives', Op.Add, -1, -1, -2],
    ['sub borrows', Op.Sub, 0, 1, -1],
    ['sub wraps', Op.Sub, I32(0x80000000), 1, 0x7fffffff],
    ['mul keeps the low half', Op.Mul, 0x10001, 0x10001, 0x20001],
    ['mul signed', Op.Mul, -3, 7, -21],
    ['mul overflow', Op.Mul, 0x12345678, 0x9abcdef, I32(Number(BigInt.asIntN(32, 0x12345678n * 0x9abcdefn)))],
    ['and', Op.And, 0xf0f0, 0xff00, 0xf000],
    ['or', Op.Or, 0xf0, 0x0f, 0xff],
    ['xor', Op.Xor, -1, 0x0f, -16],
    ['shl into the sign bit', Op.Shl, 1, 31, I32(0x80000000)],
    ['shl drops high bits', Op.Shl, 3, 30, I32(0xc0000000)],
    ['shr is logical', Op.Shr, -1, 28, 0xf],
    ['shr of the sign bit', Op.Shr, I32(0x80000000), 31, 1],
    ['sar is arithmetic', Op.Sar, -16, 2, -4],
    ['sar positive', Op.Sar, 0x40000000, 30, 1],
    ['rotl 1', Op.Rotl, I32(0x80000001), 1, 3],
    ['rotl 8', Op.Rotl, 0x12345678, 8, 0x34567812],
    ['rotl 31', Op.Rotl, 1, 31, I32(0x80000000)],
    ['rotr 1', Op.Rotr, 3, 1, I32(0x80000001)],
    ['rotr 8', Op.Rotr, 0x12345678, 8, 0x78123456],
    ['rotr 31', Op.Rotr, I32(0x80000000), 31, 1],
  ];
  for (const [what, op, a, bv, expected] of binCases) {
    it(`turns a constant ${what} into a mov of the result`, () => {
      const { b, r, n, lines } = setup();
      b.insnStart(0x1000, 0);
      const x = b.add(r.eax, r.ebx); // a neighbour that must not change
      const t = b.binop(op, b.const(a), b.const(bv));
      b.add(t, x, r.ecx);
      b.exit(0x1002, 1);
      const before = lines();
      const i = opWriting(b.block.ops, t);
      foldConstants(b.block);
      expect(b.block.ops[i].op).toBe(Op.Mov);
      expect(b.block.ops[i].out).toBe(t);
      expect(b.block.isConst(b.block.ops[i].args[0])).toBe(true);
      expect(b.block.constValue(b.block.ops[i].args[0])).toBe(expected);
      expect(lines()).toEqual(edited(before, { [i]: `  ${n(t)} = mov ${n(b.const(expected))}` }));
      expect(validateBlock(b.block)).toEqual([]);
    });
  }

  const unCases: Array<[string, Op, number, number]> = [
    ['neg', Op.Neg, 5, -5],
    ['neg of INT_MIN', Op.Neg, I32(0x80000000), I32(0x80000000)],
    ['not', Op.Not, 0, -1],
    ['ext8s negative', Op.Ext8s, 0x80, -128],
    ['ext8s drops high bits', Op.Ext8s, 0x17f, 127],
    ['ext8u', Op.Ext8u, -1, 0xff],
    ['ext16s negative', Op.Ext16s, 0x8000, -32768],
    ['ext16s drops high bits', Op.Ext16s, 0x17fff, 0x7fff],
    ['ext16u', Op.Ext16u, -1, 0xffff],
  ];
  for (const [what, op, a, expected] of unCases) {
    it(`turns a constant ${what} into a mov of the result`, () => {
      const { b, r, n, lines } = setup();
      b.insnStart(0x1000, 0);
      const t = b.unop(op, b.const(a));
      const u = b.unop(op, r.eax); // same op on a non-constant: untouched
      b.add(t, u, r.ecx);
      b.exit(0x1002, 1);
      const before = lines();
      const i = opWriting(b.block.ops, t);
      foldConstants(b.block);
      expect(b.block.ops[i].op).toBe(Op.Mov);
      expect(b.block.constValue(b.block.ops[i].args[0])).toBe(expected);
      expect(lines()).toEqual(edited(before, { [i]: `  ${n(t)} = mov ${n(b.const(expected))}` }));
    });
  }

  it('agrees with evalPure on every constant-folded op', () => {
    const rnd = xorshift(7);
    for (const op of [Op.Add, Op.Sub, Op.Mul, Op.And, Op.Or, Op.Xor, Op.Shl, Op.Shr, Op.Sar, Op.Rotl, Op.Rotr]) {
      for (let k = 0; k < 40; k++) {
        const a = rnd(), c = op >= Op.Shl ? (rnd() & 31) : rnd();
        const { b } = setup();
        const t = b.binop(op, b.const(a), b.const(c));
        b.exit(-1, 0);
        foldConstants(b.block);
        expect(b.block.constValue(b.block.ops[opWriting(b.block.ops, t)].args[0])).toBe(evalPure(op, a, c));
      }
    }
  });

  type Ident = [string, (b: IrBuilder, x: number) => number, 'x' | 'zero'];
  const identities: Ident[] = [
    ['x+0', (b, x) => b.add(x, b.const(0)), 'x'],
    ['0+x', (b, x) => b.add(b.const(0), x), 'x'],
    ['x|0', (b, x) => b.or(x, b.const(0)), 'x'],
    ['0|x', (b, x) => b.or(b.const(0), x), 'x'],
    ['x^0', (b, x) => b.xor(x, b.const(0)), 'x'],
    ['0^x', (b, x) => b.xor(b.const(0), x), 'x'],
    ['x-0', (b, x) => b.sub(x, b.const(0)), 'x'],
    ['x<<0', (b, x) => b.shl(x, b.const(0)), 'x'],
    ['x>>>0', (b, x) => b.shr(x, b.const(0)), 'x'],
    ['x>>0', (b, x) => b.sar(x, b.const(0)), 'x'],
    ['rotl x,0', (b, x) => b.rotl(x, b.const(0)), 'x'],
    ['rotr x,0', (b, x) => b.rotr(x, b.const(0)), 'x'],
    ['x&-1', (b, x) => b.and(x, b.const(-1)), 'x'],
    ['-1&x', (b, x) => b.and(b.const(-1), x), 'x'],
    ['x*1', (b, x) => b.mul(x, b.const(1)), 'x'],
    ['1*x', (b, x) => b.mul(b.const(1), x), 'x'],
    ['x&0', (b, x) => b.and(x, b.const(0)), 'zero'],
    ['0&x', (b, x) => b.and(b.const(0), x), 'zero'],
    ['x*0', (b, x) => b.mul(x, b.const(0)), 'zero'],
    ['0*x', (b, x) => b.mul(b.const(0), x), 'zero'],
  ];
  for (const [what, make, result] of identities) {
    it(`simplifies ${what}`, () => {
      const { b, r, n, lines } = setup();
      b.insnStart(0x1000, 0);
      const x = b.add(r.eax, r.ebx);
      const t = make(b, x);
      b.mov(r.ecx, t);
      b.exit(0x1002, 1);
      const before = lines();
      const i = opWriting(b.block.ops, t);
      foldConstants(b.block);
      const src = result === 'x' ? x : b.const(0);
      expect(b.block.ops[i]).toMatchObject({ op: Op.Mov, out: t, args: [src] });
      expect(lines()).toEqual(edited(before, { [i]: `  ${n(t)} = mov ${n(src)}` }));
    });
  }

  const notIdentities: Array<[string, (b: IrBuilder, x: number) => number]> = [
    ['x+1', (b, x) => b.add(x, b.const(1))],
    ['0-x', (b, x) => b.sub(b.const(0), x)],
    ['x*2', (b, x) => b.mul(x, b.const(2))],
    ['x*-1', (b, x) => b.mul(x, b.const(-1))],
    ['x&0xff', (b, x) => b.and(x, b.const(0xff))],
    ['x^-1', (b, x) => b.xor(x, b.const(-1))],
    ['x>>>1', (b, x) => b.shr(x, b.const(1))],
    ['rotl x,1', (b, x) => b.rotl(x, b.const(1))],
    ['x+y', (b, x) => b.add(x, x)],
  ];
  for (const [what, make] of notIdentities) {
    it(`leaves ${what} alone`, () => {
      const { b, r, lines } = setup();
      b.insnStart(0x1000, 0);
      const x = b.add(r.eax, r.ebx);
      b.mov(r.ecx, make(b, x));
      b.exit(0x1002, 1);
      const before = lines();
      foldConstants(b.block);
      expect(lines()).toEqual(before);
    });
  }

  it('leaves loads, stores, calls, labels and branches on non-constants alone', () => {
    const { b, r, lines } = setup();
    b.insnStart(0x1000, 0);
    const v = b.ld(MemOp.U32, r.ebx);
    b.st(MemOp.U16, b.const(0x2000), b.const(5));
    const t = b.call(EFFECT, [b.const(1), b.const(2)], true);
    const l = b.newLabel();
    b.brcond(Cond.Eq, v, t, l);
    b.mov(r.eax, b.const(1));
    b.label(l);
    b.movcond(Cond.Lt, v, b.const(3), r.ecx, r.edx, r.esi);
    b.setcond(Cond.Gtu, b.const(3), v, r.edi);
    b.exit(0x1002, 1);
    const before = lines();
    foldConstants(b.block);
    expect(lines()).toEqual(before);
  });

  it('folds setcond of constants for every condition (signed and unsigned edge values)', () => {
    for (const c of ALL_CONDS) {
      for (const [x, y] of COND_PAIRS) {
        const { b, r, n, lines } = setup();
        b.insnStart(0x1000, 0);
        const t = b.setcond(c, b.const(x), b.const(y));
        b.mov(r.eax, t);
        b.exit(0x1002, 1);
        const before = lines();
        foldConstants(b.block);
        const want = refCond(c, x, y) ? 1 : 0;
        expect(lines(), `${COND_NAMES[c]} ${x}, ${y}`).toEqual(edited(before, { 1: `  ${n(t)} = mov ${n(b.const(want))}` }));
      }
    }
  });

  it('folds movcond with constant compare operands to a mov of the chosen value', () => {
    for (const c of ALL_CONDS) {
      for (const [x, y] of COND_PAIRS) {
        const { b, r, n, lines } = setup();
        b.insnStart(0x1000, 0);
        const t = b.movcond(c, b.const(x), b.const(y), r.ecx, r.edx);
        b.mov(r.eax, t);
        b.exit(0x1002, 1);
        const before = lines();
        foldConstants(b.block);
        const want = refCond(c, x, y) ? r.ecx : r.edx;
        expect(lines(), `${COND_NAMES[c]} ${x}, ${y}`).toEqual(edited(before, { 1: `  ${n(t)} = mov ${n(want)}` }));
      }
    }
  });

  it('folds movcond with equal alternatives, and only then when the compare is not constant', () => {
    const { b, r, n, lines } = setup();
    b.insnStart(0x1000, 0);
    const same = b.movcond(Cond.Lt, r.eax, r.ebx, r.ecx, r.ecx);
    const diff = b.movcond(Cond.Lt, r.eax, r.ebx, r.ecx, r.edx);
    b.add(same, diff, r.esi);
    b.exit(0x1002, 1);
    const before = lines();
    foldConstants(b.block);
    expect(lines()).toEqual(edited(before, { 1: `  ${n(same)} = mov ecx` }));
  });

  it('drops a brcond that is never taken and keeps everything else', () => {
    for (const c of ALL_CONDS) {
      for (const [x, y] of COND_PAIRS) {
        if (refCond(c, x, y)) continue;
        const { b, r, lines } = setup();
        b.insnStart(0x1000, 0);
        const l = b.newLabel();
        b.brcond(c, b.const(x), b.const(y), l);
        b.mov(r.eax, b.const(1));
        b.label(l);
        b.exit(0x1002, 1);
        const before = lines();
        foldConstants(b.block);
        expect(lines(), `${COND_NAMES[c]} ${x}, ${y}`).toEqual(edited(before, { 1: null }));
      }
    }
  });

  it('turns a brcond that is always taken into br to the same label', () => {
    for (const c of ALL_CONDS) {
      for (const [x, y] of COND_PAIRS) {
        if (!refCond(c, x, y)) continue;
        const { b, r, lines } = setup();
        b.insnStart(0x1000, 0);
        b.newLabel();
        const l = b.newLabel(); // L1, so a wrong label number shows
        b.brcond(c, b.const(x), b.const(y), l);
        b.mov(r.eax, b.const(1));
        b.label(l);
        b.exit(0x1002, 1);
        const before = lines();
        foldConstants(b.block);
        expect(lines(), `${COND_NAMES[c]} ${x}, ${y}`).toEqual(edited(before, { 1: '  br L1' }));
        expect(b.block.ops[1]).toMatchObject({ op: Op.Br, aux: l, args: [] });
      }
    }
  });

  it('leaves a brcond on a non-constant alone', () => {
    const { b, r, lines } = setup();
    b.insnStart(0x1000, 0);
    const l = b.newLabel();
    b.brcond(Cond.Eq, r.eax, b.const(0), l);
    b.brcond(Cond.Eq, b.const(0), r.eax, l);
    b.mov(r.eax, b.const(1));
    b.label(l);
    b.exit(0x1002, 1);
    const before = lines();
    foldConstants(b.block);
    expect(lines()).toEqual(before);
  });

  const mulCases: Array<[boolean, number, number, number, number]> = [
    // [signed, a, b, low, high]
    [false, 3, 5, 15, 0],
    [false, -1, -1, 1, -2],
    [true, -1, -1, 1, 0],
    [false, I32(0x80000000), 2, 0, 1],
    [true, I32(0x80000000), 2, 0, -1],
    [true, I32(0x80000000), I32(0x80000000), 0, 0x40000000],
    [false, I32(0x80000000), I32(0x80000000), 0, 0x40000000],
    [true, -3, 5, -15, -1],
    [false, -3, 5, -15, 4],
    [true, 0x7fffffff, 0x7fffffff, 1, 0x3fffffff],
    [false, 0x10000, 0x10000, 0, 1],
    [true, 0x12345678, -0x9abcdef, I32(Number(BigInt.asUintN(32, 0x12345678n * -0x9abcdefn))),
      I32(Number(BigInt.asIntN(64, 0x12345678n * -0x9abcdefn) >> 32n))],
  ];
  for (const [signed, x, y, lo, hi] of mulCases) {
    it(`folds ${signed ? 'muls2' : 'mulu2'} ${x}, ${y} into two movs`, () => {
      const { b, r, n, lines } = setup();
      b.insnStart(0x1000, 0);
      const [tlo, thi] = b.mul2(signed, b.const(x), b.const(y));
      b.mov(r.eax, tlo);
      b.mov(r.edx, thi);
      b.exit(0x1002, 1);
      const before = lines();
      foldConstants(b.block);
      expect(lines()).toEqual(edited(before, {
        1: [`  ${n(thi)} = mov ${n(b.const(hi))}`, `  ${n(tlo)} = mov ${n(b.const(lo))}`],
      }));
      const ops = b.block.ops;
      expect(ops[1]).toMatchObject({ op: Op.Mov, out: thi, out2: -1 });
      expect(ops[2]).toMatchObject({ op: Op.Mov, out: tlo, out2: -1 });
      expect(b.block.constValue(ops[1].args[0])).toBe(hi);
      expect(b.block.constValue(ops[2].args[0])).toBe(lo);
      expect(validateBlock(b.block)).toEqual([]);
    });
  }

  it('leaves mulu2/muls2 with a non-constant operand alone', () => {
    const { b, r, lines } = setup();
    b.insnStart(0x1000, 0);
    const [lo, hi] = b.mul2(false, r.eax, b.const(3));
    const [lo2, hi2] = b.mul2(true, b.const(3), r.eax);
    b.add(lo, hi, r.ecx);
    b.add(lo2, hi2, r.edx);
    b.exit(0x1002, 1);
    const before = lines();
    foldConstants(b.block);
    expect(lines()).toEqual(before);
  });

  it('mul64 matches BigInt for random and edge inputs', () => {
    const rnd = xorshift(12345);
    const edge = [0, 1, -1, 2, 0x7fffffff, I32(0x80000000), 0xffff, 0x10000, -0x10000];
    const pairs: Array<[number, number]> = [];
    for (const x of edge) for (const y of edge) pairs.push([x, y]);
    for (let k = 0; k < 2000; k++) pairs.push([rnd(), rnd()]);
    for (const [x, y] of pairs) {
      const pu = BigInt(x >>> 0) * BigInt(y >>> 0);
      const ps = BigInt(x) * BigInt(y);
      expect(mul64(false, x, y)).toEqual([Number(BigInt.asIntN(32, pu)), Number(BigInt.asIntN(32, pu >> 32n))]);
      expect(mul64(true, x, y)).toEqual([Number(BigInt.asIntN(32, ps)), Number(BigInt.asIntN(32, ps >> 32n))]);
    }
  });

  it('evalCond agrees with an independent definition of every condition', () => {
    const rnd = xorshift(99);
    const pairs = [...COND_PAIRS];
    for (let k = 0; k < 200; k++) pairs.push([rnd(), rnd()]);
    for (const c of ALL_CONDS) for (const [x, y] of pairs) expect(evalCond(c, x, y), `${COND_NAMES[c]} ${x} ${y}`).toBe(refCond(c, x, y));
  });
});

// ---------------------------------------------------------------- propagateCopies

describe('propagateCopies', () => {
  it('makes uses of a copied local read the source, and changes nothing else', () => {
    const { b, r, n, lines } = setup();
    b.insnStart(0x1000, 0);
    const t0 = b.add(r.eax, r.ebx);
    const t1 = b.copy(t0);
    const t2 = b.addi(t1, 1);
    b.mov(r.ecx, t1);
    b.st(MemOp.U32, t1, t2);
    b.exit(0x1002, 1);
    const before = lines();
    propagateCopies(b.block);
    expect(lines()).toEqual(edited(before, {
      3: `  ${n(t2)} = add ${n(t0)}, $0x1`,
      4: `  ecx = mov ${n(t0)}`,
      5: `  st.u32 ${n(t0)}, ${n(t2)}`,
    }));
  });

  it('propagates constants and follows chains of copies', () => {
    const { b, r, n, lines } = setup();
    b.insnStart(0x1000, 0);
    const c = b.copy(b.const(5));
    const t0 = b.add(c, r.eax);
    const t1 = b.copy(t0);
    const t2 = b.copy(t1);
    b.sub(t2, c, r.ecx);
    b.exit(0x1002, 1);
    const before = lines();
    propagateCopies(b.block);
    expect(lines()).toEqual(edited(before, {
      2: `  ${n(t0)} = add $0x5, eax`,
      4: `  ${n(t2)} = mov ${n(t0)}`,
      5: `  ecx = sub ${n(t0)}, $0x5`,
    }));
  });

  it('a copy of a global reads the global until the global is rewritten', () => {
    const { b, r, n, lines } = setup();
    b.insnStart(0x1000, 0);
    const t = b.copy(r.eax);
    const u = b.addi(t, 1); // -> add eax, 1
    b.addi(r.eax, 1, r.eax); // eax changes: t keeps the old value
    b.add(t, u, r.ecx); // must still read t
    b.exit(0x1002, 1);
    const before = lines();
    propagateCopies(b.block);
    expect(lines()).toEqual(edited(before, { 2: `  ${n(u)} = add eax, $0x1` }));
  });

  it('drops the fact when the source local is rewritten', () => {
    const { b, r, n, lines } = setup();
    b.insnStart(0x1000, 0);
    const t0 = b.add(r.eax, r.ebx);
    const t1 = b.copy(t0);
    b.mov(r.edx, t1); // -> t0
    b.addi(t0, 1, t0);
    b.mov(r.ecx, t1); // must stay t1
    b.exit(0x1002, 1);
    const before = lines();
    propagateCopies(b.block);
    expect(lines()).toEqual(edited(before, { 3: `  edx = mov ${n(t0)}` }));
  });

  it('drops the fact when the source is rewritten as the high half of mulu2 or by a load', () => {
    const { b, r, lines } = setup();
    b.insnStart(0x1000, 0);
    const t0 = b.add(r.eax, r.ebx);
    const t1 = b.copy(t0);
    const [lo] = b.mul2(false, r.eax, r.ebx);
    // Hand-made: make the high half land in t0.
    b.block.ops[b.block.ops.length - 1].out2 = t0;
    b.mov(r.ecx, t1);
    const t2 = b.copy(r.edx);
    b.ld(MemOp.U32, r.ebx, r.edx);
    b.mov(r.esi, t2);
    b.add(lo, t0, r.edi);
    b.exit(0x1002, 1);
    const before = lines();
    propagateCopies(b.block);
    expect(lines()).toEqual(before);
  });

  it('drops the fact when the copy itself is rewritten', () => {
    const { b, r, n, lines } = setup();
    b.insnStart(0x1000, 0);
    const t0 = b.add(r.eax, r.ebx);
    const t1 = b.copy(t0);
    b.mov(r.edx, t1); // -> t0
    b.add(r.ecx, r.ecx, t1); // t1 is something else now
    b.mov(r.esi, t1); // must stay t1
    b.exit(0x1002, 1);
    const before = lines();
    propagateCopies(b.block);
    expect(lines()).toEqual(edited(before, { 3: `  edx = mov ${n(t0)}` }));
  });

  it('drops every fact at a label', () => {
    const { b, r, n, lines } = setup();
    b.insnStart(0x1000, 0);
    const t0 = b.add(r.eax, r.ebx);
    const t1 = b.copy(t0);
    const c = b.copy(b.const(7));
    const l = b.newLabel();
    b.brcond(Cond.Eq, t1, c, l); // -> t0, $7
    b.add(r.ecx, c, t1);
    b.label(l);
    b.mov(r.edx, t1); // may arrive from either path: stays t1
    b.mov(r.esi, c); // stays c
    b.exit(0x1002, 1);
    const before = lines();
    propagateCopies(b.block);
    expect(lines()).toEqual(edited(before, {
      4: `  brcond eq ${n(t0)}, $0x7, L0`,
      5: `  ${n(t1)} = add ecx, $0x7`,
    }));
  });

  it('drops facts about globals (only) after a helper that writes guest state', () => {
    const { b, r, n, lines } = setup();
    b.insnStart(0x1000, 0);
    const g = b.copy(r.eax);
    const t0 = b.add(r.eax, r.ebx);
    const l = b.copy(t0);
    b.call(WRITES, [g], false); // its argument still reads eax
    b.mov(r.ecx, g); // eax may have changed: stays g
    b.mov(r.edx, l); // a copy of a local is still good: -> t0
    b.exit(0x1002, 1);
    const before = lines();
    propagateCopies(b.block);
    expect(lines()).toEqual(edited(before, {
      4: `  call writes(eax)`,
      6: `  edx = mov ${n(t0)}`,
    }));
  });

  it('keeps facts about globals across helpers that do not write guest state', () => {
    for (const h of [READS, FAULTS, EFFECT, PURE]) {
      const { b, r, lines } = setup();
      b.insnStart(0x1000, 0);
      const g = b.copy(r.eax);
      b.call(h, [], false);
      b.mov(r.ecx, g);
      b.exit(0x1002, 1);
      const before = lines();
      propagateCopies(b.block);
      expect(lines(), h.name).toEqual(edited(before, { 3: '  ecx = mov eax' }));
    }
  });

  it('never records a copy into a global destination', () => {
    const { b, r, lines } = setup();
    b.insnStart(0x1000, 0);
    const t0 = b.add(r.ecx, r.ebx);
    b.mov(r.eax, t0);
    b.mov(r.edx, r.ebx);
    b.mov(r.esi, b.const(3));
    b.add(r.eax, r.edx, r.edi); // still reads eax and edx
    b.add(r.esi, r.eax, r.ecx); // still reads esi
    b.exit(0x1002, 1);
    const before = lines();
    propagateCopies(b.block);
    expect(lines()).toEqual(before);
  });

  it('ignores a self-copy', () => {
    const { b, r, lines } = setup();
    b.insnStart(0x1000, 0);
    const t0 = b.add(r.ecx, r.ebx);
    b.mov(t0, t0);
    b.mov(r.eax, t0);
    b.exit(0x1002, 1);
    const before = lines();
    propagateCopies(b.block);
    expect(lines()).toEqual(before);
  });
});

// ---------------------------------------------------------------- removeDeadCode

describe('removeDeadCode', () => {
  it('removes dead locals (and chains of them) and keeps the live ones', () => {
    const { b, r, lines } = setup();
    b.insnStart(0x1000, 0);
    const dead1 = b.add(r.eax, r.ebx);
    b.mul(dead1, r.ecx); // dead, and makes dead1 dead
    const live = b.sub(r.eax, r.ebx);
    b.setcond(Cond.Lt, r.eax, r.ebx); // dead
    b.movcond(Cond.Lt, r.eax, r.ebx, live, r.ecx); // dead
    b.mul2(true, r.eax, r.ebx); // both halves dead
    b.call(PURE, [r.eax], true); // dead result, no effects
    b.call(READS, [r.eax], true); // dead result, only reads state
    b.mov(r.edx, live);
    b.exit(0x1002, 1);
    const before = lines();
    removeDeadCode(b.block);
    expect(lines()).toEqual(edited(before, { 1: null, 2: null, 4: null, 5: null, 6: null, 7: null, 8: null }));
  });

  it('keeps a mulu2 when only one half is used', () => {
    const { b, r, lines } = setup();
    b.insnStart(0x1000, 0);
    const [, hi] = b.mul2(false, r.eax, r.ebx);
    b.mov(r.edx, hi);
    b.exit(0x1002, 1);
    const before = lines();
    removeDeadCode(b.block);
    expect(lines()).toEqual(before);
  });

  it('treats both halves of mulu2 as writes: an earlier write to the high half is dead', () => {
    const { b, r, lines } = setup();
    b.insnStart(0x1000, 0);
    b.mov(r.edx, b.const(5)); // dead: the product's high half overwrites edx
    b.block.ops.push({ op: Op.Mulu2, out: r.eax, out2: r.edx, args: [r.eax, r.ebx], cond: Cond.Eq, aux: 0, helper: null });
    b.exit(0x1002, 1);
    const before = lines();
    removeDeadCode(b.block);
    expect(lines()).toEqual(edited(before, { 1: null }));
  });

  it('keeps ops with side effects even when their results are unused', () => {
    const { b, r, lines } = setup();
    b.insnStart(0x1000, 0);
    b.ld(MemOp.U32, r.ebx); // may fault or touch MMIO
    b.st(MemOp.U8, r.ebx, r.eax);
    b.call(FAULTS, [r.eax], true);
    b.call(EFFECT, [r.eax], true);
    b.call(WRITES, [], false);
    b.call({ name: 'rw', flags: HelperFlags.ReadsState | HelperFlags.WritesState }, [], true);
    const l = b.newLabel();
    b.brcond(Cond.Eq, r.eax, b.const(0), l);
    b.exit(-1, 0);
    b.label(l);
    b.insnStart(0x1001, 1);
    const l2 = b.newLabel();
    b.br(l2);
    b.label(l2);
    b.exit(0x1002, 2);
    const before = lines();
    removeDeadCode(b.block);
    expect(lines()).toEqual(before);
  });

  it('removes a write to a global that is overwritten before anything observes it', () => {
    const { b, r, lines } = setup();
    b.insnStart(0x1000, 0);
    b.mov(r.eax, b.const(1)); // dead
    b.add(r.ebx, r.ecx, r.edx); // dead: rewritten in insn 1
    b.insnStart(0x1002, 1);
    const t = b.add(r.ecx, r.ebx); // an ordinary op in between
    b.mov(r.eax, t);
    b.mov(r.edx, b.const(2));
    b.exit(0x1004, 2);
    const before = lines();
    removeDeadCode(b.block);
    expect(lines()).toEqual(edited(before, { 1: null, 2: null }));
  });

  it('removes a global write overwritten across a helper that neither reads state nor can fault', () => {
    for (const h of [PURE, EFFECT]) {
      const { b, r, lines } = setup();
      b.insnStart(0x1000, 0);
      b.mov(r.eax, b.const(1));
      b.call(h, [], false);
      b.mov(r.eax, b.const(2));
      b.exit(0x1004, 1);
      const before = lines();
      removeDeadCode(b.block);
      // The effect-free call without a result goes too.
      const removed: Record<number, null> = h === PURE ? { 1: null, 2: null } : { 1: null };
      expect(lines(), h.name).toEqual(edited(before, removed));
    }
  });

  const observers: Array<[string, (b: IrBuilder, r: ReturnType<typeof setup>['r']) => void]> = [
    ['a load', (b, r) => { b.ld(MemOp.U32, r.ebx); }],
    ['a store', (b, r) => { b.st(MemOp.U32, r.ebx, r.ecx); }],
    ['a CanFault call', (b) => { b.call(FAULTS, [], false); }],
    // The result is used, so the call stays (a removed call observes nothing).
    ['a ReadsState call', (b, r) => { b.mov(r.ecx, b.call(READS, [], true)); }],
  ];
  for (const [what, between] of observers) {
    it(`keeps a global write when ${what} sits before the overwrite`, () => {
      const { b, r, lines } = setup();
      b.insnStart(0x1000, 0);
      b.mov(r.eax, b.const(1));
      b.insnStart(0x1002, 1);
      between(b, r);
      b.mov(r.eax, b.const(2));
      b.exit(0x1004, 2);
      const before = lines();
      removeDeadCode(b.block);
      expect(lines()).toEqual(before);
      expect(lines()).toContain('  eax = mov $0x1');
    });
  }

  it('keeps a global write when an exit sits between it and the overwrite', () => {
    const { b, r, lines } = setup();
    b.insnStart(0x1000, 0);
    b.mov(r.eax, b.const(1));
    const l = b.newLabel();
    b.brcond(Cond.Ne, r.ebx, b.const(0), l);
    b.exit(0x1002, 1); // leaves with eax = 1
    b.label(l);
    b.mov(r.eax, b.const(2));
    b.exit(0x1004, 1);
    const before = lines();
    removeDeadCode(b.block);
    expect(lines()).toEqual(before);
  });

  it('follows liveness through a forward brcond to a label where the global is read', () => {
    const build = (readAtLabel: boolean) => {
      const { b, r, lines } = setup();
      b.insnStart(0x1000, 0);
      b.mov(r.eax, b.const(1));
      const l = b.newLabel();
      b.brcond(Cond.Eq, r.ebx, b.const(0), l);
      b.mov(r.eax, b.const(2));
      b.label(l);
      if (readAtLabel) b.mov(r.ecx, r.eax);
      b.mov(r.eax, b.const(3));
      b.exit(0x1004, 1);
      const before = lines();
      removeDeadCode(b.block);
      return { before, after: lines() };
    };
    const read = build(true);
    // eax = 1 reaches the read through the branch; eax = 2 through the fall-through.
    expect(read.after).toEqual(read.before);
    const unread = build(false);
    expect(unread.after).toEqual(edited(unread.before, { 1: null, 3: null }));
  });

  it('follows liveness through br to a label where the global is read', () => {
    const { b, r, lines } = setup();
    b.insnStart(0x1000, 0);
    b.mov(r.eax, b.const(1));
    const l = b.newLabel();
    b.br(l);
    b.label(l);
    b.mov(r.ecx, r.eax);
    b.mov(r.eax, b.const(3));
    b.exit(0x1004, 1);
    const before = lines();
    removeDeadCode(b.block);
    expect(lines()).toEqual(before);
  });

  it('follows liveness of locals through a forward branch', () => {
    const build = (readAtLabel: boolean) => {
      const { b, r, lines } = setup();
      b.insnStart(0x1000, 0);
      const t = b.add(r.eax, r.ebx);
      const l = b.newLabel();
      b.brcond(Cond.Eq, r.ebx, b.const(0), l);
      b.exit(0x1002, 1);
      b.label(l);
      if (readAtLabel) b.mov(r.ecx, t);
      b.exit(0x1004, 1);
      const before = lines();
      removeDeadCode(b.block);
      return { before, after: lines() };
    };
    const read = build(true);
    expect(read.after).toEqual(read.before);
    const unread = build(false);
    expect(unread.after).toEqual(edited(unread.before, { 1: null }));
  });

  it('treats every global as live at an exit, so the last write to each global stays', () => {
    const { b, r, lines } = setup();
    b.insnStart(0x1000, 0);
    b.mov(r.eax, b.const(1));
    b.mov(r.ecx, b.const(2));
    b.mov(r.edx, b.const(3));
    b.exit(0x1002, 1);
    const before = lines();
    removeDeadCode(b.block);
    expect(lines()).toEqual(before);
  });
});

// ---------------------------------------------------------------- pipeline

describe('optimizeBlock', () => {
  it('folds what copy propagation exposes and removes what became dead', () => {
    const { b, r, n, lines } = setup();
    b.insnStart(0x1000, 0);
    const c = b.copy(b.const(3));
    const t = b.addi(c, 4);
    const x = b.add(t, b.const(0));
    b.mov(r.eax, x);
    b.exit(0x1002, 1);
    optimizeBlock(b.block);
    // fold: x = mov t; copyprop: t = add $3, $4, eax = mov t; fold: t = mov $7;
    // dce: c and x are dead.
    expect(lines()).toEqual([
      ' ---- insn 0 at $0x1000',
      `  ${n(t)} = mov $0x7`,
      `  eax = mov ${n(t)}`,
      '  exit 0 -> 0x1002 retired=1',
    ]);
    expect(validateBlock(b.block)).toEqual([]);
  });
});
