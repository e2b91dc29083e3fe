// Public face of the x86 front end.

export * from './insn.js';
export { decode } from './decoder.js';
export { disassemble } from './disasm.js';
export {
  flagEffects, lookupEntry,
  FLAG_CF, FLAG_PF, FLAG_AF, FLAG_ZF, FLAG_SF, FLAG_TF, FLAG_IF, FLAG_DF, FLAG_OF,
  FLAGS_OSZAPC, FLAGS_ALL, COND_NAMES, COND_FLAGS,
  A_LOCK, A_BRANCH, A_END, A_PRIV, A_IOPL, A_IO, A_STRING, A_MEM, A_SEGLOAD, A_X87,
  ONE_BYTE_MAP, TWO_BYTE_MAP, X87_MEM_MAP, X87_REG_MAP,
} from './opcode-table.js';
export type { FlagEffects, OpcodeEntry, OpcodeGroup, OpcodeSlot, OperandSpec } from './opcode-table.js';

// Translation to IR (the translator's side of the front end).
export { S, F, REG_NAMES, SEG_NAMES } from './state.js';
export { computeOszapc, parityFlag, CcKind, ccOp } from './flags.js';
export { ModeBit, FLAT_SHIFT, isFlat } from './mode.js';
export { H } from './helpers.js';
export { translateBlock, loopTargets, BLOCK_INSN_LIMIT, type TranslateRequest, type TranslatedBlock } from './translate.js';
export { SYSTEM_OPS } from './tr-system.js';
export { STRING_OPS } from './tr-string.js';
