// The PC's Intel 8254 programmable interval timer (ports 0x40-0x43) and
// system control port B (0x61), which carries counter 2's gate and output.
//
// Time: the three counters share one 1.193182 MHz CLK. Its edges sit on a
// fixed grid of virtual time: edge k happens at the first whole virtual
// nanosecond >= k * 1e9 / 1193182 (pitTickNs), so "edges up to now" is
// floor(nowNs * 1193182 / 1e9) (pitTicksAt), computed in exact integer
// steps. Nothing is simulated edge by edge: each counter holds a closed-form
// schedule anchored at an absolute edge number, and its count and OUT at any
// edge are computed from that; writes and gate changes re-anchor it. So the
// state is a pure function of the programming and the virtual time.
//
// Datasheet facts this follows (Intel 8254, "Mode definitions"):
// - a count written in modes 0, 2, 3 and 4 is moved from CR to CE on the next
//   CLK edge, which does not decrement; mode 0 OUT rises N+1 edges after the
//   write of N, mode 4 OUT strobes low on edge N+1 for one CLK;
// - modes 1 and 5 load CE on the edge after a gate rising edge; mode 1 OUT
//   is low for N CLKs, mode 5 strobes low N+1 edges after the trigger;
// - mode 2 OUT is low for one CLK when CE reaches 1, then CE reloads;
//   mode 3 OUT is high for ceil(N/2) and low for floor(N/2) CLKs;
//   a count written while they run takes effect at the next reload (mode 2)
//   or the end of the current half-cycle (mode 3); gate low stops them and
//   forces OUT high at once, a gate rising edge reloads on the next edge;
// - gate low stops counting in modes 0 and 4 without touching OUT;
// - a count of 0 is 65536 (10000 in BCD); counters wrap after reaching 0.
//
// Only counter 0's OUT (IRQ0) needs events: one Timer is armed for its next
// possible transition only, so an idle machine sees no events at all and a
// periodic one sees two per period. Counter 2's OUT is read through port
// 0x61 and counter 1's is unconnected: they are computed when read.
import { type IoBus } from '../runtime/index.js';
import { type Device, type DeviceState, type IrqSink, checkStateVersion } from './device.js';
import { type Timer, type VirtualClock } from './clock.js';
import { UserError } from './errors.js';
import { PIT_HZ, pitTicksAt, pitTickNs, bcdDecode, bcdEncode } from './pit-clock.js';
import { modFloor as mod } from './int-math.js';

export { PIT_HZ, pitTicksAt, pitTickNs };

/** Port B's refresh-request bit toggles every 18 PIT clocks (15.0857 us), as the BIOS's counter-1 setting makes it. */
const REFRESH_TICKS = 18;

/** JSON has no Infinity: "never" is saved as null. */
const saveTick = (t: number): number | null => (t === Infinity ? null : t);
const loadTick = (t: number | null): number => (t === null ? Infinity : t);

/**
 * What a counter is doing:
 * - hold: CE frozen at holdCe, OUT at holdOut (after a control word, gate low in modes 2/3, mode 1/5 before a trigger);
 * - count: modes 0, 1, 4, 5: CE = value at edge `anchor`, decremented on each later edge while `running`; terminal count at edge `tc`;
 * - periodic: modes 2, 3: the period of count `n` starts at edge `anchor` (shifted by `offset` edges); a new count applies at edge `switchTick`.
 * Before `anchor` (a load pending on the next edge) CE reads preCe and OUT is preOut.
 */
type Kind = 'hold' | 'count' | 'periodic';

export interface PitCounterState {
  rw: number; modeBits: number; bcd: boolean;
  cr: number; crValid: boolean; crLow: number; writeMsbNext: boolean; readMsbNext: boolean;
  latched: boolean; latchValue: number; statusLatched: boolean; statusValue: number;
  gate: boolean; nullPending: boolean; transferTick: number | null;
  kind: Kind; holdCe: number; holdOut: boolean;
  anchor: number; preCe: number; preOut: boolean;
  value: number; running: boolean; tc: number | null;
  n: number; offset: number; switchTick: number | null; switchLow: boolean;
}

