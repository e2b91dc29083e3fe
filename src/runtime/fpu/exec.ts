// x87 instructions (SDM vol. 1, chapter 8; vol. 2, F*): decoding of the
// escape byte and ModRM the translator passes, the register stack, stack
// faults, the status word, #NM and #MF. The arithmetic itself is
// runtime/x87 (bit-exact 80-bit software floating point); memory formats and
// the environment are fpu/memory.ts and fpu/environment.ts.
import { S, F } from '../../frontend-x86/index.js';
import { type Cpu } from '../cpu.js';
import { Fault, VEC } from '../fault.js';
import {
  C0, C1, C2, C3, IE, DE, INDEFINITE, ONE, POS_ZERO, RELATION_CC, Cls, classify, add, sub, mul, div, sqrt, compare, examine, Relation, remainder, scale,
  extract, roundInt, loadConstant, sin, cos, sincos, ptan, patan, f2xm1, yl2x, yl2xp1, negate, abs, masked,
  type F80, type X87Result,
} from '../x87/index.js';
import { TAG_EMPTY, fpuInit, isEmpty, phys, pop, push, setSt, setTag, setTop, st, top } from './registers.js';
import { loadOperand, storeOperand, MemFormat, type LoadedOperand } from './memory.js';
import { loadEnvironment, storeEnvironment, loadState, storeState } from './environment.js';

/** The translator's code for an x87 instruction: escape (0-7) << 8 | ModRM, with these flags. */
export const X87_OPSIZE32 = 0x800;
export const X87_FWAIT = 0x1000;

const SF = 0x40, ES = 0x80, B = 0x8000;
const CC = C0 | C1 | C2 | C3;

type Binary = (a: F80, b: F80, cw: number) => X87Result;
const ARITH: Binary[] = [add, mul, add, add, sub, (a, b, cw) => sub(b, a, cw), div, (a, b, cw) => div(b, a, cw)];

/** Executes one x87 instruction; `lin` is its memory operand's linear address (mod != 3), `eip` its own EIP. */
export function x87(cpu: Cpu, code: number, lin: number, eip: number): void {
  const s = cpu.s;
  if (code & X87_FWAIT) {
    // wait/fwait: #NM only when both MP and TS are set (SDM vol. 3, 2.5), then pending exceptions.
    if ((s[S.CR0]! & 0x0a) === 0x0a) throw new Fault(VEC.NM, -1, -1);
    checkPending(cpu);
    return;
  }
  if (s[S.CR0]! & 0x0c) throw new Fault(VEC.NM, -1, -1); // EM or TS
  const esc = (code >> 8) & 7, modrm = code & 0xff;
  const reg = (modrm >> 3) & 7, isMem = modrm < 0xc0;
  const control = isControl(esc, reg, modrm, isMem);
  if (!control.noWait) checkPending(cpu);
  if (!control.noPointers) {
    s[S.FIP] = eip;
    s[S.FCS] = s[S.SEL + 1]!;
    s[S.FOP] = ((esc << 8) | modrm) & 0x7ff;
    if (isMem) { s[S.FDP] = lin; s[S.FDS] = s[S.SEL + 3]!; }
  }
  if (isMem) memoryForm(cpu, esc, reg, lin, (code & X87_OPSIZE32) !== 0);
  else registerForm(cpu, esc, reg, modrm & 7, modrm);
}

/** Control instructions neither record the instruction pointers nor (the FN* ones) check for pending exceptions (SDM vol. 1, 8.3.11, 8.6). */
function isControl(esc: number, reg: number, modrm: number, isMem: boolean): { noWait: boolean; noPointers: boolean } {
  const fn = { noWait: true, noPointers: true };
  const waiting = { noWait: false, noPointers: true };
  if (isMem) {
    if (esc === 1 && (reg === 6 || reg === 7)) return fn; // fnstenv, fnstcw
    if (esc === 5 && (reg === 6 || reg === 7)) return fn; // fnsave, fnstsw m16
    if (esc === 1 && (reg === 4 || reg === 5)) return waiting; // fldenv, fldcw
    if (esc === 5 && reg === 4) return waiting; // frstor
    return { noWait: false, noPointers: false };
  }
  if (esc === 3 && modrm >= 0xe0 && modrm <= 0xe4) return fn; // fneni, fndisi, fnclex, fninit, fnsetpm
  if (esc === 7 && modrm === 0xe0) return fn; // fnstsw ax
  return { noWait: false, noPointers: false };
}

