// The x87 arithmetic unit (src/runtime/x87) against the host's own x87:
// test/x87/ref.c runs each vector with the real instruction (gcc inline asm),
// and the TypeScript answer must match it bit for bit (transcendentals: see
// their section for what is allowed).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as X from '../src/runtime/x87/index.js';
import { type F80 } from '../src/runtime/x87/index.js';
import { buildReference, type Reference } from './x87/reference.js';
import { hex, normalAt, partner, randBits, randCw, randF80, randInt, type Rand } from './x87/vectors.js';
import { prng } from './support/prng.js';

let ref: Reference;
beforeAll(() => {
  ref = buildReference();
});
afterAll(() => ref?.dispose());

const H = X.f80ToHex;
const EMPTY = X.INDEFINITE; // an empty register stored with IE masked reads as the indefinite

/** The status word the reference prints: our flags, TOP, and ES/B when an unmasked exception was raised. */
function statusWord(flags: number, cw: number, top: number): number {
  const unmasked = flags & 0x3f & ~cw;
  return (flags & 0x473f) | (top << 11) | (unmasked ? 0x8080 : 0);
}

function regLine(r0: F80, r1: F80, flags: number, cw: number, top: number): string {
  return `${H(r0)} ${H(r1)} ${statusWord(flags, cw, top).toString(16).padStart(4, '0')}`;
}

interface Case {
  line: string;
  want: string;
}

/** Runs the cases through the reference; returns the mismatches, described. */
function differences(cases: Case[], same?: (got: string, want: string) => boolean): string[] {
  const got = ref.run(cases.map((c) => c.line));
  const bad: string[] = [];
  cases.forEach((c, i) => {
    const ok = same ? same(got[i], c.want) : got[i] === c.want;
    if (!ok) bad.push(`${c.line}\n   host: ${got[i]}\n   ours: ${c.want}`);
  });
  return bad;
}

function expectSame(cases: Case[], same?: (got: string, want: string) => boolean): void {
  const bad = differences(cases, same);
  if (bad.length) expect.fail(`${bad.length} of ${cases.length} differ from the host x87, first ones:\n${bad.slice(0, 12).join('\n')}`);
}

type Binary = (a: F80, b: F80, cw: number) => X.X87Result;

/** ST(0) = a op ST(1) = b, result in ST(0). */
function binaryCase(op: string, fn: Binary, a: F80, b: F80, cw: number): Case {
  const r = fn(a, b, cw);
  return { line: `${op} ${cw.toString(16).padStart(4, '0')} ${H(a)} ${H(b)}`, want: regLine(r.write ? r.value : a, b, r.flags, cw, 6) };
}

function binaryCases(op: string, fn: Binary, kind: 'add' | 'mul' | 'div' | 'any', seed: number, n: number): Case[] {
  const r: Rand = prng(seed);
  const cases: Case[] = [];
  for (let i = 0; i < n; i++) {
    const a = randF80(r);
    const b = partner(r, a, kind);
    const swap = r() < 0.5;
    cases.push(binaryCase(op, fn, swap ? b : a, swap ? a : b, randCw(r)));
  }
  return cases;
}

describe('x87 basic arithmetic against the host', () => {
  const N = 40000;
  it('fadd', () => expectSame(binaryCases('add', X.add, 'add', 1, N)));
  it('fsub', () => expectSame(binaryCases('sub', X.sub, 'add', 2, N)));
  it('fmul', () => expectSame(binaryCases('mul', X.mul, 'mul', 3, N)));
  it('fdiv', () => expectSame(binaryCases('div', X.div, 'div', 4, N)));
  it('fsqrt', () => {
    const r = prng(5);
    const cases: Case[] = [];
    for (let i = 0; i < N; i++) {
      let a = randF80(r);
      if (r() < 0.7) a = X.abs(a);
      const cw = randCw(r);
      const res = X.sqrt(a, cw);
      cases.push({ line: `sqrt ${cw.toString(16)} ${H(a)}`, want: regLine(res.write ? res.value : a, EMPTY, res.flags, cw, 7) });
    }
    expectSame(cases);
  });
});

describe('x87 compares and fxam against the host', () => {
  const N = 30000;
  const compareCases = (op: 'com' | 'ucom', seed: number): Case[] => {
    const r = prng(seed);
    const cases: Case[] = [];
    for (let i = 0; i < N; i++) {
      const a = randF80(r);
      const b = r() < 0.2 ? a : r() < 0.1 ? X.negate(a) : partner(r, a, 'add');
      const cw = randCw(r);
      const c = X.compare(a, b, op === 'ucom');
      cases.push({ line: `${op} ${cw.toString(16)} ${H(a)} ${H(b)}`, want: regLine(a, b, c.flags, cw, 6) });
    }
    return cases;
  };
  it('fcom', () => expectSame(compareCases('com', 11)));
  it('fucom', () => expectSame(compareCases('ucom', 12)));
  it('ftst and fxam', () => {
    const r = prng(13);
    const cases: Case[] = [];
    for (let i = 0; i < N; i++) {
      const a = randF80(r);
      const cw = randCw(r);
      const c = X.test(a);
      cases.push({ line: `tst ${cw.toString(16)} ${H(a)}`, want: regLine(a, EMPTY, c.flags, cw, 7) });
      cases.push({ line: `xam ${cw.toString(16)} ${H(a)}`, want: regLine(a, EMPTY, X.examine(a), cw, 7) });
    }
    expectSame(cases);
  });
});

