// The GDB command dispatcher (src/gdb/session.ts) against an in-memory fake
// target: every command through the real framing, acks and no-ack mode, stop
// reply formatting, qXfer windowing, qRcmd; and, when gdb is installed, a
// real gdb talking to it over TCP.
import { describe, expect, it } from 'vitest';
import { execFile, spawnSync } from 'node:child_process';
import { createServer, type AddressInfo, type Server } from 'node:net';
import {
  encodePacket, GdbSession, I386_REGISTER_BYTES, I386_REGISTERS, I386_REGNUM, I386_TARGET_XML,
  PacketDecoder, serveGdbSocket,
  type BreakpointType, type GdbSessionOptions, type GdbTarget, type ResumeAction, type StopReason,
} from '../src/gdb/index.js';

// ---------------------------------------------------------------------------
// A fake machine: 64 KiB of RAM, registers in the g-packet layout.

interface Breakpoint { type: BreakpointType; addr: number; kind: number }

class FakeTarget implements GdbTarget {
  readonly regs = new Uint8Array(I386_REGISTER_BYTES);
  readonly ram = new Uint8Array(0x10000);
  readonly breakpoints: Breakpoint[] = [];
  readonly calls: string[] = [];
  session: GdbSession | null = null;
  canReverse = false;
  /** What `continue` does when no breakpoint is set: stay running until interrupted, or stop at once. */
  continueWithoutBreakpoint: 'run' | StopReason = 'run';
  /** Reverse execution's stop, e.g. { signal: 5, historyEnd: 'begin' }. */
  reverseStop: StopReason = { signal: 5, historyEnd: 'begin' };
  monitorOutput = (cmd: string): string => `you said: ${cmd}\n`;
  refuseWrites = false;
  private readonly view = new DataView(this.regs.buffer);

  constructor() {
    const init: Record<string, number> = {
      eax: 0x11111111, ecx: 0x22222222, edx: 0x33333333, ebx: 0x44444444,
      esp: 0x8000, ebp: 0x8010, esi: 0x55555555, edi: 0x66666666,
      eip: 0x1800, eflags: 0x202, cs: 0x08, ss: 0x10, ds: 0x10, es: 0x10, fs: 0x10, gs: 0x10, fctrl: 0x37f,
    };
    for (const r of I386_REGISTERS) if (r.size === 4) this.view.setUint32(r.offset, init[r.name] ?? 0, true);
    new DataView(this.ram.buffer).setUint32(0x1000, 0xdeadbeef, true);
    new DataView(this.ram.buffer).setUint32(0x1004, 0x01020304, true);
    new DataView(this.ram.buffer).setUint32(0x100c, 0xcafebabe, true);
  }

  get eip(): number { return this.view.getUint32(I386_REGISTERS[I386_REGNUM.EIP]!.offset, true); }
  set eip(v: number) { this.view.setUint32(I386_REGISTERS[I386_REGNUM.EIP]!.offset, v >>> 0, true); }

