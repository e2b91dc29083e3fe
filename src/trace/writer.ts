// Writes an execution trace (format.ts) while the machine runs: the executor
// calls block() before every block (with one instruction per block at the
// instruction level), translated() for new code and interrupt() for every
// delivery. Records go into a fixed buffer that is compressed and written
// out chunk by chunk, so memory stays bounded however long the run.
import { closeSync, openSync, writeSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { S } from '../frontend-x86/index.js';
import { type Cpu, type ExecTracer, type TranslationBlock } from '../runtime/index.js';
import { UserError } from '../devices/index.js';
import {
  CHUNK_DATA, CHUNK_END, CHUNK_HEADER_BYTES, ENTRIES_PER_CHUNK, F_EFLAGS, FIELD_COUNT, PREDICT_SIZE, TRACE_FORMAT_VERSION, TRACE_MAGIC,
  Tag, chunkChecksum, hashRegs, predictSlot, type TraceHeader, type TraceLevel,
} from './format.js';

const BUFFER_BYTES = 1 << 20;
/** Room kept free for the largest record (a Code record of a 128-instruction block). */
const MAX_RECORD_BYTES = 4096;
const MAX_DELTA = (1 << 23) - 1;
/** The CPU state slot of each field (EFLAGS: computed from its slot and the lazy flags). */
const FIELD_SLOTS = Int32Array.from([
  S.EAX, S.ECX, S.EDX, S.EBX, S.ESP, S.EBP, S.ESI, S.EDI, S.EIP, S.EFLAGS,
  ...Array.from({ length: 24 }, (_, i) => S.SEL + i),
  S.CR0, S.CR2, S.CR3, S.CR4, S.GDTR_BASE, S.GDTR_LIMIT, S.IDTR_BASE, S.IDTR_LIMIT, S.LDTR_SEL, S.TR_SEL,
]);

export interface TraceWriterOptions {
  level: TraceLevel;
  source: string;
  machine: Record<string, unknown>;
  image?: { path: string; sha256?: string };
  rewind86Version: string;
  force?: boolean;
}

export class TraceWriter implements ExecTracer {
  readonly level: TraceLevel;
  private readonly fd: number;
  private readonly buf = new Uint8Array(BUFFER_BYTES);
  private readonly view = new DataView(this.buf.buffer);
  private pos = 0;
  private chunkEntries = 0;
  private total = 0;
  private lastIcount = 0;
  /** The state of the previous record (instruction level). */
  private readonly prev = new Int32Array(FIELD_COUNT);
  /** CS selector and base as of the last record (block level writes a Cs record when they change). */
  private lastCs = -1;
  private lastCsBase = 0;
  /** EIP predictor (format.ts): the eip that followed each previous eip. */
  private readonly predict = new Int32Array(PREDICT_SIZE);
  private lastEip = 0;
  private closed = false;
  bytesWritten = 0;

  constructor(readonly path: string, private readonly cpu: Cpu, opts: TraceWriterOptions) {
    this.level = opts.level;
    try {
      this.fd = openSync(path, opts.force ? 'w' : 'wx');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new UserError(`trace file ${path} exists (use --force to overwrite)`);
      throw new UserError(`cannot create trace file ${path}: ${(e as Error).message}`);
    }
    const header: TraceHeader = {
      formatVersion: TRACE_FORMAT_VERSION, rewind86Version: opts.rewind86Version, level: opts.level,
      source: opts.source, machine: opts.machine, ...(opts.image ? { image: opts.image } : {}),
    };
    const json = Buffer.from(JSON.stringify(header), 'utf8');
    const head = Buffer.alloc(16);
    head.write(TRACE_MAGIC, 0, 'latin1');
    head.writeUInt32LE(TRACE_FORMAT_VERSION, 8);
    head.writeUInt32LE(json.length, 12);
    this.write(head);
    this.write(json);
  }

  /** The state before the block about to run. */
  block(tb: TranslationBlock): void {
    void tb;
    const cpu = this.cpu, s = cpu.s, v = this.view;
    const icount = cpu.ic[0];
    const delta = icount - this.lastIcount;
    if (this.chunkEntries === 0 || delta > MAX_DELTA || delta < 0) {
      this.full(icount);
    } else if (this.level === 'block') {
      let p = this.pos;
      const cs = s[S.SEL + 1]!, csBase = s[S.BASE + 1]!, eip = s[S.EIP]!;
      if (cs !== this.lastCs || csBase !== this.lastCsBase) {
        v.setUint8(p, Tag.Cs); v.setUint16(p + 1, cs, true); v.setInt32(p + 3, csBase, true); p += 7;
        this.lastCs = cs;
        this.lastCsBase = csBase;
      }
      const slot = predictSlot(this.lastEip);
      const predicted = this.predict[slot] === eip;
      this.predict[slot] = eip;
      this.lastEip = eip;
      const hash = hashRegs(s[0]!, s[1]!, s[2]!, s[3]!, s[4]!, s[5]!, s[6]!, s[7]!, eip, cpu.eflags());
      if (delta < 64) {
        v.setUint8(p++, Tag.BlockShort | (predicted ? Tag.Predicted : 0) | delta);
        if (!predicted) { v.setInt32(p, eip, true); p += 4; }
      } else {
        v.setUint8(p, Tag.Block); v.setUint32(p + 1, delta, true); v.setInt32(p + 5, eip, true); p += 9;
      }
      v.setInt32(p, hash, true);
      this.pos = p + 4;
    } else {
      // Compare the state slots with the previous record's, field by field (FIELD_SLOTS maps fields to slots).
      const prev = this.prev, slots = FIELD_SLOTS, b = this.buf;
      const at = this.pos;
      let p = at + 13, lo = 0, hi = 0;
      const eflags = cpu.eflags();
      for (let i = 0; i < FIELD_COUNT; i++) {
        const x = i === F_EFLAGS ? eflags : s[slots[i]!]!;
        if (x !== prev[i]) {
          b[p] = x; b[p + 1] = x >> 8; b[p + 2] = x >> 16; b[p + 3] = x >> 24; p += 4;
          prev[i] = x;
          if (i < 32) lo |= 1 << i; else hi |= 1 << (i - 32);
        }
      }
      v.setUint8(at, Tag.Insn); v.setUint32(at + 1, delta, true); v.setInt32(at + 5, lo, true); v.setInt32(at + 9, hi, true);
      this.pos = p;
    }
    this.lastIcount = icount;
    this.total++;
    if (++this.chunkEntries >= ENTRIES_PER_CHUNK || this.pos > BUFFER_BYTES - MAX_RECORD_BYTES) this.flushChunk();
  }

  translated(linear: number, bytes: Uint8Array): void {
    const v = this.view, p = this.pos;
    v.setUint8(p, Tag.Code); v.setUint16(p + 1, bytes.length, true); v.setInt32(p + 3, linear, true);
    this.buf.set(bytes, p + 7);
    this.pos = p + 7 + bytes.length;
    if (this.pos > BUFFER_BYTES - MAX_RECORD_BYTES) this.flushChunk();
  }

  interrupt(vector: number, kind: number, errorCode: number): void {
    const v = this.view, p = this.pos;
    v.setUint8(p, Tag.Event); v.setUint8(p + 1, vector); v.setUint8(p + 2, kind); v.setInt32(p + 3, errorCode, true);
    this.pos = p + 7;
  }

  /** Writes what is buffered and the end record; the trace is then complete. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.flushChunk();
    const end = Buffer.alloc(CHUNK_HEADER_BYTES);
    end.writeUInt32LE(CHUNK_END, 0);
    end.writeUInt32LE(this.total % 0x100000000, 4);
    end.writeUInt32LE(Math.floor(this.total / 0x100000000), 8);
    end.writeDoubleLE(this.cpu.ic[0], 12);
    end.writeInt32LE(chunkChecksum(end.subarray(0, 20)), 20);
    this.write(end);
    closeSync(this.fd);
  }

  get entries(): number { return this.total; }

  private full(icount: number): void {
    const v = this.view;
    let p = this.pos;
    v.setUint8(p, Tag.Full); v.setUint32(p + 1, icount % 0x100000000, true); v.setUint32(p + 5, Math.floor(icount / 0x100000000), true);
    p += 9;
    const st = this.prev;
    this.capture(st);
    for (let i = 0; i < FIELD_COUNT; i++, p += 4) v.setInt32(p, st[i]!, true);
    this.pos = p;
    this.lastCs = st[11]!;
    this.lastCsBase = st[17]!;
    this.lastEip = st[8]!;
  }

  /** Every traced field of the CPU state, in FIELDS order. */
  private capture(out: Int32Array): void {
    const s = this.cpu.s;
    for (let i = 0; i < FIELD_COUNT; i++) out[i] = s[FIELD_SLOTS[i]!]!;
    out[F_EFLAGS] = this.cpu.eflags();
  }

  private flushChunk(): void {
    if (this.pos === 0) return;
    const raw = Buffer.from(this.buf.buffer, 0, this.pos);
    const zlib = this.level === 'insn';
    const stored = zlib ? deflateSync(raw, { level: 1 }) : raw;
    const head = Buffer.alloc(CHUNK_HEADER_BYTES);
    head.writeUInt32LE(CHUNK_DATA, 0);
    head.writeUInt32LE(raw.length, 4);
    head.writeUInt32LE(stored.length, 8);
    head.writeUInt32LE(this.chunkEntries, 12);
    head.writeUInt32LE(zlib ? 1 : 0, 16);
    head.writeInt32LE(chunkChecksum(raw), 20);
    this.write(head);
    this.write(stored);
    this.pos = 0;
    this.chunkEntries = 0;
    this.predict.fill(0);
  }

  private write(b: Buffer): void {
    let off = 0;
    while (off < b.length) off += writeSync(this.fd, b, off);
    this.bytesWritten += b.length;
  }
}