class PitCounter {
  // Programming (control word) and the count register.
  rw = 3;
  modeBits = 3;
  bcd = false;
  cr = 0;
  /** A whole count has been written since the control word. */
  crValid = false;
  crLow = 0;
  // The write and read byte pointers of LSB-then-MSB access are independent (8254: "read/write operations").
  writeMsbNext = false;
  readMsbNext = false;
  latched = false;
  latchValue = 0;
  statusLatched = false;
  statusValue = 0;
  gate: boolean;
  /** NULL COUNT: CR was written and is moved to CE at edge transferTick (Infinity: on a future trigger or reload). */
  nullPending = false;
  transferTick = Infinity;
  kind: Kind = 'hold';
  holdCe = 0;
  holdOut = true;
  anchor = 0;
  preCe = 0;
  preOut = true;
  value = 0;
  running = true;
  tc = Infinity;
  n = 0;
  offset = 0;
  switchTick = Infinity;
  /** Mode 3: the new count starts with the low half (it took effect at a high-to-low boundary). */
  switchLow = false;

  constructor(gate: boolean) { this.gate = gate; }

  get mode(): number { return this.modeBits > 5 ? this.modeBits - 4 : this.modeBits; }
  private get modulus(): number { return this.bcd ? 10000 : 0x10000; }
  private countOf(raw: number): number { return this.bcd ? bcdDecode(raw) % 10000 : raw & 0xffff; }
  private eff(n: number): number { return n === 0 ? this.modulus : n; }
  private display(v: number): number { return this.bcd ? bcdEncode(v) : v; }
  /** Mode 3: edges with OUT high in a period of p. */
  private static highLen(p: number): number { return (p + 1) >> 1; }

  /** Applies a pending periodic count change whose edge has come (idempotent; T only grows). */
  settle(T: number): void {
    if (this.kind === 'periodic' && this.switchTick <= T) {
      this.anchor = this.switchTick;
      this.n = this.countOf(this.cr);
      this.offset = this.switchLow ? PitCounter.highLen(this.eff(this.n)) : 0;
      this.switchTick = Infinity;
    }
  }

  private phase(T: number): number { return mod(T - this.anchor + this.offset, this.eff(this.n)); }

  ceAt(T: number): number {
    switch (this.kind) {
      case 'hold': return this.holdCe;
      case 'count':
        if (T < this.anchor) return this.preCe;
        return this.running ? mod(this.value - (T - this.anchor), this.modulus) : this.value;
      case 'periodic': {
        if (T < this.anchor) return this.preCe;
        const P = this.eff(this.n), p = this.phase(T);
        if (this.mode === 2) return (P - p) % this.modulus;
        const h = PitCounter.highLen(P);
        const start = P & 1 ? P - 1 : P; // odd counts run from N-1 by twos (8254, mode 3)
        return (p < h ? start - 2 * p : start - 2 * (p - h)) % this.modulus;
      }
    }
  }

  outAt(T: number): boolean {
    switch (this.kind) {
      case 'hold': return this.holdOut;
      case 'count':
        if (T < this.anchor) return this.preOut;
        return this.mode === 0 || this.mode === 1 ? T >= this.tc : T !== this.tc;
      case 'periodic': {
        if (T < this.anchor) return this.preOut;
        const P = this.eff(this.n);
        if (P <= 1) return true; // a count of 1 is illegal in modes 2 and 3: no pulses
        const p = this.phase(T);
        return this.mode === 2 ? p !== P - 1 : p < PitCounter.highLen(P);
      }
    }
  }