  readRegisters(): Uint8Array { this.calls.push('readRegisters'); return this.regs.slice(); }
  writeRegisters(bytes: Uint8Array): boolean { this.calls.push('writeRegisters'); this.regs.set(bytes); return true; }
  readRegister(n: number): Uint8Array | null {
    const r = I386_REGISTERS[n];
    return r ? this.regs.slice(r.offset, r.offset + r.size) : null;
  }
  writeRegister(n: number, bytes: Uint8Array): boolean {
    const r = I386_REGISTERS[n];
    if (!r || this.refuseWrites) return false;
    this.regs.set(bytes, r.offset);
    this.calls.push(`writeRegister ${r.name}`);
    return true;
  }
  readMemory(addr: number, length: number): Uint8Array | null {
    if (addr >= this.ram.length) return null;
    return this.ram.slice(addr, Math.min(this.ram.length, addr + length));
  }
  writeMemory(addr: number, bytes: Uint8Array): boolean {
    if (this.refuseWrites || addr + bytes.length > this.ram.length) return false;
    this.ram.set(bytes, addr);
    this.calls.push(`writeMemory ${addr.toString(16)} ${bytes.length}`);
    return true;
  }
  resume(action: ResumeAction): void {
    this.calls.push(`resume ${action.kind}${action.reverse ? ' reverse' : ''}`);
    const session = this.session!;
    if (action.reverse) { session.stopped(this.reverseStop); return; }
    if (action.kind === 'step') { this.eip = this.eip + 1; session.stopped({ signal: 5 }); return; }
    const bp = this.breakpoints.find((b) => b.type === 0);
    if (bp) { this.eip = bp.addr; session.stopped({ signal: 5, swbreak: true }); return; }
    if (this.continueWithoutBreakpoint !== 'run') session.stopped(this.continueWithoutBreakpoint);
  }
  interrupt(): void { this.calls.push('interrupt'); this.session!.stopped({ signal: 2 }); }
  insertBreakpoint(type: BreakpointType, addr: number, kind: number): boolean {
    this.calls.push(`insert ${type} ${addr.toString(16)} ${kind}`);
    if (addr >= this.ram.length) return false;
    this.breakpoints.push({ type, addr, kind });
    return true;
  }
  removeBreakpoint(type: BreakpointType, addr: number, kind: number): boolean {
    this.calls.push(`remove ${type} ${addr.toString(16)} ${kind}`);
    const i = this.breakpoints.findIndex((b) => b.type === type && b.addr === addr && b.kind === kind);
    if (i < 0) return false;
    this.breakpoints.splice(i, 1);
    return true;
  }
  monitor(command: string): string { this.calls.push(`monitor ${command}`); return this.monitorOutput(command); }
  detach(): void { this.calls.push('detach'); }
  kill(): void { this.calls.push('kill'); }
}

// ---------------------------------------------------------------------------
// A scripted GDB: frames requests, acknowledges replies (in ack mode), and
// returns the decoded reply packets.

const latin1 = (b: Uint8Array) => Buffer.from(b).toString('latin1');

class Client {
  readonly session: GdbSession;
  readonly raw: string[] = [];
  readonly log: string[] = [];
  ended: string | null = null;
  ack = true;
  private readonly decoder = new PacketDecoder(1 << 20);
  private pending: Uint8Array[] = [];

  constructor(readonly target = new FakeTarget(), options: GdbSessionOptions = {}) {
    this.session = new GdbSession(target, (bytes) => { this.pending.push(bytes.slice()); this.raw.push(latin1(bytes)); }, {
      log: (m) => this.log.push(m),
      onEnd: (why) => { this.ended = why; },
      ...options,
    });
    target.session = this.session;
  }

