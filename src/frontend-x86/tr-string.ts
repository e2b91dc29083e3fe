// String instructions: movs cmps stos lods scas ins outs. A single element
// (no rep prefix: strcmp's lodsb/scasb loop, strcpy's lodsb/stosb) is plain
// IR, loads and stores like any other instruction's, as QEMU translates
// it; a rep loop, and port I/O, run in the runtime's string helper
// (runtime/helpers-string.ts), which also knows the fast bulk copies.
import { type Tcx } from './context.js';
import { S } from './state.js';
import { H } from './helpers.js';
import { Seg, type MemOperand } from './insn.js';

/** String op numbers shared with the runtime's string helper. */
export const STRING_OPS = ['movs', 'cmps', 'stos', 'lods', 'scas', 'ins', 'outs'] as const;

export function trString(t: Tcx): void {
  const i = t.insn;
  const op = STRING_OPS.indexOf(i.mnemonic as (typeof STRING_OPS)[number]);
  if (i.rep === 0 && op <= 4) { trOneElement(t, op); return; }
  const src = i.operands.find((o) => o.kind === 'mem' && o.seg !== Seg.ES || (o.kind === 'mem' && i.mnemonic === 'lods'));
  const seg = src && src.kind === 'mem' ? src.seg : i.segOverride >= 0 ? i.segOverride : Seg.DS;
  const mem = i.operands.find((o) => o.kind === 'mem');
  const size = mem && mem.kind === 'mem' ? mem.size : i.opSize === 32 ? 4 : 2;
  const rep = i.rep === 0xf3 ? 1 : i.rep === 0xf2 ? 2 : 0;
  t.flush();
  t.call(H.string, [t.c(op), t.c(size), t.c(i.addrSize), t.c(seg), t.c(rep)]);
  if (op === 1 || op === 4) t.forgetFlags();
  // The helper runs the whole rep loop; port I/O ends the block like in/out.
  if (op >= 5) t.endBlock();
}

/**
 * One element of movs (0), cmps (1), stos (2), lods (3) or scas (4): the
 * access through (E)SI in its segment and/or ES:(E)DI, then (E)SI/(E)DI
 * step by the element size, down when EFLAGS.DF is set. The checks come in
 * the helper's order: the destination's segment limit first, then the
 * source (SDM vol. 2, MOVS: operands and their faults as for mov).
 */
function trOneElement(t: Tcx, op: number): void {
  const b = t.b, i = t.insn;
  const mems = i.operands.filter((o): o is MemOperand => o.kind === 'mem');
  const dst = mems.find((m) => m.base === 7)!; // ES:(E)DI
  const src = mems.find((m) => m.base === 6)!; // seg:(E)SI
  const size = (dst ?? src).size;
  // step = DF ? -size : size
  const df = b.andi(b.shri(t.get(S.EFLAGS), 10), 1);
  const step = b.sub(t.c(size), b.shli(df, size === 1 ? 1 : size === 2 ? 2 : 3));
  const advance = (r: number): void => {
    const v = t.get(r);
    t.set(r, i.addrSize === 32 ? b.add(v, step) : b.or(b.andi(v, 0xffff0000 | 0), b.ext16u(b.add(v, step))));
  };
  const acc = (): number => t.readReg(0, size);
  switch (op) {
    case 0: { // movs
      const to = t.addr(dst, size);
      t.stLin(size, to, t.ldLin(size, t.addr(src, size)));
      advance(S.ESI); advance(S.EDI);
      break;
    }
    case 1: { // cmps: flags of [seg:(E)SI] - [ES:(E)DI]
      const x = t.ldLin(size, t.addr(src, size));
      const y = t.ldLin(size, t.addr(dst, size));
      t.setCcSub(size, x, y, b.sub(x, y));
      advance(S.ESI); advance(S.EDI);
      break;
    }
    case 2: // stos
      t.stLin(size, t.addr(dst, size), acc());
      advance(S.EDI);
      break;
    case 3: // lods
      t.writeReg(0, size, t.ldLin(size, t.addr(src, size)));
      advance(S.ESI);
      break;
    default: { // scas: flags of the accumulator - [ES:(E)DI]
      const x = acc();
      const y = t.ldLin(size, t.addr(dst, size));
      t.setCcSub(size, x, y, b.sub(x, y));
      advance(S.EDI);
      break;
    }
  }
}
