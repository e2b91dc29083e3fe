// The task-state segment: the inner-privilege stacks it holds, the I/O
// permission bitmap, and hardware task switches (SDM vol. 3, chapter 7).
// 32-bit TSSs only; a 16-bit TSS (types 1 and 3) works for ltr and the
// stacks of 16-bit gates, but a task switch to one raises #TS.
import { S, F, Seg } from '../frontend-x86/index.js';
import { type Cpu } from './cpu.js';
import { Fault, VEC } from './fault.js';
import { readDescriptor, loadSegment, loadCodeSegment } from './segments.js';

const TSS32_MIN_LIMIT = 0x67;
const is32 = (attr: number) => (attr & 8) !== 0;

function ts(sel: number): Fault { return new Fault(VEC.TS, sel & 0xfffc, -1); }

/** SS:ESP for privilege level `cpl` from the current TSS (SDM vol. 3, 6.12.1 and 7.2.1). */
export function innerStack(cpu: Cpu, cpl: number): { ss: number; esp: number } {
  return cpu.supervisor(() => readInnerStack(cpu, cpl));
}

function readInnerStack(cpu: Cpu, cpl: number): { ss: number; esp: number } {
  const s = cpu.s;
  const attr = s[S.TR_ATTR], base = s[S.TR_BASE], limit = s[S.TR_LIMIT] >>> 0;
  if (!(attr & 0x80)) throw ts(s[S.TR_SEL]);
  if (is32(attr)) {
    const off = 4 + cpl * 8;
    if (off + 5 > limit) throw ts(s[S.TR_SEL]);
    return { esp: cpu.readLinear32((base + off) | 0), ss: cpu.readLinear16((base + off + 4) | 0) };
  }
  const off = 2 + cpl * 4;
  if (off + 3 > limit) throw ts(s[S.TR_SEL]);
  return { esp: cpu.readLinear16((base + off) | 0), ss: cpu.readLinear16((base + off + 2) | 0) };
}

/**
 * Moves to the stack of inner privilege level `cpl` (the TSS's SSn:ESPn,
 * checked, #TS on a bad one) and to that CPL, for a call gate or an
 * interrupt (SDM vol. 3, 5.8.5, 6.12.1). Returns the outer SS and ESP, which
 * the caller pushes on the new stack.
 */
export function switchToInnerStack(cpu: Cpu, cpl: number): { ss: number; esp: number } {
  const s = cpu.s;
  const outer = { ss: s[S.SEL + Seg.SS]!, esp: s[S.ESP]! };
  const { ss, esp } = innerStack(cpu, cpl);
  const sd = checkStackSegment(cpu, ss, cpl, VEC.TS);
  cpu.setCpl(cpl);
  cpu.setSegCache(Seg.SS, ss, sd.base, sd.limit, sd.attr | 1);
  s[S.ESP] = esp;
  cpu.updateMode();
  return outer;
}

/** Checks the SS a privilege change loads (SDM vol. 2, CALL/INT): faults name `vector` (#TS from the TSS, #GP from a return). */
export function checkStackSegment(cpu: Cpu, ss: number, cpl: number, vector: number): ReturnType<typeof readDescriptor> {
  if ((ss & ~3) === 0) throw new Fault(vector, 0, -1);
  if ((ss & 3) !== cpl) throw new Fault(vector, ss & 0xfffc, -1);
  const d = readDescriptor(cpu, ss, vector);
  const a = d.attr;
  if ((a & 0x1a) !== 0x12 || ((a >> 5) & 3) !== cpl) throw new Fault(vector, ss & 0xfffc, -1);
  if (!(a & 0x80)) throw new Fault(VEC.SS, ss & 0xfffc, -1);
  return d;
}

/**
 * I/O permission for in/out/ins/outs at CPL > IOPL: every bit of the TSS's
 * I/O bitmap covering the accessed ports must be clear (SDM vol. 1, 19.5.2).
 */
export function checkIoPermission(cpu: Cpu, port: number, size: number): void {
  const s = cpu.s;
  if (!cpu.protectedMode) return;
  if (!(s[S.EFLAGS] & F.VM) && cpu.cpl <= ((s[S.EFLAGS] >> 12) & 3)) return;
  const attr = s[S.TR_ATTR], base = s[S.TR_BASE], limit = s[S.TR_LIMIT] >>> 0;
  if (!(attr & 0x80) || !is32(attr) || limit < TSS32_MIN_LIMIT) throw new Fault(VEC.GP, 0, -1);
  const map = cpu.supervisor(() => cpu.readLinear16((base + 0x66) | 0));
  const at = map + (port >>> 3);
  if (at + 1 > limit) throw new Fault(VEC.GP, 0, -1);
  const bits = cpu.supervisor(() => cpu.readLinear16((base + at) | 0));
  if (bits & (((1 << size) - 1) << (port & 7))) throw new Fault(VEC.GP, 0, -1);
}

export const enum SwitchKind { Jmp, Call, Interrupt, Iret }

/**
 * Switches to the task whose TSS selector is `sel` (SDM vol. 3, 7.3):
 * saves the current state in the current TSS (EIP = `returnEip`), marks
 * busy bits, links tasks for call/interrupt, loads the new task's state.
 * A fault before the switch leaves the old task as it was (the caller runs
 * this atomically); segment checks on the new task's selectors are made
 * with the new state loaded, and raise #TS.
 */
