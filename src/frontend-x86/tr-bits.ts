// Bit instructions: bt bts btr btc (register and memory bit strings), bsf, bsr.
import { Cond } from '../tcg-ir/index.js';
import { type Tcx, opSize } from './context.js';
import { CcKind } from './flags.js';
import { F } from './state.js';
import { H } from './helpers.js';

export function trBitTest(t: Tcx): void {
  const b = t.b;
  const [base, offOp] = t.insn.operands;
  const size = opSize(base);
  const bits = size * 8;
  const m = t.insn.mnemonic;
  let lin = -1, bit: number, a: number;
  if (base.kind === 'mem') {
    let ea = t.ea(base);
    if (offOp.kind === 'imm') {
      bit = t.c(offOp.value & (bits - 1));
    } else {
      // A register bit offset is signed and may reach outside the operand (SDM: BT, bit string addressing).
      const off = t.read(offOp, size);
      const soff = size === 2 ? b.ext16s(off) : off;
      ea = b.add(ea, b.shli(b.sari(soff, size === 2 ? 4 : 5), size === 2 ? 1 : 2));
      if (base.addrSize === 16) ea = b.ext16u(ea);
      bit = b.andi(off, bits - 1);
    }
    lin = t.linear(base.seg, ea, size);
    a = t.ldLin(size, lin);
  } else {
    a = t.read(base, size);
    bit = offOp.kind === 'imm' ? t.c(offOp.value & (bits - 1)) : b.andi(t.read(offOp, size), bits - 1);
  }
  const cf = b.andi(b.shr(a, bit), 1);
  const mask = b.shl(t.c(1), bit);
  let r = -1;
  if (m === 'bts') r = b.or(a, mask);
  else if (m === 'btr') r = b.and(a, b.not(mask));
  else if (m === 'btc') r = b.xor(a, mask);
  if (r >= 0) {
    if (lin >= 0) t.stLin(size, lin, r); else t.write(base, r, size);
  }
  const f = t.flagsValue();
  t.setFlagsValue(b.or(b.andi(f, ~F.CF), cf));
}

export function trBitScan(t: Tcx): void {
  const b = t.b;
  const [dst, src] = t.insn.operands;
  const size = opSize(dst);
  const v = t.read(src, size);
  const idx = t.call(H.bitScan, [t.c(t.insn.mnemonic === 'bsr' ? 1 : 0), v], true);
  // Source 0: ZF=1 and the destination is left unchanged (what current CPUs do).
  if (dst.kind !== 'reg') throw new Error('bsf/bsr: destination');
  t.writeReg(dst.reg, size, b.movcond(Cond.Eq, v, t.c(0), t.readReg(dst.reg, size), idx));
  t.setCc(CcKind.Logic, size, v, t.c(0));
}
