// QEMU's exec log as a trace: the text of
//   qemu-system-i386 -d exec,cpu[,int],nochain -singlestep [-dfilter A..B] -D FILE
// read through QemuLogParser into the records trace-diff compares.
//
// QEMU logs a record for every TB it enters: with -singlestep that is every
// instruction, but also every iteration of a REP string instruction (each
// iteration is a TB of its own), and a TB that was entered and left before
// executing (a "Stopped execution" line). rewind86 counts a REP instruction
// once, so consecutive records at the same pc whose ECX went down by one and
// whose ESI or EDI moved (every string instruction moves one; `loop $` does
// not) are folded into the first, and stopped records are dropped. With -d int, QEMU
// prints "v=XX" for every interrupt and exception in protected mode; those
// become events. It prints "check_exception" for every exception, in real
// mode too: a fault means the instruction before it did not retire, as in
// rewind86's icount. (In real mode QEMU logs no interrupts at all, so
// trace-diff compares events with a QEMU log only in protected mode.)
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { EventKind, regsHash } from './format.js';
import { QemuLogError, QemuLogParser, type QemuStep } from './qemu-log.js';
import { TraceInputError, newState, type TraceEvent, type TraceSource } from './source.js';

const READ_BYTES = 1 << 20;
const INT_RE = /^\s*\d+: v=([0-9a-f]{2}) e=([0-9a-f]{4}) i=(\d) cpl=\d IP=/;
/** Printed by -d int for every exception QEMU raises, in real mode too (where the v= lines are missing). */
const EXC_RE = /^check_exception old: 0x[0-9a-f]+ new 0x([0-9a-f]+)/;
const SEGS = ['es', 'cs', 'ss', 'ds', 'fs', 'gs'] as const;

/** Marks, among the events after a record, that the record's instruction faulted (real mode has no v= line). */
const FAULT_MARK: TraceEvent = { vector: -1, kind: EventKind.Exception, errorCode: -1 };

export class QemuLogSource implements TraceSource {
  readonly origin = 'qemu' as const;
  readonly level = 'insn' as const;
  icount = 0;
  cs = 0;
  csBase = 0;
  eip = 0;
  hasState = true;
  readonly state = newState();
  events: TraceEvent[] = [];
  endIcount = 0;
  private readonly fd: number;
  private readonly size: number;
  private offset = 0;
  private readonly decoder = new StringDecoder('utf8');
  private readonly parser = new QemuLogParser({ skipOrphanDumps: true });
  private rest = '';
  private eof = false;
  /** Completed steps, each with the events logged after it. */
  private readonly queue: Array<{ step: QemuStep; after: TraceEvent[] }> = [];
  private pendingEvents: TraceEvent[] = [];
  /** A check_exception line for a fault since the last record. */
  private faulted = false;
  private prev: QemuStep | null = null;
  /** Events after the previous emitted record: they belong to the next one. */
  private carried: TraceEvent[] = [];
  private nextIcount = 0;
  private started = false;

