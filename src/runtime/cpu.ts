// The CPU's architectural state and the operations on it that are not
// instructions: reset, EFLAGS assembly, segment-register caches and the
// translation mode they imply.
import { S, F, computeOszapc, ModeBit, FLAT_SHIFT } from '../frontend-x86/index.js';
import { type Memory, MappingScope } from './memory.js';
import { ARENA } from './arena.js';
import { type IoBus } from './io.js';
import { PageWalker } from './paging.js';
import { fpuReset } from './fpu/registers.js';

/** CR4.PGE: global pages (SDM vol. 3, 2.5). */
const CR4_PGE = 1 << 7;

export class Cpu {
  /** The architectural state (slots in frontend-x86/state.ts), in the arena. */
  readonly s: Int32Array;
  /** [retired instructions since reset (exact below 2^53), the current run's icount limit]; shared with generated code. */
  readonly ic: Float64Array;
  /** [exit requested, watched address accessed]: shared with generated code. */
  readonly ctl: Int32Array;

  get icount(): number { return this.ic[0]; }
  set icount(v: number) { this.ic[0] = v; }

  /** Set when the execution loop must look at the machine between blocks (interrupt, halt, mode change, stop). */
  get exitRequest(): boolean { return this.ctl[0] !== 0; }
  set exitRequest(v: boolean) { this.ctl[0] = v ? 1 : 0; }
  /** Whether an interrupt request waits at the CPU's INTR input (the executor asks its interrupt source). */
  interruptPending: () => boolean = () => true;

  /**
   * After an instruction that may have set EFLAGS.IF, TF or RF (sti, popf,
   * iret): the execution loop must look at the machine only when an
   * interrupt can now be taken, single-stepping starts, or the next
   * instruction resumes past a breakpoint. Otherwise blocks run on (a
   * kernel enables interrupts tens of thousands of times while booting,
   * nearly always with none waiting; an interrupt that arrives later
   * raises INTR, which requests the exit then).
   */
  flagsChanged(): void {
    const f = this.s[S.EFLAGS];
    if ((f & (F.TF | F.RF)) !== 0 || ((f & F.IF) !== 0 && this.interruptPending())) this.exitRequest = true;
  }
  /** Index within the running block of the instruction doing port I/O (for its exact icount). */
  ioInsn = 0;
  /**
   * Time-stamp counter ticks that halts skipped: the TSC runs at one tick per
   * instruction time (2^shift ns) of virtual time, including the time a halted
   * CPU warps over (set by the virtual clock, devices/clock.ts).
   */
  tscWarp = 0;
  /** Translation mode of the current state (see frontend-x86/mode.ts). */
  mode = 0;

  private readonly walker: PageWalker;

  constructor(readonly mem: Memory, readonly io: IoBus) {
    const buf = mem.arena.buffer;
    if (S.SIZE * 4 > ARENA.ic - ARENA.state) throw new Error('cpu: the state array outgrew its room in the arena');
    this.s = new Int32Array(buf, ARENA.state, S.SIZE);
    this.ic = new Float64Array(buf, ARENA.ic, 2);
    this.ctl = new Int32Array(buf, ARENA.ctl, 2);
    this.walker = new PageWalker(this.s, { read32: (a) => mem.read32(a), write32: (a, v) => mem.write32(a, v) });
    this.reset();
  }

  /**
   * Call after CR0, CR3 or CR4 change: switches paging on or off and drops
   * stale translations, all of them but after a CR3 load (`cr3Only`) with
   * CR4.PGE set, which keeps global pages' (SDM vol. 3, 4.10.4.1).
   */
  updatePaging(cr3Only = false): void {
    const on = (this.s[S.CR0] & 0x80000001) === (0x80000001 | 0);
    this.mem.walker = on ? this.walker : null;
    const keepGlobal = cr3Only && on && (this.s[S.CR4] & CR4_PGE) !== 0;
    this.mem.mappingChanged(keepGlobal ? MappingScope.NotGlobal : MappingScope.All);
  }

