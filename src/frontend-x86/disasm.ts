// Intel-syntax disassembly of a decoded instruction.
//
// The text follows `objdump -d -M intel` with these deliberate differences,
// so that it depends on the Insn alone (not on the code segment's mode):
// - lowercase throughout, one space after the mnemonic, ", " between operands;
// - size-variant names are the SDM's, chosen by opSize/addrSize:
//   cbw/cwde, cwd/cdq, pusha/pushad, popa/popad, pushf/pushfd, popf/popfd,
//   iret/iretd, jcxz/jecxz; objdump's w/d suffixes for a non-default operand
//   size (pushw, callw, retw, retfd, ...) and its data16/addr16 markers are
//   never printed;
// - a zero displacement after a base register is omitted ([ebp], not
//   [ebp+0x0]); a SIB index of none is omitted (no eiz);
// - rep/repz/repnz is printed only for string instructions, lock always;
//   segment overrides only inside memory operands;
// - sgdt/sidt/lgdt/lidt print no size (objdump: sgdtd [eax]).
// Like objdump: string operands and absolute addresses always show their
// segment (movs dword ptr es:[edi], dword ptr ds:[esi]; mov eax, ds:0x10),
// moffs operands print no size, scale 1 prints as *1 in 32-bit addressing,
// immediates print as unsigned hex of their (sign-extended) size, branch
// targets as absolute hex, the shift count of D0-D3 as 1, far transfers as
// jmp/call with a selector:offset or an fword/dword pointer, x87 stack
// registers as st, st(i).

import { NONE, type Insn, type MemOperand, type Operand } from './insn.js';
import { A_STRING, COND_NAMES, lookupEntry, type OperandSpec } from './opcode-table.js';

const REG8 = ['al', 'cl', 'dl', 'bl', 'ah', 'ch', 'dh', 'bh'];
const REG16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'];
const REG32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'];
const SREG = ['es', 'cs', 'ss', 'ds', 'fs', 'gs', 'sreg6', 'sreg7'];

function ptrName(size: number): string {
  switch (size) {
    case 1: return 'byte ptr ';
    case 2: return 'word ptr ';
    case 4: return 'dword ptr ';
    case 6: return 'fword ptr ';
    case 8: return 'qword ptr ';
    case 10: return 'tbyte ptr ';
    default: return '';
  }
}

function hex(v: number): string {
  return '0x' + (v >>> 0).toString(16);
}

function signedHex(v: number): string {
  return v < 0 ? '-0x' + (-v).toString(16) : '+0x' + v.toString(16);
}

function regName(reg: number, size: number): string {
  return (size === 1 ? REG8 : size === 2 ? REG16 : REG32)[reg & 7]!;
}

function memText(m: MemOperand, showSize: boolean, forceSeg: boolean, segOverride: number): string {
  const size = showSize ? ptrName(m.size) : '';
  const absolute = m.base === NONE && m.index === NONE;
  const seg = forceSeg || absolute || segOverride !== NONE ? SREG[m.seg & 7] + ':' : '';
  if (absolute) {
    const mask = m.addrSize === 16 ? 0xffff : 0xffffffff;
    return size + seg + hex(m.disp & mask);
  }
  const names = m.addrSize === 16 ? REG16 : REG32;
  let s = '';
  if (m.base !== NONE) s = names[m.base]!;
  if (m.index !== NONE) {
    s += (s === '' ? '' : '+') + names[m.index];
    if (m.addrSize === 32) s += '*' + (1 << m.scale);
  }
  if (m.disp !== 0 || m.base === NONE) s += signedHex(m.disp);
  return size + seg + '[' + s + ']';
}

function operandText(o: Operand, spec: OperandSpec | undefined, segOverride: number): string {
  switch (o.kind) {
    case 'reg': return regName(o.reg, o.size);
    case 'mem': {
      const noSize = spec === 'M' || spec === 'Ms' || spec === 'Menv' || spec === 'Mstate'
        || spec === 'Ob' || spec === 'Ov';
      const forceSeg = spec !== undefined && (spec[0] === 'X' || spec[0] === 'Y');
      return memText(o, !noSize, forceSeg, segOverride);
    }
    case 'imm': return spec === '1' ? '1' : hex(o.value);
    case 'sreg': return SREG[o.reg & 7]!;
    case 'creg': return 'cr' + o.reg;
    case 'dreg': return 'dr' + o.reg;
    case 'rel': return hex(o.target);
    case 'far': return hex(o.selector) + ':' + hex(o.offset);
  }
}

function mnemonicText(insn: Insn): string {
  const m = insn.mnemonic;
  const o32 = insn.opSize === 32;
  switch (m) {
    case 'jcc': return 'j' + COND_NAMES[insn.cond & 15];
    case 'setcc': return 'set' + COND_NAMES[insn.cond & 15];
    case 'cmovcc': return 'cmov' + COND_NAMES[insn.cond & 15];
    case 'jmpf': return 'jmp';
    case 'callf': return 'call';
    case 'jcxz': return insn.addrSize === 32 ? 'jecxz' : 'jcxz';
    case 'cbw': return o32 ? 'cwde' : 'cbw';
    case 'cwd': return o32 ? 'cdq' : 'cwd';
    case 'pusha': case 'popa': case 'pushf': case 'popf': case 'iret':
      return o32 ? m + 'd' : m;
    default: return m;
  }
}

/** One line of Intel-syntax assembly for `insn` (see the file comment for the conventions). */
export function disassemble(insn: Insn): string {
  const entry = lookupEntry(insn);
  if (entry === null) return insn.mnemonic;
  let prefix = insn.lock ? 'lock ' : '';
  if ((entry.attrs & A_STRING) !== 0 && insn.rep !== 0) {
    if (insn.rep === 0xf2) prefix += 'repnz ';
    else prefix += insn.mnemonic === 'cmps' || insn.mnemonic === 'scas' ? 'repz ' : 'rep ';
  }
  const parts: string[] = [];
  const specs = entry.operands;
  let j = 0;
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i]!;
    if (spec === 'ST') { parts.push('st'); continue; }
    if (spec === 'STi') { parts.push(`st(${(insn.modrm ?? 0) & 7})`); continue; }
    const o = insn.operands[j++];
    if (o !== undefined) parts.push(operandText(o, spec, insn.segOverride));
  }
  const name = prefix + mnemonicText(insn);
  return parts.length === 0 ? name : name + ' ' + parts.join(', ');
}