  /** The first edge after T at which OUT may change (Infinity: never unless reprogrammed). */
  nextChange(T: number): number {
    if (this.kind === 'hold') return Infinity;
    if (T < this.anchor) return this.outAt(this.anchor) !== this.preOut ? this.anchor : this.nextChange(this.anchor);
    if (this.kind === 'count') {
      if (T < this.tc) return this.tc;
      return (this.mode === 4 || this.mode === 5) && T === this.tc ? T + 1 : Infinity;
    }
    const P = this.eff(this.n);
    if (P <= 1) return this.switchTick; // constant OUT: only a new count can change it
    if (this.mode === 3) return Math.min(this.nextBoundary(T).tick, this.switchTick);
    const p = this.phase(T); // mode 2: low at CE = 1 (p = P-1), high again at the reload
    return Math.min(p < P - 1 ? T + P - 1 - p : T + 1, this.switchTick);
  }

  /** Periodic modes: the next edge after T where OUT toggles or CE reloads, and whether OUT goes low there. */
  private nextBoundary(T: number): { tick: number; low: boolean } {
    const P = this.eff(this.n);
    if (P <= 1) return { tick: T + 1, low: false };
    const p = this.phase(T);
    if (this.mode === 2) return { tick: T + P - p, low: false }; // the reload edge
    const h = PitCounter.highLen(P);
    return p < h ? { tick: T + h - p, low: true } : { tick: T + P - p, low: false };
  }

  statusAt(T: number): number {
    return (this.outAt(T) ? 0x80 : 0) | (this.nullCountAt(T) ? 0x40 : 0) | (this.rw << 4) | (this.modeBits << 1) | (this.bcd ? 1 : 0);
  }

  nullCountAt(T: number): boolean { return this.nullPending && T < this.transferTick; }

  /** A control word for this counter (not a latch command): reprograms it, OUT takes its mode's initial level. */
  control(modeBits: number, rw: number, bcd: boolean, T: number): void {
    const ce = this.ceAt(T);
    this.modeBits = modeBits;
    this.rw = rw;
    this.bcd = bcd;
    this.kind = 'hold';
    this.holdCe = ce % this.modulus;
    this.holdOut = this.mode !== 0;
    this.writeMsbNext = this.readMsbNext = false;
    this.latched = this.statusLatched = false;
    this.crValid = false;
    this.nullPending = true;
    this.transferTick = Infinity;
    this.switchTick = Infinity;
  }

  writeByte(v: number, T: number): void {
    if (this.rw === 1) return this.countWritten(v, T);
    if (this.rw === 2) return this.countWritten(v << 8, T);
    if (!this.writeMsbNext) {
      this.crLow = v;
      this.writeMsbNext = true;
      // Mode 0: the first byte stops counting and drives OUT low at once.
      if (this.mode === 0) this.toHold(this.ceAt(T), false);
      return;
    }
    this.writeMsbNext = false;
    this.countWritten(this.crLow | (v << 8), T);
  }

  private toHold(ce: number, out: boolean): void {
    this.kind = 'hold';
    this.holdCe = ce;
    this.holdOut = out;
    this.switchTick = Infinity;
  }

  private countWritten(raw: number, T: number): void {
    const first = !this.crValid;
    this.cr = raw;
    this.crValid = true;
    this.nullPending = true;
    const n = this.countOf(raw);
    switch (this.mode) {
      case 0:
      case 4: {
        const ce = this.ceAt(T), out = this.outAt(T);
        this.kind = 'count';
        this.anchor = T + 1;
        this.preCe = ce;
        this.preOut = this.mode === 0 ? false : out;
        this.value = n;
        this.running = this.gate;
        this.tc = this.gate ? this.anchor + this.eff(n) : Infinity;
        this.transferTick = T + 1;
        return;
      }
      case 1:
      case 5:
        this.transferTick = Infinity; // CE is loaded by the next trigger
        return;
      default:
        if (this.kind === 'periodic' && T < this.anchor) {
          this.n = n; // the first load is still pending: it takes this count
          this.transferTick = this.anchor;
        } else if (this.kind === 'periodic') {
          if (this.switchTick === Infinity) {
            const b = this.nextBoundary(T);
            this.switchTick = b.tick;
            this.switchLow = this.mode === 3 && b.low;
          }
          this.transferTick = this.switchTick;
        } else if (first && this.gate) {
          this.startPeriodic(n, T);
        } else if (first) {
          this.holdCe = n; // loaded, but counting waits for the gate
          this.transferTick = T + 1;
        } else {
          this.transferTick = Infinity; // loaded when the gate rises
        }
    }
  }