describe('x87 loads against the host', () => {
  const N = 20000;
  const loadLine = (op: string, cw: number, img: string, r: X.X87Result): Case => ({
    line: `${op} ${cw.toString(16)} ${img}`,
    want: regLine(r.write ? r.value : EMPTY, EMPTY, r.flags, cw, r.write ? 7 : 0),
  });
  const randImage = (r: Rand, bits: number, ebits: number): bigint => {
    const k = randInt(r, 5);
    const v = randBits(r, bits);
    const fracBits = BigInt(bits - 1 - ebits);
    const emax = (1n << BigInt(ebits)) - 1n;
    const clearExp = v & ~(emax << fracBits);
    if (k === 0) return clearExp; // zero or denormal
    if (k === 1) return clearExp | (emax << fracBits); // infinity or NaN
    if (k === 2) return (clearExp | (emax << fracBits)) & ~((1n << fracBits) - 1n); // infinity
    return v;
  };
  it('fld m32fp and m64fp', () => {
    const r = prng(21);
    const cases: Case[] = [];
    for (let i = 0; i < N; i++) {
      const cw = randCw(r, 0.3);
      const b32 = Number(randImage(r, 32, 8));
      cases.push(loadLine('ld32', cw, hex(b32, 8), X.loadFloat32(b32, cw)));
      const b64 = randImage(r, 64, 11);
      cases.push(loadLine('ld64', cw, hex(b64, 16), X.loadFloat64(b64, cw)));
    }
    expectSame(cases);
  });
  it('fild m16/m32/m64 and fbld', () => {
    const r = prng(22);
    const cases: Case[] = [];
    const edge = (bits: number): bigint => {
      const k = randInt(r, 4);
      const lim = 1n << BigInt(bits - 1);
      if (k === 0) return [0n, -1n, 1n, lim - 1n, -lim, -lim + 1n][randInt(r, 6)];
      if (k === 1) return BigInt.asIntN(bits, randBits(r, randInt(r, bits) + 1));
      return BigInt.asIntN(bits, randBits(r, bits));
    };
    for (let i = 0; i < N; i++) {
      const cw = randCw(r);
      const v16 = edge(16);
      const v32 = edge(32);
      const v64 = edge(64);
      cases.push(loadLine('ild16', cw, hex(v16, 4), X.result(X.loadInt(Number(v16)))));
      cases.push(loadLine('ild32', cw, hex(v32, 8), X.result(X.loadInt(Number(v32)))));
      cases.push(loadLine('ild64', cw, hex(v64, 16), X.result(X.loadInt64(v64))));
      const bcd = new Uint8Array(10);
      const digits = randInt(r, 19);
      for (let d = 0; d < digits; d++) {
        const nib = r() < 0.05 ? 10 + randInt(r, 6) : randInt(r, 10);
        bcd[d >> 1] |= nib << ((d & 1) * 4);
      }
      bcd[9] = r() < 0.5 ? 0x80 : r() < 0.1 ? randInt(r, 256) : 0;
      const img = Array.from(bcd).reverse().map((x) => hex(x, 2)).join('');
      cases.push(loadLine('bld', cw, img, X.result(X.loadBcd(bcd))));
    }
    expectSame(cases);
  });
});

