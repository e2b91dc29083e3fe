// The PC: RAM, the CPU, the virtual clock and the devices (i8259A PIC pair,
// i8254 PIT with port 0x61, MC146818 RTC/CMOS, 16550A UART on COM1, the
// FERR#/IRQ 13 latch, the i8042 with port 0x92, QEMU's isa-debug-exit), with a kernel loaded. runUntil() is the one way time moves forward: it runs the CPU to
// an icount, firing timers at their exact icounts in between; what happens
// when the CPU halts (warp to the next timer, or wait for input) is decided
// by the caller, the replay layer, which is the only source of input.
import { Cpu, Memory, IoBus, Executor, StopReason, type DebugLog } from '../runtime/index.js';
import { S, F } from '../frontend-x86/index.js';
import { attachDebugExit } from './debug-exit.js';
import { Pic } from './pic.js';
import { Pit } from './pit.js';
import { Rtc } from './rtc.js';
import { Uart } from './uart.js';
import { FpuErrorLatch } from './fpu-error.js';
import { I8042 } from './i8042.js';
import { loadMultiboot, type MultibootModule } from './multiboot.js';
import { UserError } from './errors.js';
import { VirtualClock, DEFAULT_ICOUNT_SHIFT, type ClockState } from './clock.js';
import { type Device, type DeviceState } from './device.js';
import { PciBus } from './pci.js';

export interface MachineOptions {
  memoryMiB: number;
  /** Receives every byte the guest writes to COM1. */
  serialOut: (byte: number) => void;
  /** Virtual ns per instruction = 2^shift (QEMU's -icount shift=N). */
  icountShift?: number;
  /** Unix ms the RTC starts from (recorded by the replay layer). */
  startTimeMs?: number;
  /** A triple fault ends the run (QEMU's -no-reboot) instead of resetting the machine. */
  noReboot?: boolean;
}

/** Why runUntil() returned. */
export type MachineStopKind =
  | 'limit' // the icount limit was reached
  | 'exit' // the guest wrote to isa-debug-exit
  | 'poweroff' // hlt with interrupts disabled
  | 'halted' // hlt with interrupts enabled: the caller warps to the next timer or waits for input
  | 'triple-fault'
  | 'reset' // the guest pulled the reset line with --no-reboot
  | 'stopped' // stop() was called
  | 'breakpoint' // a debugger breakpoint (Executor.setBreakpoint) was reached
  | 'watchpoint'; // a watched address was accessed (Executor.setWatchpoints; details in exec.watchHit)

export interface MachineStop {
  kind: MachineStopKind;
  /** Exit status for 'exit'; 0 for 'poweroff'; 3 for 'triple-fault'. */
  status: number;
}

export interface RunResult {
  /** Process exit status the run asks for. */
  status: number;
  /** One-line explanation for stderr (empty when the guest ended through isa-debug-exit). */
  message: string;
  reason: StopReason;
}

/** Everything of a machine's state but RAM, as plain data (RAM is saved by the caller: whole, or page by page). */
export interface MachineCore {
  version: 1;
  memoryMiB: number;
  icountShift: number;
  icount: number;
  cpu: number[];
  clock: ClockState;
  devices: Record<string, DeviceState>;
  exitStatus: number | null;
}

export class Machine {
  readonly mem: Memory;
  readonly io = new IoBus();
  readonly cpu: Cpu;
  readonly exec: Executor;
  readonly clock: VirtualClock;
  readonly pic = new Pic();
  readonly pit: Pit;
  readonly rtc: Rtc;
  readonly com1: Uart;
  /** x87 errors with CR0.NE clear: FERR# to IRQ 13, cleared by port 0xF0. */
  readonly ferr: FpuErrorLatch;
  /** The keyboard controller and port 0x92: A20 and the reset line. */
  readonly kbc: I8042;
  readonly pci: PciBus;
  private resetRequested = false;
  /** Every device with state, in the order snapshots save and load them. */
  readonly devices: Device[];
  private exitStatus: number | null = null;
  private bootImage: (() => void) | null = null;
  /** Resets since power-on. */
  resets = 0;

