// The MC146818 RTC/CMOS (src/devices/rtc.ts) on a fake virtual clock: the
// test owns icount (1 icount = 8 ns at the default shift 3) and, like the
// execution loop, stops at every timer deadline on the way and fires it.
import { describe, expect, it } from 'vitest';
import { Rtc, type RtcState } from '../src/devices/rtc.js';
import { VirtualClock } from '../src/devices/clock.js';
import { UserError } from '../src/devices/errors.js';
import { IoBus, type Cpu } from '../src/runtime/index.js';

const MIB = 1024 * 1024;
const S = 1e9;
const MS = 1e6;

const REG_A = 0x0a;
const REG_B = 0x0b;
const REG_C = 0x0c;
const REG_D = 0x0d;

interface Ack { ns: number; c: number }

class Bench {
  readonly cpu = { icount: 0, ioInsn: 0 };
  readonly clock = new VirtualClock(this.cpu as unknown as Cpu);
  readonly io = new IoBus();
  readonly rtc: Rtc;
  /** Virtual ns of each rising and falling edge of IRQ 8. */
  readonly rises: number[] = [];
  readonly falls: number[] = [];
  level = false;
  /** When set, an "interrupt handler" reads register C after every timer that left IRQ 8 high. */
  autoAck = false;
  readonly acks: Ack[] = [];
  timerFires = 0;

  constructor(startTimeMs: number, opts: { memoryBytes?: number; fpu?: boolean; icount?: number } = {}) {
    this.cpu.icount = opts.icount ?? 0;
    const sink = {
      setIrq: (irq: number, level: boolean) => {
        expect(irq).toBe(8);
        expect(level).not.toBe(this.level); // only real changes reach the PIC
        this.level = level;
        (level ? this.rises : this.falls).push(this.clock.nowNs());
      },
    };
    this.rtc = new Rtc(this.clock, sink, { startTimeMs, memoryBytes: opts.memoryBytes ?? 128 * MIB, fpu: opts.fpu });
    this.rtc.attach(this.io);
  }

  get now(): number { return this.clock.nowNs(); }

  /** Runs to virtual time `ns` as the execution loop would: every timer fires at its deadline's icount. */
  runTo(ns: number): void {
    for (;;) {
      const d = this.clock.nextDeadline();
      if (d > ns) break;
      this.cpu.icount = Math.max(this.cpu.icount, this.clock.icountFor(d));
      this.timerFires++;
      this.clock.runDue();
      if (this.autoAck && this.level) this.acks.push({ ns: this.now, c: this.read(REG_C) });
    }
    this.cpu.icount = Math.max(this.cpu.icount, this.clock.icountFor(ns));
    this.clock.runDue();
  }

  advance(ns: number): void { this.runTo(this.now + ns); }

  read(reg: number): number {
    this.io.write(0x70, 1, reg);
    return this.io.read(0x71, 1);
  }

  write(reg: number, v: number): void {
    this.io.write(0x70, 1, reg);
    this.io.write(0x71, 1, v);
  }

  /** The calendar in BCD 24-hour mode, as "YYYY-MM-DD hh:mm:ss dD" (D = day of week, 1 = Sunday). */
  bcdTime(): string {
    const h = (r: number) => this.read(r).toString(16).padStart(2, '0');
    return `${h(0x32)}${h(9)}-${h(8)}-${h(7)} ${h(4)}:${h(2)}:${h(0)} d${h(6).slice(1)}`;
  }
}

const utc = (iso: string) => Date.parse(iso);

