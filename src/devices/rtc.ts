// The Motorola MC146818 real-time clock and its CMOS RAM, wired as in a PC:
// index port 0x70 (bit 7 masks NMI), data port 0x71, interrupt on IRQ 8.
//
// Time (DESIGN.md, time and determinism): the clock starts from the
// wall-clock time the replay layer recorded once (opts.startTimeMs) and then
// follows VIRTUAL time only. Nothing here ticks. The calendar is a count of
// seconds (since 1970-01-01 00:00:00 of the RTC's own calendar) that goes up
// by one at each update instant baseNs + k * 1 s; the periodic interrupt
// follows the 32.768 kHz divider chain, whose phase is baseNs as well (every
// periodic rate divides one second). The flags PF, AF and UF are worked out
// from virtual time when the guest looks; the one Timer is armed only for the
// next event that would raise IRQ 8 (an enabled source whose flag is clear),
// so a machine with RTC interrupts disabled arms no timer at all.
//
// Simplifications, all invisible to a correct guest: an update is one
// instant (the datasheet's 1984 us update cycle is folded into the 244 us
// UIP warning before it); invalid time values written by the guest are
// normalised like a calendar (31 Nov is 1 Dec); DSE is stored but daylight
// saving is not applied (PC firmware leaves it off).
import { type IoBus } from '../runtime/index.js';
import { type VirtualClock, type Timer } from './clock.js';
import { checkStateVersion, type Device, type DeviceState, type IrqSink } from './device.js';
import { UserError } from './errors.js';
import { divFloor, modFloor } from './int-math.js';

export const RTC_INDEX_PORT = 0x70;
export const RTC_DATA_PORT = 0x71;
export const RTC_IRQ = 8;

// Register numbers (MC146818A datasheet, address map).
const SECONDS = 0x00;
const SECONDS_ALARM = 0x01;
const MINUTES = 0x02;
const MINUTES_ALARM = 0x03;
const HOURS = 0x04;
const HOURS_ALARM = 0x05;
const DAY_OF_WEEK = 0x06;
const DAY_OF_MONTH = 0x07;
const MONTH = 0x08;
const YEAR = 0x09;
const REG_A = 0x0a;
const REG_B = 0x0b;
const REG_C = 0x0c;
const REG_D = 0x0d;
/** Not part of the MC146818: the PC's century byte (IBM PS/2, ACPI FADT.century), kept with the clock. */
const CENTURY = 0x32;
const TIME_REGISTERS: ReadonlySet<number> = new Set([SECONDS, MINUTES, HOURS, DAY_OF_WEEK, DAY_OF_MONTH, MONTH, YEAR, CENTURY]);

const A_UIP = 0x80;
const A_DV_NORMAL = 0x20; // DV2..0 = 010: 32.768 kHz time base, divider running
const A_DV_MASK = 0x70;
const A_RS_MASK = 0x0f;
const B_SET = 0x80;
const B_PIE = 0x40;
const B_AIE = 0x20;
const B_UIE = 0x10;
const B_SQWE = 0x08;
const B_DM_BINARY = 0x04;
const B_24H = 0x02;
const C_IRQF = 0x80;
const C_PF = 0x40;
const C_AF = 0x20;
const C_UF = 0x10;
/** The flags of register C line up with their enable bits of register B. */
const C_SOURCES = C_PF | C_AF | C_UF;
const D_VRT = 0x80;

const NS_PER_S = 1e9;
const DIVIDER_HZ = 32768;
/** UIP rises 244.140625 us (8 divider cycles) before an update. */
const UIP_NS = (8 * NS_PER_S) / DIVIDER_HZ;
/** After the divider chain leaves reset, the first update comes half a second later. */
const DIVIDER_RESTART_NS = NS_PER_S / 2;
const SECONDS_PER_DAY = 86400;

const KIB = 1024;
const MIB = 1024 * KIB;

/** An alarm field that matches every value (0xC0-0xFF), or one that can never match. */
const ALARM_ANY = -1;
const ALARM_NEVER = -2;

export interface RtcOptions {
  /** Wall-clock time at which the clock starts, in Unix milliseconds (recorded by the replay layer). */
  startTimeMs: number;
  /** Guest RAM size, for the CMOS memory-size bytes. */
  memoryBytes: number;
  /** Sets the math-coprocessor bit of the equipment byte (0x14). */
  fpu?: boolean;
}

