// Reads a rewind86 trace file (format.ts) one record at a time, chunk by
// chunk, in bounded memory. Anything malformed or cut short is a
// TraceInputError naming the file and what is wrong.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import {
  CHUNK_DATA, CHUNK_END, CHUNK_HEADER_BYTES, FIELD_COUNT, PREDICT_SIZE, TRACE_FORMAT_VERSION, TRACE_MAGIC, Tag, chunkChecksum, predictSlot, regsHash,
  type EventKind, type TraceHeader, type TraceLevel,
} from './format.js';
import { CodeMap, TraceInputError, newState, type TraceEvent, type TraceSource } from './source.js';

const MAX_HEADER = 1 << 20;
const MAX_CHUNK = 64 << 20;

export class TraceReader implements TraceSource {
  readonly origin = 'rewind86' as const;
  readonly level: TraceLevel;
  readonly header: TraceHeader;
  icount = 0;
  cs = 0;
  csBase = 0;
  eip = 0;
  hasState = false;
  readonly state = newState();
  events: TraceEvent[] = [];
  endIcount = 0;
  private readonly fd: number;
  private readonly size: number;
  private offset = 0;
  private bytes: Uint8Array = new Uint8Array(0);
  private view: DataView = new DataView(new ArrayBuffer(0));
  private len = 0;
  private rp = 0;
  private readonly predict = new Int32Array(PREDICT_SIZE);
  private lastEip = 0;
  private chunkIndex = 0;
  private blockHash = 0;
  private entriesRead = 0;
  private haveFull = false;
  private readonly codeMap = new CodeMap();
  private ended = false;