describe('RTC calendar', () => {
  it('reads a known start time in BCD 24-hour mode and crosses midnight with virtual time', () => {
    const b = new Bench(utc('2026-11-27T23:59:58Z'));
    expect(b.read(REG_B)).toBe(0x02); // 24-hour, BCD, as a BIOS leaves it
    expect(b.bcdTime()).toBe('2026-11-27 23:59:58 d6'); // a Friday
    b.advance(S - 8);
    expect(b.bcdTime()).toBe('2026-11-27 23:59:58 d6');
    b.advance(8);
    expect(b.bcdTime()).toBe('2026-11-27 23:59:59 d6');
    b.advance(S);
    expect(b.bcdTime()).toBe('2026-11-28 00:00:00 d7');
  });

  it('rolls over months, years, leap days and centuries', () => {
    const cases: Array<[string, number, string]> = [
      ['2026-11-30T23:59:59Z', 1, '2026-12-01 00:00:00 d3'],
      ['2026-12-31T23:59:59Z', 1, '2027-01-01 00:00:00 d6'],
      ['2028-02-28T23:59:59Z', 1, '2028-02-29 00:00:00 d3'],
      ['2028-02-28T23:59:59Z', 86401, '2028-03-01 00:00:00 d4'],
      ['2027-02-28T23:59:59Z', 1, '2027-03-01 00:00:00 d2'],
      ['2100-02-28T23:59:59Z', 1, '2100-03-01 00:00:00 d2'], // 2100 is not a leap year
      ['2000-02-28T23:59:59Z', 1, '2000-02-29 00:00:00 d3'], // 2000 is
      ['2099-12-31T23:59:59Z', 1, '2100-01-01 00:00:00 d6'], // the century byte follows
      ['1999-12-31T23:59:59Z', 1, '2000-01-01 00:00:00 d7'],
    ];
    for (const [start, seconds, want] of cases) {
      const b = new Bench(utc(start));
      b.advance(seconds * S);
      expect(b.bcdTime(), `${start} + ${seconds} s`).toBe(want);
    }
  });

  it('agrees with the Gregorian calendar over three centuries', () => {
    // Test code may use the host's calendar; src/ may not.
    for (let i = 0; i < 400; i++) {
      const ms = i * 26_035_777_123; // 1970 to about 2300, a stride that visits every month and weekday
      const b = new Bench(ms);
      b.write(REG_B, 0x06); // binary, 24-hour
      const d = new Date(ms);
      const got = [b.read(0x32) * 100 + b.read(9), b.read(8), b.read(7), b.read(4), b.read(2), b.read(0), b.read(6)];
      const want = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCDay() + 1];
      expect(got, d.toISOString()).toEqual(want);
    }
  });

  it('reads binary and 12-hour formats, with bit 7 of the hours for PM', () => {
    const b = new Bench(utc('2026-11-27T23:59:58Z'));
    b.write(REG_B, 0x06); // binary, 24-hour
    expect([b.read(0), b.read(2), b.read(4), b.read(7), b.read(8), b.read(9), b.read(0x32)]).toEqual([58, 59, 23, 27, 11, 26, 20]);
    b.write(REG_B, 0x04); // binary, 12-hour: 11 PM
    expect(b.read(4)).toBe(0x80 | 11);
    b.write(REG_B, 0x00); // BCD, 12-hour
    expect(b.read(4)).toBe(0x91);
    b.advance(2 * S);
    expect(b.read(4)).toBe(0x12); // 12 AM
    const noon = new Bench(utc('2026-06-01T12:30:00Z'));
    noon.write(REG_B, 0x00);
    expect(noon.read(4)).toBe(0x92); // 12 PM
    const one = new Bench(utc('2026-06-01T13:00:00Z'));
    one.write(REG_B, 0x00);
    expect(one.read(4)).toBe(0x81); // 1 PM
  });

  it('follows virtual time only, from the start time\'s fraction of a second', () => {
    const b = new Bench(utc('2026-11-27T10:00:00.250Z'));
    expect(b.read(0)).toBe(0x00);
    for (let i = 0; i < 1000; i++) expect(b.read(0)).toBe(0x00); // no host time: nothing moves without icount
    b.runTo(750 * MS - 8);
    expect(b.read(0)).toBe(0x00);
    b.runTo(750 * MS);
    expect(b.read(0)).toBe(0x01);
    b.runTo(750 * MS + 3600 * S);
    expect(b.bcdTime()).toBe('2026-11-27 11:00:01 d6');
  });

  it('starts from the virtual time at which it is created', () => {
    const b = new Bench(utc('2026-11-27T10:00:00Z'), { icount: 5 * S / 8 });
    expect(b.read(0)).toBe(0x00);
    b.advance(S);
    expect(b.read(0)).toBe(0x01);
  });
});