export interface RtcState extends DeviceState {
  version: 1;
  /** All 128 bytes; the time registers are authoritative only while the clock is held (SET or divider stopped). */
  cmos: number[];
  index: number;
  nmiDisabled: boolean;
  /** The seconds count the clock reads from update instant baseNs on. */
  baseSec: number;
  /** Virtual ns of an update instant: the phase of the divider chain. */
  baseNs: number;
  /** Day of week as the guest set it, relative to the calendar's (0-6). */
  dowOffset: number;
  /** PF, AF, UF latched up to flagsFromNs; later events are derived from virtual time. */
  flags: number;
  flagsFromNs: number;
  irqLevel: boolean;
  /** Deadline of the interrupt timer, or null when it is not armed. */
  timerNs: number | null;
}

// Proleptic Gregorian calendar on day numbers (day 0 = 1970-01-01, a Thursday).
function leapYearsThrough(y: number): number { return divFloor(y, 4) - divFloor(y, 100) + divFloor(y, 400); }
function isLeapYear(y: number): boolean { return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0; }
function firstDayOfYear(y: number): number { return 365 * (y - 1970) + leapYearsThrough(y - 1) - leapYearsThrough(1969); }
const DAYS_BEFORE_MONTH = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];
function daysBeforeMonth(y: number, m: number): number { return DAYS_BEFORE_MONTH[m - 1] + (m > 2 && isLeapYear(y) ? 1 : 0); }

/** Day number of y-m-d; out-of-range months and days carry over as on a calendar. */
function dayNumber(y: number, m: number, d: number): number {
  const m0 = m - 1;
  const year = y + divFloor(m0, 12);
  const month = modFloor(m0, 12) + 1;
  return firstDayOfYear(year) + daysBeforeMonth(year, month) + d - 1;
}

interface CivilDate { year: number; month: number; day: number }

function civilDate(dayNo: number): CivilDate {
  let year = 1970 + Math.floor(dayNo / 365.2425);
  while (firstDayOfYear(year) > dayNo) year--;
  while (firstDayOfYear(year + 1) <= dayNo) year++;
  const dayOfYear = dayNo - firstDayOfYear(year);
  let month = 1;
  while (month < 12 && daysBeforeMonth(year, month + 1) <= dayOfYear) month++;
  return { year, month, day: dayOfYear - daysBeforeMonth(year, month) + 1 };
}

/** A time register's byte for value v: BCD, or binary when register B's DM bit is set. */
function encodeField(v: number, binary: boolean): number {
  return binary ? v & 0xff : ((Math.floor(v / 10) % 10) << 4) | v % 10;
}

function decodeField(b: number, binary: boolean): number { return binary ? b : (b >> 4) * 10 + (b & 0x0f); }

export class Rtc implements Device<RtcState> {
  readonly name = 'rtc';
  private readonly cmos = new Uint8Array(128);
  private index = 0;
  private nmiMasked = false;
  private baseSec = 0;
  private baseNs = 0;
  private dowOffset = 0;
  private flags = 0;
  private flagsFromNs = 0;
  private irqLevel = false;
  private readonly timer: Timer;
  /** Memo of the last day number turned into a date (reads within a day are common). */
  private dateMemo = { dayNo: NaN, date: { year: 0, month: 0, day: 0 } as CivilDate };

  constructor(private readonly clock: VirtualClock, private readonly irq: IrqSink, opts: RtcOptions) {
    if (!Number.isFinite(opts.startTimeMs)) throw new RangeError(`rtc: startTimeMs ${opts.startTimeMs} is not a finite number`);
    if (!(Number.isFinite(opts.memoryBytes) && opts.memoryBytes >= 0)) throw new RangeError(`rtc: memoryBytes ${opts.memoryBytes} is not a size`);
    this.timer = clock.newTimer('rtc', () => this.timerFired());

    const now = clock.nowNs();
    const startMs = Math.floor(opts.startTimeMs);
    this.baseSec = divFloor(startMs, 1000);
    // The second that startTimeMs falls in began (startMs mod 1000) ms before now.
    this.baseNs = now - (startMs - this.baseSec * 1000) * 1e6;
    this.flagsFromNs = now;

    // What a PC BIOS leaves behind: divider running, 1024 Hz periodic rate, 24-hour BCD.
    this.cmos[REG_A] = A_DV_NORMAL | 0x06;
    this.cmos[REG_B] = B_24H;
    this.latchTime(now);
    this.writeConfiguration(opts.memoryBytes, opts.fpu === true);
  }

