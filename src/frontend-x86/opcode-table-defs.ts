// Vocabulary of the opcode table: operand specifications, EFLAGS masks,
// instruction attributes and the small constructors the table files use.
// The table itself lives in opcode-table-1byte.ts, opcode-table-2byte.ts and
// opcode-table-x87.ts; opcode-table.ts assembles it.

/** EFLAGS bits (Intel SDM vol. 1, 3.4.3). */
export const FLAG_CF = 0x0001;
export const FLAG_PF = 0x0004;
export const FLAG_AF = 0x0010;
export const FLAG_ZF = 0x0040;
export const FLAG_SF = 0x0080;
export const FLAG_TF = 0x0100;
export const FLAG_IF = 0x0200;
export const FLAG_DF = 0x0400;
export const FLAG_OF = 0x0800;
/** The six arithmetic status flags. */
export const FLAGS_OSZAPC = FLAG_OF | FLAG_SF | FLAG_ZF | FLAG_AF | FLAG_PF | FLAG_CF;
/** Every flag the masks describe (status flags plus TF, IF, DF). */
export const FLAGS_ALL = FLAGS_OSZAPC | FLAG_TF | FLAG_IF | FLAG_DF;

/**
 * What an instruction does to EFLAGS, as static sets (the masks cover only the
 * FLAG_* bits above).
 * - read: flags whose value the instruction consumes.
 * - written: flags it sets to a defined value.
 * - undefined: flags it leaves with an unspecified value (SDM "undefined").
 * written and undefined are disjoint; together they are every flag the
 * instruction may change. For shifts and rotates the sets assume a count that
 * is not 0 (a zero count changes nothing) and OF counts as written although
 * the SDM defines it only for 1-bit shifts; the translator handles counts.
 */
export interface FlagEffects {
  readonly read: number;
  readonly written: number;
  readonly undefined: number;
}

/**
 * Operand specifications in the notation of Intel SDM vol. 2, appendix A.2,
 * with a few additions for IA-32 forms appendix A spells out in prose:
 *
 * ModRM: E (reg or mem from r/m), G (reg from reg field), M (r/m must be
 * memory), R (r/m must be a register; mod is ignored), S (segment register
 * from reg), C/D (control/debug register from reg).
 * Sizes: b byte, w word, d dword, v word or dword by operand size,
 * z = v in IA-32, q 8 bytes, t 10 bytes, p far pointer (2 + v bytes),
 * a two v-sized bounds (bound), s 6-byte pseudo-descriptor.
 * Additions: 'Mw/Rv' is a word in memory but a v-sized register (sldt, str,
 * smsw, lar, lsl, mov to/from sreg); 'Ibs' is an imm8 sign-extended to the
 * operand size (SDM footnote on 6A, 6B, 83); 'Menv' / 'Mstate' are the x87
 * environment (14/28 bytes) and state (94/108 bytes); 'XLb' is xlat's
 * byte at DS:[eBX] (the translator adds AL); 'ST'/'STi' are x87 stack
 * registers ST(0) / ST(ModRM.rm), which do not appear in Insn.operands.
 * X / Y are the string operands DS:[eSI] (segment overridable) and ES:[eDI];
 * O is a moffs (A0-A3) sized by the address size; A a direct far pointer;
 * J a relative branch target; I an immediate.
 * Fixed registers: AL..BH (byte), AX, DX (word: port number, fnstsw ax),
 * eAX..eDI (v-sized), ES..GS, and '1' (the shift count of D0-D3).
 */
