// Constant folding and algebraic simplification. Rewrites ops whose result
// is known at translation time into moves, and branches whose condition is
// known into unconditional ones (or nothing).
import { type IrBlock, type IrInsn } from '../ir.js';
import { Op, Cond, evalCond, evalPure, isBinary, isUnary } from '../ops.js';

export function foldConstants(block: IrBlock): void {
  // In place (this runs on every block translated): ops are kept by compacting the list, and a folded op's
  // args array is shortened rather than replaced. Only a folded Mulu2/Muls2 adds an op: then a new list is built.
  const ops = block.ops;
  let kept = 0;
  let out: IrInsn[] | null = null;
  for (let i = 0; i < ops.length; i++) {
    const insn = ops[i];
    const a = insn.args[0], b = insn.args[1];
    if (isUnary(insn.op) && block.isConst(a)) {
      toMov(insn, block.constant(evalPure(insn.op, block.constValue(a), 0)));
    } else if (isBinary(insn.op)) {
      if (block.isConst(a) && block.isConst(b)) toMov(insn, block.constant(evalPure(insn.op, block.constValue(a), block.constValue(b))));
      else simplifyBinary(block, insn);
    } else if (insn.op === Op.Setcond && block.isConst(a) && block.isConst(b)) {
      toMov(insn, block.constant(evalCond(insn.cond, block.constValue(a), block.constValue(b)) ? 1 : 0));
    } else if (insn.op === Op.Movcond && block.isConst(a) && block.isConst(b)) {
      toMov(insn, evalCond(insn.cond, block.constValue(a), block.constValue(b)) ? insn.args[2] : insn.args[3]);
    } else if (insn.op === Op.Movcond && insn.args[2] === insn.args[3]) {
      toMov(insn, insn.args[2]);
    } else if ((insn.op === Op.Mulu2 || insn.op === Op.Muls2) && block.isConst(a) && block.isConst(b)) {
      const [lo, hi] = mul64(insn.op === Op.Muls2, block.constValue(a), block.constValue(b));
      out ??= ops.slice(0, kept);
      out.push({ op: Op.Mov, out: insn.out2, out2: -1, args: [block.constant(hi)], cond: Cond.Eq, aux: 0, helper: null });
      insn.out2 = -1;
      toMov(insn, block.constant(lo));
    } else if (insn.op === Op.Brcond && block.isConst(a) && block.isConst(b)) {
      if (!evalCond(insn.cond, block.constValue(a), block.constValue(b))) continue; // never taken: drop it
      insn.op = Op.Br;
      insn.args.length = 0;
    }
    if (out !== null) out.push(insn);
    else ops[kept++] = insn;
  }
  if (out !== null) block.ops = out;
  else ops.length = kept;
}

function toMov(insn: IrInsn, src: number): void {
  insn.op = Op.Mov;
  insn.args.length = 1;
  insn.args[0] = src;
}

/** x+0, x|0, x^0, x-0, shifts by 0, x*1 -> x; x&0, x*0 -> 0; x&-1 -> x. */
function simplifyBinary(block: IrBlock, insn: IrInsn): void {
  const a = insn.args[0], b = insn.args[1];
  const cb = block.isConst(b) ? block.constValue(b) : undefined;
  const ca = block.isConst(a) ? block.constValue(a) : undefined;
  switch (insn.op) {
    case Op.Add: case Op.Or: case Op.Xor:
      if (cb === 0) toMov(insn, a); else if (ca === 0) toMov(insn, b);
      break;
    case Op.Sub: case Op.Shl: case Op.Shr: case Op.Sar: case Op.Rotl: case Op.Rotr:
      if (cb === 0) toMov(insn, a);
      break;
    case Op.And:
      if (cb === 0 || ca === 0) toMov(insn, block.constant(0));
      else if (cb === -1) toMov(insn, a);
      else if (ca === -1) toMov(insn, b);
      break;
    case Op.Mul:
      if (cb === 0 || ca === 0) toMov(insn, block.constant(0));
      else if (cb === 1) toMov(insn, a);
      else if (ca === 1) toMov(insn, b);
      break;
  }
}

/** The 64-bit product of two 32-bit values as [low, high] int32 halves. */
export function mul64(signed: boolean, a: number, b: number): [number, number] {
  const x = signed ? BigInt(a | 0) : BigInt(a >>> 0);
  const y = signed ? BigInt(b | 0) : BigInt(b >>> 0);
  const p = BigInt.asUintN(64, x * y);
  return [Number(p & 0xffffffffn) | 0, Number(p >> 32n) | 0];
}