/** An unmasked exception is pending (SW.ES): #MF with CR0.NE, else the legacy FERR# path (IRQ 13). */
function checkPending(cpu: Cpu): void {
  if (!(cpu.s[S.FSW]! & ES)) return;
  if (cpu.s[S.CR0]! & 0x20) throw new Fault(VEC.MF, -1, -1);
  cpu.onFpuError();
}

/** Merges exception flags and the condition codes in `ccMask` into the status word; ES and B follow any unmasked exception. */
function status(s: Int32Array, flags: number, ccMask: number): void {
  let sw = (s[S.FSW]! & ~ccMask) | (flags & ccMask) | (flags & 0x7f);
  if (sw & 0x3f & ~s[S.FCW]!) sw |= ES | B;
  s[S.FSW] = sw;
}

/** Stack underflow (an empty source): IE, SF, C1 = 0. True when masked: the instruction goes on with the indefinite. */
function underflow(s: Int32Array, ccMask = C1): boolean {
  status(s, IE | SF, ccMask);
  return masked(s[S.FCW]!, IE);
}

/** Stack overflow (the push target is not empty): IE, SF, C1 = 1. True when masked. */
function overflow(s: Int32Array, ccMask = C1): boolean {
  status(s, IE | SF | C1, ccMask);
  return masked(s[S.FCW]!, IE);
}

/** Pushes, or signals overflow (masked: the indefinite is pushed). */
function pushChecked(s: Int32Array, v: F80): void {
  if (!isEmpty(s, 7)) {
    if (!overflow(s)) return;
    v = INDEFINITE;
  }
  push(s, v);
}

/** ST(i), or null after signalling underflow when empty (caller: masked → indefinite result). */
function operand(s: Int32Array, i: number): F80 | null {
  return isEmpty(s, i) ? null : st(s, i);
}

/** dst := op(a, b), then pops `pops` times; stack faults and unmasked exceptions as the SDM says. */
function arith(s: Int32Array, fn: Binary, a: F80 | null, b: F80 | null, dst: number, pops: number, extraFlags = 0): void {
  let value: F80;
  if (a === null || b === null) {
    if (!underflow(s)) return;
    value = INDEFINITE;
  } else {
    const r = fn(a, b, s[S.FCW]!);
    status(s, r.flags | extraFlags, C1);
    if (!r.write) return;
    value = r.value;
  }
  setSt(s, dst, value);
  for (let k = 0; k < pops; k++) pop(s);
}

/**
 * The comparison family: C3/C2/C0 (or ZF/PF/CF for fcomi), then pops. As the
 * host x87 does, the condition codes (flags) are set even when the exception
 * raised is unmasked, which then cancels the pops; fcom clears C1, fcomi
 * leaves it (but stack underflow clears it in both).
 */
function compareOp(cpu: Cpu, a: F80 | null, b: F80 | null, quiet: boolean, pops: number, toEflags: boolean, extraFlags = 0): void {
  const s = cpu.s;
  let relation: Relation = Relation.Unordered, flags: number;
  const stackFault = a === null || b === null;
  if (stackFault) flags = IE | SF;
  else {
    const r = compare(a, b, quiet);
    relation = r.relation;
    flags = (r.flags & 0x7f) | extraFlags;
  }
  if (toEflags) {
    status(s, flags, stackFault ? C1 : 0);
    const bits = relation === Relation.Less ? F.CF : relation === Relation.Equal ? F.ZF : relation === Relation.Unordered ? F.ZF | F.PF | F.CF : 0;
    cpu.setEflags((cpu.eflags() & ~F.OSZAPC) | bits);
  } else {
    status(s, flags | RELATION_CC[relation]!, CC);
  }
  if (flags & 0x3f & ~s[S.FCW]!) return;
  for (let k = 0; k < pops; k++) pop(s);
}

