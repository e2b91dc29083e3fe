// Snapshot files (savevm/loadvm): the whole machine - CPU, RAM, every
// device, icount and virtual time - plus, for a snapshot taken in a replay,
// the point of the log it was taken at, so a replay can continue from it.
//
//   file    := magic "RW86SNAP" | u32 formatVersion | u32 headerLength | u64 ramLength
//              | header (UTF-8 JSON, SnapshotHeader) | ram | sha256
//   ram     := bitmap | chunk*
//   bitmap  := one bit per 4 KiB page of RAM (bit i of byte i>>3, LSB first): 1 = the page is not all zero
//   chunk   := u32 length | zlib stream of up to header.ram.chunkPages non-zero pages, in page order
//   sha256  := SHA-256 of every byte before it
//
// Little-endian. Zero pages cost one bit. A reader checks the magic, the
// format version, the sizes, the checksum, the header and every chunk before
// it touches a machine; every problem is one UserError naming the file.
// Files are written to a temporary file and renamed into place, and an
// existing file is only replaced when asked to (force).
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync, existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { deflateSync, inflateSync } from 'node:zlib';
import { Machine, UserError, type MachineCore, type MachineStop, type MachineStopKind } from '../devices/index.js';
import { type ImageIdentity, type LogHeader, type ParsedLog } from './log.js';

export const SNAPSHOT_MAGIC = 'RW86SNAP';
export const SNAPSHOT_FORMAT_VERSION = 2; // 2: the CPU state grew the x87 registers, the machine the FERR# latch

const PREFIX = 24;
const HASH_BYTES = 32;
const PAGE = 4096;
/** Non-zero pages per zlib chunk (1 MiB of RAM): bounds the memory a save or load needs on top of RAM. */
const CHUNK_PAGES = 256;
const MAX_HEADER = 16 << 20;

/** The machine configuration a snapshot was taken with (as a log's header records it). */
export interface SnapshotMachineConfig {
  memoryMiB: number;
  icountShift: number;
  /** The kernel command line the machine was booted with (it lives in RAM by now). */
  append: string;
  /** A triple fault ends the run instead of resetting (absent: resets). */
  noReboot?: boolean;
  /** The multiboot modules' --initrd text (a reset loads them again). */
  initrd?: string;
}

/** Where in which replay log a snapshot was taken. */
export interface SnapshotReplayPoint {
  /** The log, as its path was given (for messages only). */
  logPath: string;
  /** SHA-256 of the log's magic, version, header length and header: which recording. */
  logHeaderSha256: string;
  /** Events of the log applied when the snapshot was taken (Replayer.position). */
  position: number;
  /** SHA-256 of the log's bytes up to the end of those events (header included). */
  prefixSha256: string;
  /** How the guest ended the run, for a snapshot taken after it did (replay stopped at the End event); else null. */
  stop: MachineStop | null;
}

export interface SnapshotHeader {
  rewind86Version: string;
  machine: SnapshotMachineConfig;
  /** The images the machine was built from (role "kernel": the multiboot kernel). */
  images: ImageIdentity[];
  /** Host time the guest's RTC started from (Unix ms), as the log records it. */
  startTimeMs: number;
  core: MachineCore;
  /** Null for a snapshot not taken in a replay. */
  replay: SnapshotReplayPoint | null;
  ram: { bytes: number; pageSize: number; nonZeroPages: number; chunkPages: number };
}

/** What a snapshot is saved with besides the machine itself. */
export interface SnapshotMeta {
  rewind86Version: string;
  machine: SnapshotMachineConfig;
  images: ImageIdentity[];
  startTimeMs: number;
  replay: SnapshotReplayPoint | null;
}

/** A parsed and fully validated snapshot file. */
export interface Snapshot {
  path: string;
  /** Size and SHA-256 of the whole file (a log recorded from a snapshot names it by these). */
  size: number;
  sha256: string;
  header: SnapshotHeader;
  /** The non-zero pages, in increasing order, and their contents (chunk k holds pages k*chunkPages...). */
  pages: Uint32Array;
  chunks: Uint8Array[];
}

/** A log recorded from a snapshot (`record --loadvm`) names the snapshot it starts from in its header. */
export interface LogStartSnapshot {
  path: string;
  size: number;
  sha256: string;
}

const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

// ---------------------------------------------------------------- writing