  /** Bit 7 of the last index written to port 0x70 (the machine's NMI logic reads it). */
  get nmiDisabled(): boolean { return this.nmiMasked; }

  attach(io: IoBus): void {
    io.register(RTC_INDEX_PORT, 2, {
      // Wider accesses are split into byte cycles on the ISA bus.
      read: (port, size) => {
        let v = 0;
        for (let i = 0; i < size; i++) v |= this.readPort(port + i) << (8 * i);
        return v >>> 0;
      },
      write: (port, size, value) => {
        for (let i = 0; i < size; i++) this.writePort(port + i, (value >>> (8 * i)) & 0xff);
      },
    });
  }

  /**
   * The RESET pin (a machine reset): clears PIE, AIE, UIE, SQWE and the interrupt
   * flags. The clock, calendar and CMOS RAM are battery-backed and keep running.
   */
  reset(): void {
    const now = this.clock.nowNs();
    this.materialize(now);
    this.cmos[REG_B] &= ~(B_PIE | B_AIE | B_UIE | B_SQWE);
    this.flags = 0;
    this.settle(now);
  }

  save(): RtcState {
    return {
      version: 1,
      cmos: Array.from(this.cmos),
      index: this.index,
      nmiDisabled: this.nmiMasked,
      baseSec: this.baseSec,
      baseNs: this.baseNs,
      dowOffset: this.dowOffset,
      flags: this.flags,
      flagsFromNs: this.flagsFromNs,
      irqLevel: this.irqLevel,
      timerNs: this.timer.armed ? this.timer.deadline : null,
    };
  }

  /** Restores save()'s state. The IRQ 8 level is restored as saved without driving the line: the PIC restores what it saw. */
  load(state: RtcState): void {
    checkStateVersion(this.name, state, 1);
    const nums = [state.index, state.baseSec, state.baseNs, state.dowOffset, state.flags, state.flagsFromNs];
    if (!Array.isArray(state.cmos) || state.cmos.length !== 128 || !nums.every(Number.isFinite)) {
      throw new UserError(`snapshot: device ${this.name} state is malformed (cmos must be 128 bytes, the time base numbers)`);
    }
    this.cmos.set(state.cmos);
    this.index = state.index & 0x7f;
    this.nmiMasked = state.nmiDisabled === true;
    this.baseSec = state.baseSec;
    this.baseNs = state.baseNs;
    this.dowOffset = state.dowOffset;
    this.flags = state.flags & C_SOURCES;
    this.flagsFromNs = state.flagsFromNs;
    this.irqLevel = state.irqLevel === true;
    if (typeof state.timerNs === 'number') this.timer.set(state.timerNs);
    else this.timer.cancel();
  }

  // ---- ports ----

  private readPort(port: number): number {
    // Port 0x70 is write-only on the PC; the data port reads the selected register.
    return port === RTC_DATA_PORT ? this.readRegister(this.index) : 0xff;
  }

  private writePort(port: number, v: number): void {
    if (port === RTC_INDEX_PORT) {
      this.index = v & 0x7f;
      this.nmiMasked = (v & 0x80) !== 0;
    } else if (port === RTC_DATA_PORT) {
      this.writeRegister(this.index, v);
    }
  }

  private readRegister(i: number): number {
    const now = this.clock.nowNs();
    switch (i) {
      case REG_A:
        return this.cmos[REG_A] | (this.updateInProgress(now) ? A_UIP : 0);
      case REG_C: {
        // Reading C returns the flags and clears them all, which drops IRQ 8.
        this.materialize(now);
        const v = this.flags | (this.irqFlag() ? C_IRQF : 0);
        this.flags = 0;
        this.settle(now);
        return v;
      }
      case REG_D:
        return D_VRT;
    }
    if (TIME_REGISTERS.has(i) && this.counting()) this.latchTime(now);
    return this.cmos[i];
  }

