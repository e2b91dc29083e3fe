// What trace-diff reads: a cursor over the state records of one trace,
// whatever its origin (a rewind86 trace file, a QEMU exec log). One record at
// a time, nothing retained but the current state and the code seen so far.
import { UserError } from '../devices/index.js';
import { FIELD_COUNT, type EventKind, type TraceLevel } from './format.js';

export interface TraceEvent {
  vector: number;
  kind: EventKind;
  /** -1 when the event has none (or the source does not say). */
  errorCode: number;
}

export interface TraceSource {
  readonly label: string;
  readonly origin: 'rewind86' | 'qemu';
  readonly level: TraceLevel;
  /** Advances to the next state record; false once the trace has ended. */
  next(): boolean;
  /** Instructions retired before this record (the state is from before the instruction at EIP). */
  icount: number;
  cs: number;
  csBase: number;
  eip: number;
  /** True when `state` holds every field for this record; otherwise only cs, eip and hash are known. */
  hasState: boolean;
  state: Int32Array;
  /** regsHash of the general registers, EIP and EFLAGS (computed on demand when hasState). */
  hash(): number;
  /** Interrupts and exceptions delivered between the previous record and this one. */
  events: TraceEvent[];
  /** Guest code bytes starting at a linear address, when the trace recorded them. */
  code(linear: number): Uint8Array | undefined;
  /** After the end: the icount the traced run ended at (the next record's icount, had there been one). */
  endIcount: number;
  /** Fraction of the input read, for progress. */
  progress(): number;
  close(): void;
}

/** Bad or unreadable trace input: trace-diff exits with status 2. */
export class TraceInputError extends UserError {}

export function newState(): Int32Array { return new Int32Array(FIELD_COUNT); }

/** Code bytes by linear address, bounded: cleared when it grows past a limit. */
export class CodeMap {
  private readonly map = new Map<number, Uint8Array>();
  constructor(private readonly limit = 1 << 20) {}
  set(linear: number, bytes: Uint8Array): void {
    if (this.map.size >= this.limit) this.map.clear();
    this.map.set(linear >>> 0, bytes);
  }
  /** The bytes from `linear` on, when some recorded block covers it. */
  get(linear: number): Uint8Array | undefined {
    // Exact starts are the common case; otherwise look back for a block that covers it (reports only).
    for (let back = 0; back < 2048; back++) {
      const b = this.map.get((linear - back) >>> 0);
      if (b !== undefined) return back < b.length ? b.subarray(back) : undefined;
    }
    return undefined;
  }
}
