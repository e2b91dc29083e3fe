// Segment registers in real and protected mode: descriptor fetch, the
// checks of a segment load (SDM vol. 3, 5.5-5.8; vol. 2, MOV/POP/LDS), and
// the CS load of a far transfer to a code segment.
import { S, Seg } from '../frontend-x86/index.js';
import { type Cpu } from './cpu.js';
import { Fault, VEC } from './fault.js';

export interface Descriptor {
  lo: number;
  hi: number;
  base: number;
  /** Limit in bytes - 1, granularity applied. */
  limit: number;
  /** Bits 8..23 of the high dword: type, S, DPL, P, AVL, D/B, G. */
  attr: number;
  /** Linear address of the descriptor (to set the accessed bit). */
  addr: number;
}

export function parseDescriptor(lo: number, hi: number, addr: number): Descriptor {
  const base = ((lo >>> 16) | ((hi & 0xff) << 16) | (hi & 0xff000000)) | 0;
  let limit = (lo & 0xffff) | (hi & 0xf0000);
  if (hi & 0x800000) limit = ((limit << 12) | 0xfff) | 0;
  return { lo, hi, base, limit, attr: (hi >>> 8) & 0xffff, addr };
}

const dpl = (attr: number) => (attr >> 5) & 3;
const present = (attr: number) => (attr & 0x80) !== 0;
const isCode = (attr: number) => (attr & 0x18) === 0x18;
const isData = (attr: number) => (attr & 0x18) === 0x10;

function gp(err: number): Fault { return new Fault(VEC.GP, err & 0xffff, -1); }

/**
 * Whether [offset, offset + size) lies inside segment `seg` (SDM vol. 3,
 * 5.3): below the limit for an expand-up segment; above it, up to 64 KiB or
 * 4 GiB by the B bit, for an expand-down data segment; never for an unusable
 * one; and in protected mode whether the segment's type allows the access (5.4.1).
 */
export function segmentAccessOk(s: Int32Array, seg: number, offset: number, size: number, write = false): boolean {
  const attr = s[S.ATTR + seg]!;
  if (!(attr & 0x80)) return false;
  // Rights, in protected mode: writes need a writable data segment, reads anything but execute-only code.
  if (s[S.CR0]! & 1 && (write ? (attr & 0x1a) !== 0x12 : (attr & 0x1a) === 0x18)) return false;
  const first = offset >>> 0, last = first + size - 1;
  const limit = s[S.LIMIT + seg]! >>> 0;
  if ((attr & 0x1c) === 0x14) return first > limit && last <= (attr & 0x4000 ? 0xffffffff : 0xffff);
  return last <= limit;
}

/** #GP(0), or #SS(0) for the stack segment, unless segmentAccessOk. */
export function checkSegmentAccess(s: Int32Array, seg: number, offset: number, size: number, write = false): void {
  if (!segmentAccessOk(s, seg, offset, size, write)) throw new Fault(seg === Seg.SS ? VEC.SS : VEC.GP, 0, -1);
}

/** Reads the descriptor a selector names; #GP(selector) when it lies outside its table. */
export function readDescriptor(cpu: Cpu, sel: number, vector: number = VEC.GP): Descriptor {
  const s = cpu.s;
  const ldt = (sel & 4) !== 0;
  const base = ldt ? s[S.LDTR_BASE] : s[S.GDTR_BASE];
  const limit = ldt ? s[S.LDTR_LIMIT] : s[S.GDTR_LIMIT];
  const index = sel & ~7;
  if (index + 7 > (limit >>> 0) || (ldt && !(s[S.LDTR_ATTR] & 0x80))) throw new Fault(vector, sel & 0xfffc, -1);
  const addr = (base + index) | 0;
  return cpu.supervisor(() => parseDescriptor(cpu.readLinear32(addr), cpu.readLinear32((addr + 4) | 0), addr));
}

