// System helpers: flags with privilege rules, control registers, MSRs,
// CPUID, descriptor tables and the descriptor instructions.
import { S, F, Seg, SYSTEM_OPS } from '../frontend-x86/index.js';
import { type Cpu } from './cpu.js';
import { Fault, VEC } from './fault.js';
import { readDescriptor, loadSegment } from './segments.js';

const gp0 = (insn: number) => new Fault(VEC.GP, 0, insn);

function requireCpl0(cpu: Cpu, insn: number): void {
  if (cpu.protectedMode && cpu.cpl !== 0) throw gp0(insn);
}

function iopl(cpu: Cpu): number { return (cpu.s[S.EFLAGS] >> 12) & 3; }

export function popf(cpu: Cpu, value: number, opSize: number, insn: number): void {
  const old = cpu.eflags();
  const vm86 = (old & F.VM) !== 0;
  if (vm86 && iopl(cpu) < 3) throw gp0(insn);
  let mask = F.OSZAPC | F.TF | F.DF | F.NT | F.IF | F.IOPL | F.AC | F.ID;
  if (cpu.protectedMode && cpu.cpl > 0) mask &= ~F.IOPL;
  if (cpu.protectedMode && cpu.cpl > iopl(cpu)) mask &= ~F.IF;
  if (vm86) mask &= ~F.IOPL;
  if (opSize === 16) mask &= 0xffff;
  cpu.setEflags((old & ~mask) | (value & mask));
  cpu.flagsChanged();
}

export function cli(cpu: Cpu, insn: number): void {
  if (cpu.protectedMode && cpu.cpl > iopl(cpu)) throw gp0(insn);
  cpu.s[S.EFLAGS] &= ~F.IF;
}

export function sti(cpu: Cpu, insn: number): void {
  if (cpu.protectedMode && cpu.cpl > iopl(cpu)) throw gp0(insn);
  // The instruction after sti runs before any interrupt is taken (SDM vol. 2, STI). The
  // shadow matters only to an interrupt waiting now: one raised later, by that instruction
  // or after it, is taken after it anyway.
  if (!(cpu.s[S.EFLAGS] & F.IF) && cpu.interruptPending()) cpu.s[S.IRQ_SHADOW] = 1;
  cpu.s[S.EFLAGS] |= F.IF;
  cpu.flagsChanged();
}

export function hlt(cpu: Cpu, insn: number): void {
  requireCpl0(cpu, insn);
  cpu.s[S.HALTED] = 1;
  cpu.exitRequest = true;
}

export function movToCr(cpu: Cpu, cr: number, v: number, insn: number): void {
  requireCpl0(cpu, insn);
  const s = cpu.s;
  switch (cr) {
    case 0:
      if ((v & 0x80000000) && !(v & 1)) throw gp0(insn); // PG without PE
      s[S.CR0] = v | 0x10; // ET is hardwired to 1 on i686
      cpu.updatePaging();
      cpu.updateMode();
      cpu.exitRequest = true;
      return;
    case 2: s[S.CR2] = v; return;
    case 3: s[S.CR3] = v; cpu.updatePaging(true); cpu.exitRequest = true; return;
    case 4:
      // VME, PVI, PCE, OSFXSR... are not implemented: setting them is #GP(0) (SDM vol. 3, 2.5).
      if (v & ~CR4_SUPPORTED) throw gp0(insn);
      s[S.CR4] = v; cpu.updatePaging(); cpu.exitRequest = true; return;
    default: throw new Fault(VEC.UD, -1, insn);
  }
}

export function movFromCr(cpu: Cpu, cr: number, insn: number): number {
  requireCpl0(cpu, insn);
  switch (cr) {
    case 0: return cpu.s[S.CR0];
    case 2: return cpu.s[S.CR2];
    case 3: return cpu.s[S.CR3];
    case 4: return cpu.s[S.CR4];
    default: throw new Fault(VEC.UD, -1, insn);
  }
}

/** DR4/DR5 alias DR6/DR7 unless CR4.DE is set, when they raise #UD (SDM vol. 3, 18.2.2). */
function drIndex(cpu: Cpu, dr: number, insn: number): number {
  if (dr === 4 || dr === 5) {
    if (cpu.s[S.CR4] & 8) throw new Fault(VEC.UD, -1, insn);
    return dr + 2;
  }
  return dr;
}

