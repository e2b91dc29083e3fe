// RSP framing (src/gdb/packet.ts): encoder and incremental decoder, and a
// seeded fuzz of decoder + session that checks nothing throws and everything
// sent back is a well-formed packet with a well-formed reply.
import { describe, expect, it } from 'vitest';
import { prng } from './support/prng.js';
import {
  type DecoderEvent, encodeNotification, encodePacket, escapeBinary, GdbSession, I386_REGISTER_BYTES,
  I386_REGISTERS, PacketDecoder, rspChecksum,
  type BreakpointType, type GdbTarget, type ResumeAction,
} from '../src/gdb/index.js';

const bytes = (s: string) => Buffer.from(s, 'latin1');
const text = (b: Uint8Array) => Buffer.from(b).toString('latin1');

/** `$raw#cc` around data that is already escaped (or deliberately not). */
function frame(raw: string): string {
  return `$${raw}#${rspChecksum(bytes(raw)).toString(16).padStart(2, '0')}`;
}

/** Decoder events with payloads as latin1 strings, for readable expectations. */
function decodeAll(decoder: PacketDecoder, ...chunks: string[]): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const chunk of chunks) {
    for (const ev of decoder.feed(bytes(chunk))) out.push(simplify(ev));
  }
  return out;
}

function simplify(ev: DecoderEvent): Record<string, unknown> {
  return ev.kind === 'packet' ? { kind: 'packet', payload: text(ev.payload) } : { ...ev };
}


describe('RSP encoder', () => {
  it('frames with a two-digit modulo-256 checksum', () => {
    expect(text(encodePacket('OK'))).toBe('$OK#9a');
    expect(text(encodePacket(''))).toBe('$#00');
    expect(text(encodePacket('qSupported'))).toBe('$qSupported#37');
    expect(text(encodeNotification('Stop:T05'))).toBe(`%Stop:T05#${rspChecksum(bytes('Stop:T05')).toString(16).padStart(2, '0')}`);
    expect(rspChecksum(bytes('g'))).toBe(0x67);
    expect(rspChecksum(new Uint8Array([0xff, 0xff, 0x03]))).toBe(0x01);
  });

  it('escapes $ # } * as } and the byte XOR 0x20, and checksums the escaped form', () => {
    expect(text(escapeBinary('a$b#c}d*e'))).toBe('a}\x04b}\x03c}\x5dd}\x0ae');
    const framed = text(encodePacket('X0,1:*'));
    expect(framed).toBe(`$X0,1:}\n#${rspChecksum(bytes('X0,1:}\n')).toString(16).padStart(2, '0')}`);
    // Bytes that need no escape are left alone, binary included.
    expect(text(escapeBinary(new Uint8Array([0, 3, 0x7e, 0xff])))).toBe('\x00\x03\x7e\xff');
  });
});