function markAccessed(cpu: Cpu, d: Descriptor): void {
  if (!(d.attr & 1)) cpu.supervisor(() => cpu.writeLinear8((d.addr + 5) | 0, ((d.hi >>> 8) | 1) & 0xff));
}

/** mov/pop/lds etc. into a data or stack segment register. */
export function loadSegment(cpu: Cpu, seg: number, sel: number): void {
  sel &= 0xffff;
  if (!cpu.protectedMode || (cpu.s[S.EFLAGS] & 0x20000)) {
    const s = cpu.s;
    // Real and virtual-8086 mode: only selector and base change; the cached limit stays (unreal mode).
    s[S.SEL + seg] = sel;
    s[S.BASE + seg] = sel << 4;
    if (seg === Seg.CS) s[S.ATTR + seg] = (s[S.ATTR + seg] & ~0x4000);
    cpu.updateMode();
    return;
  }
  const cpl = cpu.cpl;
  const rpl = sel & 3;
  if (seg === Seg.SS) {
    if ((sel & ~3) === 0) throw gp(0);
    if (rpl !== cpl) throw gp(sel & 0xfffc);
    const d = readDescriptor(cpu, sel);
    if (!isData(d.attr) || !(d.attr & 2) || dpl(d.attr) !== cpl) throw gp(sel & 0xfffc);
    if (!present(d.attr)) throw new Fault(VEC.SS, sel & 0xfffc, -1);
    markAccessed(cpu, d);
    cpu.setSegCache(seg, sel, d.base, d.limit, d.attr | 1);
    cpu.updateMode();
    return;
  }
  if ((sel & ~3) === 0) {
    // A null selector loads an unusable segment; using it raises #GP(0).
    cpu.setSegCache(seg, sel, 0, 0, 0);
    cpu.updateMode();
    return;
  }
  const d = readDescriptor(cpu, sel);
  const a = d.attr;
  if (!(a & 0x10) || (isCode(a) && !(a & 2))) throw gp(sel & 0xfffc);
  const conforming = isCode(a) && (a & 4) !== 0;
  if (!conforming && (rpl > dpl(a) || cpl > dpl(a))) throw gp(sel & 0xfffc);
  if (!present(a)) throw new Fault(VEC.NP, sel & 0xfffc, -1);
  markAccessed(cpu, d);
  cpu.setSegCache(seg, sel, d.base, d.limit, a | 1);
  cpu.updateMode();
}

/** Loads CS for a far transfer to a code segment at the current privilege level (gates: far-transfer.ts). */
function loadCodeSegment(cpu: Cpu, sel: number, offset: number): void {
  sel &= 0xffff;
  if (!cpu.protectedMode || (cpu.s[S.EFLAGS] & 0x20000)) {
    cpu.setSegCache(Seg.CS, sel, sel << 4, cpu.s[S.LIMIT + Seg.CS], cpu.s[S.ATTR + Seg.CS] & ~0x4000);
    cpu.s[S.EIP] = offset;
    cpu.updateMode();
    return;
  }
  if ((sel & ~3) === 0) throw gp(0);
  const d = readDescriptor(cpu, sel);
  const a = d.attr;
  const cpl = cpu.cpl;
  if (!isCode(a)) throw gp(sel & 0xfffc);
  if (a & 4) { if (dpl(a) > cpl) throw gp(sel & 0xfffc); }
  else if ((sel & 3) > cpl || dpl(a) !== cpl) throw gp(sel & 0xfffc);
  if (!present(a)) throw new Fault(VEC.NP, sel & 0xfffc, -1);
  if (offset >>> 0 > d.limit >>> 0) throw gp(0);
  markAccessed(cpu, d);
  cpu.setSegCache(Seg.CS, (sel & ~3) | cpl, d.base, d.limit, a | 1);
  cpu.s[S.EIP] = offset;
  cpu.updateMode();
}

export { loadCodeSegment };
