// The translation context of one block: the IR builder plus everything the
// instruction semantics share: operand access, addressing, the stack, lazy
// flags, condition codes and block exits.
//
// Register writes are buffered ("pending") until the instruction ends, so an
// instruction never changes a guest register before its last operation that
// can fault; that is what makes every exception precise (DESIGN.md).
import { IrBuilder, Cond, MemOp, invertCond, type HelperDecl } from '../tcg-ir/index.js';
import { type Insn, type Operand, type MemOperand, NONE, Seg } from './insn.js';
import { S, REG_NAMES, SEG_NAMES, F } from './state.js';
import { CcKind, ccOp, ccKind, ccSize } from './flags.js';
import { H } from './helpers.js';
import { ModeBit, isFlat } from './mode.js';

const SLOT_NAMES: Record<number, string> = {
  [S.EIP]: 'eip', [S.EFLAGS]: 'eflags', [S.CC_OP]: 'ccOp', [S.CC_DST]: 'ccDst', [S.CC_SRC]: 'ccSrc', [S.CC_SRC2]: 'ccSrc2',
};
REG_NAMES.forEach((n, i) => { SLOT_NAMES[S.EAX + i] = n; });
SEG_NAMES.forEach((n, i) => {
  SLOT_NAMES[S.SEL + i] = `${n}Sel`; SLOT_NAMES[S.BASE + i] = `${n}Base`; SLOT_NAMES[S.LIMIT + i] = `${n}Limit`;
});

export function sizeMask(size: number): number { return size === 4 ? -1 : size === 2 ? 0xffff : 0xff; }
export function signBit(size: number): number { return size === 4 ? 0x80000000 | 0 : size === 2 ? 0x8000 : 0x80; }
const MEMOP: Record<number, MemOp> = { 1: MemOp.U8, 2: MemOp.U16, 4: MemOp.U32 };

export interface CondTest { c: Cond; a: number; b: number }
/** CC_OP (-1: unknown) and, after cmp/sub, the temps holding its operands (-1: none). */
export interface CcState { op: number; a: number; b: number }

/**
 * The register writes the instruction being translated has buffered: per
 * state slot its value and the epoch it was made in (a flush starts a new
 * one), and the slots in the order first written. Translation is synchronous
 * and never nested, so one set serves every block.
 */
const pendingValue = new Int32Array(S.SIZE), pendingMark = new Int32Array(S.SIZE), pendingOrder = new Int32Array(S.SIZE);
let pendingCount = 0, pendingEpoch = 0;

function nextEpoch(): void {
  pendingEpoch = (pendingEpoch + 1) | 0;
  if (pendingEpoch === 0) { pendingMark.fill(0); pendingEpoch = 1; } // wrapped: no stale mark may match
}

export class Tcx {
  readonly b = new IrBuilder();
  insn!: Insn;
  /** Number of the instruction being translated within the block. */
  index = 0;
  /** Address of the next instruction. */
  nextEip = 0;
  /** Set when the current instruction ended the block (it emitted its exits). */
  ended = false;
  /** Set by a direct jump that the block follows: the next instruction to translate. */
  continueAt = -1;
  /** Whether the block may go on at `target` instead of leaving (set by the translation loop). */
  follow: (target: number) => boolean = () => false;
  /** Whether a taken branch to `target` may jump ahead within the block, should the block reach it (set by the translation loop). */
  joinable: (target: number) => boolean = () => false;
  /**
   * Taken forward branches waiting for the block to reach their target: their
   * label, the branching instruction's number and what the translator knew
   * about the lazy flags there.
   */
  readonly joins: Array<{ target: number; label: number; index: number; cc: CcState }> = [];
  /** What the translator knows statically about the lazy flags (replaced, never changed in place). */
  cc: CcState = { op: -1, a: -1, b: -1 };
  /** The segment each linear-address temp was formed from (for the write check). */
  private linSeg = new Map<number, number>();

  constructor(readonly mode: number) {
    pendingCount = 0;
    nextEpoch();
  }

  // ---- state slots -------------------------------------------------------

