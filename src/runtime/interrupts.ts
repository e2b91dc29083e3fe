// Delivery of exceptions and interrupts (SDM vol. 3, chapter 6) and iret.
// Real mode uses the IVT; protected mode the IDT's interrupt, trap and task
// gates, switching to the TSS's stack for an inner privilege level.
// Virtual-8086 mode is not implemented (see iret).
import { S, F, Seg } from '../frontend-x86/index.js';
import { type Cpu } from './cpu.js';
import { Fault, VEC, hasErrorCode } from './fault.js';
import { readDescriptor, loadCodeSegment } from './segments.js';
import { enterCode, returnToOuter } from './far-transfer.js';
import { switchToInnerStack, taskSwitch, SwitchKind } from './tss.js';

/** Contributory exceptions (SDM vol. 3, table 6-4). */
function contributory(v: number): boolean { return v === 0 || (v >= 10 && v <= 13); }

export class TripleFault extends Error {
  constructor() { super('triple fault'); }
}

/**
 * Delivers an exception or interrupt with EIP = the address to return to.
 * errorCode is -1 when none is pushed. `software` marks int n/int3/into
 * (gate DPL checked); for those, `insnEip` is the instruction's own address:
 * a fault while delivering one is a fault of that instruction. A fault during
 * delivery escalates to #DF, a fault during #DF to a triple fault. Returns
 * false when the original event was not delivered (a software interrupt
 * that faulted instead, so it did not retire).
 */
export function deliverInterrupt(cpu: Cpu, vector: number, errorCode: number, software: boolean, insnEip = -1): boolean {
  let v = vector, err = errorCode, soft = software;
  for (let attempt = 0; ; attempt++) {
    try {
      cpu.atomically(() => deliverOnce(cpu, v, err, soft));
      return attempt === 0 || !software;
    } catch (e) {
      if (!(e instanceof Fault)) throw e;
      if (attempt === 0 && software && insnEip !== -1) {
        // int n that cannot be delivered faults at the int instruction itself.
        cpu.s[S.EIP] = insnEip;
        v = e.vector; err = hasErrorCode(e.vector) ? e.errorCode : -1; soft = false;
        continue;
      }
      if (v === VEC.DF || attempt >= 2) throw new TripleFault();
      const benignFirst = !contributory(v) && v !== VEC.PF;
      const second = e.vector;
      if (!benignFirst && (contributory(second) || second === VEC.PF)) { v = VEC.DF; err = 0; }
      else { v = second; err = hasErrorCode(second) ? e.errorCode : -1; }
      soft = false;
    }
  }
}

function deliverOnce(cpu: Cpu, vector: number, errorCode: number, software: boolean): void {
  const s = cpu.s;
  const eflags = cpu.eflags();
  if (!cpu.protectedMode) {
    if (vector * 4 + 3 > (s[S.IDTR_LIMIT] >>> 0)) throw new Fault(VEC.GP, 0, -1);
    const entry = (s[S.IDTR_BASE] + vector * 4) | 0;
    const ip = cpu.readLinear16(entry), cs = cpu.readLinear16(entry + 2);
    cpu.push(2, eflags);
    cpu.push(2, s[S.SEL + Seg.CS]);
    cpu.push(2, s[S.EIP]);
    cpu.setEflags(eflags & ~(F.IF | F.TF | F.AC | F.RF));
    loadCodeSegment(cpu, cs, ip);
    return;
  }
  const gateErr = vector * 8 + 2 + (software ? 0 : 1);
  if (vector * 8 + 7 > (s[S.IDTR_LIMIT] >>> 0)) throw new Fault(VEC.GP, gateErr, -1);
  const addr = (s[S.IDTR_BASE] + vector * 8) | 0;
  const lo = cpu.supervisor(() => cpu.readLinear32(addr)), hi = cpu.supervisor(() => cpu.readLinear32(addr + 4));
  const type = (hi >>> 8) & 0x1f;
  const gateDpl = (hi >>> 13) & 3;
  if (type !== 0x0e && type !== 0x0f && type !== 0x06 && type !== 0x07 && type !== 0x05) throw new Fault(VEC.GP, gateErr, -1);
  if (software && gateDpl < cpu.cpl) throw new Fault(VEC.GP, gateErr, -1);
  if (!(hi & 0x8000)) throw new Fault(VEC.NP, gateErr, -1);
  if (type === 0x05) {
    // A task gate: the handler is another task (SDM vol. 3, 6.12.2); the error code goes on its stack.
    taskSwitch(cpu, lo >>> 16, SwitchKind.Interrupt, s[S.EIP]);
    if (errorCode >= 0) cpu.push(s[S.TR_ATTR] & 8 ? 4 : 2, errorCode);
    return;
  }
  const sel = lo >>> 16;
  const offset = type & 8 ? ((hi & 0xffff0000) | (lo & 0xffff)) : lo & 0xffff;
  const ext = software ? 0 : 1;
  if ((sel & ~3) === 0) throw new Fault(VEC.GP, ext, -1);
  const d = readDescriptor(cpu, sel);
  const codeDpl = (d.attr >> 5) & 3;
  if ((d.attr & 0x18) !== 0x18 || codeDpl > cpu.cpl) throw new Fault(VEC.GP, (sel & 0xfffc) | ext, -1);
  if (!(d.attr & 0x80)) throw new Fault(VEC.NP, (sel & 0xfffc) | ext, -1);
  const size = type & 8 ? 4 : 2;
  const inner = !(d.attr & 4) && codeDpl < cpu.cpl;
  const oldCs = s[S.SEL + Seg.CS];
  if (inner) {
    // To an inner privilege level: the stack for that level comes from the TSS (SDM vol. 3, 6.12.1).
    const outer = switchToInnerStack(cpu, codeDpl);
    cpu.push(size, outer.ss);
    cpu.push(size, outer.esp);
  }
  cpu.push(size, eflags);
  cpu.push(size, oldCs);
  cpu.push(size, s[S.EIP]);
  if (errorCode >= 0) cpu.push(size, errorCode);
  let nf = eflags & ~(F.TF | F.NT | F.RF | F.VM);
  if (!(type & 1)) nf &= ~F.IF; // interrupt gate, not trap gate
  cpu.setEflags(nf);
  enterCode(cpu, sel, d, offset, cpu.cpl);
}