/**
 * A memory operand of an arithmetic or compare instruction, with the x87's
 * priorities (SDM vol. 1, 4.9.2): a stack fault first, then invalid operands
 * and NaNs (an SNaN operand stays signalling for the operation to judge),
 * then a denormal memory operand (DE; unmasked, nothing is written).
 * Returns the operand and the flags to add, or null when the instruction ends here.
 */
function memoryOperand(s: Int32Array, m: LoadedOperand, st0: F80 | null, reg: number): { b: F80; flags: number } | null {
  if (st0 === null) return { b: m.raw, flags: 0 }; // the caller signals the underflow
  if (!(m.flags & DE)) return { b: m.raw, flags: 0 };
  const c = classify(st0);
  if (c === Cls.QNaN || c === Cls.SNaN || c === Cls.Unsupported) return { b: m.raw, flags: 0 };
  if (reg === 7 && c === Cls.Zero) return { b: m.raw, flags: 0 }; // fdivr by zero: ZE alone, as in x87/arith.ts div
  if (!masked(s[S.FCW]!, DE)) { status(s, DE, C1); return null; }
  return { b: m.raw, flags: DE };
}

function memoryForm(cpu: Cpu, esc: number, reg: number, lin: number, o32: boolean): void {
  const s = cpu.s, cw = () => s[S.FCW]!;
  switch (esc) {
    case 0: case 2: case 4: case 6: {
      // Arithmetic with a memory operand: D8 m32fp, DA m32int, DC m64fp, DE m16int.
      const fmt = esc === 0 ? MemFormat.F32 : esc === 2 ? MemFormat.I32 : esc === 4 ? MemFormat.F64 : MemFormat.I16;
      const m = loadOperand(cpu, lin, fmt, cw());
      const a = operand(s, 0);
      if (reg === 2 || reg === 3) {
        const op = a === null || !(m.flags & DE) ? { b: m.raw, flags: 0 } : { b: m.raw, flags: isNaNLike(a) ? 0 : DE };
        return compareOp(cpu, a, op.b, false, reg === 3 ? 1 : 0, false, op.flags);
      }
      const op = memoryOperand(s, m, a, reg);
      if (op === null) return;
      arith(s, ARITH[reg]!, a, op.b, 0, 0, op.flags);
      return;
    }
    case 1:
      switch (reg) {
        case 0: return fldMemory(cpu, lin, MemFormat.F32);
        case 2: return fstMemory(cpu, lin, MemFormat.F32, false);
        case 3: return fstMemory(cpu, lin, MemFormat.F32, true);
        case 4: loadEnvironment(cpu, lin, o32); return;
        case 5: s[S.FCW] = controlWord(cpu.readLinear16(lin)); recheckPending(s); return; // fldcw
        case 6: storeEnvironment(cpu, lin, o32); s[S.FCW] |= 0x3f; recheckPending(s); return; // fnstenv masks everything
        case 7: cpu.writeLinear16(lin, s[S.FCW]!); return;
      }
      break;
    case 3:
      switch (reg) {
        case 0: return fldMemory(cpu, lin, MemFormat.I32);
        case 2: return fstMemory(cpu, lin, MemFormat.I32, false);
        case 3: return fstMemory(cpu, lin, MemFormat.I32, true);
        case 5: return fldMemory(cpu, lin, MemFormat.F80);
        case 7: return fstMemory(cpu, lin, MemFormat.F80, true);
      }
      break;
    case 5:
      switch (reg) {
        case 0: return fldMemory(cpu, lin, MemFormat.F64);
        case 2: return fstMemory(cpu, lin, MemFormat.F64, false);
        case 3: return fstMemory(cpu, lin, MemFormat.F64, true);
        case 4: loadState(cpu, lin, o32); return;
        case 6: storeState(cpu, lin, o32); fpuInit(s); return;
        case 7: cpu.writeLinear16(lin, s[S.FSW]!); return;
      }
      break;
    case 7:
      switch (reg) {
        case 0: return fldMemory(cpu, lin, MemFormat.I16);
        case 2: return fstMemory(cpu, lin, MemFormat.I16, false);
        case 3: return fstMemory(cpu, lin, MemFormat.I16, true);
        case 4: return fldMemory(cpu, lin, MemFormat.Bcd);
        case 5: return fldMemory(cpu, lin, MemFormat.I64);
        case 6: return fstMemory(cpu, lin, MemFormat.Bcd, true);
        case 7: return fstMemory(cpu, lin, MemFormat.I64, true);
      }
      break;
  }
  throw new Fault(VEC.UD, -1, -1);
}