/** DR6 and DR7 have fixed bits: DR6 reserved bits read as 1, DR7 bit 10 reads as 1. */
export const DR6_FIXED = 0xffff0ff0 | 0, DR7_FIXED = 0x400;

export function movToDr(cpu: Cpu, dr: number, v: number, insn: number): void {
  requireCpl0(cpu, insn);
  const i = drIndex(cpu, dr, insn);
  cpu.s[S.DR + i] = i === 6 ? (v & 0xe00f) | DR6_FIXED : i === 7 ? (v & ~0xd800) | DR7_FIXED : v;
  if (i !== 6) cpu.onDebugRegs();
}

export function movFromDr(cpu: Cpu, dr: number, insn: number): number {
  requireCpl0(cpu, insn);
  return cpu.s[S.DR + drIndex(cpu, dr, insn)];
}

/** CR4 bits this CPU has: TSD, DE, PSE, PAE, PGE. */
const CR4_SUPPORTED = 0x04 | 0x08 | 0x10 | 0x20 | 0x80;

const MSR_APIC_BASE = 0x1b;
const MSR_TSC = 0x10, MSR_SYSENTER_CS = 0x174, MSR_SYSENTER_ESP = 0x175, MSR_SYSENTER_EIP = 0x176;

export function rdmsr(cpu: Cpu, insn: number): void {
  requireCpl0(cpu, insn);
  const s = cpu.s;
  let lo: number, hi = 0;
  switch (s[S.ECX] >>> 0) {
    case MSR_TSC: { const t = cpu.tscAt(insn); lo = t % 0x100000000 | 0; hi = Math.floor(t / 0x100000000) | 0; break; }
    case MSR_SYSENTER_CS: lo = s[S.SYSENTER_CS]; break;
    case MSR_SYSENTER_ESP: lo = s[S.SYSENTER_ESP]; break;
    case MSR_SYSENTER_EIP: lo = s[S.SYSENTER_EIP]; break;
    // IA32_APIC_BASE: the architectural base with the BSP flag, the APIC globally disabled (there is none; CPUID says so).
    case MSR_APIC_BASE: lo = 0xfee00000 | 0x100; break;
    default: throw gp0(insn);
  }
  s[S.EAX] = lo;
  s[S.EDX] = hi;
}

export function wrmsr(cpu: Cpu, insn: number): void {
  requireCpl0(cpu, insn);
  const s = cpu.s;
  switch (s[S.ECX] >>> 0) {
    case MSR_SYSENTER_CS: s[S.SYSENTER_CS] = s[S.EAX] & 0xffff; return;
    case MSR_SYSENTER_ESP: s[S.SYSENTER_ESP] = s[S.EAX]; return;
    case MSR_SYSENTER_EIP: s[S.SYSENTER_EIP] = s[S.EAX]; return;
    case MSR_TSC: return; // writes to the TSC are ignored: it is a function of icount
    case MSR_APIC_BASE: return; // no APIC to move or enable
    default: throw gp0(insn);
  }
}

/** Vendor string: 12 bytes in EBX, EDX, ECX. */
const VENDOR = 'Rewind86 x86';

function vendorWord(i: number): number {
  let v = 0;
  for (let k = 3; k >= 0; k--) v = (v << 8) | VENDOR.charCodeAt(i * 4 + k);
  return v;
}

/** CPUID feature bits (leaf 1, EDX; SDM vol. 2, CPUID table 3-11): FPU, DE, PSE, TSC, MSR, PAE, CX8, SEP, PGE, CMOV. */
const FEATURES = (1 << 0) | (1 << 2) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 8) | (1 << 11) | (1 << 13) | (1 << 15);

/** CPUID: an i686 (family 6) without MMX/SSE. */
export function cpuid(cpu: Cpu): void {
  const s = cpu.s;
  const leaf = s[S.EAX] >>> 0;
  if (leaf === 0) {
    s[S.EAX] = 1;
    s[S.EBX] = vendorWord(0); s[S.EDX] = vendorWord(1); s[S.ECX] = vendorWord(2);
    return;
  }
  if (leaf === 1) {
    s[S.EAX] = (6 << 8) | (1 << 4) | 1; // family 6, model 1, stepping 1
    s[S.EBX] = 0; s[S.ECX] = 0;
    s[S.EDX] = FEATURES;
    return;
  }
  s[S.EAX] = 0; s[S.EBX] = 0; s[S.ECX] = 0; s[S.EDX] = 0;
}

