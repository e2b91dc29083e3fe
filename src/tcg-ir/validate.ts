// Checks the structural rules every IR block must obey. Returns a list of
// problems (empty when the block is valid).
import { type IrBlock, TempKind } from './ir.js';
import { Op, isBinary } from './ops.js';
import { mayFault } from './effects.js';

const ARITY: Partial<Record<Op, number>> = {
  [Op.Mov]: 1, [Op.Setcond]: 2, [Op.Movcond]: 4, [Op.Mulu2]: 2, [Op.Muls2]: 2,
  [Op.Ld]: 1, [Op.St]: 2, [Op.Label]: 0, [Op.Br]: 0, [Op.Brcond]: 2, [Op.InsnStart]: 1, [Op.Exit]: 0, [Op.Uncount]: 0,
};

export function validateBlock(block: IrBlock): string[] {
  const problems: string[] = [];
  const labelPos = new Map<number, number>();
  block.ops.forEach((insn, i) => {
    if (insn.op === Op.Label) {
      if (labelPos.has(insn.aux)) problems.push(`op ${i}: label L${insn.aux} defined twice`);
      labelPos.set(insn.aux, i);
    }
  });
  let globalWrittenInInsn = '';
  block.ops.forEach((insn, i) => {
    const where = `op ${i}`;
    const arity = isBinary(insn.op) ? 2 : insn.op >= Op.Neg && insn.op <= Op.Ext16u ? 1 : ARITY[insn.op];
    if (arity !== undefined && insn.args.length !== arity) problems.push(`${where}: expected ${arity} args, got ${insn.args.length}`);
    for (const a of insn.args) {
      if (!(a >= 0 && a < block.temps.length)) problems.push(`${where}: bad temp ${a}`);
    }
    for (const o of [insn.out, insn.out2]) {
      if (o === -1) continue;
      if (!(o >= 0 && o < block.temps.length)) problems.push(`${where}: bad output temp ${o}`);
      else if (block.temps[o].kind === TempKind.Const) problems.push(`${where}: writes a constant temp`);
    }
    if (insn.op >= Op.Shl && insn.op <= Op.Rotr) {
      const c = insn.args[1];
      if (block.temps[c]?.kind === TempKind.Const && (block.temps[c].value < 0 || block.temps[c].value > 31)) {
        problems.push(`${where}: constant shift count ${block.temps[c].value} outside 0..31`);
      }
    }
    if (insn.op === Op.Br || insn.op === Op.Brcond) {
      const target = labelPos.get(insn.aux);
      if (target === undefined) problems.push(`${where}: branch to undefined label L${insn.aux}`);
      else if (target < i) problems.push(`${where}: backward branch to L${insn.aux}`);
    }
    if (insn.op === Op.Uncount && !(insn.aux > 0)) problems.push(`${where}: uncount of ${insn.aux} instructions`);
    if (insn.op === Op.Exit && !(insn.aux >= 0 && insn.aux < block.exits.length)) problems.push(`${where}: bad exit ${insn.aux}`);
    if (insn.op === Op.InsnStart) globalWrittenInInsn = '';
    // Precise exceptions: an instruction commits guest registers only after
    // the last operation that can fault.
    if (mayFault(insn) && globalWrittenInInsn) {
      problems.push(`${where}: may fault after this instruction wrote ${globalWrittenInInsn}`);
    }
    for (const o of [insn.out, insn.out2]) {
      if (o >= 0 && block.temps[o]?.kind === TempKind.Global) globalWrittenInInsn = block.temps[o].name;
    }
  });
  const last = block.ops[block.ops.length - 1];
  if (!last || last.op !== Op.Exit) problems.push('block does not end with exit');
  return problems;
}

/**
 * The reads of locals that some path reaches before writing them (a valid
 * block reads such a local as 0). The translator writes every local before
 * reading it; compiled code, which keeps locals in shared variables
 * (backend-js/regalloc.ts), checks that it does. A forward pass over the
 * straight line, with what is written on every path into each label
 * (branches only go forward). Not part of validateBlock: it would cost
 * every block translated, and only compiled ones need it.
 */
export function readsBeforeWrite(block: IrBlock): string[] {
  const problems: string[] = [];
  const n = block.temps.length;
  let written: Uint8Array = new Uint8Array(n);
  let reachable = true;
  const atLabel = new Map<number, Uint8Array>();
  const branchTo = (label: number) => {
    const there = atLabel.get(label);
    if (there === undefined) atLabel.set(label, written.slice());
    else for (let t = 0; t < n; t++) there[t] &= written[t];
  };
  block.ops.forEach((insn, i) => {
    if (insn.op === Op.Label) {
      const there = atLabel.get(insn.aux);
      if (!reachable) {
        if (there === undefined) return; // nothing reaches this label: dead code up to the next one
        written = there;
        reachable = true;
      } else if (there !== undefined) {
        for (let t = 0; t < n; t++) written[t] &= there[t];
      }
      return;
    }
    if (!reachable) return;
    for (const a of insn.args) {
      if (block.temps[a].kind === TempKind.Local && !written[a]) problems.push(`op ${i}: reads t${a} before every path has written it`);
    }
    if (insn.out >= 0) written[insn.out] = 1;
    if (insn.out2 >= 0) written[insn.out2] = 1;
    if (insn.op === Op.Br) { branchTo(insn.aux); reachable = false; }
    else if (insn.op === Op.Brcond) branchTo(insn.aux);
    else if (insn.op === Op.Exit) reachable = false;
  });
  return problems;
}
