// FADD/FSUB/FMUL/FDIV/FSQRT: the operations precision control applies to
// (SDM vol. 1, 8.1.5.2). Each computes the exact result (or enough bits of it
// plus a sticky bit) and rounds once with roundPack. The reversed forms
// (FSUBR, FDIVR) are the same calls with the operands swapped; the integer
// forms (FIADD ...) convert the integer exactly first (load.ts).
import { Cls, bitLength, classify, inf, unpack, zero, type F80 } from './float80.js';
import { checkNaNs1, checkNaNs2, denormalCheck, invalid } from './operands.js';
import { roundPack } from './round.js';
import { RC_DOWN, ZE, masked, precisionOf, result, roundingOf, type X87Result } from './status.js';

/** Differences in exponent beyond this only leave a sticky bit of the smaller operand. */
const ALIGN_LIMIT = 200;

function withFlags(r: X87Result, flags: number): X87Result {
  if (flags) r.flags |= flags;
  return r;
}

/** a + b with b's sign replaced by bsign (FSUB passes the flipped sign). */
function addSigned(a: F80, b: F80, bsign: 0 | 1, cw: number): X87Result {
  const ca = classify(a);
  const cb = classify(b);
  const special = checkNaNs2(a, ca, b, cb, cw);
  if (special) return special;
  const dn = denormalCheck(cw, ca, cb);
  if (dn.stop) return dn.stop;
  if (ca === Cls.Infinity) {
    if (cb === Cls.Infinity && a.sign !== bsign) return invalid(cw, dn.flags);
    return result(inf(a.sign), dn.flags);
  }
  if (cb === Cls.Infinity) return result(inf(bsign), dn.flags);
  const p = precisionOf(cw);
  if (ca === Cls.Zero && cb === Cls.Zero) {
    // SDM vol. 1, 4.8.3.4 and FADD's result table: opposite zeros sum to
    // +0, or -0 when rounding down.
    const s = a.sign === bsign ? a.sign : roundingOf(cw) === RC_DOWN ? 1 : 0;
    return result(zero(s), dn.flags);
  }
  if (ca === Cls.Zero) {
    const ub = unpack(b);
    return withFlags(roundPack(bsign, ub.sig, ub.e, p, cw), dn.flags);
  }
  if (cb === Cls.Zero) {
    const ua = unpack(a);
    return withFlags(roundPack(a.sign, ua.sig, ua.e, p, cw), dn.flags);
  }
  const ua = unpack(a);
  const ub = unpack(b);
  let sa = ua.sig;
  let ea = ua.e;
  let sb = ub.sig;
  let eb = ub.e;
  // The operand with the larger exponent is normal (only exp 0 has a smaller
  // significand), so a far smaller one only matters as a sticky bit.
  if (ea - eb > ALIGN_LIMIT) {
    sb = 1n;
    eb = ea - ALIGN_LIMIT;
  } else if (eb - ea > ALIGN_LIMIT) {
    sa = 1n;
    ea = eb - ALIGN_LIMIT;
  }
  const e = Math.min(ea, eb);
  const va = sa << BigInt(ea - e);
  const vb = sb << BigInt(eb - e);
  let sum = (a.sign ? -va : va) + (bsign ? -vb : vb);
  if (sum === 0n) return result(zero(roundingOf(cw) === RC_DOWN ? 1 : 0), dn.flags);
  const sign: 0 | 1 = sum < 0n ? 1 : 0;
  if (sum < 0n) sum = -sum;
  return withFlags(roundPack(sign, sum, e, p, cw), dn.flags);
}

export function add(a: F80, b: F80, cw: number): X87Result {
  return addSigned(a, b, b.sign, cw);
}

/** a - b. */
export function sub(a: F80, b: F80, cw: number): X87Result {
  return addSigned(a, b, b.sign ? 0 : 1, cw);
}

export function mul(a: F80, b: F80, cw: number): X87Result {
  const ca = classify(a);
  const cb = classify(b);
  const special = checkNaNs2(a, ca, b, cb, cw);
  if (special) return special;
  const dn = denormalCheck(cw, ca, cb);
  if (dn.stop) return dn.stop;
  const sign = (a.sign ^ b.sign) as 0 | 1;
  if (ca === Cls.Infinity || cb === Cls.Infinity) {
    if (ca === Cls.Zero || cb === Cls.Zero) return invalid(cw, dn.flags);
    return result(inf(sign), dn.flags);
  }
  if (ca === Cls.Zero || cb === Cls.Zero) return result(zero(sign), dn.flags);
  const ua = unpack(a);
  const ub = unpack(b);
  return withFlags(roundPack(sign, ua.sig * ub.sig, ua.e + ub.e, precisionOf(cw), cw), dn.flags);
}

/** a / b. */
export function div(a: F80, b: F80, cw: number): X87Result {
  const ca = classify(a);
  const cb = classify(b);
  const special = checkNaNs2(a, ca, b, cb, cw);
  if (special) return special;
  const sign = (a.sign ^ b.sign) as 0 | 1;
  if ((ca === Cls.Infinity && cb === Cls.Infinity) || (ca === Cls.Zero && cb === Cls.Zero)) return invalid(cw);
  if (cb === Cls.Zero && ca !== Cls.Infinity) {
    // SDM vol. 1, 8.5.3: divide-by-zero; masked, the result is a signed
    // infinity. A denormal dividend raises no DE here (host).
    return result(inf(sign), ZE, masked(cw, ZE));
  }
  const dn = denormalCheck(cw, ca, cb);
  if (dn.stop) return dn.stop;
  if (ca === Cls.Infinity) return result(inf(sign), dn.flags);
  if (cb === Cls.Infinity || ca === Cls.Zero) return result(zero(sign), dn.flags);
  const ua = unpack(a);
  const ub = unpack(b);
  const k = Math.max(0, 68 + bitLength(ub.sig) - bitLength(ua.sig));
  const num = ua.sig << BigInt(k);
  let q = num / ub.sig;
  if (q * ub.sig !== num) q |= 1n; // sticky: at least 67 bits, so below any rounding point
  return withFlags(roundPack(sign, q, ua.e - ub.e - k, precisionOf(cw), cw), dn.flags);
}

/** floor(sqrt(x)) for x >= 0. */
export function isqrt(x: bigint): bigint {
  if (x < 2n) return x;
  let y = 1n << BigInt((bitLength(x) >> 1) + 1);
  for (;;) {
    const z = (y + x / y) >> 1n;
    if (z >= y) return y;
    y = z;
  }
}

export function sqrt(a: F80, cw: number): X87Result {
  const ca = classify(a);
  const special = checkNaNs1(a, ca, cw);
  if (special) return special;
  if (ca === Cls.Zero) return result(a);
  if (a.sign) return invalid(cw);
  const dn = denormalCheck(cw, ca);
  if (dn.stop) return dn.stop;
  if (ca === Cls.Infinity) return result(a, dn.flags);
  const u = unpack(a);
  let sig = u.sig;
  let e = u.e;
  if (e & 1) {
    sig <<= 1n;
    e -= 1;
  }
  const k = Math.max(0, Math.ceil((136 - bitLength(sig)) / 2));
  const x = sig << BigInt(2 * k);
  let root = isqrt(x);
  if (root * root !== x) root |= 1n;
  return withFlags(roundPack(0, root, (e - 2 * k) / 2, precisionOf(cw), cw), dn.flags);
}
