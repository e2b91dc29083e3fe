// Instructions carried out by runtime helpers: port I/O, BCD,
// cpuid, rdtsc, msr, descriptor tables, control registers, interrupts flag.
import { type Tcx } from './context.js';
import { S } from './state.js';
import { H } from './helpers.js';

export function trIo(t: Tcx): void {
  const i = t.insn;
  const [a, b] = i.operands;
  const isIn = i.mnemonic === 'in';
  const portOp = isIn ? b : a;
  const dataOp = isIn ? a : b;
  const size = dataOp.kind === 'reg' ? dataOp.size : 1;
  const port = portOp.kind === 'imm' ? t.c(portOp.value) : t.b.ext16u(t.get(S.EDX));
  if (isIn) {
    const v = t.call(H.in, [port, t.c(size)], true);
    t.writeReg(0, size, v);
  } else {
    t.call(H.out, [port, t.c(size), t.readReg(0, size)]);
  }
  t.endBlock();
}

export function trBcd(t: Tcx): void {
  const kinds = ['daa', 'das', 'aaa', 'aas', 'aam', 'aad'];
  const imm = t.insn.operands.find((o) => o.kind === 'imm');
  t.flush();
  t.call(H.bcd, [t.c(kinds.indexOf(t.insn.mnemonic)), t.c(imm && imm.kind === 'imm' ? imm.value : 10)]);
  t.forgetFlags();
}

/** Helpers that read and write whole-CPU state and end the block. */
export function trStateHelper(t: Tcx): void {
  const m = t.insn.mnemonic;
  t.flush();
  switch (m) {
    case 'cpuid': t.call(H.cpuid, []); break;
    case 'rdtsc': t.call(H.rdtsc, []); break;
    case 'rdmsr': t.call(H.rdmsr, []); break;
    case 'wrmsr': t.call(H.wrmsr, []); break;
    case 'cli': t.call(H.cli, []); break;
    case 'sti': t.call(H.sti, []); break;
    default: throw new Error(`trStateHelper: ${m}`);
  }
  t.endBlock();
}

/** lgdt lidt sgdt sidt. */
export function trDescTable(t: Tcx): void {
  const m = t.insn.operands[0];
  if (m.kind !== 'mem') { t.raise(6); return; }
  const which = ['lgdt', 'lidt', 'sgdt', 'sidt'].indexOf(t.insn.mnemonic);
  const lin = t.addr(m, 6);
  t.flush();
  t.call(H.descTable, [t.c(which), t.c(t.insn.opSize), lin]);
  if (which < 2) t.endBlock();
}

/** sldt str lldt ltr verr verw lar lsl smsw lmsw clts invd wbinvd: the system helper. */
export const SYSTEM_OPS = ['sldt', 'str', 'lldt', 'ltr', 'verr', 'verw', 'lar', 'lsl', 'smsw', 'lmsw', 'clts', 'invd', 'wbinvd'] as const;

export function trSystem(t: Tcx): void {
  const m = t.insn.mnemonic;
  const op = SYSTEM_OPS.indexOf(m as (typeof SYSTEM_OPS)[number]);
  const ops = t.insn.operands;
  const writesDst = m === 'sldt' || m === 'str' || m === 'smsw' || m === 'lar' || m === 'lsl';
  const srcOp = m === 'lar' || m === 'lsl' ? ops[1] : writesDst ? undefined : ops[0];
  const v = srcOp ? t.read(srcOp, 2) : t.c(0);
  const dst = ops[0];
  const dsize = dst && dst.kind === 'reg' ? dst.size : 2;
  // lar/lsl write the destination only when ZF=1; the helper returns the old value otherwise.
  const old = (m === 'lar' || m === 'lsl') && dst.kind === 'reg' ? t.readReg(dst.reg, dsize) : t.c(0);
  t.flush();
  const r = t.call(H.system, [t.c(op), v, t.c(t.insn.opSize), old], true);
  if (writesDst) t.write(dst, r, dsize);
  t.forgetFlags();
  if (!writesDst || m === 'lar' || m === 'lsl') t.endBlock();
}

export function trInvlpg(t: Tcx): void {
  const m = t.insn.operands[0];
  if (m.kind !== 'mem') { t.raise(6); return; }
  const lin = t.addr(m, 1);
  t.flush();
  t.call(H.invlpg, [lin]);
  t.endBlock();
}
