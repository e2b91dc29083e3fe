// Rounding an exact (or exact-plus-sticky) result into the register format:
// precision control, rounding control, overflow, underflow, precision
// exceptions and C1 (SDM vol. 1, 4.8.4, 8.1.5.2, 8.5.4-8.5.6).
//
// What the host checks in test/x87-float80.test.ts established, beyond the
// manual's words:
// - the exponent range stays extended whatever the precision control; only
//   the significand is rounded to 24/53/64 bits;
// - tininess is detected after rounding (to p bits, exponent unbounded);
// - a masked underflow denormalises with the quantum of the smallest normal
//   at that precision, 2^(-16382 - p + 1): under PC=single a denormal result
//   keeps only the bits a single-precision significand at exponent -16382
//   would have;
// - unmasked overflow/underflow deliver the rounded result with the exponent
//   adjusted by -/+ 24576 (SDM vol. 1, 8.5.4, 8.5.5).
import { BIAS, bitLength, f80, inf, zero, type F80 } from './float80.js';
import { C1, OE, PE, RC_DOWN, RC_NEAREST, RC_UP, UE, masked, result, type X87Result } from './status.js';

export const EMIN = 1 - BIAS; // unbiased exponent of the smallest normal
export const EMAX = 0x7ffe - BIAS;
export const WRAP_BIAS = 24576; // SDM vol. 1, 8.5.4/8.5.5: the bias adjustment

export interface Rounded {
  sig: bigint;
  inexact: boolean;
  up: boolean; // the magnitude was increased
}

/** Should a truncated magnitude be incremented, given what was dropped? */
export function roundIncrement(rc: number, sign: 0 | 1, odd: boolean, rem: bigint, half: bigint): boolean {
  if (rem === 0n) return false;
  switch (rc) {
    case RC_NEAREST:
      return rem > half || (rem === half && odd);
    case RC_DOWN:
      return sign === 1;
    case RC_UP:
      return sign === 0;
    default:
      return false;
  }
}

/** sig / 2^shift rounded to an integer per rc (shift may be <= 0: exact). */
export function roundShift(sig: bigint, shift: number, rc: number, sign: 0 | 1): Rounded {
  if (shift <= 0) return { sig: sig << BigInt(-shift), inexact: false, up: false };
  if (shift > bitLength(sig) + 1) {
    // Everything drops, and it is less than half of the quantum.
    const up = sig !== 0n && (rc === RC_UP ? sign === 0 : rc === RC_DOWN ? sign === 1 : false);
    return { sig: up ? 1n : 0n, inexact: sig !== 0n, up };
  }
  const s = BigInt(shift);
  let q = sig >> s;
  const rem = sig - (q << s);
  const up = roundIncrement(rc, sign, (q & 1n) !== 0n, rem, 1n << (s - 1n));
  if (up) q += 1n;
  return { sig: q, inexact: rem !== 0n, up };
}

/** The largest finite value at precision p. */
export function maxFinite(sign: 0 | 1, p: number): F80 {
  const ones = (1n << BigInt(p)) - 1n;
  return f80(sign, 0x7ffe, ones << BigInt(64 - p));
}

/** Masked overflow (SDM vol. 1, 4.9.1.4): infinity or the largest finite value, per RC and sign. */
export function overflowResult(sign: 0 | 1, p: number, rc: number): X87Result {
  const toInf = rc === RC_NEAREST || (rc === RC_UP && sign === 0) || (rc === RC_DOWN && sign === 1);
  return toInf ? result(inf(sign), OE | PE | C1) : result(maxFinite(sign, p), OE | PE);
}

/**
 * Round sign * sig * 2^e (sig > 0; any bits below the rounding point may be
 * an exact tail or a sticky 1) to p significand bits under cw's rounding
 * control and exception masks.
 */
export function roundPack(sign: 0 | 1, sig: bigint, e: number, p: number, cw: number): X87Result {
  const rc = (cw >> 10) & 3;
  const n = bitLength(sig);
  const r = roundShift(sig, n - p, rc, sign);
  let lead = e + n - 1; // unbiased exponent of the leading bit
  let rsig = r.sig;
  if (rsig >> BigInt(p) !== 0n) {
    rsig >>= 1n;
    lead += 1;
  }
  const c1 = r.up ? C1 : 0;
  const pe = r.inexact ? PE : 0;
  const fill = BigInt(64 - p);
  if (lead > EMAX) {
    if (!masked(cw, OE)) return wrapped(sign, lead - WRAP_BIAS, rsig << fill, OE | pe | c1);
    return overflowResult(sign, p, rc);
  }
  if (lead < EMIN) {
    if (!masked(cw, UE)) return wrapped(sign, lead + WRAP_BIAS, rsig << fill, UE | pe | c1);
    // Denormalise: round the exact value to a multiple of 2^(EMIN - p + 1).
    const d = roundShift(sig, EMIN - p + 1 - e, rc, sign);
    const mant = d.sig << fill;
    const exp = mant >> 63n !== 0n ? 1 : 0; // rounding may reach the smallest normal
    const flags = (d.inexact ? UE | PE : 0) | (d.up ? C1 : 0);
    return result(f80(sign, exp, mant), flags);
  }
  return result(f80(sign, lead + BIAS, rsig << fill), pe | c1);
}

/**
 * Unmasked overflow or underflow: the bias-adjusted result is written. When
 * even the adjusted exponent is out of range (only FSCALE gets there) the
 * host delivers a signed infinity (OE, PE, C1) or a signed zero (UE, PE),
 * whatever the rounding control.
 */
function wrapped(sign: 0 | 1, lead: number, mant: bigint, flags: number): X87Result {
  if (lead > EMAX) return result(inf(sign), OE | PE | C1);
  if (lead < EMIN) return result(zero(sign), UE | PE);
  return result(f80(sign, lead + BIAS, mant), flags);
}
