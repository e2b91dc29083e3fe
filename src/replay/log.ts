// The replay log: a header, then a stream of events, each at an exact point
// of the machine's execution (icount, plus the halt warp at that icount).
//
//   file   := magic "RW86LOG\0" | u32 formatVersion | u32 headerLength | header (UTF-8 JSON) | event*
//   event  := u8 type | u32 payloadLength | f64 icount | f64 warpNs | payload
//
// Little-endian. Events are appended and written through as they happen, so
// a recording killed midway keeps every event written before; a reader
// stops at the last complete event and reports that the log was cut short.
import { closeSync, openSync, writeSync } from 'node:fs';
import { UserError } from '../devices/index.js';

export const LOG_MAGIC = 'RW86LOG\0';
export const LOG_FORMAT_VERSION = 2; // 2: checkpoint hashes cover the x87 state

export const enum EventType {
  /** Bytes typed into COM1. */
  SerialInput = 1,
  /** payload: u32 CPU state hash, u32 RAM hash or 0xffffffff when not taken. */
  Checkpoint = 2,
  /** The recording ended here; payload as Checkpoint. */
  End = 3,
}

const EVENT_NAMES: Record<number, string> = { 1: 'serial input', 2: 'checkpoint', 3: 'end' };
const EVENT_HEAD = 21;
const MAX_PAYLOAD = 1 << 20;

export interface LogEvent {
  type: EventType;
  icount: number;
  warpNs: number;
  payload: Uint8Array;
}

export interface ImageIdentity {
  role: string;
  path: string;
  size: number;
  sha256: string;
}

export interface LogHeader {
  formatVersion: number;
  rewind86Version: string;
  /** The machine configuration the recording was made with (replay uses it). */
  machine: Record<string, unknown>;
  images: ImageIdentity[];
  /** Host wall-clock time the guest's RTC started from (Unix ms). */
  startTimeMs: number;
}

export class LogWriter {
  private readonly fd: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  /** Creates the file (refusing to overwrite unless `force`) and writes the header. */
  constructor(readonly path: string, header: LogHeader, force: boolean) {
    try {
      this.fd = openSync(path, force ? 'w' : 'wx');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new UserError(`${path}: already exists (use --force to overwrite it)`);
      throw new UserError(`${path}: cannot create (${code})`);
    }
    const json = Buffer.from(JSON.stringify(header), 'utf8');
    const head = Buffer.alloc(16);
    head.write(LOG_MAGIC, 0, 'latin1');
    head.writeUInt32LE(LOG_FORMAT_VERSION, 8);
    head.writeUInt32LE(json.length, 12);
    writeSync(this.fd, Buffer.concat([head, json]));
  }

  append(type: EventType, icount: number, warpNs: number, payload: Uint8Array = new Uint8Array(0)): void {
    const b = Buffer.alloc(EVENT_HEAD + payload.length);
    b.writeUInt8(type, 0);
    b.writeUInt32LE(payload.length, 1);
    b.writeDoubleLE(icount, 5);
    b.writeDoubleLE(warpNs, 13);
    b.set(payload, EVENT_HEAD);
    this.pending.push(b);
    this.pendingBytes += b.length;
    if (this.pendingBytes >= 1 << 16) this.flush();
  }

  /** Writes buffered events to the file (they survive the process being killed). */
  flush(): void {
    if (this.pending.length === 0) return;
    writeSync(this.fd, Buffer.concat(this.pending));
    this.pending = [];
    this.pendingBytes = 0;
  }

  /** Writes what is buffered and closes. (No fsync: the log must survive the process being killed, which the page cache already ensures.) */
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

export interface ParsedLog {
  header: LogHeader;
  events: LogEvent[];
  /** True when the file ends inside an event or without an End event (a recording cut short). */
  truncated: boolean;
}

/** Parses a whole log; bad input gives a UserError naming the file and what is wrong. */
export function parseLog(path: string, data: Uint8Array): ParsedLog {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const bad = (what: string) => new UserError(`${path}: ${what}`);
  if (buf.length < 16 || buf.toString('latin1', 0, 8) !== LOG_MAGIC) throw bad('not a rewind86 replay log (bad magic)');
  const version = buf.readUInt32LE(8);
  if (version !== LOG_FORMAT_VERSION) throw bad(`log format version ${version}; this rewind86 reads version ${LOG_FORMAT_VERSION}`);
  const headerLength = buf.readUInt32LE(12);
  if (16 + headerLength > buf.length) throw bad('truncated header');
  let header: LogHeader;
  try {
    header = JSON.parse(buf.toString('utf8', 16, 16 + headerLength)) as LogHeader;
  } catch {
    throw bad('corrupt header (not valid JSON)');
  }
  validateHeader(header, bad);
  const events: LogEvent[] = [];
  let off = 16 + headerLength;
  let truncated = false;
  let lastIcount = 0;
  while (off < buf.length) {
    if (off + EVENT_HEAD > buf.length) { truncated = true; break; }
    const type = buf.readUInt8(off);
    const len = buf.readUInt32LE(off + 1);
    const icount = buf.readDoubleLE(off + 5);
    const warpNs = buf.readDoubleLE(off + 13);
    if (!(type in EVENT_NAMES)) throw bad(`corrupt event at byte ${off}: unknown type ${type}`);
    if (len > MAX_PAYLOAD) throw bad(`corrupt event at byte ${off}: payload of ${len} bytes`);
    if (!Number.isSafeInteger(icount) || icount < lastIcount) throw bad(`corrupt event at byte ${off}: icount ${icount} (previous ${lastIcount})`);
    if (!Number.isFinite(warpNs) || warpNs < 0) throw bad(`corrupt event at byte ${off}: warp ${warpNs}`);
    if ((type === EventType.Checkpoint || type === EventType.End) && len !== 8) throw bad(`corrupt event at byte ${off}: ${EVENT_NAMES[type]} payload of ${len} bytes`);
    if (off + EVENT_HEAD + len > buf.length) { truncated = true; break; }
    const payload = new Uint8Array(buf.subarray(off + EVENT_HEAD, off + EVENT_HEAD + len));
    events.push({ type, icount, warpNs, payload });
    lastIcount = icount;
    off += EVENT_HEAD + len;
    if (type === EventType.End) {
      if (off !== buf.length) throw bad(`corrupt log: ${buf.length - off} bytes after the end event`);
      break;
    }
  }
  if (!truncated && events[events.length - 1]?.type !== EventType.End) truncated = true;
  return { header, events, truncated };
}

function validateHeader(h: LogHeader, bad: (what: string) => Error): void {
  if (!h || typeof h !== 'object') throw bad('corrupt header');
  if (typeof h.rewind86Version !== 'string') throw bad('corrupt header: rewind86Version');
  if (!h.machine || typeof h.machine !== 'object') throw bad('corrupt header: machine');
  if (!Array.isArray(h.images)) throw bad('corrupt header: images');
  if (typeof h.startTimeMs !== 'number' || !Number.isFinite(h.startTimeMs)) throw bad('corrupt header: startTimeMs');
}

export function checkpointPayload(cpuHash: number, ramHash: number): Uint8Array {
  const b = Buffer.alloc(8);
  b.writeUInt32LE(cpuHash >>> 0, 0);
  b.writeUInt32LE(ramHash >>> 0, 4);
  return b;
}

export function readCheckpoint(payload: Uint8Array): { cpuHash: number; ramHash: number } {
  const b = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  return { cpuHash: b.readUInt32LE(0), ramHash: b.readUInt32LE(4) };
}

export const NO_RAM_HASH = 0xffffffff;
