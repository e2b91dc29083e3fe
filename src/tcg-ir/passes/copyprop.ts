// Copy and constant propagation: after `mov t, x`, later uses of the local
// t read x directly, until t or x is written again. Works within straight
// code: facts are dropped at labels (a branch may arrive with other values)
// and facts about globals are dropped when a helper rewrites guest state.
import { type IrBlock, TempKind } from '../ir.js';
import { Op } from '../ops.js';
import { clobbersGlobals } from '../effects.js';

// (Written to allocate nothing per op: it runs on every block translated.)
export function propagateCopies(block: IrBlock): void {
  const copyOf = new Map<number, number>();
  let gone = -1;
  const dropCopiesOf = (v: number, k: number) => { if (v === gone) copyOf.delete(k); };
  const dropGlobal = (v: number, k: number) => { if (block.temps[v].kind === TempKind.Global) copyOf.delete(k); };
  const forget = (t: number) => {
    if (copyOf.size === 0) return;
    copyOf.delete(t);
    gone = t;
    copyOf.forEach(dropCopiesOf);
  };
  for (const insn of block.ops) {
    const args = insn.args; // each op owns its args array
    if (copyOf.size !== 0) {
      for (let i = 0; i < args.length; i++) {
        const c = copyOf.get(args[i]);
        if (c !== undefined) args[i] = c;
      }
    }
    if (insn.op === Op.Label) copyOf.clear();
    if (clobbersGlobals(insn)) copyOf.forEach(dropGlobal);
    if (insn.out >= 0) forget(insn.out);
    if (insn.out2 >= 0) forget(insn.out2);
    if (insn.op === Op.Mov && block.temps[insn.out].kind === TempKind.Local && insn.args[0] !== insn.out) {
      copyOf.set(insn.out, insn.args[0]);
    }
  }
}