  /** Power-on state (SDM vol. 3, 9.1.1): real mode, CS:IP = F000:FFF0 with CS base FFFF0000. */
  reset(): void {
    const s = this.s;
    s.fill(0);
    s[S.EFLAGS] = F.FIXED1;
    s[S.EIP] = 0xfff0;
    s[S.EDX] = 0x600;
    s[S.CR0] = 0x60000010;
    s[S.DR + 6] = 0xffff0ff0 | 0;
    s[S.DR + 7] = 0x400;
    fpuReset(s);
    for (let i = 0; i < 6; i++) this.setSegCache(i, 0, 0, 0xffff, 0x93);
    this.setSegCache(1, 0xf000, 0xffff0000 | 0, 0xffff, 0x9b);
    s[S.IDTR_LIMIT] = 0xffff;
    s[S.GDTR_LIMIT] = 0xffff;
    s[S.LDTR_LIMIT] = 0xffff;
    s[S.TR_LIMIT] = 0xffff;
    this.updatePaging();
    this.updateMode();
  }

  eflags(): number {
    const s = this.s;
    return s[S.EFLAGS] | computeOszapc(s[S.CC_OP], s[S.CC_DST], s[S.CC_SRC], s[S.CC_SRC2]);
  }

  setEflags(v: number): void {
    const s = this.s;
    s[S.EFLAGS] = (v & ~F.OSZAPC & 0x3f7fd7) | F.FIXED1;
    s[S.CC_OP] = 0;
    s[S.CC_SRC] = v & F.OSZAPC;
  }

  setSegCache(seg: number, selector: number, base: number, limit: number, attr: number): void {
    const s = this.s;
    s[S.SEL + seg] = selector & 0xffff;
    s[S.BASE + seg] = base | 0;
    s[S.LIMIT + seg] = limit | 0;
    s[S.ATTR + seg] = attr;
  }

  // ---- memory and stack access for helpers (linear addresses; may throw guest faults) ----

  readLinear8(a: number): number { return this.mem.ld1(a | 0, -1) & 0xff; }
  readLinear16(a: number): number { return this.mem.ld2(a | 0, -1) & 0xffff; }
  readLinear32(a: number): number { return this.mem.ld4(a | 0, -1) | 0; }
  /** Linear writes return 1 when they hit the code of the block now running (see Memory.onCodeWrite). */
  writeLinear8(a: number, v: number): number { return this.mem.st1(a | 0, v, -1); }
  writeLinear16(a: number, v: number): number { return this.mem.st2(a | 0, v, -1); }
  writeLinear32(a: number, v: number): number { return this.mem.st4(a | 0, v, -1); }
  readLinear(a: number, size: number): number {
    return size === 1 ? this.readLinear8(a) : size === 2 ? this.readLinear16(a) : this.readLinear32(a);
  }
  writeLinear(a: number, size: number, v: number): number {
    return size === 1 ? this.writeLinear8(a, v) : size === 2 ? this.writeLinear16(a, v) : this.writeLinear32(a, v);
  }

  /** Current instruction count for an event inside a block: retired count at block entry plus the instruction's index. */
  icountAt(insn: number): number { return this.icount + (insn > 0 ? insn : 0); }

  /** The time-stamp counter: a pure function of icount and the halt warps (DESIGN.md, time and determinism). */
  tscAt(insn: number): number { return this.icountAt(insn) + this.tscWarp; }

  portRead(port: number, size: number): number {
    const v = this.io.read(port, size);
    return size === 4 ? v | 0 : v & (size === 2 ? 0xffff : 0xff);
  }

  portWrite(port: number, size: number, v: number): void {
    this.io.write(port, size, size === 4 ? v | 0 : v & (size === 2 ? 0xffff : 0xff));
  }

  private get stack32(): boolean { return (this.s[S.ATTR + 2] & 0x4000) !== 0; }

  /** Linear address of SS:(ESP + offset). */
  stackAddress(offset: number): number {
    const sp = (this.s[S.ESP] + offset) | 0;
    return (this.s[S.BASE + 2] + (this.stack32 ? sp : sp & 0xffff)) | 0;
  }

