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

/**
 * Where a block finds the temp of a constant or a global: tables shared by
 * all blocks, their entries stamped with the serial number of the block
 * that made them, so a block needs no maps of its own (blocks are
 * translated by the thousand, most built, optimized and dropped within
 * microseconds). The tables serve one block at a time: a block that finds
 * another's entries there stamps its own again from its temps first.
 */
let serials = 0;
let owner = 0;
const CONST_TABLE = 1024; // a power of two
const constKey = new Int32Array(CONST_TABLE), constTemp = new Int32Array(CONST_TABLE), constStamp = new Int32Array(CONST_TABLE);
let globalTemp = new Int32Array(64), globalStamp = new Int32Array(64);

export class IrBlock {
  temps: Temp[] = [];
  ops: IrInsn[] = [];
  exits: ExitDecl[] = [];
  labelCount = 0;
  /** This block's stamp in the shared tables (never 0: an unused entry has 0). */
  private readonly serial = (serials = (serials + 1) | 0) || (serials = 1);
  private constCount = 0;
  /**
   * Loop heads: numbers of instructions (after the first) that a backend may
   * jump back to from an exit to their EIP, keeping the registers in its
   * locals. The translator knew nothing at their start that a path through
   * an exit would not also know: no local temp is live there (see
   * enterableHeads), only globals carry values into them.
   */
  loopHeads: number[] = [];

  newLocal(): number {
    this.temps.push(LOCAL);
    return this.temps.length - 1;
  }

  constant(v: number): number {
    if (owner !== this.serial) this.ownTables();
    v |= 0;
    const serial = this.serial;
    let i = Math.imul(v, 0x9e3779b1) >>> 22;
    for (;;) {
      if (constStamp[i] !== serial) break;
      if (constKey[i] === v) return constTemp[i];
      i = (i + 1) & (CONST_TABLE - 1);
    }
    this.temps.push({ kind: TempKind.Const, value: v, name: '' });
    const t = this.temps.length - 1;
    this.enterConst(i, v, t);
    return t;
  }

  global(slot: number, name: string): number {
    if (owner !== this.serial) this.ownTables();
    if (slot < globalTemp.length && globalStamp[slot] === this.serial) return globalTemp[slot];
    this.temps.push({ kind: TempKind.Global, value: slot, name });
    const t = this.temps.length - 1;
    this.enterGlobal(slot, t);
    return t;
  }

  /** Half full: later constants get a temp each time they are asked for (the probes stay short). */
  private enterConst(i: number, v: number, t: number): void {
    if (++this.constCount > CONST_TABLE / 2) return;
    constStamp[i] = this.serial; constKey[i] = v; constTemp[i] = t;
  }

  private enterGlobal(slot: number, t: number): void {
    if (slot >= globalTemp.length) {
      const n = Math.max(slot + 1, globalTemp.length * 2);
      const temp = new Int32Array(n), stamp = new Int32Array(n);
      temp.set(globalTemp); stamp.set(globalStamp);
      globalTemp = temp; globalStamp = stamp;
    }
    globalStamp[slot] = this.serial;
    globalTemp[slot] = t;
  }

  /** Another block used the tables since this one did: its entries go back in. */
  private ownTables(): void {
    owner = this.serial;
    if (this.temps.length === 0) return; // a new block: no entry has its stamp yet
    // What is left of its entries goes (some may have been overwritten, cutting a probe chain short), then all come back.
    for (let i = 0; i < CONST_TABLE; i++) if (constStamp[i] === this.serial) constStamp[i] = 0;
    for (let i = 0; i < globalStamp.length; i++) if (globalStamp[i] === this.serial) globalStamp[i] = 0;
    this.constCount = 0;
    for (let t = 0; t < this.temps.length; t++) {
      const temp = this.temps[t];
      if (temp.kind === TempKind.Global) {
        this.enterGlobal(temp.value, t);
      } else if (temp.kind === TempKind.Const) {
        let i = Math.imul(temp.value, 0x9e3779b1) >>> 22;
        while (constStamp[i] === this.serial && constKey[i] !== temp.value) i = (i + 1) & (CONST_TABLE - 1);
        if (constStamp[i] !== this.serial) this.enterConst(i, temp.value, t);
      }
    }
  }

  isConst(t: number): boolean { return this.temps[t].kind === TempKind.Const; }
  isGlobal(t: number): boolean { return this.temps[t].kind === TempKind.Global; }
  constValue(t: number): number { return this.temps[t].value; }
}
