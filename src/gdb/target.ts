// What the GDB server needs from the machine being debugged. The emulator
// implements this; the protocol layer knows nothing else about it.

/** Z/z packet types (gdb manual, "insert breakpoint or watchpoint packet"). */
export const BreakpointType = {
  Software: 0,
  Hardware: 1,
  /** Write watchpoint. */
  Write: 2,
  /** Read watchpoint. */
  Read: 3,
  /** Access (read or write) watchpoint. */
  Access: 4,
} as const;
export type BreakpointType = (typeof BreakpointType)[keyof typeof BreakpointType];

export interface ResumeAction {
  kind: 'continue' | 'step';
  /** bc / bs: run backwards (only sent when the target says canReverse). */
  reverse?: boolean;
}

/** Signal numbers GDB uses in stop replies (GDB's own numbering, which matches Linux for these). */
export const GdbSignal = { SIGINT: 2, SIGTRAP: 5 } as const;

export interface StopReason {
  /** 5 (SIGTRAP) for breakpoints, steps and watchpoints; 2 (SIGINT) after an interrupt. */
  signal: number;
  /** A watchpoint triggered: which kind and the data address it watched. */
  watch?: { kind: 'watch' | 'rwatch' | 'awatch'; addr: number };
  /** Stopped by a software breakpoint; EIP already points at the breakpoint's address. */
  swbreak?: boolean;
  /** Stopped by a hardware breakpoint. */
  hwbreak?: boolean;
  /** Reverse or forward execution ran out of recorded history ("No more reverse-execution history"). */
  historyEnd?: 'begin' | 'end';
  /** The machine is gone for good (guest power-off / debug exit): reported as `W` with this exit code. */
  exitCode?: number;
}

export interface GdbTarget {
  /** All registers in I386_REGISTERS order, little-endian, I386_REGISTER_BYTES long. */
  readRegisters(): Uint8Array;
  /** Replace all registers from `g` layout bytes; false if the target refuses. */
  writeRegisters(bytes: Uint8Array): boolean;
  /** One register by GDB number, little-endian; null if there is no such register. */
  readRegister(regnum: number): Uint8Array | null;
  /** Set one register (bytes already checked to be its size); false if refused. */
  writeRegister(regnum: number, bytes: Uint8Array): boolean;
  /**
   * Guest memory as the debugger sees it (linear addresses, through paging if
   * it is on). Null when nothing at addr is readable; fewer bytes than asked
   * when the readable part ends early.
   */
  readMemory(addr: number, length: number): Uint8Array | null;
  /** False if any byte could not be written. */
  writeMemory(addr: number, bytes: Uint8Array): boolean;
  /**
   * Start running or stepping and return at once. When the machine stops it
   * calls GdbSession.stopped(reason), possibly before resume() returns.
   */
  resume(action: ResumeAction): void;
  /** Ctrl-C while running: stop soon and report it through stopped({ signal: 2 }). */
  interrupt(): void;
  /** Z packets: type 0-4 (see BreakpointType), address, kind (breakpoint) or length (watchpoint). */
  insertBreakpoint(type: BreakpointType, addr: number, kind: number): boolean;
  removeBreakpoint(type: BreakpointType, addr: number, kind: number): boolean;
  /** Replaying a recording, so bc/bs (reverse continue/step) work. */
  readonly canReverse: boolean;
  /** `monitor CMD` in GDB: the text to show (may be empty; include newlines). */
  monitor(command: string): string;
  /** GDB detached or the connection dropped: the machine runs on without a debugger. */
  detach(): void;
  /** GDB killed the program: stop the machine. */
  kill(): void;
}