describe('RTC setting the time', () => {
  it('holds the registers while SET is on and continues from the value written, in the divider\'s phase', () => {
    const b = new Bench(utc('2026-11-27T23:59:58.500Z')); // updates at 0.5 s + k
    b.runTo(200 * MS);
    b.write(REG_B, 0x82); // SET, 24-hour
    const set: Array<[number, number]> = [[0, 0x56], [2, 0x34], [4, 0x12], [6, 0x05], [7, 0x29], [8, 0x02], [9, 0x24], [0x32, 0x20]];
    for (const [reg, v] of set) b.write(reg, v);
    b.runTo(3200 * MS);
    expect(b.bcdTime()).toBe('2024-02-29 12:34:56 d5'); // frozen while SET
    b.write(REG_B, 0x02);
    expect(b.bcdTime()).toBe('2024-02-29 12:34:56 d5');
    b.runTo(3500 * MS - 8);
    expect(b.read(0)).toBe(0x56);
    b.runTo(3500 * MS);
    expect(b.bcdTime()).toBe('2024-02-29 12:34:57 d5');
    b.runTo(3500 * MS + (11 * 3600 + 25 * 60 + 3) * S);
    expect(b.bcdTime()).toBe('2024-03-01 00:00:00 d6');
  });

  it('keeps a day of week the guest sets, advancing it at midnight', () => {
    const b = new Bench(utc('2026-11-27T23:59:59Z'));
    b.write(REG_B, 0x82);
    b.write(6, 0x02); // Monday, whatever the date says
    b.write(REG_B, 0x02);
    expect(b.read(6)).toBe(0x02);
    b.advance(S);
    expect(b.read(6)).toBe(0x03);
  });

  it('takes a time register written while the clock runs at once', () => {
    const b = new Bench(utc('2026-11-27T08:15:20.000Z'));
    b.runTo(400 * MS);
    b.write(2, 0x45); // minutes
    expect(b.bcdTime()).toBe('2026-11-27 08:45:20 d6');
    b.runTo(S);
    expect(b.bcdTime()).toBe('2026-11-27 08:45:21 d6');
  });

  it('reads the registers set in the format they were written in, when SET and the format change together', () => {
    // (The datasheet asks for the time registers to be rewritten after a format
    // change; here only the time of day is, and only it is checked.)
    const b = new Bench(utc('2026-11-27T08:15:20Z'));
    b.write(REG_B, 0x84); // SET, binary, 12-hour
    b.write(4, 0x80 | 12); // 12 PM
    b.write(2, 0);
    b.write(0, 0);
    b.write(REG_B, 0x06); // run, binary, 24-hour
    expect([b.read(4), b.read(2), b.read(0)]).toEqual([12, 0, 0]);
  });

  it('clears UIE when SET goes high', () => {
    const b = new Bench(utc('2026-11-27T08:15:20Z'));
    b.write(REG_B, 0x12);
    b.write(REG_B, 0x92);
    expect(b.read(REG_B)).toBe(0x82);
  });

  it('stops the clock while the divider is in reset and updates half a second after its release', () => {
    const b = new Bench(utc('2026-11-27T08:15:20Z'));
    b.runTo(300 * MS);
    b.write(REG_A, 0x76); // divider reset
    b.runTo(10 * S);
    expect(b.read(0)).toBe(0x20);
    expect(b.read(REG_C) & 0x70).toBe(0x40); // PF from before the reset only
    expect(b.read(REG_C)).toBe(0);
    b.write(REG_A, 0x26);
    b.runTo(10.5 * S - 8);
    expect(b.read(0)).toBe(0x20);
    b.runTo(10.5 * S);
    expect(b.read(0)).toBe(0x21);
    b.runTo(11.5 * S);
    expect(b.read(0)).toBe(0x22);
  });
});