describe('RSP decoder', () => {
  it('decodes packets, acks, naks and Ctrl-C between packets', () => {
    const d = new PacketDecoder();
    expect(decodeAll(d, '+$g#67-\x03$OK#9a')).toEqual([
      { kind: 'ack' }, { kind: 'packet', payload: 'g' }, { kind: 'nak' }, { kind: 'interrupt' }, { kind: 'packet', payload: 'OK' },
    ]);
  });

  it('accepts upper- and lowercase checksum digits and reports a bad checksum', () => {
    const d = new PacketDecoder();
    expect(decodeAll(d, '$OK#9A')).toEqual([{ kind: 'packet', payload: 'OK' }]);
    expect(decodeAll(d, '$OK#9b')).toEqual([{ kind: 'bad-checksum', expected: 0x9a, received: '9b' }]);
    expect(decodeAll(d, '$OK#zz')).toEqual([{ kind: 'bad-checksum', expected: 0x9a, received: 'zz' }]);
    expect(decodeAll(d, '$g#67')).toEqual([{ kind: 'packet', payload: 'g' }]); // and recovers
  });

  it('unescapes } sequences and expands * run-length codes', () => {
    const d = new PacketDecoder();
    expect(decodeAll(d, frame('X0,4:}\x04}\x03}\x5d}\x0a')))
      .toEqual([{ kind: 'packet', payload: 'X0,4:$#}*' }]);
    // "0* " is 0 and 3 more; "a*~" is a and 97 more; a repeat of an escaped byte repeats the byte.
    for (const [raw, expanded] of [['0* ', '0000'], ['a*~b', 'a'.repeat(98) + 'b'], ['}\x03*!', '#'.repeat(5)]] as const) {
      expect(decodeAll(d, frame(raw))).toEqual([{ kind: 'packet', payload: expanded }]);
    }
  });

  it('reports undecodable frames with a good checksum as invalid', () => {
    const d = new PacketDecoder();
    expect(decodeAll(d, frame('abc}'))).toEqual([{ kind: 'invalid', reason: 'packet ends inside a "}" escape' }]);
    expect(decodeAll(d, frame('abc*'))).toEqual([{ kind: 'invalid', reason: 'packet ends inside a "*" run-length code' }]);
    expect(decodeAll(d, frame('*!'))).toEqual([{ kind: 'invalid', reason: 'run-length code "*" with nothing before it to repeat' }]);
    expect(decodeAll(d, frame('a*\x10'))).toEqual([{ kind: 'invalid', reason: 'bad run-length count byte 0x10' }]);
    expect(decodeAll(d, frame('ok'))).toEqual([{ kind: 'packet', payload: 'ok' }]);
  });

  it('skips garbage between packets, and a frame cut short by a new $', () => {
    const d = new PacketDecoder();
    expect(decodeAll(d, 'hello\r\n', '$g#67', 'xx#12', '$qC', '$g#67', '$OK#', '$g#67')).toEqual([
      { kind: 'packet', payload: 'g' }, { kind: 'packet', payload: 'g' }, { kind: 'packet', payload: 'g' },
    ]);
    expect(d.skippedBytes).toBe(7 + 5 + 3 + 4);
    expect(d.inPacket).toBe(false);
  });

  it('treats +, - and 0x03 inside a packet as data', () => {
    const d = new PacketDecoder();
    expect(decodeAll(d, frame('X0,3:+-\x03'))).toEqual([{ kind: 'packet', payload: 'X0,3:+-\x03' }]);
  });

  it('gives the same events however the stream is split', () => {
    const stream = '+' + frame('qSupported:swbreak+') + 'junk' + frame('X0,2:}\x03}]') + '\x03' + frame('m1000,4') + '-' + '$bad#00';
    const whole = decodeAll(new PacketDecoder(), stream);
    expect(whole.map((e) => e.kind)).toEqual(['ack', 'packet', 'packet', 'interrupt', 'packet', 'nak', 'bad-checksum']);
    for (let cut1 = 0; cut1 <= stream.length; cut1++) {
      for (let cut2 = cut1; cut2 <= stream.length; cut2 += 3) {
        const d = new PacketDecoder();
        expect(decodeAll(d, stream.slice(0, cut1), stream.slice(cut1, cut2), stream.slice(cut2))).toEqual(whole);
      }
    }
    const d = new PacketDecoder();
    expect(decodeAll(d, ...stream.split(''))).toEqual(whole);
  });

  it('rejects a packet over the maximum size with a clear reason and recovers', () => {
    const d = new PacketDecoder(64);
    const big = 'M0,20:' + '00'.repeat(32); // 70 data bytes
    expect(decodeAll(d, text(encodePacket(big)))).toEqual([
      { kind: 'invalid', reason: 'packet longer than the maximum of 64 bytes (PacketSize)' },
    ]);
    // Exactly the maximum is fine; run-length expansion past it is not.
    const max = 'a'.repeat(64);
    expect(decodeAll(d, text(encodePacket(max)))).toEqual([{ kind: 'packet', payload: max }]);
    expect(decodeAll(d, frame('a*~'))[0]).toMatchObject({ kind: 'invalid' });
    // A long run of data without a '#' does not grow memory, and the next packet still decodes.
    expect(decodeAll(d, '$' + 'z'.repeat(100_000), '$g#67')).toEqual([{ kind: 'packet', payload: 'g' }]);
    expect(() => new PacketDecoder(10)).toThrow(/maxPacketSize/);
  });

  it('round-trips random binary payloads through encoder and decoder', () => {
    const rand = prng(1234);
    const d = new PacketDecoder(4096);
    for (let n = 0; n < 2000; n++) {
      const payload = new Uint8Array(Math.floor(rand() * 300)).map(() => Math.floor(rand() * 256));
      const events = d.feed(encodePacket(payload));
      expect(events).toHaveLength(1);
      const ev = events[0]!;
      expect(ev.kind).toBe('packet');
      if (ev.kind === 'packet') expect(Buffer.from(ev.payload).equals(Buffer.from(payload))).toBe(true);
    }
  });
});