  g(slot: number): number { return this.b.global(slot, SLOT_NAMES[slot] ?? `s${slot}`); }
  /** Current value of a state slot, including this instruction's pending writes. */
  get(slot: number): number { return pendingMark[slot] === pendingEpoch ? pendingValue[slot] : this.g(slot); }
  /** Buffers a write to a state slot until the instruction ends. */
  set(slot: number, v: number): void {
    if (this.b.block.isGlobal(v)) v = this.b.copy(v);
    if (pendingMark[slot] !== pendingEpoch) {
      pendingMark[slot] = pendingEpoch;
      pendingOrder[pendingCount++] = slot;
    }
    pendingValue[slot] = v;
  }
  /** Commits buffered writes in the order first made (end of instruction, or before leaving the block). */
  flush(): void {
    if (pendingCount === 0) return;
    for (let k = 0; k < pendingCount; k++) this.b.mov(this.g(pendingOrder[k]), pendingValue[pendingOrder[k]]);
    pendingCount = 0;
    nextEpoch();
  }
  c(v: number): number { return this.b.const(v); }

  get code32(): boolean { return (this.mode & ModeBit.Code32) !== 0; }
  get stack32(): boolean { return (this.mode & ModeBit.Stack32) !== 0; }

  // ---- registers ---------------------------------------------------------

  readReg(r: number, size: number): number {
    if (size === 4) return this.get(r);
    if (size === 2) return this.b.ext16u(this.get(r));
    if (r < 4) return this.b.ext8u(this.get(r));
    return this.b.ext8u(this.b.shri(this.get(r - 4), 8));
  }

  writeReg(r: number, size: number, v: number): void {
    const b = this.b;
    if (size === 4) { this.set(r, v); return; }
    if (size === 2) { this.set(r, b.or(b.andi(this.get(r), 0xffff0000 | 0), b.ext16u(v))); return; }
    if (r < 4) { this.set(r, b.or(b.andi(this.get(r), ~0xff), b.ext8u(v))); return; }
    this.set(r - 4, b.or(b.andi(this.get(r - 4), ~0xff00), b.shli(b.ext8u(v), 8)));
  }

  // ---- memory ------------------------------------------------------------

  /** Effective address of a memory operand (offset within its segment). */
  ea(m: MemOperand): number {
    const b = this.b;
    let t = this.c(m.disp);
    if (m.base !== NONE) t = b.add(this.get(m.base), t);
    if (m.index !== NONE) t = b.add(t, b.shli(this.get(m.index), m.scale));
    return m.addrSize === 16 ? b.ext16u(t) : t;
  }

  /** Linear address of seg:offset for an access of `size` bytes, with the segment's usability and limit checks. */
  linear(seg: number, offset: number, size: number): number {
    let lin: number;
    if (isFlat(this.mode, seg)) {
      lin = offset;
    } else if (this.mode & ModeBit.ExpandDown) {
      // Rare (no flat model uses them): the full check, expand-down segments included, in the runtime.
      this.call(H.segCheck, [this.c(seg), offset, this.c(size)]);
      lin = this.b.add(this.get(S.BASE + seg), offset);
    } else {
      const b = this.b;
      const bad = b.newLabel(), ok = b.newLabel();
      // A null selector leaves the segment unusable (P clear in the cache): any access is #GP(0).
      b.brcond(Cond.TstEq, this.get(S.ATTR + seg), this.c(0x80), bad);
      // Reads through an execute-only code segment fault in protected mode (SDM vol. 3, 5.4.1); writes through CS fault in checkWritable.
      if (seg === Seg.CS && (this.mode & ModeBit.Protected)) b.brcond(Cond.TstEq, this.get(S.ATTR + seg), this.c(0x02), bad);
      const lastOk = b.addi(this.get(S.LIMIT + seg), -(size - 1));
      b.brcond(Cond.Leu, offset, lastOk, ok);
      b.label(bad);
      this.raise(seg === Seg.SS ? 12 : 13, 0);
      b.label(ok);
      lin = b.add(this.get(S.BASE + seg), offset);
    }
    this.linSeg.set(lin, seg);
    return lin;
  }

  /** Writes need a writable data segment; flat data segments are writable by construction (runtime/cpu.ts updateMode). */
  private checkWritable(lin: number): void {
    const seg = this.linSeg.get(lin);
    if (seg === undefined || !(this.mode & ModeBit.Protected)) return;
    if (seg === Seg.CS) { this.raise(13, 0); return; }
    if (isFlat(this.mode, seg)) return;
    const b = this.b;
    const ok = b.newLabel();
    b.brcond(Cond.Eq, b.andi(this.get(S.ATTR + seg), 0x8a), this.c(0x82), ok);
    this.raise(seg === Seg.SS ? 12 : 13, 0);
    b.label(ok);
  }