describe('RTC registers A, C, D', () => {
  it('sets UIP for the last 244.14 us before each update, and not while SET', () => {
    const b = new Bench(utc('2026-11-27T08:15:20Z'));
    expect(b.read(REG_A)).toBe(0x26);
    b.runTo(S - 244_144); // 244140.625 ns before the update is 999755859.375
    expect(b.read(REG_A)).toBe(0x26);
    b.runTo(S - 244_136);
    expect(b.read(REG_A)).toBe(0xa6);
    expect(b.read(0)).toBe(0x20); // still the old second
    b.runTo(S - 8);
    expect(b.read(REG_A)).toBe(0xa6);
    b.runTo(S);
    expect(b.read(REG_A)).toBe(0x26);
    expect(b.read(0)).toBe(0x21);
    b.runTo(2 * S - 100_000);
    expect(b.read(REG_A)).toBe(0xa6);
    b.write(REG_B, 0x82);
    expect(b.read(REG_A)).toBe(0x26);
    b.write(REG_A, 0xa6); // UIP is read-only
    b.write(REG_B, 0x02);
    expect(b.read(REG_A)).toBe(0xa6); // (still in the window, back from SET)
    b.runTo(2 * S);
    expect(b.read(REG_A)).toBe(0x26);
  });

  it('reads register D as VRT and ignores writes to C and D', () => {
    const b = new Bench(utc('2026-11-27T08:15:20Z'));
    b.write(REG_D, 0x00);
    b.write(REG_C, 0xff);
    expect(b.read(REG_D)).toBe(0x80);
    expect(b.read(REG_C)).toBe(0x00);
  });

  it('keeps the NMI-disable bit of the index port apart from the index', () => {
    const b = new Bench(utc('2026-11-27T08:15:20Z'));
    expect(b.rtc.nmiDisabled).toBe(false);
    b.io.write(0x70, 1, 0x8b);
    expect(b.rtc.nmiDisabled).toBe(true);
    expect(b.io.read(0x71, 1)).toBe(0x02); // register B
    b.io.write(0x70, 1, 0x0b);
    expect(b.rtc.nmiDisabled).toBe(false);
    expect(b.io.read(0x70, 1)).toBe(0xff); // the index port is write-only
    expect(b.io.read(0x70, 2)).toBe(0x02ff); // a word access is two byte cycles
  });
});