export function taskSwitch(cpu: Cpu, sel: number, kind: SwitchKind, returnEip: number): void {
  cpu.supervisor(() => switchTasks(cpu, sel, kind, returnEip));
}

function switchTasks(cpu: Cpu, sel: number, kind: SwitchKind, returnEip: number): void {
  const s = cpu.s;
  if (sel & 4) throw ts(sel);
  const d = readDescriptor(cpu, sel, VEC.TS);
  const type = d.attr & 0x1f;
  if (kind === SwitchKind.Iret ? type !== 0x0b : type !== 0x09) {
    throw (type & 0x17) === 0x01 || (type & 0x17) === 0x03 ? ts(sel) : new Fault(VEC.GP, sel & 0xfffc, -1);
  }
  if (!(d.attr & 0x80)) throw new Fault(VEC.NP, sel & 0xfffc, -1);
  if ((d.limit >>> 0) < TSS32_MIN_LIMIT) throw ts(sel);
  const oldBase = s[S.TR_BASE], oldSel = s[S.TR_SEL];
  if (!is32(s[S.TR_ATTR]) || (s[S.TR_LIMIT] >>> 0) < TSS32_MIN_LIMIT) throw ts(oldSel);

  // Save the outgoing task.
  let eflags = cpu.eflags();
  if (kind === SwitchKind.Iret) eflags &= ~F.NT;
  cpu.writeLinear32((oldBase + 0x20) | 0, returnEip);
  cpu.writeLinear32((oldBase + 0x24) | 0, eflags);
  for (let r = 0; r < 8; r++) cpu.writeLinear32((oldBase + 0x28 + r * 4) | 0, s[S.EAX + r]);
  for (let g = 0; g < 6; g++) cpu.writeLinear16((oldBase + 0x48 + g * 4) | 0, s[S.SEL + g]);
  if (kind === SwitchKind.Jmp || kind === SwitchKind.Iret) setBusy(cpu, oldSel, false);
  if (kind !== SwitchKind.Iret) setBusy(cpu, sel, true);
  const base = d.base;
  if (kind === SwitchKind.Call || kind === SwitchKind.Interrupt) cpu.writeLinear16(base, oldSel);

  // Read the incoming task, then make it current.
  const cr3 = cpu.readLinear32((base + 0x1c) | 0);
  const eip = cpu.readLinear32((base + 0x20) | 0);
  let newFlags = cpu.readLinear32((base + 0x24) | 0);
  const regs = Array.from({ length: 8 }, (_, r) => cpu.readLinear32((base + 0x28 + r * 4) | 0));
  const sels = Array.from({ length: 6 }, (_, g) => cpu.readLinear16((base + 0x48 + g * 4) | 0));
  const ldt = cpu.readLinear16((base + 0x60) | 0);
  if (kind === SwitchKind.Call || kind === SwitchKind.Interrupt) newFlags |= F.NT;

  s[S.TR_SEL] = sel;
  s[S.TR_BASE] = base;
  s[S.TR_LIMIT] = d.limit;
  s[S.TR_ATTR] = d.attr | 2;
  s[S.CR0] |= 8; // TS: the FPU state belongs to the previous task
  if (s[S.CR0] & 0x80000000) {
    s[S.CR3] = cr3;
    cpu.updatePaging();
  }
  cpu.setEflags(newFlags);
  for (let r = 0; r < 8; r++) s[S.EAX + r] = regs[r]!;
  s[S.EIP] = eip;
  loadTaskLdt(cpu, ldt);
  // CPL comes from the new CS; segments are checked at that privilege (faults name the selector as #TS).
  cpu.setCpl(sels[Seg.CS]! & 3);
  try {
    loadCodeSegment(cpu, sels[Seg.CS]!, eip);
    loadSegment(cpu, Seg.SS, sels[Seg.SS]!);
    for (const g of [Seg.ES, Seg.DS, Seg.FS, Seg.GS]) loadSegment(cpu, g, sels[g]!);
  } catch (e) {
    if (e instanceof Fault && e.vector === VEC.GP) throw new Fault(VEC.TS, e.errorCode, -1);
    throw e;
  }
}

function loadTaskLdt(cpu: Cpu, sel: number): void {
  const s = cpu.s;
  if ((sel & ~3) === 0) {
    s[S.LDTR_SEL] = sel; s[S.LDTR_BASE] = 0; s[S.LDTR_LIMIT] = 0; s[S.LDTR_ATTR] = 0;
    return;
  }
  if (sel & 4) throw ts(sel);
  const d = readDescriptor(cpu, sel, VEC.TS);
  if ((d.attr & 0x1f) !== 0x02) throw ts(sel);
  if (!(d.attr & 0x80)) throw ts(sel);
  s[S.LDTR_SEL] = sel; s[S.LDTR_BASE] = d.base; s[S.LDTR_LIMIT] = d.limit; s[S.LDTR_ATTR] = d.attr;
}

/** Sets or clears the busy bit of the TSS descriptor `sel` in the GDT. */
function setBusy(cpu: Cpu, sel: number, on: boolean): void {
  const addr = (cpu.s[S.GDTR_BASE] + (sel & ~7) + 5) | 0;
  const b = cpu.readLinear8(addr);
  cpu.writeLinear8(addr, on ? b | 2 : b & ~2);
}
