// The one-byte opcode map (Intel SDM vol. 2, appendix A, table A-2) and the
// groups it uses (table A-6). Index = opcode byte.
//
// null means #UD, except for bytes the decoder consumes before it looks here:
// the prefixes 26 2E 36 3E 64 65 66 67 F0 F2 F3, the 0F escape (the
// two-byte map, opcode-table-2byte.ts) and D8-DF (x87, opcode-table-x87.ts).

import {
  A_BRANCH, A_END, A_IO, A_IOPL, A_LOCK, A_MEM, A_PRIV, A_SEGLOAD, A_STRING, A_X87,
  F_ARITH, F_ARITH_C, F_DIV, F_INCDEC, F_LOGIC, F_MUL, F_NONE, F_RCX, F_ROT, F_SHIFT,
  F_STR, F_STR_CMP,
  FLAG_AF, FLAG_CF, FLAG_DF, FLAG_IF, FLAG_OF, FLAG_PF, FLAG_SF, FLAG_TF, FLAG_ZF, FLAGS_ALL,
  type FlagEffects, type OpcodeEntry, type OpcodeGroup, type OpcodeSlot, type OperandSpec,
  ccOp, fx, grp, op,
} from './opcode-table-defs.js';

const BR = A_BRANCH | A_END;
const SZAPC = FLAG_SF | FLAG_ZF | FLAG_AF | FLAG_PF | FLAG_CF;

/** int n / int3 / into / int1: push EFLAGS, clear TF (and IF through an interrupt gate). */
const F_INT = fx(FLAGS_ALL, FLAG_TF | FLAG_IF);

/** The six classic ALU forms of opcodes 00-3D: Eb,Gb Ev,Gv Gb,Eb Gv,Ev AL,Ib eAX,Iz. */
function aluRow(name: string, flags: FlagEffects, lock: number): OpcodeEntry[] {
  return [
    op(name, ['Eb', 'Gb'], flags, lock),
    op(name, ['Ev', 'Gv'], flags, lock),
    op(name, ['Gb', 'Eb'], flags),
    op(name, ['Gv', 'Ev'], flags),
    op(name, ['AL', 'Ib'], flags),
    op(name, ['eAX', 'Iz'], flags),
  ];
}

const ALU_NAMES = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp'] as const;
const ALU_FLAGS: readonly FlagEffects[] = [
  F_ARITH, F_LOGIC, F_ARITH_C, F_ARITH_C, F_LOGIC, F_ARITH, F_LOGIC, F_ARITH,
];

/** Group 1 (80, 81, 82, 83): the eight ALU operations on Ex, immediate. */
function group1(dst: OperandSpec, src: OperandSpec): OpcodeGroup {
  return grp(ALU_NAMES.map((name, i) =>
    op(name, [dst, src], ALU_FLAGS[i]!, name === 'cmp' ? 0 : A_LOCK)));
}

/** Group 2 (C0, C1, D0-D3): rotates and shifts; /6 is the undocumented alias of shl. */
function group2(dst: OperandSpec, count: OperandSpec): OpcodeGroup {
  return grp([
    op('rol', [dst, count], F_ROT),
    op('ror', [dst, count], F_ROT),
    op('rcl', [dst, count], F_RCX),
    op('rcr', [dst, count], F_RCX),
    op('shl', [dst, count], F_SHIFT),
    op('shr', [dst, count], F_SHIFT),
    op('shl', [dst, count], F_SHIFT),
    op('sar', [dst, count], F_SHIFT),
  ]);
}

/** Group 3 (F6, F7); /1 is the undocumented alias of test. */
function group3(e: OperandSpec, imm: OperandSpec): OpcodeGroup {
  return grp([
    op('test', [e, imm], F_LOGIC),
    op('test', [e, imm], F_LOGIC),
    op('not', [e], F_NONE, A_LOCK),
    op('neg', [e], F_ARITH, A_LOCK),
    op('mul', [e], F_MUL),
    op('imul', [e], F_MUL),
    op('div', [e], F_DIV),
    op('idiv', [e], F_DIV),
  ]);
}

const REG8: readonly OperandSpec[] = ['AL', 'CL', 'DL', 'BL', 'AH', 'CH', 'DH', 'BH'];
const REGV: readonly OperandSpec[] = ['eAX', 'eCX', 'eDX', 'eBX', 'eSP', 'eBP', 'eSI', 'eDI'];

