// One GDB connection: decodes packets, runs each command against a GdbTarget
// and sends the reply (gdb manual, "Packets", "General Query Packets").
// All-stop mode, one thread (thread 1). A packet GDB sends that this stub does
// not implement gets the empty reply, which GDB reads as "not supported"; a
// malformed one gets an `E` reply; nothing a peer sends makes it throw.

import { RspConnection } from './connection.js';
import { bytesToHex, bytesToLatin1, hexToBytes, parseHexNumber } from './hex.js';
import { DEFAULT_MAX_PACKET_SIZE } from './packet.js';
import { formatStopReply } from './stop-reply.js';
import { I386_REGISTER_BYTES, I386_REGISTERS, I386_REGNUM, I386_TARGET_XML, qxferWindow } from './target-xml.js';
import type { BreakpointType, GdbTarget, ResumeAction, StopReason } from './target.js';

/** Reply for a packet whose syntax or arguments are wrong (EINVAL). */
export const E_MALFORMED = 'E22';
/** Reply when the target refused or failed (bad memory, unknown register, ...). */
export const E_TARGET = 'E01';
/** qXfer's reply for a malformed request or unknown annex. */
export const E_XFER = 'E00';

export type SessionEndReason = 'detach' | 'kill' | 'disconnect';
export type SessionState = 'stopped' | 'running' | 'ended';

export interface GdbSessionOptions {
  /** Largest packet accepted and advertised (PacketSize); default 16 KiB. */
  maxPacketSize?: number;
  /** Diagnostics (bad checksums, invalid packets, target exceptions): one line each. */
  log?: (message: string) => void;
  /** The session is over; called after its last reply has been written, so the transport may close. */
  onEnd?: (why: SessionEndReason) => void;
}

const ADDRESS_MAX = 0xffffffff;
const STEP_OR_CONTINUE: Record<string, ResumeAction['kind']> = { c: 'continue', C: 'continue', s: 'step', S: 'step' };

export class GdbSession {
  private readonly conn: RspConnection;
  private readonly maxPacketSize: number;
  private readonly log: (message: string) => void;
  private readonly onEnd: ((why: SessionEndReason) => void) | undefined;
  private runState: SessionState = 'stopped';
  private lastStop: StopReason = { signal: 5 };
  private readonly gdbFeatures = { swbreak: false, hwbreak: false };
  /** Breakpoints and watchpoints GDB has inserted, so a dropped connection can take them out. */
  private readonly inserted = new Map<string, readonly [BreakpointType, number, number]>();

  constructor(
    private readonly target: GdbTarget,
    write: (bytes: Uint8Array) => void,
    options: GdbSessionOptions = {},
  ) {
    this.maxPacketSize = options.maxPacketSize ?? DEFAULT_MAX_PACKET_SIZE;
    this.log = options.log ?? (() => {});
    this.onEnd = options.onEnd;
    this.conn = new RspConnection(write, {
      onPacket: (payload) => this.handlePacket(payload),
      onInterrupt: () => this.handleInterrupt(),
      onInvalidPacket: (reason) => {
        if (this.runState === 'ended') return;
        this.log(`gdb: invalid packet: ${reason}; replied ${E_MALFORMED}`);
        this.conn.sendPacket(E_MALFORMED);
      },
      onLog: (message) => this.log(`gdb: ${message}`),
    }, this.maxPacketSize);
  }

  get state(): SessionState {
    return this.runState;
  }

  get noAckMode(): boolean {
    return this.conn.noAckMode;
  }

  /** Bytes from the socket, split anywhere. Ignored once the session has ended. */
  receive(chunk: Uint8Array): void {
    if (this.runState === 'ended') return;
    this.conn.receive(chunk);
  }

  /** The target stopped (after resume() or interrupt()). Reported to GDB if it is waiting; kept for `?` either way. */
  stopped(reason: StopReason): void {
    if (this.runState === 'ended') return;
    this.lastStop = { ...reason };
    if (this.runState !== 'running') return;
    this.runState = 'stopped';
    this.conn.sendPacket(formatStopReply(this.lastStop, this.gdbFeatures));
  }

  /** The connection dropped without D or k: take out GDB's breakpoints and let the machine run on. */
  close(): void {
    if (this.runState === 'ended') return;
    this.end('disconnect');
  }

  /** Run one decoded packet (also usable directly, without framing). */
  handlePacket(payload: Uint8Array): void {
    if (this.runState === 'ended') return;
    const text = bytesToLatin1(payload);
    let reply: string | null;
    try {
      reply = this.dispatch(text, payload);
    } catch (err) {
      // A target bug must not take the debugger connection down with it.
      this.log(`gdb: target failed on "${summarize(text)}": ${err instanceof Error ? err.message : String(err)}`);
      reply = E_TARGET;
    }
    if (reply === E_MALFORMED) this.log(`gdb: malformed packet "${summarize(text)}"; replied ${E_MALFORMED}`);
    // Re-read: the command may have ended the session (D, k).
    if (reply !== null && this.state !== 'ended') this.conn.sendPacket(reply);
  }

