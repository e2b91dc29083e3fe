// Data movement and flag manipulation: mov movzx movsx lea xchg xadd
// cmpxchg cmpxchg8b bswap setcc cmovcc xlat lahf sahf clc stc cmc cld std.
import { Cond } from '../tcg-ir/index.js';
import { type Tcx, opSize } from './context.js';
import { type MemOperand } from './insn.js';
import { CcKind } from './flags.js';
import { S, F } from './state.js';
import { ModeBit } from './mode.js';
import { H } from './helpers.js';

export function trMov(t: Tcx): void {
  const [dst, src] = t.insn.operands;
  if (dst.kind === 'sreg') {
    const sel = t.read(src, 2);
    t.call(H.loadSeg, [t.c(dst.reg), sel]);
    t.endBlock();
    return;
  }
  if (src.kind === 'sreg') {
    // To a register with 32-bit operand size the selector is zero-extended; to memory it is always 16 bits.
    const size = dst.kind === 'reg' ? dst.size : 2;
    t.write(dst, t.read(src), size);
    return;
  }
  if (dst.kind === 'creg' || dst.kind === 'dreg') {
    const v = t.read(src, 4);
    t.flush();
    t.call(dst.kind === 'creg' ? H.movToCr : H.movToDr, [t.c(dst.reg), v]);
    t.endBlock();
    return;
  }
  if (src.kind === 'creg' || src.kind === 'dreg') {
    const v = t.call(src.kind === 'creg' ? H.movFromCr : H.movFromDr, [t.c(src.reg)], true);
    t.write(dst, v, 4);
    return;
  }
  const size = opSize(dst);
  t.write(dst, t.read(src, size), size);
}

export function trMovExtend(t: Tcx): void {
  const [dst, src] = t.insn.operands;
  const ssize = opSize(src);
  let v = t.read(src, ssize);
  if (t.insn.mnemonic === 'movsx') v = ssize === 1 ? t.b.ext8s(v) : t.b.ext16s(v);
  t.write(dst, v, opSize(dst));
}

export function trLea(t: Tcx): void {
  const [dst, src] = t.insn.operands;
  if (src.kind !== 'mem') { t.raise(6); return; }
  t.write(dst, t.ea(src), opSize(dst));
}

export function trXchg(t: Tcx): void {
  const [x, y] = t.insn.operands;
  const size = opSize(x);
  if (x.kind === 'mem' || y.kind === 'mem') {
    const mem = x.kind === 'mem' ? x : (y as MemOperand);
    const reg = x.kind === 'mem' ? y : x;
    const lin = t.addr(mem, size);
    const old = t.ldLin(size, lin);
    t.stLin(size, lin, t.read(reg, size));
    t.write(reg, old, size);
    return;
  }
  const a = t.read(x, size), b = t.read(y, size);
  t.write(x, b, size);
  t.write(y, a, size);
}

export function trXadd(t: Tcx): void {
  const [dst, src] = t.insn.operands;
  const size = opSize(dst);
  const lin = dst.kind === 'mem' ? t.addr(dst, size) : -1;
  const a = lin >= 0 ? t.ldLin(size, lin) : t.read(dst, size);
  const v = t.read(src, size);
  const r = t.b.add(a, v);
  if (lin >= 0) t.stLin(size, lin, r);
  t.write(src, a, size);
  if (lin < 0) t.write(dst, r, size);
  t.setCc(CcKind.Add, size, r, v);
}

export function trCmpxchg(t: Tcx): void {
  const b = t.b;
  const [dst, src] = t.insn.operands;
  const size = opSize(dst);
  const lin = dst.kind === 'mem' ? t.addr(dst, size) : -1;
  const d = lin >= 0 ? t.ldLin(size, lin) : t.read(dst, size);
  const acc = t.readReg(0, size);
  const v = t.read(src, size);
  const newDst = b.movcond(Cond.Eq, acc, d, v, d);
  // The destination is written either way (SDM: cmpxchg), the accumulator only on mismatch.
  if (lin >= 0) t.stLin(size, lin, newDst);
  const newAcc = b.movcond(Cond.Eq, acc, d, acc, d);
  t.writeReg(0, size, newAcc);
  if (lin < 0) t.write(dst, newDst, size);
  t.setCcSub(size, acc, d, b.sub(acc, d));
}

