// The execution trace file: what `--trace FILE` writes and trace-diff reads.
//
//   file    := magic "RW86TRC\0" | u32 formatVersion | u32 headerLength | header (UTF-8 JSON) | chunk* | end
//   chunk   := u32 CHUNK_DATA | u32 rawBytes | u32 storedBytes | u32 entries | u32 compression | u32 checksum | stored bytes
//   end     := u32 CHUNK_END  | u32 entries lo | u32 entries hi | f64 final icount | u32 checksum of the 20 bytes before
//
// Little-endian; compression 0 = stored, 1 = zlib; checksum = chunkChecksum of
// the uncompressed records. The first state record of
// every chunk is Full, so a chunk decodes without the ones before it (except
// for code bytes, written once per translation). A file without its end
// record was cut short (the writer died); the reader says so.
//
// Records, byte-packed (u32 little-endian, tag byte first):
//   BlockShort  [0x80 | predicted << 6 | delta] (eip u32 unless predicted) hash u32
//   Block       [2] delta u32, eip u32, hash u32                  hash = hashRegs(EAX..EDI, EIP, EFLAGS)
//   Cs          [6] cs u16, cs base u32                           CS changed (block level)
//   Full        [1] icount (u32 lo, u32 hi), FIELD_COUNT x u32     every field (see FIELDS)
//   Insn        [3] delta u32, mask lo u32, mask hi u32, the fields that changed since the previous record
//   Event       [4] vector u8, kind u8, error code i32             delivered just before the next record
//   Code        [5] length u16, linear pc u32, bytes               guest code translated at pc (for disassembly)
// A block's eip is "predicted" when it equals the eip that followed the
// previous block's eip the last time (a 4096-entry table indexed by the
// previous eip, reset at every chunk): in a loop that costs one byte plus
// the hash. Block-level chunks are stored as they are (the hashes do not
// compress); instruction-level chunks are zlib-compressed.
//
// Every state record describes the machine BEFORE the instruction at its
// icount runs (icount = instructions retired so far), as QEMU's exec log does.

import { hashWords } from '../replay/index.js';

export const TRACE_MAGIC = 'RW86TRC\0';
export const TRACE_FORMAT_VERSION = 1;
export const CHUNK_DATA = 0x4b4e4843; // "CHNK"
export const CHUNK_END = 0x21444e45; // "END!"
export const CHUNK_HEADER_BYTES = 24;

/** A checksum of a chunk's records (hashWords over its whole words, then the tail bytes), so corruption is detected. */
export function chunkChecksum(bytes: Uint8Array): number {
  const words = bytes.byteOffset % 4 === 0
    ? new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length >> 2)
    : new Int32Array(bytes.slice(0, bytes.length & ~3).buffer);
  let tail = 0;
  for (let i = bytes.length & ~3; i < bytes.length; i++) tail = (tail << 8) | bytes[i]!;
  return hashWords(words, tail ^ bytes.length) | 0;
}
/** Records per chunk before a new chunk (and a new Full record) starts. */
export const ENTRIES_PER_CHUNK = 65536;

export const enum Tag { Full = 1, Block = 2, Insn = 3, Event = 4, Code = 5, Cs = 6, BlockShort = 0x80, Predicted = 0x40 }
export const PREDICT_SIZE = 4096;
export function predictSlot(prevEip: number): number { return (prevEip ^ (prevEip >>> 12)) & (PREDICT_SIZE - 1); }

export type TraceLevel = 'block' | 'insn';

export const enum EventKind { Hardware = 0, Software = 1, Exception = 2 }
export const EVENT_KIND_NAMES = ['hardware interrupt', 'software interrupt', 'exception'] as const;

export interface TraceHeader {
  formatVersion: number;
  rewind86Version: string;
  level: TraceLevel;
  /** Which command made it: run, record or replay. */
  source: string;
  machine: Record<string, unknown>;
  /** The kernel (or the replayed log) the trace is of. */
  image?: { path: string; sha256?: string };
}

const SEGS = ['es', 'cs', 'ss', 'ds', 'fs', 'gs'] as const;
/** Every field of a Full record, in order; Insn records name them by bit index. */
export const FIELDS: readonly string[] = [
  'eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi', 'eip', 'eflags',
  ...SEGS, ...SEGS.map((s) => `${s}.base`), ...SEGS.map((s) => `${s}.limit`), ...SEGS.map((s) => `${s}.attr`),
  'cr0', 'cr2', 'cr3', 'cr4', 'gdtr.base', 'gdtr.limit', 'idtr.base', 'idtr.limit', 'ldtr', 'tr',
];
export const FIELD_COUNT = FIELDS.length;
export const F_EIP = 8;
export const F_EFLAGS = 9;
export const F_SEL = 10;
export const F_BASE = 16;
export const F_LIMIT = 22;
export const F_ATTR = 28;
export const F_CR0 = 34;
/** The fields a Block record's hash covers: the general registers, EIP and EFLAGS. */
export const HASHED_FIELDS = 10;

/**
 * The hash of a Block record over EAX..EDI, EIP and EFLAGS. Each step
 * (xor, then multiply by an odd constant) is a bijection of the running
 * value, so states that differ in one register always hash differently.
 */
export function hashRegs(r0: number, r1: number, r2: number, r3: number, r4: number, r5: number, r6: number, r7: number, eip: number, eflags: number): number {
  let h = 0x811c9dc5 | 0;
  h = Math.imul(h ^ r0, 0x9e3779b1); h = Math.imul(h ^ r1, 0x9e3779b1);
  h = Math.imul(h ^ r2, 0x9e3779b1); h = Math.imul(h ^ r3, 0x9e3779b1);
  h = Math.imul(h ^ r4, 0x9e3779b1); h = Math.imul(h ^ r5, 0x9e3779b1);
  h = Math.imul(h ^ r6, 0x9e3779b1); h = Math.imul(h ^ r7, 0x9e3779b1);
  h = Math.imul(h ^ eip, 0x9e3779b1); h = Math.imul(h ^ eflags, 0x9e3779b1);
  return h ^ (h >>> 15);
}

/** hashRegs of a state in FIELDS order. */
export function regsHash(st: Int32Array): number {
  return hashRegs(st[0]!, st[1]!, st[2]!, st[3]!, st[4]!, st[5]!, st[6]!, st[7]!, st[8]!, st[9]!);
}

/** Field index by name, accepting a few aliases (`cs.sel`, `ldt`). */
export function fieldIndex(name: string): number {
  const n = name.toLowerCase().replace(/\.sel$/, '').replace(/^ldt$/, 'ldtr');
  return FIELDS.indexOf(n);
}

export function hex8(v: number): string { return (v >>> 0).toString(16).padStart(8, '0'); }
export function hex4(v: number): string { return (v & 0xffff).toString(16).padStart(4, '0'); }