  constructor(readonly opts: MachineOptions) {
    if (!(opts.memoryMiB >= 2 && opts.memoryMiB <= 2048)) throw new UserError(`--memory: ${opts.memoryMiB} MiB is outside 2..2048`);
    this.mem = new Memory(opts.memoryMiB * 1024 * 1024);
    this.cpu = new Cpu(this.mem, this.io);
    this.exec = new Executor(this.cpu);
    this.clock = new VirtualClock(this.cpu, opts.icountShift ?? DEFAULT_ICOUNT_SHIFT);
    this.clock.onDeadline = (icount) => this.exec.lowerLimit(icount);
    const { pic, io, cpu } = this;
    pic.attach(io);
    pic.onIntr = (level) => { if (level) cpu.exitRequest = true; };
    this.exec.irqSource = pic;
    this.pit = new Pit(this.clock, pic);
    this.pit.attach(io);
    this.rtc = new Rtc(this.clock, pic, { startTimeMs: opts.startTimeMs ?? 0, memoryBytes: this.mem.size });
    this.rtc.attach(io);
    this.com1 = new Uart(this.clock, pic, { name: 'com1', output: opts.serialOut });
    this.com1.attach(io);
    this.ferr = new FpuErrorLatch(pic);
    this.ferr.attach(io);
    cpu.onFpuError = () => this.ferr.signal();
    this.kbc = new I8042(pic, {
      setA20: (on) => { this.mem.a20 = on; },
      reset: () => { this.resetRequested = true; this.exec.stop(); },
    });
    this.kbc.attach(io);
    this.pci = new PciBus();
    this.pci.attach(io);
    this.devices = [pic, this.pit, this.rtc, this.com1, this.ferr, this.kbc, this.pci];
    attachDebugExit(this.io, (status) => {
      this.exitStatus = status;
      this.exec.stop();
    });
  }

  loadMultiboot(file: string, data: Uint8Array, cmdline: string, modules?: MultibootModule[]): void {
    this.setBootImage(() => loadMultiboot(this.cpu, { file, data, cmdline, modules }));
    this.bootImage!();
  }

  /** What a reset loads again before the CPU starts (a multiboot kernel; none for a BIOS, which runs from the reset vector). */
  setBootImage(load: () => void): void { this.bootImage = load; }

  /**
   * A reset (triple fault, or the machine's reset lines): the CPU's power-on
   * state, every device reset, translated code dropped; RAM keeps its
   * contents, as on a PC, and the boot image is loaded again.
   */
  reset(): void {
    this.cpu.reset();
    for (const d of this.devices) d.reset();
    this.mem.a20 = true;
    this.exec.flush();
    this.exec.syncDebugRegs();
    this.bootImage?.();
    this.resets++;
  }

  set debug(d: DebugLog | null) { this.exec.debug = d; }

  /** Bytes typed into COM1, delivered now (by the replay layer, between blocks). */
  serialInput(bytes: Uint8Array): void { this.com1.receive(bytes); }

  /** How many input bytes COM1 can take now without overrunning. */
  serialRoom(): number { return this.com1.rxSpace(); }

  /** Runs until icount reaches `limit` or something stops the machine (see MachineStopKind). */
  runUntil(limit: number): MachineStop {
    const cpu = this.cpu, clock = this.clock;
    for (;;) {
      clock.runDue();
      if (this.exitStatus !== null) return { kind: 'exit', status: this.exitStatus };
      if (cpu.icount >= limit) return { kind: 'limit', status: 0 };
      const reason = this.exec.run(Math.min(limit, clock.icountFor(clock.nextDeadline())));
      if (this.exitStatus !== null) return { kind: 'exit', status: this.exitStatus };
      if (this.resetRequested) {
        // The reset line (i8042 command 0xFE, output port bit 0, port 0x92 bit 0): after the I/O instruction that pulled it.
        this.resetRequested = false;
        if (this.opts.noReboot) return { kind: 'reset', status: 0 };
        this.reset();
        continue;
      }
      switch (reason) {
        case StopReason.Budget: continue;
        case StopReason.TripleFault:
          if (this.opts.noReboot) return { kind: 'triple-fault', status: 3 };
          this.reset();
          continue;
        case StopReason.Stopped: return { kind: 'stopped', status: 0 };
        case StopReason.Breakpoint: return { kind: 'breakpoint', status: 0 };
        case StopReason.Watchpoint: return { kind: 'watchpoint', status: 0 };
        case StopReason.Halted:
          return (cpu.s[S.EFLAGS] & F.IF) !== 0 ? { kind: 'halted', status: 0 } : { kind: 'poweroff', status: 0 };
      }
    }
  }