  private startPeriodic(n: number, T: number): void {
    this.preCe = this.ceAt(T);
    this.preOut = true;
    this.kind = 'periodic';
    this.anchor = T + 1;
    this.n = n;
    this.offset = 0;
    this.switchTick = Infinity;
    if (this.nullCountAt(T)) this.transferTick = T + 1;
  }

  setGate(level: boolean, T: number): void {
    if (level === this.gate) return;
    this.gate = level;
    switch (this.mode) {
      case 0:
      case 4:
        if (this.kind !== 'count') return;
        if (level) {
          if (T >= this.anchor) {
            this.value = this.ceAt(T);
            this.anchor = T;
          }
          this.running = true;
          if (this.tc === Infinity) this.tc = this.anchor + this.eff(this.value);
        } else {
          if (T >= this.anchor) {
            this.value = this.ceAt(T);
            this.anchor = T;
          }
          this.running = false;
          if (this.tc > T) this.tc = Infinity; // still to come: recomputed from CE when the gate rises
        }
        return;
      case 1:
      case 5:
        if (!level || !this.crValid) return;
        // Trigger: CE loads on the next edge; a retrigger restarts the one-shot (mode 1: OUT stays low).
        this.preCe = this.ceAt(T);
        this.preOut = this.outAt(T);
        this.kind = 'count';
        this.anchor = T + 1;
        this.value = this.countOf(this.cr);
        this.running = true;
        this.tc = this.anchor + this.eff(this.value);
        if (this.nullPending) this.transferTick = Math.min(this.transferTick, T + 1);
        return;
      default:
        if (!level) {
          if (this.nullCountAt(T)) this.transferTick = Infinity;
          this.toHold(this.ceAt(T), true);
        } else if (this.crValid) {
          this.startPeriodic(this.countOf(this.cr), T);
        }
    }
  }

  latchCount(T: number): void {
    if (this.latched) return; // a second latch before the read is ignored
    this.latched = true;
    this.latchValue = this.display(this.ceAt(T));
  }

  latchStatus(T: number): void {
    if (this.statusLatched) return;
    this.statusLatched = true;
    this.statusValue = this.statusAt(T);
  }

  readByte(T: number): number {
    if (this.statusLatched) {
      this.statusLatched = false;
      return this.statusValue;
    }
    const v = this.latched ? this.latchValue : this.display(this.ceAt(T));
    let msb: boolean;
    let last: boolean;
    if (this.rw === 3) {
      msb = this.readMsbNext;
      this.readMsbNext = !msb;
      last = msb;
    } else {
      msb = this.rw === 2;
      last = true;
    }
    if (last) this.latched = false;
    return msb ? (v >> 8) & 0xff : v & 0xff;
  }

  save(): PitCounterState {
    return {
      rw: this.rw, modeBits: this.modeBits, bcd: this.bcd,
      cr: this.cr, crValid: this.crValid, crLow: this.crLow, writeMsbNext: this.writeMsbNext, readMsbNext: this.readMsbNext,
      latched: this.latched, latchValue: this.latchValue, statusLatched: this.statusLatched, statusValue: this.statusValue,
      gate: this.gate, nullPending: this.nullPending, transferTick: saveTick(this.transferTick),
      kind: this.kind, holdCe: this.holdCe, holdOut: this.holdOut,
      anchor: this.anchor, preCe: this.preCe, preOut: this.preOut,
      value: this.value, running: this.running, tc: saveTick(this.tc),
      n: this.n, offset: this.offset, switchTick: saveTick(this.switchTick), switchLow: this.switchLow,
    };
  }

  /** Restores a state that Pit.load has checked field by field. */
  load(s: PitCounterState): void {
    const fields = this.save();
    for (const key of Object.keys(fields) as (keyof PitCounterState)[]) (fields as unknown as Record<string, unknown>)[key] = s[key];
    Object.assign(this, fields, {
      transferTick: loadTick(s.transferTick),
      tc: loadTick(s.tc),
      switchTick: loadTick(s.switchTick),
    });
  }
}

