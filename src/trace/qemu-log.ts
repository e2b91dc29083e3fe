/**
 * Streaming parser for the text log of
 *   qemu-system-i386 ... -d exec,cpu,nochain -singlestep [-dfilter A..B] -D file.log
 *
 * Format facts (verified against QEMU 7.2.22, Debian 1:7.2+dfsg-7+deb12u18):
 *
 * - Each executed TB (with -singlestep: one instruction; a REP string
 *   instruction logs one TB per iteration, all with the same EIP) produces a
 *   header line followed by the register dump taken BEFORE the TB executes:
 *     Trace 0: 0x7f72d4404f40 [00000000/001000f3/000000b0/ff020201] _start
 *   i.e. "Trace <cpu>: <host ptr> [<cs_base>/<pc>/<tb flags>/<cflags>] <symbol>".
 *   <pc> is the LINEAR address (cs_base + EIP), not EIP (e.g. reset vector:
 *   [ffff0000/fffffff0/...] with EIP=0000fff0). The symbol is empty (line ends
 *   in "] ") when QEMU has none (firmware); it is the ELF symbol for -kernel.
 * - The dump (i386 target, 32-bit layout), always in this order:
 *     EAX=%08x EBX=%08x ECX=%08x EDX=%08x
 *     ESI=%08x EDI=%08x EBP=%08x ESP=%08x
 *     EIP=%08x EFL=%08x [DOSZAPC letters or '-'] CPL=%d II=%d A20=%d SMM=%d HLT=%d
 *     ES =sel base limit flags [ DPL=n type...]   (6 lines: ES CS SS DS FS GS)
 *     LDT=sel base limit flags [...]
 *     TR =sel base limit flags [...]
 *     GDT=     base limit
 *     IDT=     base limit
 *     CR0=%08x CR2=%08x CR3=%08x CR4=%08x
 *     DR0=.. DR1=.. DR2=.. DR3=..           (trailing space)
 *     DR6=.. DR7=..
 *     CCS=%08x CCD=%08x CCO=NAME            (lazy flags state, always on i386)
 *     EFER=%016x
 *   The " DPL=.. TYPE [...]" suffix of segment lines is only printed in
 *   protected mode for present descriptors (absent in real mode).
 *   With -d fpu, FPU/SSE lines (FCW=, FPR0=, XMM00=, ...) follow EFER; they
 *   are accepted and ignored.
 * - "Stopped execution of TB chain before <host ptr> [<pc>] <symbol>" follows
 *   a record whose TB was entered but exited before executing anything
 *   (icount budget / exit request); the same TB is then logged again. Such a
 *   record is yielded with `stopped: true` (it did not execute).
 * - With -dfilter A..B, Trace lines, dumps and Stopped lines are all filtered
 *   on the TB pc; nothing is printed for the firmware part (BIOS/option ROM)
 *   before the kernel. Without -dfilter the log starts at the reset vector
 *   with real-mode dumps and grows by ~900 bytes per instruction (GBs).
 *
 * Parsing rules: lines outside a record (before the first Trace, or after a
 * record's EFER line) that are not Trace/Stopped lines are skipped (e.g. -d int
 * output). Inside a record every line must be the expected dump line; any
 * deviation, a dump without a Trace header (unless `skipOrphanDumps`), a Trace
 * line not followed by a dump, inconsistent values (Trace pc vs CS base + EIP,
 * flag letters vs EFL) or a log ending mid-dump raises QemuLogError.
 */

export class QemuLogError extends Error {
  constructor(
    readonly line: number,
    readonly detail: string,
  ) {
    super(`qemu log line ${line}: ${detail}`);
    this.name = 'QemuLogError';
  }
}

export interface QemuSegment {
  selector: number;
  base: number;
  limit: number;
  /** Descriptor flags word as printed (hidden part of the cache). */
  flags: number;
}

export interface QemuRegs {
  eax: number;
  ebx: number;
  ecx: number;
  edx: number;
  esi: number;
  edi: number;
  ebp: number;
  esp: number;
}

export type SegName = 'es' | 'cs' | 'ss' | 'ds' | 'fs' | 'gs';

