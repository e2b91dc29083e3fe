// Snapshot files (src/replay/snapshot-file.ts) and the CLI's --savevm/--loadvm.
// In-process: a machine saved at icount N of a running guest and loaded into
// a fresh machine runs on exactly like the original (same output, same CPU
// and RAM hashes); zero pages cost nothing; every kind of damaged file is one
// UserError naming the file. CLI (a build of its own, so it never races the
// build cli.test.ts makes): record, replay --until N --savevm, replay --loadvm
// gives what a full replay gives, run/record --loadvm, and the bad-input rule:
// one line `rewind86: error: ...`, exit status 1, no file changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { Machine, UserError } from '../src/devices/index.js';
import {
  encodeSnapshot, parseSnapshot, machineFromSnapshot, restoreSnapshot, writeFileAtomic, cpuStateHash, ramHash,
  SNAPSHOT_FORMAT_VERSION, type SnapshotMeta, type SnapshotHeader,
} from '../src/replay/index.js';
import { makeTempDir, REPO, repoPath } from './support/guests.js';

const IRQ = repoPath('test/guests/bin/irq.elf');
const HELLO = repoPath('test/guests/bin/hello.elf');
const CRC32 = repoPath('bench/guests/bin/crc32.elf');

/** A machine booted from `kernel` whose serial output collects into `out`. */
function boot(kernel: string, cmdline: string, memoryMiB = 128): { machine: Machine; out: number[] } {
  const out: number[] = [];
  const machine = new Machine({ memoryMiB, startTimeMs: 1_700_000_000_000, serialOut: (b) => out.push(b) });
  machine.loadMultiboot(kernel, readFileSync(kernel), cmdline);
  return { machine, out };
}

function meta(machine: Machine, append: string): SnapshotMeta {
  return {
    rewind86Version: 'test',
    machine: { memoryMiB: machine.opts.memoryMiB, icountShift: machine.clock.shift, append },
    images: [],
    startTimeMs: 1_700_000_000_000,
    replay: null,
  };
}

const text = (bytes: number[]) => Buffer.from(bytes).toString('latin1');

