// FLD1, FLDL2T, FLDL2E, FLDPI, FLDLG2, FLDLN2, FLDZ (SDM vol. 2A, FLD1/
// FLDL2T/...). The P6 family and later round the irrational constants per
// RC (SDM vol. 1, 8.3.8), raising no exception and leaving C1 clear: so
// does the host.
import { ONE, POS_ZERO, type F80 } from './float80.js';
import { LN10, LN2, ONE_BF, PI, divBF, type BigF } from './bigfloat.js';
import { roundPack } from './round.js';

export const enum Constant {
  One,
  L2T,
  L2E,
  Pi,
  LG2,
  LN2,
  Zero,
}

function rounded(x: BigF, cw: number): F80 {
  // These are irrational: the low sticky bit marks them inexact.
  return roundPack(0, x.sig | 1n, x.exp, 64, cw).value;
}

const VALUES: readonly BigF[] = [ONE_BF, divBF(LN10, LN2), divBF(ONE_BF, LN2), PI, divBF(LN2, LN10), LN2, ONE_BF];

/** The constant as the instruction loads it under control word cw. */
export function loadConstant(c: Constant, cw: number): F80 {
  if (c === Constant.One) return ONE;
  if (c === Constant.Zero) return POS_ZERO;
  return rounded(VALUES[c], cw & 0x0c00);
}