  addr(m: MemOperand, size = m.size): number { return this.linear(m.seg, this.ea(m), size); }
  ldLin(size: number, lin: number): number { return this.b.ld(MEMOP[size], lin); }
  stLin(size: number, lin: number, v: number): void {
    this.checkWritable(lin);
    this.b.st(MEMOP[size], lin, v);
  }

  // ---- operands ----------------------------------------------------------

  read(op: Operand, size = opSize(op)): number {
    switch (op.kind) {
      case 'reg': return this.readReg(op.reg, size);
      case 'mem': return this.ldLin(size, this.addr(op, size));
      case 'imm': // an immediate narrower than the operation is sign-extended (e.g. 83 /0 ib)
        return this.c(op.size < size ? (op.size === 1 ? (op.value << 24) >> 24 : (op.value << 16) >> 16) : op.value);
      case 'sreg': return this.get(S.SEL + op.reg);
      default: throw new Error(`read: operand kind ${op.kind}`);
    }
  }

  write(op: Operand, v: number, size = opSize(op)): void {
    switch (op.kind) {
      case 'reg': this.writeReg(op.reg, size, v); return;
      case 'mem': this.stLin(size, this.addr(op, size), v); return;
      default: throw new Error(`write: operand kind ${op.kind}`);
    }
  }

  // ---- stack -------------------------------------------------------------

  /** Linear address of SS:sp for the current stack size. */
  private stackLinear(sp: number, size: number): number {
    return this.linear(Seg.SS, this.stack32 ? sp : this.b.ext16u(sp), size);
  }

  /** ESP after adding delta, honouring a 16-bit stack (only SP changes). */
  spAdd(sp: number, delta: number): number {
    const b = this.b;
    if (this.stack32) return b.addi(sp, delta);
    return b.or(b.andi(sp, 0xffff0000 | 0), b.ext16u(b.addi(sp, delta)));
  }

  push(v: number, size: number): void {
    const sp = this.spAdd(this.get(S.ESP), -size);
    this.stLin(size, this.stackLinear(sp, size), v);
    this.set(S.ESP, sp);
  }

  /** Reads the stack at ESP+offset without moving ESP. */
  peek(size: number, offset = 0): number {
    const sp = offset ? this.spAdd(this.get(S.ESP), offset) : this.get(S.ESP);
    return this.ldLin(size, this.stackLinear(sp, size));
  }

  pop(size: number): number {
    const v = this.peek(size);
    this.set(S.ESP, this.spAdd(this.get(S.ESP), size));
    return v;
  }

  // ---- lazy flags --------------------------------------------------------

  /** Records the flag-producing operation of this instruction. */
  setCc(kind: CcKind, size: number, dst: number, src: number, src2 = -1): void {
    const b = this.b;
    const m = sizeMask(size);
    const op = ccOp(kind, size);
    this.set(S.CC_OP, this.c(op));
    this.set(S.CC_DST, size === 4 ? dst : b.andi(dst, m));
    this.set(S.CC_SRC, size === 4 || kind === CcKind.Inc || kind === CcKind.Dec || kind === CcKind.Mul ? src : b.andi(src, m));
    if (src2 >= 0) this.set(S.CC_SRC2, src2);
    this.cc = { op, a: -1, b: -1 };
  }

  /** Forgets what the translator knew about the lazy flags (where two paths join). */
  forgetFlags(): void { this.cc = { op: -1, a: -1, b: -1 }; }

  /** After cmp/sub: also remembers both operands so jcc/setcc compare them directly. */
  setCcSub(size: number, a: number, bv: number, dst: number): void {
    this.setCc(CcKind.Sub, size, dst, bv);
    this.cc = { op: this.cc.op, a: this.b.copy(a), b: this.b.copy(bv) };
  }

  /** Sets the six status flags from an OSZAPC value. */
  setFlagsValue(oszapc: number): void {
    this.set(S.CC_OP, this.c(0));
    this.set(S.CC_SRC, this.b.andi(oszapc, F.OSZAPC));
    this.cc = { op: 0, a: -1, b: -1 };
  }