/** The indices of RAM's non-zero pages. */
function nonZeroPages(m32: Int32Array): Uint32Array {
  const pages = m32.length / (PAGE / 4);
  const out = new Uint32Array(pages);
  let n = 0;
  for (let p = 0, w = 0; p < pages; p++) {
    const end = w + PAGE / 4;
    for (; w < end; w++) {
      if (m32[w] !== 0) { out[n++] = p; w = end; break; }
    }
  }
  return out.subarray(0, n);
}

/** Encodes the machine's whole state as a snapshot file's bytes. Call between runUntil() calls. */
export function encodeSnapshot(machine: Machine, meta: SnapshotMeta): Buffer {
  const core = machine.saveCore();
  const mem = machine.mem;
  const pages = nonZeroPages(mem.m32);
  const totalPages = mem.size / PAGE;
  const bitmap = Buffer.alloc(Math.ceil(totalPages / 8));
  for (const p of pages) bitmap[p >>> 3] |= 1 << (p & 7);
  const parts: Buffer[] = [bitmap];
  let ramLength = bitmap.length;
  const scratch = Buffer.alloc(CHUNK_PAGES * PAGE);
  for (let i = 0; i < pages.length; i += CHUNK_PAGES) {
    const n = Math.min(CHUNK_PAGES, pages.length - i);
    let data: Uint8Array;
    if (pages[i + n - 1] - pages[i] === n - 1) {
      data = mem.m8.subarray(pages[i] * PAGE, (pages[i] + n) * PAGE); // a run of consecutive pages
    } else {
      for (let k = 0; k < n; k++) scratch.set(mem.m8.subarray(pages[i + k] * PAGE, (pages[i + k] + 1) * PAGE), k * PAGE);
      data = scratch.subarray(0, n * PAGE);
    }
    const z = deflateSync(data);
    const len = Buffer.alloc(4);
    len.writeUInt32LE(z.length, 0);
    parts.push(len, z);
    ramLength += 4 + z.length;
  }
  const header: SnapshotHeader = {
    rewind86Version: meta.rewind86Version,
    machine: { memoryMiB: meta.machine.memoryMiB, icountShift: meta.machine.icountShift, append: meta.machine.append, ...(meta.machine.noReboot ? { noReboot: true } : {}), ...(meta.machine.initrd ? { initrd: meta.machine.initrd } : {}) },
    images: meta.images,
    startTimeMs: meta.startTimeMs,
    core,
    replay: meta.replay,
    ram: { bytes: mem.size, pageSize: PAGE, nonZeroPages: pages.length, chunkPages: CHUNK_PAGES },
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(PREFIX);
  prefix.write(SNAPSHOT_MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(SNAPSHOT_FORMAT_VERSION, 8);
  prefix.writeUInt32LE(json.length, 12);
  prefix.writeBigUInt64LE(BigInt(ramLength), 16);
  const hash = createHash('sha256').update(prefix).update(json);
  for (const p of parts) hash.update(p);
  return Buffer.concat([prefix, json, ...parts, hash.digest()]);
}

/** Refuses early (before a long replay) to write where a file already is, unless `force`. */
export function checkSnapshotTarget(path: string, force: boolean): void {
  let st;
  try { st = statSync(path); } catch { return; }
  if (st.isDirectory()) throw new UserError(`${path}: is a directory`);
  if (!force) throw new UserError(`${path}: already exists (use --force to overwrite it)`);
}

let tmpCounter = 0;

/** Writes `data` to `path` atomically: a temporary file in the same directory, then a rename (or a link, which cannot replace a file). */
export function writeFileAtomic(path: string, data: Uint8Array, force: boolean): void {
  const code = (e: unknown) => (e as NodeJS.ErrnoException).code ?? String(e);
  const exists = () => new UserError(`${path}: already exists (use --force to overwrite it)`);
  if (!force && existsSync(path)) throw exists();
  // The temporary file: beside the target (so the rename stays in one file system), never an existing file.
  let tmp = '', fd = -1;
  for (let attempt = 0; fd < 0; attempt++) {
    tmp = join(dirname(resolve(path)), `.${basename(path)}.${process.pid}.${++tmpCounter}.tmp`);
    try {
      fd = openSync(tmp, 'wx', 0o644);
    } catch (e) {
      if (code(e) !== 'EEXIST' || attempt >= 100) throw new UserError(`${path}: cannot create (${code(e)})`);
    }
  }
  const dropTmp = () => { try { unlinkSync(tmp); } catch { /* already gone */ } };
  try {
    for (let off = 0; off < data.length;) off += writeSync(fd, data, off, Math.min(data.length - off, 1 << 30));
    try { fsyncSync(fd); } catch { /* not every file system supports fsync */ }
    closeSync(fd);
  } catch (e) {
    try { closeSync(fd); } catch { /* closed */ }
    dropTmp();
    throw new UserError(`${path}: cannot write (${code(e)})`);
  }
  try {
    if (force) {
      renameSync(tmp, path);
    } else {
      try {
        linkSync(tmp, path); // fails with EEXIST if a file appeared meanwhile: never replaces one
        unlinkSync(tmp);
      } catch (e) {
        if (code(e) === 'EEXIST') throw exists();
        // A file system without hard links: check, then rename.
        if (existsSync(path)) throw exists();
        renameSync(tmp, path);
      }
    }
  } catch (e) {
    dropTmp();
    if (e instanceof UserError) throw e;
    throw new UserError(`${path}: cannot create (${code(e)})`);
  }
}

/** Saves the machine to a snapshot file (atomically; an existing file only with `force`). Returns the file's size. */
export function saveSnapshot(path: string, machine: Machine, meta: SnapshotMeta, force: boolean): number {
  const data = encodeSnapshot(machine, meta);
  writeFileAtomic(path, data, force);
  return data.length;
}

// ---------------------------------------------------------------- reading

const HEX64 = /^[0-9a-f]{64}$/;
const STOP_KINDS: readonly MachineStopKind[] = ['limit', 'exit', 'poweroff', 'halted', 'triple-fault', 'reset', 'stopped'];
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isUint = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** Reads and validates a snapshot file (see parseSnapshot). */
export function readSnapshotFile(path: string): Snapshot {
  let data: Buffer;
  try {
    if (statSync(path).isDirectory()) throw new UserError(`snapshot ${path}: is a directory`);
    data = readFileSync(path);
  } catch (e) {
    if (e instanceof UserError) throw e;
    const c = (e as NodeJS.ErrnoException).code;
    throw new UserError(`snapshot ${path}: ${c === 'ENOENT' ? 'no such file' : c === 'EACCES' ? 'permission denied' : `cannot read (${c})`}`);
  }
  return parseSnapshot(path, data);
}

/** Parses and validates a whole snapshot file, RAM included; bad input gives a UserError naming the file and what is wrong. */
export function parseSnapshot(path: string, data: Uint8Array): Snapshot {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const bad = (what: string) => new UserError(`${path}: ${what}`);
  const magicHere = buf.toString('latin1', 0, Math.min(8, buf.length));
  if (buf.length === 0) throw bad('empty file (not a rewind86 snapshot)');
  if (!SNAPSHOT_MAGIC.startsWith(magicHere)) throw bad('not a rewind86 snapshot (bad magic)');
  if (buf.length < 12) throw bad(`truncated (${buf.length} bytes)`);
  const version = buf.readUInt32LE(8);
  if (version !== SNAPSHOT_FORMAT_VERSION) throw bad(`snapshot format version ${version}; this rewind86 reads version ${SNAPSHOT_FORMAT_VERSION}`);
  if (buf.length < PREFIX) throw bad(`truncated (${buf.length} bytes)`);
  const headerLength = buf.readUInt32LE(12);
  const ramLength = Number(buf.readBigUInt64LE(16));
  if (headerLength > MAX_HEADER) throw bad(`corrupt: a header of ${headerLength} bytes`);
  const expected = PREFIX + headerLength + ramLength + HASH_BYTES;
  if (!Number.isSafeInteger(expected)) throw bad(`corrupt: a RAM section of ${ramLength} bytes`);
  if (buf.length < expected) throw bad(`truncated (${buf.length} of ${expected} bytes)`);
  if (buf.length > expected) throw bad(`corrupt: ${buf.length - expected} bytes after the end of the snapshot`);
  const body = buf.subarray(0, expected - HASH_BYTES);
  if (!createHash('sha256').update(body).digest().equals(buf.subarray(expected - HASH_BYTES))) {
    throw bad('corrupt (checksum mismatch: the file was changed or damaged)');
  }
  let header: SnapshotHeader;
  try {
    header = JSON.parse(buf.toString('utf8', PREFIX, PREFIX + headerLength)) as SnapshotHeader;
  } catch {
    throw bad('corrupt header (not valid JSON)');
  }
  validateHeader(header, bad);
  const { pages, chunks } = decodeRam(buf.subarray(PREFIX + headerLength, PREFIX + headerLength + ramLength), header, bad);
  return { path, size: buf.length, sha256: sha256(buf), header, pages, chunks };
}

function validateHeader(h: SnapshotHeader, bad: (what: string) => Error): void {
  if (!isObject(h)) throw bad('corrupt header');
  if (typeof h.rewind86Version !== 'string') throw bad('corrupt header: rewind86Version');
  const m = h.machine;
  if (!isObject(m) || !isUint(m.memoryMiB) || m.memoryMiB < 2 || m.memoryMiB > 2048 ||
      !isUint(m.icountShift) || m.icountShift > 10 || typeof m.append !== 'string') {
    throw bad('corrupt header: machine configuration');
  }
  if (!Array.isArray(h.images) || !h.images.every((i) => isObject(i) && typeof i.role === 'string' && typeof i.path === 'string' &&
      isUint(i.size) && typeof i.sha256 === 'string' && HEX64.test(i.sha256))) {
    throw bad('corrupt header: images');
  }
  if (typeof h.startTimeMs !== 'number' || !Number.isFinite(h.startTimeMs)) throw bad('corrupt header: startTimeMs');
  const c = h.core;
  if (!isObject(c) || typeof c.version !== 'number') throw bad('corrupt header: machine state');
  if (c.version !== 1) throw bad(`machine state version ${c.version}; this rewind86 reads version 1`);
  if (c.memoryMiB !== m.memoryMiB || c.icountShift !== m.icountShift) throw bad('corrupt header: machine state and configuration disagree');
  if (!isUint(c.icount)) throw bad('corrupt header: icount');
  if (!Array.isArray(c.cpu) || !c.cpu.every((v) => Number.isInteger(v) && v >= -0x80000000 && v <= 0xffffffff)) throw bad('corrupt header: CPU state');
  if (!isObject(c.clock) || typeof c.clock.warpNs !== 'number' || !Number.isFinite(c.clock.warpNs) || c.clock.warpNs < 0) throw bad('corrupt header: clock');
  if (!isObject(c.devices) || !Object.values(c.devices).every(isObject)) throw bad('corrupt header: device states');
  if (c.exitStatus !== null && !Number.isInteger(c.exitStatus)) throw bad('corrupt header: exit status');
  const r = h.replay;
  if (r !== null) {
    if (!isObject(r) || typeof r.logPath !== 'string' || typeof r.logHeaderSha256 !== 'string' || !HEX64.test(r.logHeaderSha256) ||
        !isUint(r.position) || typeof r.prefixSha256 !== 'string' || !HEX64.test(r.prefixSha256)) {
      throw bad('corrupt header: replay position');
    }
    if (r.stop !== null && !(isObject(r.stop) && STOP_KINDS.includes(r.stop.kind) && Number.isInteger(r.stop.status))) {
      throw bad('corrupt header: replay stop');
    }
  }
  const ram = h.ram;
  if (!isObject(ram) || ram.bytes !== m.memoryMiB * 1024 * 1024 || ram.pageSize !== PAGE || !isUint(ram.nonZeroPages) ||
      ram.nonZeroPages > ram.bytes / PAGE || !isUint(ram.chunkPages) || ram.chunkPages < 1 || ram.chunkPages > 1 << 16) {
    throw bad('corrupt header: RAM sizes');
  }
}

function decodeRam(sec: Buffer, h: SnapshotHeader, bad: (what: string) => Error): { pages: Uint32Array; chunks: Uint8Array[] } {
  const totalPages = h.ram.bytes / PAGE;
  const bitmapBytes = Math.ceil(totalPages / 8);
  if (sec.length < bitmapBytes) throw bad(`corrupt RAM: ${sec.length} bytes, less than its page bitmap`);
  const pages = new Uint32Array(h.ram.nonZeroPages);
  let n = 0;
  for (let p = 0; p < totalPages; p++) {
    if (sec[p >>> 3] & (1 << (p & 7))) {
      if (n === pages.length) throw bad(`corrupt RAM: more non-zero pages than the ${pages.length} the header says`);
      pages[n++] = p;
    }
  }
  if (n !== pages.length) throw bad(`corrupt RAM: ${n} non-zero pages where the header says ${pages.length}`);
  if (totalPages % 8 && sec[bitmapBytes - 1] >> (totalPages % 8)) throw bad('corrupt RAM: page bitmap marks pages past the end of RAM');
  const chunks: Uint8Array[] = [];
  let off = bitmapBytes;
  for (let i = 0; i < pages.length; i += h.ram.chunkPages) {
    const want = Math.min(h.ram.chunkPages, pages.length - i) * PAGE;
    if (off + 4 > sec.length) throw bad(`corrupt RAM: chunk ${chunks.length} is missing`);
    const len = sec.readUInt32LE(off);
    if (off + 4 + len > sec.length) throw bad(`corrupt RAM: chunk ${chunks.length} of ${len} bytes runs past the RAM section`);
    let out: Buffer;
    try {
      out = inflateSync(sec.subarray(off + 4, off + 4 + len), { maxOutputLength: want });
    } catch (e) {
      throw bad(`corrupt RAM: chunk ${chunks.length} does not decompress (${(e as Error).message.split('\n')[0]})`);
    }
    if (out.length !== want) throw bad(`corrupt RAM: chunk ${chunks.length} holds ${out.length} bytes, not ${want}`);
    chunks.push(out);
    off += 4 + len;
  }
  if (off !== sec.length) throw bad(`corrupt RAM: ${sec.length - off} bytes after the last chunk`);
  return { pages, chunks };
}

// ---------------------------------------------------------------- loading

/** What a snapshot must match: the machine configuration and kernel asked for (absent fields are not checked). */
export interface SnapshotExpectations {
  memoryMiB?: number;
  icountShift?: number;
  append?: string;
  kernel?: ImageIdentity;
}

const short = (h: string) => `${h.slice(0, 16)}...`;

/** The boot image (multiboot kernel or BIOS) a snapshot was taken of. */
export function snapshotKernel(snap: Snapshot): ImageIdentity | undefined {
  return snap.header.images.find((i) => i.role === 'kernel' || i.role === 'bios');
}

/** Throws a one-line UserError when the snapshot was taken with another configuration or kernel than `want`. */
export function checkSnapshotFits(snap: Snapshot, want: SnapshotExpectations): void {
  const m = snap.header.machine, p = snap.path;
  if (want.memoryMiB !== undefined && want.memoryMiB !== m.memoryMiB) {
    throw new UserError(`${p}: a snapshot of a machine with ${m.memoryMiB} MiB of RAM, not ${want.memoryMiB} MiB`);
  }
  if (want.icountShift !== undefined && want.icountShift !== m.icountShift) {
    throw new UserError(`${p}: a snapshot of a machine with icount shift ${m.icountShift}, not ${want.icountShift}`);
  }
  if (want.append !== undefined && want.append !== m.append) {
    throw new UserError(`${p}: a snapshot of a kernel booted with command line ${JSON.stringify(m.append)}, not ${JSON.stringify(want.append)}`);
  }
  if (want.kernel) {
    const k = snapshotKernel(snap);
    if (!k) throw new UserError(`${p}: the snapshot names no kernel image`);
    if (k.sha256 !== want.kernel.sha256) {
      throw new UserError(`${p}: a snapshot of kernel ${k.path} (SHA-256 ${short(k.sha256)}), not of ${want.kernel.path} (SHA-256 ${short(want.kernel.sha256)})`);
    }
  }
}

/**
 * Puts the snapshot's state into `machine` (of the same memory size and
 * icount shift): RAM, CPU, devices, icount and virtual time. Translated code
 * is dropped. On an error the machine's state is undefined.
 */
export function restoreSnapshot(machine: Machine, snap: Snapshot): void {
  checkSnapshotFits(snap, { memoryMiB: machine.opts.memoryMiB, icountShift: machine.clock.shift });
  const mem = machine.mem, { pages, chunks } = snap;
  const per = snap.header.ram.chunkPages;
  mem.m8.fill(0);
  for (let i = 0; i < pages.length; i++) {
    const chunk = chunks[Math.floor(i / per)], k = i % per;
    mem.m8.set(chunk.subarray(k * PAGE, (k + 1) * PAGE), pages[i] * PAGE);
  }
  mem.markDirty(0, mem.size);
  try {
    machine.loadCore(snap.header.core);
  } catch (e) {
    if (e instanceof UserError) throw new UserError(`${snap.path}: ${e.message.replace(/^snapshot: /, '')}`);
    throw e;
  }
}

/** A new machine in the snapshot's state, writing guest serial output to `serialOut`. */
export function machineFromSnapshot(snap: Snapshot, serialOut: (byte: number) => void, mapFirmware?: (machine: Machine) => void): Machine {
  const m = snap.header.machine;
  const machine = new Machine({ memoryMiB: m.memoryMiB, icountShift: m.icountShift, startTimeMs: snap.header.startTimeMs, serialOut, noReboot: m.noReboot === true });
  mapFirmware?.(machine);
  restoreSnapshot(machine, snap);
  return machine;
}

// ---------------------------------------------------------------- replay logs

/** Byte length of a log's magic, version, header length and header. */
function logHeaderBytes(logData: Uint8Array): number {
  return 16 + Buffer.from(logData.buffer, logData.byteOffset, logData.byteLength).readUInt32LE(12);
}

/** The point of a replay `position` events into `log` (whose file bytes are `logData`), for a snapshot taken there. */
export function replayPoint(logPath: string, logData: Uint8Array, log: ParsedLog, position: number, stop: MachineStop | null): SnapshotReplayPoint {
  if (!(Number.isSafeInteger(position) && position >= 0 && position <= log.events.length)) throw new RangeError(`replay position ${position} is outside the log`);
  const head = logHeaderBytes(logData);
  let end = head;
  for (let i = 0; i < position; i++) end += 21 + log.events[i].payload.length;
  return {
    logPath,
    logHeaderSha256: sha256(logData.subarray(0, head)),
    position,
    prefixSha256: sha256(logData.subarray(0, end)),
    stop,
  };
}

/** The snapshot a log recorded from one (`record --loadvm`) starts from, or null for a log that starts at boot. */
export function logStartSnapshot(logPath: string, header: LogHeader): LogStartSnapshot | null {
  const s = (header as LogHeader & { startSnapshot?: unknown }).startSnapshot;
  if (s === undefined || s === null) return null;
  if (!isObject(s) || typeof s.path !== 'string' || !isUint(s.size) || typeof s.sha256 !== 'string' || !HEX64.test(s.sha256)) {
    throw new UserError(`${logPath}: corrupt header: startSnapshot`);
  }
  return { path: s.path, size: s.size, sha256: s.sha256 };
}

/** Reads the snapshot a log starts from (at the path its header records, or `path`) and checks it is that very file. */
export function readLogStartSnapshot(logPath: string, start: LogStartSnapshot, path = start.path): Snapshot {
  let snap: Snapshot;
  try {
    snap = readSnapshotFile(path);
  } catch (e) {
    if (e instanceof UserError) throw new UserError(`${logPath}: recorded from a snapshot that cannot be used (${e.message})`);
    throw e;
  }
  if (snap.sha256 !== start.sha256) {
    throw new UserError(`${path}: not the snapshot ${logPath} was recorded from (SHA-256 ${short(snap.sha256)}, the log has ${short(start.sha256)})`);
  }
  return snap;
}

/**
 * Checks that `snap` was taken in a replay of this log (or is the snapshot
 * the log was recorded from) and returns the log position to continue from.
 */
export function snapshotLogPosition(snap: Snapshot, logPath: string, logData: Uint8Array, log: ParsedLog): number {
  const start = logStartSnapshot(logPath, log.header);
  if (start && start.sha256 === snap.sha256) return 0;
  const r = snap.header.replay;
  if (!r) throw new UserError(`${snap.path}: not taken in a replay, so not a point of ${logPath}`);
  const head = logHeaderBytes(logData);
  if (sha256(logData.subarray(0, head)) !== r.logHeaderSha256) {
    throw new UserError(`${snap.path}: taken in a replay of another log (${r.logPath}), not of ${logPath}`);
  }
  if (r.position > log.events.length) {
    throw new UserError(`${snap.path}: taken after event ${r.position} of the log, but ${logPath} holds only ${log.events.length} events`);
  }
  if (replayPoint(logPath, logData, log, r.position, null).prefixSha256 !== r.prefixSha256) {
    throw new UserError(`${snap.path}: ${logPath} is not the log this snapshot was taken in (its first ${r.position} events differ)`);
  }
  return r.position;
}
