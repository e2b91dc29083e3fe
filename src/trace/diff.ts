// The comparison behind `rewind86 trace-diff`: walk two traces in step and
// find the first point where they disagree. Records are matched by key (the
// icount, rebased at --align-at; the ordinal of in-range records with
// --range); a key present in only one trace is skipped, which is how a block
// trace compares with an instruction trace (at the block starts) and how
// traces whose blocks were cut differently still meet. At a common key the
// records must agree on CS:EIP, on the registers both traces carry (or the
// register hash when one trace has only that), and on the interrupts and
// exceptions delivered just before it.
import { EVENT_KIND_NAMES, F_ATTR, F_CR0, FIELD_COUNT, FIELDS } from './format.js';
import { type TraceEvent, type TraceSource } from './source.js';

export interface DiffOptions {
  /** Records of the shared history to report before the divergence. */
  context: number;
  /** Start both traces at the first record whose linear pc is this. */
  alignAt?: number;
  /** Compare only records whose linear pc is in [lo, hi]. */
  range?: { lo: number; hi: number };
  /** Field indexes ignored until their value first changes in either trace. */
  ignoreUntilWritten: number[];
  /** Called now and then with the fraction of trace A read. */
  onProgress?: (fraction: number) => void;
}

export interface RecordView {
  icount: number;
  cs: number;
  csBase: number;
  eip: number;
  /** The record's register values when the trace has them. */
  state?: number[];
  /** 32-bit code (protected mode, CS.D set): how to disassemble it. */
  code32: boolean;
  code?: Uint8Array;
}

export interface RegisterDifference { name: string; a: number; b: number }

export type DivergenceKind =
  | 'pc'            // different CS:EIP at the same point
  | 'registers'     // same CS:EIP, different register values
  | 'hash'          // same CS:EIP, different register hash (a block trace: no values to show)
  | 'event'         // an interrupt or exception in one trace that the other does not have there
  | 'end'           // one trace ends before the other
  | 'align';        // --align-at address never executed

export interface Divergence {
  kind: DivergenceKind;
  /** The key where the traces part (icount relative to the alignment point). */
  key: number;
  a?: RecordView;
  b?: RecordView;
  registers: RegisterDifference[];
  /** Events (interrupts/exceptions) delivered just before the record, per trace. */
  eventsA: TraceEvent[];
  eventsB: TraceEvent[];
  /** Where the other trace takes the interrupt in question, if it does within the look-ahead. */
  eventElsewhere?: { trace: 'a' | 'b'; key: number; event: TraceEvent };
  /** The last key where both traces were compared and agreed (-1: none). */
  agreedAt: number;
  /** Whether the traces are fine-grained enough that the divergence is exactly at `key`. */
  exact: boolean;
  message: string;
}

export interface DiffResult {
  same: boolean;
  compared: number;
  /** Keys where both traces ended (when same). */
  endKey: number;
  divergence?: Divergence;
  /** The shared history before the divergence (trace A's records), oldest first. */
  context: RecordView[];
}

const LOOKAHEAD = 1 << 20;

/** A trace seen through the options: aligned, filtered by range, with its keys. */
class KeyedSource {
  key = 0;
  private base = 0;
  private ordinal = 0;
  /** Events carried by records skipped because of the range filter. */
  private carried: TraceEvent[] = [];
  events: TraceEvent[] = [];
  done = false;

  constructor(readonly src: TraceSource, private readonly opts: DiffOptions, private readonly byOrdinal: boolean,
    /** QEMU logs no interrupts in real mode: against a QEMU log, events there are not compared. */
    private readonly realModeBlind: boolean) {}

  /** Moves to the first record at the alignment address; false when there is none. */
  start(): boolean {
    const align = this.opts.alignAt;
    for (;;) {
      if (!this.src.next()) { this.done = true; return align === undefined; }
      if (align === undefined || ((this.src.csBase + this.src.eip) >>> 0) === align) break;
    }
    this.base = this.src.icount;
    this.ordinal = 0;
    if (!this.inRange()) return this.advance() || true;
    this.setKey();
    return true;
  }

  advance(): boolean {
    for (;;) {
      if (this.done || !this.src.next()) { this.done = true; return false; }
      if (this.inRange()) { this.setKey(); return true; }
      if (this.src.events.length) this.carried.push(...this.src.events);
    }
  }

