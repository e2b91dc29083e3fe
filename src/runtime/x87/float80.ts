// The 80-bit double extended-precision format (SDM vol. 1, 4.2.2 and 8.2):
// the representation every x87 operation here takes and returns, its classes,
// and its 10-byte memory image.
//
// F80 is a plain, immutable-by-convention object:
//   sign  0 or 1
//   exp   the 15-bit biased exponent field, 0..0x7fff (bias 16383)
//   mant  the 64-bit significand field as a bigint, explicit integer bit
//         (bit 63) included; always 0n <= mant < 2^64
// Values are never normalised behind the caller's back: an unnormal stays an
// unnormal, so the FPU layer can keep register contents bit for bit.

export interface F80 {
  readonly sign: 0 | 1;
  readonly exp: number;
  readonly mant: bigint;
}

export const BIAS = 16383;
export const EXP_MAX = 0x7fff;
export const INT_BIT = 1n << 63n;
export const QUIET_BIT = 1n << 62n;
export const MANT_MASK = (1n << 64n) - 1n;

export function f80(sign: 0 | 1, exp: number, mant: bigint): F80 {
  return { sign, exp, mant };
}

/** The real indefinite, the masked response to an invalid operation (SDM vol. 1, 4.8.3.7). */
export const INDEFINITE: F80 = f80(1, EXP_MAX, 0xc000000000000000n);
export const POS_ZERO: F80 = f80(0, 0, 0n);
export const NEG_ZERO: F80 = f80(1, 0, 0n);
export const POS_INF: F80 = f80(0, EXP_MAX, INT_BIT);
export const NEG_INF: F80 = f80(1, EXP_MAX, INT_BIT);
export const ONE: F80 = f80(0, BIAS, INT_BIT);

export function zero(sign: 0 | 1): F80 {
  return sign ? NEG_ZERO : POS_ZERO;
}

export function inf(sign: 0 | 1): F80 {
  return sign ? NEG_INF : POS_INF;
}

/**
 * The classes of SDM vol. 1, table 8-3 plus the unsupported encodings of
 * 8.2.2 (pseudo-NaN, pseudo-infinity, unnormal), which the 387 and later
 * reject as invalid operands.
 */
export const enum Cls {
  Zero,
  Denormal,
  /** exp 0 with the integer bit set: a denormal operand whose value is that of exp 1 (SDM vol. 1, 8.2.2). */
  PseudoDenormal,
  Normal,
  Infinity,
  QNaN,
  SNaN,
  Unsupported,
}

export function classify(v: F80): Cls {
  const intBit = (v.mant & INT_BIT) !== 0n;
  if (v.exp === 0) {
    if (v.mant === 0n) return Cls.Zero;
    return intBit ? Cls.PseudoDenormal : Cls.Denormal;
  }
  if (!intBit) return Cls.Unsupported; // unnormal, pseudo-infinity, pseudo-NaN
  if (v.exp === EXP_MAX) {
    const frac = v.mant & (INT_BIT - 1n);
    if (frac === 0n) return Cls.Infinity;
    return (frac & QUIET_BIT) !== 0n ? Cls.QNaN : Cls.SNaN;
  }
  return Cls.Normal;
}

export function isNaNClass(c: Cls): boolean {
  return c === Cls.QNaN || c === Cls.SNaN;
}

export function isDenormalClass(c: Cls): boolean {
  return c === Cls.Denormal || c === Cls.PseudoDenormal;
}

/** A finite nonzero value as sig * 2^e (sig > 0, not normalised). Pseudo-denormals take exp 1. */
export interface Unpacked {
  sign: 0 | 1;
  sig: bigint;
  e: number;
}

/** The exponent of the significand's least significant bit for a biased exponent field. */
export function lsbExponent(biased: number): number {
  return (biased === 0 ? 1 : biased) - BIAS - 63;
}

export function unpack(v: F80): Unpacked {
  return { sign: v.sign, sig: v.mant, e: lsbExponent(v.exp) };
}

export function negate(v: F80): F80 {
  return f80(v.sign ? 0 : 1, v.exp, v.mant);
}

export function abs(v: F80): F80 {
  return v.sign ? f80(0, v.exp, v.mant) : v;
}

export function quiet(v: F80): F80 {
  return f80(v.sign, v.exp, v.mant | QUIET_BIT);
}

export function sameF80(a: F80, b: F80): boolean {
  return a.sign === b.sign && a.exp === b.exp && a.mant === b.mant;
}

/** The 10-byte little-endian memory image (significand in bytes 0-7, sign and exponent in 8-9). */
export function f80ToBytes(v: F80, out: Uint8Array = new Uint8Array(10), offset = 0): Uint8Array {
  let m = v.mant;
  for (let i = 0; i < 8; i++) {
    out[offset + i] = Number(m & 0xffn);
    m >>= 8n;
  }
  const se = (v.sign << 15) | v.exp;
  out[offset + 8] = se & 0xff;
  out[offset + 9] = se >>> 8;
  return out;
}

export function f80FromBytes(bytes: Uint8Array, offset = 0): F80 {
  let m = 0n;
  for (let i = 7; i >= 0; i--) m = (m << 8n) | BigInt(bytes[offset + i]);
  const se = bytes[offset + 8] | (bytes[offset + 9] << 8);
  return f80((se >>> 15) as 0 | 1, se & 0x7fff, m);
}

/** The 20 hex digits one reads an extended value as: SEEE then the significand. */
export function f80ToHex(v: F80): string {
  const se = ((v.sign << 15) | v.exp).toString(16).padStart(4, '0');
  return se + v.mant.toString(16).padStart(16, '0');
}

export function f80FromHex(hex: string): F80 {
  const se = parseInt(hex.slice(0, 4), 16);
  return f80((se >>> 15) as 0 | 1, se & 0x7fff, BigInt('0x' + hex.slice(4, 20)));
}

/** Number of significant bits of x (0 for 0n). */
export function bitLength(x: bigint): number {
  if (x === 0n) return 0;
  if (x < 0n) x = -x;
  if (x < 0x100000000n) return 32 - Math.clz32(Number(x));
  const h = x.toString(16);
  return (h.length - 1) * 4 + (32 - Math.clz32(parseInt(h[0], 16)));
}