/** A control word as the x87 keeps it: reserved bits 7 and 13-15 read as 0, bit 6 as 1 (as the host does). */
export function controlWord(v: number): number { return (v & 0x1f3f) | 0x40; }

/** After fldcw/fldenv/frstor: ES and B follow the unmasked exceptions now pending. */
function recheckPending(s: Int32Array): void {
  const pending = s[S.FSW]! & 0x3f & ~s[S.FCW]!;
  s[S.FSW] = pending ? s[S.FSW]! | ES | B : s[S.FSW]! & ~(ES | B);
}

function fldMemory(cpu: Cpu, lin: number, fmt: MemFormat): void {
  const s = cpu.s;
  const m = loadOperand(cpu, lin, fmt, s[S.FCW]!);
  if (!isEmpty(s, 7)) { if (overflow(s)) push(s, INDEFINITE); return; } // a stack fault comes before the operand's own exceptions
  status(s, m.flags, C1);
  if (m.write) push(s, m.value);
}

function fstMemory(cpu: Cpu, lin: number, fmt: MemFormat, popAfter: boolean): void {
  const s = cpu.s;
  let v = operand(s, 0);
  if (v === null) {
    if (!underflow(s)) return;
    v = INDEFINITE;
  }
  const r = storeOperand(cpu, lin, fmt, v, s[S.FCW]!);
  status(s, r.flags, C1);
  if (r.stored && popAfter) pop(s); // an unmasked exception: nothing stored, nothing popped
}

function registerForm(cpu: Cpu, esc: number, reg: number, i: number, modrm: number): void {
  const s = cpu.s, cw = s[S.FCW]!;
  switch (esc) {
    case 0:
      if (reg === 2 || reg === 3) return compareOp(cpu, operand(s, 0), operand(s, i), false, reg === 3 ? 1 : 0, false);
      return arith(s, ARITH[reg]!, operand(s, 0), operand(s, i), 0, 0);
    case 1:
      if (reg === 0) { // fld st(i)
        const v = operand(s, i);
        if (v === null && !underflow(s)) return;
        if (v !== null) status(s, 0, C1);
        return pushChecked(s, v ?? INDEFINITE);
      }
      if (reg === 1) return fxch(s, i);
      if (modrm === 0xd0) return; // fnop
      if (modrm >= 0xe0) return d9Special(cpu, modrm, cw);
      break;
    case 2:
      if (reg < 4) return fcmov(cpu, reg, false, i);
      if (modrm === 0xe9) return compareOp(cpu, operand(s, 0), operand(s, 1), true, 2, false); // fucompp
      break;
    case 3:
      if (reg < 4) return fcmov(cpu, reg, true, i);
      if (modrm === 0xe2) { s[S.FSW] &= ~(0xff | B); return; } // fnclex: exception flags, SF, ES, B
      if (modrm === 0xe3) { fpuInit(s); return; }
      if (modrm === 0xe0 || modrm === 0xe1 || modrm === 0xe4) return; // fneni, fndisi, fnsetpm: no-ops
      if (reg === 5 || reg === 6) return compareOp(cpu, operand(s, 0), operand(s, i), reg === 5, 0, true); // fucomi, fcomi
      break;
    case 4: {
      // DC: ST(i) op= ST(0); /4../7 are fsubr, fsub, fdivr, fdiv with ST(i) the destination (SDM vol. 2A, FSUB).
      const fns: Binary[] = [add, mul, add, add, (a, b, c) => sub(b, a, c), sub, (a, b, c) => div(b, a, c), div];
      if (reg === 2 || reg === 3) break;
      return arith(s, (a, b, c) => fns[reg]!(a, b, c), operand(s, i), operand(s, 0), i, 0);
    }
    case 5:
      if (reg === 0) { setTag(s, phys(s, i), TAG_EMPTY); return; } // ffree
      if (reg === 2 || reg === 3) { // fst / fstp st(i)
        let v = operand(s, 0);
        if (v === null) { if (!underflow(s)) return; v = INDEFINITE; } else status(s, 0, C1);
        setSt(s, i, v);
        if (reg === 3) pop(s);
        return;
      }
      if (reg === 4 || reg === 5) return compareOp(cpu, operand(s, 0), operand(s, i), true, reg === 5 ? 1 : 0, false); // fucom(p)
      break;
    case 6: {
      if (modrm === 0xd9) return compareOp(cpu, operand(s, 0), operand(s, 1), false, 2, false); // fcompp
      const fns: Binary[] = [add, mul, add, add, (a, b, c) => sub(b, a, c), sub, (a, b, c) => div(b, a, c), div];
      if (reg === 2 || reg === 3) break;
      return arith(s, (a, b, c) => fns[reg]!(a, b, c), operand(s, i), operand(s, 0), i, 1);
    }
    case 7:
      if (modrm === 0xe0) { cpu.s[S.EAX] = (cpu.s[S.EAX]! & ~0xffff) | (s[S.FSW]! & 0xffff); return; } // fnstsw ax
      if (reg === 5 || reg === 6) return compareOp(cpu, operand(s, 0), operand(s, i), reg === 5, 1, true); // fucomip, fcomip
      break;
  }
  throw new Fault(VEC.UD, -1, -1);
}

