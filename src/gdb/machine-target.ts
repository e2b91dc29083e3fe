// GdbTarget over a live Machine (`run`/`record --gdb`): registers, memory at
// linear addresses, breakpoints through Executor.setBreakpoint, and execution
// driven through runLive's LiveControl (the live loop asks gate() before
// every slice, so input, checkpoints and pacing stay runLive's business).
//
// MachineDebugView is the part shared with the replay target
// (replay-target.ts): everything but how the machine runs.
import { type Machine, type MachineStop } from '../devices/index.js';
import { S, F } from '../frontend-x86/index.js';
import { loadSegment } from '../runtime/index.js';
import { type LiveControl } from '../replay/index.js';
import { I386_REGISTERS, I386_REGISTER_BYTES, I386_REGNUM } from './target-xml.js';
import { readX87, writeX87 } from './x87-registers.js';
import { BreakpointType, GdbSignal, type GdbTarget, type ResumeAction, type StopReason } from './target.js';

/** GDB's segment order (cs ss ds es fs gs) as indexes into the CPU state's ES, CS, SS, DS, FS, GS. */
const GDB_SEG_TO_STATE = [1, 2, 3, 0, 4, 5] as const;

/** Registers, memory and breakpoints of a machine, as a debugger sees them. */
export abstract class MachineDebugView implements GdbTarget {
  /** Breakpoint addresses (linear) GDB inserted, counted (Z0 and Z1 at one address). */
  protected readonly bps = new Map<number, number>();
  /** Where stop replies go (the connected session); null without one. */
  reporter: ((reason: StopReason) => void) | null = null;

  constructor(readonly machine: Machine) {}

  abstract readonly canReverse: boolean;
  abstract resume(action: ResumeAction): void;
  abstract interrupt(): void;
  abstract detach(): void;
  abstract kill(): void;

  monitor(command: string): string {
    const cmd = command.trim();
    if (cmd === 'help' || cmd === '') return this.monitorHelp();
    if (cmd === 'info icount') return `icount ${this.machine.cpu.icount}\n`;
    return `unknown monitor command "${cmd}"\n` + this.monitorHelp();
  }

  protected monitorHelp(): string {
    return 'monitor commands: info icount\n';
  }

  protected report(reason: StopReason): void {
    this.reporter?.(reason);
  }

  // --- registers -------------------------------------------------------

  readRegisters(): Uint8Array {
    const out = new Uint8Array(I386_REGISTER_BYTES);
    for (const r of I386_REGISTERS) {
      const b = this.readRegister(r.regnum);
      if (b) out.set(b, r.offset);
    }
    return out;
  }

  writeRegisters(bytes: Uint8Array): boolean {
    // Only what changed is written, so an unchanged segment register is never reloaded.
    const cur = this.readRegisters();
    for (const r of I386_REGISTERS) {
      const slice = bytes.subarray(r.offset, r.offset + r.size);
      if (equalBytes(slice, cur.subarray(r.offset, r.offset + r.size))) continue;
      if (!this.writeRegister(r.regnum, slice)) return false;
    }
    return true;
  }

  readRegister(regnum: number): Uint8Array | null {
    const reg = I386_REGISTERS[regnum];
    if (!reg) return null;
    const out = new Uint8Array(reg.size);
    if (regnum >= I386_REGNUM.ST0) { readX87(this.machine.cpu, regnum - I386_REGNUM.ST0, out); return out; }
    const cpu = this.machine.cpu, s = cpu.s;
    let v: number;
    if (regnum <= I386_REGNUM.EIP) v = s[S.EAX + regnum];
    else if (regnum === I386_REGNUM.EFLAGS) v = cpu.eflags();
    else v = s[S.SEL + GDB_SEG_TO_STATE[regnum - I386_REGNUM.CS]] & 0xffff;
    new DataView(out.buffer).setUint32(0, v >>> 0, true);
    return out;
  }

