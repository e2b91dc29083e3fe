// String instructions with their rep prefixes: movs cmps stos lods scas ins
// outs. The whole rep loop runs here; ECX/ESI/EDI are written back after
// every element, so a fault in the middle leaves them consistent and the
// instruction restarts where it stopped (SDM vol. 2, "REP/REPE/REPNE").
import { S, F, CcKind, ccOp } from '../frontend-x86/index.js';
import { type Cpu } from './cpu.js';
import { Fault } from './fault.js';

const enum StrOp { Movs, Cmps, Stos, Lods, Scas, Ins, Outs }

export function stringOp(cpu: Cpu, op: number, size: number, addrSize: number, seg: number, rep: number, insn: number): void {
  try {
    run(cpu, op, size, addrSize, seg, rep);
  } catch (e) {
    if (e instanceof Fault) {
      const f = new Fault(e.vector, e.errorCode, insn, e.kind, e.nextEip, e.software);
      f.stateSynced = true;
      throw f;
    }
    throw e;
  }
}

function run(cpu: Cpu, op: StrOp, size: number, addrSize: number, seg: number, rep: number): void {
  const s = cpu.s;
  const step = s[S.EFLAGS] & F.DF ? -size : size;
  const a16 = addrSize === 16;
  const srcBase = s[S.BASE + seg], dstBase = s[S.BASE + 0];
  const mask = size === 4 ? -1 : size === 2 ? 0xffff : 0xff;
  let count = rep ? (a16 ? s[S.ECX] & 0xffff : s[S.ECX] >>> 0) : 1;
  const advance = (r: number) => { s[r] = a16 ? (s[r] & ~0xffff) | ((s[r] + step) & 0xffff) : (s[r] + step) | 0; };
  const srcAddr = () => (srcBase + (a16 ? s[S.ESI] & 0xffff : s[S.ESI])) | 0;
  const dstAddr = () => (dstBase + (a16 ? s[S.EDI] & 0xffff : s[S.EDI])) | 0;
  const compare = (a: number, b: number) => {
    s[S.CC_OP] = ccOp(CcKind.Sub, size);
    s[S.CC_DST] = (a - b) & mask;
    s[S.CC_SRC] = b & mask;
  };
  while (count > 0) {
    switch (op) {
      case StrOp.Movs: cpu.writeLinear(dstAddr(), size, cpu.readLinear(srcAddr(), size)); advance(S.ESI); advance(S.EDI); break;
      case StrOp.Cmps: {
        const a = cpu.readLinear(srcAddr(), size), b = cpu.readLinear(dstAddr(), size);
        compare(a, b); advance(S.ESI); advance(S.EDI); break;
      }
      case StrOp.Stos: cpu.writeLinear(dstAddr(), size, s[S.EAX]); advance(S.EDI); break;
      case StrOp.Lods: {
        const v = cpu.readLinear(srcAddr(), size);
        s[S.EAX] = size === 4 ? v : (s[S.EAX] & ~mask) | v;
        advance(S.ESI); break;
      }
      case StrOp.Scas: compare(s[S.EAX] & mask, cpu.readLinear(dstAddr(), size)); advance(S.EDI); break;
      case StrOp.Ins: cpu.writeLinear(dstAddr(), size, cpu.portRead(s[S.EDX] & 0xffff, size)); advance(S.EDI); break;
      case StrOp.Outs: cpu.portWrite(s[S.EDX] & 0xffff, size, cpu.readLinear(srcAddr(), size)); advance(S.ESI); break;
    }
    if (!rep) return;
    count--;
    s[S.ECX] = a16 ? (s[S.ECX] & ~0xffff) | count : count | 0;
    if (op === StrOp.Cmps || op === StrOp.Scas) {
      const zf = (s[S.CC_DST] & mask) === 0;
      if (rep === 1 ? !zf : zf) return;
    }
  }
}