export function trCmpxchg8b(t: Tcx): void {
  const b = t.b;
  const [m] = t.insn.operands;
  if (m.kind !== 'mem') { t.raise(6); return; }
  const lin = t.addr(m, 8);
  const lo = t.ldLin(4, lin);
  const hiAddr = b.addi(lin, 4);
  const hi = t.ldLin(4, hiAddr);
  const eax = t.get(S.EAX), edx = t.get(S.EDX);
  const eq = b.and(b.setcond(Cond.Eq, lo, eax), b.setcond(Cond.Eq, hi, edx));
  const one = t.c(1);
  t.stLin(4, lin, b.movcond(Cond.Eq, eq, one, t.get(S.EBX), lo));
  t.stLin(4, hiAddr, b.movcond(Cond.Eq, eq, one, t.get(S.ECX), hi));
  t.set(S.EAX, b.movcond(Cond.Eq, eq, one, eax, lo));
  t.set(S.EDX, b.movcond(Cond.Eq, eq, one, edx, hi));
  const f = t.flagsValue();
  t.setFlagsValue(b.or(b.andi(f, ~F.ZF), b.shli(eq, 6)));
}

export function trBswap(t: Tcx): void {
  const b = t.b;
  const [r] = t.insn.operands;
  if (r.kind !== 'reg') throw new Error('bswap: operand');
  if (r.size !== 4) { t.writeReg(r.reg, 2, t.c(0)); return; } // 16-bit bswap is undefined; real CPUs clear the word
  const x = t.get(r.reg);
  const v = b.or(b.or(b.shli(x, 24), b.andi(b.shli(x, 8), 0xff0000)), b.or(b.andi(b.shri(x, 8), 0xff00), b.shri(x, 24)));
  t.set(r.reg, v);
}

export function trSetcc(t: Tcx): void {
  const c = t.condTest(t.insn.cond);
  t.write(t.insn.operands[0], t.b.setcond(c.c, c.a, c.b), 1);
}

export function trCmovcc(t: Tcx): void {
  const [dst, src] = t.insn.operands;
  const size = opSize(dst);
  const v = t.read(src, size); // the source is read (and may fault) whatever the condition
  const c = t.condTest(t.insn.cond);
  if (dst.kind !== 'reg') throw new Error('cmov: destination');
  t.writeReg(dst.reg, size, t.b.movcond(c.c, c.a, c.b, v, t.readReg(dst.reg, size)));
}

export function trXlat(t: Tcx): void {
  const b = t.b;
  const m = t.insn.operands.find((o) => o.kind === 'mem');
  const seg = m && m.kind === 'mem' ? m.seg : 3;
  const sixteen = t.insn.addrSize === 16;
  let off = b.add(t.get(S.EBX), b.ext8u(t.get(S.EAX)));
  if (sixteen) off = b.ext16u(off);
  t.writeReg(0, 1, t.ldLin(1, t.linear(seg, off, 1)));
}

export function trFlagOp(t: Tcx): void {
  const b = t.b;
  switch (t.insn.mnemonic) {
    case 'lahf':
      t.writeReg(4, 1, b.ori(b.andi(t.flagsValue(), 0xd5), F.FIXED1));
      return;
    case 'sahf': {
      const f = t.flagsValue();
      t.setFlagsValue(b.or(b.andi(f, F.OF), b.andi(b.shri(t.get(S.EAX), 8), 0xd5)));
      return;
    }
    case 'clc': t.setFlagsValue(b.andi(t.flagsValue(), ~F.CF)); return;
    case 'stc': t.setFlagsValue(b.ori(t.flagsValue(), F.CF)); return;
    case 'cmc': t.setFlagsValue(b.xor(t.flagsValue(), t.c(F.CF))); return;
    case 'cld': t.set(S.EFLAGS, b.andi(t.get(S.EFLAGS), ~F.DF)); return;
    case 'std': t.set(S.EFLAGS, b.ori(t.get(S.EFLAGS), F.DF)); return;
  }
}

/** arpl r/m16, r16: raise the destination selector's RPL to the source's; ZF says whether it changed. #UD outside protected mode. */
export function trArpl(t: Tcx): void {
  const b = t.b;
  if (!(t.mode & ModeBit.Protected)) { t.raise(6); return; }
  const [dst, src] = t.insn.operands;
  const lin = dst.kind === 'mem' ? t.addr(dst, 2) : -1;
  const d = lin >= 0 ? t.ldLin(2, lin) : t.read(dst, 2);
  const srcRpl = b.andi(t.read(src, 2), 3);
  const adjust = b.setcond(Cond.Ltu, b.andi(d, 3), srcRpl);
  const r = b.movcond(Cond.Ne, adjust, t.c(0), b.or(b.andi(d, ~3), srcRpl), d);
  if (lin >= 0) t.stLin(2, lin, r); else t.write(dst, r, 2);
  t.setFlagsValue(b.or(b.andi(t.flagsValue(), ~F.ZF), b.shli(adjust, 6)));
}
