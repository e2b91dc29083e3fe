// FPATAN, F2XM1, FYL2X and FYL2XP1 (SDM vol. 2A, their pages and special
// value tables). Each is evaluated to ~200 bits and rounded once per RC (no
// precision control), so results are within an ulp of the host's.
import { Cls, ONE, bitLength, classify, inf, negate, unpack, zero, type F80 } from './float80.js';
import {
  FIX, LN2, ONE_BF, PI, addBF, atanRatio, atanhRatio, bf, bfFromF80, bfFromInt, divBF, expm1Ratio, fromFix, ilogb,
  mulBF, subBF, toFix, type BigF,
} from './bigfloat.js';
import { isqrt } from './arith.js';
import { checkNaNs1, checkNaNs2, denormalCheck, invalid } from './operands.js';
import { roundPack } from './round.js';
import { PE, ZE, masked, result, type X87Result } from './status.js';

const ONE_FIX = 1n << BigInt(FIX);

function rounded(x: BigF, cw: number, flags = 0): X87Result {
  const r = x.sig === 0n ? result(zero(x.sign)) : roundPack(x.sign, x.sig, x.exp, 64, cw);
  r.flags |= flags;
  return r;
}

/**
 * The host reports every computed F2XM1/FYL2X/FYL2XP1 result as inexact,
 * even an exact one (y * log2(2^k), 2^1 - 1): its algorithm only
 * approximates. A sticky bit below the result does the same here.
 */
function roundedInexact(x: BigF, cw: number, flags = 0): X87Result {
  return rounded({ sign: x.sign, sig: (x.sig << 2n) | 1n, exp: x.exp - 2 }, cw, flags);
}

function withSign(x: BigF, sign: 0 | 1): BigF {
  return { sign, sig: x.sig, exp: x.exp };
}

function greaterThanOne(z: BigF): boolean {
  const e = ilogb(z);
  return e > 0 || (e === 0 && z.sig !== 1n << BigInt(bitLength(z.sig) - 1));
}

const PI_2: BigF = { sign: 0, sig: PI.sig, exp: PI.exp - 1 };
const PI_4: BigF = { sign: 0, sig: PI.sig, exp: PI.exp - 2 };
const PI_3_4: BigF = mulBF(PI_4, bfFromInt(3n));

/** atan(z) for z > 0. */
function atanPositive(z: BigF): BigF {
  if (greaterThanOne(z)) return subBF(PI_2, atanPositive(divBF(ONE_BF, z)));
  if (ilogb(z) <= -4) {
    // atan(z)/z < 1 for z > 0: the -1 keeps it so when z^2 vanishes.
    return mulBF(z, fromFix(atanRatio(toFix(mulBF(z, z))) - 1n));
  }
  // Three halvings, atan(z) = 2 atan(z / (1 + sqrt(1 + z^2))), bring z below tan(pi/32) < 1/8.
  let zf = toFix(z);
  for (let i = 0; i < 3; i++) {
    const root = isqrt((ONE_FIX + ((zf * zf) >> BigInt(FIX))) << BigInt(FIX));
    zf = (zf << BigInt(FIX)) / (ONE_FIX + root);
  }
  const a = (zf * atanRatio((zf * zf) >> BigInt(FIX))) >> BigInt(FIX);
  return fromFix(8n * a);
}

/** FPATAN: atan(y / x) in the quadrant of (x, y); the caller stores it in ST(1) and pops. */
export function patan(y: F80, x: F80, cw: number): X87Result {
  const cy = classify(y);
  const cx = classify(x);
  const special = checkNaNs2(x, cx, y, cy, cw);
  if (special) return special;
  const dn = denormalCheck(cw, cy, cx);
  if (dn.stop) return dn.stop;
  const sy = y.sign;
  const xneg = x.sign === 1;
  // SDM vol. 2A, FPATAN's table of results: the special values.
  if (cy === Cls.Zero) return xneg ? rounded(withSign(PI, sy), cw, dn.flags) : result(zero(sy), dn.flags);
  if (cy === Cls.Infinity) {
    if (cx === Cls.Infinity) return rounded(withSign(xneg ? PI_3_4 : PI_4, sy), cw, dn.flags);
    return rounded(withSign(PI_2, sy), cw, dn.flags);
  }
  if (cx === Cls.Infinity) return xneg ? rounded(withSign(PI, sy), cw, dn.flags) : result(zero(sy), dn.flags);
  if (cx === Cls.Zero) return rounded(withSign(PI_2, sy), cw, dn.flags);
  const z = divBF(withSign(bfFromF80(y), 0), withSign(bfFromF80(x), 0));
  let a = atanPositive(z);
  if (xneg) a = subBF(PI, a);
  return rounded(withSign(a, sy), cw, dn.flags);
}

/** F2XM1: 2^x - 1, defined for -1 <= x <= 1 (SDM vol. 2A, F2XM1). */
export function f2xm1(x: F80, cw: number): X87Result {
  const cx = classify(x);
  const special = checkNaNs1(x, cx, cw);
  if (special) return special;
  if (cx === Cls.Zero) return result(x);
  if (cx === Cls.Infinity) return result(x.sign ? negate(ONE) : x); // 2^-inf - 1 = -1
  const dn = denormalCheck(cw, cx);
  if (dn.stop) return dn.stop;
  if (x.exp >= ONE.exp && !(x.exp === ONE.exp && x.mant === ONE.mant)) {
    // |x| > 1 is outside the domain ("undefined"): the host returns x, with PE.
    return result(x, dn.flags | PE);
  }
  const t = mulBF(bfFromF80(x), LN2);
  return roundedInexact(mulBF(t, fromFix(expm1Ratio(toFix(t)))), cw, dn.flags);
}

