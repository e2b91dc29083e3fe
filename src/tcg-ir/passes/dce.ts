// Dead-code removal by backward liveness, over locals and globals alike.
// A write to a global is dead when the global is written again before
// anything can observe it (an exit, an op that can fault, a helper that
// reads guest state). Since the lazy-flag state (ccOp, ccDst, ...) is made
// of globals, this is also the flag-liveness pass: flag results that
// nobody reads are never computed.
//
// It runs on every block translated, so it allocates nothing: liveness is a
// bit set (a word per 32 temps), the sets at labels are rows of one scratch
// array, and dead ops are squeezed out of the op array in place.
import { type IrBlock, TempKind } from '../ir.js';
import { Op } from '../ops.js';
import { hasSideEffects, observesGlobals, mayWriteCode } from '../effects.js';
import { Scratch } from '../scratch.js';

const liveScratch = new Scratch(), globalScratch = new Scratch(), labelScratch = new Scratch(), markScratch = new Scratch();

export interface DceOptions {
  /** The backend may leave the block at any instruction boundary (watchpoint checks): globals are observed at every insn_start. */
  exitAtEveryInsn?: boolean;
}

export function removeDeadCode(block: IrBlock, opts: DceOptions = {}): void {
  const ops = block.ops, temps = block.temps;
  const words = (temps.length + 31) >>> 5;
  const live = liveScratch.take(words);
  // All globals as a bit set.
  const globals = globalScratch.take(words);
  for (let t = 0; t < temps.length; t++) if (temps[t].kind === TempKind.Global) globals[t >>> 5] |= 1 << (t & 31);
  // What is live at each label: row `label` of one array.
  const atLabels = labelScratch.take(words * block.labelCount);
  const reached = markScratch.take(block.labelCount + ops.length);
  // reached[labelCount + i]: the backend may leave the block at op i, the start of the instruction after one
  // that stored (the store hit this block's own code): all globals are observed there.
  // reached[label]: the backward scan has passed the label (branches go forward, so a branch finds its row filled).
  const smcBase = block.labelCount;
  let stored = false;
  for (let i = 0; i < ops.length; i++) {
    const o = ops[i];
    if (o.op === Op.InsnStart) { reached[smcBase + i] = stored || (opts.exitAtEveryInsn === true && o.aux > 0) ? 1 : 0; stored = false; }
    else if (mayWriteCode(o)) stored = true;
  }
  let kept = ops.length;
  for (let i = ops.length - 1; i >= 0; i--) {
    const insn = ops[i];
    switch (insn.op) {
      case Op.Exit:
        live.set(globals);
        break;
      case Op.Label:
        atLabels.set(live, insn.aux * words);
        reached[insn.aux] = 1;
        break;
      case Op.Br:
        // A label never reached by the backward scan: nothing live.
        if (reached[insn.aux] === 0) live.fill(0);
        else live.set(atLabels.subarray(insn.aux * words, insn.aux * words + words));
        break;
      case Op.Brcond:
        if (reached[insn.aux] !== 0) for (let w = 0, o = insn.aux * words; w < words; w++) live[w] |= atLabels[o + w];
        break;
    }
    const out = insn.out, out2 = insn.out2;
    if (!hasSideEffects(insn) &&
      !(out >= 0 && (live[out >>> 5] & (1 << (out & 31))) !== 0) &&
      !(out2 >= 0 && (live[out2 >>> 5] & (1 << (out2 & 31))) !== 0)) continue;
    if (out >= 0) live[out >>> 5] &= ~(1 << (out & 31));
    if (out2 >= 0) live[out2 >>> 5] &= ~(1 << (out2 & 31));
    if (observesGlobals(insn) || reached[smcBase + i] !== 0) for (let w = 0; w < words; w++) live[w] |= globals[w];
    const args = insn.args;
    for (let k = 0; k < args.length; k++) live[args[k] >>> 5] |= 1 << (args[k] & 31);
    ops[--kept] = insn;
  }
  // The kept ops are now ops[kept..]: move them to the front.
  if (kept > 0) {
    for (let i = kept; i < ops.length; i++) ops[i - kept] = ops[i];
    ops.length -= kept;
  }
}
