// Stack instructions: push pop pusha popa pushf popf enter leave.
import { type Tcx } from './context.js';
import { S, F } from './state.js';
import { H } from './helpers.js';

export function trPush(t: Tcx): void {
  const op = t.insn.operands[0];
  const size = t.osize;
  const v = op.kind === 'sreg' ? t.get(S.SEL + op.reg) : t.read(op, size);
  t.push(v, size);
}

export function trPop(t: Tcx): void {
  const op = t.insn.operands[0];
  const size = t.osize;
  if (op.kind === 'sreg') {
    const v = t.peek(size);
    t.call(H.loadSeg, [t.c(op.reg), t.b.ext16u(v)]);
    t.set(S.ESP, t.spAdd(t.get(S.ESP), size));
    t.endBlock();
    return;
  }
  const v = t.pop(size);
  // A memory destination addressed through ESP uses the incremented ESP (SDM: pop).
  t.write(op, v, size);
}

export function trPusha(t: Tcx): void {
  const size = t.osize;
  const sp = t.get(S.ESP);
  for (let r = 0; r < 8; r++) t.push(r === 4 ? sp : t.get(r), size);
}

export function trPopa(t: Tcx): void {
  const size = t.osize;
  const vals: number[] = [];
  for (let i = 0; i < 8; i++) vals.push(t.peek(size, i * size));
  for (let i = 0; i < 8; i++) {
    const r = 7 - i;
    if (r !== 4) t.writeReg(r, size, vals[i]);
  }
  t.set(S.ESP, t.spAdd(t.get(S.ESP), 8 * size));
}

export function trPushf(t: Tcx): void {
  // The image never has VM or RF set (SDM: pushf).
  t.push(t.b.andi(t.eflagsValue(), ~(F.VM | F.RF)), t.osize);
}

export function trPopf(t: Tcx): void {
  const v = t.peek(t.osize);
  t.call(H.popf, [v, t.c(t.insn.opSize)]);
  t.set(S.ESP, t.spAdd(t.get(S.ESP), t.osize));
  t.forgetFlags();
  t.endBlock();
}

export function trEnter(t: Tcx): void {
  const b = t.b;
  const [allocOp, levelOp] = t.insn.operands;
  const alloc = allocOp.kind === 'imm' ? allocOp.value : 0;
  const level = (levelOp && levelOp.kind === 'imm' ? levelOp.value : 0) & 31;
  const size = t.osize;
  t.push(t.get(S.EBP), size);
  const frame = t.get(S.ESP);
  if (level > 0) {
    let bp = t.get(S.EBP);
    for (let i = 1; i < level; i++) {
      bp = t.stack32 ? b.addi(bp, -size) : b.or(b.andi(bp, 0xffff0000 | 0), b.ext16u(b.addi(bp, -size)));
      const off = t.stack32 ? bp : b.ext16u(bp);
      t.push(t.ldLin(size, t.linear(2, off, size)), size);
    }
    t.push(frame, size);
  }
  t.writeReg(5, size, frame);
  const esp = t.spAdd(t.get(S.ESP), -alloc);
  // The new stack pointer must lie inside SS (SDM vol. 2, ENTER: #SS(0)); flat stacks need no check.
  if (alloc > 0) t.linear(2, t.stack32 ? esp : b.ext16u(esp), size);
  t.set(S.ESP, esp);
}

export function trLeave(t: Tcx): void {
  const b = t.b;
  const size = t.osize;
  const bp = t.get(S.EBP);
  const sp = t.stack32 ? bp : b.or(b.andi(t.get(S.ESP), 0xffff0000 | 0), b.ext16u(bp));
  const off = t.stack32 ? sp : b.ext16u(sp);
  const v = t.ldLin(size, t.linear(2, off, size));
  t.set(S.ESP, t.spAdd(sp, size));
  t.writeReg(5, size, v);
}