export function rdtsc(cpu: Cpu, insn: number): void {
  if (cpu.protectedMode && cpu.cpl > 0 && (cpu.s[S.CR4] & 4)) throw gp0(insn); // CR4.TSD
  const t = cpu.tscAt(insn);
  cpu.s[S.EAX] = t % 0x100000000 | 0;
  cpu.s[S.EDX] = Math.floor(t / 0x100000000) | 0;
}

/** lgdt (0) lidt (1) sgdt (2) sidt (3) with a 6-byte memory operand at `lin`. */
export function descTable(cpu: Cpu, which: number, opSize: number, lin: number, insn: number): number {
  const s = cpu.s;
  const baseSlot = which & 1 ? S.IDTR_BASE : S.GDTR_BASE;
  const limitSlot = which & 1 ? S.IDTR_LIMIT : S.GDTR_LIMIT;
  try {
    if (which < 2) {
      requireCpl0(cpu, insn);
      const limit = cpu.readLinear16(lin);
      let base = cpu.readLinear32(lin + 2);
      if (opSize === 16) base &= 0xffffff;
      s[limitSlot] = limit;
      s[baseSlot] = base;
      return 0;
    }
    return cpu.writeLinear16(lin, s[limitSlot]) | cpu.writeLinear32(lin + 2, opSize === 16 ? s[baseSlot] & 0xffffff : s[baseSlot]);
  } catch (e) {
    throw withInsn(e, insn);
  }
}

/** Re-raises a fault from a helper's memory access as a fault of instruction `insn`. */
export function withInsn(e: unknown, insn: number): unknown {
  if (e instanceof Fault && e.insnIndex === -1) return new Fault(e.vector, e.errorCode, insn, e.kind, e.nextEip, e.software);
  return e;
}

function setZf(cpu: Cpu, on: boolean): void {
  const f = cpu.eflags();
  cpu.setEflags(on ? f | F.ZF : f & ~F.ZF);
}

/** Loads LDTR or TR from a GDT descriptor (lldt / ltr). */
function loadSystemSegment(cpu: Cpu, tr: boolean, sel: number, insn: number): void {
  const s = cpu.s;
  requireCpl0(cpu, insn);
  if (!cpu.protectedMode) throw new Fault(VEC.UD, -1, insn);
  const slot = tr ? S.TR_SEL : S.LDTR_SEL;
  if ((sel & ~3) === 0) {
    if (tr) throw gp0(insn);
    s[slot] = sel; s[slot + 1] = 0; s[slot + 2] = 0; s[slot + 3] = 0;
    return;
  }
  if (sel & 4) throw new Fault(VEC.GP, sel & 0xfffc, insn);
  const d = readDescriptor(cpu, sel);
  const type = d.attr & 0x1f;
  if (tr ? type !== 0x09 && type !== 0x01 : type !== 0x02) throw new Fault(VEC.GP, sel & 0xfffc, insn);
  if (!(d.attr & 0x80)) throw new Fault(VEC.NP, sel & 0xfffc, insn);
  if (tr) cpu.writeLinear8(d.addr + 5, ((d.hi >>> 8) | 2) & 0xff); // mark the TSS busy
  s[slot] = sel; s[slot + 1] = d.base; s[slot + 2] = d.limit; s[slot + 3] = tr ? d.attr | 2 : d.attr;
}

/** Whether a selector's descriptor is visible at CPL for lar/lsl/verr/verw (SDM vol. 2, LAR). */
function accessible(cpu: Cpu, sel: number, kinds: 'lar' | 'lsl' | 'verr' | 'verw'): ReturnType<typeof readDescriptor> | null {
  if ((sel & ~3) === 0) return null;
  let d;
  try { d = readDescriptor(cpu, sel); } catch { return null; }
  const a = d.attr, dpl = (a >> 5) & 3, type = a & 0x1f;
  const conformingCode = (a & 0x1c) === 0x1c;
  if (!conformingCode && (dpl < cpu.cpl || dpl < (sel & 3))) return null;
  if (!(a & 0x10)) {
    const okLar = [1, 2, 3, 4, 5, 9, 0xb, 0xc].includes(type);
    const okLsl = [1, 2, 3, 9, 0xb].includes(type);
    if (kinds === 'lar' ? !okLar : kinds === 'lsl' ? !okLsl : true) return null;
    return d;
  }
  if (kinds === 'verr' && (a & 0x18) === 0x18 && !(a & 2)) return null;
  if (kinds === 'verw' && ((a & 0x18) === 0x18 || !(a & 2))) return null;
  return d;
}

