// The i8254's clock and counting arithmetic: PIT clock edges on the virtual
// clock, exact up to 2^53 ns (no rounding error accumulates), and BCD counts.
import { divFloor } from './int-math.js';

export const PIT_HZ = 1193182;
const NS_PER_S = 1e9;

/** PIT clock edges that have happened at or before virtual time `ns`: floor(ns * 1193182 / 1e9), exact up to 2^53 ns. */
export function pitTicksAt(ns: number): number {
  const n = Math.floor(ns);
  const q = divFloor(n, NS_PER_S);
  return q * PIT_HZ + divFloor((n - q * NS_PER_S) * PIT_HZ, NS_PER_S);
}

/** The virtual time of PIT clock edge `tick`: the first whole ns at which pitTicksAt reaches it (ceil(tick * 1e9 / 1193182)). */
export function pitTickNs(tick: number): number {
  const q = divFloor(tick, PIT_HZ);
  const b = (tick - q * PIT_HZ) * NS_PER_S;
  const c = divFloor(b, PIT_HZ);
  return q * NS_PER_S + (c * PIT_HZ === b ? c : c + 1);
}

export function bcdDecode(raw: number): number {
  return ((raw >> 12) & 15) * 1000 + ((raw >> 8) & 15) * 100 + ((raw >> 4) & 15) * 10 + (raw & 15);
}

export function bcdEncode(v: number): number {
  return (Math.floor(v / 1000) % 10) << 12 | (Math.floor(v / 100) % 10) << 8 | (Math.floor(v / 10) % 10) << 4 | v % 10;
}
