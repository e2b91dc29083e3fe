// Loop heads: instructions inside a block that its compiled code may jump
// back to (backend-wasm), instead of leaving through an exit to their EIP
// and coming back in as a new block. Only globals may carry values into a
// head: a local temp computed before it and read after it would hold the
// value of the first pass, not that of the path the jump comes from.
import { type IrBlock, TempKind } from './ir.js';
import { Op } from './ops.js';
import { Scratch } from './scratch.js';

export interface LoopHead {
  /** Its instruction number. */
  insn: number;
  /** Its EIP (unsigned). */
  eip: number;
}

const firstWriteScratch = new Scratch();

/**
 * The block's loop heads (IrBlock.loopHeads) whose code reads no local temp
 * first written before them, in instruction order.
 */
export function enterableHeads(block: IrBlock): LoopHead[] {
  const heads = block.loopHeads;
  if (heads.length === 0) return [];
  const ops = block.ops, temps = block.temps;
  const firstWrite = firstWriteScratch.take(temps.length, -1);
  for (let i = 0; i < ops.length; i++) {
    const o = ops[i];
    if (o.out >= 0 && firstWrite[o.out] < 0) firstWrite[o.out] = i;
    if (o.out2 >= 0 && firstWrite[o.out2] < 0) firstWrite[o.out2] = i;
  }
  // Backwards: the earliest first write of a local read at or after op i (a local never written counts as -1).
  const found: LoopHead[] = [];
  let earliest = ops.length;
  for (let i = ops.length - 1; i >= 0; i--) {
    const o = ops[i];
    for (const a of o.args) if (temps[a].kind === TempKind.Local && firstWrite[a] < earliest) earliest = firstWrite[a];
    if (o.op === Op.InsnStart && heads.includes(o.aux) && earliest >= i) found.push({ insn: o.aux, eip: temps[o.args[0]].value >>> 0 });
  }
  return found.reverse();
}
