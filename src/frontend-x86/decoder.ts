// The x86 (IA-32, i686 without MMX/SSE) instruction decoder. Everything it
// knows about individual opcodes comes from the opcode table; this file only
// knows the instruction format (Intel SDM vol. 2, chapter 2): prefixes,
// opcode bytes, ModRM, SIB, displacement, immediates.
//
// The table's operand specs are compiled once, at module load, into small
// integer codes, so decoding is array indexing and a switch per operand.

import type { Insn, MemOperand, Operand, OperandSize } from './insn.js';
import {
  A_LOCK, A_MEM, ONE_BYTE_MAP, PAUSE, TWO_BYTE_MAP, X87_MEM_MAP, X87_REG_MAP,
  isGroup, type OpcodeEntry, type OpcodeSlot, type OperandSpec,
} from './opcode-table.js';

const NONE = -1;
const REG_ESP = 4;
const REG_EBP = 5;
const SEG_ES = 0;
const SEG_SS = 2;
const SEG_DS = 3;

// ---- Operand kinds -------------------------------------------------------
// A compiled operand is kind | param << 8 (param: a register or size).

const K_E = 1;        // E: reg or mem; param = size code (SZ_*)
const K_G = 2;        // G: reg field; param = size code
const K_RD = 3;       // R: r/m register, 32-bit, mod ignored
const K_M = 4;        // M: memory only; param = size code
const K_SW = 5;
const K_CD = 6;
const K_DD = 7;
const K_IMM = 8;      // param = size code, zero-extended
const K_IBS = 9;      // imm8 sign-extended to the operand size
const K_JB = 10;
const K_JZ = 11;
const K_AP = 12;
const K_MOFFS = 13;   // param = size code
const K_X = 14;       // DS:[eSI], param = size code
const K_Y = 15;       // ES:[eDI], param = size code
const K_XLAT = 16;
const K_REG = 17;     // fixed register; param = reg | size code << 4
const K_SREG = 18;    // fixed segment register; param = sreg
const K_ONE = 19;
const K_NONE = 20;    // x87 stack operands: not represented in Insn.operands

// Size codes: resolved at decode time from the operand size.
const SZ_B = 1;
const SZ_W = 2;
const SZ_D = 4;
const SZ_V = 5;       // 2 or 4 by operand size
const SZ_MWRV = 6;    // word in memory, v-sized register
const SZ_Q = 8;
const SZ_T = 10;
const SZ_P = 11;      // far pointer: 4 or 6
const SZ_A = 12;      // bound pair: 4 or 8
const SZ_S = 13;      // pseudo-descriptor: 6
const SZ_ENV = 14;    // 14 or 28
const SZ_STATE = 15;  // 94 or 108
const SZ_NONE = 16;   // lea: no access

const REG_SPECS: { [k: string]: number } = {
  AL: 0 | SZ_B << 4, CL: 1 | SZ_B << 4, DL: 2 | SZ_B << 4, BL: 3 | SZ_B << 4,
  AH: 4 | SZ_B << 4, CH: 5 | SZ_B << 4, DH: 6 | SZ_B << 4, BH: 7 | SZ_B << 4,
  AX: 0 | SZ_W << 4, DX: 2 | SZ_W << 4,
  eAX: 0 | SZ_V << 4, eCX: 1 | SZ_V << 4, eDX: 2 | SZ_V << 4, eBX: 3 | SZ_V << 4,
  eSP: 4 | SZ_V << 4, eBP: 5 | SZ_V << 4, eSI: 6 | SZ_V << 4, eDI: 7 | SZ_V << 4,
};
const SREG_SPECS: { [k: string]: number } = { ES: 0, CS: 1, SS: 2, DS: 3, FS: 4, GS: 5 };

