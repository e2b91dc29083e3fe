// Stores from the extended format: FST m32fp/m64fp, FIST m16/m32/m64 and
// FBSTP (SDM vol. 2A, FST, FIST, FBSTP). FST m80fp needs nothing: the
// register is stored as it is (f80ToBytes).
import { Cls, QUIET_BIT, bitLength, classify, isNaNClass, unpack, type F80 } from './float80.js';
import { roundShift } from './round.js';
import { C1, IE, OE, PE, RC_DOWN, RC_NEAREST, RC_UP, UE, masked, roundingOf } from './status.js';

/** What a store hands the FPU layer: the memory image, the flags, and whether memory is written. */
export interface X87Store<T> {
  value: T;
  flags: number;
  write: boolean;
}

interface BinaryFormat {
  p: number; // significand bits, hidden one included
  ebits: number;
}

const SINGLE: BinaryFormat = { p: 24, ebits: 8 };
const DOUBLE: BinaryFormat = { p: 53, ebits: 11 };

/** Builds the image from sign, biased exponent and fraction field. */
function image(f: BinaryFormat, sign: number, bexp: number, frac: bigint): bigint {
  const fb = BigInt(f.p - 1);
  return (BigInt(sign) << (fb + BigInt(f.ebits))) | (BigInt(bexp) << fb) | frac;
}

function storeBinary(a: F80, cw: number, f: BinaryFormat): X87Store<bigint> {
  const ca = classify(a);
  const emaxField = (1 << f.ebits) - 1;
  const bias = (1 << (f.ebits - 1)) - 1;
  const fb = BigInt(f.p - 1);
  const fracMask = (1n << fb) - 1n;
  const store = (v: bigint, flags: number, write = true): X87Store<bigint> => ({ value: v, flags, write });
  if (ca === Cls.Unsupported) {
    return store(image(f, 1, emaxField, 1n << (fb - 1n)), IE, masked(cw, IE));
  }
  if (isNaNClass(ca)) {
    // The NaN keeps its sign and the top of its fraction, quieted (SDM vol. 1, 4.8.3.5).
    const frac = ((a.mant | QUIET_BIT) >> (64n - 1n - fb)) & fracMask;
    const snan = ca === Cls.SNaN;
    return store(image(f, a.sign, emaxField, frac), snan ? IE : 0, !snan || masked(cw, IE));
  }
  if (ca === Cls.Infinity) return store(image(f, a.sign, emaxField, 0n), 0);
  if (ca === Cls.Zero) return store(image(f, a.sign, 0, 0n), 0);
  // A denormal source raises no DE on any store (host; FST lists no #D).
  const rc = roundingOf(cw);
  const sign = a.sign;
  const u = unpack(a);
  const p = f.p;
  const emin = 1 - bias;
  const emax = emaxField - 1 - bias;
  const n = bitLength(u.sig);
  const r = roundShift(u.sig, n - p, rc, sign);
  let lead = u.e + n - 1;
  let sig = r.sig;
  if (sig >> BigInt(p) !== 0n) {
    sig >>= 1n;
    lead += 1;
  }
  if (lead > emax) {
    // Overflow: with OE unmasked nothing is stored (there is no bias adjustment for memory).
    if (!masked(cw, OE)) return store(0n, OE, false);
    const toInf = rc === RC_NEAREST || (rc === RC_UP && sign === 0) || (rc === RC_DOWN && sign === 1);
    if (toInf) return store(image(f, sign, emaxField, 0n), OE | PE | C1);
    return store(image(f, sign, emaxField - 1, fracMask), OE | PE);
  }
  if (lead < emin) {
    if (!masked(cw, UE)) return store(0n, UE, false);
    const d = roundShift(u.sig, emin - p + 1 - u.e, rc, sign);
    const bexp = d.sig >> fb !== 0n ? 1 : 0;
    const flags = (d.inexact ? UE | PE : 0) | (d.up ? C1 : 0);
    return store(image(f, sign, bexp, d.sig & fracMask), flags);
  }
  return store(image(f, sign, lead + bias, sig & fracMask), (r.inexact ? PE : 0) | (r.up ? C1 : 0));
}