export type OperandSpec =
  | 'Eb' | 'Ev' | 'Ew' | 'Gb' | 'Gv' | 'Gw' | 'Rd' | 'Mw/Rv'
  | 'M' | 'Mb' | 'Mw' | 'Md' | 'Mq' | 'Mt' | 'Mp' | 'Ma' | 'Ms' | 'Menv' | 'Mstate'
  | 'Sw' | 'Cd' | 'Dd'
  | 'Ib' | 'Ibs' | 'Iw' | 'Iz' | 'Iv'
  | 'Jb' | 'Jz' | 'Ap' | 'Ob' | 'Ov'
  | 'Xb' | 'Xv' | 'Xz' | 'Yb' | 'Yv' | 'Yz' | 'XLb'
  | 'AL' | 'CL' | 'DL' | 'BL' | 'AH' | 'CH' | 'DH' | 'BH' | 'AX' | 'DX'
  | 'eAX' | 'eCX' | 'eDX' | 'eBX' | 'eSP' | 'eBP' | 'eSI' | 'eDI'
  | 'ES' | 'CS' | 'SS' | 'DS' | 'FS' | 'GS'
  | '1' | 'ST' | 'STi';

/** Instruction attributes (bit set in OpcodeEntry.attrs). */
/** Accepts a LOCK prefix when its destination (first operand) is memory. */
export const A_LOCK = 0x001;
/** Control transfer: jmp/jcc/call/ret/loop/int/iret/sysenter/... */
export const A_BRANCH = 0x002;
/**
 * Ends the translation block: every A_BRANCH, plus instructions after which
 * code must be translated afresh or interrupts rechecked (hlt, writes to
 * CR/DR, lmsw, clts, invlpg, popf, sti, rsm, wrmsr, port I/O, ud0/1/2).
 * Loads of SS also inhibit interrupts for one instruction: see A_SEGLOAD.
 */
export const A_END = 0x004;
/** Requires CPL 0 (else #GP(0)); rdtsc/rdpmc depend on CR4 and are not marked. */
export const A_PRIV = 0x008;
/** IOPL-sensitive: cli, sti, in/out/ins/outs; pushf/popf/int n/iret in virtual-8086 mode. */
export const A_IOPL = 0x010;
/** Touches an I/O port (in, out, ins, outs). */
export const A_IO = 0x020;
/** String instruction: honours rep/repe/repne, operands at [eSI]/[eDI]. */
export const A_STRING = 0x040;
/** ModRM must encode memory; mod=3 is #UD. */
export const A_MEM = 0x080;
/** Loads a segment register (check operands for SS: it sets the interrupt shadow). */
export const A_SEGLOAD = 0x100;
/** x87 instruction (CR0.EM/TS give #NM); fwait also carries it. */
export const A_X87 = 0x200;

/** One row of the opcode table. */
export interface OpcodeEntry {
  /** Lowercase mnemonic as Insn.mnemonic spells it. */
  readonly mnemonic: string;
  /** Operands in Intel order, destination first. */
  readonly operands: readonly OperandSpec[];
  readonly flags: FlagEffects;
  /** A_* bits. */
  readonly attrs: number;
  /** Condition 0-15 for jcc/setcc/cmovcc/fcmovcc, else -1. */
  readonly cond: number;
}

/** An opcode whose operation is selected by ModRM.reg (/digit): 8 rows. */
export interface OpcodeGroup {
  readonly group: readonly (OpcodeEntry | null)[];
}

/** A slot of an opcode map: an instruction, a group, or undefined (#UD). */
export type OpcodeSlot = OpcodeEntry | OpcodeGroup | null;

const flagCache = new Map<string, FlagEffects>();

/** Interned FlagEffects, so equal sets are one frozen object. */
export function fx(read: number, written: number, undef = 0): FlagEffects {
  const key = `${read},${written},${undef}`;
  let f = flagCache.get(key);
  if (f === undefined) {
    f = Object.freeze({ read, written, undefined: undef });
    flagCache.set(key, f);
  }
  return f;
}

