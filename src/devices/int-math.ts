// Integer division on doubles, exact up to 2^53 (plain Math.floor(a / b) can
// round up near a multiple): for device clocks that count in ns.

/** floor(a / b). */
export function divFloor(a: number, b: number): number {
  let q = Math.floor(a / b);
  const r = a - q * b;
  if (r < 0) q--;
  else if (r >= b) q++;
  return q;
}

/** a - b * floor(a / b): the remainder with the sign of b. */
export function modFloor(a: number, b: number): number { return a - divFloor(a, b) * b; }