  get linear(): number { return (this.src.csBase + this.src.eip) >>> 0; }

  /** Where the trace ended, in keys. */
  endKey(): number {
    return this.byOrdinal ? this.ordinal : this.src.endIcount - this.base;
  }

  private inRange(): boolean {
    const r = this.opts.range;
    if (r === undefined) return true;
    const pc = (this.src.csBase + this.src.eip) >>> 0;
    return pc >= r.lo && pc <= r.hi;
  }

  private setKey(): void {
    this.key = this.byOrdinal ? this.ordinal++ : this.src.icount - this.base;
    this.events = this.carried.length ? [...this.carried, ...this.src.events] : this.src.events;
    this.carried = [];
    if (this.realModeBlind && this.events.length && this.src.hasState && !(this.src.state[F_CR0]! & 1)) this.events = [];
  }
}

export function diffTraces(a: TraceSource, b: TraceSource, opts: DiffOptions): DiffResult {
  const byOrdinal = opts.range !== undefined;
  if (byOrdinal && (a.level === 'block' || b.level === 'block')) {
    throw new RangeError('--range compares instruction by instruction: both traces must be instruction-level (--trace-level insn, or a QEMU log)');
  }
  if (opts.ignoreUntilWritten.length && (a.level === 'block' || b.level === 'block')) {
    throw new RangeError('--ignore needs register values: both traces must be instruction-level (--trace-level insn, or a QEMU log)');
  }
  const blind = a.origin !== b.origin;
  const A = new KeyedSource(a, opts, byOrdinal, blind), B = new KeyedSource(b, opts, byOrdinal, blind);
  const history = new History(opts.context);
  const result = (d: Divergence | undefined, compared: number, endKey = 0): DiffResult =>
    ({ same: d === undefined, compared, endKey, divergence: d, context: history.views(a, b) });

  const okA = A.start(), okB = B.start();
  if (!okA || !okB) {
    const which = !okA ? 'A' : 'B';
    return result(divergence('align', 0, undefined, undefined, -1, true,
      `trace ${which} never executes the --align-at address ${hex(opts.alignAt ?? 0)}`), 0);
  }
  // Attributes (segment descriptor flags) are formatted differently by QEMU: compare them only between rewind86 traces.
  const compareAttrs = a.origin === b.origin;
  const ignored = new Set(opts.ignoreUntilWritten);
  const compares = (f: number) => (compareAttrs || f < F_ATTR || f >= F_ATTR + 6) && !ignored.has(f);
  const lastA = new Int32Array(FIELD_COUNT), lastB = new Int32Array(FIELD_COUNT);
  let haveLast = false;
  let agreedAt = -1;
  let compared = 0;
  const exactLevel = a.level === 'insn' && b.level === 'insn';
  let tick = 0;

  for (;;) {
    if ((++tick & 0xffff) === 0) opts.onProgress?.(a.progress());
    if (A.done || B.done) break;
    if (A.key < B.key) {
      if (A.events.length) return result(eventDivergence(A, B, 'a', agreedAt, exactLevel), compared);
      A.advance();
      continue;
    }
    if (B.key < A.key) {
      if (B.events.length) return result(eventDivergence(B, A, 'b', agreedAt, exactLevel), compared);
      B.advance();
      continue;
    }
    // A common key: compare.
    const key = A.key;
    if (!sameEvents(A.events, B.events)) {
      const aExtra = A.events.some((e) => !B.events.some((x) => x.vector === e.vector));
      return result(aExtra ? eventDivergence(A, B, 'a', agreedAt, exactLevel) : eventDivergence(B, A, 'b', agreedAt, exactLevel), compared);
    }
    // The selector is compared with the registers when both traces have them (so --ignore cs works).
    if (a.eip !== b.eip || a.csBase !== b.csBase || (a.cs !== b.cs && !(a.hasState && b.hasState))) {
      return result(divergence('pc', key, view(A), view(B), agreedAt, exactLevel,
        `different instructions at ${at(key)}: A is at ${cseip(a)}, B at ${cseip(b)}`), compared);
    }
    if (a.hasState && b.hasState) {
      const sa = a.state, sb = b.state;
      if (ignored.size) {
        for (const f of [...ignored]) {
          if (haveLast && (sa[f] !== lastA[f] || sb[f] !== lastB[f])) ignored.delete(f);
        }
        lastA.set(sa);
        lastB.set(sb);
        haveLast = true;
      }
      let differs = false;
      for (let f = 0; f < FIELD_COUNT; f++) {
        if (sa[f] !== sb[f] && compares(f)) { differs = true; break; }
      }
      if (differs) {
        const regs: RegisterDifference[] = [];
        for (let f = 0; f < FIELD_COUNT; f++) {
          if (sa[f] !== sb[f] && compares(f)) regs.push({ name: FIELDS[f]!, a: sa[f]! >>> 0, b: sb[f]! >>> 0 });
        }
        return result(divergence('registers', key, view(A), view(B), agreedAt, exactLevel,
          `registers differ at ${at(key)} (${cseip(a)}): ${regs.map((r) => r.name).join(', ')}`, regs), compared);
      }
    } else if (a.hash() !== b.hash()) {
      return result(divergence('hash', key, view(A), view(B), agreedAt, false,
        `registers differ at ${at(key)} (${cseip(a)}): the register hash of EAX..EDI, EIP, EFLAGS does not match`), compared);
    }
    compared++;
    agreedAt = key;
    history.push(a);
    A.advance();
    B.advance();
  }
  // One trace (or both) ended: the rest of the other must lie within the first's run.
  const endA = A.endKey(), endB = B.endKey();
  if (A.done && B.done && endA === endB) return result(undefined, compared, endA);
  const shorter = A.done && (!B.done || endA < endB) ? 'A' : 'B';
  const other = shorter === 'A' ? B : A;
  const shortEnd = shorter === 'A' ? endA : endB;
  const longEnd = shorter === 'A' ? endB : endA;
  if (!other.done && other.key < shortEnd) {
    // The other trace still has records inside the shorter one's run: skip to its end (events there are differences).
    while (!other.done && other.key < shortEnd) {
      if (other.events.length) return result(eventDivergence(other, shorter === 'A' ? A : B, shorter === 'A' ? 'b' : 'a', agreedAt, exactLevel), compared);
      other.advance();
    }
    if (other.done && other.endKey() === shortEnd) return result(undefined, compared, shortEnd);
  }
  const rest = other.done ? `, which ends at ${at(longEnd)}` : ` (its next record: ${at(other.key)}, ${cseip(other.src)})`;
  return result(divergence('end', shortEnd, shorter === 'A' ? undefined : view(other), shorter === 'A' ? view(other) : undefined,
    agreedAt, exactLevel, `trace ${shorter} ends at ${at(shortEnd)}; trace ${shorter === 'A' ? 'B' : 'A'} goes on${rest}`), compared);

  function eventDivergence(has: KeyedSource, lacks: KeyedSource, which: 'a' | 'b', agreed: number, exact: boolean): Divergence {
    const ev = has.events[0]!;
    const key = has.key;
    const other = which === 'a' ? 'B' : 'A';
    const name = which === 'a' ? 'A' : 'B';
    const lacksAtKey = lacks.key === key && !lacks.done;
    const hasEvents = has.events, lacksEvents = lacksAtKey ? lacks.events : [];
    const va = which === 'a' ? view(has) : lacksAtKey ? view(lacks) : undefined;
    const vb = which === 'a' ? (lacksAtKey ? view(lacks) : undefined) : view(has);
    // Where does the other trace take it? Only later is possible (earlier would have been found first).
    // The comparison is over, so reading on is free.
    let elsewhere: Divergence['eventElsewhere'];
    if (!lacksEvents.some((e) => e.vector === ev.vector)) {
      if (lacksAtKey) lacks.advance();
      for (let i = 0; i < LOOKAHEAD && !lacks.done; i++, lacks.advance()) {
        const hit = lacks.events.find((e) => e.vector === ev.vector);
        if (hit) { elsewhere = { trace: which === 'a' ? 'b' : 'a', key: lacks.key, event: hit }; break; }
      }
    }
    const what = `${EVENT_KIND_NAMES[ev.kind] ?? 'interrupt'} ${hex2(ev.vector)}`;
    let message = `${name} takes ${what} at ${at(key)}; ${other} does not`;
    if (lacksEvents.length) message = `${name} takes ${what} at ${at(key)}; ${other} takes ${EVENT_KIND_NAMES[lacksEvents[0]!.kind] ?? 'interrupt'} ${hex2(lacksEvents[0]!.vector)} there`;
    if (elsewhere) {
      const d = elsewhere.key - key;
      message += ` (${other} takes it ${Math.abs(d)} instructions ${d > 0 ? 'later' : 'earlier'}, at ${at(elsewhere.key)}): the interrupt lands at a different point`;
    }
    return {
      ...divergence('event', key, va, vb, agreed, exact, message),
      eventsA: which === 'a' ? hasEvents : lacksEvents,
      eventsB: which === 'a' ? lacksEvents : hasEvents,
      eventElsewhere: elsewhere,
    };
  }

  function view(k: KeyedSource): RecordView {
    const s = k.src;
    return {
      icount: s.icount, cs: s.cs, csBase: s.csBase, eip: s.eip,
      state: s.hasState ? Array.from(s.state, (x) => x >>> 0) : undefined,
      code32: s.hasState ? isCode32(s.state) : true,
      code: s.code((s.csBase + s.eip) >>> 0) ?? (k === A ? b : a).code((s.csBase + s.eip) >>> 0),
    };
  }

  function at(key: number): string {
    return byOrdinal ? `in-range instruction ${key}` : `icount ${key}${opts.alignAt !== undefined ? ' after the alignment point' : ''}`;
  }
}

