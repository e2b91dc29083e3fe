// The table of helper implementations that translated code calls, by the
// names declared in frontend-x86/helpers.ts. Helpers that can fault get the
// instruction number as their last argument (the backend appends it); a
// fault raised by the code they call is attributed to that instruction.
import { H, S, computeOszapc } from '../frontend-x86/index.js';
import { HelperFlags } from '../tcg-ir/index.js';
import { type Cpu } from './cpu.js';
import { MappingScope } from './memory.js';
import { Fault, FaultKind } from './fault.js';
import { divide, bcdAdjust, rotateCarry, rotateCarryFlags, bitScan } from './helpers-arith.js';
import { stringOp } from './helpers-string.js';
import {
  popf, cli, sti, hlt, movToCr, movFromCr, movToDr, movFromDr, rdmsr, wrmsr, cpuid, rdtsc, descTable, systemOp,
  loadSegmentChecked, withInsn, sysenter, sysexit,
} from './helpers-system.js';
import { checkIoPermission } from './tss.js';
import { x87 } from './fpu/exec.js';
import { checkSegmentAccess } from './segments.js';
import { jmpFar, callFar, retFar } from './far-transfer.js';
import { iret } from './interrupts.js';

type Fn = (...a: number[]) => number | void;

export function createHelpers(cpu: Cpu): Record<string, Fn> {
  const impl: Record<string, Fn> = {
    [H.flags.name]: computeOszapc,
    [H.rotateCarry.name]: rotateCarry,
    [H.rotateCarryFlags.name]: rotateCarryFlags,
    [H.bitScan.name]: bitScan,
    [H.raise.name]: (vector, err, insn) => { throw new Fault(vector, err, insn); },
    // check = 1: a software interrupt (int n, int3, into) whose gate DPL is checked.
    [H.softint.name]: (vector, nextEip, check, insn) => { throw new Fault(vector, -1, insn, FaultKind.Trap, nextEip, check === 1); },
    [H.div.name]: (kind, divisor, insn) => divide(cpu, kind, divisor, insn),
    [H.bcd.name]: (kind, imm, insn) => bcdAdjust(cpu, kind, imm, insn),
    [H.string.name]: (op, size, addrSize, seg, rep, insn) => {
      if (op >= 5) checkIoPermission(cpu, cpu.s[S.EDX] & 0xffff, size); // ins/outs
      cpu.ioInsn = insn; // ins/outs reach devices
      try { return stringOp(cpu, op, size, addrSize, seg, rep, insn); } finally { cpu.ioInsn = 0; }
    },
    // Port I/O happens at an exact icount: devices see the instructions of this block before it (cpu.ioInsn).
    [H.in.name]: (port, size, insn) => {
      checkIoPermission(cpu, port, size);
      cpu.ioInsn = insn;
      try { return cpu.portRead(port, size); } finally { cpu.ioInsn = 0; }
    },
    [H.out.name]: (port, size, value, insn) => {
      checkIoPermission(cpu, port, size);
      cpu.ioInsn = insn;
      try { cpu.portWrite(port, size, value); } finally { cpu.ioInsn = 0; }
    },
    [H.cpuid.name]: () => cpuid(cpu),
    [H.rdtsc.name]: (insn) => rdtsc(cpu, insn),
    [H.rdmsr.name]: (insn) => rdmsr(cpu, insn),
    [H.wrmsr.name]: (insn) => wrmsr(cpu, insn),
    [H.loadSeg.name]: (seg, sel, insn) => loadSegmentChecked(cpu, seg, sel, insn),
    [H.jmpFar.name]: (sel, off, os, next) => jmpFar(cpu, sel, off, os, next),
    [H.callFar.name]: (sel, off, os, next) => callFar(cpu, sel, off, os, next),
    [H.retFar.name]: (os, imm) => retFar(cpu, os, imm),
    [H.iret.name]: (os, next) => iret(cpu, os, next),
    [H.descTable.name]: (which, os, lin, insn) => descTable(cpu, which, os, lin, insn),
    [H.popf.name]: (v, os, insn) => popf(cpu, v, os, insn),
    [H.cli.name]: (insn) => cli(cpu, insn),
    [H.sti.name]: (insn) => sti(cpu, insn),
    [H.hlt.name]: (insn) => hlt(cpu, insn),
    [H.x87.name]: (code, lin, eip) => x87(cpu, code, lin, eip),
    [H.segCheck.name]: (seg, offset, size) => checkSegmentAccess(cpu.s, seg, offset, size),
    [H.sysenter.name]: (insn) => sysenter(cpu, insn),
    [H.sysexit.name]: (insn) => sysexit(cpu, insn),
    [H.movToCr.name]: (cr, v, insn) => movToCr(cpu, cr, v, insn),
    [H.movFromCr.name]: (cr, insn) => movFromCr(cpu, cr, insn),
    [H.movToDr.name]: (dr, v, insn) => movToDr(cpu, dr, v, insn),
    [H.movFromDr.name]: (dr, insn) => movFromDr(cpu, dr, insn),
    [H.system.name]: (op, v, os, old, insn) => systemOp(cpu, op, v, os, old, insn),
    [H.invlpg.name]: (linear: number) => { cpu.mem.mappingChanged(MappingScope.Region, linear); },
  };
  // Attribute faults raised deep inside a helper to the calling instruction.
  for (const decl of Object.values(H)) {
    const fn = impl[decl.name];
    if (!fn) throw new Error(`no implementation for helper ${decl.name}`);
    if (decl.flags & HelperFlags.CanFault) {
      impl[decl.name] = (...args: number[]) => {
        try { return fn(...args); } catch (e) { throw withInsn(e, args[args.length - 1]); }
      };
    }
  }
  return impl;
}