  /** Send raw bytes (a string is latin1). */
  sendRaw(data: string | Uint8Array): void {
    this.session.receive(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** Send a packet; return every reply packet that arrives, acking each as GDB does. */
  request(payload: string | Uint8Array): string[] {
    this.sendRaw(encodePacket(payload));
    return this.drain();
  }

  /** Exactly one reply. */
  ask(payload: string | Uint8Array): string {
    const replies = this.request(payload);
    expect(replies, `replies to ${String(payload)}`).toHaveLength(1);
    return replies[0]!;
  }

  /** Decode everything the session wrote since last time; ack packets; collect them. */
  drain(): string[] {
    const out: string[] = [];
    while (this.pending.length > 0) {
      const chunks = this.pending;
      this.pending = [];
      for (const chunk of chunks) {
        for (const ev of this.decoder.feed(chunk)) {
          if (ev.kind === 'packet') {
            out.push(latin1(ev.payload));
            if (this.ack) this.sendRaw('+');
          } else if (ev.kind !== 'ack') {
            throw new Error(`unexpected ${ev.kind} from the session`);
          }
        }
      }
    }
    return out;
  }
}

function hex32(n: number): string {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b.toString('hex');
}

// ---------------------------------------------------------------------------

describe('gdb session: handshake and queries', () => {
  it('qSupported advertises the features, with reverse only when the target can', () => {
    const c = new Client();
    const reply = c.ask('qSupported:multiprocess+;swbreak+;hwbreak+;vContSupported+;xmlRegisters=i386');
    expect(reply.split(';')).toEqual([
      'PacketSize=4000', 'qXfer:features:read+', 'QStartNoAckMode+', 'swbreak+', 'hwbreak+', 'vContSupported+',
    ]);
    const t = new FakeTarget();
    t.canReverse = true;
    const r2 = new Client(t).ask('qSupported');
    expect(r2).toContain(';ReverseStep+;ReverseContinue+');
    expect(new Client(new FakeTarget(), { maxPacketSize: 0x1000 }).ask('qSupported')).toMatch(/^PacketSize=1000;/);
  });

  it('answers the thread and process queries of a single-threaded stub', () => {
    const c = new Client();
    expect(c.ask('qAttached')).toBe('1');
    expect(c.ask('qAttached:1')).toBe('1');
    expect(c.ask('qC')).toBe('QC1');
    expect(c.ask('qfThreadInfo')).toBe('m1');
    expect(c.ask('qsThreadInfo')).toBe('l');
    expect(c.ask('Hg0')).toBe('OK');
    expect(c.ask('Hc-1')).toBe('OK');
    expect(c.ask('Hgp1.1')).toBe('OK');
    expect(c.ask('Hgzz')).toBe('E22');
    expect(c.ask('T1')).toBe('OK');
    expect(c.ask('Tp1.1')).toBe('OK');
    expect(c.ask('T2')).toBe('E01');
    expect(c.ask('qOffsets')).toBe('Text=0;Data=0;Bss=0');
    expect(c.ask('qSymbol::')).toBe('OK');
    expect(c.ask('vMustReplyEmpty')).toBe('');
    expect(c.ask('qTStatus')).toBe('');
    expect(c.ask('qCRC:0,10')).toBe('');
    expect(c.ask('!')).toBe('');
    expect(c.ask('QNonStop:1')).toBe('');
    expect(c.ask('vFile:open:')).toBe('');
    expect(c.ask('bc')).toBe(''); // no reverse execution outside replay
    expect(c.ask('bs')).toBe('');
  });

  it('reports the last stop for ?', () => {
    const c = new Client();
    expect(c.ask('?')).toBe('T05thread:01;');
    c.session.stopped({ signal: 2 }); // not running: remembered, not sent
    expect(c.drain()).toEqual([]);
    expect(c.ask('?')).toBe('T02thread:01;');
    expect(c.ask('?x')).toBe('E22');
  });
});

describe('gdb session: registers', () => {
  it('g returns the whole register file in target.xml order', () => {
    const c = new Client();
    const g = c.ask('g');
    expect(g).toHaveLength(I386_REGISTER_BYTES * 2);
    expect(g).toBe(Buffer.from(c.target.regs).toString('hex'));
    expect(g.slice(0, 8)).toBe(hex32(0x11111111)); // eax
    expect(g.slice(8 * 8, 9 * 8)).toBe(hex32(0x1800)); // eip
    expect(g.slice(10 * 8, 11 * 8)).toBe(hex32(0x08)); // cs
    expect(g.slice(13 * 8, 14 * 8)).toBe(hex32(0x10)); // es
  });

  it('G writes them all, and rejects the wrong length or bad hex', () => {
    const c = new Client();
    const bytes = Buffer.alloc(I386_REGISTER_BYTES);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7) & 0xff;
    expect(c.ask('G' + bytes.toString('hex'))).toBe('OK');
    expect(Buffer.from(c.target.regs).equals(bytes)).toBe(true);
    expect(c.ask('g')).toBe(bytes.toString('hex'));
    expect(c.ask('G' + bytes.toString('hex').slice(2))).toBe('E22');
    expect(c.ask('G' + 'zz'.repeat(I386_REGISTER_BYTES))).toBe('E22');
  });

  it('p and P read and write one register by number', () => {
    const c = new Client();
    expect(c.ask('p8')).toBe(hex32(0x1800));
    expect(c.ask('p0')).toBe(hex32(0x11111111));
    expect(c.ask('p10')).toBe('00'.repeat(10)); // st0, 80 bits
    expect(c.ask('p18')).toBe(hex32(0x37f)); // fctrl
    expect(c.ask('P8=' + hex32(0x4321))).toBe('OK');
    expect(c.target.eip).toBe(0x4321);
    expect(c.ask('p8')).toBe(hex32(0x4321));
    expect(c.ask('P10=' + '11'.repeat(10))).toBe('OK');
    expect(c.ask('p10')).toBe('11'.repeat(10));
    expect(c.ask('p20')).toBe('E01'); // regnum 32: no such register
    expect(c.ask('P20=' + hex32(1))).toBe('E01');
    expect(c.ask('pq')).toBe('E22');
    expect(c.ask('P8=123')).toBe('E22'); // odd hex
    expect(c.ask('P8=' + hex32(1) + '00')).toBe('E22'); // wrong size for eip
    expect(c.ask('P8')).toBe('E22');
  });
});

describe('gdb session: memory', () => {
  it('m reads, M and X write, and they round-trip', () => {
    const c = new Client();
    expect(c.ask('m1000,10')).toBe('efbeadde04030201' + '00000000' + 'bebafeca');
    expect(c.ask('M1000,4:2a000000')).toBe('OK');
    expect(c.ask('m1000,4')).toBe('2a000000');
    // X carries binary: every byte value, including $ # } * and 0x03, escaped by the encoder.
    const data = new Uint8Array(256).map((_, i) => i);
    const x = Buffer.concat([Buffer.from('X2000,100:', 'latin1'), Buffer.from(data)]);
    expect(c.ask(x)).toBe('OK');
    expect(Buffer.from(c.target.ram.subarray(0x2000, 0x2100)).equals(Buffer.from(data))).toBe(true);
    expect(c.ask('m2000,100')).toBe(Buffer.from(data).toString('hex'));
  });

  it('reports errors, partial reads and the zero-length X probe', () => {
    const c = new Client();
    expect(c.ask('X1000,0:')).toBe('OK');
    expect(c.ask('m20000,4')).toBe('E01'); // outside RAM
    expect(c.ask('mfffc,8')).toBe('00000000'); // only 4 bytes exist: a short reply
    expect(c.ask('Mfffe,4:01020304')).toBe('E01');
    c.target.refuseWrites = true;
    expect(c.ask('M1000,1:ff')).toBe('E01');
    expect(c.ask('X1000,1:a')).toBe('E01');
    for (const bad of ['m', 'm1000', 'm1000,', 'mzz,4', 'm,4', 'm1000,4,', 'm100000000,4', 'M1000,2:00', 'M1000,1:zz',
      'M1000,1', 'X1000,2:a', 'X1000', 'Mq,1:00']) {
      expect(c.ask(bad), bad).toBe('E22');
    }
  });

  it('clamps a read to what fits in one packet', () => {
    const c = new Client(new FakeTarget(), { maxPacketSize: 256 });
    expect(c.ask('m0,ffff')).toHaveLength(256);
    expect(c.ask('m0,0')).toBe('');
  });
});

describe('gdb session: breakpoints', () => {
  it('Z and z insert and remove through the target, types 0-4', () => {
    const c = new Client();
    expect(c.ask('Z0,2000,1')).toBe('OK');
    expect(c.ask('Z1,2004,1')).toBe('OK');
    expect(c.ask('Z2,1000,4')).toBe('OK');
    expect(c.ask('Z3,1004,2')).toBe('OK');
    expect(c.ask('Z4,1008,1;X2,0a00')).toBe('OK'); // a condition list is ignored
    expect(c.target.breakpoints).toEqual([
      { type: 0, addr: 0x2000, kind: 1 }, { type: 1, addr: 0x2004, kind: 1 }, { type: 2, addr: 0x1000, kind: 4 },
      { type: 3, addr: 0x1004, kind: 2 }, { type: 4, addr: 0x1008, kind: 1 },
    ]);
    expect(c.ask('z2,1000,4')).toBe('OK');
    expect(c.ask('z2,1000,4')).toBe('E01'); // already gone
    expect(c.ask('Z0,20000,1')).toBe('E01'); // the target refuses
    expect(c.ask('Z5,2000,1')).toBe(''); // unknown type: not supported
    for (const bad of ['Z0,2000', 'Z0', 'Zx,2000,1', 'Z0,2000,1,1', 'z0,,1', 'Z0,123456789,1']) expect(c.ask(bad), bad).toBe('E22');
  });

  it('takes out what GDB left inserted when the connection drops', () => {
    const c = new Client();
    c.ask('Z0,2000,1');
    c.ask('Z2,1000,4');
    c.ask('z0,2000,1');
    c.session.close();
    expect(c.target.breakpoints).toEqual([]);
    expect(c.target.calls.slice(-2)).toEqual(['remove 2 1000 4', 'detach']);
    expect(c.ended).toBe('disconnect');
    expect(c.session.state).toBe('ended');
  });
});

describe('gdb session: execution and stop replies', () => {
  it('c runs until the target stops; the stop reply carries swbreak only for a GDB that offered it', () => {
    const c = new Client();
    c.ask('Z0,2000,1');
    expect(c.request('c')).toEqual(['T05thread:01;']); // GDB did not say swbreak+
    expect(c.target.eip).toBe(0x2000);
    c.ask('qSupported:swbreak+;hwbreak+');
    expect(c.request('c')).toEqual(['T05thread:01;swbreak:;']);
    expect(c.session.state).toBe('stopped');
  });

  it('s steps; c/s addr resume elsewhere; C/S drop the signal', () => {
    const c = new Client();
    expect(c.request('s')).toEqual(['T05thread:01;']);
    expect(c.target.eip).toBe(0x1801);
    expect(c.request('s3000')).toEqual(['T05thread:01;']);
    expect(c.target.eip).toBe(0x3001);
    expect(c.request('S05;4000')).toEqual(['T05thread:01;']);
    expect(c.target.eip).toBe(0x4001);
    expect(c.request('S0b')).toEqual(['T05thread:01;']);
    expect(c.target.eip).toBe(0x4002);
    c.target.continueWithoutBreakpoint = { signal: 5 };
    expect(c.request('C02;5000')).toEqual(['T05thread:01;']);
    expect(c.target.eip).toBe(0x5000);
    for (const bad of ['sxyz', 'S', 'S123', 'C05;', 'Czz', 'c100000000']) expect(c.ask(bad), bad).toBe('E22');
    c.target.refuseWrites = true;
    expect(c.ask('c1234')).toBe('E01');
    expect(c.session.state).toBe('stopped');
  });

  it('reports watchpoints, hardware breakpoints, replay history ends and exits', () => {
    const c = new Client();
    c.ask('qSupported:swbreak+;hwbreak+');
    const stopWith = (reason: StopReason) => {
      c.target.continueWithoutBreakpoint = reason;
      return c.ask('c');
    };
    expect(stopWith({ signal: 5, watch: { kind: 'watch', addr: 0x1000 } })).toBe('T05thread:01;watch:1000;');
    expect(stopWith({ signal: 5, watch: { kind: 'rwatch', addr: 0xc0001234 } })).toBe('T05thread:01;rwatch:c0001234;');
    expect(stopWith({ signal: 5, watch: { kind: 'awatch', addr: 0 } })).toBe('T05thread:01;awatch:0;');
    expect(stopWith({ signal: 5, hwbreak: true })).toBe('T05thread:01;hwbreak:;');
    expect(stopWith({ signal: 5, historyEnd: 'end' })).toBe('T05thread:01;replaylog:end;');
    expect(stopWith({ signal: 0x11 })).toBe('T11thread:01;');
    expect(stopWith({ signal: 5, exitCode: 3 })).toBe('W03');
  });

  it('Ctrl-C interrupts a running target and is ignored when it is stopped', () => {
    const c = new Client();
    expect(c.request('c')).toEqual([]); // running: no reply yet
    expect(c.session.state).toBe('running');
    c.sendRaw('\x03');
    expect(c.drain()).toEqual(['T02thread:01;']);
    expect(c.session.state).toBe('stopped');
    c.sendRaw('\x03');
    expect(c.drain()).toEqual([]);
    expect(c.target.calls.filter((x) => x === 'interrupt')).toHaveLength(1);
  });

  it('vCont? lists the actions; vCont runs the first action that names thread 1', () => {
    const c = new Client();
    expect(c.ask('vCont?')).toBe('vCont;c;C;s;S');
    expect(c.request('vCont;s:1')).toEqual(['T05thread:01;']);
    expect(c.target.eip).toBe(0x1801);
    expect(c.request('vCont;s:p1.1;c')).toEqual(['T05thread:01;']);
    expect(c.target.eip).toBe(0x1802);
    expect(c.request('vCont;S05:-1')).toEqual(['T05thread:01;']);
    expect(c.target.eip).toBe(0x1803);
    expect(c.request('vCont;s:2;c')).toEqual([]); // s is for another thread: continue, still running
    expect(c.target.calls.at(-1)).toBe('resume continue');
    c.sendRaw('\x03');
    expect(c.drain()).toEqual(['T02thread:01;']);
    for (const bad of ['vCont;', 'vCont;x', 'vCont;t', 'vCont;r1000,2000', 'vCont;c:zz', 'vCont;s:2', 'vCont;Czz']) {
      expect(c.ask(bad), bad).toBe('E22');
    }
  });

  it('bc and bs run backwards on a target that can, reporting the end of history', () => {
    const t = new FakeTarget();
    t.canReverse = true;
    const c = new Client(t);
    expect(c.request('bc')).toEqual(['T05thread:01;replaylog:begin;']);
    t.reverseStop = { signal: 5 };
    expect(c.request('bs')).toEqual(['T05thread:01;']);
    expect(t.calls.filter((x) => x.startsWith('resume'))).toEqual(['resume continue reverse', 'resume step reverse']);
    expect(c.ask('bx')).toBe('');
  });

  it('D detaches after its OK; k kills without a reply; nothing is read after either', () => {
    const c = new Client();
    expect(c.request('D')).toEqual(['OK']);
    expect(c.target.calls.at(-1)).toBe('detach');
    expect(c.ended).toBe('detach');
    expect(c.request('g')).toEqual([]);
    const k = new Client();
    expect(k.request('k')).toEqual([]);
    expect(k.target.calls.at(-1)).toBe('kill');
    expect(k.ended).toBe('kill');
    const v = new Client();
    expect(v.request('vKill;1')).toEqual(['OK']);
    expect(v.ended).toBe('kill');
    expect(new Client().request('D;1')).toEqual(['OK']);
  });

  it('still sends D\'s OK when earlier replies wait for acks', () => {
    const c = new Client();
    c.ack = false;
    c.sendRaw(encodePacket('qC'));
    c.sendRaw(encodePacket('D')); // QC1 is unacknowledged, so OK would queue behind it
    expect(c.raw.filter((r) => r.startsWith('$'))).toEqual(['$QC1#c5', '$OK#9a']);
    expect(c.ended).toBe('detach');
  });

  it('logs one line naming a malformed packet', () => {
    const c = new Client();
    expect(c.ask('m1000')).toBe('E22');
    expect(c.log).toEqual(['gdb: malformed packet "m1000"; replied E22']);
  });

  it('turns a target exception into E01 and a log line', () => {
    const c = new Client();
    c.target.readRegisters = () => { throw new Error('boom'); };
    expect(c.ask('g')).toBe('E01');
    expect(c.log.some((l) => l.includes('boom'))).toBe(true);
    c.target.resume = () => { throw new Error('cannot run'); };
    expect(c.ask('c')).toBe('E01');
    expect(c.session.state).toBe('stopped');
  });
});

describe('gdb session: target description', () => {
  it('serves target.xml in windows: m while more follows, l at the end', () => {
    const c = new Client();
    let offset = 0;
    let doc = '';
    const prefixes: string[] = [];
    for (;;) {
      const reply = c.ask(`qXfer:features:read:target.xml:${offset.toString(16)},100`);
      prefixes.push(reply[0]!);
      doc += reply.slice(1);
      offset += reply.length - 1;
      if (reply[0] === 'l') break;
      expect(reply).toHaveLength(0x101);
    }
    expect(doc).toBe(I386_TARGET_XML);
    expect(prefixes.slice(0, -1).every((p) => p === 'm')).toBe(true);
    expect(c.ask('qXfer:features:read:target.xml:0,ffb')).toBe('l' + I386_TARGET_XML);
    expect(c.ask(`qXfer:features:read:target.xml:${I386_TARGET_XML.length.toString(16)},10`)).toBe('l');
    expect(c.ask('qXfer:features:read:target.xml:ffffff,10')).toBe('l');
    expect(c.ask(`qXfer:features:read:target.xml:${(I386_TARGET_XML.length - 3).toString(16)},3`)).toBe('l' + I386_TARGET_XML.slice(-3));
    expect(c.ask('qXfer:features:read:other.xml:0,100')).toBe('E00');
    expect(c.ask('qXfer:features:read:target.xml:0')).toBe('E00');
    expect(c.ask('qXfer:features:read:target.xml:zz,10')).toBe('E00');
    expect(c.ask('qXfer:memory-map:read::0,100')).toBe('');
  });

  it('describes the i386 core registers in g order, as gdb 32bit-core.xml does', () => {
    expect(I386_TARGET_XML).toContain('<architecture>i386</architecture>');
    expect(I386_TARGET_XML).toContain('<feature name="org.gnu.gdb.i386.core">');
    expect(I386_TARGET_XML).toContain('<flags id="i386_eflags" size="4">');
    expect(I386_TARGET_XML).toContain('<field name="ZF" start="6" end="6"/>');
    const regs = [...I386_TARGET_XML.matchAll(/<reg name="(\w+)" bitsize="(\d+)" type="(\w+)" regnum="(\d+)"/g)]
      .map((m) => `${m[4]}:${m[1]}:${m[2]}:${m[3]}`);
    expect(regs).toEqual([
      '0:eax:32:int32', '1:ecx:32:int32', '2:edx:32:int32', '3:ebx:32:int32',
      '4:esp:32:data_ptr', '5:ebp:32:data_ptr', '6:esi:32:int32', '7:edi:32:int32',
      '8:eip:32:code_ptr', '9:eflags:32:i386_eflags',
      '10:cs:32:int32', '11:ss:32:int32', '12:ds:32:int32', '13:es:32:int32', '14:fs:32:int32', '15:gs:32:int32',
      ...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => `${16 + i}:st${i}:80:i387_ext`),
      ...['fctrl', 'fstat', 'ftag', 'fiseg', 'fioff', 'foseg', 'fooff', 'fop'].map((n, i) => `${24 + i}:${n}:32:int`),
    ]);
    expect(I386_TARGET_XML).toContain('<reg name="fop" bitsize="32" type="int" regnum="31" group="float"/>');
    expect(I386_REGISTER_BYTES).toBe(176);
    expect(I386_REGISTERS[I386_REGNUM.FCTRL]!.offset).toBe(16 * 4 + 8 * 10);
  });
});

