// FSIN, FCOS, FSINCOS and FPTAN (SDM vol. 2A, their pages; vol. 1, 8.3.10).
//
// Like the hardware, the argument is reduced modulo pi/2 using a 66-bit
// approximation of pi (SDM vol. 1, 8.3.10: "the x87 FPU ... uses a 66-bit
// approximation of pi"); the host confirms it (fsin(FLDPI rounded up) is
// exactly -2^-64, the difference from that 66-bit pi). The reduction is exact
// against that pi; the functions of the reduced argument are then evaluated
// to ~200 bits and rounded once, so results are within an ulp of the host's.
// Operands with |x| >= 2^63 are out of range: C2 = 1 and nothing changes.
import { Cls, INT_BIT, ONE, bitLength, classify, unpack, zero, type F80 } from './float80.js';
import { FIX, ONE_BF, cosSeries, fromFix, mulBF, divBF, neg, sinRatio, toFix, type BigF } from './bigfloat.js';
import { checkNaNs1, denormalCheck, invalid } from './operands.js';
import { roundPack } from './round.js';
import { C1, C2, result, type X87Result } from './status.js';

/** pi to 66 bits: pi = PI66 * 2^-64, so pi/2 = PI66 * 2^-65. */
const PI66 = (0xc90fdaa22168c234n << 2n) | 3n;
const PIO2_EXP = -65;

interface Reduced {
  quadrant: number; // k mod 4
  r: BigF; // x - k * pi66/2, exact, |r| <= about pi/4
}

/** x = sig * 2^e (finite, nonzero, |x| < 2^63) reduced by the nearest multiple of pi66/2. */
function reduce(sign: 0 | 1, sig: bigint, e: number): Reduced {
  if (e + bitLength(sig) < 0) return { quadrant: 0, r: { sign, sig, exp: e } }; // |x| < 1/2 < pi/4
  const x = sig << BigInt(e - PIO2_EXP); // in units of 2^-65
  let k = (2n * x + PI66) / (2n * PI66); // nearest
  let rem = x - k * PI66;
  let rsign: 0 | 1 = sign;
  if (rem < 0n) {
    rem = -rem;
    rsign = (rsign ^ 1) as 0 | 1;
  }
  if (sign) k = -k;
  return { quadrant: Number(((k % 4n) + 4n) % 4n), r: { sign: rsign, sig: rem, exp: PIO2_EXP } };
}

/** sin and cos of a reduced argument, to ~200 bits. */
function sinCosOf(r: BigF): { s: BigF; c: BigF } {
  const r2 = toFix(mulBF(r, r));
  // For tiny r, r2 vanishes in fixed point; the sticky 1 keeps sin(r)/r and
  // cos(r) just below 1, where they are.
  const sr = sinRatio(r2) - (r.sig === 0n ? 0n : 1n);
  const c = cosSeries(r2) - (r.sig === 0n ? 0n : 1n);
  return { s: mulBF(r, fromFix(sr)), c: fromFix(c) };
}

function rounded(x: BigF, cw: number): X87Result {
  if (x.sig === 0n) return result(zero(x.sign));
  return roundPack(x.sign, x.sig, x.exp, 64, cw);
}

type Prepared = { done: X87Result } | { red: Reduced; flags: number };

/** The checks shared by the four: NaNs, invalid operands, zero, out of range, DE. */
function prepare(a: F80, ca: Cls, cw: number, zeroResult: () => X87Result): Prepared {
  const special = checkNaNs1(a, ca, cw);
  if (special) return { done: special };
  if (ca === Cls.Infinity) return { done: invalid(cw) };
  if (ca === Cls.Zero) return { done: zeroResult() };
  if (ca === Cls.Normal && a.exp >= 0x3fff + 63) return { done: result(a, C2, false) };
  const dn = denormalCheck(cw, ca);
  if (dn.stop) return { done: dn.stop };
  const u = unpack(a);
  return { red: reduce(a.sign, u.sig, u.e), flags: dn.flags };
}

function withFlags(r: X87Result, flags: number): X87Result {
  r.flags |= flags;
  return r;
}

/** FSIN. Out of range: C2 set and write false (the operand stays). */
export function sin(a: F80, cw: number): X87Result {
  const p = prepare(a, classify(a), cw, () => result(a));
  if ('done' in p) return p.done;
  const { s, c } = sinCosOf(p.red.r);
  const q = p.red.quadrant;
  const v = q === 0 ? s : q === 1 ? c : q === 2 ? neg(s) : neg(c);
  return withFlags(rounded(v, cw), p.flags);
}

/** FCOS. */
export function cos(a: F80, cw: number): X87Result {
  const p = prepare(a, classify(a), cw, () => result(ONE));
  if ('done' in p) return p.done;
  const { s, c } = sinCosOf(p.red.r);
  const q = p.red.quadrant;
  const v = q === 0 ? c : q === 1 ? neg(s) : q === 2 ? neg(c) : s;
  return withFlags(rounded(v, cw), p.flags);
}

/** FSINCOS's results: the caller puts sin in ST(0) and pushes cos. */
export interface X87SinCos {
  sin: F80;
  cos: F80;
  flags: number;
  write: boolean;
}

export function sincos(a: F80, cw: number): X87SinCos {
  const p = prepare(a, classify(a), cw, () => result(a));
  if ('done' in p) {
    const d = p.done;
    const c = d.write && classify(a) === Cls.Zero ? ONE : d.value;
    return { sin: d.value, cos: c, flags: d.flags, write: d.write };
  }
  const { s, c } = sinCosOf(p.red.r);
  const q = p.red.quadrant;
  const vs = q === 0 ? s : q === 1 ? c : q === 2 ? neg(s) : neg(c);
  const vc = q === 0 ? c : q === 1 ? neg(s) : q === 2 ? neg(c) : s;
  const rs = rounded(vs, cw);
  const rcos = rounded(vc, cw);
  // C1 tells how the sine was rounded (host), though the cosine ends on top.
  const flags = p.flags | ((rs.flags | rcos.flags) & ~C1) | (rs.flags & C1);
  return { sin: rs.value, cos: rcos.value, flags, write: true };
}

/** FPTAN's results: `value` replaces ST(0), then `pushed` is pushed. */
export interface X87Tan {
  value: F80;
  /** 1.0, or the NaN result again when the result is a NaN (host). */
  pushed: F80;
  flags: number;
  write: boolean;
}

/** FPTAN. Out of range: C2 set, write false, nothing pushed. */
export function ptan(a: F80, cw: number): X87Tan {
  const p = prepare(a, classify(a), cw, () => result(a));
  let r: X87Result;
  if ('done' in p) r = p.done;
  else {
    // tan(r) = r * (sin(r)/r) / cos(r); that ratio exceeds 1 for any r != 0,
    // and the +1 keeps it so when r is too tiny for the series to see.
    const rr = p.red.r;
    const r2 = toFix(mulBF(rr, rr));
    const ratio = (sinRatio(r2) << BigInt(FIX)) / cosSeries(r2) + 1n;
    const t = mulBF(rr, fromFix(ratio));
    const v = p.red.quadrant & 1 ? neg(divBF(ONE_BF, t)) : t;
    r = withFlags(rounded(v, cw), p.flags);
  }
  const nan = r.value.exp === 0x7fff && r.value.mant !== INT_BIT;
  return { value: r.value, pushed: nan ? r.value : ONE, flags: r.flags, write: r.write };
}
