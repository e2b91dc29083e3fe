// Copy and constant propagation: after `mov t, x`, later uses of the local
// t read x directly, until t or x is written again. Works within straight
// code: facts are dropped at labels (a branch may arrive with other values)
// and facts about globals are dropped when a helper rewrites guest state.
//
// It runs on every block translated, so it allocates nothing and forgets in
// constant time: a fact t -> x remembers the write count of x and the
// label and clobber epochs it was made in, and holds only while all three
// are unchanged.
import { type IrBlock, TempKind } from '../ir.js';
import { Op } from '../ops.js';
import { clobbersGlobals } from '../effects.js';
import { Scratch } from '../scratch.js';

const scratch = new Scratch();

export function propagateCopies(block: IrBlock): void {
  const temps = block.temps, n = temps.length;
  // Per temp: the source of its fact (-1: none), the source's write count then, and the epochs then; its own write count.
  const w = scratch.take(5 * n);
  const SRC = 0, SRC_WRITES = n, LABEL_EPOCH = 2 * n, CLOBBER_EPOCH = 3 * n, WRITES = 4 * n;
  w.fill(-1, SRC, SRC + n);
  let labelEpoch = 0, clobberEpoch = 0;
  for (const insn of block.ops) {
    const args = insn.args; // each op owns its args array
    for (let i = 0; i < args.length; i++) {
      const a = args[i], x = w[SRC + a];
      if (x >= 0 && w[SRC_WRITES + a] === w[WRITES + x] && w[LABEL_EPOCH + a] === labelEpoch &&
        (w[CLOBBER_EPOCH + a] === clobberEpoch || temps[x].kind !== TempKind.Global)) args[i] = x;
    }
    if (insn.op === Op.Label) labelEpoch++;
    if (clobbersGlobals(insn)) clobberEpoch++;
    if (insn.out >= 0) { w[SRC + insn.out] = -1; w[WRITES + insn.out]++; }
    if (insn.out2 >= 0) { w[SRC + insn.out2] = -1; w[WRITES + insn.out2]++; }
    const t = insn.out;
    if (insn.op === Op.Mov && temps[t].kind === TempKind.Local && insn.args[0] !== t) {
      const x = insn.args[0];
      w[SRC + t] = x;
      w[SRC_WRITES + t] = w[WRITES + x];
      w[LABEL_EPOCH + t] = labelEpoch;
      w[CLOBBER_EPOCH + t] = clobberEpoch;
    }
  }
}