describe('RTC interrupts', () => {
  it('arms no timer while its interrupts are disabled, yet latches PF, UF and AF for register C', () => {
    const b = new Bench(utc('2026-11-27T08:15:20Z'));
    b.write(1, 0xc0);
    b.write(3, 0xc0);
    b.write(5, 0xc0); // alarm every second
    expect(b.clock.nextDeadline()).toBe(Infinity);
    b.runTo(10 * S);
    expect(b.timerFires).toBe(0);
    expect(b.rises).toEqual([]);
    expect(b.read(REG_C)).toBe(0x70); // PF, AF, UF; IRQF clear
    expect(b.read(REG_C)).toBe(0x00);
    b.write(REG_A, 0x20); // rate 0: no periodic flag at all
    b.runTo(10 * S + 500 * MS);
    expect(b.read(REG_C)).toBe(0x00);
  });

  it('raises IRQ 8 at 1024 Hz for rate 6, once per acknowledgement', () => {
    const b = new Bench(utc('2026-11-27T08:15:20Z'));
    b.autoAck = true;
    b.write(REG_B, 0x42); // PIE
    b.runTo(S);
    expect(b.rises.length).toBe(1024);
    expect(b.falls.length).toBe(1024);
    const ticks = b.rises.map((_, k) => Math.ceil(Math.ceil(((k + 1) * S) / 1024) / 8) * 8);
    expect(b.rises).toEqual(ticks); // tick k at k * 976562.5 ns, at the first icount that reaches it
    expect(b.acks.every((a) => (a.c & 0xc0) === 0xc0)).toBe(true);
  });

  it('uses each rate of register A, with rates 1 and 2 acting as 8 and 9', () => {
    const perSecond = (rate: number) => {
      const b = new Bench(utc('2026-11-27T08:15:20Z'));
      b.autoAck = true;
      b.write(REG_A, 0x20 | rate);
      b.write(REG_B, 0x42);
      b.runTo(S);
      return b.rises.length;
    };
    expect([1, 2, 3, 6, 7, 8, 9, 13, 15, 0].map(perSecond)).toEqual([256, 128, 8192, 1024, 512, 256, 128, 8, 2, 0]);
  });

  it('keeps IRQ 8 high until register C is read, which clears the flags and lowers it', () => {
    const b = new Bench(utc('2026-11-27T08:15:20Z'));
    b.write(REG_A, 0x2f); // 2 Hz
    b.write(REG_B, 0x42);
    b.runTo(3 * S);
    expect(b.rises).toEqual([500 * MS]);
    expect(b.level).toBe(true);
    expect(b.clock.nextDeadline()).toBe(Infinity); // nothing more can change the line: no timer
    expect(b.read(REG_C)).toBe(0xd0); // IRQF, PF, and UF (latched though UIE is off)
    expect(b.level).toBe(false);
    expect(b.falls).toEqual([3 * S]);
    expect(b.read(REG_C)).toBe(0x00);
    b.runTo(3.5 * S);
    expect(b.rises).toEqual([500 * MS, 3.5 * S]);
  });

  it('raises IRQ 8 at once when an interrupt is enabled while its flag is set, and drops it when disabled', () => {
    const b = new Bench(utc('2026-11-27T08:15:20Z'));
    b.runTo(1.5 * S);
    b.write(REG_B, 0x12); // UIE: UF is already set
    expect(b.rises).toEqual([1.5 * S]);
    b.write(REG_B, 0x02);
    expect(b.falls).toEqual([1.5 * S]);
    expect(b.read(REG_C)).toBe(0x50);
  });

  it('raises the update-ended interrupt once per virtual second, at the update', () => {
    const b = new Bench(utc('2026-11-27T08:15:20.250Z'));
    b.autoAck = true;
    b.write(REG_B, 0x12); // UIE
    b.runTo(5 * S);
    expect(b.rises).toEqual([0.75, 1.75, 2.75, 3.75, 4.75].map((s) => s * S));
    expect(b.acks.map((a) => a.c & 0x90)).toEqual([0x90, 0x90, 0x90, 0x90, 0x90]);
    expect(b.timerFires).toBe(5); // no periodic timers: PIE is off
    expect(b.read(0)).toBe(0x25);
  });

  it('raises the alarm interrupt at the alarm time', () => {
    const b = new Bench(utc('2026-11-27T23:59:58Z'));
    b.autoAck = true;
    b.write(5, 0x00);
    b.write(3, 0x00);
    b.write(1, 0x05);
    b.write(REG_B, 0x22); // AIE
    b.runTo(2 * 86400 * S);
    expect(b.rises).toEqual([7 * S, (7 + 86400) * S]); // 00:00:05 on each day
    expect(b.acks[0].c & 0xa0).toBe(0xa0);
    expect(b.timerFires).toBe(2);
  });

  it('treats alarm values 0xC0-0xFF as don\'t care', () => {
    const b = new Bench(utc('2026-11-27T23:59:58Z'));
    b.autoAck = true;
    b.write(1, 0xff); // every second...
    b.write(3, 0x01); // ...of minute 01...
    b.write(5, 0xc3); // ...of every hour
    b.write(REG_B, 0x22);
    b.runTo(3600 * S + 200 * S);
    const want: number[] = [];
    for (let h = 0; h < 2; h++) for (let s = 0; s < 60; s++) want.push((2 + h * 3600 + 60 + s) * S);
    expect(b.rises).toEqual(want);
  });

  it('matches alarm hours in 12-hour mode, PM bit included', () => {
    const b = new Bench(utc('2026-11-27T12:59:59Z'));
    b.autoAck = true;
    b.write(REG_B, 0x20); // AIE, 12-hour BCD
    b.write(5, 0x81); // 1 PM
    b.write(3, 0x00);
    b.write(1, 0x00);
    b.runTo(86400 * S);
    expect(b.rises).toEqual([S]);
  });

  it('never matches an alarm value the clock cannot show', () => {
    const b = new Bench(utc('2026-11-27T12:59:59Z'));
    b.write(1, 0x5a); // not BCD
    b.write(3, 0xc0);
    b.write(5, 0xc0);
    b.write(REG_B, 0x22);
    expect(b.clock.nextDeadline()).toBe(Infinity);
    b.runTo(3600 * S);
    expect(b.read(REG_C) & 0x20).toBe(0);
  });

  it('reset clears the interrupt enables and flags, lowers IRQ 8 and keeps the time', () => {
    const b = new Bench(utc('2026-11-27T08:15:20Z'));
    b.write(REG_B, 0x72);
    b.runTo(1.5 * S);
    expect(b.level).toBe(true);
    b.rtc.reset();
    expect(b.level).toBe(false);
    expect(b.read(REG_B)).toBe(0x02);
    expect(b.read(REG_C)).toBe(0x00);
    expect(b.read(0)).toBe(0x21);
    expect(b.clock.nextDeadline()).toBe(Infinity);
  });
});