function compileSpec(s: OperandSpec): number {
  const k = (kind: number, param: number): number => kind | (param << 8);
  switch (s) {
    case 'Eb': return k(K_E, SZ_B);
    case 'Ev': return k(K_E, SZ_V);
    case 'Ew': return k(K_E, SZ_W);
    case 'Mw/Rv': return k(K_E, SZ_MWRV);
    case 'Gb': return k(K_G, SZ_B);
    case 'Gv': return k(K_G, SZ_V);
    case 'Gw': return k(K_G, SZ_W);
    case 'Rd': return k(K_RD, SZ_D);
    case 'M': return k(K_M, SZ_NONE);
    case 'Mb': return k(K_M, SZ_B);
    case 'Mw': return k(K_M, SZ_W);
    case 'Md': return k(K_M, SZ_D);
    case 'Mq': return k(K_M, SZ_Q);
    case 'Mt': return k(K_M, SZ_T);
    case 'Mp': return k(K_M, SZ_P);
    case 'Ma': return k(K_M, SZ_A);
    case 'Ms': return k(K_M, SZ_S);
    case 'Menv': return k(K_M, SZ_ENV);
    case 'Mstate': return k(K_M, SZ_STATE);
    case 'Sw': return K_SW;
    case 'Cd': return K_CD;
    case 'Dd': return K_DD;
    case 'Ib': return k(K_IMM, SZ_B);
    case 'Iw': return k(K_IMM, SZ_W);
    case 'Iz': case 'Iv': return k(K_IMM, SZ_V);
    case 'Ibs': return K_IBS;
    case 'Jb': return K_JB;
    case 'Jz': return K_JZ;
    case 'Ap': return K_AP;
    case 'Ob': return k(K_MOFFS, SZ_B);
    case 'Ov': return k(K_MOFFS, SZ_V);
    case 'Xb': return k(K_X, SZ_B);
    case 'Xv': case 'Xz': return k(K_X, SZ_V);
    case 'Yb': return k(K_Y, SZ_B);
    case 'Yv': case 'Yz': return k(K_Y, SZ_V);
    case 'XLb': return K_XLAT;
    case '1': return K_ONE;
    case 'ST': case 'STi': return K_NONE;
    case 'ES': case 'CS': case 'SS': case 'DS': case 'FS': case 'GS':
      return k(K_SREG, SREG_SPECS[s]!);
    default: return k(K_REG, REG_SPECS[s]!);
  }
}

/** A table row prepared for decoding. */
interface DecodeOp {
  readonly entry: OpcodeEntry;
  readonly ops: readonly number[];
  /** Has a ModRM byte. */
  readonly modrm: boolean;
  /** ModRM r/m is an address when mod != 3 (not for mov CR/DR). */
  readonly memForm: boolean;
  readonly attrs: number;
  /** Special operand checks: 1 = Sw source/dest, 2 = mov Sw,Ew (no CS), 3 = CRn. */
  readonly check: number;
}
interface DecodeGroup { readonly rows: readonly (DecodeOp | null)[] }
type DecodeSlot = DecodeOp | DecodeGroup | null;

function compileEntry(e: OpcodeEntry | null, opcode: number): DecodeOp | null {
  if (e === null) return null;
  const ops = e.operands.map(compileSpec);
  let modrm = false;
  let memForm = false;
  for (const o of ops) {
    const kind = o & 0xff;
    if (kind === K_E || kind === K_M) { modrm = true; memForm = true; }
    if (kind === K_G || kind === K_RD || kind === K_SW || kind === K_CD || kind === K_DD) modrm = true;
  }
  let check = 0;
  if (opcode === 0x8c) check = 1;
  else if (opcode === 0x8e) check = 2;
  else if (opcode === 0x0f20 || opcode === 0x0f22) check = 3;
  return Object.freeze({ entry: e, ops: Object.freeze(ops), modrm, memForm, attrs: e.attrs, check });
}

function compileSlot(s: OpcodeSlot | undefined, opcode: number): DecodeSlot {
  if (s === undefined || s === null) return null;
  if (isGroup(s)) return Object.freeze({ rows: Object.freeze(s.group.map((e) => compileEntry(e, opcode))) });
  return compileEntry(s, opcode);
}

const ONE: readonly DecodeSlot[] = ONE_BYTE_MAP.map((s, i) => compileSlot(s, i));
const TWO: readonly DecodeSlot[] = TWO_BYTE_MAP.map((s, i) => compileSlot(s, 0x0f00 | i));
const X87_MEM: readonly (DecodeOp | null)[] = X87_MEM_MAP.map((e) => compileEntry(e, 0xd8));
const X87_REG: readonly (DecodeOp | null)[] = X87_REG_MAP.map((e) => compileEntry(e, 0xd8));
const PAUSE_OP = compileEntry(PAUSE, 0x90)!;