function fxch(s: Int32Array, i: number): void {
  let a = operand(s, 0), b = operand(s, i);
  if (a === null || b === null) {
    if (!underflow(s)) return;
    a ??= INDEFINITE;
    b ??= INDEFINITE;
  }
  setSt(s, 0, b);
  setSt(s, i, a);
  status(s, 0, C1);
}

/** fcmovcc (P6): ST(0) := ST(i) when the condition on EFLAGS holds (b, e, be, u; the DB forms negated). */
function fcmov(cpu: Cpu, cond: number, negate: boolean, i: number): void {
  const s = cpu.s, f = cpu.eflags();
  const holds = [(f & F.CF) !== 0, (f & F.ZF) !== 0, (f & (F.CF | F.ZF)) !== 0, (f & F.PF) !== 0][cond]! !== negate;
  // Either register empty is a stack underflow, whatever the condition (C1 is otherwise left alone).
  const v = operand(s, i);
  if (v === null || isEmpty(s, 0)) {
    if (underflow(s)) setSt(s, 0, INDEFINITE);
    return;
  }
  if (holds) setSt(s, 0, v);
}

type Unary = (a: F80, cw: number) => X87Result;

function unary(s: Int32Array, fn: Unary, ccMask = C1): void {
  const a = operand(s, 0);
  if (a === null) { if (underflow(s, ccMask)) setSt(s, 0, INDEFINITE); return; }
  const r = fn(a, s[S.FCW]!);
  status(s, r.flags, ccMask);
  if (r.write) setSt(s, 0, r.value);
}

/** D9 E0-FF: the operand-less instructions. */
function d9Special(cpu: Cpu, modrm: number, cw: number): void {
  const s = cpu.s;
  switch (modrm) {
    case 0xe0: return unary(s, (a) => ({ value: negate(a), flags: 0, write: true })); // fchs
    case 0xe1: return unary(s, (a) => ({ value: abs(a), flags: 0, write: true })); // fabs
    case 0xe4: return compareOp(cpu, operand(s, 0), POS_ZERO, false, 0, false); // ftst
    case 0xe5: { // fxam: empty is C3|C0 with C1 the sign of the stale contents
      const v = st(s, 0);
      const cc = isEmpty(s, 0) ? C3 | C0 | (v.sign ? C1 : 0) : examine(v);
      s[S.FSW] = (s[S.FSW]! & ~CC) | cc;
      return;
    }
    case 0xe8: case 0xe9: case 0xea: case 0xeb: case 0xec: case 0xed: case 0xee:
      status(s, 0, C1);
      return pushChecked(s, loadConstant(modrm - 0xe8, cw)); // fld1 fldl2t fldl2e fldpi fldlg2 fldln2 fldz
    case 0xf0: return unary(s, f2xm1);
    case 0xf1: return arith(s, (y, x, c) => yl2x(y, x, c), operand(s, 1), operand(s, 0), 1, 1);
    case 0xf2: return fptan(s);
    case 0xf3: return arith(s, (y, x, c) => patan(y, x, c), operand(s, 1), operand(s, 0), 1, 1);
    case 0xf4: return fxtract(s);
    case 0xf5: return prem(s, true);
    case 0xf6: status(s, 0, C1); setTop(s, top(s) - 1); return; // fdecstp
    case 0xf7: status(s, 0, C1); setTop(s, top(s) + 1); return; // fincstp
    case 0xf8: return prem(s, false);
    case 0xf9: return arith(s, (y, x, c) => yl2xp1(y, x, c), operand(s, 1), operand(s, 0), 1, 1);
    case 0xfa: return unary(s, sqrt);
    case 0xfb: return fsincos(s);
    case 0xfc: return unary(s, roundInt);
    case 0xfd: return arith(s, (a, b, c) => scale(a, b, c), operand(s, 0), operand(s, 1), 0, 0);
    case 0xfe: return unary(s, sin, C1 | C2);
    case 0xff: return unary(s, cos, C1 | C2);
  }
  throw new Fault(VEC.UD, -1, -1);
}