describe('RTC CMOS configuration bytes', () => {
  const bytes = (b: Bench, regs: number[]) => regs.map((r) => b.read(r));
  const checksumOk = (b: Bench) => {
    let sum = 0;
    for (let r = 0x10; r <= 0x2d; r++) sum += b.read(r);
    return ((b.read(0x2e) << 8) | b.read(0x2f)) === sum;
  };

  it('reports 128 MiB', () => {
    const b = new Bench(0, { memoryBytes: 128 * MIB });
    expect(bytes(b, [0x15, 0x16])).toEqual([0x80, 0x02]); // 640 KiB
    expect(bytes(b, [0x17, 0x18, 0x30, 0x31])).toEqual([0xff, 0xff, 0xff, 0xff]); // 127 MiB in KiB, capped
    expect(bytes(b, [0x34, 0x35])).toEqual([0x00, 0x07]); // 112 MiB in 64 KiB units
    expect(checksumOk(b)).toBe(true);
  });

  it('reports 2 GiB', () => {
    const b = new Bench(0, { memoryBytes: 2048 * MIB });
    expect(bytes(b, [0x15, 0x16])).toEqual([0x80, 0x02]);
    expect(bytes(b, [0x17, 0x18, 0x30, 0x31])).toEqual([0xff, 0xff, 0xff, 0xff]);
    expect(bytes(b, [0x34, 0x35])).toEqual([0x00, 0x7f]); // 2032 MiB = 0x7f00 units
    expect(checksumOk(b)).toBe(true);
  });

  it('reports 16 MiB without memory above 16 MiB', () => {
    const b = new Bench(0, { memoryBytes: 16 * MIB });
    expect(bytes(b, [0x17, 0x18, 0x30, 0x31, 0x34, 0x35])).toEqual([0x00, 0x3c, 0x00, 0x3c, 0x00, 0x00]); // 15360 KiB
    expect(checksumOk(b)).toBe(true);
  });

  it('has a good status byte, an equipment byte without floppies, and the FPU bit only when asked', () => {
    const b = new Bench(0);
    expect(bytes(b, [0x0e, 0x0f, 0x10, 0x14])).toEqual([0, 0, 0, 0]);
    const f = new Bench(0, { fpu: true });
    expect(f.read(0x14)).toBe(0x02);
    expect(checksumOk(f)).toBe(true);
    expect(checksumOk(b)).toBe(true);
    expect(f.read(0x2f)).toBe(b.read(0x2f) + 2);
  });

  it('keeps what the guest writes to CMOS RAM', () => {
    const b = new Bench(0);
    b.write(0x40, 0x5a);
    b.write(0x7f, 0xa5);
    expect(bytes(b, [0x40, 0x7f])).toEqual([0x5a, 0xa5]);
  });
});