// ---------------------------------------------------------------------------
// Fuzz: decoder + session against a small fake target.

class FuzzTarget implements GdbTarget {
  regs = new Uint8Array(I386_REGISTER_BYTES);
  ram = new Uint8Array(0x1000);
  canReverse = true;
  session: GdbSession | null = null;
  running = false;
  constructor(private readonly rand: () => number) {}
  readRegisters(): Uint8Array { return this.regs.slice(); }
  writeRegisters(b: Uint8Array): boolean { this.regs.set(b); return true; }
  readRegister(n: number): Uint8Array | null {
    const r = I386_REGISTERS[n];
    return r ? this.regs.slice(r.offset, r.offset + r.size) : null;
  }
  writeRegister(n: number, b: Uint8Array): boolean {
    const r = I386_REGISTERS[n];
    if (!r || b.length !== r.size) throw new Error('session passed a bad register write');
    this.regs.set(b, r.offset);
    return true;
  }
  readMemory(addr: number, len: number): Uint8Array | null {
    return addr < this.ram.length ? this.ram.slice(addr, Math.min(this.ram.length, addr + len)) : null;
  }
  writeMemory(addr: number, b: Uint8Array): boolean {
    if (addr + b.length > this.ram.length) return false;
    this.ram.set(b, addr);
    return true;
  }
  resume(action: ResumeAction): void {
    this.running = true;
    const r = this.rand();
    if (r < 0.5) this.stop(action.reverse && r < 0.1 ? { historyEnd: 'begin' as const } : {});
    else if (r < 0.6) this.stop({ watch: { kind: 'awatch' as const, addr: Math.floor(r * 0xffffffff) } });
    // else: keep running until interrupted
  }
  interrupt(): void { if (this.rand() < 0.9) this.stop({}, 2); }
  insertBreakpoint(_t: BreakpointType, addr: number): boolean { return addr < 0x1000; }
  removeBreakpoint(_t: BreakpointType, addr: number): boolean { return addr < 0x1000; }
  monitor(cmd: string): string { return cmd.length % 3 === 0 ? '' : `${cmd}\n`.repeat(cmd.length % 5); }
  detach(): void {}
  kill(): void {}
  private stop(extra: object, signal = 5): void {
    this.running = false;
    this.session!.stopped({ signal, swbreak: this.rand() < 0.5, hwbreak: this.rand() < 0.2, ...extra });
  }
}

const REPLY_FORMS: RegExp[] = [
  /^$/, /^OK$/, /^E[0-9a-f]{2}$/, /^[0-9a-f]+$/, /^1$/, /^QC1$/, /^m1$/, /^l$/, /^Text=0;Data=0;Bss=0$/,
  /^vCont;c;C;s;S$/, /^O([0-9a-f]{2})+$/, /^W[0-9a-f]{2}$/,
  /^T[0-9a-f]{2}thread:01;((watch|rwatch|awatch):[0-9a-f]+;)?(swbreak:;)?(hwbreak:;)?(replaylog:(begin|end);)?$/,
  /^PacketSize=[0-9a-f]+;qXfer:features:read\+;QStartNoAckMode\+;swbreak\+;hwbreak\+;vContSupported\+(;ReverseStep\+;ReverseContinue\+)?$/,
  /^[ml][\x20-\x7e\n]*$/, // target.xml windows
];

