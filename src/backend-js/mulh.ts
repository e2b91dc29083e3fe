// High halves of 32x32->64-bit products, in int32 arithmetic only (no
// doubles past 2^53, no BigInt on the hot path).

/** High 32 bits of the unsigned product a*b, as an int32. */
export function mulhu(a: number, b: number): number {
  const al = a & 0xffff, ah = a >>> 16;
  const bl = b & 0xffff, bh = b >>> 16;
  const lo = al * bl;
  const mid1 = ah * bl;
  const mid2 = al * bh;
  const carry = ((lo >>> 16) + (mid1 & 0xffff) + (mid2 & 0xffff)) >>> 16;
  return (ah * bh + (mid1 >>> 16) + (mid2 >>> 16) + carry) | 0;
}

/** High 32 bits of the signed product a*b, as an int32. */
export function mulhs(a: number, b: number): number {
  let hi = mulhu(a, b);
  if (a < 0) hi = (hi - b) | 0;
  if (b < 0) hi = (hi - a) | 0;
  return hi;
}
