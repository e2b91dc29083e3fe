// Checks the structural rules every IR block must obey. Returns a list of
// problems (empty when the block is valid).
import { type IrBlock, TempKind } from './ir.js';
import { Op, isBinary } from './ops.js';
import { mayFault } from './effects.js';
import { Scratch } from './scratch.js';
import { enterableHeads } from './loops.js';

const ARITY: Partial<Record<Op, number>> = {
  [Op.Mov]: 1, [Op.Setcond]: 2, [Op.Movcond]: 4, [Op.Mulu2]: 2, [Op.Muls2]: 2,
  [Op.Ld]: 1, [Op.St]: 2, [Op.Label]: 0, [Op.Br]: 0, [Op.Brcond]: 2, [Op.InsnStart]: 1, [Op.Exit]: 0, [Op.Uncount]: 0,
};

export function validateBlock(block: IrBlock): string[] {
  const problems: string[] = [];
  const labelPos = new Map<number, number>();
  const ops = block.ops, temps = block.temps;
  for (let i = 0; i < ops.length; i++) {
    const insn = ops[i];
    if (insn.op === Op.Label) {
      if (labelPos.has(insn.aux)) problems.push(`op ${i}: label L${insn.aux} defined twice`);
      labelPos.set(insn.aux, i);
    }
  }
  // Every block translated is checked: no allocation per op unless a problem is found.
  let globalWrittenInInsn = -1;
  for (let i = 0; i < ops.length; i++) {
    const insn = ops[i];
    const problem = (text: string) => problems.push(`op ${i}: ${text}`);
    const arity = isBinary(insn.op) ? 2 : insn.op >= Op.Neg && insn.op <= Op.Ext16u ? 1 : ARITY[insn.op];
    if (arity !== undefined && insn.args.length !== arity) problem(`expected ${arity} args, got ${insn.args.length}`);
    for (const a of insn.args) {
      if (!(a >= 0 && a < temps.length)) problem(`bad temp ${a}`);
    }
    for (let k = 0; k < 2; k++) {
      const o = k === 0 ? insn.out : insn.out2;
      if (o === -1) continue;
      if (!(o >= 0 && o < temps.length)) problem(`bad output temp ${o}`);
      else if (temps[o].kind === TempKind.Const) problem('writes a constant temp');
    }
    if (insn.op >= Op.Shl && insn.op <= Op.Rotr) {
      const c = insn.args[1];
      if (temps[c]?.kind === TempKind.Const && (temps[c].value < 0 || temps[c].value > 31)) {
        problem(`constant shift count ${temps[c].value} outside 0..31`);
      }
    }
    if (insn.op === Op.Br || insn.op === Op.Brcond) {
      const target = labelPos.get(insn.aux);
      if (target === undefined) problem(`branch to undefined label L${insn.aux}`);
      else if (target < i) problem(`backward branch to L${insn.aux}`);
    }
    if (insn.op === Op.Uncount && !(insn.aux > 0)) problem(`uncount of ${insn.aux} instructions`);
    if (insn.op === Op.Exit && !(insn.aux >= 0 && insn.aux < block.exits.length)) problem(`bad exit ${insn.aux}`);
    if (insn.op === Op.InsnStart) globalWrittenInInsn = -1;
    // Precise exceptions: an instruction commits guest registers only after
    // the last operation that can fault.
    if (globalWrittenInInsn >= 0 && mayFault(insn)) {
      problem(`may fault after this instruction wrote ${temps[globalWrittenInInsn].name}`);
    }
    for (let k = 0; k < 2; k++) {
      const o = k === 0 ? insn.out : insn.out2;
      if (o >= 0 && temps[o]?.kind === TempKind.Global) globalWrittenInInsn = o;
    }
  }
  const last = block.ops[block.ops.length - 1];
  if (!last || last.op !== Op.Exit) problems.push('block does not end with exit');
  if (problems.length === 0) problems.push(...readsBeforeWrite(block));
  if (problems.length === 0 && enterableHeads(block).length !== block.loopHeads.length) {
    problems.push(`a local temp is live into a loop head (heads: ${block.loopHeads.join(', ')})`);
  }
  return problems;
}

/**
 * The reads of locals that some path reaches before writing them. A valid
 * block has none: the backends rely on it (compiled code shares variables
 * between locals, backend-js/regalloc.ts; the interpreter keeps a block's
 * values from one run to the next, backend-js/interp.ts). A forward pass
 * over the straight line, with what is written on every path into each
 * label (branches only go forward). Part of validateBlock, which checks
 * every block translated in the tests and under -d op.
 */
export function readsBeforeWrite(block: IrBlock): string[] {
  const problems: string[] = [];
  const n = block.temps.length, temps = block.temps, ops = block.ops;
  let written = writtenScratch.take(n);
  let reachable = true;
  // What is written on every path into each label (a copy of `written` per label, made at the first branch there).
  const atLabel = new Map<number, Int32Array>();
  const branchTo = (label: number) => {
    const there = atLabel.get(label);
    if (there === undefined) {
      const copy = labelScratch(atLabel.size, n);
      copy.set(written);
      atLabel.set(label, copy);
    } else for (let t = 0; t < n; t++) there[t] &= written[t];
  };
  for (let i = 0; i < ops.length; i++) {
    const insn = ops[i];
    if (insn.op === Op.Label) {
      const there = atLabel.get(insn.aux);
      if (!reachable) {
        if (there === undefined) continue; // nothing reaches this label: dead code up to the next one
        written = there;
        reachable = true;
      } else if (there !== undefined) {
        for (let t = 0; t < n; t++) written[t] &= there[t];
      }
      continue;
    }
    if (!reachable) continue;
    const args = insn.args;
    for (let k = 0; k < args.length; k++) {
      const a = args[k];
      if (written[a] === 0 && temps[a].kind === TempKind.Local) problems.push(`op ${i}: reads t${a} before every path has written it`);
    }
    if (insn.out >= 0) written[insn.out] = 1;
    if (insn.out2 >= 0) written[insn.out2] = 1;
    if (insn.op === Op.Br) { branchTo(insn.aux); reachable = false; }
    else if (insn.op === Op.Brcond) branchTo(insn.aux);
    else if (insn.op === Op.Exit) reachable = false;
  }
  return problems;
}

const writtenScratch = new Scratch();
const labelScratches: Scratch[] = [];

/** The k-th label's copy of `written` (n words). */
function labelScratch(k: number, n: number): Int32Array {
  while (labelScratches.length <= k) labelScratches.push(new Scratch());
  return labelScratches[k].take(n);
}
