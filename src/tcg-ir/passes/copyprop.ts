// Copy and constant propagation: after `mov t, x`, later uses of the local
// t read x directly, until t or x is written again. Works within straight
// code: facts are dropped at labels (a branch may arrive with other values)
// and facts about globals are dropped when a helper rewrites guest state.
import { type IrBlock, TempKind } from '../ir.js';
import { Op } from '../ops.js';
import { clobbersGlobals } from '../effects.js';

export function propagateCopies(block: IrBlock): void {
  const copyOf = new Map<number, number>();
  const forget = (t: number) => {
    copyOf.delete(t);
    for (const [k, v] of copyOf) if (v === t) copyOf.delete(k);
  };
  for (const insn of block.ops) {
    insn.args = insn.args.map((a) => copyOf.get(a) ?? a);
    if (insn.op === Op.Label) copyOf.clear();
    if (clobbersGlobals(insn)) {
      for (const [k, v] of copyOf) if (block.temps[v].kind === TempKind.Global) copyOf.delete(k);
    }
    if (insn.out >= 0) forget(insn.out);
    if (insn.out2 >= 0) forget(insn.out2);
    if (insn.op === Op.Mov && block.temps[insn.out].kind === TempKind.Local && insn.args[0] !== insn.out) {
      copyOf.set(insn.out, insn.args[0]);
    }
  }
}