/** Re-seals a snapshot's bytes after an edit: the trailing SHA-256 of everything before it. */
function reseal(buf: Buffer): Buffer {
  const body = buf.subarray(0, buf.length - 32);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

/** The parts of a snapshot file: prefix fields, header JSON text, RAM section. */
function split(buf: Buffer): { headerJson: string; ram: Buffer } {
  const h = buf.readUInt32LE(12);
  const r = Number(buf.readBigUInt64LE(16));
  return { headerJson: buf.toString('utf8', 24, 24 + h), ram: buf.subarray(24 + h, 24 + h + r) };
}

/** A sealed snapshot file made of the given header JSON text and RAM section. */
function assemble(headerJson: string, ram: Buffer, version = SNAPSHOT_FORMAT_VERSION): Buffer {
  const json = Buffer.from(headerJson, 'utf8');
  const prefix = Buffer.alloc(24);
  prefix.write('RW86SNAP', 0, 'latin1');
  prefix.writeUInt32LE(version, 8);
  prefix.writeUInt32LE(json.length, 12);
  prefix.writeBigUInt64LE(BigInt(ram.length), 16);
  return reseal(Buffer.concat([prefix, json, ram, Buffer.alloc(32)]));
}

function editHeader(buf: Buffer, edit: (h: SnapshotHeader) => void): Buffer {
  const { headerJson, ram } = split(buf);
  const h = JSON.parse(headerJson) as SnapshotHeader;
  edit(h);
  return assemble(JSON.stringify(h), ram);
}

/** The UserError message parsing `data` gives (fails the test if it parses, or throws something else). */
function parseError(data: Uint8Array): string {
  try {
    parseSnapshot('snap.rw', data);
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    const msg = (e as Error).message;
    expect(msg).not.toContain('\n');
    expect(msg.startsWith('snap.rw: ')).toBe(true);
    return msg;
  }
  return expect.fail('parsed a damaged snapshot without an error');
}

describe('snapshot round trip in-process', () => {
  // irq.elf with the PIT and PIC: timers armed, halts warped through, interrupts taken, output all along.
  const points = [0, 1, 1000, 77_777, 250_000, 400_001, 587_000];
  it.each(points)('irq.elf (pit): saved at icount %i, loaded into a fresh machine, runs on identically', (n) => {
    const straight = boot(IRQ, 'pit');
    const straightResult = straight.machine.run();
    expect(straightResult.status).toBe(1); // the guest's own verdict: all passed
    expect(n).toBeLessThan(straight.machine.cpu.icount);

    const a = boot(IRQ, 'pit');
    a.machine.run(n);
    expect(a.machine.cpu.icount).toBe(n);
    const bytes = encodeSnapshot(a.machine, meta(a.machine, 'pit'));
    const snap = parseSnapshot('mem', bytes);
    expect(snap.header.core).toEqual(a.machine.saveCore()); // the JSON header holds the whole state exactly
    const before = a.out.length;
    const bOut: number[] = [];
    const b = machineFromSnapshot(snap, (x) => bOut.push(x));
    expect(b.cpu.icount).toBe(n);
    expect(cpuStateHash(b)).toBe(cpuStateHash(a.machine));
    expect(ramHash(b)).toBe(ramHash(a.machine));

    const ra = a.machine.run();
    const rb = b.run();
    expect(rb).toEqual(ra);
    expect(text(bOut)).toBe(text(a.out.slice(before)));
    expect(b.cpu.icount).toBe(a.machine.cpu.icount);
    expect(cpuStateHash(b)).toBe(cpuStateHash(a.machine));
    expect(ramHash(b)).toBe(ramHash(a.machine));
    expect(b.saveCore()).toEqual(a.machine.saveCore());
    // ...and stopping to save changed nothing: the same as the run that never stopped.
    expect(text(a.out)).toBe(text(straight.out));
    expect(cpuStateHash(a.machine)).toBe(cpuStateHash(straight.machine));
    expect(ramHash(a.machine)).toBe(ramHash(straight.machine));
  });

  it('crc32.elf: saved mid-run (translated code in the cache) and loaded over a machine that ran elsewhere', () => {
    const a = boot(CRC32, '');
    a.machine.run(150_000_000);
    const snap = parseSnapshot('mem', encodeSnapshot(a.machine, meta(a.machine, '')));
    // Load over a machine that booted another kernel and ran it: nothing of it may survive (RAM, TB cache, devices).
    const other = boot(HELLO, 'x');
    other.machine.run(3000);
    other.machine.mem.m8.fill(0xcc, 32 << 20, 33 << 20);
    const before = a.out.length;
    other.out.length = 0;
    restoreSnapshot(other.machine, snap);
    const ra = a.machine.run();
    const rb = other.machine.run();
    expect(rb).toEqual(ra);
    expect(text(other.out)).toBe(text(a.out.slice(before)));
    expect(text(other.out)).toContain('BENCH done');
    expect(cpuStateHash(other.machine)).toBe(cpuStateHash(a.machine));
    expect(ramHash(other.machine)).toBe(ramHash(a.machine));
  });

  it('a snapshot taken after the guest ended keeps its exit', () => {
    const a = boot(HELLO, '');
    const ra = a.machine.run();
    const b = machineFromSnapshot(parseSnapshot('mem', encodeSnapshot(a.machine, meta(a.machine, ''))), () => {});
    expect(b.run()).toEqual(ra);
    expect(b.cpu.icount).toBe(a.machine.cpu.icount);
  });

  it('restoring into a machine of another memory size or icount shift is a UserError naming the file', () => {
    const a = boot(HELLO, '', 16);
    const snap = parseSnapshot('s.rw', encodeSnapshot(a.machine, meta(a.machine, '')));
    expect(() => restoreSnapshot(new Machine({ memoryMiB: 32, serialOut: () => {} }), snap)).toThrow(/^s\.rw: .*16 MiB of RAM, not 32 MiB$/);
    expect(() => restoreSnapshot(new Machine({ memoryMiB: 16, icountShift: 5, serialOut: () => {} }), snap)).toThrow(/^s\.rw: .*icount shift 3, not 5$/);
  });
});

describe('zero pages cost nothing', () => {
  it('a 128 MiB machine running a small guest: a snapshot well under 1 MiB; 512 MiB costs only the bigger page bitmap', () => {
    const sizes: Record<number, number> = {};
    for (const mib of [16, 128, 512]) {
      const a = boot(CRC32, '', mib);
      a.machine.run(50_000_000);
      const bytes = encodeSnapshot(a.machine, meta(a.machine, ''));
      const snap = parseSnapshot('mem', bytes);
      expect(snap.header.ram.nonZeroPages).toBeLessThan(200);
      sizes[mib] = bytes.length;
    }
    expect(sizes[128]).toBeLessThan(1 << 20);
    expect(sizes[128]).toBeLessThan(200_000);
    // One bit per page: (512 - 16) MiB more RAM is 496 * 256 / 8 bytes more bitmap (and a few header digits).
    expect(Math.abs(sizes[512] - sizes[16] - (496 * 256) / 8)).toBeLessThan(64);
  });

  it('a byte anywhere in RAM is kept, in every page', () => {
    const a = boot(HELLO, '', 8);
    const mem = a.machine.mem;
    mem.m8.fill(0, 0x100000); // keep only the low MiB; then mark pages with their own number
    for (let p = 256; p < mem.size / 4096; p += 3) mem.m8[p * 4096 + (p % 4096)] = (p & 0xff) | 1;
    mem.m8[mem.size - 1] = 0x5a;
    const b = machineFromSnapshot(parseSnapshot('mem', encodeSnapshot(a.machine, meta(a.machine, ''))), () => {});
    expect(Buffer.from(b.mem.m8).equals(Buffer.from(mem.m8))).toBe(true);
  });
});

describe('reading a damaged snapshot: one UserError naming the file', () => {
  let good: Buffer;
  beforeAll(() => {
    const a = boot(IRQ, 'pit', 16);
    a.machine.run(100_000);
    good = encodeSnapshot(a.machine, meta(a.machine, 'pit'));
    expect(() => parseSnapshot('snap.rw', good)).not.toThrow();
  });

  it('not a snapshot', () => {
    expect(parseError(Buffer.from('RW86LOG\0 a replay log, not a snapshot'))).toBe('snap.rw: not a rewind86 snapshot (bad magic)');
    expect(parseError(Buffer.alloc(0))).toMatch(/not a rewind86 snapshot/);
    expect(parseError(Buffer.from('\x7fELF'))).toMatch(/bad magic/);
  });

  it('truncated at any length', () => {
    const lengths = new Set<number>();
    for (let n = 1; n < 64; n++) lengths.add(n);
    for (let n = 64; n < good.length; n += 997) lengths.add(n);
    lengths.add(good.length - 1);
    for (const n of lengths) expect(parseError(good.subarray(0, n))).toMatch(/truncated/);
    expect(parseError(good.subarray(0, 5000))).toBe(`snap.rw: truncated (5000 of ${good.length} bytes)`);
  });

  it('extra bytes at the end', () => {
    expect(parseError(Buffer.concat([good, Buffer.from([0])]))).toMatch(/corrupt: 1 bytes after the end/);
  });

  it('a flipped byte anywhere: the checksum', () => {
    for (const at of [30, 100, split(good).headerJson.length, good.length - 100, good.length - 1]) {
      const bad = Buffer.from(good);
      bad[at] ^= 0x20;
      expect(parseError(bad)).toMatch(/corrupt \(checksum mismatch/);
    }
  });

  it('a future (or unknown) format version', () => {
    const future = Buffer.from(good);
    future.writeUInt32LE(SNAPSHOT_FORMAT_VERSION + 1, 8);
    expect(parseError(future)).toBe(`snap.rw: snapshot format version ${SNAPSHOT_FORMAT_VERSION + 1}; this rewind86 reads version ${SNAPSHOT_FORMAT_VERSION}`);
    const zero = Buffer.from(good);
    zero.writeUInt32LE(0, 8);
    expect(parseError(zero)).toMatch(new RegExp(`snapshot format version 0; this rewind86 reads version ${SNAPSHOT_FORMAT_VERSION}`));
  });

  it('a sealed file with a bad header: not JSON, missing or wrong fields, bad sizes', () => {
    const { headerJson, ram } = split(good);
    expect(parseError(assemble(headerJson.slice(0, -1), ram))).toBe('snap.rw: corrupt header (not valid JSON)');
    expect(parseError(assemble('[]', ram))).toMatch(/corrupt header/);
    expect(parseError(editHeader(good, (h) => { h.machine.memoryMiB = 17; }))).toMatch(/corrupt header: machine state and configuration disagree/);
    expect(parseError(editHeader(good, (h) => { h.machine.memoryMiB = 1 << 20; }))).toMatch(/machine configuration/);
    expect(parseError(editHeader(good, (h) => { h.ram.bytes = 32 << 20; }))).toMatch(/RAM sizes/);
    expect(parseError(editHeader(good, (h) => { h.ram.nonZeroPages += 1; }))).toMatch(/corrupt RAM: \d+ non-zero pages where the header says/);
    expect(parseError(editHeader(good, (h) => { h.ram.chunkPages = 1; }))).toMatch(/corrupt RAM/);
    expect(parseError(editHeader(good, (h) => { h.core.cpu = h.core.cpu.slice(1).concat(['x' as unknown as number]); }))).toMatch(/CPU state/);
    expect(parseError(editHeader(good, (h) => { h.core.icount = -1; }))).toMatch(/icount/);
    expect(parseError(editHeader(good, (h) => { h.core.version = 2 as 1; }))).toMatch(/machine state version 2; this rewind86 reads version 1/);
    expect(parseError(editHeader(good, (h) => { (h as { images: unknown }).images = [{ role: 'kernel' }]; }))).toMatch(/images/);
    const big = Buffer.from(good);
    big.writeBigUInt64LE(1n << 40n, 16);
    expect(parseError(big)).toMatch(/truncated/);
  });

  it('RAM that does not decompress, or decompresses to the wrong size', () => {
    const { headerJson, ram } = split(good);
    const h = JSON.parse(headerJson) as SnapshotHeader;
    const bitmapBytes = h.ram.bytes / 4096 / 8;
    const firstLen = ram.readUInt32LE(bitmapBytes);
    const garbled = Buffer.from(ram);
    garbled.fill(0x55, bitmapBytes + 4 + 2, bitmapBytes + 4 + Math.min(firstLen, 40));
    expect(parseError(assemble(headerJson, garbled))).toMatch(/corrupt RAM: chunk 0 does not decompress/);
    // A first chunk that inflates to one page too few.
    const chunkPages = Math.min(h.ram.chunkPages, h.ram.nonZeroPages);
    const short = deflateSync(Buffer.alloc((chunkPages - 1) * 4096, 1));
    const len = Buffer.alloc(4);
    len.writeUInt32LE(short.length);
    const rest = ram.subarray(bitmapBytes + 4 + firstLen);
    expect(parseError(assemble(headerJson, Buffer.concat([ram.subarray(0, bitmapBytes), len, short, rest])))).toMatch(/corrupt RAM: chunk 0 holds \d+ bytes, not \d+/);
    // A chunk length running past the section.
    const long = Buffer.from(ram);
    long.writeUInt32LE(ram.length, bitmapBytes);
    expect(parseError(assemble(headerJson, long))).toMatch(/corrupt RAM: chunk 0 of \d+ bytes runs past/);
    expect(parseError(assemble(headerJson, Buffer.concat([ram, Buffer.from([1, 2, 3])])))).toMatch(/corrupt RAM: 3 bytes after the last chunk/);
  });
});

describe('writeFileAtomic', () => {
  let dir = '';
  afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  it('creates, refuses to replace without force, replaces with force, leaves no temporary file', () => {
    dir = makeTempDir('snapwrite');
    const p = join(dir, 'a.rw');
    writeFileAtomic(p, Buffer.from('one'), false);
    expect(() => writeFileAtomic(p, Buffer.from('two'), false)).toThrow(new UserError(`${p}: already exists (use --force to overwrite it)`));
    expect(readFileSync(p, 'utf8')).toBe('one');
    writeFileAtomic(p, Buffer.from('three'), true);
    expect(readFileSync(p, 'utf8')).toBe('three');
    expect(() => writeFileAtomic(join(dir, 'no/such/dir/b.rw'), Buffer.from('x'), false)).toThrow(/cannot create \(ENOENT\)/);
    expect(readdirSync(dir)).toEqual(['a.rw']);
  });
});

// ---------------------------------------------------------------- the CLI

let work = '';
let cliPath = '';

interface CliResult { status: number | null; stdout: string; stderr: string }

function cli(args: string[]): CliResult {
  // stdin closed (/dev/null): run and record see EOF at once.
  const r = spawnSync(process.execPath, [cliPath, ...args], { cwd: work, encoding: 'latin1', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function files(dir: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isFile()) m.set(name, `${st.size} ${st.mtimeMs} ${createHash('sha256').update(readFileSync(p)).digest('hex')}`);
  }
  return m;
}

/** A bad-input run: one line `rewind86: error: ...` matching `what`, exit status 1, nothing in the working directory changed. */
function expectUserError(args: string[], what: RegExp): void {
  const before = files(work);
  const r = cli(args);
  expect(r.stderr).toMatch(/^rewind86: error: [^\n]+\n$/);
  expect(r.stderr).toMatch(what);
  expect(r.stderr).not.toMatch(/\bat .*:\d+:\d+/);
  expect(r.status).toBe(1);
  expect(r.stdout).toBe('');
  expect(files(work)).toEqual(before);
}

beforeAll(() => {
  work = makeTempDir('snapshot-cli');
  // Our own build of the CLI (cli.test.ts builds dist/ at the same time), beside a link to node_modules.
  const build = join(work, '.build');
  const r = spawnSync('npx', ['tsc', '-p', '.', '--outDir', join(build, 'dist')], { cwd: REPO, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npx tsc -p . failed (status ${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
  writeFileSync(join(build, 'package.json'), JSON.stringify({ type: 'module' }));
  symlinkSync(repoPath('node_modules'), join(build, 'node_modules'));
  cliPath = join(build, 'dist/cli/main.js');
}, 180_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('rewind86 replay --savevm / --loadvm', () => {
  let full: CliResult;
  beforeAll(() => {
    const rec = cli(['record', '--kernel', IRQ, '--append', 'pit', '--no-sleep', '--output', 'irq.rr']);
    expect(rec.stderr).toBe('');
    expect(rec.status).toBe(1);
    full = cli(['replay', 'irq.rr']);
    expect(full.stdout).toBe(rec.stdout);
    expect(full.stdout).toContain('irq: 6 passed, 0 failed');
    expect(full.status).toBe(1);
    expect(cli(['record', '--kernel', CRC32, '--no-sleep', '--output', 'crc.rr']).status).toBe(1);
  });

  it.each([0, 5000, 123_457, 400_000])('--until %i --savevm, then --loadvm: the rest of the output and the exit status of a full replay', (n) => {
    const snap = `irq-${n}.rw`;
    const pre = cli(['replay', 'irq.rr', '--until', String(n), '--savevm', snap]);
    expect(pre.status).toBe(0);
    expect(pre.stderr).toBe(`rewind86: saved snapshot ${snap} at icount ${n} (${statSync(join(work, snap)).size} bytes)\nrewind86: stopped at icount ${n} (--until)\n`);
    const post = cli(['replay', 'irq.rr', '--loadvm', snap]);
    expect(post.stderr).toBe(full.stderr);
    expect(post.status).toBe(full.status);
    expect(pre.stdout + post.stdout).toBe(full.stdout);
    expect(post.stdout.length).toBeGreaterThan(0);
  });

  it('a CPU-bound guest with checkpoints in its log: loadvm passes every later checkpoint and the final state hashes', () => {
    const whole = cli(['replay', 'crc.rr']);
    expect(whole.stdout).toContain('BENCH done');
    expect(cli(['replay', 'crc.rr', '--until', '100000000', '--savevm', 'crc.rw', '--quiet']).status).toBe(0);
    expect(statSync(join(work, 'crc.rw')).size).toBeLessThan(1 << 20); // 128 MiB of RAM
    const post = cli(['replay', 'crc.rr', '--loadvm', 'crc.rw']);
    expect(post).toEqual(whole); // a divergence (a checkpoint's CPU or RAM hash) would say so, with status 1
  });

  it('--savevm at the end and --loadvm of that: nothing left to run, the same exit status', () => {
    const r = cli(['replay', 'irq.rr', '--savevm', 'irq-end.rw', '--quiet']);
    expect(r.status).toBe(full.status);
    const post = cli(['replay', 'irq.rr', '--loadvm', 'irq-end.rw']);
    expect(post).toEqual({ status: full.status, stdout: '', stderr: full.stderr });
  });

  it('--loadvm and --savevm together; --force replaces an existing snapshot', () => {
    expect(cli(['replay', 'irq.rr', '--until', '300000', '--savevm', 'chain.rw']).status).toBe(0);
    const first = readFileSync(join(work, 'chain.rw'));
    expect(cli(['replay', 'irq.rr', '--loadvm', 'irq-5000.rw', '--until', '300000', '--savevm', 'chain.rw', '--force', '--quiet']).status).toBe(0);
    // The same point of the same replay, reached from another start: the same bytes.
    expect(readFileSync(join(work, 'chain.rw')).equals(first)).toBe(true);
    expect(readdirSync(work).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('rewind86 run / record --loadvm', () => {
  it('run continues live from a snapshot without --kernel (and with the same --kernel)', () => {
    const pre = cli(['replay', 'irq.rr', '--until', '123457']);
    const full = cli(['replay', 'irq.rr']);
    for (const extra of [[], ['--kernel', IRQ, '--memory', '128', '--append', 'pit']]) {
      const r = cli(['run', '--loadvm', 'irq-123457.rw', '--no-sleep', ...extra]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(full.status);
      expect(pre.stdout + r.stdout).toBe(full.stdout);
    }
  });

  it('record from a snapshot: the log names it, and its replay starts there', () => {
    const rec = cli(['record', '--loadvm', 'irq-123457.rw', '--no-sleep', '--output', 'from-snap.rr']);
    expect(rec.status).toBe(1);
    const header = readFileSync(join(work, 'from-snap.rr'));
    expect(header.toString('latin1')).toContain('"startSnapshot"');
    const rep = cli(['replay', 'from-snap.rr']);
    expect(rep).toEqual(rec);
    // A snapshot in that replay, and a continuation from it.
    const pre = cli(['replay', 'from-snap.rr', '--until', '300000', '--savevm', 'from-snap-300k.rw']);
    const post = cli(['replay', 'from-snap.rr', '--loadvm', 'from-snap-300k.rw']);
    expect(pre.stdout + post.stdout).toBe(rec.stdout);
    expect(post.status).toBe(rec.status);
  });
});

describe('bad snapshot input: one line, exit status 1, no file changed', () => {
  beforeAll(() => {
    const good = readFileSync(join(work, 'irq-5000.rw'));
    writeFileSync(join(work, 'truncated.rw'), good.subarray(0, good.length >> 1));
    const flipped = Buffer.from(good);
    flipped[24 + 10] ^= 0x01; // inside the JSON header
    writeFileSync(join(work, 'flipped.rw'), flipped);
    const future = Buffer.from(good);
    future.writeUInt32LE(SNAPSHOT_FORMAT_VERSION + 1, 8);
    writeFileSync(join(work, 'future.rw'), future);
    writeFileSync(join(work, 'not-a-snapshot.rw'), 'hello\n');
  });

  it('a truncated file', () => {
    expectUserError(['replay', 'irq.rr', '--loadvm', 'truncated.rw'], /^rewind86: error: truncated\.rw: truncated \(\d+ of \d+ bytes\)$/m);
  });

  it('a flipped byte in the JSON header', () => {
    expectUserError(['replay', 'irq.rr', '--loadvm', 'flipped.rw'], /flipped\.rw: corrupt \(checksum mismatch/);
    expectUserError(['run', '--loadvm', 'flipped.rw'], /flipped\.rw: corrupt/);
  });

  it('a future format version', () => {
    expectUserError(['replay', 'irq.rr', '--loadvm', 'future.rw'],
      new RegExp(`future\\.rw: snapshot format version ${SNAPSHOT_FORMAT_VERSION + 1}; this rewind86 reads version ${SNAPSHOT_FORMAT_VERSION}$`, 'm'));
  });

  it('not a snapshot, or no such file', () => {
    expectUserError(['replay', 'irq.rr', '--loadvm', 'not-a-snapshot.rw'], /not-a-snapshot\.rw: not a rewind86 snapshot/);
    expectUserError(['replay', 'irq.rr', '--loadvm', 'irq.rr'], /irq\.rr: not a rewind86 snapshot/);
    expectUserError(['run', '--loadvm', 'missing.rw'], /snapshot missing\.rw: no such file/);
  });

  it('a snapshot taken in a replay of another log', () => {
    expectUserError(['replay', 'crc.rr', '--loadvm', 'irq-5000.rw'], /irq-5000\.rw: taken in a replay of another log \(irq\.rr\), not of crc\.rr/);
    expectUserError(['replay', 'irq.rr', '--loadvm', 'crc.rw'], /crc\.rw: taken in a replay of another log/);
    expectUserError(['replay', 'irq.rr', '--loadvm', 'from-snap-300k.rw'], /taken in a replay of another log/);
  });

  it('another kernel or machine configuration than the one asked for', () => {
    expectUserError(['run', '--loadvm', 'irq-5000.rw', '--kernel', HELLO], /irq-5000\.rw: a snapshot of kernel .*irq\.elf .*not of .*hello\.elf/);
    expectUserError(['run', '--loadvm', 'irq-5000.rw', '--memory', '64'], /128 MiB of RAM, not 64 MiB/);
    expectUserError(['run', '--loadvm', 'irq-5000.rw', '-m', '64'], /128 MiB of RAM, not 64 MiB/);
    expectUserError(['run', '--loadvm', 'irq-5000.rw', '--icount-shift', '5'], /icount shift 3, not 5/);
    expectUserError(['record', '--loadvm', 'irq-5000.rw', '--output', 'x.rr', '--append', 'soft'], /command line "pit", not "soft"/);
    expectUserError(['replay', 'irq.rr', '--loadvm', 'irq-123457.rw', '--until', '10'], /--until 10: before the snapshot/);
  });

  it('an existing file without --force, before any replaying', () => {
    expectUserError(['replay', 'irq.rr', '--until', '10', '--savevm', 'irq-5000.rw'], /irq-5000\.rw: already exists \(use --force to overwrite it\)/);
    expectUserError(['replay', 'irq.rr', '--savevm', 'irq.rr', '--force'], /that is the log being replayed/);
    expect(existsSync(join(work, 'x.rr'))).toBe(false);
  });
});