  private writeRegister(i: number, v: number): void {
    if (i === REG_C || i === REG_D) return; // read-only
    const timeOrControl = i === REG_A || i === REG_B || TIME_REGISTERS.has(i) || i === SECONDS_ALARM || i === MINUTES_ALARM || i === HOURS_ALARM;
    if (!timeOrControl) {
      this.cmos[i] = v;
      return;
    }
    const now = this.clock.nowNs();
    // Events up to now happened under the old settings.
    this.materialize(now);
    if (i === REG_A || i === REG_B) {
      const wasRunning = this.dividerRunning();
      const wasCounting = this.counting();
      const oldB = this.cmos[REG_B];
      if (wasCounting) this.latchTime(now);
      if (i === REG_A) this.cmos[REG_A] = v & ~A_UIP;
      else this.cmos[REG_B] = v & B_SET ? v & ~B_UIE : v; // SET going high clears UIE (datasheet)
      if (!wasRunning && this.dividerRunning()) this.baseNs = now + DIVIDER_RESTART_NS;
      if (!wasCounting && this.counting()) this.rebase(now, oldB);
    } else if (TIME_REGISTERS.has(i) && this.counting()) {
      // A write while the clock runs takes effect at once; the divider phase is kept.
      this.latchTime(now);
      this.cmos[i] = v;
      this.rebase(now, this.cmos[REG_B]);
    } else {
      this.cmos[i] = v;
    }
    this.settle(now);
  }

  // ---- the clock ----

  /** DV = 010; any other divider setting (reset, oscillator off, test) holds the chain. */
  private dividerRunning(): boolean { return (this.cmos[REG_A] & A_DV_MASK) === A_DV_NORMAL; }

  /** The calendar advances: divider running and SET clear. Otherwise the time registers hold still. */
  private counting(): boolean { return this.dividerRunning() && (this.cmos[REG_B] & B_SET) === 0; }

  private secondsAt(now: number): number { return this.baseSec + divFloor(now - this.baseNs, NS_PER_S); }

  private updateInProgress(now: number): boolean {
    return this.counting() && modFloor(now - this.baseNs, NS_PER_S) >= NS_PER_S - UIP_NS;
  }

  private binary(): boolean { return (this.cmos[REG_B] & B_DM_BINARY) !== 0; }
  private hours24(): boolean { return (this.cmos[REG_B] & B_24H) !== 0; }
  private encode(v: number): number { return encodeField(v, this.binary()); }
  private decode(b: number): number { return decodeField(b, this.binary()); }

  private encodeHours(h: number): number {
    if (this.hours24()) return this.encode(h);
    const h12 = h % 12 === 0 ? 12 : h % 12;
    return this.encode(h12) | (h >= 12 ? 0x80 : 0);
  }

  private civil(dayNo: number): CivilDate {
    if (this.dateMemo.dayNo !== dayNo) this.dateMemo = { dayNo, date: civilDate(dayNo) };
    return this.dateMemo.date;
  }

  /** Writes the time at `now` into the time registers, in the current format. */
  private latchTime(now: number): void {
    const sec = this.secondsAt(now);
    const dayNo = divFloor(sec, SECONDS_PER_DAY);
    const tod = sec - dayNo * SECONDS_PER_DAY;
    const { year, month, day } = this.civil(dayNo);
    const c = this.cmos;
    c[SECONDS] = this.encode(tod % 60);
    c[MINUTES] = this.encode(Math.floor(tod / 60) % 60);
    c[HOURS] = this.encodeHours(Math.floor(tod / 3600));
    c[DAY_OF_WEEK] = this.encode(modFloor(dayNo + 4 + this.dowOffset, 7) + 1); // 1 = Sunday
    c[DAY_OF_MONTH] = this.encode(day);
    c[MONTH] = this.encode(month);
    c[YEAR] = this.encode(modFloor(year, 100));
    c[CENTURY] = this.encode(divFloor(year, 100));
  }

