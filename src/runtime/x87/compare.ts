// FCOM/FUCOM/FTST/FXAM (SDM vol. 2A, their condition code tables):
// condition codes C3/C2/C0 for a comparison, or the class of a value.
// FCOMI/FUCOMI put the same relation in ZF/PF/CF; that mapping is the
// caller's.
import { Cls, POS_ZERO, classify, isDenormalClass, isNaNClass, unpack, type F80 } from './float80.js';
import { C0, C1, C2, C3, DE, IE } from './status.js';

export const enum Relation {
  Greater,
  Less,
  Equal,
  Unordered,
}

/** The C3/C2/C0 bits of a relation (FCOM: > 000, < 001, = 100, unordered 111). */
export const RELATION_CC: readonly number[] = [0, C0, C3, C3 | C2 | C0];

export interface X87Compare {
  relation: Relation;
  /** IE/DE raised, and the condition codes (C1 is cleared, so it is never set here). */
  flags: number;
}

// The host sets the condition codes even when IE or DE is unmasked (then
// #MF follows at the next waiting instruction), so there is no `write` here.
function answer(relation: Relation, exc: number): X87Compare {
  return { relation, flags: exc | RELATION_CC[relation] };
}

/** Signed comparison of two finite values (zeros compare equal whatever their signs). */
function compareFinite(a: F80, ca: Cls, b: F80, cb: Cls): Relation {
  const za = ca === Cls.Zero;
  const zb = cb === Cls.Zero;
  if (za && zb) return Relation.Equal;
  if (za) return b.sign ? Relation.Greater : Relation.Less;
  if (zb) return a.sign ? Relation.Less : Relation.Greater;
  if (a.sign !== b.sign) return a.sign ? Relation.Less : Relation.Greater;
  const ua = unpack(a);
  const ub = unpack(b);
  // Align on the smaller exponent; the larger operand is normal, so a wide
  // gap decides the answer without shifting far.
  let mag: number;
  if (ua.e - ub.e > 70) mag = 1;
  else if (ub.e - ua.e > 70) mag = -1;
  else {
    const e = Math.min(ua.e, ub.e);
    const va = ua.sig << BigInt(ua.e - e);
    const vb = ub.sig << BigInt(ub.e - e);
    mag = va > vb ? 1 : va < vb ? -1 : 0;
  }
  if (mag === 0) return Relation.Equal;
  return (mag > 0) !== (a.sign === 1) ? Relation.Greater : Relation.Less;
}

/**
 * a compared with b. `quietNaNsOk` selects FUCOM (IE only for SNaNs and
 * unsupported formats) over FCOM (IE for any NaN).
 */
export function compare(a: F80, b: F80, quietNaNsOk = false): X87Compare {
  const ca = classify(a);
  const cb = classify(b);
  if (ca === Cls.Unsupported || cb === Cls.Unsupported) return answer(Relation.Unordered, IE);
  if (isNaNClass(ca) || isNaNClass(cb)) {
    const signaling = !quietNaNsOk || ca === Cls.SNaN || cb === Cls.SNaN;
    return answer(Relation.Unordered, signaling ? IE : 0);
  }
  const de = isDenormalClass(ca) || isDenormalClass(cb) ? DE : 0;
  let rel: Relation;
  if (ca === Cls.Infinity || cb === Cls.Infinity) {
    const ia = ca === Cls.Infinity ? (a.sign ? -1 : 1) : 0;
    const ib = cb === Cls.Infinity ? (b.sign ? -1 : 1) : 0;
    rel = ia > ib ? Relation.Greater : ia < ib ? Relation.Less : Relation.Equal;
  } else rel = compareFinite(a, ca, b, cb);
  return answer(rel, de);
}

/** FTST: ST(0) compared with +0.0 (FCOM rules). */
export function test(a: F80): X87Compare {
  return compare(a, POS_ZERO, false);
}

/**
 * FXAM: C1 = sign, C3/C2/C0 = class (SDM vol. 2A, FXAM): unsupported 000,
 * NaN 001, normal 010, infinity 011, zero 100, denormal 110. (Empty, 101,
 * belongs to the register stack.) No exceptions.
 */
export function examine(a: F80): number {
  const sign = a.sign ? C1 : 0;
  switch (classify(a)) {
    case Cls.Unsupported:
      return sign;
    case Cls.QNaN:
    case Cls.SNaN:
      return sign | C0;
    case Cls.Normal:
      return sign | C2;
    case Cls.Infinity:
      return sign | C2 | C0;
    case Cls.Zero:
      return sign | C3;
    case Cls.Denormal:
    case Cls.PseudoDenormal:
      return sign | C3 | C2;
  }
}
