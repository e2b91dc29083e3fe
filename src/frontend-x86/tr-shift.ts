// Shifts and rotates: shl shr sar rol ror rcl rcr shld shrd (SDM vol. 2,
// "SAL/SAR/SHL/SHR", "RCL/RCR/ROL/ROR", "SHLD", "SHRD"). The count is masked
// to 5 bits; a masked count of 0 changes nothing, flags included.
import { Cond } from '../tcg-ir/index.js';
import { type Tcx, opSize, sizeMask } from './context.js';
import { CcKind, ccOp } from './flags.js';
import { S, F } from './state.js';
import { H } from './helpers.js';
import { type Operand } from './insn.js';

function countOf(t: Tcx, op: Operand | undefined): { value: number; known: number } {
  if (!op) return { value: t.c(1), known: 1 };
  if (op.kind === 'imm') return { value: t.c(op.value & 31), known: op.value & 31 };
  return { value: t.b.andi(t.read(op, 1), 31), known: -1 };
}

/** Commits new lazy-flag state, or keeps the old one when the runtime count is 0. */
function setShiftFlags(t: Tcx, kind: CcKind, size: number, dst: number, src: number, count: number, known: number): void {
  if (known > 0) { t.setCc(kind, size, dst, src); return; }
  const b = t.b;
  const zero = t.c(0);
  const m = sizeMask(size);
  const keep = (slot: number, v: number) => t.set(slot, b.movcond(Cond.Eq, count, zero, t.get(slot), v));
  keep(S.CC_OP, t.c(ccOp(kind, size)));
  keep(S.CC_DST, b.andi(dst, m));
  keep(S.CC_SRC, b.andi(src, m));
  t.forgetFlags();
}

/** Sets CF and OF (given as 0/1 values) and keeps the other flags; nothing when count is 0. */
function setCfOf(t: Tcx, cf: number, of: number, count: number, known: number): void {
  const b = t.b;
  const f = t.flagsValue();
  const nf = b.or(b.andi(f, ~(F.CF | F.OF)), b.or(b.andi(cf, 1), b.shli(b.andi(of, 1), 11)));
  t.setFlagsValue(known > 0 ? nf : b.movcond(Cond.Eq, count, t.c(0), f, nf));
}

export function trShift(t: Tcx): void {
  const b = t.b;
  const [dst, cntOp] = t.insn.operands;
  const size = opSize(dst);
  const bits = size * 8;
  const { value: count, known } = countOf(t, cntOp);
  if (known === 0) {
    if (dst.kind === 'mem') t.addr(dst, size); // still checks the segment limit, as hardware does
    return;
  }
  const lin = dst.kind === 'mem' ? t.addr(dst, size) : -1;
  const a = lin >= 0 ? t.ldLin(size, lin) : t.read(dst, size);
  const cm1 = b.addi(count, -1);
  const m = t.insn.mnemonic;
  let r: number;
  switch (m) {
    case 'shl': case 'sal':
      r = b.shl(a, count);
      setShiftFlags(t, CcKind.Shl, size, r, b.shl(a, cm1), count, known);
      break;
    case 'shr':
      r = b.shr(a, count);
      setShiftFlags(t, CcKind.Sar, size, r, b.shr(a, cm1), count, known);
      break;
    case 'sar': {
      const sa = size === 4 ? a : size === 2 ? b.ext16s(a) : b.ext8s(a);
      r = b.sar(sa, count);
      setShiftFlags(t, CcKind.Sar, size, r, b.sar(sa, cm1), count, known);
      break;
    }
    case 'rol': case 'ror': {
      const n = size === 4 ? count : b.andi(count, bits - 1);
      r = rotate(t, m === 'rol', a, n, size);
      const msb = b.andi(b.shri(r, bits - 1), 1);
      if (m === 'rol') {
        const cf = b.andi(r, 1);
        setCfOf(t, cf, b.xor(msb, cf), count, known);
      } else {
        setCfOf(t, msb, b.xor(msb, b.andi(b.shri(r, bits - 2), 1)), count, known);
      }
      break;
    }
    case 'rcl': case 'rcr': {
      const f = t.flagsValue();
      r = t.call(H.rotateCarry, [t.c((m === 'rcl' ? 0 : 8) | size), a, count, f], true);
      t.setFlagsValue(t.call(H.rotateCarryFlags, [t.c((m === 'rcl' ? 0 : 8) | size), a, count, f], true));
      break;
    }
    default: throw new Error(`trShift: ${m}`);
  }
  if (lin >= 0) t.stLin(size, lin, r); else t.write(dst, r, size);
}

/** Rotates the low `size` bytes of a (zero-extended) by n (0..bits-1). */
function rotate(t: Tcx, left: boolean, a: number, n: number, size: number): number {
  const b = t.b;
  if (size === 4) return left ? b.rotl(a, n) : b.rotr(a, n);
  const bits = size * 8;
  // Replicate the value across 32 bits; a 32-bit rotate then leaves the answer in the low bits.
  const rep = size === 1 ? b.mul(a, t.c(0x01010101)) : b.or(a, b.shli(a, 16));
  const r = left ? b.rotl(rep, n) : b.rotr(rep, n);
  return b.andi(r, (1 << bits) - 1);
}

export function trShiftDouble(t: Tcx): void {
  const b = t.b;
  const [dst, src, cntOp] = t.insn.operands;
  const size = opSize(dst);
  const { value: count, known } = countOf(t, cntOp);
  if (known === 0) {
    if (dst.kind === 'mem') t.addr(dst, size);
    return;
  }
  const lin = dst.kind === 'mem' ? t.addr(dst, size) : -1;
  const a = lin >= 0 ? t.ldLin(size, lin) : t.read(dst, size);
  const v = t.read(src, size);
  const cm1 = b.addi(count, -1);
  const left = t.insn.mnemonic === 'shld';
  let r: number, out: number;
  if (size === 4) {
    const inv = b.andi(b.sub(t.c(32), count), 31);
    if (left) { r = b.or(b.shl(a, count), b.shr(v, inv)); out = b.shl(a, cm1); }
    else { r = b.or(b.shr(a, count), b.shl(v, inv)); out = b.shr(a, cm1); }
    if (known < 0) r = b.movcond(Cond.Eq, count, t.c(0), a, r);
  } else {
    // 16-bit: shift the 32-bit concatenation (counts above 16 are undefined).
    if (left) {
      const x = b.or(b.shli(a, 16), v);
      r = b.shri(b.shl(x, count), 16);
      out = b.shri(b.shl(x, cm1), 16);
    } else {
      const x = b.or(b.shli(v, 16), a);
      r = b.shr(x, count);
      out = b.shr(x, cm1);
    }
  }
  setShiftFlags(t, left ? CcKind.Shl : CcKind.Sar, size, r, out, count, known);
  if (lin >= 0) t.stLin(size, lin, r); else t.write(dst, r, size);
}

