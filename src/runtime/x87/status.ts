// Control word fields and status word bits the arithmetic layer reads and
// raises (SDM vol. 1, 8.1.3 status word, 8.1.5 control word), and the shape
// of every operation's answer.
import { type F80 } from './float80.js';

// Exception flags (status word bits 0-5) and their masks (control word bits 0-5).
export const IE = 0x01;
export const DE = 0x02;
export const ZE = 0x04;
export const OE = 0x08;
export const UE = 0x10;
export const PE = 0x20;
// Condition code bits, at their status word positions.
export const C0 = 0x0100;
export const C1 = 0x0200;
export const C2 = 0x0400;
export const C3 = 0x4000;

/** Precision control (control word bits 8-9, SDM vol. 1, 8.1.5.2). */
export const PC_SINGLE = 0;
export const PC_DOUBLE = 2;
export const PC_EXTENDED = 3;

/** Rounding control (control word bits 10-11, SDM vol. 1, 4.8.4). */
export const RC_NEAREST = 0;
export const RC_DOWN = 1;
export const RC_UP = 2;
export const RC_ZERO = 3;

export function roundingOf(cw: number): number {
  return (cw >> 10) & 3;
}

/**
 * Significand bits the precision control asks for. The reserved value 01
 * behaves as extended on the hosts checked by test/x87-float80.test.ts.
 */
export function precisionOf(cw: number): number {
  const pc = (cw >> 8) & 3;
  return pc === PC_SINGLE ? 24 : pc === PC_DOUBLE ? 53 : 64;
}

export function masked(cw: number, flag: number): boolean {
  return (cw & flag) !== 0;
}

/**
 * An operation's answer. `flags` holds the exception flags it raised (to be
 * ORed into the status word) and the condition codes it defines (C1 = rounded
 * up for arithmetic; see each operation for others). `write` is false when an
 * unmasked exception leaves the destination unchanged (SDM vol. 1, 8.5):
 * then `value` is only informative.
 */
export interface X87Result {
  value: F80;
  flags: number;
  write: boolean;
}

export function result(value: F80, flags = 0, write = true): X87Result {
  return { value, flags, write };
}