  /** OSZAPC as a value. */
  flagsValue(): number {
    if (this.cc.op === 0) return this.get(S.CC_SRC);
    if (this.cc.op > 0 && ccKind(this.cc.op) === CcKind.Logic) return this.logicFlags(ccSize(this.cc.op));
    return this.b.call(H.flags, [this.get(S.CC_OP), this.get(S.CC_DST), this.get(S.CC_SRC), this.get(S.CC_SRC2)], true);
  }

  /**
   * OSZAPC after a logic operation, inline (a rotate or a flag instruction
   * after xor, and, or, test, in hash and checksum loops): CF, OF and AF
   * clear, SF, ZF and PF from the result (CC_DST, truncated to its size).
   */
  private logicFlags(size: number): number {
    const b = this.b, dst = this.get(S.CC_DST);
    // PF: the low byte's bits folded onto bit 0 give its parity (1: odd), PF is its complement.
    let p = b.xor(dst, b.shri(dst, 4));
    p = b.xor(p, b.shri(p, 2));
    p = b.xor(p, b.shri(p, 1));
    const pf = b.shli(b.andi(b.not(p), 1), 2);
    const zf = b.shli(b.setcond(Cond.Eq, dst, this.c(0)), 6);
    const sf = b.shli(b.andi(b.shri(dst, 8 * size - 1), 1), 7);
    return b.or(b.or(pf, zf), sf);
  }

  /** Full EFLAGS as a value. */
  eflagsValue(): number { return this.b.or(this.get(S.EFLAGS), this.flagsValue()); }

  /** CF as 0/1. */
  carry(): number {
    const t = this.condTest(2);
    return this.b.setcond(t.c, t.a, t.b);
  }

  /** Condition code cc (0-15, as in jcc) as a comparison the builder can branch on. */
  condTest(cc: number): CondTest {
    const t = this.positiveCond(cc >> 1);
    return cc & 1 ? { c: invertCond(t.c), a: t.a, b: t.b } : t;
  }

  private positiveCond(k: number): CondTest {
    const b = this.b;
    const op = this.cc.op;
    const kind = op >= 0 ? ccKind(op) : -1;
    if (kind > 0) {
      const size = ccSize(op);
      const sign = this.c(signBit(size));
      const dst = this.get(S.CC_DST);
      const sext = (v: number) => (size === 4 ? v : size === 2 ? b.ext16s(v) : b.ext8s(v));
      if (k === 2) return { c: Cond.Eq, a: dst, b: this.c(0) };
      if (k === 4) return { c: Cond.TstNe, a: dst, b: sign };
      if (kind === CcKind.Sub) {
        let x = this.cc.a, y = this.cc.b;
        if (x < 0) {
          y = this.get(S.CC_SRC);
          x = b.add(dst, y);
          if (size !== 4) x = b.andi(x, sizeMask(size));
        }
        switch (k) {
          case 1: return { c: Cond.Ltu, a: x, b: y };
          case 3: return { c: Cond.Leu, a: x, b: y };
          case 6: return { c: Cond.Lt, a: sext(x), b: sext(y) };
          case 7: return { c: Cond.Le, a: sext(x), b: sext(y) };
        }
      }
      if (kind === CcKind.Logic) {
        switch (k) {
          case 0: case 1: return { c: Cond.Ne, a: this.c(0), b: this.c(0) };
          case 3: return { c: Cond.Eq, a: dst, b: this.c(0) };
          case 6: return { c: Cond.TstNe, a: dst, b: sign };
          case 7: return { c: Cond.Le, a: sext(dst), b: this.c(0) };
        }
      }
      if (k === 1 && kind === CcKind.Add) return { c: Cond.Ltu, a: dst, b: this.get(S.CC_SRC) };
      if (k === 1 && (kind === CcKind.Inc || kind === CcKind.Dec)) return { c: Cond.TstNe, a: this.get(S.CC_SRC), b: this.c(1) };
    }
    if (k === 1 && op < 0) return this.speculativeCarry();
    const f = this.flagsValue();
    switch (k) {
      case 0: return { c: Cond.TstNe, a: f, b: this.c(F.OF) };
      case 1: return { c: Cond.TstNe, a: f, b: this.c(F.CF) };
      case 2: return { c: Cond.TstNe, a: f, b: this.c(F.ZF) };
      case 3: return { c: Cond.TstNe, a: f, b: this.c(F.CF | F.ZF) };
      case 4: return { c: Cond.TstNe, a: f, b: this.c(F.SF) };
      case 5: return { c: Cond.TstNe, a: f, b: this.c(F.PF) };
      case 6: return { c: Cond.TstNe, a: b.xor(f, b.shri(f, 4)), b: this.c(F.SF) };
      default: return { c: Cond.TstNe, a: b.or(b.xor(f, b.shri(f, 4)), b.shli(f, 1)), b: this.c(F.SF) };
    }
  }