export interface PitState extends DeviceState {
  version: 1;
  counters: PitCounterState[];
  /** Port 0x61 bit 1. */
  speakerData: boolean;
  /** The IRQ0 level last sent to the IrqSink. */
  irqOut: boolean;
  /** The PIT edge counter 0's timer is armed for, or null. */
  armedTick: number | null;
}

const TICK_FIELDS = new Set(['transferTick', 'tc', 'switchTick']);

/** The 8254 at ports 0x40-0x43 with port B (0x61); counter 0's OUT drives IRQ0. */
export class Pit implements Device<PitState> {
  readonly name = 'pit';
  private readonly counters = [new PitCounter(true), new PitCounter(true), new PitCounter(false)];
  private speakerData = false;
  private irqOut = false;
  private armedTick = Infinity;
  private readonly timer: Timer;

  constructor(private readonly clock: VirtualClock, private readonly irq: IrqSink) {
    this.timer = clock.newTimer('pit', () => this.catchUp(this.tickNow()));
    this.reset();
  }

  attach(io: IoBus): void {
    const dev = {
      read: (port: number, size: number) => this.read(port, size),
      write: (port: number, size: number, v: number) => this.write(port, size, v),
    };
    io.register(0x40, 4, dev);
    io.register(0x61, 1, dev);
  }

  /**
   * Power-on: no counter programmed, so nothing counts and IRQ0 stays quiet
   * until the guest writes a control word and a count (there is no BIOS here
   * to program the 18.2 Hz tick a PC BIOS leaves); counter 2's gate low.
   */
  reset(): void {
    const T = this.tickNow();
    this.counters.forEach((c, i) => Object.assign(c, new PitCounter(i !== 2)));
    this.speakerData = false;
    // OUT idles high, but as the level the IRQ0 line has had since power-on, not
    // an edge: the PIC sees its first request when a programmed counter pulses.
    this.irqOut = this.counters[0].outAt(T);
    this.arm(this.counters[0].nextChange(T));
  }

  /** Sets a counter's GATE input (on a PC, counters 0 and 1 are tied high; port 0x61 bit 0 drives counter 2's). */
  setGate(counter: number, level: boolean): void {
    const T = this.begin();
    const c = this.counters[counter];
    c.settle(T);
    c.setGate(level, T);
    if (counter === 0) this.updateIrq(T);
  }

  read(port: number, size: number): number {
    let v = 0;
    for (let i = 0; i < size; i++) v |= this.readByte(port + i) << (8 * i);
    return v >>> 0;
  }

  write(port: number, size: number, value: number): void {
    for (let i = 0; i < size; i++) this.writeByte(port + i, (value >>> (8 * i)) & 0xff);
  }

  private readByte(port: number): number {
    if (port >= 0x40 && port <= 0x42) {
      const T = this.begin();
      const c = this.counters[port - 0x40];
      c.settle(T);
      return c.readByte(T);
    }
    if (port === 0x61) {
      const T = this.begin();
      const c2 = this.counters[2];
      c2.settle(T);
      return (c2.gate ? 1 : 0) | (this.speakerData ? 2 : 0)
        | (Math.floor(T / REFRESH_TICKS) & 1 ? 0x10 : 0) | (c2.outAt(T) ? 0x20 : 0);
    }
    return 0xff; // 0x43 is write-only
  }

  private writeByte(port: number, v: number): void {
    if (port >= 0x40 && port <= 0x42) {
      const T = this.begin();
      const c = this.counters[port - 0x40];
      c.settle(T);
      c.writeByte(v, T);
      if (port === 0x40) this.updateIrq(T);
    } else if (port === 0x43) {
      this.controlWord(v);
    } else if (port === 0x61) {
      this.speakerData = (v & 2) !== 0;
      this.setGate(2, (v & 1) !== 0);
    }
  }