/**
 * An independent, strict parser of what the session sends: only `+`, `-` and
 * `$data#cc` frames with a correct checksum, no raw `$ # *` in the data, `}`
 * only as an escape; each reply must have a known form.
 */
class OutputChecker {
  replies = 0;
  acks = 0;
  private state: 'idle' | 'data' | 'escape' | 'cs1' | 'cs2' = 'idle';
  private raw: number[] = [];
  private decoded: number[] = [];
  private cs = '';

  feed(chunk: Uint8Array, onReply: (reply: string) => void): void {
    for (const b of chunk) {
      switch (this.state) {
        case 'idle':
          if (b === 0x2b || b === 0x2d) { this.acks++; break; }
          if (b !== 0x24) throw new Error(`byte 0x${b.toString(16)} outside a packet`);
          this.state = 'data'; this.raw = []; this.decoded = [];
          break;
        case 'data':
          if (b === 0x23) { this.state = 'cs1'; break; }
          if (b === 0x24 || b === 0x2a) throw new Error(`raw 0x${b.toString(16)} inside a packet`);
          this.raw.push(b);
          if (b === 0x7d) this.state = 'escape'; else this.decoded.push(b);
          break;
        case 'escape': {
          this.raw.push(b);
          const v = b ^ 0x20;
          if (![0x24, 0x23, 0x7d, 0x2a].includes(v)) throw new Error(`needless escape of 0x${v.toString(16)}`);
          this.decoded.push(v);
          this.state = 'data';
          break;
        }
        case 'cs1': this.cs = String.fromCharCode(b); this.state = 'cs2'; break;
        case 'cs2': {
          this.cs += String.fromCharCode(b);
          const sum = this.raw.reduce((a, x) => a + x, 0) & 0xff;
          if (this.cs !== sum.toString(16).padStart(2, '0')) throw new Error(`bad checksum ${this.cs}, want ${sum.toString(16)}`);
          this.state = 'idle';
          this.replies++;
          const reply = Buffer.from(this.decoded).toString('latin1');
          if (!REPLY_FORMS.some((re) => re.test(reply))) throw new Error(`malformed reply ${JSON.stringify(reply.slice(0, 80))}`);
          onReply(reply);
          break;
        }
      }
    }
  }
}

const COMMANDS = [
  '?', 'g', 'G', 'p8', 'p1f', 'p20', 'P8=00100000', 'P10=00112233445566778899', 'P9=1', 'm0,10', 'm ff0,20', 'mfff,4',
  'm100000,4', 'M10,4:01020304', 'M10,4:0102', 'X20,3:abc', 'X20,0:', 'c', 's', 'c100', 'S05', 'C02;10', 'bc', 'bs',
  'vCont?', 'vCont;c', 'vCont;s:1', 'vCont;s:2;c', 'vCont;t', 'Z0,10,1', 'z0,10,1', 'Z2,2000,4', 'Z9,1,1', 'qSupported',
  'qSupported:swbreak+;hwbreak+', 'qXfer:features:read:target.xml:0,80', 'qXfer:features:read:target.xml:400,ffff',
  'qXfer:features:read:x:0,1', 'qRcmd,68656c70', 'qRcmd,6162', 'qRcmd,xyz', 'qAttached', 'qC', 'qfThreadInfo',
  'qsThreadInfo', 'Hg0', 'Hc-1', 'T1', 'T5', 'qOffsets', 'qSymbol::', 'vMustReplyEmpty', 'qTStatus', 'QStartNoAckMode',
  'D', 'k', 'vKill;1', '', '!', 'Q', 'q', 'v', 'Z', 'z', 'H', 'T', 'P', 'M', 'X', 'm', 'p',
];