describe('gdb session: monitor commands', () => {
  it('qRcmd decodes the command and returns its output as hex O packets, then OK', () => {
    const c = new Client();
    const cmd = Buffer.from('info replay').toString('hex');
    expect(c.request(`qRcmd,${cmd}`)).toEqual(['O' + Buffer.from('you said: info replay\n').toString('hex'), 'OK']);
    expect(c.target.calls.at(-1)).toBe('monitor info replay');
    c.target.monitorOutput = () => '';
    expect(c.request(`qRcmd,${cmd}`)).toEqual(['OK']);
    expect(c.ask('qRcmd,zz')).toBe('E22');
    expect(c.ask('qRcmd,123')).toBe('E22');
  });

  it('splits long output over several O packets, each sent after the previous is acked', () => {
    const c = new Client(new FakeTarget(), { maxPacketSize: 64 });
    const text = 'x'.repeat(100) + '\u00e9\n';
    c.target.monitorOutput = () => text;
    c.sendRaw(encodePacket(`qRcmd,${Buffer.from('help').toString('hex')}`));
    // Ack mode: only the first O packet is out until GDB acknowledges it.
    expect(c.raw.filter((r) => r.startsWith('$'))).toHaveLength(1);
    const replies = c.drain();
    expect(replies.at(-1)).toBe('OK');
    const os = replies.slice(0, -1);
    expect(os.length).toBe(4);
    for (const o of os) expect(o.length).toBeLessThanOrEqual(64);
    expect(Buffer.from(os.map((o) => o.slice(1)).join(''), 'hex').toString('utf8')).toBe(text);
  });
});

