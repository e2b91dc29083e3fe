// Framing of the GDB remote serial protocol (gdb manual, "Overview" of the
// Remote Protocol): `$data#cc`, where cc is the modulo-256 sum of the data
// characters as sent, in two hex digits. Between packets the stream carries
// `+`/`-` acknowledgements and a bare 0x03 for Ctrl-C; anything else there is
// line noise and is skipped.
//
// Inside the data, `}` escapes the next byte (sent XOR 0x20) and `*` is
// run-length encoding: `x*n` means x repeated n-29 more times. GDB never
// run-length encodes what it sends and escapes `$ # } *` in binary payloads
// (X packets), so decoding both everywhere is safe and lets `X` data arrive
// already unescaped.

import { hexByte, hexDigitValue, latin1ToBytes } from './hex.js';

/** Largest packet data (characters between `$` and `#`) accepted by default; advertised as PacketSize. */
export const DEFAULT_MAX_PACKET_SIZE = 0x4000;

const DOLLAR = 0x24;
const HASH = 0x23;
const ESCAPE = 0x7d; // '}'
const REPEAT = 0x2a; // '*'
const PERCENT = 0x25;
const PLUS = 0x2b;
const MINUS = 0x2d;
const CTRL_C = 0x03;

export type DecoderEvent =
  /** A complete packet with a good checksum; payload is unescaped and run-length expanded. */
  | { kind: 'packet'; payload: Uint8Array }
  | { kind: 'ack' }
  | { kind: 'nak' }
  /** 0x03 between packets: the user pressed Ctrl-C. */
  | { kind: 'interrupt' }
  /** A complete frame whose checksum does not match; in ack mode the receiver answers `-`. */
  | { kind: 'bad-checksum'; expected: number; received: string }
  /**
   * A complete frame with a good checksum whose contents cannot be used (too
   * long, a dangling escape, a bad run-length count). The receiver acknowledges
   * it (a retransmission would be just as bad) and answers with an error.
   */
  | { kind: 'invalid'; reason: string };

type State = 'idle' | 'data' | 'escape' | 'repeat' | 'checksum1' | 'checksum2';

/** Incremental decoder: feed it socket chunks in any split; it returns what they completed. */
export class PacketDecoder {
  /** Bytes skipped as noise between packets, and partial frames abandoned for a new `$`. */
  skippedBytes = 0;

  private state: State = 'idle';
  private readonly buf: Uint8Array;
  private len = 0;
  private rawLen = 0;
  private sum = 0;
  private problem: string | null = null;
  private checksumHi = 0;
  private checksumText = '';
  /** Bytes of the current frame so far, `$` included. */
  private frameBytes = 0;

  constructor(readonly maxPacketSize: number = DEFAULT_MAX_PACKET_SIZE) {
    if (!Number.isInteger(maxPacketSize) || maxPacketSize < 64) {
      throw new RangeError(`maxPacketSize must be an integer >= 64, got ${maxPacketSize}`);
    }
    this.buf = new Uint8Array(maxPacketSize);
  }

  /** Decode one chunk; the events it completes are returned in stream order. */
  feed(chunk: Uint8Array): DecoderEvent[] {
    const events: DecoderEvent[] = [];
    for (let i = 0; i < chunk.length; i++) {
      const ev = this.step(chunk[i]!);
      if (ev) events.push(ev);
    }
    return events;
  }

  /** True while a frame has started but not finished. */
  get inPacket(): boolean {
    return this.state !== 'idle';
  }

  private step(b: number): DecoderEvent | null {
    if (this.state !== 'idle') this.frameBytes++;
    switch (this.state) {
      case 'idle':
        switch (b) {
          case DOLLAR: this.startFrame(); return null;
          case PLUS: return { kind: 'ack' };
          case MINUS: return { kind: 'nak' };
          case CTRL_C: return { kind: 'interrupt' };
          default: this.skippedBytes++; return null;
        }
      case 'data':
      case 'escape':
      case 'repeat':
        return this.dataByte(b);
      case 'checksum1':
        if (b === DOLLAR) return this.abandonAndRestart();
        this.checksumHi = hexDigitValue(b);
        this.checksumText = String.fromCharCode(b);
        this.state = 'checksum2';
        return null;
      case 'checksum2': {
        if (b === DOLLAR) return this.abandonAndRestart();
        this.state = 'idle';
        this.checksumText += String.fromCharCode(b);
        const lo = hexDigitValue(b);
        const expected = this.sum & 0xff;
        if (this.checksumHi < 0 || lo < 0 || ((this.checksumHi << 4) | lo) !== expected) {
          return { kind: 'bad-checksum', expected, received: this.checksumText };
        }
        if (this.problem !== null) return { kind: 'invalid', reason: this.problem };
        return { kind: 'packet', payload: this.buf.slice(0, this.len) };
      }
    }
  }

