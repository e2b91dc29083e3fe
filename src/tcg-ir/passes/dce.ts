// Dead-code removal by backward liveness, over locals and globals alike.
// A write to a global is dead when the global is written again before
// anything can observe it (an exit, an op that can fault, a helper that
// reads guest state). Since the lazy-flag state (ccOp, ccDst, ...) is made
// of globals, this is also the flag-liveness pass: flag results that
// nobody reads are never computed.
import { type IrBlock, type IrInsn, TempKind } from '../ir.js';
import { Op } from '../ops.js';
import { hasSideEffects, observesGlobals, mayWriteCode } from '../effects.js';
import { Scratch } from '../scratch.js';

const liveScratch = new Scratch(), labelScratch = new Scratch();

export interface DceOptions {
  /** The backend may leave the block at any instruction boundary (watchpoint checks): globals are observed at every insn_start. */
  exitAtEveryInsn?: boolean;
}

export function removeDeadCode(block: IrBlock, opts: DceOptions = {}): void {
  const globals: number[] = [];
  block.temps.forEach((t, i) => { if (t.kind === TempKind.Global) globals.push(i); });
  const n = block.temps.length;
  const live = liveScratch.take(n);
  // What is live at each label, in one array (a row per label): a typed
  // array per label would cost an allocation each, on every block translated.
  const labelRow = new Map<number, number>();
  for (const o of block.ops) if (o.op === Op.Label) labelRow.set(o.aux, labelRow.size);
  const atLabels = labelScratch.take(n * labelRow.size);
  const keep: boolean[] = new Array(block.ops.length).fill(true);
  const markAllGlobals = () => { for (const g of globals) live[g] = 1; };
  // The backend may leave the block at the start of the instruction after one
  // that stored (the store hit this block's own code): all globals are observed there.
  const smcExitAt: boolean[] = new Array(block.ops.length).fill(false);
  let stored = false;
  block.ops.forEach((o, i) => {
    if (o.op === Op.InsnStart) { smcExitAt[i] = stored || (opts.exitAtEveryInsn === true && o.aux > 0); stored = false; }
    else if (mayWriteCode(o)) stored = true;
  });

  for (let i = block.ops.length - 1; i >= 0; i--) {
    const insn = block.ops[i];
    switch (insn.op) {
      case Op.Exit:
        live.fill(0);
        markAllGlobals();
        break;
      case Op.Label:
        atLabels.set(live, labelRow.get(insn.aux)! * n);
        break;
      case Op.Br: {
        // Branches go forward: the label's row is filled by now (a label never reached by the backward scan: nothing live).
        const at = labelRow.get(insn.aux);
        if (at === undefined) live.fill(0);
        else for (let t = 0, o = at * n; t < n; t++) live[t] = atLabels[o + t];
        break;
      }
      case Op.Brcond: {
        const at = labelRow.get(insn.aux);
        if (at !== undefined) for (let t = 0, o = at * n; t < n; t++) live[t] |= atLabels[o + t];
        break;
      }
    }
    if (!hasSideEffects(insn) && !outputsLive(insn, live)) {
      keep[i] = false;
      continue;
    }
    if (insn.out >= 0) live[insn.out] = 0;
    if (insn.out2 >= 0) live[insn.out2] = 0;
    if (observesGlobals(insn) || smcExitAt[i]) markAllGlobals();
    for (const a of insn.args) live[a] = 1;
  }
  block.ops = block.ops.filter((_, i) => keep[i]);
}

function outputsLive(insn: IrInsn, live: Int32Array): boolean {
  return (insn.out >= 0 && live[insn.out] === 1) || (insn.out2 >= 0 && live[insn.out2] === 1);
}
