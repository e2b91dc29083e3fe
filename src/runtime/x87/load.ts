// Loads into the extended format: FLD m32fp/m64fp (with their SNaN and
// denormal checks), FILD m16/m32/m64 and FBLD (SDM vol. 2A, FLD, FILD,
// FBLD). All are exact: the extended format holds every value they read.
import { BIAS, INT_BIT, QUIET_BIT, bitLength, f80, inf, zero, type F80 } from './float80.js';
import { DE, IE, masked, result, type X87Result } from './status.js';

/** An exact integer (or 0) as an extended value; -0 only when asked for. */
export function fromInteger(v: bigint, negZero = false): F80 {
  if (v === 0n) return zero(negZero ? 1 : 0);
  const sign: 0 | 1 = v < 0n ? 1 : 0;
  const mag = v < 0n ? -v : v;
  const n = bitLength(mag);
  return f80(sign, n - 1 + BIAS, mag << BigInt(64 - n));
}

/** sign * sig * 2^e, exactly, for sig < 2^64 (sig > 0). */
function exactValue(sign: 0 | 1, sig: bigint, e: number): F80 {
  const n = bitLength(sig);
  return f80(sign, e + n - 1 + BIAS, sig << BigInt(64 - n));
}

/** A binary interchange format's fields into extended: p significand bits (with the hidden one), ebits exponent bits. */
function loadBinary(sign: 0 | 1, bexp: number, frac: bigint, p: number, ebits: number, cw: number): X87Result {
  const emaxField = (1 << ebits) - 1;
  const bias = (1 << (ebits - 1)) - 1;
  const fracBits = BigInt(p - 1);
  if (bexp === emaxField) {
    if (frac === 0n) return result(inf(sign));
    const mant = INT_BIT | (frac << (63n - fracBits));
    if ((mant & QUIET_BIT) !== 0n) return result(f80(sign, 0x7fff, mant));
    // FLD of an SNaN: IE, the quieted NaN (SDM vol. 2A, FLD).
    return result(f80(sign, 0x7fff, mant | QUIET_BIT), IE, masked(cw, IE));
  }
  if (bexp === 0) {
    if (frac === 0n) return result(zero(sign));
    // DE, and the value is loaded even with DE unmasked (host): the
    // exception is reported at the next waiting instruction.
    return result(exactValue(sign, frac, 1 - bias - (p - 1)), DE);
  }
  return result(exactValue(sign, frac | (1n << fracBits), bexp - bias - (p - 1)));
}

/** FLD m32fp: `bits` is the 32-bit memory image. */
export function loadFloat32(bits: number, cw: number): X87Result {
  const b = bits >>> 0;
  return loadBinary((b >>> 31) as 0 | 1, (b >>> 23) & 0xff, BigInt(b & 0x7fffff), 24, 8, cw);
}

/** FLD m64fp: `bits` is the 64-bit memory image. */
export function loadFloat64(bits: bigint, cw: number): X87Result {
  const b = BigInt.asUintN(64, bits);
  return loadBinary(Number(b >> 63n) as 0 | 1, Number((b >> 52n) & 0x7ffn), b & 0xfffffffffffffn, 53, 11, cw);
}

/** FILD m16int/m32int: `v` read as a signed integer of that width (or any safe integer). */
export function loadInt(v: number): F80 {
  return fromInteger(BigInt(Math.trunc(v)));
}

/** FILD m64int: `v` is the 64-bit image, read as signed. */
export function loadInt64(v: bigint): F80 {
  return fromInteger(BigInt.asIntN(64, v));
}

/**
 * FBLD: 18 packed BCD digits in bytes 0-8 (least significant first), the
 * sign in bit 7 of byte 9. Digits above 9 are "undefined" (SDM vol. 2A,
 * FBLD); they are weighted like valid ones (digit * 10^k), as the host does.
 */
export function loadBcd(bytes: Uint8Array, offset = 0): F80 {
  let v = 0n;
  for (let i = 8; i >= 0; i--) {
    const b = bytes[offset + i];
    v = v * 100n + BigInt((b >> 4) * 10 + (b & 15));
  }
  const neg = (bytes[offset + 9] & 0x80) !== 0;
  return fromInteger(neg ? -v : v, neg);
}
