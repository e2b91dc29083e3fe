// Far jmp, call and ret (SDM vol. 2, JMP/CALL/RET; vol. 3, 5.8): to code
// segments at the same privilege (conforming or not), through call gates
// (to an inner privilege level with a stack switch from the TSS and the
// gate's parameters copied), to tasks (TSS descriptors and task gates), and
// returns to an outer privilege level. Each runs atomically: a fault leaves
// the registers as they were before the instruction.
import { S, Seg } from '../frontend-x86/index.js';
import { type Cpu } from './cpu.js';
import { Fault, VEC } from './fault.js';
import { readDescriptor, loadCodeSegment, type Descriptor } from './segments.js';
import { checkStackSegment, switchToInnerStack, taskSwitch, SwitchKind } from './tss.js';

const dpl = (attr: number) => (attr >> 5) & 3;
const isCode = (attr: number) => (attr & 0x18) === 0x18;
const conforming = (attr: number) => (attr & 0x1c) === 0x1c;

function gp(sel: number): Fault { return new Fault(VEC.GP, sel & 0xfffc, -1); }
function np(sel: number): Fault { return new Fault(VEC.NP, sel & 0xfffc, -1); }

function legacy(cpu: Cpu): boolean { return !cpu.protectedMode || (cpu.s[S.EFLAGS] & 0x20000) !== 0; }

export function jmpFar(cpu: Cpu, sel: number, offset: number, opSize: number, nextEip: number): void {
  offset = opSize === 16 ? offset & 0xffff : offset;
  if (legacy(cpu)) { loadCodeSegment(cpu, sel, offset); return; }
  cpu.atomically(() => {
    const d = systemTarget(cpu, sel);
    if (d === null) { loadCodeSegment(cpu, sel, offset); return; }
    switch (d.attr & 0x1f) {
      case 0x04: case 0x0c: {
        const { code, target, cd } = throughCallGate(cpu, d);
        if (!conforming(cd.attr) && dpl(cd.attr) !== cpu.cpl) throw gp(code);
        enterCode(cpu, code, cd, target, cpu.cpl);
        return;
      }
      case 0x05: taskSwitch(cpu, d.lo >>> 16, SwitchKind.Jmp, nextEip); return;
      default: taskSwitch(cpu, sel, SwitchKind.Jmp, nextEip);
    }
  });
}

export function callFar(cpu: Cpu, sel: number, offset: number, opSize: number, nextEip: number): void {
  const size = opSize === 16 ? 2 : 4;
  offset = opSize === 16 ? offset & 0xffff : offset;
  cpu.atomically(() => {
    const d = legacy(cpu) ? null : systemTarget(cpu, sel);
    if (d === null) {
      const cs = cpu.s[S.SEL + Seg.CS];
      cpu.push(size, cs);
      cpu.push(size, nextEip);
      loadCodeSegment(cpu, sel, offset);
      return;
    }
    switch (d.attr & 0x1f) {
      case 0x04: case 0x0c: callGate(cpu, d, nextEip); return;
      case 0x05: taskSwitch(cpu, d.lo >>> 16, SwitchKind.Call, nextEip); return;
      default: taskSwitch(cpu, sel, SwitchKind.Call, nextEip);
    }
  });
}

export function retFar(cpu: Cpu, opSize: number, imm: number): void {
  const size = opSize === 16 ? 2 : 4;
  cpu.atomically(() => {
    const ip = cpu.stackRead(size, 0);
    const cs = cpu.stackRead(size, size) & 0xffff;
    if (legacy(cpu) || (cs & 3) === cpu.cpl) {
      loadCodeSegment(cpu, cs, size === 2 ? ip & 0xffff : ip);
      cpu.addStackPointer(2 * size + imm);
      return;
    }
    // To an outer privilege level: SS:ESP come from the stack too (after the parameters).
    const esp = cpu.stackRead(size, 2 * size + imm);
    const ss = cpu.stackRead(size, 3 * size + imm) & 0xffff;
    returnToOuter(cpu, cs, size === 2 ? ip & 0xffff : ip, ss, esp, size);
    cpu.addStackPointer(imm);
  });
}

/**
 * The rest of a return to an outer level (ret far, iret): checks CS and SS
 * against the new CPL (= CS.RPL), loads them and ESP, and nulls the data
 * segment registers the outer level may not use (SDM vol. 2, RET).
 */
