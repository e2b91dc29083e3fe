// What the executor shows the rest of the machine: why a run stopped, and
// the hooks it calls (interrupt source, execution tracer, debug log).
import { type TranslationBlock } from './tb.js';

export const enum StopReason {
  /** The icount budget was reached. */
  Budget = 'budget',
  /** The CPU halted and no interrupt is pending. */
  Halted = 'halted',
  /** stop() was called (a device ended the run, a debugger asked). */
  Stopped = 'stopped',
  TripleFault = 'triple-fault',
  /** A debugger breakpoint was reached: EIP is at it, the instruction there has not run. */
  Breakpoint = 'breakpoint',
  /** A watched address was accessed: the accessing instruction has completed (see Executor.watchHit). */
  Watchpoint = 'watchpoint',
}

/** Where external interrupts come from (the PIC, later). */
export interface InterruptSource {
  pending(): boolean;
  /** Acknowledges the highest-priority request and returns its vector. */
  acknowledge(): number;
}

/** Receives what an execution trace records (src/trace); never changes what the guest does. */
export interface ExecTracer {
  /** Before each block runs, with the CPU state as the block starts. */
  block(tb: TranslationBlock): void;
  /** A block was translated from the guest code bytes at this linear address. */
  translated(linear: number, bytes: Uint8Array): void;
  /** An interrupt or exception was delivered (kind: 0 hardware, 1 software int, 2 exception). */
  interrupt(vector: number, kind: number, errorCode: number): void;
}

export interface DebugLog {
  inAsm?: boolean;
  op?: boolean;
  outJs?: boolean;
  exec?: boolean;
  write(line: string): void;
}
