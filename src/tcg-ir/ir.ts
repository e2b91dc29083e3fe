// The IR of one translation block: temps, ops, the helpers it calls and the
// exits it can leave through.
import { Op, Cond } from './ops.js';

export const enum TempKind {
  /** Mirrors one int32 slot of the guest state array (a guest register). */
  Global,
  /** A block-local value. */
  Local,
  /** A known constant. */
  Const,
}

export interface Temp {
  kind: TempKind;
  /** Global: state slot; Const: the value (int32); Local: unused (0). */
  value: number;
  /** Global: a readable name (eax, ccDst, ...). */
  name: string;
}

/** Properties of a helper that the backend and the passes must respect. */
export const enum HelperFlags {
  None = 0,
  /** Reads guest state: globals are written back before the call. */
  ReadsState = 1,
  /** Writes guest state: globals are reloaded after the call. */
  WritesState = 2,
  /** May raise a guest exception (never called speculatively, never removed). */
  CanFault = 4,
  /** Has effects besides its result (I/O, memory, machine state): never removed. */
  SideEffects = 8,
  /**
   * Writes guest memory and returns non-zero when a write hit the code of the
   * block now running (like a slow-path store): the block leaves before its
   * next instruction. Such a helper has no other result.
   */
  CodeWrite = 16,
}

export interface HelperDecl {
  name: string;
  flags: number;
}

export interface IrInsn {
  op: Op;
  /** Output temp or -1. */
  out: number;
  /** Second output (Mulu2/Muls2 high half) or -1. */
  out2: number;
  /** Argument temps. The op owns this array (passes may rewrite it in place): never share one between ops. */
  args: number[];
  cond: Cond;
  /** Label id, exit number, MemOp, instruction number, depending on op. */
  aux: number;
  helper: HelperDecl | null;
}

export interface ExitDecl {
  /** Guest EIP (unsigned) this exit continues at when it is a constant (a chainable exit), else -1. */
  target: number;
  /** Guest instructions retired when the block leaves through this exit. */
  retired: number;
}

/** Every local temp: they differ only by number (one shared object, never written: a block has hundreds). */
const LOCAL: Temp = { kind: TempKind.Local, value: 0, name: '' };

export class IrBlock {
  temps: Temp[] = [];
  ops: IrInsn[] = [];
  exits: ExitDecl[] = [];
  labelCount = 0;
  private consts = new Map<number, number>();
  private globals = new Map<number, number>();

  newLocal(): number {
    this.temps.push(LOCAL);
    return this.temps.length - 1;
  }

  constant(v: number): number {
    v |= 0;
    let t = this.consts.get(v);
    if (t === undefined) {
      this.temps.push({ kind: TempKind.Const, value: v, name: '' });
      t = this.temps.length - 1;
      this.consts.set(v, t);
    }
    return t;
  }

  global(slot: number, name: string): number {
    let t = this.globals.get(slot);
    if (t === undefined) {
      this.temps.push({ kind: TempKind.Global, value: slot, name });
      t = this.temps.length - 1;
      this.globals.set(slot, t);
    }
    return t;
  }

  isConst(t: number): boolean { return this.temps[t].kind === TempKind.Const; }
  isGlobal(t: number): boolean { return this.temps[t].kind === TempKind.Global; }
  constValue(t: number): number { return this.temps[t].value; }
}