  /**
   * The clock continues from the time registers, read in the format of register B
   * value `regB` (the one they were written in), from the divider's last update
   * instant at or before `now`.
   */
  private rebase(now: number, regB: number): void {
    this.baseNs += divFloor(now - this.baseNs, NS_PER_S) * NS_PER_S;
    const binary = (regB & B_DM_BINARY) !== 0;
    const dec = (r: number) => decodeField(this.cmos[r], binary);
    const hb = this.cmos[HOURS];
    const hours = regB & B_24H ? dec(HOURS) : (decodeField(hb & 0x7f, binary) % 12) + (hb & 0x80 ? 12 : 0);
    const dayNo = dayNumber(dec(CENTURY) * 100 + dec(YEAR), dec(MONTH), dec(DAY_OF_MONTH));
    const sec = dayNo * SECONDS_PER_DAY + hours * 3600 + dec(MINUTES) * 60 + dec(SECONDS);
    this.baseSec = sec;
    // The day-of-week counter is independent of the date on the chip: keep what the guest wrote.
    const weekday = modFloor(divFloor(sec, SECONDS_PER_DAY) + 4, 7);
    this.dowOffset = modFloor(dec(DAY_OF_WEEK) - 1 - weekday, 7);
  }

  // ---- periodic interrupt: the divider chain ----

  /** log2 of divider cycles per periodic tick, or -1 when RS = 0 (none). RS 1 and 2 act as 8 and 9 at 32.768 kHz. */
  private periodShift(): number {
    const rs = this.cmos[REG_A] & A_RS_MASK;
    if (rs === 0) return -1;
    return (rs <= 2 ? rs + 7 : rs) - 1;
  }

  /** Divider cycles (32.768 kHz) from baseNs to `t`, rounded down; exact for any t. */
  private cyclesAt(t: number): number {
    const d = t - this.baseNs;
    const s = divFloor(d, NS_PER_S);
    const r = d - s * NS_PER_S; // 0 <= r < 1e9; one cycle is 1e9/32768 = 1953125/64 ns
    return s * DIVIDER_HZ + Math.floor((r * 64) / 1953125);
  }

  private tickIndex(t: number, shift: number): number { return divFloor(this.cyclesAt(t), 2 ** shift); }

  /** First integer ns at or after periodic tick n. */
  private tickTime(n: number, shift: number): number {
    const cycles = n * 2 ** shift;
    const s = divFloor(cycles, DIVIDER_HZ);
    const j = cycles - s * DIVIDER_HZ;
    return this.baseNs + s * NS_PER_S + Math.ceil((j * 1953125) / 64);
  }

  // ---- alarm ----

  /** Hour, minute or second an alarm register asks for, ALARM_ANY for 0xC0-0xFF, ALARM_NEVER for a value the clock never shows. */
  private alarmField(b: number, limit: number, isHour: boolean): number {
    if ((b & 0xc0) === 0xc0) return ALARM_ANY;
    if (isHour && !this.hours24()) {
      const h12 = this.strictDecode(b & 0x7f);
      return h12 >= 1 && h12 <= 12 ? (h12 % 12) + (b & 0x80 ? 12 : 0) : ALARM_NEVER;
    }
    const v = this.strictDecode(b);
    return v >= 0 && v < limit ? v : ALARM_NEVER;
  }

  private strictDecode(b: number): number {
    if (this.binary()) return b;
    return (b >> 4) <= 9 && (b & 0x0f) <= 9 ? this.decode(b) : ALARM_NEVER;
  }

  /** The first seconds count >= x whose time of day matches the alarm registers, or Infinity. */
  private nextAlarmFrom(x: number): number {
    const s = this.alarmField(this.cmos[SECONDS_ALARM], 60, false);
    const m = this.alarmField(this.cmos[MINUTES_ALARM], 60, false);
    const h = this.alarmField(this.cmos[HOURS_ALARM], 24, true);
    if (s === ALARM_NEVER || m === ALARM_NEVER || h === ALARM_NEVER) return Infinity;
    const lo = (f: number) => (f === ALARM_ANY ? 0 : f);
    const hi = (f: number, limit: number) => (f === ALARM_ANY ? limit - 1 : f);
    const today = x - modFloor(x, SECONDS_PER_DAY);
    // Every valid alarm matches at least once a day, so today and tomorrow suffice.
    for (let day = today; day <= today + SECONDS_PER_DAY; day += SECONDS_PER_DAY) {
      for (let hh = lo(h); hh <= hi(h, 24); hh++) {
        const hourStart = day + hh * 3600;
        if (hourStart + 3599 < x) continue;
        for (let mm = lo(m); mm <= hi(m, 60); mm++) {
          const minuteStart = hourStart + mm * 60;
          if (minuteStart + 59 < x) continue;
          for (let ss = lo(s); ss <= hi(s, 60); ss++) if (minuteStart + ss >= x) return minuteStart + ss;
        }
      }
    }
    return Infinity;
  }