/** The last N records both traces agreed on, kept as numbers; made into views only for the report. */
class History {
  private readonly icount: Float64Array;
  private readonly cs: Int32Array;
  private readonly csBase: Int32Array;
  private readonly eip: Int32Array;
  private readonly code32: Uint8Array;
  private n = 0;
  /** Whether code was 32-bit at the last record with state (block records have none). */
  private lastCode32 = 1;

  constructor(readonly size: number) {
    this.icount = new Float64Array(size);
    this.cs = new Int32Array(size);
    this.csBase = new Int32Array(size);
    this.eip = new Int32Array(size);
    this.code32 = new Uint8Array(size);
  }

  push(s: TraceSource): void {
    if (this.size === 0) return;
    const i = this.n++ % this.size;
    this.icount[i] = s.icount;
    this.cs[i] = s.cs;
    this.csBase[i] = s.csBase;
    this.eip[i] = s.eip;
    if (s.hasState) this.lastCode32 = isCode32(s.state) ? 1 : 0;
    this.code32[i] = this.lastCode32;
  }

  /** Oldest first, with the code bytes either trace still has for them. */
  views(a: TraceSource, b: TraceSource): RecordView[] {
    const out: RecordView[] = [];
    for (let k = Math.max(0, this.n - this.size); k < this.n; k++) {
      const i = k % this.size;
      const linear = (this.csBase[i]! + this.eip[i]!) >>> 0;
      out.push({ icount: this.icount[i]!, cs: this.cs[i]!, csBase: this.csBase[i]! >>> 0, eip: this.eip[i]! >>> 0, code32: this.code32[i] === 1, code: a.code(linear) ?? b.code(linear) });
    }
    return out;
  }
}

function divergence(kind: DivergenceKind, key: number, a: RecordView | undefined, b: RecordView | undefined,
  agreedAt: number, exact: boolean, message: string, registers: RegisterDifference[] = []): Divergence {
  return { kind, key, a, b, registers, eventsA: [], eventsB: [], agreedAt, exact, message };
}

/** Protected mode with a 32-bit code segment (CS.D) in a state of FIELDS. */
function isCode32(st: ArrayLike<number>): boolean {
  return (st[F_CR0]! & 1) !== 0 && (st[F_ATTR + 1]! & 0x4000) !== 0;
}

function sameEvents(x: TraceEvent[], y: TraceEvent[]): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i]!.vector !== y[i]!.vector) return false;
  return true;
}

function cseip(s: { cs: number; eip: number }): string {
  return `${(s.cs & 0xffff).toString(16).padStart(4, '0')}:${hex(s.eip)}`;
}

function hex(v: number): string { return (v >>> 0).toString(16).padStart(8, '0'); }
function hex2(v: number): string { return `0x${v.toString(16).padStart(2, '0')}`; }