describe('gdb session: acknowledgements', () => {
  it('acks good packets, naks bad checksums, and resends a reply on -', () => {
    const c = new Client();
    c.sendRaw('$qC#00');
    expect(c.raw).toEqual(['-']);
    c.sendRaw('$qC#b4');
    expect(c.raw.slice(1)).toEqual(['+', '$QC1#c5']);
    c.sendRaw('-');
    expect(c.raw.at(-1)).toBe('$QC1#c5');
    c.sendRaw('+');
    c.sendRaw('+'); // a stray ack is harmless
    expect(c.raw).toHaveLength(4);
  });

  it('QStartNoAckMode: OK under ack rules, then no acks either way', () => {
    const c = new Client();
    expect(c.ask('QStartNoAckMode')).toBe('OK');
    expect(c.session.noAckMode).toBe(true);
    c.ack = false;
    const before = c.raw.length;
    c.sendRaw('$qC#b4');
    expect(c.raw.slice(before)).toEqual(['$QC1#c5']); // no '+'
    expect(c.drain()).toEqual(['QC1']);
    c.sendRaw('$qC#00'); // bad checksum: dropped without a '-'
    expect(c.raw.slice(before + 1)).toEqual([]);
    expect(c.log.some((l) => l.includes('bad packet checksum') && l.includes('dropped'))).toBe(true);
    // Replies no longer wait for acks.
    c.target.monitorOutput = () => 'a'.repeat(20000);
    const replies = c.request(`qRcmd,${Buffer.from('x').toString('hex')}`);
    expect(replies.length).toBe(4);
    expect(replies.at(-1)).toBe('OK');
  });

  it('answers an oversize packet with E22 and a clear log line', () => {
    const c = new Client(new FakeTarget(), { maxPacketSize: 128 });
    expect(c.ask('M1000,40:' + '00'.repeat(0x40))).toBe('E22');
    expect(c.log.join('\n')).toMatch(/packet longer than the maximum of 128 bytes/);
    expect(c.ask('qC')).toBe('QC1'); // and carries on
  });
});