/** ln(v) for v = 1 + w', given w = (v - 1)/(v + 1): 2 atanh(w). */
function lnFromW(w: BigF): BigF {
  if (w.sig === 0n) return w;
  // atanh(w)/w > 1 for w != 0: the +1 keeps it so when w^2 vanishes.
  const ratio = atanhRatio(toFix(mulBF(w, w))) + 1n;
  const r = mulBF(w, fromFix(ratio));
  return { sign: r.sign, sig: r.sig, exp: r.exp + 1 };
}

/** log2(sig * 2^e) for sig > 0. */
function log2Of(u: { sig: bigint; e: number }): BigF {
  const n = bitLength(u.sig);
  let e = u.e + n - 1;
  // x = 2^e * M/D with D = 2^(n-1); keep M/D in [sqrt(1/2), sqrt(2)).
  let d = 1n << BigInt(n - 1);
  const m = u.sig;
  if (m * m >= 2n * d * d) {
    d <<= 1n;
    e += 1;
  }
  const w = divBF(bf(m >= d ? 0 : 1, m >= d ? m - d : d - m, 0), bfFromInt(m + d));
  return addBF(bfFromInt(BigInt(e)), divBF(lnFromW(w), LN2));
}

/** FYL2X: y * log2(x); the caller stores it in ST(1) and pops. */
export function yl2x(y: F80, x: F80, cw: number): X87Result {
  const cy = classify(y);
  const cx = classify(x);
  const special = checkNaNs2(x, cx, y, cy, cw);
  if (special) return special;
  if (x.sign === 1 && cx !== Cls.Zero) return invalid(cw);
  if (cx === Cls.Zero) {
    if (cy === Cls.Zero) return invalid(cw);
    const sign = (y.sign ^ 1) as 0 | 1;
    if (cy === Cls.Infinity) return result(inf(sign));
    return result(inf(sign), ZE, masked(cw, ZE));
  }
  if (cx === Cls.Infinity) {
    if (cy === Cls.Zero) return invalid(cw);
    const dn = denormalCheck(cw, cy);
    if (dn.stop) return dn.stop;
    return result(inf(y.sign), dn.flags);
  }
  const isOne = x.exp === ONE.exp && x.mant === ONE.mant;
  if (isOne && cy === Cls.Infinity) return invalid(cw); // inf * log2(1) = inf * 0
  const dn = denormalCheck(cw, cy, cx);
  if (dn.stop) return dn.stop;
  const below = x.exp < ONE.exp; // 0 < x < 1
  if (isOne) return result(zero(y.sign), dn.flags);
  if (cy === Cls.Infinity) return result(inf((y.sign ^ (below ? 1 : 0)) as 0 | 1), dn.flags);
  if (cy === Cls.Zero) return result(zero((y.sign ^ (below ? 1 : 0)) as 0 | 1), dn.flags);
  return roundedInexact(mulBF(bfFromF80(y), log2Of(unpack(x))), cw, dn.flags);
}

/** FYL2XP1: y * log2(x + 1), defined for |x| < 1 - sqrt(2)/2; the caller stores it in ST(1) and pops. */
export function yl2xp1(y: F80, x: F80, cw: number): X87Result {
  const cy = classify(y);
  const cx = classify(x);
  const special = checkNaNs2(x, cx, y, cy, cw);
  if (special) return special;
  if (cx === Cls.Zero) {
    if (cy === Cls.Infinity) return invalid(cw);
    const dn = denormalCheck(cw, cy);
    if (dn.stop) return dn.stop;
    return result(zero((y.sign ^ x.sign) as 0 | 1), dn.flags);
  }
  if (cx === Cls.Infinity) {
    // Outside the defined domain; +inf behaves as log2(+inf) = +inf, -inf as a negative argument.
    if (x.sign || cy === Cls.Zero) return invalid(cw);
    const dy = denormalCheck(cw, cy);
    if (dy.stop) return dy.stop;
    return result(inf(y.sign), dy.flags);
  }
  const dn = denormalCheck(cw, cy, cx);
  if (dn.stop) return dn.stop;
  if (cy === Cls.Infinity) return result(inf((y.sign ^ x.sign) as 0 | 1), dn.flags);
  if (cy === Cls.Zero) return result(zero((y.sign ^ x.sign) as 0 | 1), dn.flags);
  if (x.sign && x.exp >= ONE.exp) {
    // x <= -1 has no logarithm; outside the domain the host returns x, with PE.
    return result(x, dn.flags | PE);
  }
  const xb = bfFromF80(x);
  let l: BigF;
  if (x.exp >= 0x3ffd) {
    // |x| >= 1/4, beyond the documented domain: the host still computes it.
    const v = addBF(ONE_BF, xb);
    l = log2Of({ sig: v.sig, e: v.exp });
  } else l = divBF(lnFromW(divBF(xb, addBF(bfFromInt(2n), xb))), LN2);
  return roundedInexact(mulBF(bfFromF80(y), l), cw, dn.flags);
}