// Prefix classes (Intel SDM vol. 2, 2.1.1).
const P_SEG = 1;
const P_OPSIZE = 2;
const P_ADSIZE = 3;
const P_LOCK = 4;
const P_REP = 5;
const PREFIX = new Uint8Array(256);
PREFIX[0x26] = P_SEG; PREFIX[0x2e] = P_SEG; PREFIX[0x36] = P_SEG;
PREFIX[0x3e] = P_SEG; PREFIX[0x64] = P_SEG; PREFIX[0x65] = P_SEG;
PREFIX[0x66] = P_OPSIZE; PREFIX[0x67] = P_ADSIZE; PREFIX[0xf0] = P_LOCK;
PREFIX[0xf2] = P_REP; PREFIX[0xf3] = P_REP;
const SEG_OF_PREFIX = new Int8Array(256);
SEG_OF_PREFIX[0x26] = 0; SEG_OF_PREFIX[0x2e] = 1; SEG_OF_PREFIX[0x36] = 2;
SEG_OF_PREFIX[0x3e] = 3; SEG_OF_PREFIX[0x64] = 4; SEG_OF_PREFIX[0x65] = 5;

// 16-bit addressing: base and index per r/m (SDM vol. 2, table 2-1).
const RM16_BASE = [3, 3, 5, 5, 6, 7, 5, 3];
const RM16_INDEX = [6, 7, 6, 7, NONE, NONE, NONE, NONE];

/** The architectural limit on instruction length (SDM vol. 2, 2.3.11). */
const MAX_LENGTH = 15;

class TooLong { }
const TOO_LONG = new TooLong();

// Decoder state for the call in progress (decode is synchronous and not re-entrant).
const NO_FETCH = (): number => 0;
let fetchByte: (offset: number) => number = NO_FETCH;
let fetchBase = 0;
let pos = 0;

function next(): number {
  if (pos >= MAX_LENGTH) throw TOO_LONG;
  return fetchByte((fetchBase + pos++) | 0) & 0xff;
}
function next16(): number {
  const lo = next();
  return lo | (next() << 8);
}
function next32(): number {
  const a = next16();
  return (a | (next16() << 16)) >>> 0;
}

function sizeOf(code: number, opSize: number): number {
  switch (code) {
    case SZ_V: case SZ_MWRV: return opSize >> 3;
    case SZ_P: return (opSize >> 3) + 2;
    case SZ_A: return opSize >> 2;
    case SZ_S: return 6;
    case SZ_ENV: return opSize === 16 ? 14 : 28;
    case SZ_STATE: return opSize === 16 ? 94 : 108;
    case SZ_NONE: return 0;
    default: return code;
  }
}

function mem(size: number, seg: number, base: number, index: number, scale: number, disp: number,
  addrSize: 16 | 32): MemOperand {
  return { kind: 'mem', size, seg, base, index, scale, disp, addrSize };
}

function invalid(mnemonic: string, eip: number, opcode: number, ext: number, opSize: 16 | 32,
  addrSize: 16 | 32, segOverride: number, rep: number, lock: boolean, modrm: number): Insn {
  return {
    eip, length: pos, mnemonic, opcode, ext, cond: -1, operands: [], opSize, addrSize,
    segOverride, rep, lock, modrm,
  };
}

/** An undefined encoding (#UD). A plain function: a closure in decodeInsn would put its variables on the heap. */
function undefinedOpcode(eip: number, opcode: number, opSize: 16 | 32, addrSize: 16 | 32, segOverride: number,
  rep: number, lock: boolean, modrm: number): Insn {
  return invalid('#ud', eip, opcode, modrm >= 0 ? (modrm >> 3) & 7 : -1, opSize, addrSize, segOverride, rep, lock, modrm);
}

/**
 * Decodes one instruction at CS:eip. `fetch(base + i)` (an int32) returns
 * the byte at eip+i; it is called for i = 0, 1, 2, ... in order, never beyond the bytes the
 * instruction occupies (nor beyond 15), and whatever it throws propagates.
 * The decoder itself never throws: an undefined encoding gives mnemonic
 * '#ud', one longer than 15 bytes '#gp', with `length` the bytes read.
 */