  writeRegister(regnum: number, bytes: Uint8Array): boolean {
    const reg = I386_REGISTERS[regnum];
    if (!reg || bytes.length !== reg.size) return false;
    if (regnum >= I386_REGNUM.ST0) return writeX87(this.machine.cpu, regnum - I386_REGNUM.ST0, bytes);
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true) | 0;
    const cpu = this.machine.cpu, s = cpu.s;
    if (regnum <= I386_REGNUM.EIP) { s[S.EAX + regnum] = v; return true; }
    if (regnum === I386_REGNUM.EFLAGS) { cpu.setEflags(v); return true; }
    return this.writeSegment(GDB_SEG_TO_STATE[regnum - I386_REGNUM.CS], v);
  }

  /**
   * A segment register write: in real (and virtual-8086) mode the selector and
   * its base; in protected mode a descriptor load like `mov sreg`, refused
   * (state untouched) when it would fault. CS in protected mode only to itself.
   */
  private writeSegment(seg: number, value: number): boolean {
    const cpu = this.machine.cpu, s = cpu.s;
    if (value >>> 16 !== 0) return false;
    if (s[S.SEL + seg] === value) return true;
    const protectedMode = cpu.protectedMode && (s[S.EFLAGS] & F.VM) === 0;
    if (protectedMode && seg === 1) return false;
    const saved = s.slice();
    try {
      loadSegment(cpu, seg, value);
    } catch {
      s.set(saved);
      cpu.updateMode();
      return false;
    }
    this.machine.exec.flush(); // translated code assumed the old segment state
    return true;
  }

  // --- memory ------------------------------------------------------------

  /**
   * Linear to physical like the CPU at CPL 0, but with no side effects (no
   * accessed/dirty bits, no CR2, no TLB); null when not mapped or not RAM.
   */
  protected physical(linear: number): number | null {
    const s = this.machine.cpu.s, mem = this.machine.mem;
    linear >>>= 0;
    let phys = linear;
    if ((s[S.CR0] & 0x80000001) === (0x80000001 | 0)) {
      const pde = mem.read32(((s[S.CR3] & ~0xfff) >>> 0) + (linear >>> 22) * 4);
      if (!(pde & 1)) return null;
      if ((pde & 0x80) && (s[S.CR4] & 0x10)) {
        phys = ((pde & 0xffc00000) | (linear & 0x3fffff)) >>> 0;
      } else {
        const pte = mem.read32(((pde & ~0xfff) >>> 0) + ((linear >>> 12) & 0x3ff) * 4);
        if (!(pte & 1)) return null;
        phys = ((pte & ~0xfff) | (linear & 0xfff)) >>> 0;
      }
    }
    return phys < mem.size ? phys : null; // MMIO and open bus: not read or written by the debugger
  }

  readMemory(addr: number, length: number): Uint8Array | null {
    const out = new Uint8Array(length);
    let n = 0;
    for (; n < length; n++) {
      const phys = this.physical((addr + n) >>> 0);
      if (phys === null) break;
      out[n] = this.machine.mem.read8(phys);
    }
    return n === 0 ? null : out.subarray(0, n);
  }

  writeMemory(addr: number, bytes: Uint8Array): boolean {
    // Every byte must be writable before any is written.
    const phys: number[] = [];
    for (let i = 0; i < bytes.length; i++) {
      const p = this.physical((addr + i) >>> 0);
      if (p === null) return false;
      phys.push(p);
    }
    // writePhys keeps dirty-page tracking and drops translated code made from the page.
    for (let i = 0; i < bytes.length; i++) this.machine.mem.writePhys(phys[i], 1, bytes[i]);
    return true;
  }

  // --- breakpoints ---------------------------------------------------------

  insertBreakpoint(type: BreakpointType, addr: number, kind: number): boolean {
    if (type !== BreakpointType.Software && type !== BreakpointType.Hardware) return this.setWatch(type, addr, kind, true);
    const n = this.bps.get(addr) ?? 0;
    this.bps.set(addr, n + 1);
    if (n === 0) this.armBreakpoint(addr, true);
    return true;
  }

  removeBreakpoint(type: BreakpointType, addr: number, kind: number): boolean {
    if (type !== BreakpointType.Software && type !== BreakpointType.Hardware) return this.setWatch(type, addr, kind, false);
    const n = this.bps.get(addr);
    if (n === undefined) return true;
    if (n > 1) { this.bps.set(addr, n - 1); return true; }
    this.bps.delete(addr);
    this.armBreakpoint(addr, false);
    return true;
  }

  /** Watchpoints GDB inserted (Z2 write, Z3 read, Z4 access), by "type:addr:len". */
  protected readonly watches = new Map<string, { type: BreakpointType; addr: number; len: number }>();

  /** Whether this target can watch memory. */
  protected get watchable(): boolean { return true; }

  private setWatch(type: BreakpointType, addr: number, len: number, on: boolean): boolean {
    if (!this.watchable || !(len >= 1 && len <= 4096)) return false;
    const key = `${type}:${addr >>> 0}:${len}`;
    if (on) this.watches.set(key, { type, addr: addr >>> 0, len }); else this.watches.delete(key);
    this.armWatchpoints(true);
    return true;
  }

  /** Puts GDB's watchpoints in the executor (on) or takes them out (the replay target arms them only while it searches). */
  protected armWatchpoints(on: boolean): void {
    this.machine.exec.setWatchpoints(!on ? [] : [...this.watches.values()].map((w) => ({
      linear: w.addr, len: w.len,
      read: w.type !== BreakpointType.Write, write: w.type !== BreakpointType.Read,
    })));
  }

  /** The stop reply for a watchpoint stop: GDB's kind of the watchpoint that fired. */
  protected watchStop(): StopReason {
    const hit = this.machine.exec.watchHit;
    this.machine.exec.watchHit = null;
    const addr = hit?.linear ?? 0;
    const w = [...this.watches.values()].find((x) => x.addr === addr && (hit?.kind === 'write' ? x.type !== BreakpointType.Read : x.type !== BreakpointType.Write));
    const kind = w?.type === BreakpointType.Read ? 'rwatch' : w?.type === BreakpointType.Access ? 'awatch' : 'watch';
    return { signal: GdbSignal.SIGTRAP, watch: { kind, addr } };
  }

  /** Puts a breakpoint in the executor (the replay target arms them only while it searches). */
  protected armBreakpoint(addr: number, on: boolean): void {
    this.machine.exec.setBreakpoint(addr, on);
  }

  /** CS base + EIP. */
  protected pcLinear(): number {
    const s = this.machine.cpu.s;
    return (s[S.BASE + 1] + s[S.EIP]) >>> 0;
  }

  /** Whether a GDB breakpoint is at the current instruction. */
  protected atBreakpoint(): boolean {
    return this.bps.has(this.pcLinear());
  }

  /** Before running from the current instruction: a breakpoint there must not stop the run at once. */
  protected stepOverIfAtBreakpoint(): void {
    if (this.atBreakpoint()) this.machine.exec.stepOverBreakpoint();
  }
}

