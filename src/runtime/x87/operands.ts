// Operand checks shared by the operations: unsupported encodings, NaN
// propagation and denormal operands (SDM vol. 1, 4.8.3.5 and table 4-7,
// 8.2.2, 8.5.1, 8.5.2).
import { Cls, INDEFINITE, QUIET_BIT, classify, isDenormalClass, isNaNClass, quiet, type F80 } from './float80.js';
import { DE, IE, masked, result, type X87Result } from './status.js';

/** The masked response to an invalid operation: the real indefinite, or nothing when IE is unmasked. */
export function invalid(cw: number, flags = 0): X87Result {
  return result(INDEFINITE, flags | IE, masked(cw, IE));
}

/**
 * NaN operands (SDM vol. 1, table 4-7, x87 column): an SNaN raises IE and is
 * quieted; with two NaNs a QNaN beats an SNaN, and between two of the same
 * kind the larger significand wins (on equal significands the positive
 * one, as the host does).
 */
export function propagateNaN(a: F80, ca: Cls, b: F80 | null, cb: Cls, cw: number): X87Result {
  const snan = ca === Cls.SNaN || cb === Cls.SNaN;
  let pick: F80;
  if (b === null || !isNaNClass(cb)) pick = a;
  else if (!isNaNClass(ca)) pick = b;
  else if (ca !== cb) pick = ca === Cls.QNaN ? a : b;
  else {
    const ma = a.mant | QUIET_BIT;
    const mb = b.mant | QUIET_BIT;
    pick = mb > ma || (mb === ma && a.sign === 1) ? b : a;
  }
  const flags = snan ? IE : 0;
  return result(quiet(pick), flags, !snan || masked(cw, IE));
}

/**
 * The checks every arithmetic operation makes before computing: unsupported
 * formats are invalid, NaNs propagate. Returns the answer when that settles
 * it, else null.
 */
export function checkNaNs2(a: F80, ca: Cls, b: F80, cb: Cls, cw: number): X87Result | null {
  if (ca === Cls.Unsupported || cb === Cls.Unsupported) return invalid(cw);
  if (isNaNClass(ca) || isNaNClass(cb)) return propagateNaN(a, ca, b, cb, cw);
  return null;
}

export function checkNaNs1(a: F80, ca: Cls, cw: number): X87Result | null {
  if (ca === Cls.Unsupported) return invalid(cw);
  if (isNaNClass(ca)) return propagateNaN(a, ca, null, Cls.Zero, cw);
  return null;
}

/** DE for denormal operands; null to go on, or the answer when DE is unmasked (nothing is written). */
export function denormalCheck(cw: number, ...classes: Cls[]): { flags: number; stop: X87Result | null } {
  for (const c of classes) {
    if (isDenormalClass(c)) {
      if (!masked(cw, DE)) return { flags: DE, stop: result(INDEFINITE, DE, false) };
      return { flags: DE, stop: null };
    }
  }
  return { flags: 0, stop: null };
}

export { classify };
