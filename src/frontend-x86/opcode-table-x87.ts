// The x87 escape opcodes D8-DF (Intel SDM vol. 2, appendix A.4, tables
// ), as a P6 implements them (fcmovcc, fcomi, fucomi; no fisttp).
// Memory forms are selected by ModRM.reg, register forms (mod=3) by the
// whole low six bits of ModRM. null = #UD (including the undocumented
// aliases fstp1, fxch4, fcom2, ffreep, ...).

import {
  A_X87, F_FCOMI, type OpcodeEntry, type OperandSpec, ccOp, op,
} from './opcode-table-defs.js';

function x(mnemonic: string, operands: readonly OperandSpec[] = []): OpcodeEntry {
  return op(mnemonic, operands, undefined, A_X87);
}

const ARITH = ['fadd', 'fmul', 'fcom', 'fcomp', 'fsub', 'fsubr', 'fdiv', 'fdivr'];
const IARITH = ['fiadd', 'fimul', 'ficom', 'ficomp', 'fisub', 'fisubr', 'fidiv', 'fidivr'];

/** Memory forms, index (escape - 0xD8) * 8 + ModRM.reg. */
function buildMem(): (OpcodeEntry | null)[] {
  const t: (OpcodeEntry | null)[] = new Array<OpcodeEntry | null>(64).fill(null);
  const row = (esc: number, rows: readonly (OpcodeEntry | null)[]): void => {
    for (let r = 0; r < 8; r++) t[(esc - 0xd8) * 8 + r] = rows[r] ?? null;
  };
  row(0xd8, ARITH.map((m) => x(m, ['Md'])));
  row(0xd9, [
    x('fld', ['Md']), null, x('fst', ['Md']), x('fstp', ['Md']),
    x('fldenv', ['Menv']), x('fldcw', ['Mw']), x('fnstenv', ['Menv']), x('fnstcw', ['Mw']),
  ]);
  row(0xda, IARITH.map((m) => x(m, ['Md'])));
  row(0xdb, [
    x('fild', ['Md']), null, x('fist', ['Md']), x('fistp', ['Md']),
    null, x('fld', ['Mt']), null, x('fstp', ['Mt']),
  ]);
  row(0xdc, ARITH.map((m) => x(m, ['Mq'])));
  row(0xdd, [
    x('fld', ['Mq']), null, x('fst', ['Mq']), x('fstp', ['Mq']),
    x('frstor', ['Mstate']), null, x('fnsave', ['Mstate']), x('fnstsw', ['Mw']),
  ]);
  row(0xde, IARITH.map((m) => x(m, ['Mw'])));
  row(0xdf, [
    x('fild', ['Mw']), null, x('fist', ['Mw']), x('fistp', ['Mw']),
    x('fbld', ['Mt']), x('fild', ['Mq']), x('fbstp', ['Mt']), x('fistp', ['Mq']),
  ]);
  return t;
}

/** Register forms, index (escape - 0xD8) * 64 + (ModRM & 0x3f). */
function buildReg(): (OpcodeEntry | null)[] {
  const t: (OpcodeEntry | null)[] = new Array<OpcodeEntry | null>(512).fill(null);
  /** All eight ST(i) of one /digit. */
  const each = (esc: number, reg: number, e: OpcodeEntry | null): void => {
    for (let i = 0; i < 8; i++) t[(esc - 0xd8) * 64 + reg * 8 + i] = e;
  };
  /** One exact ModRM byte. */
  const one = (esc: number, modrm: number, e: OpcodeEntry): void => {
    t[(esc - 0xd8) * 64 + (modrm & 0x3f)] = e;
  };
  const stSti: OperandSpec[] = ['ST', 'STi'];
  const stiSt: OperandSpec[] = ['STi', 'ST'];

  ARITH.forEach((m, r) => each(0xd8, r, x(m, r === 2 || r === 3 ? ['STi'] : stSti)));

  each(0xd9, 0, x('fld', ['STi']));
  each(0xd9, 1, x('fxch', ['STi']));
  one(0xd9, 0xd0, x('fnop'));
  const d9e0 = ['fchs', 'fabs', null, null, 'ftst', 'fxam', null, null,
    'fld1', 'fldl2t', 'fldl2e', 'fldpi', 'fldlg2', 'fldln2', 'fldz', null,
    'f2xm1', 'fyl2x', 'fptan', 'fpatan', 'fxtract', 'fprem1', 'fdecstp', 'fincstp',
    'fprem', 'fyl2xp1', 'fsqrt', 'fsincos', 'frndint', 'fscale', 'fsin', 'fcos'];
  d9e0.forEach((m, i) => { if (m !== null) one(0xd9, 0xe0 + i, x(m)); });

  // fcmovcc read EFLAGS like the matching jcc (b=2, e=4, be=6, u=p=10; n*: +1).
  const fcmovCond = [2, 4, 6, 10];
  ['fcmovb', 'fcmove', 'fcmovbe', 'fcmovu'].forEach((m, r) =>
    each(0xda, r, ccOp(m, fcmovCond[r]!, stSti, A_X87)));
  one(0xda, 0xe9, x('fucompp'));

  ['fcmovnb', 'fcmovne', 'fcmovnbe', 'fcmovnu'].forEach((m, r) =>
    each(0xdb, r, ccOp(m, fcmovCond[r]! + 1, stSti, A_X87)));
  // FENI, FDISI (8087) and FSETPM (287) execute as no-ops on a 387 and later.
  ['fneni', 'fndisi', 'fnclex', 'fninit', 'fnsetpm'].forEach((m, i) => one(0xdb, 0xe0 + i, x(m)));
  each(0xdb, 5, op('fucomi', stSti, F_FCOMI, A_X87));
  each(0xdb, 6, op('fcomi', stSti, F_FCOMI, A_X87));

  // DC: destination ST(i). Intel order: /4 fsubr, /5 fsub, /6 fdivr, /7 fdiv.
  ['fadd', 'fmul', null, null, 'fsubr', 'fsub', 'fdivr', 'fdiv'].forEach((m, r) => {
    if (m !== null) each(0xdc, r, x(m, stiSt));
  });

  each(0xdd, 0, x('ffree', ['STi']));
  each(0xdd, 2, x('fst', ['STi']));
  each(0xdd, 3, x('fstp', ['STi']));
  each(0xdd, 4, x('fucom', ['STi']));
  each(0xdd, 5, x('fucomp', ['STi']));

  ['faddp', 'fmulp', null, null, 'fsubrp', 'fsubp', 'fdivrp', 'fdivp'].forEach((m, r) => {
    if (m !== null) each(0xde, r, x(m, stiSt));
  });
  one(0xde, 0xd9, x('fcompp'));

  one(0xdf, 0xe0, x('fnstsw', ['AX']));
  each(0xdf, 5, op('fucomip', stSti, F_FCOMI, A_X87));
  each(0xdf, 6, op('fcomip', stSti, F_FCOMI, A_X87));
  return t;
}

export const X87_MEM_MAP: readonly (OpcodeEntry | null)[] = Object.freeze(buildMem());
export const X87_REG_MAP: readonly (OpcodeEntry | null)[] = Object.freeze(buildReg());