/** FST m32fp: the 32-bit image as an unsigned number. */
export function storeFloat32(a: F80, cw: number): X87Store<number> {
  const s = storeBinary(a, cw, SINGLE);
  return { value: Number(s.value), flags: s.flags, write: s.write };
}

/** FST m64fp: the 64-bit image. */
export function storeFloat64(a: F80, cw: number): X87Store<bigint> {
  return storeBinary(a, cw, DOUBLE);
}

/** a rounded to an integer per RC, exactly (for finite a), with PE/C1 as rounding decides. */
export function roundToInteger(a: F80, rc: number): { value: bigint; inexact: boolean; up: boolean } {
  if (a.mant === 0n) return { value: 0n, inexact: false, up: false };
  const u = unpack(a);
  if (u.e >= 0) {
    const big = u.e > 20000 ? 20000 : u.e; // beyond every integer format anyway
    const v = u.sig << BigInt(big);
    return { value: a.sign ? -v : v, inexact: false, up: false };
  }
  const r = roundShift(u.sig, -u.e, rc, a.sign);
  return { value: a.sign ? -r.sig : r.sig, inexact: r.inexact, up: r.up };
}

/**
 * FIST/FISTP m16int/m32int/m64int (bits = 16, 32, 64): the integer rounded
 * per RC. NaN, infinity or out of range: IE, and masked, the integer
 * indefinite (only the sign bit set). The value is signed.
 */
export function storeInt(a: F80, bits: 16 | 32 | 64, cw: number): X87Store<bigint> {
  const ca = classify(a);
  const indefinite = -(1n << BigInt(bits - 1));
  const invalidStore = (flags: number): X87Store<bigint> => ({ value: indefinite, flags: flags | IE, write: masked(cw, IE) });
  if (ca === Cls.Unsupported || isNaNClass(ca) || ca === Cls.Infinity) return invalidStore(0);
  const r = roundToInteger(a, roundingOf(cw));
  const max = (1n << BigInt(bits - 1)) - 1n;
  if (r.value > max || r.value < indefinite) return invalidStore(0);
  return { value: r.value, flags: (r.inexact ? PE : 0) | (r.up ? C1 : 0), write: true };
}

const BCD_LIMIT = 10n ** 18n;

/**
 * FBSTP: 18 BCD digits and a sign byte. NaN, infinity or |value| >= 10^18
 * after rounding: IE, and masked, the packed BCD indefinite
 * (FFFF C000 0000 0000 0000, SDM vol. 1, 4.8.3.7).
 */
export function storeBcd(a: F80, cw: number): X87Store<Uint8Array> {
  const ca = classify(a);
  const out = new Uint8Array(10);
  const invalidStore = (flags: number): X87Store<Uint8Array> => {
    out[9] = 0xff;
    out[8] = 0xff;
    out[7] = 0xc0;
    return { value: out, flags: flags | IE, write: masked(cw, IE) };
  };
  if (ca === Cls.Unsupported || isNaNClass(ca) || ca === Cls.Infinity) return invalidStore(0);
  const r = roundToInteger(a, roundingOf(cw));
  let mag = r.value < 0n ? -r.value : r.value;
  if (mag >= BCD_LIMIT) return invalidStore(0);
  for (let i = 0; i < 9; i++) {
    const two = Number(mag % 100n);
    mag /= 100n;
    out[i] = ((Math.floor(two / 10) << 4) | (two % 10)) & 0xff;
  }
  out[9] = a.sign ? 0x80 : 0;
  return { value: out, flags: (r.inexact ? PE : 0) | (r.up ? C1 : 0), write: true };
}
