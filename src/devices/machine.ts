// The machine of the CPU-core issue: RAM, the CPU, a COM1 transmitter and
// QEMU's isa-debug-exit, with a multiboot kernel loaded. Later issues add
// the interrupt-driven PC devices and the Linux loader here.
import { Cpu, Memory, IoBus, Executor, StopReason, type DebugLog } from '../runtime/index.js';
import { S, F } from '../frontend-x86/index.js';
import { SerialTransmitter } from './serial-tx.js';
import { attachDebugExit } from './debug-exit.js';
import { loadMultiboot } from './multiboot.js';
import { UserError } from './errors.js';

export interface MachineOptions {
  memoryMiB: number;
  /** Receives every byte the guest writes to COM1. */
  serialOut: (byte: number) => void;
}

export interface RunResult {
  /** Process exit status the run asks for. */
  status: number;
  /** One-line explanation for stderr (empty when the guest ended through isa-debug-exit). */
  message: string;
  reason: StopReason;
}

export class Machine {
  readonly mem: Memory;
  readonly io = new IoBus();
  readonly cpu: Cpu;
  readonly exec: Executor;
  private exitStatus: number | null = null;

  constructor(opts: MachineOptions) {
    if (!(opts.memoryMiB >= 2 && opts.memoryMiB <= 2048)) throw new UserError(`--memory: ${opts.memoryMiB} MiB is outside 2..2048`);
    this.mem = new Memory(opts.memoryMiB * 1024 * 1024);
    this.cpu = new Cpu(this.mem, this.io);
    this.exec = new Executor(this.cpu);
    new SerialTransmitter(opts.serialOut).attach(this.io);
    attachDebugExit(this.io, (status) => {
      this.exitStatus = status;
      this.exec.stop();
    });
  }

  loadMultiboot(file: string, data: Uint8Array, cmdline: string): void {
    loadMultiboot(this.cpu, { file, data, cmdline });
  }

  set debug(d: DebugLog | null) { this.exec.debug = d; }

  /** Runs until the guest ends the run, or `maxIcount` instructions have retired. */
  run(maxIcount = Infinity): RunResult {
    for (;;) {
      const reason = this.exec.run(maxIcount);
      if (this.exitStatus !== null) return { status: this.exitStatus, message: '', reason };
      switch (reason) {
        case StopReason.Budget:
          return { status: 0, message: `stopped at icount ${this.cpu.icount}`, reason };
        case StopReason.TripleFault:
          return { status: 3, message: `triple fault at EIP 0x${(this.cpu.s[S.EIP] >>> 0).toString(16)}: the CPU would reset`, reason };
        case StopReason.Halted: {
          const ifOn = (this.cpu.s[S.EFLAGS] & F.IF) !== 0;
          const where = `0x${(this.cpu.s[S.EIP] >>> 0).toString(16)}`;
          return ifOn
            ? { status: 0, message: `guest halted at ${where} with interrupts enabled and no interrupt pending`, reason }
            : { status: 0, message: `guest halted at ${where} with interrupts disabled`, reason };
        }
        case StopReason.Stopped:
          return { status: 0, message: 'stopped', reason };
      }
    }
  }
}
