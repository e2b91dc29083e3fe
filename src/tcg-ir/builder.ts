// Emits IR ops into an IrBlock. Methods that produce a value return a fresh
// local temp unless an explicit destination is given.
import { IrBlock, type HelperDecl, type IrInsn } from './ir.js';
import { Op, Cond } from './ops.js';

export class IrBuilder {
  constructor(readonly block: IrBlock = new IrBlock()) {}

  private push(op: Op, out: number, args: number[], aux = 0, cond = Cond.Eq, helper: HelperDecl | null = null, out2 = -1): IrInsn {
    const insn: IrInsn = { op, out, out2, args, cond, aux, helper };
    this.block.ops.push(insn);
    return insn;
  }

  local(): number { return this.block.newLocal(); }
  const(v: number): number { return this.block.constant(v); }
  global(slot: number, name: string): number { return this.block.global(slot, name); }

  mov(dst: number, a: number): number { this.push(Op.Mov, dst, [a]); return dst; }
  /** A fresh local holding a copy of a. */
  copy(a: number): number { return this.mov(this.local(), a); }

  binop(op: Op, a: number, b: number, dst = this.local()): number { this.push(op, dst, [a, b]); return dst; }
  add(a: number, b: number, dst?: number): number { return this.binop(Op.Add, a, b, dst); }
  sub(a: number, b: number, dst?: number): number { return this.binop(Op.Sub, a, b, dst); }
  mul(a: number, b: number, dst?: number): number { return this.binop(Op.Mul, a, b, dst); }
  and(a: number, b: number, dst?: number): number { return this.binop(Op.And, a, b, dst); }
  or(a: number, b: number, dst?: number): number { return this.binop(Op.Or, a, b, dst); }
  xor(a: number, b: number, dst?: number): number { return this.binop(Op.Xor, a, b, dst); }
  shl(a: number, b: number, dst?: number): number { return this.binop(Op.Shl, a, b, dst); }
  shr(a: number, b: number, dst?: number): number { return this.binop(Op.Shr, a, b, dst); }
  sar(a: number, b: number, dst?: number): number { return this.binop(Op.Sar, a, b, dst); }
  rotl(a: number, b: number, dst?: number): number { return this.binop(Op.Rotl, a, b, dst); }
  rotr(a: number, b: number, dst?: number): number { return this.binop(Op.Rotr, a, b, dst); }
  addi(a: number, v: number, dst?: number): number { return this.add(a, this.const(v), dst); }
  andi(a: number, v: number, dst?: number): number { return this.and(a, this.const(v), dst); }
  ori(a: number, v: number, dst?: number): number { return this.or(a, this.const(v), dst); }
  shli(a: number, v: number, dst?: number): number { return this.shl(a, this.const(v), dst); }
  shri(a: number, v: number, dst?: number): number { return this.shr(a, this.const(v), dst); }
  sari(a: number, v: number, dst?: number): number { return this.sar(a, this.const(v), dst); }

  unop(op: Op, a: number, dst = this.local()): number { this.push(op, dst, [a]); return dst; }
  neg(a: number, dst?: number): number { return this.unop(Op.Neg, a, dst); }
  not(a: number, dst?: number): number { return this.unop(Op.Not, a, dst); }
  ext8s(a: number, dst?: number): number { return this.unop(Op.Ext8s, a, dst); }
  ext8u(a: number, dst?: number): number { return this.unop(Op.Ext8u, a, dst); }
  ext16s(a: number, dst?: number): number { return this.unop(Op.Ext16s, a, dst); }
  ext16u(a: number, dst?: number): number { return this.unop(Op.Ext16u, a, dst); }

  setcond(cond: Cond, a: number, b: number, dst = this.local()): number {
    this.push(Op.Setcond, dst, [a, b], 0, cond); return dst;
  }
  movcond(cond: Cond, a: number, b: number, ifTrue: number, ifFalse: number, dst = this.local()): number {
    this.push(Op.Movcond, dst, [a, b, ifTrue, ifFalse], 0, cond); return dst;
  }
  /** Returns [low, high] of the 64-bit product. */
  mul2(signed: boolean, a: number, b: number): [number, number] {
    const lo = this.local(), hi = this.local();
    this.push(signed ? Op.Muls2 : Op.Mulu2, lo, [a, b], 0, Cond.Eq, null, hi);
    return [lo, hi];
  }

  ld(memop: number, addr: number, dst = this.local()): number { this.push(Op.Ld, dst, [addr], memop); return dst; }
  st(memop: number, addr: number, value: number): void { this.push(Op.St, -1, [addr, value], memop); }

  call(helper: HelperDecl, args: number[], withResult: boolean): number {
    const out = withResult ? this.local() : -1;
    this.push(Op.Call, out, args, 0, Cond.Eq, helper);
    return out;
  }

  newLabel(): number { return this.block.labelCount++; }
  label(l: number): void { this.push(Op.Label, -1, [], l); }
  br(l: number): void { this.push(Op.Br, -1, [], l); }
  brcond(cond: Cond, a: number, b: number, l: number): void { this.push(Op.Brcond, -1, [a, b], l, cond); }

  insnStart(eip: number, index: number): void { this.push(Op.InsnStart, -1, [this.const(eip)], index); }

  /** Lowers the running icount by n: a forward branch skipped n instructions of the block. */
  uncount(n: number): void { this.push(Op.Uncount, -1, [], n); }

  /** Leaves the block; `target` is the constant next EIP for a chainable exit, or -1. */
  exit(target: number, retired: number): void {
    const n = this.block.exits.length;
    this.block.exits.push({ target, retired });
    this.push(Op.Exit, -1, [], n);
  }
}
