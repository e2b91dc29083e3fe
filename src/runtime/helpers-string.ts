// String instructions with their rep prefixes: movs cmps stos lods scas ins
// outs. The whole rep loop runs here; ECX/ESI/EDI are written back after
// every element, so a fault in the middle leaves them consistent and the
// instruction restarts where it stopped (SDM vol. 2, "REP/REPE/REPNE").
import { S, F, Seg, CcKind, ccOp, isFlat } from '../frontend-x86/index.js';
import { checkSegmentAccess } from './segments.js';
import { type Cpu } from './cpu.js';
import { Fault } from './fault.js';
import { Access } from './paging.js';

const enum StrOp { Movs, Cmps, Stos, Lods, Scas, Ins, Outs }

/** Set when a write of the current string instruction hit the running block's code. */
let codeHit = 0;

/** Runs one string instruction; returns 1 when it wrote to the code of the block now running. */
export function stringOp(cpu: Cpu, op: number, size: number, addrSize: number, seg: number, rep: number, insn: number): number {
  codeHit = 0;
  try {
    run(cpu, op, size, addrSize, seg, rep);
    return codeHit;
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
  // No closures here: string instructions run millions of times in a boot, and each closure is an allocation.
  const s = cpu.s;
  const step = s[S.EFLAGS] & F.DF ? -size : size;
  const a16 = addrSize === 16;
  const srcBase = s[S.BASE + seg], dstBase = s[S.BASE + 0];
  const mask = size === 4 ? -1 : size === 2 ? 0xffff : 0xff;
  let count = rep ? (a16 ? s[S.ECX] & 0xffff : s[S.ECX] >>> 0) : 1;
  // Segment limits (and expand-down segments) are checked per element, except for flat segments.
  const srcChecked = !isFlat(cpu.mode, seg), dstChecked = !isFlat(cpu.mode, Seg.ES);
  const dstWrite = op === StrOp.Movs || op === StrOp.Stos || op === StrOp.Ins;
  while (count > 0) {
    if (rep && !a16 && !srcChecked && !dstChecked && op <= StrOp.Scas && op !== StrOp.Lods) {
      const src = address(s, seg, S.ESI, srcBase, a16, srcChecked, size, false);
      const dst = address(s, Seg.ES, S.EDI, dstBase, a16, dstChecked, size, dstWrite);
      const done = op === StrOp.Cmps || op === StrOp.Scas
        ? compareChunk(cpu, op, size, step, count, src, dst, rep)
        : bulkChunk(cpu, op, size, step, count, src, dst);
      if (done > 0) {
        count -= done;
        if (op === StrOp.Movs || op === StrOp.Cmps) advanceBy(s, S.ESI, step * done, a16);
        advanceBy(s, S.EDI, step * done, a16);
        s[S.ECX] = a16 ? (s[S.ECX] & ~0xffff) | count : count | 0;
        if (op === StrOp.Cmps || op === StrOp.Scas) {
          const zf = (s[S.CC_DST] & mask) === 0;
          if (rep === 1 ? !zf : zf) return;
        }
        continue;
      }
    }
    switch (op) {
      case StrOp.Movs: {
        // The destination's limit is checked before the source is read (the order of the faults).
        const dst = address(s, Seg.ES, S.EDI, dstBase, a16, dstChecked, size, true);
        codeHit |= cpu.writeLinear(dst, size, cpu.readLinear(address(s, seg, S.ESI, srcBase, a16, srcChecked, size, false), size));
        advanceBy(s, S.ESI, step, a16); advanceBy(s, S.EDI, step, a16); break;
      }
      case StrOp.Cmps: {
        const a = cpu.readLinear(address(s, seg, S.ESI, srcBase, a16, srcChecked, size, false), size);
        const b = cpu.readLinear(address(s, Seg.ES, S.EDI, dstBase, a16, dstChecked, size, false), size);
        compareFlags(s, size, mask, a, b); advanceBy(s, S.ESI, step, a16); advanceBy(s, S.EDI, step, a16); break;
      }
      case StrOp.Stos: codeHit |= cpu.writeLinear(address(s, Seg.ES, S.EDI, dstBase, a16, dstChecked, size, true), size, s[S.EAX]); advanceBy(s, S.EDI, step, a16); break;
      case StrOp.Lods: {
        const v = cpu.readLinear(address(s, seg, S.ESI, srcBase, a16, srcChecked, size, false), size);
        s[S.EAX] = size === 4 ? v : (s[S.EAX] & ~mask) | v;
        advanceBy(s, S.ESI, step, a16); break;
      }
      case StrOp.Scas: compareFlags(s, size, mask, s[S.EAX] & mask, cpu.readLinear(address(s, Seg.ES, S.EDI, dstBase, a16, dstChecked, size, false), size)); advanceBy(s, S.EDI, step, a16); break;
      case StrOp.Ins: {
        const dst = address(s, Seg.ES, S.EDI, dstBase, a16, dstChecked, size, true);
        codeHit |= cpu.writeLinear(dst, size, cpu.portRead(s[S.EDX] & 0xffff, size)); advanceBy(s, S.EDI, step, a16); break;
      }
      case StrOp.Outs: {
        const src = address(s, seg, S.ESI, srcBase, a16, srcChecked, size, false);
        cpu.portWrite(s[S.EDX] & 0xffff, size, cpu.readLinear(src, size)); advanceBy(s, S.ESI, step, a16); break;
      }
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

/** The linear address of the element at index register `reg` in segment `seg` (its limit checked unless flat). */
function address(s: Int32Array, seg: number, reg: number, base: number, a16: boolean, checked: boolean, size: number, write: boolean): number {
  const off = a16 ? s[reg] & 0xffff : s[reg];
  if (checked) checkSegmentAccess(s, seg, off, size, write);
  return (base + off) | 0;
}

/** The lazy flags of a comparison a - b. */
function compareFlags(s: Int32Array, size: number, mask: number, a: number, b: number): void {
  s[S.CC_OP] = ccOp(CcKind.Sub, size);
  s[S.CC_DST] = (a - b) & mask;
  s[S.CC_SRC] = b & mask;
}

function advanceBy(s: Int32Array, r: number, delta: number, a16: boolean): void {
  s[r] = a16 ? (s[r] & ~0xffff) | ((s[r] + delta) & 0xffff) : (s[r] + delta) | 0;
}

/**
 * rep movs / rep stos on RAM, a page at a time: as many whole elements as fit
 * before either address leaves its page, copied with typed-array operations.
 * Returns the number of elements done, 0 when the per-element path must take
 * the next one (a page boundary inside an element, MMIO, overlap that
 * changes the result, 16-bit address wrap).
 */
function bulkChunk(cpu: Cpu, op: StrOp, size: number, step: number, count: number, src: number, dst: number): number {
  const mem = cpu.mem;
  const room = (a: number) => (step > 0 ? (4096 - (a & 0xfff)) / size : ((a & 0xfff) + size) / size);
  let n = Math.min(count, Math.floor(room(dst)));
  if (op === StrOp.Movs) n = Math.min(n, Math.floor(room(src)));
  if (n < 2) return 0;
  const bytes = n * size;
  const dPhys = chunkPhys(cpu, dst, step, bytes, size, Access.Write);
  if (dPhys < 0) return 0;
  const m8 = mem.m8;
  if (op === StrOp.Movs) {
    const sPhys = chunkPhys(cpu, src, step, bytes, size, Access.Read);
    if (sPhys < 0) return 0;
    // Element-by-element copying differs from memmove when the ranges overlap in the copy direction.
    if (step > 0 ? dPhys > sPhys && dPhys < sPhys + bytes : dPhys < sPhys && dPhys + bytes > sPhys) return 0;
    if (mem.codePages[dPhys >>> 12] && mem.onCodeWrite(dPhys, bytes)) codeHit = 1;
    mem.markDirty(dPhys, bytes);
    m8.copyWithin(dPhys, sPhys, sPhys + bytes);
    return n;
  }
  if (mem.codePages[dPhys >>> 12] && mem.onCodeWrite(dPhys, bytes)) codeHit = 1;
  mem.markDirty(dPhys, bytes);
  const v = cpu.s[S.EAX];
  if (size === 1) m8.fill(v & 0xff, dPhys, dPhys + bytes);
  else if (size === 2 && (dPhys & 1) === 0) mem.m16.fill(v & 0xffff, dPhys >> 1, (dPhys + bytes) >> 1);
  else if (size === 4 && (dPhys & 3) === 0) mem.m32.fill(v, dPhys >> 2, (dPhys + bytes) >> 2);
  else for (let i = 0; i < bytes; i++) m8[dPhys + i] = v >>> (8 * (i % size));
  return n;
}

/** Physical address of the `bytes` starting at the lowest address of a chunk, or -1 if not all in one RAM page. */
function chunkPhys(cpu: Cpu, linear: number, step: number, bytes: number, size: number, access: Access): number {
  const lo = step > 0 ? linear : (linear - bytes + size) | 0;
  if (cpu.mem.watchedRange(lo >>> 0, bytes)) return -1; // watched: element by element, so each access is checked
  const phys = cpu.mem.translate(lo, access, -1);
  return phys + bytes > cpu.mem.size || (phys & 0xfff) + bytes > 4096 ? -1 : phys;
}

function readPhysLE(m8: Uint8Array, a: number, size: number): number {
  return size === 1 ? m8[a] : size === 2 ? m8[a] | (m8[a + 1] << 8) : m8[a] | (m8[a + 1] << 8) | (m8[a + 2] << 16) | (m8[a + 3] << 24);
}

/**
 * repe/repne cmps and scas on RAM within one page: compares element by
 * element on the typed array and stops after the element that ends the
 * repetition. Sets the lazy flags of the last comparison. Returns elements done.
 */
function compareChunk(cpu: Cpu, op: StrOp, size: number, step: number, count: number, src: number, dst: number, rep: number): number {
  const room = (a: number) => Math.floor(step > 0 ? (4096 - (a & 0xfff)) / size : ((a & 0xfff) + size) / size);
  let n = Math.min(count, room(dst));
  if (op === StrOp.Cmps) n = Math.min(n, room(src));
  if (n < 2) return 0;
  const bytes = n * size;
  const dPhys = chunkPhys(cpu, dst, step, bytes, size, Access.Read);
  if (dPhys < 0) return 0;
  let sPhys = 0;
  if (op === StrOp.Cmps) {
    sPhys = chunkPhys(cpu, src, step, bytes, size, Access.Read);
    if (sPhys < 0) return 0;
  }
  const m8 = cpu.mem.m8, s = cpu.s;
  const mask = size === 4 ? -1 : size === 2 ? 0xffff : 0xff;
  // Offsets of the first element within the chunk (lowest address first when DF=1).
  let d = step > 0 ? dPhys : dPhys + bytes - size;
  let a = step > 0 ? sPhys : sPhys + bytes - size;
  const acc = s[S.EAX] & mask;
  let x = 0, y = 0, i = 0;
  while (i < n) {
    x = op === StrOp.Cmps ? readPhysLE(m8, a, size) : acc;
    y = readPhysLE(m8, d, size);
    i++;
    a += step; d += step;
    if (rep === 1 ? (x & mask) !== (y & mask) : (x & mask) === (y & mask)) break;
  }
  s[S.CC_OP] = ccOp(CcKind.Sub, size);
  s[S.CC_DST] = (x - y) & mask;
  s[S.CC_SRC] = y & mask;
  return i;
}