  /**
   * CF when the flags come from before the block (their operation is known
   * only at run time): the CF that inc and dec keep, adc, sbb and jb at the
   * top of a block. Inline for the operations that set nearly all of them,
   * tried in turn (a 32-bit sub or cmp first, a loop's usual last flag
   * setter); the others through the helper, a call out of compiled code.
   */
  private speculativeCarry(): CondTest {
    const b = this.b;
    const cf = b.local(), done = b.newLabel();
    const op = this.get(S.CC_OP), dst = this.get(S.CC_DST), src = this.get(S.CC_SRC);
    const kind = b.shri(op, 2);
    const when = (c: Cond, x: number, y: number, compute: () => void): void => {
      const next = b.newLabel();
      b.brcond(invertCond(c), x, y, next);
      compute();
      b.br(done);
      b.label(next);
    };
    // A 32-bit sub or cmp: the borrow of (dst + src) - src.
    when(Cond.Eq, op, this.c(ccOp(CcKind.Sub, 4)), () => b.setcond(Cond.Ltu, b.add(dst, src), src, cf));
    // A logic operation clears CF.
    when(Cond.Eq, kind, this.c(CcKind.Logic), () => b.mov(cf, this.c(0)));
    // An add (dst and src are truncated to its size): the carry out.
    when(Cond.Eq, kind, this.c(CcKind.Add), () => b.setcond(Cond.Ltu, dst, src, cf));
    // inc and dec keep the CF they found, in CC_SRC.
    when(Cond.Leu, b.addi(kind, -CcKind.Inc), this.c(CcKind.Dec - CcKind.Inc), () => b.andi(src, 1, cf));
    // An 8- or 16-bit sub or cmp: dst + src reaches 2^bits exactly when it borrowed.
    when(Cond.Eq, kind, this.c(CcKind.Sub), () => b.shr(b.add(dst, src), b.shl(this.c(8), b.andi(op, 3)), cf));
    b.setcond(Cond.TstNe, this.flagsValue(), this.c(F.CF), cf);
    b.label(done);
    return { c: Cond.Ne, a: cf, b: this.c(0) };
  }

  // ---- exceptions, helpers and exits -------------------------------------

  /** Raises a fault (vector, error code or -1) at this instruction. */
  raise(vector: number, errorCode = -1): void {
    this.b.call(H.raise, [this.c(vector), this.c(errorCode)], false);
  }

  call(h: HelperDecl, args: number[], withResult = false): number { return this.b.call(h, args, withResult); }

  /** Leaves the block continuing at a constant EIP (chainable). */
  exitTo(eip: number): void {
    this.flush();
    this.b.mov(this.g(S.EIP), this.c(eip));
    this.b.exit(eip >>> 0, this.index + 1);
  }

  /** Leaves the block continuing at a computed EIP. */
  exitDynamic(eip: number): void {
    this.set(S.EIP, eip);
    this.flush();
    this.b.exit(-1, this.index + 1);
  }

  /** Leaves the block with EIP already in the state (a helper set it). */
  exitState(): void {
    this.flush();
    this.b.exit(-1, this.index + 1);
  }

  /** Ends the block after this instruction, continuing at the next one (mode may have changed). */
  endBlock(): void {
    this.flush();
    this.b.mov(this.g(S.EIP), this.c(this.nextEip));
    this.b.exit(-1, this.index + 1);
    this.ended = true;
  }

  /** Operand size of this instruction in bytes. */
  get osize(): 2 | 4 { return this.insn.opSize === 32 ? 4 : 2; }
  /** Masks an EIP value to the operand size (16-bit near branches wrap at 64 KiB). */
  ipMask(v: number): number { return this.insn.opSize === 16 ? this.b.ext16u(v) : v; }
}

export function opSize(op: Operand): number {
  switch (op.kind) {
    case 'reg': case 'imm': return op.size;
    case 'mem': return op.size;
    case 'sreg': return 2;
    default: return 4;
  }
}
