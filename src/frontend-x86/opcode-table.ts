// The x86 opcode table: the single source of truth for the decoder, the
// disassembler, the translator's flag liveness and the tests. The rows are
// typed data in opcode-table-1byte.ts (one-byte map), opcode-table-2byte.ts
// (0F map) and opcode-table-x87.ts (D8-DF); the vocabulary (operand specs,
// flag masks, attributes) is in opcode-table-defs.ts.

import type { Insn } from './insn.js';
import { F_NONE, isGroup, type FlagEffects, type OpcodeEntry, type OpcodeSlot } from './opcode-table-defs.js';
import { ONE_BYTE_MAP, PAUSE } from './opcode-table-1byte.js';
import { TWO_BYTE_MAP } from './opcode-table-2byte.js';
import { X87_MEM_MAP, X87_REG_MAP } from './opcode-table-x87.js';

export * from './opcode-table-defs.js';
export { ONE_BYTE_MAP, PAUSE, TWO_BYTE_MAP, X87_MEM_MAP, X87_REG_MAP };

function fromSlot(slot: OpcodeSlot | undefined, ext: number): OpcodeEntry | null {
  if (slot === undefined || slot === null) return null;
  if (isGroup(slot)) return ext >= 0 ? slot.group[ext] ?? null : null;
  return slot;
}

/**
 * The table row a decoded instruction came from, or null for #ud / #gp.
 * x87 register forms need Insn.modrm (the decoder always sets it).
 */
export function lookupEntry(insn: Insn): OpcodeEntry | null {
  const opc = insn.opcode;
  if (opc < 0 || insn.mnemonic.charCodeAt(0) === 0x23 /* '#' */) return null;
  if (opc >= 0xd8 && opc <= 0xdf) {
    const modrm = insn.modrm ?? -1;
    if (modrm < 0) return null;
    if (modrm >= 0xc0) return X87_REG_MAP[(opc - 0xd8) * 64 + (modrm & 0x3f)] ?? null;
    return X87_MEM_MAP[(opc - 0xd8) * 8 + ((modrm >> 3) & 7)] ?? null;
  }
  if ((opc & 0xff00) === 0x0f00) return fromSlot(TWO_BYTE_MAP[opc & 0xff], insn.ext);
  if (opc === 0x90 && insn.mnemonic === 'pause') return PAUSE;
  return fromSlot(ONE_BYTE_MAP[opc], insn.ext);
}

/**
 * EFLAGS read, written and left undefined by an instruction (static sets,
 * see FlagEffects). #ud / #gp affect nothing. The returned object is shared
 * and frozen.
 */
export function flagEffects(insn: Insn): FlagEffects {
  const e = lookupEntry(insn);
  return e === null ? F_NONE : e.flags;
}