  /**
   * How the machine has ended if it has, judged without running: a CPU
   * halted with interrupts disabled is off (as runUntil reports it, one call
   * later: a replay reaches a recording's end exactly after the hlt).
   */
  endedHere(): MachineStop | null {
    const s = this.cpu.s;
    return s[S.HALTED] !== 0 && (s[S.EFLAGS] & F.IF) === 0 ? { kind: 'poweroff', status: 0 } : null;
  }

  /** A halted CPU jumps virtual time to the next timer deadline. False when no timer is armed (only input can wake it). */
  warp(): boolean {
    const d = this.clock.nextDeadline();
    if (d === Infinity) return false;
    this.clock.warpTo(d);
    return true;
  }

  /** The machine's state but RAM. Call between runUntil() calls. */
  saveCore(): MachineCore {
    const devices: Record<string, DeviceState> = {};
    for (const d of this.devices) devices[d.name] = d.save();
    return {
      version: 1,
      memoryMiB: this.opts.memoryMiB,
      icountShift: this.clock.shift,
      icount: this.cpu.icount,
      cpu: Array.from(this.cpu.s),
      clock: this.clock.save(),
      devices,
      exitStatus: this.exitStatus,
    };
  }

  /**
   * Restores a state from saveCore() (RAM must be restored by the caller).
   * Translated code is dropped. Throws UserError when the state does not fit this machine.
   */
  loadCore(core: MachineCore): void {
    if (core.version !== 1) throw new UserError(`snapshot: machine state version ${core.version}; this rewind86 reads version 1`);
    if (core.memoryMiB !== this.opts.memoryMiB) throw new UserError(`snapshot: taken with ${core.memoryMiB} MiB of RAM, this machine has ${this.opts.memoryMiB}`);
    if (core.icountShift !== this.clock.shift) throw new UserError(`snapshot: taken with icount shift ${core.icountShift}, this machine uses ${this.clock.shift}`);
    if (!Array.isArray(core.cpu) || core.cpu.length !== this.cpu.s.length) throw new UserError('snapshot: corrupt CPU state');
    for (const d of this.devices) {
      if (!core.devices?.[d.name]) throw new UserError(`snapshot: no state for device ${d.name}`);
    }
    // Time first: devices restore their timers relative to it.
    this.cpu.s.set(core.cpu);
    this.exec.syncDebugRegs();
    this.cpu.icount = core.icount;
    this.clock.load(core.clock);
    for (const d of this.devices) d.load(core.devices[d.name]);
    this.exitStatus = core.exitStatus;
    this.exec.flush();
    this.cpu.updatePaging();
    this.cpu.updateMode();
  }

  /** Runs with no input at all: warping through halts, until the guest ends the run or `maxIcount`. */
  run(maxIcount = Infinity): RunResult {
    for (;;) {
      const stop = this.runUntil(maxIcount);
      if (stop.kind === 'halted' && this.warp()) continue;
      return this.describe(stop);
    }
  }

  /** The exit status and the one-line message for how a run ended. */
  describe(stop: MachineStop): RunResult {
    const eip = `0x${(this.cpu.s[S.EIP] >>> 0).toString(16)}`;
    switch (stop.kind) {
      case 'exit': return { status: stop.status, message: '', reason: StopReason.Stopped };
      case 'limit': return { status: 0, message: `stopped at icount ${this.cpu.icount}`, reason: StopReason.Budget };
      case 'triple-fault': return { status: 3, message: `triple fault at EIP ${eip}, icount ${this.cpu.icount} (--no-reboot: not resetting)`, reason: StopReason.TripleFault };
      case 'reset': return { status: 0, message: `the guest reset the machine at EIP ${eip}, icount ${this.cpu.icount} (--no-reboot: not restarting)`, reason: StopReason.Stopped };
      case 'poweroff': return { status: 0, message: `guest halted at ${eip} with interrupts disabled`, reason: StopReason.Halted };
      case 'halted': return { status: 0, message: `guest halted at ${eip} with interrupts enabled and no interrupt pending`, reason: StopReason.Halted };
      case 'stopped': return { status: 0, message: 'stopped', reason: StopReason.Stopped };
      case 'breakpoint': return { status: 0, message: `stopped at a breakpoint at ${eip}`, reason: StopReason.Breakpoint };
      case 'watchpoint': return { status: 0, message: `stopped by a watchpoint at ${eip}`, reason: StopReason.Watchpoint };
    }
  }
}