export function decode(fetch: (offset: number) => number, eip: number, code32: boolean, base = 0): Insn {
  fetchByte = fetch;
  fetchBase = base;
  pos = 0;
  try {
    return decodeInsn(eip >>> 0, code32);
  } catch (e) {
    if (e === TOO_LONG) {
      const size = code32 ? 32 : 16;
      return invalid('#gp', eip >>> 0, -1, -1, size, size, NONE, 0, false, -1);
    }
    throw e;
  } finally {
    fetchByte = NO_FETCH; // do not keep the caller's memory alive
  }
}

function decodeInsn(eip: number, code32: boolean): Insn {
  let opSize: 16 | 32 = code32 ? 32 : 16;
  let addrSize: 16 | 32 = opSize;
  let segOverride = NONE;
  let rep = 0;
  let lock = false;

  let b = next();
  for (let kind = PREFIX[b]!; kind !== 0; kind = PREFIX[b]!) {
    switch (kind) {
      case P_SEG: segOverride = SEG_OF_PREFIX[b]!; break;
      case P_OPSIZE: opSize = code32 ? 16 : 32; break;
      case P_ADSIZE: addrSize = code32 ? 16 : 32; break;
      case P_LOCK: lock = true; break;
      default: rep = b; break;
    }
    b = next();
  }

  let opcode = b;
  let slot: DecodeSlot;
  let modrm = -1;
  let d: DecodeOp | null;
  if (b === 0x0f) {
    b = next();
    opcode = 0x0f00 | b;
    slot = TWO[b]!;
  } else if (b >= 0xd8 && b <= 0xdf) {
    modrm = next();
    d = modrm >= 0xc0 ? X87_REG[(b - 0xd8) * 64 + (modrm & 0x3f)]! : X87_MEM[(b - 0xd8) * 8 + ((modrm >> 3) & 7)]!;
    slot = d;
  } else {
    slot = ONE[b]!;
  }
  if (slot === null) return undefinedOpcode(eip, opcode, opSize, addrSize, segOverride, rep, lock, modrm);
  if ((slot as DecodeGroup).rows !== undefined) {
    modrm = next();
    d = (slot as DecodeGroup).rows[(modrm >> 3) & 7]!;
    if (d === null) return undefinedOpcode(eip, opcode, opSize, addrSize, segOverride, rep, lock, modrm);
  } else {
    d = slot as DecodeOp;
    if (d.modrm && modrm < 0) modrm = next();
  }
  if (opcode === 0x90 && rep === 0xf3) d = PAUSE_OP;

  const mod = modrm >> 6;
  const reg = (modrm >> 3) & 7;
  const rm = modrm & 7;
  const attrs = d.attrs;
  const isReg = mod === 3;
  if (modrm >= 0) {
    if (isReg && (attrs & A_MEM) !== 0) return undefinedOpcode(eip, opcode, opSize, addrSize, segOverride, rep, lock, modrm);
    if (d.check !== 0) {
      if (d.check === 3 ? (reg === 1 || reg > 4) : (reg > 5 || (d.check === 2 && reg === 1))) return undefinedOpcode(eip, opcode, opSize, addrSize, segOverride, rep, lock, modrm);
    }
  }
  if (lock && ((attrs & A_LOCK) === 0 || isReg || modrm < 0)) return undefinedOpcode(eip, opcode, opSize, addrSize, segOverride, rep, lock, modrm);

  // Effective address (ModRM mod != 3): SDM vol. 2, tables 2-1 to 2-3.
  let base = NONE;
  let index = NONE;
  let scale = 0;
  let disp = 0;
  let seg = SEG_DS;
  if (d.memForm && !isReg) {
    if (addrSize === 16) {
      if (mod === 0 && rm === 6) {
        disp = (next16() << 16) >> 16;
      } else {
        base = RM16_BASE[rm]!;
        index = RM16_INDEX[rm]!;
        if (mod === 1) disp = (next() << 24) >> 24;
        else if (mod === 2) disp = (next16() << 16) >> 16;
        if (base === REG_EBP) seg = SEG_SS;
      }
    } else {
      let r = rm;
      if (rm === 4) {
        const sib = next();
        scale = sib >> 6;
        index = (sib >> 3) & 7;
        if (index === 4) { index = NONE; scale = 0; }
        r = sib & 7;
        if (r === 5 && mod === 0) {
          r = NONE;
          disp = next32() | 0;
        }
      } else if (rm === 5 && mod === 0) {
        r = NONE;
        disp = next32() | 0;
      }
      base = r;
      if (mod === 1) disp = (next() << 24) >> 24;
      else if (mod === 2) disp = next32() | 0;
      if (base === REG_ESP || base === REG_EBP) seg = SEG_SS;
    }
    if (segOverride !== NONE) seg = segOverride;
  }

  const ops = d.ops;
  const operands: Operand[] = [];
  const osz = (opSize >> 3) as OperandSize;
  let target = -1;
  for (let i = 0; i < ops.length; i++) {
    const o = ops[i]!;
    const p = o >> 8;
    switch (o & 0xff) {
      case K_E:
        if (isReg) {
          operands.push({ kind: 'reg', reg: rm, size: sizeOf(p === SZ_MWRV ? SZ_V : p, opSize) as OperandSize });
          break;
        }
        operands.push(mem(p === SZ_MWRV ? 2 : sizeOf(p, opSize), seg, base, index, scale, disp, addrSize));
        break;
      case K_M:
        operands.push(mem(sizeOf(p, opSize), seg, base, index, scale, disp, addrSize));
        break;
      case K_G:
        operands.push({ kind: 'reg', reg, size: sizeOf(p, opSize) as OperandSize });
        break;
      case K_RD:
        operands.push({ kind: 'reg', reg: rm, size: 4 });
        break;
      case K_SW:
        operands.push({ kind: 'sreg', reg });
        break;
      case K_CD:
        operands.push({ kind: 'creg', reg });
        break;
      case K_DD:
        operands.push({ kind: 'dreg', reg });
        break;
      case K_IMM: {
        const size = sizeOf(p, opSize);
        const value = size === 1 ? next() : size === 2 ? next16() : next32();
        operands.push({ kind: 'imm', size: size as OperandSize, value });
        break;
      }
      case K_IBS: {
        const v = (next() << 24) >> 24;
        operands.push({ kind: 'imm', size: osz, value: opSize === 16 ? v & 0xffff : v >>> 0 });
        break;
      }
      case K_JB:
        target = (next() << 24) >> 24;
        target = eip + pos + target;
        target = opSize === 16 ? target & 0xffff : target >>> 0;
        operands.push({ kind: 'rel', target });
        break;
      case K_JZ:
        target = opSize === 16 ? (next16() << 16) >> 16 : next32() | 0;
        target = eip + pos + target;
        target = opSize === 16 ? target & 0xffff : target >>> 0;
        operands.push({ kind: 'rel', target });
        break;
      case K_AP: {
        const offset = opSize === 16 ? next16() : next32();
        operands.push({ kind: 'far', selector: next16(), offset });
        break;
      }
      case K_MOFFS: {
        const dsp = addrSize === 16 ? (next16() << 16) >> 16 : next32() | 0;
        operands.push(mem(sizeOf(p, opSize), segOverride !== NONE ? segOverride : SEG_DS,
          NONE, NONE, 0, dsp, addrSize));
        break;
      }
      case K_X:
        operands.push(mem(sizeOf(p, opSize), segOverride !== NONE ? segOverride : SEG_DS,
          6, NONE, 0, 0, addrSize));
        break;
      case K_Y:
        operands.push(mem(sizeOf(p, opSize), SEG_ES, 7, NONE, 0, 0, addrSize));
        break;
      case K_XLAT:
        operands.push(mem(1, segOverride !== NONE ? segOverride : SEG_DS, 3, NONE, 0, 0, addrSize));
        break;
      case K_REG:
        operands.push({ kind: 'reg', reg: p & 15, size: sizeOf(p >> 4, opSize) as OperandSize });
        break;
      case K_SREG:
        operands.push({ kind: 'sreg', reg: p });
        break;
      case K_ONE:
        operands.push({ kind: 'imm', size: 1, value: 1 });
        break;
      default: // K_NONE: x87 stack registers live in modrm
        break;
    }
  }

  const e = d.entry;
  return {
    eip,
    length: pos,
    mnemonic: e.mnemonic,
    opcode,
    ext: modrm >= 0 ? reg : -1,
    cond: e.cond,
    operands,
    opSize,
    addrSize,
    segOverride,
    rep,
    lock,
    modrm,
  };
}
