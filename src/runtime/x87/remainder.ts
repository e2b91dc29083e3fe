// FPREM and FPREM1: partial remainders (SDM vol. 2A, FPREM/FPREM1). The
// remainder is always exact. When the exponents differ by 64 or more, one
// execution only reduces the difference (C2 = 1, run again); otherwise the
// reduction is complete (C2 = 0) and the three low bits of the quotient are
// reported in C0 (Q2), C3 (Q1) and C1 (Q0).
import { Cls, bitLength, classify, unpack, zero, type F80 } from './float80.js';
import { checkNaNs2, denormalCheck, invalid } from './operands.js';
import { roundPack } from './round.js';
import { C0, C1, C2, C3, result, type X87Result } from './status.js';

/**
 * The remainder of a / b: truncated quotient (FPREM, ieee = false) or the
 * quotient rounded to nearest-even (FPREM1, ieee = true). Precision and
 * rounding control do not apply (the result is exact).
 */
export function remainder(a: F80, b: F80, cw: number, ieee: boolean): X87Result {
  const ca = classify(a);
  const cb = classify(b);
  const special = checkNaNs2(a, ca, b, cb, cw);
  if (special) return special;
  if (ca === Cls.Infinity || cb === Cls.Zero) return invalid(cw);
  const dn = denormalCheck(cw, ca, cb);
  if (dn.stop) return dn.stop;
  if (ca === Cls.Zero) return result(a, dn.flags);
  const ua = unpack(a);
  if (cb === Cls.Infinity) {
    // a itself, but normalised like any result: a pseudo-denormal becomes
    // normal, a denormal raises UE when UE is unmasked (host).
    const r = roundPack(a.sign, ua.sig, ua.e, 64, cw);
    r.flags |= dn.flags;
    return r;
  }
  const ub = unpack(b);
  const d = ua.e + bitLength(ua.sig) - (ub.e + bitLength(ub.sig));
  if (d >= 64) {
    // Partial: reduce the exponent difference to the multiple of 32 that is
    // 32 to 63 below it (the host's choice of the SDM's "implementation-
    // dependent N between 32 and 63": N = 32 + D mod 32), with a truncated
    // quotient, and report nothing but C2.
    const keep = d - 32 - (d % 32);
    // a and b * 2^keep aligned at the smaller of their units.
    const shift = ua.e - ub.e - keep;
    const unit = shift >= 0 ? ub.e + keep : ua.e;
    const aa = shift >= 0 ? ua.sig << BigInt(shift) : ua.sig;
    const bb = shift >= 0 ? ub.sig : ub.sig << BigInt(-shift);
    const rem = aa % bb;
    const r = rem === 0n ? result(zero(a.sign)) : roundPack(a.sign, rem, unit, 64, cw);
    r.flags |= dn.flags | C2;
    return r;
  }
  // Complete: align both at the smaller unit.
  const e = Math.min(ua.e, ub.e);
  const aa = ua.sig << BigInt(ua.e - e);
  const bb = ub.sig << BigInt(ub.e - e);
  let q = aa / bb;
  let rem = aa - q * bb;
  let sign = a.sign;
  if (ieee && rem !== 0n) {
    const twice = rem << 1n;
    if (twice > bb || (twice === bb && (q & 1n) === 1n)) {
      q += 1n;
      rem = bb - rem;
      sign = (sign ^ 1) as 0 | 1;
    }
  }
  const cc = ((q & 4n) !== 0n ? C0 : 0) | ((q & 2n) !== 0n ? C3 : 0) | ((q & 1n) !== 0n ? C1 : 0);
  const r = rem === 0n ? result(zero(a.sign)) : roundPack(sign, rem, e, 64, cw);
  r.flags |= dn.flags | cc;
  return r;
}