export interface QemuStep {
  /** 1-based line number of the Trace line. */
  line: number;
  cpu: number;
  /** CS base from the Trace line. */
  csBase: number;
  /** Linear pc from the Trace line (= csBase + eip). */
  pc: number;
  /** EIP of the Trace line: (pc - csBase) mod 2^32; equals the dump's EIP. */
  eip: number;
  tbFlags: number;
  cflags: number;
  symbol: string;
  regs: QemuRegs;
  eflags: number;
  cpl: number;
  /** II= (interrupt inhibit / shadow). */
  inhibitIrq: number;
  a20: number;
  smm: number;
  halted: number;
  seg: Record<SegName, QemuSegment>;
  ldt: QemuSegment;
  tr: QemuSegment;
  gdt: { base: number; limit: number };
  idt: { base: number; limit: number };
  cr0: number;
  cr2: number;
  cr3: number;
  cr4: number;
  efer: bigint;
  /** True when a "Stopped execution of TB chain" line followed: the TB did not execute. */
  stopped: boolean;
}

export interface QemuLogOptions {
  /** Skip register dumps not preceded by a Trace line (e.g. from -d int) instead of failing. */
  skipOrphanDumps?: boolean;
}

const H8 = '([0-9a-f]{8})';
const TRACE_RE = /^Trace (\d+): (0x[0-9a-f]+|\(nil\)) \[([0-9a-f]{8})\/([0-9a-f]{8})\/([0-9a-f]{8})\/([0-9a-f]{8})\] ?(.*)$/;
const STOPPED_RE = /^Stopped execution of TB chain before (0x[0-9a-f]+|\(nil\)) \[([0-9a-f]{8})\] ?(.*)$/;
const L1 = new RegExp(`^EAX=${H8} EBX=${H8} ECX=${H8} EDX=${H8}\\s*$`);
const L2 = new RegExp(`^ESI=${H8} EDI=${H8} EBP=${H8} ESP=${H8}\\s*$`);
const L3 = new RegExp(
  `^EIP=${H8} EFL=${H8} \\[([-D])([-O])([-S])([-Z])([-A])([-P])([-C])\\] CPL=(\\d) II=(\\d) A20=(\\d) SMM=(\\d) HLT=(\\d)\\s*$`,
);
const SEG_RE = /^(ES |CS |SS |DS |FS |GS |LDT|TR )=([0-9a-f]{4}) ([0-9a-f]{8}) ([0-9a-f]{8}) ([0-9a-f]{8})(?: DPL=\d .*)?\s*$/;
const TABLE_RE = /^(GDT|IDT)= {5}([0-9a-f]{8}) ([0-9a-f]{8})\s*$/;
const CR_RE = new RegExp(`^CR0=${H8} CR2=${H8} CR3=${H8} CR4=${H8}\\s*$`);
const DR03_RE = new RegExp(`^DR0=${H8} DR1=${H8} DR2=${H8} DR3=${H8}\\s*$`);
const DR67_RE = new RegExp(`^DR6=${H8} DR7=${H8}\\s*$`);
const CC_RE = new RegExp(`^CCS=${H8} CCD=${H8} CCO=[A-Z0-9_]+\\s*$`);
const EFER_RE = /^EFER=([0-9a-f]{16})\s*$/;

const SEG_ORDER = ['ES ', 'CS ', 'SS ', 'DS ', 'FS ', 'GS ', 'LDT', 'TR '] as const;
const FLAG_BITS = [10, 11, 7, 6, 4, 2, 0]; // D O S Z A P C
const FLAG_CHARS = 'DOSZAPC';

/** Dump stage: index of the next expected line within the dump. */
const ST_L1 = 0;
const ST_L2 = 1;
const ST_L3 = 2;
const ST_SEG0 = 3; // 3..10: ES CS SS DS FS GS LDT TR
const ST_GDT = 11;
const ST_IDT = 12;
const ST_CR = 13;
const ST_DR03 = 14;
const ST_DR67 = 15;
const ST_CC = 16; // optional
const ST_EFER = 17;
const EXPECT = [
  'EAX= line', 'ESI= line', 'EIP= line', 'ES = line', 'CS = line', 'SS = line', 'DS = line',
  'FS = line', 'GS = line', 'LDT= line', 'TR = line', 'GDT= line', 'IDT= line', 'CR0= line',
  'DR0= line', 'DR6= line', 'CCS= or EFER= line', 'EFER= line',
];

const hex = (s: string): number => parseInt(s, 16);

function show(line: string): string {
  const t = line.length > 60 ? line.slice(0, 60) + '...' : line;
  return JSON.stringify(t);
}

type Partial0 = Omit<QemuStep, 'regs' | 'seg' | 'ldt' | 'tr' | 'gdt' | 'idt'> & {
  regs: Partial<QemuRegs>;
  seg: Partial<Record<SegName, QemuSegment>>;
  ldt?: QemuSegment;
  tr?: QemuSegment;
  gdt?: { base: number; limit: number };
  idt?: { base: number; limit: number };
};

