// Random operands and control words for the x87 differential tests: every
// class of extended value, with extra weight on the places where rounding,
// overflow and underflow decide things.
import { f80, type F80 } from '../../src/runtime/x87/index.js';

export type Rand = () => number;

export function randInt(r: Rand, n: number): number {
  return Math.floor(r() * n);
}

export function randBits(r: Rand, bits: number): bigint {
  let v = 0n;
  for (let i = 0; i < bits; i += 16) v = (v << 16n) | BigInt(randInt(r, 0x10000));
  return v & ((1n << BigInt(bits)) - 1n);
}

/** A 64-bit significand pattern: random, or one near a rounding boundary at 24, 53 or 64 bits. */
export function randMant(r: Rand): bigint {
  const k = randInt(r, 10);
  const top = 1n << 63n;
  if (k < 4) return top | randBits(r, 63);
  if (k === 4) return top | (randBits(r, 63) & ~((1n << BigInt(randInt(r, 63))) - 1n)); // few low bits
  if (k === 5) return (1n << 64n) - 1n - randBits(r, randInt(r, 12)); // all ones, nearly
  if (k === 6) return top | randBits(r, randInt(r, 8)); // nearly a power of two
  // Near the halfway point or a multiple of the quantum for p = 24, 53 or 64.
  const p = [24, 53, 64, 24][k - 7] ?? 64;
  const q = 1n << BigInt(64 - p);
  const base = top | (randBits(r, 63) & ~(q - 1n));
  const off = [0n, q / 2n, q - 1n, 1n][randInt(r, 4)] + BigInt(randInt(r, 3) - 1);
  const m = (base + (q > 1n ? off : 0n)) & ((1n << 64n) - 1n);
  return m | top;
}

/** A biased exponent for a normal: anywhere, or near 1.0, or near the ends of the range. */
export function randExp(r: Rand): number {
  const k = randInt(r, 6);
  if (k === 0) return 1 + randInt(r, 0x7ffe);
  if (k <= 2) return 0x3fff - 70 + randInt(r, 140);
  if (k === 3) return 1 + randInt(r, 80);
  if (k === 4) return 0x7ffe - randInt(r, 80);
  return 0x3fff - 20 + randInt(r, 40);
}

export const enum Want {
  Normal,
  Denormal,
  PseudoDenormal,
  Zero,
  Infinity,
  QNaN,
  SNaN,
  Unnormal,
  PseudoInf,
  PseudoNaN,
}

export function make(r: Rand, w: Want): F80 {
  const sign = randInt(r, 2) as 0 | 1;
  const top = 1n << 63n;
  switch (w) {
    case Want.Normal:
      return f80(sign, randExp(r), randMant(r));
    case Want.Denormal: {
      const bits = 1 + randInt(r, 63);
      return f80(sign, 0, (1n << BigInt(bits - 1)) | randBits(r, bits - 1));
    }
    case Want.PseudoDenormal:
      return f80(sign, 0, top | randBits(r, 63));
    case Want.Zero:
      return f80(sign, 0, 0n);
    case Want.Infinity:
      return f80(sign, 0x7fff, top);
    case Want.QNaN:
      return f80(sign, 0x7fff, top | (1n << 62n) | (randInt(r, 2) ? randBits(r, 62) : 0n));
    case Want.SNaN:
      return f80(sign, 0x7fff, top | (randBits(r, 62) | 1n));
    case Want.Unnormal:
      return f80(sign, randExp(r), randBits(r, 63));
    case Want.PseudoInf:
      return f80(sign, 0x7fff, 0n);
    case Want.PseudoNaN:
      return f80(sign, 0x7fff, randBits(r, 63) | 1n);
  }
}

/** Mostly normals; every other class now and then. */
export function randF80(r: Rand): F80 {
  const x = r();
  if (x < 0.7) return make(r, Want.Normal);
  if (x < 0.76) return make(r, Want.Denormal);
  if (x < 0.78) return make(r, Want.PseudoDenormal);
  if (x < 0.83) return make(r, Want.Zero);
  if (x < 0.87) return make(r, Want.Infinity);
  if (x < 0.91) return make(r, Want.QNaN);
  if (x < 0.95) return make(r, Want.SNaN);
  if (x < 0.97) return make(r, Want.Unnormal);
  if (x < 0.98) return make(r, Want.PseudoInf);
  return make(r, Want.PseudoNaN);
}

/** A finite normal with a chosen biased exponent (clamped into 1..0x7ffe). */
export function normalAt(r: Rand, exp: number): F80 {
  const e = Math.min(0x7ffe, Math.max(1, exp));
  return f80(randInt(r, 2) as 0 | 1, e, randMant(r));
}

/**
 * A second operand related to the first so the result lands somewhere
 * interesting: close exponents (cancellation, alignment), or a sum/difference
 * of exponents near the ends of the range. `kind` says how exponents combine.
 */
export function partner(r: Rand, a: F80, kind: 'add' | 'mul' | 'div' | 'any'): F80 {
  const x = r();
  if (x < 0.35 || a.exp === 0 || a.exp === 0x7fff) return randF80(r);
  if (kind === 'add' || kind === 'any' || x < 0.5) {
    const d = randInt(r, 3) ? randInt(r, 70) - 35 : randInt(r, 400) - 200;
    const b = normalAt(r, a.exp + d);
    if (randInt(r, 4) === 0) return f80(b.sign, b.exp, a.mant ^ randBits(r, randInt(r, 30))); // near-equal
    return b;
  }
  // Exponent of the result near the underflow or overflow threshold.
  const target = randInt(r, 2) ? randInt(r, 140) - 70 : 0x7ffe - 70 + randInt(r, 140);
  const e = kind === 'mul' ? target - a.exp + 0x3fff : a.exp - target + 0x3fff;
  return normalAt(r, e);
}

/** A control word: every PC and RC, usually all exceptions masked, sometimes some unmasked. */
export function randCw(r: Rand, unmaskRate = 0.15): number {
  const pcs = [0, 2, 3, 3, 0, 2, 3, 1]; // 1 is reserved; the host treats it as 3
  const pc = pcs[randInt(r, 8)];
  const rc = randInt(r, 4);
  const masks = r() < unmaskRate ? randInt(r, 64) : 0x3f;
  return 0x40 | masks | (pc << 8) | (rc << 10);
}

export function hex(v: bigint | number, digits: number): string {
  const b = typeof v === 'bigint' ? BigInt.asUintN(digits * 4, v) : BigInt(v >>> 0) & ((1n << BigInt(digits * 4)) - 1n);
  return b.toString(16).padStart(digits, '0');
}