export function returnToOuter(cpu: Cpu, cs: number, eip: number, ss: number, esp: number, size: number): void {
  const s = cpu.s;
  const rpl = cs & 3;
  if ((cs & ~3) === 0) throw new Fault(VEC.GP, 0, -1);
  if (rpl < cpu.cpl) throw gp(cs);
  const cd = readDescriptor(cpu, cs);
  if (!isCode(cd.attr)) throw gp(cs);
  if (conforming(cd.attr) ? dpl(cd.attr) > rpl : dpl(cd.attr) !== rpl) throw gp(cs);
  if (!(cd.attr & 0x80)) throw np(cs);
  const sd = checkStackSegment(cpu, ss, rpl, VEC.GP);
  cpu.setCpl(rpl);
  enterCode(cpu, cs, cd, eip, rpl);
  cpu.setSegCache(Seg.SS, ss, sd.base, sd.limit, sd.attr | 1);
  s[S.ESP] = size === 2 ? (s[S.ESP] & 0xffff0000) | (esp & 0xffff) : esp;
  for (const g of [Seg.ES, Seg.DS, Seg.FS, Seg.GS]) {
    const a = s[S.ATTR + g];
    const usableAtOuter = (s[S.SEL + g] & ~3) === 0 || (isCode(a) && conforming(a)) || dpl(a) >= rpl;
    if (!usableAtOuter) cpu.setSegCache(g, 0, 0, 0, 0);
  }
  cpu.updateMode();
}

/** The descriptor of a far target when it is a system descriptor (gate or TSS); null for a code segment. */
function systemTarget(cpu: Cpu, sel: number): Descriptor | null {
  if ((sel & ~3) === 0) throw new Fault(VEC.GP, 0, -1);
  const d = readDescriptor(cpu, sel);
  if (d.attr & 0x10) return null;
  const type = d.attr & 0x1f;
  if (type !== 0x04 && type !== 0x0c && type !== 0x05 && type !== 0x09 && type !== 0x01) throw gp(sel);
  // Gates and TSSs: DPL >= CPL and >= RPL (SDM vol. 3, 5.8.4 and 7.3).
  if (dpl(d.attr) < cpu.cpl || dpl(d.attr) < (sel & 3)) throw gp(sel);
  if (!(d.attr & 0x80)) throw np(sel);
  return d;
}

/** The code segment and offset a call gate leads to, checked. */
function throughCallGate(cpu: Cpu, gate: Descriptor): { code: number; target: number; cd: Descriptor } {
  const code = gate.lo >>> 16;
  const target = gate.attr & 8 ? (gate.hi & 0xffff0000) | (gate.lo & 0xffff) : gate.lo & 0xffff;
  if ((code & ~3) === 0) throw new Fault(VEC.GP, 0, -1);
  const cd = readDescriptor(cpu, code);
  if (!isCode(cd.attr) || dpl(cd.attr) > cpu.cpl) throw gp(code);
  if (!(cd.attr & 0x80)) throw np(code);
  return { code, target, cd };
}

/** call through a call gate: to a non-conforming inner level, on the stack the TSS names, with the parameters copied. */
function callGate(cpu: Cpu, gate: Descriptor, nextEip: number): void {
  const s = cpu.s;
  const { code, target, cd } = throughCallGate(cpu, gate);
  const size = gate.attr & 8 ? 4 : 2;
  const oldCs = s[S.SEL + Seg.CS];
  const newCpl = dpl(cd.attr);
  if (conforming(cd.attr) || newCpl === cpu.cpl) {
    cpu.push(size, oldCs);
    cpu.push(size, nextEip);
    enterCode(cpu, code, cd, target, cpu.cpl);
    return;
  }
  const count = gate.hi & 0x1f;
  const params: number[] = [];
  for (let i = 0; i < count; i++) params.push(cpu.stackRead(size, i * size));
  const outer = switchToInnerStack(cpu, newCpl);
  cpu.push(size, outer.ss);
  cpu.push(size, outer.esp);
  for (let i = count - 1; i >= 0; i--) cpu.push(size, params[i]!);
  cpu.push(size, oldCs);
  cpu.push(size, nextEip);
  enterCode(cpu, code, cd, target, newCpl);
}

/** Loads CS from a checked descriptor at privilege `cpl` and jumps to `offset` (#GP(0) past the limit). */
export function enterCode(cpu: Cpu, sel: number, cd: Descriptor, offset: number, cpl: number): void {
  if ((offset >>> 0) > (cd.limit >>> 0)) throw new Fault(VEC.GP, 0, -1);
  // The descriptor's accessed bit is not written for a CS loaded by a far transfer or an interrupt,
  // as under QEMU: Linux maps its GDT read-only and returns to ring 3 through a never-accessed descriptor.
  cpu.setSegCache(Seg.CS, (sel & ~3) | cpl, cd.base, cd.limit, cd.attr | 1);
  cpu.s[S.EIP] = offset;
  cpu.updateMode();
}
