// Delivery of exceptions and interrupts (SDM vol. 3, chapter 6) and iret.
// Real mode uses the IVT; protected mode the IDT's interrupt and trap
// gates at the current privilege level. Privilege changes, task gates and
// virtual-8086 mode come with the full system CPU.
import { S, F, Seg } from '../frontend-x86/index.js';
import { type Cpu } from './cpu.js';
import { Fault, VEC, hasErrorCode } from './fault.js';
import { readDescriptor, loadCodeSegment } from './segments.js';

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
    const savedEsp = cpu.s[S.ESP];
    try {
      deliverOnce(cpu, v, err, soft);
      return attempt === 0 || !software;
    } catch (e) {
      if (!(e instanceof Fault)) throw e;
      cpu.s[S.ESP] = savedEsp;
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
  const gateErr = vector * 8 + 2;
  if (vector * 8 + 7 > (s[S.IDTR_LIMIT] >>> 0)) throw new Fault(VEC.GP, gateErr, -1);
  const addr = (s[S.IDTR_BASE] + vector * 8) | 0;
  const lo = cpu.readLinear32(addr), hi = cpu.readLinear32(addr + 4);
  const type = (hi >>> 8) & 0x1f;
  const gateDpl = (hi >>> 13) & 3;
  if (type !== 0x0e && type !== 0x0f && type !== 0x06 && type !== 0x07) throw new Fault(VEC.GP, gateErr, -1); // task gates: later
  if (software && gateDpl < cpu.cpl) throw new Fault(VEC.GP, gateErr, -1);
  if (!(hi & 0x8000)) throw new Fault(VEC.NP, gateErr, -1);
  const sel = lo >>> 16;
  const offset = type & 8 ? ((hi & 0xffff0000) | (lo & 0xffff)) : lo & 0xffff;
  if ((sel & ~3) === 0) throw new Fault(VEC.GP, 0, -1);
  const d = readDescriptor(cpu, sel);
  const codeDpl = (d.attr >> 5) & 3;
  if ((d.attr & 0x18) !== 0x18) throw new Fault(VEC.GP, sel & 0xfffc, -1);
  if (!(d.attr & 0x80)) throw new Fault(VEC.NP, sel & 0xfffc, -1);
  if (!(d.attr & 4) && codeDpl < cpu.cpl) throw new Fault(VEC.GP, sel & 0xfffc, -1); // inner-privilege delivery: a later issue
  const size = type & 8 ? 4 : 2;
  cpu.push(size, eflags);
  cpu.push(size, s[S.SEL + Seg.CS]);
  cpu.push(size, s[S.EIP]);
  if (errorCode >= 0) cpu.push(size, errorCode);
  let nf = eflags & ~(F.TF | F.NT | F.RF | F.VM);
  if (!(type & 1)) nf &= ~F.IF; // interrupt gate, not trap gate
  cpu.setEflags(nf);
  cpu.setSegCache(Seg.CS, (sel & ~3) | cpu.cpl, d.base, d.limit, d.attr | 1);
  s[S.EIP] = offset;
  cpu.updateMode();
}

/** iret at the same privilege level (and real mode). */
export function iret(cpu: Cpu, opSize: number): void {
  const s = cpu.s;
  const size = opSize === 16 ? 2 : 4;
  const ip = cpu.stackRead(size, 0);
  const cs = cpu.stackRead(size, size) & 0xffff;
  const fl = cpu.stackRead(size, 2 * size);
  if (cpu.protectedMode && (s[S.EFLAGS] & F.NT)) throw new Fault(VEC.GP, 0, -1); // nested task return: later
  if (cpu.protectedMode && (cs & 3) !== cpu.cpl) throw new Fault(VEC.GP, cs & 0xfffc, -1); // outer return: later
  loadCodeSegment(cpu, cs, size === 2 ? ip & 0xffff : ip);
  cpu.addStackPointer(3 * size);
  const old = cpu.eflags();
  let mask = F.OSZAPC | F.TF | F.DF | F.NT | F.IF | F.IOPL | (size === 4 ? F.AC | F.ID | F.RF : 0);
  if (cpu.protectedMode && cpu.cpl > 0) mask &= ~F.IOPL;
  if (cpu.protectedMode && cpu.cpl > ((old >> 12) & 3)) mask &= ~F.IF;
  cpu.setEflags((old & ~mask) | (fl & mask));
  cpu.exitRequest = true;
}