// ---------------------------------------------------------------------------
// Real gdb over TCP.

const gdbAvailable = spawnSync('gdb', ['--version'], { encoding: 'utf8' }).status === 0;

function runGdb(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    execFile('gdb', args, { timeout: 60_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      resolve({ code, out: stdout + stderr });
    });
  });
}

describe('gdb session: interoperability with gdb', () => {
  const title = 'gdb connects, reads registers and memory, writes memory, breaks, steps and detaches' +
    (gdbAvailable ? '' : ' (SKIPPED: `gdb` is not installed; apt-get install gdb to run it)');
  it.skipIf(!gdbAvailable)(title, async () => {
    const target = new FakeTarget();
    const log: string[] = [];
    let ended: string | null = null;
    const server: Server = createServer((socket) => {
      target.session = serveGdbSocket(socket, target, { log: (m) => log.push(m), onEnd: (why) => { ended = why; } });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const { code, out } = await runGdb([
        '-batch', '-nx',
        '-ex', 'set architecture i386',
        '-ex', `target remote 127.0.0.1:${port}`,
        '-ex', 'info registers',
        '-ex', 'p/x $fctrl',
        '-ex', 'p $st0',
        '-ex', 'x/4xw 0x1000',
        '-ex', 'set {int}0x1000 = 42',
        '-ex', 'x/1dw 0x1000',
        '-ex', 'break *0x2000',
        '-ex', 'continue',
        '-ex', 'stepi',
        '-ex', 'detach',
      ]);
      const context = `gdb output:\n${out}\nsession log:\n${log.join('\n')}`;
      expect(code, context).toBe(0);
      expect(out, context).toMatch(/eax\s+0x11111111\s+286331153/);
      expect(out, context).toMatch(/esp\s+0x8000\s+0x8000/);
      expect(out, context).toMatch(/eip\s+0x1800\s+0x1800/);
      expect(out, context).toMatch(/eflags\s+0x202\s+\[ IF \]/);
      expect(out, context).toMatch(/cs\s+0x8\s+8/);
      expect(out, context).toMatch(/0x1000:\s+0xdeadbeef\s+0x01020304\s+0x00000000\s+0xcafebabe/);
      expect(out, context).toMatch(/0x1000:\s+42\n/);
      expect(out, context).toMatch(/Breakpoint 1 at 0x2000/);
      expect(out, context).toMatch(/Breakpoint 1, 0x00002000 in \?\? \(\)/);
      expect(out, context).toMatch(/0x00002001 in \?\? \(\)/);
      expect(out, context).toMatch(/\$1 = 0x37f\n/); // fctrl: the x87 registers sit where target.xml says
      expect(out, context).toMatch(/\$2 = 0\n/);
      expect(out, context).toMatch(/\[Inferior 1 \(Remote target\) detached\]/);
      // gdb's one expected warning: there is no executable file.
      const unexpected = out.replace(/warning: No executable has been specified[^]*?"file" command\.\n?/, '');
      expect(unexpected, context).not.toMatch(/warning|error|Remote failure|Ignoring packet|Cannot/i);
      expect(target.calls, context).toContain('insert 0 2000 1'); // Z0, not a patched int3
      expect(target.calls, context).toContain('remove 0 2000 1');
      expect(target.calls.filter((x) => x.startsWith('resume')), context).toEqual(['resume continue', 'resume step']);
      expect(new DataView(target.ram.buffer).getInt32(0x1000, true)).toBe(42);
      expect(target.eip).toBe(0x2001);
      expect(target.breakpoints).toEqual([]); // gdb took its breakpoint out before detaching
      expect(target.calls).toContain('detach');
      expect(ended).toBe('detach');
      expect(log, context).toEqual([]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