  constructor(readonly label: string) {
    try {
      this.fd = openSync(label, 'r');
      this.size = fstatSync(this.fd).size;
    } catch (e) {
      throw new TraceInputError(`cannot read trace ${label}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }

  next(): boolean {
    for (;;) {
      const item = this.take();
      if (item === null) {
        this.endIcount = this.nextIcount;
        if (!this.started) throw new TraceInputError(`trace ${this.label}: no "Trace" records (expected QEMU's -d exec,cpu,nochain -singlestep log)`);
        return false;
      }
      const { step, after } = item;
      if (step.stopped) { this.carried.push(...after); continue; }
      const p = this.prev;
      if (p !== null && step.pc === p.pc && this.carried.length === 0 && step.regs.ecx === ((p.regs.ecx - 1) >>> 0) &&
          (step.regs.esi !== p.regs.esi || step.regs.edi !== p.regs.edi)) {
        // Another iteration of a REP string instruction: rewind86 counts the instruction once.
        this.prev = step;
        this.carried.push(...after);
        continue;
      }
      this.started = true;
      this.prev = step;
      this.icount = this.nextIcount;
      this.events = this.carried.filter((e) => e !== FAULT_MARK);
      this.carried = after;
      // An exception raised by this instruction means it did not retire.
      this.nextIcount = this.icount + (after.some((e) => e === FAULT_MARK || (e.kind === EventKind.Exception && e.vector !== 1)) ? 0 : 1);
      this.fill(step);
      return true;
    }
  }

  hash(): number { return regsHash(this.state); }

  code(): Uint8Array | undefined { return undefined; }

  progress(): number { return this.size > 0 ? this.offset / this.size : 1; }

  close(): void { closeSync(this.fd); }

  private fill(st: QemuStep): void {
    const s = this.state, r = st.regs;
    s[0] = r.eax; s[1] = r.ecx; s[2] = r.edx; s[3] = r.ebx; s[4] = r.esp; s[5] = r.ebp; s[6] = r.esi; s[7] = r.edi;
    s[8] = st.eip; s[9] = st.eflags;
    SEGS.forEach((name, i) => {
      const g = st.seg[name];
      s[10 + i] = g.selector; s[16 + i] = g.base; s[22 + i] = g.limit; s[28 + i] = (g.flags >>> 8) & 0xffff;
    });
    s[34] = st.cr0; s[35] = st.cr2; s[36] = st.cr3; s[37] = st.cr4;
    s[38] = st.gdt.base; s[39] = st.gdt.limit; s[40] = st.idt.base; s[41] = st.idt.limit;
    s[42] = st.ldt.selector; s[43] = st.tr.selector;
    this.cs = st.seg.cs.selector;
    this.csBase = st.csBase >>> 0;
    this.eip = st.eip >>> 0;
  }

  /** The next completed step with the events after it, or null at the end of the log. */
  private take(): { step: QemuStep; after: TraceEvent[] } | null {
    while (this.queue.length === 0) {
      if (this.eof) return null;
      this.readMore();
    }
    return this.queue.shift()!;
  }

  private readMore(): void {
    const buf = Buffer.alloc(READ_BYTES);
    const n = readSync(this.fd, buf, 0, READ_BYTES, this.offset);
    this.offset += n;
    try {
      if (n === 0) {
        this.eof = true;
        const tail = this.rest + this.decoder.end();
        this.rest = '';
        if (tail) this.line(tail);
        for (const s of this.parser.end()) this.queue.push({ step: s, after: this.takeEvents() });
        return;
      }
      const text = this.rest + this.decoder.write(buf.subarray(0, n));
      let start = 0, nl: number;
      while ((nl = text.indexOf('\n', start)) >= 0) {
        this.line(text.slice(start, nl));
        start = nl + 1;
      }
      this.rest = text.slice(start);
      if (this.rest.length > 1 << 20) throw new QemuLogError(this.parser.linesRead + 1, 'line longer than 1 MiB');
    } catch (e) {
      if (e instanceof QemuLogError) throw new TraceInputError(`trace ${this.label}: ${e.message}`);
      throw e;
    }
  }

  private line(text: string): void {
    const x = EXC_RE.exec(text);
    // A fault (not the #DB trap) means the instruction it came from did not retire; the v= line, if any, is the event.
    if (x && parseInt(x[1]!, 16) !== 1) this.faulted = true;
    const m = INT_RE.exec(text);
    if (m) {
      const vector = parseInt(m[1]!, 16), software = m[3] === '1';
      const kind = software ? EventKind.Software : vector < 32 ? EventKind.Exception : EventKind.Hardware;
      this.pendingEvents.push({ vector, kind, errorCode: kind === EventKind.Exception ? parseInt(m[2]!, 16) : -1 });
    }
    const done = this.parser.pushLine(text);
    // A step completes when the next Trace line arrives: every event logged in between came after it.
    if (done) this.queue.push({ step: done, after: this.takeEvents() });
  }

  private takeEvents(): TraceEvent[] {
    const e = this.pendingEvents;
    this.pendingEvents = [];
    if (this.faulted) e.push(FAULT_MARK);
    this.faulted = false;
    return e;
  }
}
