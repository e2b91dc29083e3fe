// The two-byte opcode map, 0F xx (Intel SDM vol. 2, appendix A, table A-3),
// as an i686 without MMX/SSE implements it, and its groups (table A-6).
// Index = second opcode byte; null = #UD (MMX, SSE, 3DNow!, 0F 38/3A maps,
// syscall/sysret, ...).

import {
  A_BRANCH, A_END, A_LOCK, A_MEM, A_PRIV, A_SEGLOAD,
  F_ARITH, F_BSX, F_BT, F_MOVCR, F_MUL, F_NONE, F_SHIFT, F_ZF,
  FLAG_IF, FLAGS_ALL,
  type OpcodeSlot, type OperandSpec,
  ccOp, fx, grp, op,
} from './opcode-table-defs.js';

const BR = A_BRANCH | A_END;
const REGV: readonly OperandSpec[] = ['eAX', 'eCX', 'eDX', 'eBX', 'eSP', 'eBP', 'eSI', 'eDI'];

function build(): OpcodeSlot[] {
  const t: OpcodeSlot[] = new Array<OpcodeSlot>(256).fill(null);

  t[0x00] = grp([ // group 6
    op('sldt', ['Mw/Rv']),
    op('str', ['Mw/Rv']),
    op('lldt', ['Ew'], F_NONE, A_PRIV),
    op('ltr', ['Ew'], F_NONE, A_PRIV),
    op('verr', ['Ew'], F_ZF),
    op('verw', ['Ew'], F_ZF),
  ]);
  t[0x01] = grp([ // group 7; with mod=3 only smsw and lmsw exist on an i686
    op('sgdt', ['Ms'], F_NONE, A_MEM),
    op('sidt', ['Ms'], F_NONE, A_MEM),
    op('lgdt', ['Ms'], F_NONE, A_MEM | A_PRIV),
    op('lidt', ['Ms'], F_NONE, A_MEM | A_PRIV),
    op('smsw', ['Mw/Rv']),
    null,
    op('lmsw', ['Ew'], F_NONE, A_PRIV | A_END),
    op('invlpg', ['Mb'], F_NONE, A_MEM | A_PRIV | A_END),
  ]);
  t[0x02] = op('lar', ['Gv', 'Mw/Rv'], F_ZF);
  t[0x03] = op('lsl', ['Gv', 'Mw/Rv'], F_ZF);
  t[0x06] = op('clts', [], F_NONE, A_PRIV | A_END);
  t[0x08] = op('invd', [], F_NONE, A_PRIV);
  t[0x09] = op('wbinvd', [], F_NONE, A_PRIV);
  t[0x0b] = op('ud2', [], F_NONE, A_END);
  // 0F 18-1F: hint NOPs with a ModRM (0F 1F /0 is the documented multi-byte NOP).
  for (let b = 0x18; b <= 0x1f; b++) t[b] = op('nop', ['Ev']);

  // Mov to/from control and debug registers: mod is ignored, r/m is a register.
  // CR1 and CR5-CR7 are #UD (the decoder checks the CR number).
  t[0x20] = op('mov', ['Rd', 'Cd'], F_MOVCR, A_PRIV);
  t[0x21] = op('mov', ['Rd', 'Dd'], F_MOVCR, A_PRIV);
  t[0x22] = op('mov', ['Cd', 'Rd'], F_MOVCR, A_PRIV | A_END);
  t[0x23] = op('mov', ['Dd', 'Rd'], F_MOVCR, A_PRIV | A_END);

  t[0x30] = op('wrmsr', [], F_NONE, A_PRIV | A_END);
  t[0x31] = op('rdtsc', []);
  t[0x32] = op('rdmsr', [], F_NONE, A_PRIV);
  t[0x33] = op('rdpmc', []);
  t[0x34] = op('sysenter', [], fx(0, FLAG_IF), BR);
  t[0x35] = op('sysexit', [], F_NONE, BR | A_PRIV);

  for (let c = 0; c < 16; c++) {
    t[0x40 + c] = ccOp('cmovcc', c, ['Gv', 'Ev']);
    t[0x80 + c] = ccOp('jcc', c, ['Jz'], BR);
    t[0x90 + c] = ccOp('setcc', c, ['Eb']);
  }

  t[0xa0] = op('push', ['FS']);
  t[0xa1] = op('pop', ['FS'], F_NONE, A_SEGLOAD);
  t[0xa2] = op('cpuid', []);
  t[0xa3] = op('bt', ['Ev', 'Gv'], F_BT);
  t[0xa4] = op('shld', ['Ev', 'Gv', 'Ib'], F_SHIFT);
  t[0xa5] = op('shld', ['Ev', 'Gv', 'CL'], F_SHIFT);
  t[0xa8] = op('push', ['GS']);
  t[0xa9] = op('pop', ['GS'], F_NONE, A_SEGLOAD);
  t[0xaa] = op('rsm', [], fx(0, FLAGS_ALL), BR);
  t[0xab] = op('bts', ['Ev', 'Gv'], F_BT, A_LOCK);
  t[0xac] = op('shrd', ['Ev', 'Gv', 'Ib'], F_SHIFT);
  t[0xad] = op('shrd', ['Ev', 'Gv', 'CL'], F_SHIFT);
  t[0xaf] = op('imul', ['Gv', 'Ev'], F_MUL);

  t[0xb0] = op('cmpxchg', ['Eb', 'Gb'], F_ARITH, A_LOCK);
  t[0xb1] = op('cmpxchg', ['Ev', 'Gv'], F_ARITH, A_LOCK);
  t[0xb2] = op('lss', ['Gv', 'Mp'], F_NONE, A_MEM | A_SEGLOAD);
  t[0xb3] = op('btr', ['Ev', 'Gv'], F_BT, A_LOCK);
  t[0xb4] = op('lfs', ['Gv', 'Mp'], F_NONE, A_MEM | A_SEGLOAD);
  t[0xb5] = op('lgs', ['Gv', 'Mp'], F_NONE, A_MEM | A_SEGLOAD);
  t[0xb6] = op('movzx', ['Gv', 'Eb']);
  t[0xb7] = op('movzx', ['Gv', 'Ew']);
  t[0xb9] = op('ud1', ['Gv', 'Ev'], F_NONE, A_END); // group 10
  t[0xba] = grp([ // group 8
    null, null, null, null,
    op('bt', ['Ev', 'Ib'], F_BT),
    op('bts', ['Ev', 'Ib'], F_BT, A_LOCK),
    op('btr', ['Ev', 'Ib'], F_BT, A_LOCK),
    op('btc', ['Ev', 'Ib'], F_BT, A_LOCK),
  ]);
  t[0xbb] = op('btc', ['Ev', 'Gv'], F_BT, A_LOCK);
  t[0xbc] = op('bsf', ['Gv', 'Ev'], F_BSX);
  t[0xbd] = op('bsr', ['Gv', 'Ev'], F_BSX);
  t[0xbe] = op('movsx', ['Gv', 'Eb']);
  t[0xbf] = op('movsx', ['Gv', 'Ew']);

  t[0xc0] = op('xadd', ['Eb', 'Gb'], F_ARITH, A_LOCK);
  t[0xc1] = op('xadd', ['Ev', 'Gv'], F_ARITH, A_LOCK);
  t[0xc7] = grp([null, op('cmpxchg8b', ['Mq'], F_ZF, A_LOCK | A_MEM)]); // group 9
  // bswap with a 16-bit operand size has an undefined result (SDM BSWAP).
  for (let r = 0; r < 8; r++) t[0xc8 + r] = op('bswap', [REGV[r]!]);

  t[0xff] = op('ud0', ['Gv', 'Ev'], F_NONE, A_END);
  return t;
}

/** The two-byte map, indexed by the byte after 0F. */
export const TWO_BYTE_MAP: readonly OpcodeSlot[] = Object.freeze(build());