/**
 * iret: in real mode and at the same privilege level, pops EIP, CS, EFLAGS;
 * to an outer level also ESP and SS; with EFLAGS.NT, returns to the task in
 * the TSS's back link. A return to virtual-8086 mode (VM set in the popped
 * EFLAGS at CPL 0) is not supported: #GP(0).
 */
export function iret(cpu: Cpu, opSize: number, nextEip: number): void {
  const taskReturn = cpu.protectedMode && (cpu.s[S.EFLAGS] & F.NT) !== 0, cpl = cpu.cpl;
  cpu.atomically(() => iretInner(cpu, opSize, nextEip));
  // A return to another task or privilege level: the next block is looked up afresh (its fetch
  // checked at the new CPL), not reached by a link.
  if (taskReturn || cpu.cpl !== cpl) cpu.exitRequest = true;
  else cpu.flagsChanged();
}

function iretInner(cpu: Cpu, opSize: number, nextEip: number): void {
  const s = cpu.s;
  const size = opSize === 16 ? 2 : 4;
  if (cpu.protectedMode && (s[S.EFLAGS] & F.NT)) {
    taskSwitch(cpu, cpu.supervisor(() => cpu.readLinear16(s[S.TR_BASE])), SwitchKind.Iret, nextEip);
    return;
  }
  const ip = cpu.stackRead(size, 0);
  const cs = cpu.stackRead(size, size) & 0xffff;
  const fl = cpu.stackRead(size, 2 * size);
  const old = cpu.eflags();
  const oldCpl = cpu.cpl;
  if (cpu.protectedMode && size === 4 && (fl & F.VM) && oldCpl === 0) throw new Fault(VEC.GP, 0, -1);
  if (cpu.protectedMode && (cs & 3) !== oldCpl) {
    const esp = cpu.stackRead(size, 3 * size);
    const ss = cpu.stackRead(size, 4 * size) & 0xffff;
    returnToOuter(cpu, cs, size === 2 ? ip & 0xffff : ip, ss, esp, size);
  } else {
    loadCodeSegment(cpu, cs, size === 2 ? ip & 0xffff : ip);
    cpu.addStackPointer(3 * size);
  }
  // Which flags iret may change depends on the privilege it ran at (SDM vol. 2, IRET).
  let mask = F.OSZAPC | F.TF | F.DF | F.NT | F.IF | F.IOPL | (size === 4 ? F.AC | F.ID | F.RF : 0);
  if (cpu.protectedMode && oldCpl > 0) mask &= ~F.IOPL;
  if (cpu.protectedMode && oldCpl > ((old >> 12) & 3)) mask &= ~F.IF;
  cpu.setEflags((old & ~mask) | (fl & mask));
}
