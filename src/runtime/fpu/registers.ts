// The x87 register stack kept in the CPU state array (frontend-x86/state.ts):
// eight physical registers, TOP in the status word, a two-bit tag per
// physical register (SDM vol. 1, 8.1.2 and 8.1.7). ST(i) is physical
// register (TOP + i) mod 8.
import { S } from '../../frontend-x86/index.js';
import { Cls, classify, f80, type F80 } from '../x87/index.js';

export const TAG_VALID = 0, TAG_ZERO = 1, TAG_SPECIAL = 2, TAG_EMPTY = 3;

export function top(s: Int32Array): number { return (s[S.FSW]! >> 11) & 7; }

export function setTop(s: Int32Array, t: number): void {
  s[S.FSW] = (s[S.FSW]! & ~0x3800) | ((t & 7) << 11);
}

export function phys(s: Int32Array, i: number): number { return (top(s) + i) & 7; }

export function tagOf(s: Int32Array, p: number): number { return (s[S.FTW]! >> (p * 2)) & 3; }

export function setTag(s: Int32Array, p: number, tag: number): void {
  s[S.FTW] = (s[S.FTW]! & ~(3 << (p * 2))) | (tag << (p * 2));
}

export function isEmpty(s: Int32Array, i: number): boolean { return tagOf(s, phys(s, i)) === TAG_EMPTY; }

/** The tag a value gets when written (SDM vol. 1, 8.1.7). */
export function tagFor(v: F80): number {
  const c = classify(v);
  return c === Cls.Zero ? TAG_ZERO : c === Cls.Normal ? TAG_VALID : TAG_SPECIAL;
}

export function readPhys(s: Int32Array, p: number): F80 {
  const b = S.FPR + p * 3;
  const se = s[b]!;
  const mant = (BigInt(s[b + 2]! >>> 0) << 32n) | BigInt(s[b + 1]! >>> 0);
  return f80(((se >>> 15) & 1) as 0 | 1, se & 0x7fff, mant);
}

/** Writes a physical register and its tag. */
export function writePhys(s: Int32Array, p: number, v: F80): void {
  const b = S.FPR + p * 3;
  s[b] = (v.sign << 15) | v.exp;
  s[b + 1] = Number(v.mant & 0xffffffffn) | 0;
  s[b + 2] = Number(v.mant >> 32n) | 0;
  setTag(s, p, tagFor(v));
}

export function st(s: Int32Array, i: number): F80 { return readPhys(s, phys(s, i)); }

export function setSt(s: Int32Array, i: number, v: F80): void { writePhys(s, phys(s, i), v); }

/** Decrements TOP and writes the new ST(0). */
export function push(s: Int32Array, v: F80): void {
  setTop(s, top(s) - 1);
  writePhys(s, top(s), v);
}

/** Marks ST(0) empty and increments TOP. */
export function pop(s: Int32Array): void {
  setTag(s, top(s), TAG_EMPTY);
  setTop(s, top(s) + 1);
}

/** FNINIT (SDM vol. 2A, FINIT): CW 037F, SW 0, every register empty, pointers 0. */
export function fpuInit(s: Int32Array): void {
  s[S.FCW] = 0x037f;
  s[S.FSW] = 0;
  s[S.FTW] = 0xffff;
  for (const slot of [S.FIP, S.FCS, S.FOP, S.FDP, S.FDS]) s[slot] = 0;
}

/** Power-on state (SDM vol. 3, table 9-1): CW 0040, SW 0, TW 5555 (all valid), registers +0. */
export function fpuReset(s: Int32Array): void {
  s.fill(0, S.FPR, S.FPR + 24);
  s[S.FCW] = 0x0040;
  s[S.FSW] = 0;
  s[S.FTW] = 0x5555;
  for (const slot of [S.FIP, S.FCS, S.FOP, S.FDP, S.FDS]) s[slot] = 0;
}

/** The abridged 16-bit tag word as the architecture shows it: tags recomputed from the registers, empty kept. */
export function fullTagWord(s: Int32Array): number {
  let tw = 0;
  for (let p = 0; p < 8; p++) {
    const tag = tagOf(s, p) === TAG_EMPTY ? TAG_EMPTY : tagFor(readPhys(s, p));
    tw |= tag << (p * 2);
  }
  return tw;
}