function prem(s: Int32Array, ieee: boolean): void {
  const a = operand(s, 0), b = operand(s, 1);
  if (a === null || b === null) { if (underflow(s, C1 | C2)) setSt(s, 0, INDEFINITE); return; }
  const r = remainder(a, b, s[S.FCW]!, ieee);
  // Without a quotient (an invalid or NaN operand, a divisor of 0, an infinite dividend, an unmasked DE;
  // a finite dividend over an infinite divisor has quotient 0)
  // the host keeps C0 and C3 and clears C1 and C2.
  const ca = classify(a), cb = classify(b);
  const finite = (c: Cls) => c === Cls.Normal || c === Cls.Denormal || c === Cls.PseudoDenormal || c === Cls.Zero;
  const quotient = finite(ca) && (cb === Cls.Infinity || (finite(cb) && cb !== Cls.Zero)) && r.write && !(r.flags & IE);
  status(s, r.flags, quotient ? CC : C1 | C2);
  if (r.write) setSt(s, 0, r.value);
}

function fxtract(s: Int32Array): void {
  const a = operand(s, 0);
  if (a === null) { if (underflow(s, C1)) { setSt(s, 0, INDEFINITE); pushChecked(s, INDEFINITE); } return; }
  if (!isEmpty(s, 7)) { if (overflow(s)) { setSt(s, 0, INDEFINITE); push(s, INDEFINITE); } return; } // the push would overflow: checked first
  const r = extract(a, s[S.FCW]!);
  status(s, r.flags, C1);
  if (!r.write) return;
  setSt(s, 0, r.exponent);
  pushChecked(s, r.significand);
}

function fptan(s: Int32Array): void {
  const a = operand(s, 0);
  if (a === null) { if (underflow(s, C1 | C2)) { setSt(s, 0, INDEFINITE); pushChecked(s, INDEFINITE); } return; }
  if (!isEmpty(s, 7)) { if (overflow(s, C1 | C2)) { setSt(s, 0, INDEFINITE); push(s, INDEFINITE); } return; } // the push would overflow: checked first
  const r = ptan(a, s[S.FCW]!);
  status(s, r.flags, C1 | C2);
  if (!r.write || (r.flags & C2)) return;
  setSt(s, 0, r.value);
  pushChecked(s, r.pushed ?? ONE);
}

function fsincos(s: Int32Array): void {
  const a = operand(s, 0);
  if (a === null) { if (underflow(s, C1 | C2)) { setSt(s, 0, INDEFINITE); pushChecked(s, INDEFINITE); } return; }
  if (!isEmpty(s, 7)) { if (overflow(s, C1 | C2)) { setSt(s, 0, INDEFINITE); push(s, INDEFINITE); } return; } // the push would overflow: checked first
  const r = sincos(a, s[S.FCW]!);
  status(s, r.flags, C1 | C2);
  if (!r.write || (r.flags & C2)) return;
  setSt(s, 0, r.sin);
  pushChecked(s, r.cos);
}

/** A NaN or an unsupported encoding: an invalid operand outranks a denormal one. */
function isNaNLike(v: F80): boolean {
  const c = classify(v);
  return c === Cls.QNaN || c === Cls.SNaN || c === Cls.Unsupported;
}