describe('x87 stores against the host', () => {
  const N = 20000;
  const storeLine = (op: string, cw: number, a: F80, img: string, s: { flags: number; write: boolean }, pops: boolean): Case => ({
    line: `${op} ${cw.toString(16)} ${H(a)}`,
    want: `${s.write ? img : '5a'.repeat(img.length / 2)} ${s.write ? 1 : 0} ${statusWord(s.flags, cw, pops && s.write ? 0 : 7).toString(16).padStart(4, '0')}`,
  });
  /** Values near the ranges of the destination formats, and every class. */
  const storeOperand = (r: Rand): F80 => {
    const k = randInt(r, 6);
    if (k === 0) return randF80(r);
    if (k === 1) return normalAt(r, 0x3fff + [127, 128, -126, -127, -149, -150, 1023, 1024, -1022, -1023, -1074, -1075][randInt(r, 12)] + randInt(r, 5) - 2);
    if (k === 2) return normalAt(r, 0x3fff + randInt(r, 70) - 3); // integers at the format limits
    if (k === 3) return normalAt(r, 0x3fff + randInt(r, 2200) - 1100);
    return normalAt(r, 0x3fff + randInt(r, 300) - 150);
  };
  it('fst m32fp and m64fp', () => {
    const r = prng(31);
    const cases: Case[] = [];
    for (let i = 0; i < N; i++) {
      const a = storeOperand(r);
      const cw = randCw(r, 0.3);
      const s32 = X.storeFloat32(a, cw);
      cases.push(storeLine('st32', cw, a, hex(s32.value, 8), s32, false));
      const s64 = X.storeFloat64(a, cw);
      cases.push(storeLine('st64', cw, a, hex(s64.value, 16), s64, false));
    }
    expectSame(cases);
  });
  it('fist m16/m32/m64 and fbstp', () => {
    const r = prng(32);
    const cases: Case[] = [];
    for (let i = 0; i < N; i++) {
      const a = storeOperand(r);
      const cw = randCw(r, 0.3);
      const i16 = X.storeInt(a, 16, cw);
      cases.push(storeLine('ist16', cw, a, hex(i16.value, 4), i16, false));
      const i32 = X.storeInt(a, 32, cw);
      cases.push(storeLine('ist32', cw, a, hex(i32.value, 8), i32, false));
      const i64 = X.storeInt(a, 64, cw);
      cases.push(storeLine('ist64', cw, a, hex(i64.value, 16), i64, true));
      const bcd = X.storeBcd(a, cw);
      const img = Array.from(bcd.value).reverse().map((x) => hex(x, 2)).join('');
      cases.push(storeLine('bst', cw, a, img, bcd, true));
    }
    expectSame(cases);
  });
});

describe('x87 fprem and fprem1 against the host', () => {
  const N = 30000;
  const premCases = (op: 'prem' | 'prem1', seed: number): Case[] => {
    const r = prng(seed);
    const cases: Case[] = [];
    for (let i = 0; i < N; i++) {
      const a = randF80(r);
      let b = partner(r, a, 'add');
      if (r() < 0.3 && a.exp > 0 && a.exp < 0x7fff) b = normalAt(r, a.exp - randInt(r, r() < 0.5 ? 70 : 3000));
      const cw = randCw(r);
      const res = X.remainder(a, b, cw, op === 'prem1');
      cases.push({ line: `${op} ${cw.toString(16)} ${H(a)} ${H(b)}`, want: regLine(res.write ? res.value : a, b, res.flags, cw, 6) });
    }
    return cases;
  };
  it('fprem', () => expectSame(premCases('prem', 41)));
  it('fprem1', () => expectSame(premCases('prem1', 42)));
});

describe('x87 fscale, fxtract and frndint against the host', () => {
  const N = 30000;
  it('fscale', () => {
    const r = prng(51);
    const cases: Case[] = [];
    for (let i = 0; i < N; i++) {
      const a = randF80(r);
      let b: F80;
      const k = r();
      if (k < 0.3) b = randF80(r);
      else if (k < 0.6) b = X.fromInteger(BigInt(randInt(r, 140000) - 70000));
      else if (k < 0.8 && a.exp > 0 && a.exp < 0x7fff) {
        // land near the ends of the range, with a fraction to truncate
        const target = r() < 0.5 ? randInt(r, 140) - 70 : 0x7ffe - 70 + randInt(r, 140);
        b = X.add(X.fromInteger(BigInt(target - a.exp)), X.f80(0, 0x3ffe, randBits(r, 64) | (1n << 63n)), 0x37f).value;
      } else b = normalAt(r, 0x3fff + randInt(r, 20) - 3);
      const cw = randCw(r, 0.25);
      const res = X.scale(a, b, cw);
      cases.push({ line: `scale ${cw.toString(16)} ${H(a)} ${H(b)}`, want: regLine(res.write ? res.value : a, b, res.flags, cw, 6) });
    }
    expectSame(cases);
  });
  it('fxtract and frndint', () => {
    const r = prng(52);
    const cases: Case[] = [];
    for (let i = 0; i < N; i++) {
      const a = r() < 0.5 ? randF80(r) : normalAt(r, 0x3fff + randInt(r, 80) - 8);
      const cw = randCw(r, 0.25);
      const x = X.extract(a, cw);
      cases.push({
        line: `xtract ${cw.toString(16)} ${H(a)}`,
        want: x.write ? regLine(x.significand, x.exponent, x.flags, cw, 6) : regLine(a, EMPTY, x.flags, cw, 7),
      });
      const res = X.roundInt(a, cw);
      cases.push({ line: `rndint ${cw.toString(16)} ${H(a)}`, want: regLine(res.write ? res.value : a, EMPTY, res.flags, cw, 7) });
    }
    expectSame(cases);
  });
});