  constructor(readonly label: string) {
    try {
      this.fd = openSync(label, 'r');
      this.size = fstatSync(this.fd).size;
    } catch (e) {
      throw new TraceInputError(`cannot read trace ${label}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const head = this.read(16, 'its header');
    if (head.toString('latin1', 0, 8) !== TRACE_MAGIC) this.fail('not a rewind86 trace (bad magic)');
    const version = head.readUInt32LE(8);
    if (version !== TRACE_FORMAT_VERSION) this.fail(`trace format version ${version}; this rewind86 reads version ${TRACE_FORMAT_VERSION}`);
    const len = head.readUInt32LE(12);
    if (len > MAX_HEADER) this.fail('header too large');
    try {
      this.header = JSON.parse(this.read(len, 'its header').toString('utf8')) as TraceHeader;
    } catch (e) {
      if (e instanceof TraceInputError) throw e;
      this.fail('header is not valid JSON');
    }
    if (this.header.level !== 'block' && this.header.level !== 'insn') this.fail(`unknown trace level ${JSON.stringify(this.header.level)}`);
    this.level = this.header.level;
  }

  next(): boolean {
    if (this.ended) return false;
    this.events = [];
    for (;;) {
      if (this.rp >= this.len && !this.nextChunk()) return false;
      const v = this.view, p = this.rp;
      const tag = v.getUint8(p);
      if (tag & Tag.BlockShort) {
        this.needFull();
        let q = p + 1;
        const slot = predictSlot(this.lastEip);
        let eip: number;
        if (tag & Tag.Predicted) eip = this.predict[slot]!;
        else { this.need(q, 4); eip = v.getInt32(q, true); q += 4; }
        this.need(q, 4);
        this.predict[slot] = eip;
        this.lastEip = eip;
        this.icount += tag & 63;
        this.eip = eip >>> 0;
        this.blockHash = v.getInt32(q, true);
        this.hasState = false;
        this.rp = q + 4;
        return this.entry();
      }
      switch (tag) {
        case Tag.Block: {
          this.needFull();
          this.need(p, 13);
          const eip = v.getInt32(p + 5, true);
          this.predict[predictSlot(this.lastEip)] = eip;
          this.lastEip = eip;
          this.icount += v.getUint32(p + 1, true);
          this.eip = eip >>> 0;
          this.blockHash = v.getInt32(p + 9, true);
          this.hasState = false;
          this.rp = p + 13;
          return this.entry();
        }
        case Tag.Full: {
          this.need(p, 9 + FIELD_COUNT * 4);
          this.icount = v.getUint32(p + 1, true) + v.getUint32(p + 5, true) * 0x100000000;
          const st = this.state;
          for (let i = 0, q = p + 9; i < FIELD_COUNT; i++, q += 4) st[i] = v.getInt32(q, true);
          this.rp = p + 9 + FIELD_COUNT * 4;
          this.haveFull = true;
          this.fromState();
          this.lastEip = st[8]!;
          return this.entry();
        }
        case Tag.Insn: {
          this.needFull();
          this.need(p, 13);
          this.icount += v.getUint32(p + 1, true);
          const lo = v.getInt32(p + 5, true), hi = v.getInt32(p + 9, true);
          const n = popcount(lo) + popcount(hi);
          this.need(p + 13, n * 4);
          if (hi >>> (FIELD_COUNT - 32) !== 0) this.fail(`chunk ${this.chunkIndex}: bad field mask`);
          let q = p + 13;
          const st = this.state;
          for (let m = lo; m !== 0; m &= m - 1) { st[31 - Math.clz32(m & -m)] = v.getInt32(q, true); q += 4; }
          for (let m = hi; m !== 0; m &= m - 1) { st[63 - Math.clz32(m & -m)] = v.getInt32(q, true); q += 4; }
          this.rp = q;
          this.fromState();
          return this.entry();
        }
        case Tag.Cs: {
          this.need(p, 7);
          this.cs = v.getUint16(p + 1, true);
          this.csBase = v.getUint32(p + 3, true);
          this.rp = p + 7;
          break;
        }
        case Tag.Event: {
          this.need(p, 7);
          this.events.push({ vector: v.getUint8(p + 1), kind: v.getUint8(p + 2) as EventKind, errorCode: v.getInt32(p + 3, true) });
          this.rp = p + 7;
          break;
        }
        case Tag.Code: {
          this.need(p, 7);
          const len = v.getUint16(p + 1, true);
          this.need(p + 7, len);
          this.codeMap.set(v.getInt32(p + 3, true), this.bytes.slice(p + 7, p + 7 + len));
          this.rp = p + 7 + len;
          break;
        }
        default:
          this.fail(`chunk ${this.chunkIndex}: unknown record tag ${tag}`);
      }
    }
  }

  private need(at: number, n: number): void {
    if (at + n > this.len) this.fail(`chunk ${this.chunkIndex}: a record runs past the end of the chunk`);
  }

  private needFull(): void {
    if (!this.haveFull) this.fail(`chunk ${this.chunkIndex} does not start with a full-state record`);
  }

  hash(): number {
    return this.hasState ? regsHash(this.state) : this.blockHash;
  }

  code(linear: number): Uint8Array | undefined { return this.codeMap.get(linear); }

  progress(): number { return this.size > 0 ? this.offset / this.size : 1; }

  close(): void { closeSync(this.fd); }

  private fromState(): void {
    const st = this.state;
    this.cs = st[11]! & 0xffff;
    this.csBase = st[17]! >>> 0;
    this.eip = st[8]! >>> 0;
    this.hasState = true;
  }

  private entry(): boolean {
    this.entriesRead++;
    return true;
  }

  /** Loads the next chunk; false (and the trace ends) at the end record. */
  private nextChunk(): boolean {
    if (this.offset === this.size) {
      this.fail(`truncated: no end record after ${this.entriesRead} entries (the run that wrote it did not finish)`);
    }
    const head = this.read(CHUNK_HEADER_BYTES, 'a chunk header');
    const type = head.readUInt32LE(0);
    if (type === CHUNK_END) {
      if (chunkChecksum(head.subarray(0, 20)) !== head.readInt32LE(20)) this.fail('the end record is corrupt (checksum mismatch)');
      const entries = head.readUInt32LE(4) + head.readUInt32LE(8) * 0x100000000;
      this.endIcount = head.readDoubleLE(12);
      if (entries !== this.entriesRead) this.fail(`end record says ${entries} entries, the chunks hold ${this.entriesRead}`);
      if (this.offset !== this.size) this.fail('data after the end record');
      this.ended = true;
      return false;
    }
    if (type !== CHUNK_DATA) this.fail(`corrupt at byte ${this.offset - CHUNK_HEADER_BYTES}: not a chunk header`);
    this.chunkIndex++;
    const rawLen = head.readUInt32LE(4), storedLen = head.readUInt32LE(8), compression = head.readUInt32LE(16);
    if (rawLen > MAX_CHUNK || storedLen > MAX_CHUNK || rawLen === 0 || compression > 1 || (compression === 0 && storedLen !== rawLen)) {
      this.fail(`chunk ${this.chunkIndex}: bad chunk header`);
    }
    const stored = this.read(storedLen, `chunk ${this.chunkIndex}`);
    let raw: Buffer = stored;
    if (compression === 1) {
      try {
        raw = inflateSync(stored);
      } catch {
        this.fail(`chunk ${this.chunkIndex} is corrupt (decompression failed)`);
      }
      if (raw.length !== rawLen) this.fail(`chunk ${this.chunkIndex} is corrupt (size mismatch)`);
    }
    if (chunkChecksum(raw) !== head.readInt32LE(20)) this.fail(`chunk ${this.chunkIndex} is corrupt (checksum mismatch)`);
    this.bytes = raw;
    this.view = new DataView(raw.buffer, raw.byteOffset, raw.length);
    this.len = raw.length;
    this.rp = 0;
    this.haveFull = false;
    this.predict.fill(0);
    return true;
  }

  private read(n: number, what: string): Buffer {
    if (this.offset + n > this.size) this.fail(`truncated in ${what} (file ends at byte ${this.size})`);
    const b = Buffer.alloc(n);
    let got = 0;
    while (got < n) {
      const r = readSync(this.fd, b, got, n - got, this.offset + got);
      if (r === 0) this.fail(`truncated in ${what}`);
      got += r;
    }
    this.offset += n;
    return b;
  }

  private fail(why: string): never {
    throw new TraceInputError(`trace ${this.label}: ${why}`);
  }
}

function popcount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}