describe('RTC snapshots', () => {
  it('continues after save/load with the same time and the same interrupts at the same virtual times', () => {
    const setup = (b: Bench) => {
      b.autoAck = true;
      b.write(REG_A, 0x2d); // 8 Hz
      b.write(1, 0xc0);
      b.write(3, 0xc0);
      b.write(5, 0xc0);
      b.write(REG_B, 0x72); // PIE, AIE, UIE
    };
    const a = new Bench(utc('2026-11-27T23:59:58.300Z'));
    setup(a);
    a.runTo(2.3 * S + 1000);
    a.write(0x50, 0x77);
    a.io.write(0x70, 1, 0x80 | 0x50); // leave the index and NMI bit set
    const state = JSON.parse(JSON.stringify(a.rtc.save())) as RtcState;
    expect(state.version).toBe(1);

    const b = new Bench(utc('1999-01-01T00:00:00Z'), { icount: a.cpu.icount, memoryBytes: 2 * MIB });
    b.autoAck = true;
    b.rtc.load(state);
    expect(b.clock.nextDeadline()).toBe(a.clock.nextDeadline());
    expect(b.rtc.nmiDisabled).toBe(true);
    expect(b.io.read(0x71, 1)).toBe(0x77);

    const cut = a.rises.length;
    a.runTo(6 * S);
    b.runTo(6 * S);
    expect(b.rises).toEqual(a.rises.slice(cut));
    expect(b.acks).toEqual(a.acks.slice(cut));
    expect(b.bcdTime()).toBe(a.bcdTime());
    expect(b.bcdTime()).toBe('2026-11-28 00:00:04 d7');
  });

  it('restores a raised IRQ 8 that is then acknowledged, and a clock held by SET', () => {
    const a = new Bench(utc('2026-11-27T08:15:20Z'));
    a.write(REG_B, 0x42); // PIE at 1024 Hz, never acknowledged
    a.runTo(1.2 * S);
    a.write(REG_B, 0xc2); // SET
    a.write(0, 0x00);
    expect(a.level).toBe(true);
    const state = a.rtc.save();
    const b = new Bench(0, { icount: a.cpu.icount });
    b.level = a.level;
    b.rtc.load(state);
    expect(b.read(REG_C)).toBe(0xd0); // IRQF, PF, UF (the update at 1 s)
    expect(a.read(REG_C)).toBe(0xd0);
    expect(b.level).toBe(false);
    b.runTo(5 * S);
    expect(b.bcdTime()).toBe('2026-11-27 08:15:00 d6');
    b.write(REG_B, 0x02);
    b.runTo(6 * S);
    expect(b.read(0)).toBe(0x01);
  });

  it('refuses a state of another version, naming the device', () => {
    const b = new Bench(0);
    const bad = { ...b.rtc.save(), version: 2 } as unknown as RtcState;
    expect(() => b.rtc.load(bad)).toThrow(UserError);
    expect(() => b.rtc.load(bad)).toThrow(/device rtc .*version 2/);
    expect(() => b.rtc.load({ version: 1 } as RtcState)).toThrow(/rtc/);
  });
});