  // ---- flags and IRQ 8 ----

  /** The flags raised by events in (from, to], under the current settings. */
  private eventsBetween(from: number, to: number): number {
    if (!(to > from) || !this.dividerRunning()) return 0;
    let f = 0;
    const shift = this.periodShift();
    if (shift >= 0 && this.tickIndex(to, shift) > this.tickIndex(from, shift)) f |= C_PF;
    if (this.counting()) {
      const k1 = divFloor(from - this.baseNs, NS_PER_S);
      const k2 = divFloor(to - this.baseNs, NS_PER_S);
      if (k2 > k1) {
        f |= C_UF;
        if ((this.flags & C_AF) === 0 && this.nextAlarmFrom(this.baseSec + k1 + 1) <= this.baseSec + k2) f |= C_AF;
      }
    }
    return f;
  }

  /** Folds the events up to `now` into the latched flags. */
  private materialize(now: number): void {
    this.flags |= this.eventsBetween(this.flagsFromNs, now);
    this.flagsFromNs = now;
  }

  private irqFlag(): boolean { return (this.flags & this.cmos[REG_B] & C_SOURCES) !== 0; }

  /** Drives IRQ 8 from IRQF and arms the timer for the next event that would raise it. Call after materialize(now). */
  private settle(now: number): void {
    const level = this.irqFlag();
    if (level !== this.irqLevel) {
      this.irqLevel = level;
      this.irq.setIrq(RTC_IRQ, level);
    }
    const next = level ? Infinity : this.nextInterruptNs(now);
    if (next === Infinity) this.timer.cancel();
    else if (this.timer.deadline !== next) this.timer.set(next);
  }

  /** When the next enabled source raises its flag (IRQF is clear, so all their flags are). */
  private nextInterruptNs(now: number): number {
    if (!this.dividerRunning()) return Infinity;
    const enabled = this.cmos[REG_B] & C_SOURCES;
    let t = Infinity;
    if (enabled & B_PIE) {
      const shift = this.periodShift();
      if (shift >= 0) t = this.tickTime(this.tickIndex(now, shift) + 1, shift);
    }
    if (enabled & (B_UIE | B_AIE) && this.counting()) {
      const k = divFloor(now - this.baseNs, NS_PER_S);
      if (enabled & B_UIE) t = Math.min(t, this.baseNs + (k + 1) * NS_PER_S);
      if (enabled & B_AIE) {
        const x = this.nextAlarmFrom(this.baseSec + k + 1);
        if (x !== Infinity) t = Math.min(t, this.baseNs + (x - this.baseSec) * NS_PER_S);
      }
    }
    return t;
  }

  private timerFired(): void {
    const now = this.clock.nowNs();
    this.materialize(now);
    this.settle(now);
  }

  // ---- configuration bytes ----

  /** Memory sizes, equipment and status bytes a PC BIOS reads, with the standard checksum. */
  private writeConfiguration(memoryBytes: number, fpu: boolean): void {
    const c = this.cmos;
    const kib = Math.floor(memoryBytes / KIB);
    const put16 = (lo: number, v: number) => {
      c[lo] = v & 0xff;
      c[lo + 1] = (v >> 8) & 0xff;
    };
    c[0x0e] = 0x00; // diagnostic status: power, checksum, configuration, memory size, time all good
    c[0x0f] = 0x00; // shutdown status: normal power-on
    c[0x10] = 0x00; // no floppy drives
    c[0x12] = 0x00; // no hard disks of the old AT types
    c[0x14] = fpu ? 0x02 : 0x00; // equipment: no floppy, VGA (display bits 00), FPU bit only when asked
    put16(0x15, Math.min(640, kib)); // base memory, KiB
    const extended = Math.min(0xffff, Math.max(0, kib - 1024)); // above 1 MiB, KiB
    put16(0x17, extended);
    put16(0x30, extended);
    put16(0x34, Math.min(0xffff, Math.max(0, Math.floor((memoryBytes - 16 * MIB) / (64 * KIB))))); // above 16 MiB, 64 KiB units
    let sum = 0;
    for (let i = 0x10; i <= 0x2d; i++) sum += c[i];
    c[0x2e] = (sum >> 8) & 0xff; // checksum high byte first
    c[0x2f] = sum & 0xff;
  }
}