  private handleInterrupt(): void {
    if (this.runState !== 'running') return; // already stopped: GDB has (or will get) a stop reply
    try {
      this.target.interrupt();
    } catch (err) {
      this.log(`gdb: target failed on interrupt: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** The reply to send, or null when there is none now (resumed, or already sent). */
  private dispatch(text: string, payload: Uint8Array): string | null {
    switch (text[0]) {
      case '?': return text === '?' ? formatStopReply(this.lastStop, this.gdbFeatures) : E_MALFORMED;
      case 'g': return text === 'g' ? bytesToHex(this.target.readRegisters()) : E_MALFORMED;
      case 'G': return this.writeAllRegisters(text.slice(1));
      case 'p': return this.readOneRegister(text.slice(1));
      case 'P': return this.writeOneRegister(text.slice(1));
      case 'm': return this.readMemory(text.slice(1));
      case 'M': return this.writeMemoryHex(text.slice(1));
      case 'X': return this.writeMemoryBinary(text, payload);
      case 'c': case 's': case 'C': case 'S': return this.resumeLegacy(text);
      case 'b':
        if (text !== 'bc' && text !== 'bs') return '';
        if (!this.target.canReverse) return '';
        return this.resume({ kind: text === 'bc' ? 'continue' : 'step', reverse: true });
      case 'Z': case 'z': return this.breakpoint(text);
      case 'H': return text.length >= 3 && threadMatches(text.slice(2)) !== null ? 'OK' : E_MALFORMED;
      case 'T': {
        const m = threadMatches(text.slice(1));
        return m === null ? E_MALFORMED : m ? 'OK' : E_TARGET;
      }
      case 'D':
        if (text !== 'D' && !text.startsWith('D;')) return E_MALFORMED;
        this.conn.sendPacket('OK');
        this.end('detach');
        return null;
      case 'k':
        this.end('kill'); // GDB does not wait for a reply to k
        return null;
      case 'q': return this.query(text);
      case 'Q':
        if (text !== 'QStartNoAckMode') return '';
        this.conn.sendPacket('OK');
        this.conn.enterNoAckMode();
        return null;
      case 'v': return this.vPacket(text);
      default: return '';
    }
  }

  // --- registers -------------------------------------------------------

  private writeAllRegisters(hex: string): string {
    const bytes = hexToBytes(hex);
    if (bytes === null || bytes.length !== I386_REGISTER_BYTES) return E_MALFORMED;
    return this.target.writeRegisters(bytes) ? 'OK' : E_TARGET;
  }

  private readOneRegister(arg: string): string {
    const regnum = parseHexNumber(arg);
    if (regnum === null) return E_MALFORMED;
    if (regnum >= I386_REGISTERS.length) return E_TARGET;
    const bytes = this.target.readRegister(regnum);
    return bytes === null ? E_TARGET : bytesToHex(bytes);
  }

  private writeOneRegister(arg: string): string {
    const eq = arg.indexOf('=');
    if (eq < 0) return E_MALFORMED;
    const regnum = parseHexNumber(arg.slice(0, eq));
    const bytes = hexToBytes(arg.slice(eq + 1));
    if (regnum === null || bytes === null) return E_MALFORMED;
    const reg = I386_REGISTERS[regnum];
    if (reg === undefined) return E_TARGET;
    if (bytes.length !== reg.size) return E_MALFORMED;
    return this.target.writeRegister(regnum, bytes) ? 'OK' : E_TARGET;
  }

  // --- memory ----------------------------------------------------------

  private readMemory(arg: string): string {
    const range = parseAddrLength(arg);
    if (range === null) return E_MALFORMED;
    // Each byte is two hex digits; a shorter reply than asked is allowed.
    const length = Math.min(range.length, Math.floor(this.maxPacketSize / 2));
    if (length === 0) return '';
    const bytes = this.target.readMemory(range.addr, length);
    if (bytes === null || bytes.length === 0) return E_TARGET;
    return bytesToHex(bytes.length > length ? bytes.subarray(0, length) : bytes);
  }

  private writeMemoryHex(arg: string): string {
    const colon = arg.indexOf(':');
    if (colon < 0) return E_MALFORMED;
    const range = parseAddrLength(arg.slice(0, colon));
    const bytes = hexToBytes(arg.slice(colon + 1));
    if (range === null || bytes === null || bytes.length !== range.length) return E_MALFORMED;
    if (bytes.length === 0) return 'OK';
    return this.target.writeMemory(range.addr, bytes) ? 'OK' : E_TARGET;
  }

  /** X addr,length:data — data is binary, already unescaped by the decoder. */
  private writeMemoryBinary(text: string, payload: Uint8Array): string {
    const colon = text.indexOf(':');
    if (colon < 0) return E_MALFORMED;
    const range = parseAddrLength(text.slice(1, colon));
    if (range === null) return E_MALFORMED;
    const bytes = payload.subarray(colon + 1);
    if (bytes.length !== range.length) return E_MALFORMED;
    if (bytes.length === 0) return 'OK'; // GDB probes for X support with a zero-length write
    return this.target.writeMemory(range.addr, bytes.slice()) ? 'OK' : E_TARGET;
  }

  // --- execution -------------------------------------------------------

  /** c [addr], s [addr], C sig[;addr], S sig[;addr]. The signal means nothing to a bare machine and is dropped. */
  private resumeLegacy(text: string): string | null {
    const kind = STEP_OR_CONTINUE[text[0]!]!;
    let rest = text.slice(1);
    if (text[0] === 'C' || text[0] === 'S') {
      const semi = rest.indexOf(';');
      const sig = semi < 0 ? rest : rest.slice(0, semi);
      if (parseHexNumber(sig, 0xff) === null) return E_MALFORMED;
      rest = semi < 0 ? '' : rest.slice(semi + 1);
      if (semi >= 0 && rest === '') return E_MALFORMED;
    }
    if (rest !== '') {
      const addr = parseHexNumber(rest, ADDRESS_MAX);
      if (addr === null) return E_MALFORMED;
      const le = new Uint8Array(4);
      new DataView(le.buffer).setUint32(0, addr, true);
      if (!this.target.writeRegister(I386_REGNUM.EIP, le)) return E_TARGET;
    }
    return this.resume({ kind });
  }

  private resume(action: ResumeAction): null {
    this.runState = 'running';
    try {
      this.target.resume(action); // may call stopped() before it returns
    } catch (err) {
      if (this.runState === 'running') this.runState = 'stopped';
      throw err;
    }
    return null;
  }

  /** vCont;action[:thread]...: the first action that applies to thread 1 is the one it takes. */
  private vCont(actions: string): string | null {
    let chosen: ResumeAction['kind'] | null = null;
    for (const action of actions.split(';')) {
      const colon = action.indexOf(':');
      const op = colon < 0 ? action : action.slice(0, colon);
      let kind: ResumeAction['kind'];
      if (op === 'c' || op === 's') kind = STEP_OR_CONTINUE[op]!;
      else if ((op[0] === 'C' || op[0] === 'S') && parseHexNumber(op.slice(1), 0xff) !== null) kind = STEP_OR_CONTINUE[op[0]]!;
      else return E_MALFORMED; // includes t and r, which vCont? does not offer
      const applies = colon < 0 ? true : threadMatches(action.slice(colon + 1));
      if (applies === null) return E_MALFORMED;
      if (applies && chosen === null) chosen = kind;
    }
    if (chosen === null) return E_MALFORMED;
    return this.resume({ kind: chosen });
  }

  private breakpoint(text: string): string {
    const insert = text[0] === 'Z';
    const semi = text.indexOf(';'); // conditions and commands: not offered in qSupported, so ignored
    const fields = text.slice(1, semi < 0 ? undefined : semi).split(',');
    if (fields.length !== 3) return E_MALFORMED;
    const type = parseHexNumber(fields[0]!);
    const addr = parseHexNumber(fields[1]!, ADDRESS_MAX);
    const kind = parseHexNumber(fields[2]!, ADDRESS_MAX);
    if (type === null || addr === null || kind === null) return E_MALFORMED;
    if (type > 4) return ''; // a type this stub does not know: "not supported"
    const bpType = type as BreakpointType;
    const key = `${type}:${addr}:${kind}`;
    if (insert) {
      if (!this.target.insertBreakpoint(bpType, addr, kind)) return E_TARGET;
      this.inserted.set(key, [bpType, addr, kind]);
      return 'OK';
    }
    this.inserted.delete(key);
    return this.target.removeBreakpoint(bpType, addr, kind) ? 'OK' : E_TARGET;
  }

  private end(why: SessionEndReason): void {
    this.runState = 'ended';
    if (why === 'disconnect') {
      for (const [type, addr, kind] of this.inserted.values()) this.safely('removeBreakpoint', () => this.target.removeBreakpoint(type, addr, kind));
    }
    this.inserted.clear();
    if (why === 'kill') this.safely('kill', () => this.target.kill());
    else this.safely('detach', () => this.target.detach());
    this.conn.flush(); // the last replies (D's OK) go out before the transport closes
    this.onEnd?.(why);
  }

  private safely(what: string, fn: () => unknown): void {
    try {
      fn();
    } catch (err) {
      this.log(`gdb: target failed on ${what}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  // --- queries -----------------------------------------------------------

  private query(text: string): string | null {
    if (text === 'qSupported' || text.startsWith('qSupported:')) return this.supported(text);
    if (text.startsWith('qXfer:')) return this.xfer(text);
    if (text.startsWith('qRcmd,')) return this.monitorCommand(text.slice('qRcmd,'.length));
    if (text === 'qAttached' || text.startsWith('qAttached:')) return '1';
    if (text === 'qC') return 'QC1';
    if (text === 'qfThreadInfo') return 'm1';
    if (text === 'qsThreadInfo') return 'l';
    if (text === 'qOffsets') return 'Text=0;Data=0;Bss=0';
    if (text === 'qSymbol::' || text.startsWith('qSymbol:')) return 'OK';
    return '';
  }

  private supported(text: string): string {
    const offered = text.startsWith('qSupported:') ? text.slice('qSupported:'.length).split(';') : [];
    this.gdbFeatures.swbreak = offered.includes('swbreak+');
    this.gdbFeatures.hwbreak = offered.includes('hwbreak+');
    const features = [
      `PacketSize=${this.maxPacketSize.toString(16)}`,
      'qXfer:features:read+',
      'QStartNoAckMode+',
      'swbreak+',
      'hwbreak+',
      'vContSupported+',
    ];
    if (this.target.canReverse) features.push('ReverseStep+', 'ReverseContinue+');
    return features.join(';');
  }

  /** qXfer:features:read:ANNEX:OFFSET,LENGTH — only target.xml exists. */
  private xfer(text: string): string {
    const parts = text.split(':');
    if (parts[1] !== 'features' || parts[2] !== 'read') return ''; // other objects: not supported
    if (parts.length !== 5 || parts[3] !== 'target.xml') return E_XFER;
    const range = parseAddrLength(parts[4]!, Number.MAX_SAFE_INTEGER);
    if (range === null) return E_XFER;
    return qxferWindow(I386_TARGET_XML, range.addr, Math.min(range.length, this.maxPacketSize - 1));
  }

  /** qRcmd,HEX: GDB's `monitor` command. Output goes back as O packets of hex text, then OK. */
  private monitorCommand(hex: string): string {
    const bytes = hexToBytes(hex);
    if (bytes === null) return E_MALFORMED;
    const command = new TextDecoder().decode(bytes);
    const output = new TextEncoder().encode(this.target.monitor(command));
    const chunk = Math.floor((this.maxPacketSize - 1) / 2);
    for (let i = 0; i < output.length; i += chunk) {
      this.conn.sendPacket('O' + bytesToHex(output.subarray(i, i + chunk)));
    }
    return 'OK';
  }

  private vPacket(text: string): string | null {
    if (text === 'vCont?') return 'vCont;c;C;s;S';
    if (text.startsWith('vCont;')) return this.vCont(text.slice('vCont;'.length));
    if (text === 'vKill' || text.startsWith('vKill;')) {
      this.conn.sendPacket('OK');
      this.end('kill');
      return null;
    }
    return ''; // vMustReplyEmpty and everything else
  }
}

/** "addr,length" in hex; addr within `addrMax`, length at most 32 bits. */
function parseAddrLength(text: string, addrMax = ADDRESS_MAX): { addr: number; length: number } | null {
  const comma = text.indexOf(',');
  if (comma < 0) return null;
  const addr = parseHexNumber(text.slice(0, comma), addrMax);
  const length = parseHexNumber(text.slice(comma + 1), 0xffffffff);
  return addr === null || length === null ? null : { addr, length };
}

/**
 * Whether a thread-id (gdb manual, "thread-id syntax": -1 all, 0 any, a hex
 * id, or pPID.TID in multiprocess form) includes thread 1; null if malformed.
 */
export function threadMatches(id: string): boolean | null {
  if (id.startsWith('p')) {
    const dot = id.indexOf('.');
    const pid = idMatches(dot < 0 ? id.slice(1) : id.slice(1, dot));
    if (pid === null) return null;
    if (dot < 0) return pid;
    const tid = idMatches(id.slice(dot + 1));
    return tid === null ? null : pid && tid;
  }
  return idMatches(id);
}

function idMatches(id: string): boolean | null {
  if (id === '-1') return true;
  const n = parseHexNumber(id);
  if (n === null) return null;
  return n === 0 || n === 1;
}

function summarize(text: string): string {
  const head = text.length > 40 ? text.slice(0, 40) + '...' : text;
  return head.replace(/[^\x20-\x7e]/g, '.');
}