  private dataByte(b: number): DecoderEvent | null {
    if (b === DOLLAR) {
      // `$` never occurs raw inside a packet: the frame was cut short and this is a new one.
      return this.abandonAndRestart();
    }
    if (b === HASH) {
      if (this.state === 'escape') this.fail('packet ends inside a "}" escape');
      else if (this.state === 'repeat') this.fail('packet ends inside a "*" run-length code');
      this.state = 'checksum1';
      return null;
    }
    this.sum += b;
    this.rawLen++;
    if (this.rawLen > this.maxPacketSize) {
      this.fail(`packet longer than the maximum of ${this.maxPacketSize} bytes (PacketSize)`);
    }
    switch (this.state) {
      case 'escape':
        this.push(b ^ 0x20);
        this.state = 'data';
        return null;
      case 'repeat': {
        this.state = 'data';
        // The count character is printable: ' ' (3 more) to '~' (97 more).
        if (b < 0x20 || b > 0x7e) { this.fail(`bad run-length count byte 0x${hexByte(b)}`); return null; }
        if (this.len === 0) { this.fail('run-length code "*" with nothing before it to repeat'); return null; }
        const prev = this.buf[this.len - 1]!;
        for (let n = b - 29; n > 0; n--) this.push(prev);
        return null;
      }
      default:
        if (b === ESCAPE) this.state = 'escape';
        else if (b === REPEAT) this.state = 'repeat';
        else this.push(b);
        return null;
    }
  }

  private startFrame(): void {
    this.state = 'data';
    this.frameBytes = 1;
    this.len = 0;
    this.rawLen = 0;
    this.sum = 0;
    this.problem = null;
  }

  private abandonAndRestart(): null {
    this.skippedBytes += this.frameBytes - 1; // all but the `$` that starts the new frame
    this.startFrame();
    return null;
  }

  private push(b: number): void {
    if (this.problem !== null) return;
    if (this.len >= this.maxPacketSize) {
      this.fail(`packet longer than the maximum of ${this.maxPacketSize} bytes (PacketSize)`);
      return;
    }
    this.buf[this.len++] = b;
  }

  private fail(reason: string): void {
    if (this.problem === null) this.problem = reason;
  }
}

function toBytes(payload: Uint8Array | string): Uint8Array {
  return typeof payload === 'string' ? latin1ToBytes(payload) : payload;
}

function needsEscape(b: number): boolean {
  return b === DOLLAR || b === HASH || b === ESCAPE || b === REPEAT;
}

/** `}`-escape the four bytes that may not appear raw in packet data: `$ # } *`. */
export function escapeBinary(data: Uint8Array | string): Uint8Array {
  const bytes = toBytes(data);
  let extra = 0;
  for (let i = 0; i < bytes.length; i++) if (needsEscape(bytes[i]!)) extra++;
  if (extra === 0) return bytes;
  const out = new Uint8Array(bytes.length + extra);
  let j = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (needsEscape(b)) { out[j++] = ESCAPE; out[j++] = b ^ 0x20; } else out[j++] = b;
  }
  return out;
}

/** Modulo-256 sum of the bytes, as the two checksum digits cover it. */
export function rspChecksum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i++) sum += bytes[i]!;
  return sum & 0xff;
}

function frame(lead: number, payload: Uint8Array | string): Uint8Array {
  const data = escapeBinary(payload);
  const out = new Uint8Array(data.length + 4);
  out[0] = lead;
  out.set(data, 1);
  const cs = hexByte(rspChecksum(data));
  out[data.length + 1] = HASH;
  out[data.length + 2] = cs.charCodeAt(0);
  out[data.length + 3] = cs.charCodeAt(1);
  return out;
}

/**
 * `$data#cc` with `$ # } *` escaped. A string payload is taken one byte per
 * character (latin1): replies are ASCII, binary replies are built that way.
 */
export function encodePacket(payload: Uint8Array | string): Uint8Array {
  return frame(DOLLAR, payload);
}

/** `%data#cc`: an asynchronous notification (non-stop mode), framed like a packet but never acknowledged. */
export function encodeNotification(payload: Uint8Array | string): Uint8Array {
  return frame(PERCENT, payload);
}
