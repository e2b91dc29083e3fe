// Copy and constant propagation: after `mov t, x`, later uses of the local
// t read x directly, until t or x is written again. Works within straight
// code: facts are dropped at labels (a branch may arrive with other values)
// and facts about globals are dropped when a helper rewrites guest state.
import { type IrBlock, TempKind } from '../ir.js';
import { Op } from '../ops.js';
import { clobbersGlobals } from '../effects.js';

export function propagateCopies(block: IrBlock): void {
  const n = block.temps.length;
  /** copyOf[t]: the temp t is a copy of, or -1. */
  const copyOf = new Int32Array(n).fill(-1);
  /** sources[x]: how many temps are copies of x now. */
  const sources = new Int32Array(n);
  /** The temps that are copies (entries whose copyOf went back to -1 are skipped). */
  const copies: number[] = [];
  const forget = (drop: (source: number) => boolean) => {
    let w = 0;
    for (const t of copies) {
      const x = copyOf[t];
      if (x < 0) continue;
      if (drop(x)) { copyOf[t] = -1; sources[x]--; } else copies[w++] = t;
    }
    copies.length = w;
  };
  const unset = (t: number) => {
    if (copyOf[t] >= 0) { sources[copyOf[t]]--; copyOf[t] = -1; }
  };
  for (const insn of block.ops) {
    if (insn.args.some((a) => copyOf[a] >= 0)) insn.args = insn.args.map((a) => (copyOf[a] >= 0 ? copyOf[a] : a));
    if (insn.op === Op.Label) forget(() => true);
    if (clobbersGlobals(insn)) forget((x) => block.temps[x].kind === TempKind.Global);
    for (const out of [insn.out, insn.out2]) {
      if (out < 0) continue;
      unset(out); // written: no longer a copy
      if (sources[out] !== 0) forget((x) => x === out); // its copies are stale
    }
    if (insn.op === Op.Mov && block.temps[insn.out].kind === TempKind.Local && insn.args[0] !== insn.out) {
      copyOf[insn.out] = insn.args[0];
      sources[insn.args[0]]++;
      copies.push(insn.out);
    }
  }
}