describe('x87 constants against the host', () => {
  it('fld1, fldl2t, fldl2e, fldpi, fldlg2, fldln2, fldz under every RC and PC', () => {
    const ops = ['ld1', 'ldl2t', 'ldl2e', 'ldpi', 'ldlg2', 'ldln2', 'ldz'];
    const cases: Case[] = [];
    for (let c = 0; c < ops.length; c++) {
      for (let rc = 0; rc < 4; rc++) {
        for (const pc of [0, 2, 3]) {
          for (const masks of [0x3f, 0x00]) {
            const cw = 0x40 | masks | (pc << 8) | (rc << 10);
            cases.push({ line: `${ops[c]} ${cw.toString(16)}`, want: regLine(X.loadConstant(c as X.Constant, cw), EMPTY, 0, cw, 7) });
          }
        }
      }
    }
    expectSame(cases);
  });
});

// Transcendentals: the value may be one ulp from the host's (adjacent in the
// ordered set of extended values, across binades too), and then PE and C1 may
// differ as well (they follow the rounding); every other status bit, the
// stack effect and every special case must match exactly.
function ulpIndex(v: F80): bigint {
  const idx = v.exp === 0 ? v.mant : (BigInt(v.exp) << 63n) | (v.mant & ((1n << 63n) - 1n));
  return v.sign ? -idx : idx;
}

function nearValue(g: string, w: string): boolean {
  if (g === w) return true;
  const a = X.f80FromHex(g);
  const b = X.f80FromHex(w);
  if (a.exp === 0x7fff || b.exp === 0x7fff) return false;
  const d = ulpIndex(a) - ulpIndex(b);
  return d >= -1n && d <= 1n;
}

const stats = { transcendental: 0, offByOne: 0 };
function withinUlp(got: string, want: string): boolean {
  if (got === want) return true;
  const [g0, g1, gs] = got.split(' ');
  const [w0, w1, ws] = want.split(' ');
  const loose = ~(0x20 | 0x200 | 0x8080) & 0xffff; // PE, C1, and ES/B (which an unmasked PE sets)
  const gsw = parseInt(gs, 16);
  const wsw = parseInt(ws, 16);
  if ((gsw & loose) !== (wsw & loose)) return false;
  const ok = nearValue(g0, w0) && nearValue(g1, w1);
  if (ok) stats.offByOne++;
  return ok;
}

/** Arguments for the trigonometric functions: near multiples of pi/2, tiny, huge, and every class. */
function trigOperand(r: Rand): F80 {
  const k = r();
  if (k < 0.2) return randF80(r);
  if (k < 0.45) {
    // a multiple of the 66-bit pi/2, rounded to 64 bits, nudged by a few ulps
    const m = BigInt(1 + randInt(r, r() < 0.5 ? 8 : 1 << 20));
    const exact = m * ((0xc90fdaa22168c234n << 2n) | 3n); // * 2^-65
    const n = exact.toString(2).length;
    const mant = (exact >> BigInt(n - 64)) + BigInt(randInt(r, 5) - 2);
    return X.f80(randInt(r, 2) as 0 | 1, n - 1 - 65 + 0x3fff, mant);
  }
  if (k < 0.55) return normalAt(r, 0x3fff + 40 + randInt(r, 24)); // large, some >= 2^63
  if (k < 0.65) return normalAt(r, 0x3fff - 30 - randInt(r, 16400));
  return normalAt(r, 0x3fff + randInt(r, 12) - 8);
}

describe('x87 trigonometric functions against the host (within 1 ulp)', () => {
  const N = 15000;
  it('fsin, fcos, fsincos, fptan', () => {
    const r = prng(61);
    const cases: Case[] = [];
    for (let i = 0; i < N; i++) {
      const a = trigOperand(r);
      const cw = randCw(r, 0.1);
      const c = cw.toString(16);
      const s = X.sin(a, cw);
      cases.push({ line: `sin ${c} ${H(a)}`, want: regLine(s.write ? s.value : a, EMPTY, s.flags, cw, 7) });
      const co = X.cos(a, cw);
      cases.push({ line: `cos ${c} ${H(a)}`, want: regLine(co.write ? co.value : a, EMPTY, co.flags, cw, 7) });
      const sc = X.sincos(a, cw);
      cases.push({
        line: `sincos ${c} ${H(a)}`,
        want: sc.write ? regLine(sc.cos, sc.sin, sc.flags, cw, 6) : regLine(a, EMPTY, sc.flags, cw, 7),
      });
      const t = X.ptan(a, cw);
      cases.push({
        line: `ptan ${c} ${H(a)}`,
        want: t.write ? regLine(t.pushed, t.value, t.flags, cw, 6) : regLine(a, EMPTY, t.flags, cw, 7),
      });
    }
    expectSame(cases, withinUlp);
  });
});