/** The descriptor instructions: op indexes SYSTEM_OPS. Returns the value a destination receives. */
export function systemOp(cpu: Cpu, op: number, v: number, opSize: number, old: number, insn: number): number {
  const s = cpu.s;
  const name = SYSTEM_OPS[op];
  try {
    switch (name) {
      case 'sldt': return s[S.LDTR_SEL];
      case 'str': return s[S.TR_SEL];
      case 'lldt': loadSystemSegment(cpu, false, v & 0xffff, insn); return 0;
      case 'ltr': loadSystemSegment(cpu, true, v & 0xffff, insn); return 0;
      case 'smsw': return s[S.CR0];
      case 'lmsw':
        requireCpl0(cpu, insn);
        // lmsw sets PE but never clears it; it changes only MP, EM, TS (SDM vol. 2, LMSW).
        s[S.CR0] = (s[S.CR0] & ~0xe) | (v & 0xf) | (s[S.CR0] & 1);
        cpu.updateMode();
        return 0;
      case 'clts': requireCpl0(cpu, insn); s[S.CR0] &= ~8; return 0;
      case 'invd': case 'wbinvd': requireCpl0(cpu, insn); return 0;
      case 'verr': case 'verw': case 'lar': case 'lsl': {
        if (!cpu.protectedMode) throw new Fault(VEC.UD, -1, insn);
        const d = accessible(cpu, v & 0xffff, name);
        setZf(cpu, d !== null);
        if (!d) return old;
        if (name === 'lar') return (d.hi & (opSize === 16 ? 0xff00 : 0xf0ff00)) | 0;
        if (name === 'lsl') return d.limit;
        return old;
      }
    }
  } catch (e) {
    throw withInsn(e, insn);
  }
  throw new Fault(VEC.UD, -1, insn);
}

export function loadSegmentChecked(cpu: Cpu, seg: number, sel: number, insn: number): void {
  if (seg === Seg.CS) throw new Fault(VEC.UD, -1, insn);
  try { loadSegment(cpu, seg, sel); } catch (e) { throw withInsn(e, insn); }
  // mov ss / pop ss: no interrupt and no single-step trap before the next instruction (SDM vol. 3, 6.8.3).
  if (seg === Seg.SS) cpu.s[S.IRQ_SHADOW] = 1;
}

/** sysenter (SDM vol. 2, SYSENTER): to CPL 0 at SYSENTER_CS:SYSENTER_EIP with flat caches. */
export function sysenter(cpu: Cpu, insn: number): void {
  const s = cpu.s;
  const cs = s[S.SYSENTER_CS] & 0xfffc;
  if (!cpu.protectedMode || cs === 0) throw gp0(insn);
  cpu.setEflags(cpu.eflags() & ~(F.VM | F.IF | F.RF));
  cpu.setCpl(0);
  cpu.setSegCache(Seg.CS, cs, 0, -1, 0xc09b);
  cpu.setSegCache(Seg.SS, (cs + 8) & 0xfffc, 0, -1, 0xc093);
  s[S.ESP] = s[S.SYSENTER_ESP];
  s[S.EIP] = s[S.SYSENTER_EIP];
  cpu.updateMode();
}

/** sysexit (SDM vol. 2, SYSEXIT): back to CPL 3 at SYSENTER_CS+16:EDX with ESP = ECX. */
export function sysexit(cpu: Cpu, insn: number): void {
  const s = cpu.s;
  const cs = s[S.SYSENTER_CS] & 0xfffc;
  if (!cpu.protectedMode || cpu.cpl !== 0 || cs === 0) throw gp0(insn);
  cpu.setCpl(3);
  cpu.setSegCache(Seg.CS, (cs + 16) | 3, 0, -1, 0xc0fb);
  cpu.setSegCache(Seg.SS, (cs + 24) | 3, 0, -1, 0xc0f3);
  s[S.ESP] = s[S.ECX];
  s[S.EIP] = s[S.EDX];
  cpu.updateMode();
}
