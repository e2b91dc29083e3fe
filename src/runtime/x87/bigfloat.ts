// Wide binary floating point for the constants and transcendentals: values
// kept to about WORK significant bits (far more than the 64 the x87 rounds
// to), plus the power series they are built from, evaluated in fixed point.
//
// A BigF is (-1)^sign * sig * 2^exp. Operations truncate to WORK bits and
// fold what they drop into the lowest bit (a sticky bit), so the final
// rounding to 64 bits knows a result is inexact and which way it leans.
import { bitLength, unpack, type F80 } from './float80.js';

export const WORK = 200;
/** Fraction bits of the fixed-point series arithmetic. */
export const FIX = 224;
const ONE_FIX = 1n << BigInt(FIX);

export interface BigF {
  sign: 0 | 1;
  sig: bigint;
  exp: number;
}

export function bf(sign: 0 | 1, sig: bigint, exp: number): BigF {
  return trim({ sign, sig, exp });
}

/** Cut sig to WORK bits, keeping a sticky bit for what was dropped. */
export function trim(x: BigF): BigF {
  const n = bitLength(x.sig);
  if (n <= WORK) return x;
  const s = BigInt(n - WORK);
  let sig = x.sig >> s;
  if (sig << s !== x.sig) sig |= 1n;
  return { sign: x.sign, sig, exp: x.exp + (n - WORK) };
}

export function bfFromF80(v: F80): BigF {
  const u = unpack(v);
  return { sign: u.sign, sig: u.sig, exp: u.e };
}

export function bfFromInt(v: bigint): BigF {
  return v < 0n ? { sign: 1, sig: -v, exp: 0 } : { sign: 0, sig: v, exp: 0 };
}

export function isZero(x: BigF): boolean {
  return x.sig === 0n;
}

export function neg(x: BigF): BigF {
  return { sign: x.sign ? 0 : 1, sig: x.sig, exp: x.exp };
}

export function mulBF(a: BigF, b: BigF): BigF {
  return trim({ sign: (a.sign ^ b.sign) as 0 | 1, sig: a.sig * b.sig, exp: a.exp + b.exp });
}

export function divBF(a: BigF, b: BigF): BigF {
  const k = WORK + 2 + bitLength(b.sig) - bitLength(a.sig);
  const num = k > 0 ? a.sig << BigInt(k) : a.sig;
  let q = num / b.sig;
  if (q * b.sig !== num) q |= 1n;
  return trim({ sign: (a.sign ^ b.sign) as 0 | 1, sig: q, exp: a.exp - b.exp - Math.max(k, 0) });
}

export function addBF(a: BigF, b: BigF): BigF {
  if (a.sig === 0n) return b;
  if (b.sig === 0n) return a;
  // A far smaller operand only matters as a sticky bit.
  const ta = a.exp + bitLength(a.sig);
  const tb = b.exp + bitLength(b.sig);
  if (ta - tb > WORK + 4) b = { sign: b.sign, sig: 1n, exp: ta - WORK - 8 };
  else if (tb - ta > WORK + 4) a = { sign: a.sign, sig: 1n, exp: tb - WORK - 8 };
  const e = Math.min(a.exp, b.exp);
  const va = a.sig << BigInt(a.exp - e);
  const vb = b.sig << BigInt(b.exp - e);
  const s = (a.sign ? -va : va) + (b.sign ? -vb : vb);
  return trim(s < 0n ? { sign: 1, sig: -s, exp: e } : { sign: 0, sig: s, exp: e });
}

export function subBF(a: BigF, b: BigF): BigF {
  return addBF(a, neg(b));
}

/** Fixed point (FIX fraction bits) to BigF. */
export function fromFix(v: bigint): BigF {
  return trim(v < 0n ? { sign: 1, sig: -v, exp: -FIX } : { sign: 0, sig: v, exp: -FIX });
}

/** BigF to fixed point, truncated. */
export function toFix(x: BigF): bigint {
  const sh = x.exp + FIX;
  const m = sh >= 0 ? x.sig << BigInt(sh) : x.sig >> BigInt(-sh);
  return x.sign ? -m : m;
}

/** No series here needs more terms; a guard against an argument out of its domain. */
const SERIES_LIMIT = 400;

function fmul(a: bigint, b: bigint): bigint {
  return (a * b) >> BigInt(FIX);
}

/** Sum over k of sign^k * x^k / d(k), for |x| < 1 in fixed point, until the terms vanish. */
function series(x: bigint, alternate: boolean, denom: (k: number) => bigint): bigint {
  let sum = 0n;
  let pow = ONE_FIX;
  for (let k = 0; pow !== 0n && k < SERIES_LIMIT; k++) {
    const t = pow / denom(k);
    sum += alternate && k & 1 ? -t : t;
    pow = fmul(pow, x);
    if (pow < 0n) pow = -pow;
  }
  return sum;
}

/** atanh(u)/u = sum u^2k/(2k+1), for u^2 given in fixed point (u^2 < 1). */
export function atanhRatio(u2: bigint): bigint {
  return series(u2, false, (k) => BigInt(2 * k + 1));
}

/** atan(u)/u = sum (-1)^k u^2k/(2k+1). */
export function atanRatio(u2: bigint): bigint {
  return series(u2, true, (k) => BigInt(2 * k + 1));
}

const factorials: bigint[] = [1n];
function factorial(n: number): bigint {
  while (factorials.length <= n) factorials.push(factorials[factorials.length - 1] * BigInt(factorials.length));
  return factorials[n];
}

/** sin(r)/r = sum (-1)^k r^2k/(2k+1)!. */
export function sinRatio(r2: bigint): bigint {
  return series(r2, true, (k) => factorial(2 * k + 1));
}

/** cos(r) = sum (-1)^k r^2k/(2k)!. */
export function cosSeries(r2: bigint): bigint {
  return series(r2, true, (k) => factorial(2 * k));
}

/** (e^t - 1)/t = sum t^k/(k+1)!, for |t| < 1 in fixed point (t may be negative). */
export function expm1Ratio(t: bigint): bigint {
  let sum = 0n;
  let pow = ONE_FIX;
  for (let k = 0; pow !== 0n && k < SERIES_LIMIT; k++) {
    sum += pow / factorial(k + 1);
    pow = fmul(pow, t);
  }
  return sum;
}

/** 1/n in fixed point. */
function recip(n: number): bigint {
  return ONE_FIX / BigInt(n);
}

// The constants, computed once to FIX bits.
/** ln 2 = 2 atanh(1/3). */
export const LN2_FIX = (2n * fmul(recip(3), atanhRatio(recip(9))));
/** ln 10 = 3 ln 2 + ln 1.25 = 3 ln 2 + 2 atanh(1/9). */
export const LN10_FIX = 3n * LN2_FIX + 2n * fmul(recip(9), atanhRatio(recip(81)));
/** pi = 16 atan(1/5) - 4 atan(1/239) (Machin). */
export const PI_FIX = 16n * fmul(recip(5), atanRatio(recip(25))) - 4n * fmul(recip(239), atanRatio(ONE_FIX / 57121n));

export const LN2 = fromFix(LN2_FIX);
export const LN10 = fromFix(LN10_FIX);
export const PI = fromFix(PI_FIX);
export const ONE_BF: BigF = { sign: 0, sig: 1n, exp: 0 };

/** The value's binary exponent: 2^e <= |x| < 2^(e+1). */
export function ilogb(x: BigF): number {
  return x.exp + bitLength(x.sig) - 1;
}