export const F_NONE = fx(0, 0);
/** add, sub, cmp, neg, xadd, cmpxchg. */
export const F_ARITH = fx(0, FLAGS_OSZAPC);
/** adc, sbb. */
export const F_ARITH_C = fx(FLAG_CF, FLAGS_OSZAPC);
/** and, or, xor, test: OF=CF=0, AF undefined. */
export const F_LOGIC = fx(0, FLAG_OF | FLAG_SF | FLAG_ZF | FLAG_PF | FLAG_CF, FLAG_AF);
/** inc, dec: CF untouched. */
export const F_INCDEC = fx(0, FLAG_OF | FLAG_SF | FLAG_ZF | FLAG_AF | FLAG_PF);
/** shl, shr, sar, shld, shrd. */
export const F_SHIFT = fx(0, FLAG_OF | FLAG_SF | FLAG_ZF | FLAG_PF | FLAG_CF, FLAG_AF);
/** rol, ror. */
export const F_ROT = fx(0, FLAG_OF | FLAG_CF);
/** rcl, rcr. */
export const F_RCX = fx(FLAG_CF, FLAG_OF | FLAG_CF);
/** mul, imul. */
export const F_MUL = fx(0, FLAG_OF | FLAG_CF, FLAG_SF | FLAG_ZF | FLAG_AF | FLAG_PF);
/** div, idiv. */
export const F_DIV = fx(0, 0, FLAGS_OSZAPC);
/** bt, bts, btr, btc. */
export const F_BT = fx(0, FLAG_CF, FLAG_OF | FLAG_SF | FLAG_AF | FLAG_PF);
/** bsf, bsr. */
export const F_BSX = fx(0, FLAG_ZF, FLAG_OF | FLAG_SF | FLAG_AF | FLAG_PF | FLAG_CF);
/** lar, lsl, verr, verw, arpl, cmpxchg8b. */
export const F_ZF = fx(0, FLAG_ZF);
/** Reads DF: movs, lods, stos, ins, outs. */
export const F_STR = fx(FLAG_DF, 0);
/** cmps, scas. */
export const F_STR_CMP = fx(FLAG_DF, FLAGS_OSZAPC);
/** mov to/from CR or DR. */
export const F_MOVCR = fx(0, 0, FLAGS_OSZAPC);
/** fcomi, fucomi (+p): ZF PF CF set, OF SF AF cleared. */
export const F_FCOMI = fx(0, FLAGS_OSZAPC);

/** Flags each condition code reads (SDM vol. 1, appendix B). */
export const COND_FLAGS: readonly number[] = [
  FLAG_OF, FLAG_OF, // o, no
  FLAG_CF, FLAG_CF, // b, ae
  FLAG_ZF, FLAG_ZF, // e, ne
  FLAG_CF | FLAG_ZF, FLAG_CF | FLAG_ZF, // be, a
  FLAG_SF, FLAG_SF, // s, ns
  FLAG_PF, FLAG_PF, // p, np
  FLAG_SF | FLAG_OF, FLAG_SF | FLAG_OF, // l, ge
  FLAG_ZF | FLAG_SF | FLAG_OF, FLAG_ZF | FLAG_SF | FLAG_OF, // le, g
];

/** Condition suffixes in encoding order. */
export const COND_NAMES: readonly string[] = [
  'o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g',
];

/** An instruction row. */
export function op(
  mnemonic: string,
  operands: readonly OperandSpec[],
  flags: FlagEffects = F_NONE,
  attrs = 0,
): OpcodeEntry {
  return Object.freeze({ mnemonic, operands: Object.freeze(operands.slice()), flags, attrs, cond: -1 });
}

/** A conditional row (jcc, setcc, cmovcc, fcmovcc): reads the condition's flags. */
export function ccOp(
  mnemonic: string,
  cond: number,
  operands: readonly OperandSpec[],
  attrs = 0,
  extraRead = 0,
): OpcodeEntry {
  return Object.freeze({
    mnemonic,
    operands: Object.freeze(operands.slice()),
    flags: fx(COND_FLAGS[cond]! | extraRead, 0),
    attrs,
    cond,
  });
}

/** A /digit group; missing rows are #UD. */
export function grp(rows: readonly (OpcodeEntry | null)[]): OpcodeGroup {
  const group: (OpcodeEntry | null)[] = [];
  for (let i = 0; i < 8; i++) group.push(rows[i] ?? null);
  return Object.freeze({ group: Object.freeze(group) });
}

export function isGroup(slot: OpcodeSlot): slot is OpcodeGroup {
  return slot !== null && (slot as OpcodeGroup).group !== undefined;
}
