// Arithmetic helpers called from translated code: division, BCD adjust,
// rotate through carry, bit scans (SDM vol. 2 instruction pages).
import { S, F, computeOszapc, parityFlag } from '../frontend-x86/index.js';
import { type Cpu } from './cpu.js';
import { Fault, VEC } from './fault.js';

/** div/idiv: kind = size | (signed ? 8 : 0). #DE on a zero divisor or a quotient that does not fit. */
export function divide(cpu: Cpu, kind: number, divisor: number, insn: number): void {
  const s = cpu.s;
  const size = kind & 7;
  const signed = (kind & 8) !== 0;
  const de = () => new Fault(VEC.DE, -1, insn);
  if (size === 1 || size === 2) {
    const bits = size * 8;
    const mask = (1 << bits) - 1;
    const d = signed ? (size === 1 ? (divisor << 24) >> 24 : (divisor << 16) >> 16) : divisor & mask;
    if (d === 0) throw de();
    const n = size === 1
      ? (signed ? (s[S.EAX] << 16) >> 16 : s[S.EAX] & 0xffff)
      : (signed ? ((s[S.EDX] << 16) | (s[S.EAX] & 0xffff)) : (((s[S.EDX] & 0xffff) << 16) | (s[S.EAX] & 0xffff)) >>> 0);
    const q = Math.trunc(n / d);
    const r = n - q * d;
    if (signed ? (q > (mask >> 1) || q < -((mask >> 1) + 1)) : q > mask) throw de();
    if (size === 1) s[S.EAX] = (s[S.EAX] & ~0xffff) | ((r & 0xff) << 8) | (q & 0xff);
    else {
      s[S.EAX] = (s[S.EAX] & ~0xffff) | (q & 0xffff);
      s[S.EDX] = (s[S.EDX] & ~0xffff) | (r & 0xffff);
    }
    return;
  }
  const lo = s[S.EAX], hi = s[S.EDX];
  if (divisor === 0) throw de();
  let q: number, r: number;
  if (!signed && hi === 0) {
    const n = lo >>> 0, d = divisor >>> 0;
    q = Math.floor(n / d); r = n - q * d;
  } else if (signed && hi === (lo >> 31)) {
    if (lo === (0x80000000 | 0) && divisor === -1) throw de();
    q = Math.trunc(lo / divisor); r = lo - q * divisor;
  } else {
    const n = signed ? (BigInt(hi) << 32n) | BigInt(lo >>> 0) : (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
    const d = signed ? BigInt(divisor | 0) : BigInt(divisor >>> 0);
    const bq = n / d;
    if (signed ? bq > 0x7fffffffn || bq < -0x80000000n : bq > 0xffffffffn) throw de();
    q = Number(BigInt.asIntN(32, bq)); r = Number(BigInt.asIntN(32, n - bq * d));
  }
  s[S.EAX] = q | 0;
  s[S.EDX] = r | 0;
}

/** daa das aaa aas aam aad (kind 0..5), with the SDM's flag results. */
export function bcdAdjust(cpu: Cpu, kind: number, imm: number, insn: number): void {
  const s = cpu.s;
  const flags = cpu.eflags();
  let al = s[S.EAX] & 0xff, ah = (s[S.EAX] >> 8) & 0xff;
  let cf = flags & F.CF, af = flags & F.AF;
  let out: number;
  switch (kind) {
    case 0: case 1: { // daa, das
      const oldAl = al, oldCf = cf;
      cf = 0;
      if ((al & 0xf) > 9 || af) {
        if (kind === 0) { cf = oldCf | (al + 6 > 0xff ? 1 : 0); al = (al + 6) & 0xff; }
        else { cf = oldCf | (al < 6 ? 1 : 0); al = (al - 6) & 0xff; }
        af = F.AF;
      } else af = 0;
      if (oldAl > 0x99 || oldCf) { al = kind === 0 ? (al + 0x60) & 0xff : (al - 0x60) & 0xff; cf = 1; }
      else if (kind === 0) cf = 0;
      s[S.EAX] = (s[S.EAX] & ~0xff) | al;
      // OF is undefined after daa/das.
      out = cf | af | parityFlag(al) | (al === 0 ? F.ZF : 0) | (al & 0x80 ? F.SF : 0);
      break;
    }
    case 2: case 3: { // aaa, aas
      if ((al & 0xf) > 9 || af) {
        // Current processors adjust all of AX (SDM: AAA "AX <- AX + 106H", AAS "AX <- AX - 6; AH <- AH - 1").
        let ax = (ah << 8) | al;
        ax = kind === 2 ? (ax + 0x106) & 0xffff : (ax - 6) & 0xffff;
        al = ax & 0xff;
        ah = kind === 2 ? ax >> 8 : ((ax >> 8) - 1) & 0xff;
        af = F.AF; cf = 1;
      } else { af = 0; cf = 0; }
      al &= 0xf;
      s[S.EAX] = (s[S.EAX] & ~0xffff) | (ah << 8) | al;
      out = cf | af | (flags & (F.OF | F.SF | F.ZF | F.PF));
      break;
    }
    case 4: { // aam
      if ((imm & 0xff) === 0) throw new Fault(VEC.DE, -1, insn);
      ah = Math.floor(al / imm); al = al % imm;
      s[S.EAX] = (s[S.EAX] & ~0xffff) | (ah << 8) | al;
      out = parityFlag(al) | (al === 0 ? F.ZF : 0) | (al & 0x80 ? F.SF : 0);
      break;
    }
    default: { // aad
      al = (al + ah * imm) & 0xff;
      s[S.EAX] = (s[S.EAX] & ~0xffff) | al;
      out = parityFlag(al) | (al === 0 ? F.ZF : 0) | (al & 0x80 ? F.SF : 0);
    }
  }
  s[S.CC_OP] = 0;
  s[S.CC_SRC] = out;
}

/** rcl/rcr: kind = size | (right ? 8 : 0). Returns the rotated value. */
export function rotateCarry(kind: number, value: number, count: number, flags: number): number {
  return rotateCarryBoth(kind, value, count, flags)[0];
}

export function rotateCarryFlags(kind: number, value: number, count: number, flags: number): number {
  return rotateCarryBoth(kind, value, count, flags)[1];
}

function rotateCarryBoth(kind: number, value: number, count: number, flags: number): [number, number] {
  const size = kind & 7;
  const right = (kind & 8) !== 0;
  const bits = size * 8;
  const n = size === 4 ? count & 31 : (count & 31) % (bits + 1);
  if ((count & 31) === 0) return [value, flags & F.OSZAPC];
  let v = BigInt(value >>> 0) & ((1n << BigInt(bits)) - 1n);
  let cf = BigInt(flags & 1);
  const width = BigInt(bits + 1);
  let x = (cf << BigInt(bits)) | v; // carry above the operand
  const k = BigInt(n);
  if (k > 0n) {
    x = right ? ((x >> k) | (x << (width - k))) & ((1n << width) - 1n) : ((x << k) | (x >> (width - k))) & ((1n << width) - 1n);
  }
  v = x & ((1n << BigInt(bits)) - 1n);
  cf = x >> BigInt(bits);
  const r = Number(v);
  const msb = (r >>> (bits - 1)) & 1;
  const of = right ? (msb ^ ((r >>> (bits - 2)) & 1)) : (msb ^ Number(cf));
  const f = (flags & (F.OSZAPC & ~(F.CF | F.OF))) | Number(cf) | (of ? F.OF : 0);
  return [r | 0, f];
}

/** bsf (reverse 0) / bsr (reverse 1) of a non-zero value. */
export function bitScan(reverse: number, v: number): number {
  if (v === 0) return 0;
  return reverse ? 31 - Math.clz32(v) : 31 - Math.clz32(v & -v);
}

export { computeOszapc };