/**
 * Incremental parser. Feed it lines (pushLine) or arbitrary text chunks
 * (feed); completed records are returned. Memory use is bounded by one record
 * plus one partial line.
 */
export class QemuLogParser {
  private lineNo = 0;
  private cur: Partial0 | null = null;
  /** Dump stage of `cur`, or -1 when `cur` is complete (EFER seen). */
  private stage = -1;
  private rest = '';
  private ended = false;

  constructor(private readonly opts: QemuLogOptions = {}) {}

  /** Number of lines consumed so far. */
  get linesRead(): number {
    return this.lineNo;
  }

  /** Feed a chunk of text (any split); returns records completed by it. */
  feed(chunk: string): QemuStep[] {
    const out: QemuStep[] = [];
    const text = this.rest + chunk;
    let nl: number;
    let start = 0;
    while ((nl = text.indexOf('\n', start)) >= 0) {
      const s = this.pushLine(text.slice(start, nl));
      if (s) out.push(s);
      start = nl + 1;
    }
    this.rest = text.slice(start);
    if (this.rest.length > 1 << 20) {
      throw new QemuLogError(this.lineNo + 1, 'line longer than 1 MiB');
    }
    return out;
  }

  /** Consume one line (without its newline). Returns a record completed by it, if any. */
  pushLine(raw: string): QemuStep | undefined {
    if (this.ended) throw new Error('QemuLogParser: pushLine after end()');
    const n = ++this.lineNo;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;

    if (this.cur && this.stage >= 0) {
      this.dumpLine(n, line);
      return undefined;
    }
    // Outside a dump: either after a complete record, or before any.
    if (line.startsWith('Trace ')) {
      const m = TRACE_RE.exec(line);
      if (!m) throw new QemuLogError(n, `malformed Trace line ${show(line)}`);
      const done = this.takeComplete();
      const csBase = hex(m[3]!);
      const pc = hex(m[4]!);
      this.cur = {
        line: n,
        cpu: Number(m[1]),
        csBase,
        pc,
        eip: (pc - csBase) >>> 0,
        tbFlags: hex(m[5]!),
        cflags: hex(m[6]!),
        symbol: m[7]!.trimEnd(),
        regs: {},
        eflags: 0,
        cpl: 0,
        inhibitIrq: 0,
        a20: 0,
        smm: 0,
        halted: 0,
        seg: {},
        cr0: 0,
        cr2: 0,
        cr3: 0,
        cr4: 0,
        efer: 0n,
        stopped: false,
      };
      this.stage = ST_L1;
      return done;
    }
    if (line.startsWith('Stopped execution')) {
      const m = STOPPED_RE.exec(line);
      if (!m) throw new QemuLogError(n, `malformed Stopped line ${show(line)}`);
      if (!this.cur) throw new QemuLogError(n, 'Stopped line without a preceding Trace record');
      if (hex(m[2]!) !== this.cur.pc) {
        throw new QemuLogError(n, `Stopped line pc ${m[2]} does not match Trace pc at line ${this.cur.line}`);
      }
      this.cur.stopped = true;
      return this.takeComplete();
    }
    if (line.startsWith('EAX=') || line.startsWith('RAX=')) {
      if (!this.opts.skipOrphanDumps) {
        throw new QemuLogError(n, 'register dump without a preceding Trace line');
      }
      return this.takeComplete();
    }
    // Anything else (FPU lines after EFER, -d int output, orphan dump lines...) is skipped.
    return undefined;
  }

  /** Signal end of input; returns the last record. Throws if the log ends mid-record. */
  end(): QemuStep[] {
    const out: QemuStep[] = [];
    if (this.rest.length > 0) {
      const s = this.pushLine(this.rest);
      this.rest = '';
      if (s) out.push(s);
    }
    if (this.cur && this.stage >= 0) {
      throw new QemuLogError(
        this.lineNo,
        `log truncated: record of line ${this.cur.line} ends before its ${EXPECT[this.stage]}`,
      );
    }
    const last = this.takeComplete();
    if (last) out.push(last);
    this.ended = true;
    return out;
  }

  private takeComplete(): QemuStep | undefined {
    const c = this.cur;
    this.cur = null;
    this.stage = -1;
    return c ? (c as QemuStep) : undefined;
  }