describe('RSP fuzz (seeded)', () => {
  it('uses an output checker that rejects what it should', () => {
    const ok = (s: string) => new OutputChecker().feed(bytes(s), () => {});
    expect(() => ok('+$OK#9a-' + text(encodePacket('T05thread:01;watch:10;')))).not.toThrow();
    expect(() => ok('$OK#9b')).toThrow(/checksum/);
    expect(() => ok('x')).toThrow(/outside a packet/);
    expect(() => ok(frame('a*b'))).toThrow(/raw 0x2a/);
    expect(() => ok(frame('}a'))).toThrow(/needless escape/);
    expect(() => ok(frame('T05'))).toThrow(/malformed reply/);
    expect(() => ok(frame('E1'))).toThrow(/malformed reply/);
  });

  it('decoder + session never throw and only ever send well-formed replies', () => {
    const rand = prng(0x5eed);
    const int = (n: number) => Math.floor(rand() * n);
    const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
    const checker = new OutputChecker();
    let sessions = 0;
    let packetsSent = 0;
    let session!: GdbSession;
    let target: FuzzTarget;
    let ackBack = false; // whether our "gdb" acks what it receives
    let acksOwed = 0;
    const targetFailures: string[] = []; // the fake throws only if the session passes it bad arguments
    let logLines = 0; // acks for replies seen, sent (like gdb) before our next bytes
    const newSession = () => {
      sessions++;
      acksOwed = 0;
      target = new FuzzTarget(rand);
      const s = new GdbSession(target, (b) => checker.feed(b, () => { if (ackBack) acksOwed++; }), {
        maxPacketSize: pick([64, 256, 0x4000]),
        log: (m) => { if (m.includes('target failed')) targetFailures.push(m); else logLines++; },
      });
      target.session = s;
      session = s;
    };
    newSession();

    const mutate = (p: string): string => {
      const chars = [...p];
      const ops = int(3);
      for (let i = 0; i < ops; i++) {
        const at = int(chars.length + 1);
        const r = rand();
        const c = r < 0.3 ? pick(['$', '#', '}', '*', '\x03', '+', '-', ',', ':', ';', '=']) : String.fromCharCode(int(256));
        if (r < 0.5) chars.splice(at, 0, c);
        else if (chars.length > 0) chars.splice(at % chars.length, 1, ...(rand() < 0.5 ? [c] : []));
      }
      return chars.join('');
    };

    const makeChunk = (): Uint8Array => {
      const r = rand();
      if (r < 0.25) {
        // Random bytes, sometimes biased towards protocol characters.
        const n = 1 + int(64);
        const out = new Uint8Array(n);
        for (let i = 0; i < n; i++) out[i] = rand() < 0.3 ? pick([0x24, 0x23, 0x7d, 0x2a, 0x2b, 0x2d, 0x03]) : int(256);
        return out;
      }
      if (r < 0.3) return Uint8Array.of(pick([0x2b, 0x2d, 0x03]));
      let payload = pick(COMMANDS);
      if (payload === 'G') payload += rand() < 0.7 ? '00'.repeat(I386_REGISTER_BYTES) : '0';
      if (rand() < 0.4) payload = mutate(payload);
      packetsSent++;
      const framed = Buffer.from(encodePacket(Buffer.from(payload, 'latin1')));
      const r2 = rand();
      if (r2 < 0.1) framed[framed.length - 1] = 0x30 + int(10); // likely a bad checksum
      else if (r2 < 0.15) return framed.subarray(0, int(framed.length)); // truncated
      else if (r2 < 0.2) return Buffer.concat([Buffer.from(pick(['junk', '\r\n', '+', '-', '\x03', '$'])), framed]);
      return framed;
    };

    for (let n = 0; n < 100_000; n++) {
      ackBack = rand() < 0.9;
      const chunk = makeChunk();
      // Deliver it in one piece or split at a random point.
      const cut = rand() < 0.5 ? chunk.length : int(chunk.length + 1);
      expect(() => {
        if (acksOwed > 0) session.receive(new Uint8Array(acksOwed).fill(0x2b));
        acksOwed = 0;
        session.receive(chunk.subarray(0, cut));
        session.receive(chunk.subarray(cut));
      }).not.toThrow();
      if (session.state === 'ended' || rand() < 0.001) newSession();
    }
    expect(targetFailures).toEqual([]);
    expect(sessions).toBeGreaterThan(10);
    expect(packetsSent).toBeGreaterThan(50_000);
    expect(checker.replies).toBeGreaterThan(20_000);
    expect(logLines).toBeGreaterThan(1000); // bad checksums and invalid packets were seen, and logged
  });
});
