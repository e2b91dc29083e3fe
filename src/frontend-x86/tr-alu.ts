// Integer arithmetic and logic: add adc sub sbb and or xor cmp test inc dec
// neg not, mul imul div idiv (Intel SDM vol. 2 instruction pages).
import { type Tcx, opSize } from './context.js';
import { CcKind } from './flags.js';
import { S } from './state.js';
import { H } from './helpers.js';

/** Two-operand ALU ops: dst = dst op src, with flags; cmp and test only set flags. */
export function trAlu(t: Tcx): void {
  const b = t.b;
  const [dst, src] = t.insn.operands;
  const size = opSize(dst);
  const m = t.insn.mnemonic;
  const lin = dst.kind === 'mem' ? t.addr(dst, size) : -1;
  const a = lin >= 0 ? t.ldLin(size, lin) : t.read(dst, size);
  const v = t.read(src, size);
  let r: number;
  switch (m) {
    case 'add': r = b.add(a, v); t.setCc(CcKind.Add, size, r, v); break;
    case 'adc': { const cf = t.carry(); r = b.add(b.add(a, v), cf); t.setCc(CcKind.Adc, size, r, v, cf); break; }
    case 'sub': case 'cmp': r = b.sub(a, v); t.setCcSub(size, a, v, r); break;
    case 'sbb': { const cf = t.carry(); r = b.sub(b.sub(a, v), cf); t.setCc(CcKind.Sbb, size, r, v, cf); break; }
    case 'and': case 'test': r = b.and(a, v); t.setCc(CcKind.Logic, size, r, t.c(0)); break;
    case 'or': r = b.or(a, v); t.setCc(CcKind.Logic, size, r, t.c(0)); break;
    case 'xor': r = b.xor(a, v); t.setCc(CcKind.Logic, size, r, t.c(0)); break;
    default: throw new Error(`trAlu: ${m}`);
  }
  if (m === 'cmp' || m === 'test') return;
  if (lin >= 0) t.stLin(size, lin, r); else t.write(dst, r, size);
}

/** inc, dec, neg, not on a register or memory operand. */
export function trUnary(t: Tcx): void {
  const b = t.b;
  const [dst] = t.insn.operands;
  const size = opSize(dst);
  const m = t.insn.mnemonic;
  const lin = dst.kind === 'mem' ? t.addr(dst, size) : -1;
  const a = lin >= 0 ? t.ldLin(size, lin) : t.read(dst, size);
  let r: number;
  switch (m) {
    case 'inc': { const cf = t.carry(); r = b.addi(a, 1); t.setCc(CcKind.Inc, size, r, cf); break; }
    case 'dec': { const cf = t.carry(); r = b.addi(a, -1); t.setCc(CcKind.Dec, size, r, cf); break; }
    case 'neg': r = b.neg(a); t.setCcSub(size, t.c(0), a, r); break;
    case 'not': r = b.not(a); break;
    default: throw new Error(`trUnary: ${m}`);
  }
  if (lin >= 0) t.stLin(size, lin, r); else t.write(dst, r, size);
}

/** One-operand mul/imul: AX = AL*src, DX:AX = AX*src, EDX:EAX = EAX*src. */
export function trMulAcc(t: Tcx): void {
  const b = t.b;
  const [srcOp] = t.insn.operands;
  const size = opSize(srcOp);
  const signed = t.insn.mnemonic === 'imul';
  const src = t.read(srcOp, size);
  const acc = t.readReg(0, size);
  if (size === 4) {
    const [lo, hi] = b.mul2(signed, acc, src);
    const over = signed ? b.xor(hi, b.sari(lo, 31)) : hi;
    t.writeReg(0, 4, lo);
    t.writeReg(2, 4, hi);
    t.setCc(CcKind.Mul, 4, lo, over);
    return;
  }
  const ext = (v: number) => (size === 1 ? b.ext8s(v) : b.ext16s(v));
  const p = signed ? b.mul(ext(acc), ext(src)) : b.mul(acc, src);
  let over: number;
  if (size === 1) {
    t.writeReg(0, 2, p);
    over = signed ? b.xor(p, b.ext8s(p)) : b.shri(p, 8);
  } else {
    t.writeReg(0, 2, p);
    t.writeReg(2, 2, b.shri(p, 16));
    over = signed ? b.xor(p, b.ext16s(p)) : b.shri(p, 16);
  }
  t.setCc(CcKind.Mul, size, p, b.andi(over, size === 1 ? 0xffff : -1));
}

/** Two- and three-operand imul: dst = src1 * src2 truncated; CF=OF when the product did not fit. */
export function trImulMulti(t: Tcx): void {
  const b = t.b;
  const ops = t.insn.operands;
  const dst = ops[0];
  const size = opSize(dst);
  const x = ops.length === 3 ? t.read(ops[1], size) : t.read(dst, size);
  const y = t.read(ops.length === 3 ? ops[2] : ops[1], size);
  let r: number, over: number;
  if (size === 4) {
    const [lo, hi] = b.mul2(true, x, y);
    r = lo;
    over = b.xor(hi, b.sari(lo, 31));
  } else {
    r = b.mul(b.ext16s(x), b.ext16s(y));
    over = b.xor(r, b.ext16s(r));
  }
  t.write(dst, r, size);
  t.setCc(CcKind.Mul, size, r, over);
}

/** div/idiv go to a helper: they read and write EDX:EAX and raise #DE. */
export function trDiv(t: Tcx): void {
  const [srcOp] = t.insn.operands;
  const size = opSize(srcOp);
  const v = t.read(srcOp, size);
  t.flush();
  t.call(H.div, [t.c(size | (t.insn.mnemonic === 'idiv' ? 8 : 0)), v]);
  t.forgetFlags();
}

/** cbw/cwde and cwd/cdq. */
export function trSignExtendAcc(t: Tcx): void {
  const b = t.b;
  const wide = t.insn.opSize === 32;
  if (t.insn.mnemonic === 'cbw') {
    if (wide) t.writeReg(0, 4, b.ext16s(t.get(S.EAX)));
    else t.writeReg(0, 2, b.ext8s(t.get(S.EAX)));
  } else if (wide) {
    t.writeReg(2, 4, b.sari(t.get(S.EAX), 31));
  } else {
    t.writeReg(2, 2, b.sari(b.ext16s(t.get(S.EAX)), 15));
  }
}