  private dumpLine(n: number, line: string): void {
    const c = this.cur!;
    const st = this.stage;
    const bad = (): never => {
      throw new QemuLogError(
        n,
        `expected ${EXPECT[st]} of the register dump for Trace line ${c.line}, got ${show(line)}`,
      );
    };
    let m: RegExpExecArray | null;
    if (st === ST_L1) {
      if (!(m = L1.exec(line))) bad();
      const r = m!;
      c.regs.eax = hex(r[1]!);
      c.regs.ebx = hex(r[2]!);
      c.regs.ecx = hex(r[3]!);
      c.regs.edx = hex(r[4]!);
    } else if (st === ST_L2) {
      if (!(m = L2.exec(line))) bad();
      const r = m!;
      c.regs.esi = hex(r[1]!);
      c.regs.edi = hex(r[2]!);
      c.regs.ebp = hex(r[3]!);
      c.regs.esp = hex(r[4]!);
    } else if (st === ST_L3) {
      if (!(m = L3.exec(line))) bad();
      const r = m!;
      const eip = hex(r[1]!);
      if (eip !== c.eip) {
        throw new QemuLogError(n, `EIP=${r[1]} disagrees with Trace line ${c.line} (pc - cs_base = ${c.eip.toString(16)})`);
      }
      const efl = hex(r[2]!);
      for (let i = 0; i < 7; i++) {
        const set = ((efl >>> FLAG_BITS[i]!) & 1) === 1;
        if ((r[3 + i] !== '-') !== set || (set && r[3 + i] !== FLAG_CHARS[i])) {
          throw new QemuLogError(n, `flag letters disagree with EFL=${r[2]}`);
        }
      }
      c.eflags = efl;
      c.cpl = Number(r[10]);
      c.inhibitIrq = Number(r[11]);
      c.a20 = Number(r[12]);
      c.smm = Number(r[13]);
      c.halted = Number(r[14]);
    } else if (st >= ST_SEG0 && st < ST_GDT) {
      if (!(m = SEG_RE.exec(line)) || m[1] !== SEG_ORDER[st - ST_SEG0]) bad();
      const r = m!;
      const s: QemuSegment = { selector: hex(r[2]!), base: hex(r[3]!), limit: hex(r[4]!), flags: hex(r[5]!) };
      const name = r[1]!.trim().toLowerCase();
      if (name === 'ldt') c.ldt = s;
      else if (name === 'tr') c.tr = s;
      else {
        if (name === 'cs' && s.base !== c.csBase) {
          throw new QemuLogError(n, `CS base ${r[3]} disagrees with Trace line ${c.line}`);
        }
        c.seg[name as SegName] = s;
      }
    } else if (st === ST_GDT || st === ST_IDT) {
      if (!(m = TABLE_RE.exec(line)) || m[1] !== (st === ST_GDT ? 'GDT' : 'IDT')) bad();
      const t = { base: hex(m![2]!), limit: hex(m![3]!) };
      if (st === ST_GDT) c.gdt = t;
      else c.idt = t;
    } else if (st === ST_CR) {
      if (!(m = CR_RE.exec(line))) bad();
      c.cr0 = hex(m![1]!);
      c.cr2 = hex(m![2]!);
      c.cr3 = hex(m![3]!);
      c.cr4 = hex(m![4]!);
    } else if (st === ST_DR03) {
      if (!DR03_RE.test(line)) bad();
    } else if (st === ST_DR67) {
      if (!DR67_RE.test(line)) bad();
    } else if (st === ST_CC) {
      if (!CC_RE.test(line)) {
        // CCS line is optional: allow EFER directly.
        this.stage = ST_EFER;
        this.dumpLine(n, line);
        return;
      }
    } else if (st === ST_EFER) {
      if (!(m = EFER_RE.exec(line))) bad();
      c.efer = BigInt('0x' + m![1]!);
      this.stage = -1; // record complete
      return;
    }
    this.stage = st + 1;
  }
}

/** Parse an iterable of lines (without newlines). Streaming: yields as it goes. */
export function* parseQemuLog(lines: Iterable<string>, opts?: QemuLogOptions): Generator<QemuStep> {
  const p = new QemuLogParser(opts);
  for (const l of lines) {
    const s = p.pushLine(l);
    if (s) yield s;
  }
  yield* p.end();
}

/** Parse an async stream of text chunks (e.g. fs.createReadStream(path, 'utf8')). */
export async function* parseQemuLogStream(
  chunks: AsyncIterable<string | Uint8Array>,
  opts?: QemuLogOptions,
): AsyncGenerator<QemuStep> {
  const p = new QemuLogParser(opts);
  const dec = new TextDecoder();
  for await (const ch of chunks) {
    yield* p.feed(typeof ch === 'string' ? ch : dec.decode(ch, { stream: true }));
  }
  const tail = dec.decode();
  if (tail) yield* p.feed(tail);
  yield* p.end();
}
