// FSCALE, FXTRACT and FRNDINT: the operations on a value's exponent and
// integer part (SDM vol. 2A, FSCALE, FXTRACT, FRNDINT). None of them is
// subject to precision control (SDM vol. 1, 8.1.5.2).
import { BIAS, Cls, INDEFINITE, bitLength, classify, f80, inf, unpack, zero, type F80 } from './float80.js';
import { fromInteger } from './load.js';
import { checkNaNs1, checkNaNs2, denormalCheck, invalid } from './operands.js';
import { roundPack, roundShift } from './round.js';
import { C1, PE, ZE, masked, result, roundingOf, type X87Result } from './status.js';

/** Scale factors beyond this give the same overflow or underflow as any larger one. */
const SCALE_LIMIT = 1 << 17;

/** FSCALE: a * 2^trunc(b). */
export function scale(a: F80, b: F80, cw: number): X87Result {
  const ca = classify(a);
  const cb = classify(b);
  const special = checkNaNs2(a, ca, b, cb, cw);
  if (special) return special;
  const dn = denormalCheck(cw, ca, cb);
  if (dn.stop) return dn.stop;
  if (cb === Cls.Infinity) {
    // SDM vol. 2A, FSCALE table: 0 * 2^+inf and inf * 2^-inf are invalid.
    if (b.sign === 0) return ca === Cls.Zero ? invalid(cw, dn.flags) : result(inf(a.sign), dn.flags);
    return ca === Cls.Infinity ? invalid(cw, dn.flags) : result(zero(a.sign), dn.flags);
  }
  if (ca === Cls.Infinity || ca === Cls.Zero) return result(a, dn.flags);
  let n = 0;
  if (cb !== Cls.Zero) {
    const ub = unpack(b);
    const lead = ub.e + bitLength(ub.sig) - 1;
    if (lead >= 20) n = SCALE_LIMIT;
    else if (ub.e >= 0) n = Number(ub.sig << BigInt(ub.e));
    else n = Number(ub.sig >> BigInt(-ub.e));
    if (b.sign) n = -n;
  }
  const ua = unpack(a);
  const r = roundPack(a.sign, ua.sig, ua.e + n, 64, cw);
  r.flags |= dn.flags;
  return r;
}

/** FXTRACT's two results: ST(1) gets the exponent, ST(0) the significand. */
export interface X87Extracted {
  exponent: F80;
  significand: F80;
  flags: number;
  write: boolean;
}

/** FXTRACT: a = significand * 2^exponent with 1 <= |significand| < 2. */
export function extract(a: F80, cw: number): X87Extracted {
  const ca = classify(a);
  const both = (r: X87Result): X87Extracted => ({ exponent: r.value, significand: r.value, flags: r.flags, write: r.write });
  const special = checkNaNs1(a, ca, cw);
  if (special) return both(special);
  if (ca === Cls.Zero) {
    // SDM vol. 2A, FXTRACT: zero raises ZE; masked, the exponent is -inf.
    return { exponent: inf(1), significand: a, flags: ZE, write: masked(cw, ZE) };
  }
  if (ca === Cls.Infinity) return { exponent: inf(0), significand: a, flags: 0, write: true };
  const dn = denormalCheck(cw, ca);
  if (dn.stop) return { exponent: INDEFINITE, significand: INDEFINITE, flags: dn.flags, write: false };
  const u = unpack(a);
  const n = bitLength(u.sig);
  return {
    exponent: fromInteger(BigInt(u.e + n - 1)),
    significand: f80(a.sign, BIAS, u.sig << BigInt(64 - n)),
    flags: dn.flags,
    write: true,
  };
}

/** FRNDINT: a rounded to an integer per RC, at extended precision. */
export function roundInt(a: F80, cw: number): X87Result {
  const ca = classify(a);
  const special = checkNaNs1(a, ca, cw);
  if (special) return special;
  if (ca === Cls.Zero || ca === Cls.Infinity) return result(a);
  const dn = denormalCheck(cw, ca);
  if (dn.stop) return dn.stop;
  const u = unpack(a);
  if (u.e >= 0) return result(a, dn.flags);
  const r = roundShift(u.sig, -u.e, roundingOf(cw), a.sign);
  const v = r.sig === 0n ? zero(a.sign) : fromInteger(a.sign ? -r.sig : r.sig);
  return result(v, dn.flags | (r.inexact ? PE : 0) | (r.up ? C1 : 0));
}
