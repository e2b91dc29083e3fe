// Control transfer: jmp jcc call ret loop* jcxz, int n/int3/into, hlt, and
// the far forms (through helpers, since they load CS).
import { Cond, invertCond } from '../tcg-ir/index.js';
import { type Tcx } from './context.js';
import { S } from './state.js';
import { H } from './helpers.js';

function target(t: Tcx): number {
  const op = t.insn.operands[0];
  if (op.kind !== 'rel') throw new Error('branch: expected a relative target');
  return op.target;
}

/**
 * Branches on a condition. Not taken, the block goes on with the next
 * instruction (the translation loop ends it there if it must). Taken: a
 * forward jump to where the block will translate `taken`, if it gets there
 * (the translation loop places the label; otherwise the label leads to a
 * side exit at the block's end), or else a side exit now.
 */
function branch(t: Tcx, c: Cond, a: number, b: number, taken: number): void {
  t.flush();
  if (t.joinable(taken)) {
    const label = t.b.newLabel();
    t.b.brcond(c, a, b, label);
    t.joins.push({ target: taken, label, index: t.index, cc: t.cc });
    return;
  }
  const fall = t.b.newLabel();
  t.b.brcond(invertCond(c), a, b, fall);
  t.exitTo(taken);
  t.b.label(fall);
}

export function trJmp(t: Tcx): void {
  const op = t.insn.operands[0];
  if (op.kind === 'rel') {
    if (t.follow(op.target)) { t.continueAt = op.target; return; }
    t.exitTo(op.target);
    t.ended = true;
    return;
  }
  t.exitDynamic(t.read(op, t.osize));
  t.ended = true;
}

export function trJcc(t: Tcx): void {
  const c = t.condTest(t.insn.cond);
  branch(t, c.c, c.a, c.b, target(t));
}

export function trCall(t: Tcx): void {
  const op = t.insn.operands[0];
  const dest = op.kind === 'rel' ? -1 : t.read(op, t.osize);
  t.push(t.c(t.nextEip), t.osize);
  if (op.kind === 'rel') t.exitTo(op.target); else t.exitDynamic(dest);
  t.ended = true;
}

export function trRet(t: Tcx): void {
  const ip = t.pop(t.osize);
  const imm = t.insn.operands[0];
  if (imm && imm.kind === 'imm') t.set(S.ESP, t.spAdd(t.get(S.ESP), imm.value));
  t.exitDynamic(ip);
  t.ended = true;
}

/** loop, loope, loopne, jcxz/jecxz: the counter is CX or ECX by address size. */
export function trLoop(t: Tcx): void {
  const b = t.b;
  const wide = t.insn.addrSize === 32;
  const count = wide ? t.get(S.ECX) : b.ext16u(t.get(S.ECX));
  const m = t.insn.mnemonic;
  if (m === 'jcxz') { branch(t, Cond.Eq, count, t.c(0), target(t)); return; }
  const left = b.addi(count, -1);
  t.writeReg(1, wide ? 4 : 2, left);
  if (m === 'loop') { branch(t, Cond.Ne, left, t.c(0), target(t)); return; }
  // loope/loopne: counter != 0 and ZF == 1 / 0.
  const z = t.condTest(m === 'loope' ? 4 : 5);
  const zf = b.setcond(z.c, z.a, z.b);
  const go = b.and(b.setcond(Cond.Ne, left, t.c(0)), zf);
  branch(t, Cond.Ne, go, t.c(0), target(t));
}

/** int n, int3, into (a trap: the saved EIP is the next instruction), int1 (icebp). */
export function trInt(t: Tcx): void {
  const m = t.insn.mnemonic;
  if (m === 'into') {
    const o = t.condTest(1); // NO
    t.flush();
    const skip = t.b.newLabel();
    t.b.brcond(o.c, o.a, o.b, skip);
    t.call(H.softint, [t.c(4), t.c(t.nextEip), t.c(1)]);
    t.b.label(skip);
    t.exitTo(t.nextEip);
    t.ended = true;
    return;
  }
  const imm = t.insn.operands[0];
  const vector = m === 'int3' ? 3 : m === 'int1' ? 1 : imm && imm.kind === 'imm' ? imm.value : 3;
  t.flush();
  t.call(H.softint, [t.c(vector), t.c(t.nextEip), t.c(m === 'int1' ? 0 : 1)]);
  t.exitTo(t.nextEip); // not reached: softint always transfers control
  t.ended = true;
}

export function trHlt(t: Tcx): void {
  t.flush();
  t.call(H.hlt, []);
  t.exitTo(t.nextEip);
  t.ended = true;
}

export function trFar(t: Tcx): void {
  const b = t.b;
  const m = t.insn.mnemonic;
  const op = t.insn.operands[0];
  const os = t.c(t.insn.opSize);
  if (m === 'retf') {
    const imm = op && op.kind === 'imm' ? op.value : 0;
    t.flush();
    t.call(H.retFar, [os, t.c(imm)]);
  } else {
    let sel: number, off: number;
    if (op.kind === 'far') {
      sel = t.c(op.selector); off = t.c(op.offset);
    } else if (op.kind === 'mem') {
      const lin = t.addr(op, t.osize + 2);
      off = t.ldLin(t.osize, lin);
      sel = t.ldLin(2, b.addi(lin, t.osize));
    } else {
      t.raise(6);
      t.exitTo(t.nextEip);
      t.ended = true;
      return;
    }
    t.flush();
    if (m === 'jmpf') t.call(H.jmpFar, [sel, off, os, t.c(t.nextEip)]);
    else t.call(H.callFar, [sel, off, os, t.c(t.nextEip)]);
  }
  t.cc.op = -1;
  t.exitState();
  t.ended = true;
}

export function trIret(t: Tcx): void {
  t.flush();
  t.call(H.iret, [t.c(t.insn.opSize), t.c(t.nextEip)]);
  t.forgetFlags();
  t.exitState();
  t.ended = true;
}

/** bound: #BR unless lower <= index <= upper (signed), the bounds being a pair in memory. */
export function trBound(t: Tcx): void {
  const b = t.b;
  const [idxOp, m] = t.insn.operands;
  if (m.kind !== 'mem') { t.raise(6); return; }
  const size = t.osize;
  const lin = t.addr(m, 2 * size);
  const sext = (v: number) => (size === 2 ? b.ext16s(v) : v);
  const lo = sext(t.ldLin(size, lin));
  const hi = sext(t.ldLin(size, b.addi(lin, size)));
  const idx = sext(t.read(idxOp, size));
  const bad = b.newLabel(), ok = b.newLabel();
  b.brcond(Cond.Lt, idx, lo, bad);
  b.brcond(Cond.Le, idx, hi, ok);
  b.label(bad);
  t.raise(5);
  b.label(ok);
}

/** sysenter / sysexit: the helper loads CS, SS, ESP and EIP. */
export function trSysenter(t: Tcx): void {
  t.flush();
  t.call(t.insn.mnemonic === 'sysenter' ? H.sysenter : H.sysexit, []);
  t.forgetFlags();
  t.exitState();
  t.ended = true;
}