  private controlWord(v: number): void {
    const T = this.begin();
    const sc = v >> 6;
    if (sc === 3) {
      // Read-back: bit 5 clear latches counts, bit 4 clear latches status, bits 1-3 select counters.
      for (let i = 0; i < 3; i++) {
        if (!(v & (2 << i))) continue;
        const c = this.counters[i];
        c.settle(T);
        if (!(v & 0x20)) c.latchCount(T);
        if (!(v & 0x10)) c.latchStatus(T);
      }
      return;
    }
    const c = this.counters[sc];
    c.settle(T);
    const rw = (v >> 4) & 3;
    if (rw === 0) c.latchCount(T);
    else c.control((v >> 1) & 7, rw, (v & 1) !== 0, T);
    if (sc === 0) this.updateIrq(T);
  }

  private tickNow(): number { return pitTicksAt(this.clock.nowNs()); }

  /** Every access first reports counter 0's transitions that are due, so they are seen in order. */
  private begin(): number {
    const T = this.tickNow();
    this.catchUp(T);
    return T;
  }

  /** Reports counter 0's OUT at each armed edge up to T, in order, and arms the next one. */
  private catchUp(T: number): void {
    while (this.armedTick <= T) {
      const k = this.armedTick;
      const c0 = this.counters[0];
      c0.settle(k);
      this.report(c0.outAt(k));
      this.arm(c0.nextChange(k));
    }
    if (this.armedTick !== Infinity && this.timer.deadline === Infinity) this.timer.set(pitTickNs(this.armedTick));
  }

  /** After counter 0 was programmed at edge T: OUT may have changed at once, and its next transition moved. */
  private updateIrq(T: number): void {
    const c0 = this.counters[0];
    this.report(c0.outAt(T));
    this.arm(c0.nextChange(T));
  }

  private report(out: boolean): void {
    if (out === this.irqOut) return;
    this.irqOut = out;
    this.irq.setIrq(0, out);
  }

  private arm(tick: number): void {
    if (tick === this.armedTick && (tick === Infinity || this.timer.deadline === pitTickNs(tick))) return;
    this.armedTick = tick;
    if (tick === Infinity) this.timer.cancel();
    else this.timer.set(pitTickNs(tick));
  }

  save(): PitState {
    return {
      version: 1,
      counters: this.counters.map((c) => c.save()),
      speakerData: this.speakerData,
      irqOut: this.irqOut,
      armedTick: saveTick(this.armedTick),
    };
  }

  /** Restores a saved state; the IrqSink keeps its own line level (it is saved with the PIC). */
  load(state: PitState): void {
    checkStateVersion(this.name, state, 1);
    const fresh = new PitCounter(true).save() as unknown as Record<string, unknown>;
    if (!Array.isArray(state.counters) || state.counters.length !== 3) {
      throw new UserError(`snapshot: device ${this.name} state: counters must be an array of 3`);
    }
    state.counters.forEach((s, i) => {
      for (const [key, def] of Object.entries(fresh)) {
        const got = (s as unknown as Record<string, unknown>)?.[key];
        const ok = TICK_FIELDS.has(key) ? got === null || Number.isFinite(got) : typeof got === typeof def && (typeof got !== 'number' || Number.isFinite(got));
        if (!ok) throw new UserError(`snapshot: device ${this.name} state: counters[${i}].${key} is ${JSON.stringify(got)}`);
      }
      if (!['hold', 'count', 'periodic'].includes(s.kind)) throw new UserError(`snapshot: device ${this.name} state: counters[${i}].kind is ${JSON.stringify(s.kind)}`);
    });
    if (!(state.armedTick === null || Number.isFinite(state.armedTick))) {
      throw new UserError(`snapshot: device ${this.name} state: armedTick is ${JSON.stringify(state.armedTick)}`);
    }
    state.counters.forEach((s, i) => this.counters[i].load(s));
    this.speakerData = state.speakerData === true;
    this.irqOut = state.irqOut === true;
    this.armedTick = loadTick(state.armedTick);
    if (this.armedTick === Infinity) this.timer.cancel();
    else this.timer.set(pitTickNs(this.armedTick));
  }
}