  stackRead(size: number, offset: number): number { return this.readLinear(this.stackAddress(offset), size); }

  addStackPointer(n: number): void {
    const s = this.s;
    s[S.ESP] = this.stack32 ? (s[S.ESP] + n) | 0 : (s[S.ESP] & 0xffff0000) | ((s[S.ESP] + n) & 0xffff);
  }

  /** Pushes a value (ESP moves first, as on hardware). */
  push(size: number, v: number): void {
    this.addStackPointer(-size);
    this.writeLinear(this.stackAddress(0), size, v);
  }

  pop(size: number): number {
    const v = this.stackRead(size, 0);
    this.addStackPointer(size);
    return v;
  }

  get protectedMode(): boolean { return (this.s[S.CR0] & 1) !== 0; }
  get cpl(): number { return this.s[S.CPL]; }

  /** Called after DR0-DR3 or DR7 change (the executor re-reads the guest's breakpoints). */
  onDebugRegs: () => void = () => {};

  /** An x87 exception is pending with CR0.NE clear: the PC's FERR# line (IRQ 13); the machine wires it. */
  onFpuError: () => void = () => {};

  /**
   * Changes the privilege level. The TLB holds permissions checked for
   * supervisor or for user accesses, so crossing between CPL 3 and the
   * others drops it (with paging on; without, there is nothing to check).
   */
  setCpl(cpl: number): void {
    const s = this.s;
    const old = s[S.CPL];
    s[S.CPL] = cpl;
    if ((old === 3) !== (cpl === 3) && this.mem.walker !== null) this.mem.flushTlb();
  }

  /**
   * Runs `fn` with its memory accesses made as implicit supervisor accesses
   * (descriptor tables, the TSS, the IDT: SDM vol. 3, 4.6), even at CPL 3.
   */
  supervisor<T>(fn: () => T): T {
    const s = this.s;
    s[S.SYSACC]++;
    try {
      return fn();
    } finally {
      s[S.SYSACC]--;
    }
  }

  /**
   * Runs a multi-step state change (a far transfer, an interrupt, a task
   * switch) so that a fault partway leaves the registers as they were: the
   * instruction is then restarted or the fault delivered from a precise state.
   */
  atomically<T>(fn: () => T): T {
    const saved = this.s.slice();
    try {
      return fn();
    } catch (e) {
      const cr2 = this.s[S.CR2];
      this.s.set(saved);
      this.s[S.CR2] = cr2; // a page fault's address stays
      this.updatePaging(); // CPL and CR3 may have changed: the TLB goes
      this.updateMode();
      throw e;
    }
  }

  /** Recomputes the translation mode from the state; call after any change to CS, SS, segment caches or CR0. */
  updateMode(): void {
    const s = this.s;
    let m = 0;
    if (s[S.ATTR + 1] & 0x4000) m |= ModeBit.Code32;
    if (s[S.ATTR + 2] & 0x4000) m |= ModeBit.Stack32;
    if (s[S.CR0] & 1) m |= ModeBit.Protected;
    for (let i = 0; i < 6; i++) if ((s[S.ATTR + i] & 0x9c) === 0x94) m |= ModeBit.ExpandDown;
    for (let i = 0; i < 6; i++) {
      const attr = s[S.ATTR + i];
      // Flat: base 0, limit 4 GiB, present, and (but for CS) a writable expand-up data segment,
      // so generated code needs neither a limit nor a rights check.
      // CS must be readable too, so that data reads through it need no check (execute-only code: 5.4.1).
      const usable = i === 1 ? (attr & 0x82) === 0x82 : (attr & 0x9e) === 0x92;
      if (s[S.BASE + i] === 0 && s[S.LIMIT + i] === -1 && usable) m |= 1 << (FLAT_SHIFT + i);
    }
    if (m !== this.mode) {
      this.mode = m;
      this.exitRequest = true;
    }
  }
}
