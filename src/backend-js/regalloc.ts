// Which JavaScript variable holds each local temp of a block. The IR gives
// every intermediate value its own temp (a block has hundreds); most live
// for an op or two. Temps whose live ranges do not overlap share a variable,
// so a compiled block declares and zeroes a handful of variables instead of
// hundreds: less source to parse, a smaller V8 frame, and a shorter prologue
// on every call while V8 still runs the block in its unoptimized tiers.
//
// Sound because branches only go forward and a local is written on every
// path before it is read (rules of valid IR, tcg-ir/validate.ts): the range
// from a temp's first to its last appearance, in op order, covers every
// path between a write and a read of it.
import { type IrBlock, TempKind, Scratch } from '../tcg-ir/index.js';

export interface Registers {
  /** Per temp: its variable number, or -1 (not a local, or unused). */
  of: number[];
  /** Variables used. */
  count: number;
}

const firstScratch = new Scratch(), lastScratch = new Scratch();

export function allocateRegisters(block: IrBlock): Registers {
  const n = block.temps.length, temps = block.temps, ops = block.ops;
  const first = firstScratch.take(n, -1);
  const last = lastScratch.take(n);
  // Locals in the order they first appear (the linear scan's order).
  const order: number[] = [];
  const note = (t: number, i: number) => {
    if (t < 0 || temps[t].kind !== TempKind.Local) return;
    if (first[t] < 0) { first[t] = i; order.push(t); }
    last[t] = i;
  };
  for (let i = 0; i < ops.length; i++) {
    const o = ops[i];
    for (const a of o.args) note(a, i);
    note(o.out, i);
    note(o.out2, i);
  }
  const of: number[] = new Array<number>(n).fill(-1);
  // Linear scan: a variable is free again once its temp's last appearance is behind.
  const busyUntil: number[] = []; // per variable: the last op of the temp holding it
  const free: number[] = [];
  for (const t of order) {
    const start = first[t];
    for (let r = 0; r < busyUntil.length; r++) {
      // An op's inputs and outputs never share (the ranges touch at that op).
      if (busyUntil[r] >= 0 && busyUntil[r] < start) { busyUntil[r] = -1; free.push(r); }
    }
    const r = free.length ? free.pop()! : busyUntil.length;
    busyUntil[r] = last[t];
    of[t] = r;
  }
  return { of, count: busyUntil.length };
}
