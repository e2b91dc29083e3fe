// Constant folding and algebraic simplification. Rewrites ops whose result
// is known at translation time into moves, and branches whose condition is
// known into unconditional ones (or nothing).
import { type IrBlock, type IrInsn } from '../ir.js';
import { Op, Cond, evalCond, evalPure, isBinary, isUnary } from '../ops.js';

export function foldConstants(block: IrBlock): void {
  const isC = (t: number) => block.isConst(t);
  const val = (t: number) => block.constValue(t);
  const toMov = (insn: IrInsn, src: number) => {
    insn.op = Op.Mov;
    insn.args = [src];
  };
  const out: IrInsn[] = [];
  for (const insn of block.ops) {
    const a = insn.args[0], b = insn.args[1];
    if (isUnary(insn.op) && isC(a)) {
      toMov(insn, block.constant(evalPure(insn.op, val(a), 0)));
    } else if (isBinary(insn.op)) {
      if (isC(a) && isC(b)) toMov(insn, block.constant(evalPure(insn.op, val(a), val(b))));
      else simplifyBinary(block, insn);
    } else if (insn.op === Op.Setcond && isC(a) && isC(b)) {
      toMov(insn, block.constant(evalCond(insn.cond, val(a), val(b)) ? 1 : 0));
    } else if (insn.op === Op.Movcond && isC(a) && isC(b)) {
      toMov(insn, evalCond(insn.cond, val(a), val(b)) ? insn.args[2] : insn.args[3]);
    } else if (insn.op === Op.Movcond && insn.args[2] === insn.args[3]) {
      toMov(insn, insn.args[2]);
    } else if ((insn.op === Op.Mulu2 || insn.op === Op.Muls2) && isC(a) && isC(b)) {
      const [lo, hi] = mul64(insn.op === Op.Muls2, val(a), val(b));
      out.push({ op: Op.Mov, out: insn.out2, out2: -1, args: [block.constant(hi)], cond: Cond.Eq, aux: 0, helper: null });
      insn.out2 = -1;
      toMov(insn, block.constant(lo));
    } else if (insn.op === Op.Brcond && isC(a) && isC(b)) {
      if (!evalCond(insn.cond, val(a), val(b))) continue; // never taken: drop it
      insn.op = Op.Br;
      insn.args = [];
    }
    out.push(insn);
  }
  block.ops = out;
}

/** x+0, x|0, x^0, x-0, shifts by 0, x*1 -> x; x&0, x*0 -> 0; x&-1 -> x. */
function simplifyBinary(block: IrBlock, insn: IrInsn): void {
  const a = insn.args[0], b = insn.args[1];
  const cb = block.isConst(b) ? block.constValue(b) : undefined;
  const ca = block.isConst(a) ? block.constValue(a) : undefined;
  const mov = (src: number) => { insn.op = Op.Mov; insn.args = [src]; };
  switch (insn.op) {
    case Op.Add: case Op.Or: case Op.Xor:
      if (cb === 0) mov(a); else if (ca === 0) mov(b);
      break;
    case Op.Sub: case Op.Shl: case Op.Shr: case Op.Sar: case Op.Rotl: case Op.Rotr:
      if (cb === 0) mov(a);
      break;
    case Op.And:
      if (cb === 0 || ca === 0) mov(block.constant(0));
      else if (cb === -1) mov(a);
      else if (ca === -1) mov(b);
      break;
    case Op.Mul:
      if (cb === 0 || ca === 0) mov(block.constant(0));
      else if (cb === 1) mov(a);
      else if (ca === 1) mov(b);
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