function build(): OpcodeSlot[] {
  const t: OpcodeSlot[] = new Array<OpcodeSlot>(256).fill(null);

  // 00-3F: ALU rows, with push/pop sreg, BCD adjust and prefixes in columns 6/7, E/F.
  for (let i = 0; i < 8; i++) {
    const row = aluRow(ALU_NAMES[i]!, ALU_FLAGS[i]!, ALU_NAMES[i] === 'cmp' ? 0 : A_LOCK);
    for (let j = 0; j < 6; j++) t[i * 8 + j] = row[j]!;
  }
  t[0x06] = op('push', ['ES']);
  t[0x07] = op('pop', ['ES'], F_NONE, A_SEGLOAD);
  t[0x0e] = op('push', ['CS']);
  t[0x16] = op('push', ['SS']);
  t[0x17] = op('pop', ['SS'], F_NONE, A_SEGLOAD);
  t[0x1e] = op('push', ['DS']);
  t[0x1f] = op('pop', ['DS'], F_NONE, A_SEGLOAD);
  t[0x27] = op('daa', [], fx(FLAG_AF | FLAG_CF, SZAPC, FLAG_OF));
  t[0x2f] = op('das', [], fx(FLAG_AF | FLAG_CF, SZAPC, FLAG_OF));
  t[0x37] = op('aaa', [], fx(FLAG_AF, FLAG_AF | FLAG_CF, FLAG_OF | FLAG_SF | FLAG_ZF | FLAG_PF));
  t[0x3f] = op('aas', [], fx(FLAG_AF, FLAG_AF | FLAG_CF, FLAG_OF | FLAG_SF | FLAG_ZF | FLAG_PF));

  // 40-5F: inc/dec/push/pop with the register in the opcode.
  for (let r = 0; r < 8; r++) {
    t[0x40 + r] = op('inc', [REGV[r]!], F_INCDEC);
    t[0x48 + r] = op('dec', [REGV[r]!], F_INCDEC);
    t[0x50 + r] = op('push', [REGV[r]!]);
    t[0x58 + r] = op('pop', [REGV[r]!]);
  }

  // 60-6F
  t[0x60] = op('pusha', []);
  t[0x61] = op('popa', []);
  t[0x62] = op('bound', ['Gv', 'Ma'], F_NONE, A_MEM);
  t[0x63] = op('arpl', ['Ew', 'Gw'], fx(0, FLAG_ZF));
  t[0x68] = op('push', ['Iz']);
  t[0x69] = op('imul', ['Gv', 'Ev', 'Iz'], F_MUL);
  t[0x6a] = op('push', ['Ibs']);
  t[0x6b] = op('imul', ['Gv', 'Ev', 'Ibs'], F_MUL);
  const io = A_IO | A_IOPL | A_END;
  t[0x6c] = op('ins', ['Yb', 'DX'], F_STR, A_STRING | io);
  t[0x6d] = op('ins', ['Yz', 'DX'], F_STR, A_STRING | io);
  t[0x6e] = op('outs', ['DX', 'Xb'], F_STR, A_STRING | io);
  t[0x6f] = op('outs', ['DX', 'Xz'], F_STR, A_STRING | io);

  // 70-7F: jcc rel8.
  for (let c = 0; c < 16; c++) t[0x70 + c] = ccOp('jcc', c, ['Jb'], BR);

  // 80-8F
  t[0x80] = group1('Eb', 'Ib');
  t[0x81] = group1('Ev', 'Iz');
  t[0x82] = group1('Eb', 'Ib'); // alias of 80, valid outside 64-bit mode
  t[0x83] = group1('Ev', 'Ibs');
  t[0x84] = op('test', ['Eb', 'Gb'], F_LOGIC);
  t[0x85] = op('test', ['Ev', 'Gv'], F_LOGIC);
  t[0x86] = op('xchg', ['Eb', 'Gb'], F_NONE, A_LOCK);
  t[0x87] = op('xchg', ['Ev', 'Gv'], F_NONE, A_LOCK);
  t[0x88] = op('mov', ['Eb', 'Gb']);
  t[0x89] = op('mov', ['Ev', 'Gv']);
  t[0x8a] = op('mov', ['Gb', 'Eb']);
  t[0x8b] = op('mov', ['Gv', 'Ev']);
  t[0x8c] = op('mov', ['Mw/Rv', 'Sw']);
  t[0x8d] = op('lea', ['Gv', 'M'], F_NONE, A_MEM);
  // 8E /1 (CS) and sreg 6, 7 are #UD: the decoder checks the sreg number.
  t[0x8e] = op('mov', ['Sw', 'Mw/Rv'], F_NONE, A_SEGLOAD);
  t[0x8f] = grp([op('pop', ['Ev'])]); // group 1A

  // 90-9F
  t[0x90] = op('nop', []); // F3 90 decodes as pause
  for (let r = 1; r < 8; r++) t[0x90 + r] = op('xchg', [REGV[r]!, 'eAX']);
  t[0x98] = op('cbw', []);
  t[0x99] = op('cwd', []);
  t[0x9a] = op('callf', ['Ap'], F_NONE, BR);
  t[0x9b] = op('fwait', [], F_NONE, A_X87);
  t[0x9c] = op('pushf', [], fx(FLAGS_ALL, 0), A_IOPL);
  t[0x9d] = op('popf', [], fx(0, FLAGS_ALL), A_IOPL | A_END);
  t[0x9e] = op('sahf', [], fx(0, SZAPC));
  t[0x9f] = op('lahf', [], fx(SZAPC, 0));

  // A0-AF: moffs moves and string instructions.
  t[0xa0] = op('mov', ['AL', 'Ob']);
  t[0xa1] = op('mov', ['eAX', 'Ov']);
  t[0xa2] = op('mov', ['Ob', 'AL']);
  t[0xa3] = op('mov', ['Ov', 'eAX']);
  t[0xa4] = op('movs', ['Yb', 'Xb'], F_STR, A_STRING);
  t[0xa5] = op('movs', ['Yv', 'Xv'], F_STR, A_STRING);
  t[0xa6] = op('cmps', ['Xb', 'Yb'], F_STR_CMP, A_STRING);
  t[0xa7] = op('cmps', ['Xv', 'Yv'], F_STR_CMP, A_STRING);
  t[0xa8] = op('test', ['AL', 'Ib'], F_LOGIC);
  t[0xa9] = op('test', ['eAX', 'Iz'], F_LOGIC);
  t[0xaa] = op('stos', ['Yb', 'AL'], F_STR, A_STRING);
  t[0xab] = op('stos', ['Yv', 'eAX'], F_STR, A_STRING);
  t[0xac] = op('lods', ['AL', 'Xb'], F_STR, A_STRING);
  t[0xad] = op('lods', ['eAX', 'Xv'], F_STR, A_STRING);
  t[0xae] = op('scas', ['AL', 'Yb'], F_STR_CMP, A_STRING);
  t[0xaf] = op('scas', ['eAX', 'Yv'], F_STR_CMP, A_STRING);

  // B0-BF: mov reg, imm.
  for (let r = 0; r < 8; r++) {
    t[0xb0 + r] = op('mov', [REG8[r]!, 'Ib']);
    t[0xb8 + r] = op('mov', [REGV[r]!, 'Iv']);
  }

  // C0-CF
  t[0xc0] = group2('Eb', 'Ib');
  t[0xc1] = group2('Ev', 'Ib');
  t[0xc2] = op('ret', ['Iw'], F_NONE, BR);
  t[0xc3] = op('ret', [], F_NONE, BR);
  t[0xc4] = op('les', ['Gv', 'Mp'], F_NONE, A_MEM | A_SEGLOAD);
  t[0xc5] = op('lds', ['Gv', 'Mp'], F_NONE, A_MEM | A_SEGLOAD);
  t[0xc6] = grp([op('mov', ['Eb', 'Ib'])]); // group 11
  t[0xc7] = grp([op('mov', ['Ev', 'Iz'])]);
  t[0xc8] = op('enter', ['Iw', 'Ib']);
  t[0xc9] = op('leave', []);
  t[0xca] = op('retf', ['Iw'], F_NONE, BR);
  t[0xcb] = op('retf', [], F_NONE, BR);
  t[0xcc] = op('int3', [], F_INT, BR);
  t[0xcd] = op('int', ['Ib'], F_INT, BR | A_IOPL);
  t[0xce] = op('into', [], F_INT, BR);
  t[0xcf] = op('iret', [], fx(0, FLAGS_ALL), BR | A_IOPL);

  // D0-DF (D8-DF are the x87 escapes)
  t[0xd0] = group2('Eb', '1');
  t[0xd1] = group2('Ev', '1');
  t[0xd2] = group2('Eb', 'CL');
  t[0xd3] = group2('Ev', 'CL');
  const aam = fx(0, FLAG_SF | FLAG_ZF | FLAG_PF, FLAG_OF | FLAG_AF | FLAG_CF);
  t[0xd4] = op('aam', ['Ib'], aam);
  t[0xd5] = op('aad', ['Ib'], aam);
  // D6 (SALC) is undocumented: #UD here.
  t[0xd7] = op('xlat', ['XLb']);

  // E0-EF
  t[0xe0] = op('loopne', ['Jb'], fx(FLAG_ZF, 0), BR);
  t[0xe1] = op('loope', ['Jb'], fx(FLAG_ZF, 0), BR);
  t[0xe2] = op('loop', ['Jb'], F_NONE, BR);
  t[0xe3] = op('jcxz', ['Jb'], F_NONE, BR); // jecxz with a 32-bit address size
  t[0xe4] = op('in', ['AL', 'Ib'], F_NONE, io);
  t[0xe5] = op('in', ['eAX', 'Ib'], F_NONE, io);
  t[0xe6] = op('out', ['Ib', 'AL'], F_NONE, io);
  t[0xe7] = op('out', ['Ib', 'eAX'], F_NONE, io);
  t[0xe8] = op('call', ['Jz'], F_NONE, BR);
  t[0xe9] = op('jmp', ['Jz'], F_NONE, BR);
  t[0xea] = op('jmpf', ['Ap'], F_NONE, BR);
  t[0xeb] = op('jmp', ['Jb'], F_NONE, BR);
  t[0xec] = op('in', ['AL', 'DX'], F_NONE, io);
  t[0xed] = op('in', ['eAX', 'DX'], F_NONE, io);
  t[0xee] = op('out', ['DX', 'AL'], F_NONE, io);
  t[0xef] = op('out', ['DX', 'eAX'], F_NONE, io);

  // F0-FF
  t[0xf1] = op('int1', [], F_INT, BR); // ICEBP
  t[0xf4] = op('hlt', [], F_NONE, A_PRIV | A_END);
  t[0xf5] = op('cmc', [], fx(FLAG_CF, FLAG_CF));
  t[0xf6] = group3('Eb', 'Ib');
  t[0xf7] = group3('Ev', 'Iz');
  t[0xf8] = op('clc', [], fx(0, FLAG_CF));
  t[0xf9] = op('stc', [], fx(0, FLAG_CF));
  t[0xfa] = op('cli', [], fx(0, FLAG_IF), A_IOPL);
  t[0xfb] = op('sti', [], fx(0, FLAG_IF), A_IOPL | A_END);
  t[0xfc] = op('cld', [], fx(0, FLAG_DF));
  t[0xfd] = op('std', [], fx(0, FLAG_DF));
  t[0xfe] = grp([ // group 4
    op('inc', ['Eb'], F_INCDEC, A_LOCK),
    op('dec', ['Eb'], F_INCDEC, A_LOCK),
  ]);
  t[0xff] = grp([ // group 5
    op('inc', ['Ev'], F_INCDEC, A_LOCK),
    op('dec', ['Ev'], F_INCDEC, A_LOCK),
    op('call', ['Ev'], F_NONE, BR),
    op('callf', ['Mp'], F_NONE, BR | A_MEM),
    op('jmp', ['Ev'], F_NONE, BR),
    op('jmpf', ['Mp'], F_NONE, BR | A_MEM),
    op('push', ['Ev']),
  ]);
  return t;
}

/** The one-byte map, indexed by opcode byte. */
export const ONE_BYTE_MAP: readonly OpcodeSlot[] = Object.freeze(build());

/** F3 90. */
export const PAUSE: OpcodeEntry = op('pause', []);

