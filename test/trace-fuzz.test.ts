// Fuzzing the trace reader (src/trace/reader.ts): whatever a file holds, the
// reader either reads it to the end or throws a TraceInputError with one line
// naming the file; never another exception, never a hang.
//   - blind: random bytes flipped, inserted, deleted or cut anywhere (the chunk
//     checksums catch most of it);
//   - structure-aware: the records inside a chunk mutated, then the chunk
//     re-packed with correct lengths and checksum, so the record decoder itself
//     meets the garbage.
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync, inflateSync } from 'node:zlib';
import { Machine } from '../src/devices/index.js';
import { TraceInputError, TraceReader, TraceWriter, type TraceLevel } from '../src/trace/index.js';
import { chunkChecksum, CHUNK_DATA, CHUNK_HEADER_BYTES } from '../src/trace/format.js';
import { prng } from './support/prng.js';
import { makeTempDir, repoPath } from './support/guests.js';

const dir = makeTempDir('trace-fuzz');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function makeTrace(level: TraceLevel): Buffer {
  const kernel = repoPath('test/guests/bin/hello.elf');
  const file = join(dir, `${level}.trc`);
  const m = new Machine({ memoryMiB: 8, serialOut: () => {} });
  m.loadMultiboot(kernel, readFileSync(kernel), 'fuzz');
  const w = new TraceWriter(file, m.cpu, { level, source: 'fuzz', machine: {}, rewind86Version: 'fuzz', force: true });
  m.exec.tracer = w;
  if (level === 'insn') m.exec.blockInsnLimit = 1;
  m.run();
  w.close();
  return readFileSync(file);
}

/** Reads a whole trace; returns the records read, or the error message. */
function readAll(data: Buffer, name: string): { records: number } | { error: string } {
  const file = join(dir, name);
  writeFileSync(file, data);
  let r: TraceReader | null = null;
  try {
    r = new TraceReader(file);
    let n = 0;
    while (r.next()) {
      if (++n > 10_000_000) throw new Error('runaway reader');
    }
    return { records: n };
  } catch (e) {
    if (!(e instanceof TraceInputError)) throw e;
    return { error: e.message };
  } finally {
    r?.close();
  }
}

/** The offsets of every data chunk in a trace file. */
function chunks(data: Buffer): number[] {
  let at = 16 + data.readUInt32LE(12);
  const out: number[] = [];
  while (data.readUInt32LE(at) === CHUNK_DATA) {
    out.push(at);
    at += CHUNK_HEADER_BYTES + data.readUInt32LE(at + 8);
  }
  return out;
}

/** The same file with one chunk's records replaced (lengths, checksum and compression redone). */
function repack(data: Buffer, at: number, mutate: (raw: Buffer) => Buffer): Buffer {
  const stored = data.subarray(at + CHUNK_HEADER_BYTES, at + CHUNK_HEADER_BYTES + data.readUInt32LE(at + 8));
  const zlib = data.readUInt32LE(at + 16) === 1;
  const raw = mutate(Buffer.from(zlib ? inflateSync(stored) : stored));
  const body = zlib ? deflateSync(raw) : raw;
  const head = Buffer.from(data.subarray(at, at + CHUNK_HEADER_BYTES));
  head.writeUInt32LE(raw.length, 4);
  head.writeUInt32LE(body.length, 8);
  head.writeInt32LE(chunkChecksum(raw), 20);
  return Buffer.concat([data.subarray(0, at), head, body, data.subarray(at + CHUNK_HEADER_BYTES + stored.length)]);
}

function mutateBytes(buf: Buffer, rnd: () => number): Buffer {
  const pick = (n: number) => Math.floor(rnd() * n);
  let b = Buffer.from(buf);
  const edits = 1 + pick(4);
  for (let k = 0; k < edits && b.length > 0; k++) {
    const at = pick(b.length);
    switch (pick(4)) {
      case 0: b[at] = pick(256); break;
      case 1: b = Buffer.concat([b.subarray(0, at), Buffer.from([pick(256)]), b.subarray(at)]); break;
      case 2: b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1)]); break;
      default: b = b.subarray(0, at); break;
    }
  }
  return b;
}

describe('trace reader fuzz', () => {
  for (const level of ['block', 'insn'] as const) {
    it(`${level} level: every mutation is read through or refused with one line`, () => {
      const good = makeTrace(level);
      const whole = readAll(good, 'good.trc');
      expect('records' in whole && whole.records).toBeGreaterThan(100);
      const rnd = prng(level === 'block' ? 0x7ace : 0xf00d);
      const offsets = chunks(good);
      expect(offsets.length).toBeGreaterThan(0);
      let refused = 0, decoderRefused = 0;
      for (let i = 0; i < 2000; i++) {
        const blind = readAll(mutateBytes(good, rnd), 'blind.trc');
        if ('error' in blind) {
          refused++;
          expect(blind.error).toMatch(/^trace \S+blind\.trc: [^\n]+$/);
        }
        const at = offsets[Math.floor(rnd() * offsets.length)]!;
        const aware = readAll(repack(good, at, (raw) => mutateBytes(raw, rnd)), 'aware.trc');
        if ('error' in aware) {
          decoderRefused++;
          expect(aware.error).toMatch(/^trace \S+aware\.trc: [^\n]+$/);
        }
      }
      // Most blind mutations are caught; the decoder refuses a good share of re-packed garbage.
      expect(refused).toBeGreaterThan(1700);
      expect(decoderRefused).toBeGreaterThan(300);
    }, 60_000);
  }
});