/** A machine stop that ended the guest, as GDB's exit code (W packet). */
export function exitCodeOf(stop: MachineStop): number | null {
  switch (stop.kind) {
    case 'exit': case 'poweroff': case 'triple-fault': case 'reset': return stop.status & 0xff;
    default: return null;
  }
}

type LiveMode = 'free' | 'stopped' | 'continue' | 'step';

/**
 * A live machine under GDB. Modes: 'free' (no debugger: runs on), 'stopped'
 * (the live loop waits in gate()), 'continue', 'step' (runs to icount + 1).
 */
export class LiveMachineTarget extends MachineDebugView implements LiveControl {
  readonly canReverse = false;
  private mode: LiveMode = 'free';
  private stepTo = 0;
  private interruptPending = false;
  private killed = false;
  private wake: (() => void) | null = null;
  /** Called when the live loop should stop waiting (for input or a timer) and come back to gate(). */
  onKick: (() => void) | null = null;

  /** Hold the machine where it is (before the first instruction with -S, or when GDB connects). */
  hold(): void {
    if (this.mode !== 'stopped') this.mode = 'stopped';
  }

  get isKilled(): boolean { return this.killed; }

  // --- LiveControl -----------------------------------------------------------

  gate(): number | null | Promise<number | null> {
    if (this.killed) return null;
    if (this.interruptPending) {
      this.interruptPending = false;
      if (this.mode === 'continue' || this.mode === 'step') {
        this.mode = 'stopped';
        this.report({ signal: GdbSignal.SIGINT });
      }
    }
    if (this.mode !== 'stopped') return this.cap();
    return this.waitForResume();
  }

  private async waitForResume(): Promise<number | null> {
    while (this.mode === 'stopped' && !this.killed) await new Promise<void>((resolve) => { this.wake = resolve; });
    return this.killed ? null : this.cap();
  }

  private cap(): number {
    return this.mode === 'step' ? this.stepTo : Infinity;
  }

  stopped(stop: MachineStop): void {
    if (this.mode === 'free') {
      // No debugger any more: a breakpoint left behind does not hold the guest.
      if (stop.kind === 'breakpoint') this.machine.exec.stepOverBreakpoint();
      return;
    }
    this.mode = 'stopped';
    this.report(stop.kind === 'breakpoint' ? { signal: GdbSignal.SIGTRAP, swbreak: true }
      : stop.kind === 'watchpoint' ? this.watchStop() : { signal: GdbSignal.SIGTRAP });
  }

  /** The live run ended (the guest exited, or it was killed): GDB hears an exit if it waits for a stop. */
  finished(stop: MachineStop): void {
    const wasRunning = this.mode === 'continue' || this.mode === 'step';
    this.mode = 'free';
    if (wasRunning) this.report({ signal: GdbSignal.SIGTRAP, exitCode: exitCodeOf(stop) ?? 0 });
  }

  private kick(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
    this.onKick?.();
  }

  // --- GdbTarget ---------------------------------------------------------------

  resume(action: ResumeAction): void {
    if (action.reverse) throw new Error('reverse execution needs a replay');
    this.stepOverIfAtBreakpoint();
    if (action.kind === 'step') {
      this.mode = 'step';
      this.stepTo = this.machine.cpu.icount + 1;
    } else {
      this.mode = 'continue';
    }
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  interrupt(): void {
    this.interruptPending = true;
    this.kick();
  }

  detach(): void {
    this.mode = 'free';
    this.reporter = null;
    this.interruptPending = false;
    this.kick();
  }

  kill(): void {
    this.killed = true;
    this.reporter = null;
    this.kick();
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
