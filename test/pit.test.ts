// The 8254 PIT and port 0x61 against a virtual clock driven by the test:
// a stand-in CPU whose icount is virtual time in ns (icount shift 0), moved
// to each timer deadline exactly and then to the time asked for. Expected
// times are computed here independently, in BigInt: PIT clock edge k is at
// ceil(k * 1e9 / 1193182) ns, and edges up to t are floor(t * 1193182 / 1e9).
import { describe, expect, it } from 'vitest';
import { Pit, pitTickNs, pitTicksAt, type PitState } from '../src/devices/pit.js';
import { VirtualClock } from '../src/devices/clock.js';
import { UserError } from '../src/devices/errors.js';
import { type IrqSink } from '../src/devices/device.js';
import { IoBus, type Cpu } from '../src/runtime/index.js';

const HZ = 1193182n;
const tickNs = (k: number): number => Number((BigInt(k) * 1_000_000_000n + HZ - 1n) / HZ);
const ticksAt = (ns: number): number => Number((BigInt(ns) * HZ) / 1_000_000_000n);

interface Edge { level: boolean; ns: number }

function bench(startNs = 0) {
  const cpu = { icount: startNs, ioInsn: 0 };
  const clock = new VirtualClock(cpu as unknown as Cpu, 0);
  const edges: Edge[] = [];
  let timerFires = 0;
  const irq: IrqSink = {
    setIrq(n, level) {
      expect(n).toBe(0);
      edges.push({ level, ns: clock.nowNs() });
    },
  };
  const pit = new Pit(clock, irq);
  const io = new IoBus();
  pit.attach(io);
  /** Runs virtual time to `ns`, stopping at every deadline on the way (as the execution loop does). */
  const runTo = (ns: number): void => {
    expect(ns).toBeGreaterThanOrEqual(cpu.icount);
    for (;;) {
      const d = clock.nextDeadline();
      if (d > ns) break;
      cpu.icount = Math.max(cpu.icount, clock.icountFor(d));
      timerFires++;
      clock.runDue();
    }
    cpu.icount = ns;
    clock.runDue();
  };
  const out = (port: number, v: number): void => io.write(port, 1, v);
  const inb = (port: number): number => io.read(port, 1);
  /** Counter latch command, then LSB and MSB. */
  const latchRead = (ch: number): number => {
    out(0x43, ch << 6);
    const lo = inb(0x40 + ch);
    return lo | (inb(0x40 + ch) << 8);
  };
  const rising = (from = 0): number[] => edges.filter((e) => e.level && e.ns >= from).map((e) => e.ns);
  const falling = (from = 0): number[] => edges.filter((e) => !e.level && e.ns >= from).map((e) => e.ns);
  return { cpu, clock, pit, io, edges, runTo, out, inb, latchRead, rising, falling, fires: () => timerFires };
}

const out2 = (b: ReturnType<typeof bench>): boolean => (b.inb(0x61) & 0x20) !== 0;

describe('PIT clock arithmetic', () => {
  it('maps virtual ns to clock edges and back exactly, up to 2^53 ns', () => {
    const samples = [0, 1, 837, 838, 839, 999_999_999, 1e9, 1e9 + 1, 123_456_789_012, 2 ** 40 + 7, 2 ** 52 + 3, 2 ** 53 - 10_000];
    for (let i = 0; i < 200; i++) samples.push(Math.floor(((i * 2654435761) % 4294967296) * 2 ** 20 + i));
    for (const ns of samples) {
      expect(pitTicksAt(ns)).toBe(ticksAt(ns));
      const k = ticksAt(ns);
      expect(pitTickNs(k)).toBe(tickNs(k));
      expect(pitTicksAt(pitTickNs(k))).toBe(k);
      expect(pitTicksAt(pitTickNs(k + 1) - 1)).toBe(k);
    }
  });
});

describe('counter 0 in mode 2 (Linux, 1000 Hz)', () => {
  it('raises IRQ0 every 1193 clocks at the exact virtual times, with a one-clock low pulse before each', () => {
    const b = bench();
    const t0 = 12_345; // inside the BIOS square wave's high half, so reprogramming changes nothing at once
    b.runTo(t0);
    b.out(0x43, 0x34);
    b.out(0x40, 1193 & 0xff);
    b.out(0x40, 1193 >> 8);
    const A = ticksAt(t0) + 1; // CE is loaded on the next clock edge
    const end = 20_000_000;
    b.runTo(end);
    const expectRise = Array.from({ length: 30 }, (_, k) => tickNs(A + (k + 1) * 1193)).filter((t) => t <= end);
    const expectFall = Array.from({ length: 30 }, (_, k) => tickNs(A + (k + 1) * 1193 - 1)).filter((t) => t <= end);
    expect(b.rising(t0)).toEqual(expectRise);
    expect(b.falling(t0)).toEqual(expectFall);
    expect(expectRise.length).toBe(19);
    // two timer events per period: nothing else wakes the machine
    expect(b.fires()).toBe(expectRise.length + expectFall.length);
  });

  it('counts down from 1193 to 1 and reloads, as the latch command reads it', () => {
    const b = bench(500);
    b.out(0x43, 0x34);
    b.out(0x40, 0xa9);
    b.out(0x40, 0x04);
    const A = ticksAt(500) + 1;
    let prev = Infinity;
    for (const ns of [tickNs(A), tickNs(A) + 1, tickNs(A + 1), tickNs(A + 600) + 300, tickNs(A + 1192), tickNs(A + 1193), tickNs(A + 5000) + 17]) {
      b.runTo(ns);
      const T = ticksAt(ns);
      const want = 1193 - ((T - A) % 1193);
      const got = b.latchRead(0);
      expect(got).toBe(want);
      if (T < A + 1193) {
        expect(got).toBeLessThanOrEqual(prev);
        prev = got;
      }
    }
    expect(b.latchRead(0)).toBeGreaterThanOrEqual(1);
  });

  it('takes a new count at the next reload, and treats 0 as 65536', () => {
    const b = bench(0);
    b.out(0x43, 0x34);
    b.out(0x40, 100);
    b.out(0x40, 0);
    const A = 1;
    b.runTo(tickNs(A + 150)); // half way through the second period
    b.out(0x40, 0);
    b.out(0x40, 0); // 65536, from the reload at A + 200
    b.runTo(tickNs(A + 200 + 65536 * 2) + 5);
    expect(b.rising(tickNs(A + 101))).toEqual([tickNs(A + 200), tickNs(A + 200 + 65536), tickNs(A + 200 + 2 * 65536)]);
    b.runTo(tickNs(A + 200 + 2 * 65536 + 3));
    expect(b.latchRead(0)).toBe(65536 - 3);
  });
});

describe('counter 2 in mode 0 through port 0x61 (Linux TSC calibration)', () => {
  it("pit_calibrate_tsc: OUT2 (bit 5) rises exactly N+1 clocks after the count is written", () => {
    const b = bench(1_000_003);
    const latch = Math.floor(1193182 / 100); // 10 ms
    b.out(0x61, (b.inb(0x61) & ~0x02) | 0x01);
    b.out(0x43, 0xb0);
    b.out(0x42, latch & 0xff);
    b.cpu.icount += 40; // the second OUT a few instructions later
    b.out(0x42, latch >> 8);
    const written = b.cpu.icount;
    const rise = tickNs(ticksAt(written) + 1 + latch);
    expect(out2(b)).toBe(false);
    b.runTo(rise - 1);
    expect(out2(b)).toBe(false);
    b.runTo(rise);
    expect(out2(b)).toBe(true);
    b.runTo(rise + 50_000_000);
    expect(out2(b)).toBe(true); // stays high until reprogrammed
    // counter 2 never wakes the machine or touches IRQ0 (counter 0 is unprogrammed after reset)
    expect(b.edges.filter((e) => e.level).length).toBe(0);
  });

  it('quick_pit_calibrate: count 0xffff read back LSB/MSB while it runs', () => {
    const b = bench(77);
    b.out(0x61, (b.inb(0x61) & ~0x02) | 0x01);
    b.out(0x43, 0xb0);
    b.out(0x42, 0xff);
    b.out(0x42, 0xff);
    const A = ticksAt(77) + 1;
    let lastMsb = 0x100;
    for (let i = 0; i < 300; i++) {
      const ns = tickNs(A) + i * 97_531;
      b.runTo(ns);
      const lo = b.inb(0x42), hi = b.inb(0x42); // same virtual instant
      expect(lo | (hi << 8)).toBe(0xffff - (ticksAt(ns) - A));
      expect(hi).toBeLessThanOrEqual(lastMsb);
      lastMsb = hi;
      expect(out2(b)).toBe(false);
    }
    b.runTo(tickNs(A + 0xffff) - 1);
    expect(out2(b)).toBe(false);
    b.runTo(tickNs(A + 0xffff));
    expect(out2(b)).toBe(true);
    // after the terminal count CE wraps to 0xffff and keeps counting; OUT stays high
    b.runTo(tickNs(A + 0xffff + 10));
    expect(b.latchRead(2)).toBe(0x10000 - 10);
    expect(out2(b)).toBe(true);
  });

  it('mode 0 with the gate low loads the count but counts only while the gate is high', () => {
    const b = bench(0);
    b.out(0x43, 0xb0);
    b.out(0x42, 100);
    b.out(0x42, 0);
    b.runTo(50_000);
    expect(b.latchRead(2)).toBe(100);
    expect(b.inb(0x43)).toBe(0xff); // the control port is write-only
    const g1 = 60_001;
    b.runTo(g1);
    b.out(0x61, 0x01);
    b.runTo(tickNs(ticksAt(g1) + 30));
    b.out(0x61, 0x00); // pause after 30 clocks
    b.runTo(200_000);
    expect(b.latchRead(2)).toBe(70);
    expect(out2(b)).toBe(false);
    const g2 = 300_000;
    b.runTo(g2);
    b.out(0x61, 0x01);
    b.runTo(tickNs(ticksAt(g2) + 70) - 1);
    expect(out2(b)).toBe(false);
    b.runTo(tickNs(ticksAt(g2) + 70));
    expect(out2(b)).toBe(true);
  });

  it('writing the first byte of a new count stops mode 0 and drives OUT low at once', () => {
    const b = bench(0);
    b.out(0x61, 0x01);
    b.out(0x43, 0xb0);
    b.out(0x42, 5);
    b.out(0x42, 0);
    b.runTo(tickNs(20));
    expect(out2(b)).toBe(true);
    b.out(0x42, 50);
    expect(out2(b)).toBe(false);
    const held = b.latchRead(2);
    b.runTo(tickNs(200));
    expect(b.latchRead(2)).toBe(held); // not counting between the two bytes
    b.out(0x42, 0);
    b.runTo(tickNs(200 + 1 + 50) - 1);
    expect(out2(b)).toBe(false);
    b.runTo(tickNs(200 + 1 + 50));
    expect(out2(b)).toBe(true);
  });
});

describe('mode 3 square wave', () => {
  const squareEdges = (count: number) => {
    const b = bench(1000);
    b.out(0x43, 0x36);
    b.out(0x40, count & 0xff);
    b.out(0x40, count >> 8);
    const A = ticksAt(1000) + 1;
    b.runTo(tickNs(A + 10 * count) + 1);
    return { b, A, rise: b.rising(1001), fall: b.falling(1001) };
  };

  it('an even count is high for N/2 clocks and low for N/2', () => {
    const { b, A, rise, fall } = squareEdges(1000);
    expect(fall).toEqual(Array.from({ length: 10 }, (_, k) => tickNs(A + k * 1000 + 500)));
    expect(rise).toEqual(Array.from({ length: 10 }, (_, k) => tickNs(A + (k + 1) * 1000)));
    // CE counts down by two, from N, in each half
    b.out(0x43, 0x00);
    const T = ticksAt(b.cpu.icount);
    const p = (T - A) % 1000;
    expect(b.inb(0x40) | (b.inb(0x40) << 8)).toBe(p < 500 ? 1000 - 2 * p : 1000 - 2 * (p - 500));
  });

  it('an odd count is high for (N+1)/2 clocks and low for (N-1)/2', () => {
    const { b, A, rise, fall } = squareEdges(1001);
    expect(fall).toEqual(Array.from({ length: 10 }, (_, k) => tickNs(A + k * 1001 + 501)));
    expect(rise).toEqual(Array.from({ length: 10 }, (_, k) => tickNs(A + (k + 1) * 1001)));
    b.runTo(tickNs(A + 10 * 1001 + 3));
    expect(b.latchRead(0)).toBe(1000 - 6); // N-1, then down by two
    b.runTo(tickNs(A + 10 * 1001 + 501 + 2));
    expect(b.latchRead(0)).toBe(1000 - 4);
  });

  it('a count written mid-cycle takes effect at the end of the current half-cycle', () => {
    const b = bench(0);
    b.out(0x43, 0x36);
    b.out(0x40, 1000 & 0xff);
    b.out(0x40, 1000 >> 8);
    b.runTo(tickNs(1 + 200)); // in the high half
    b.out(0x40, 600 & 0xff);
    b.out(0x40, 600 >> 8);
    b.runTo(tickNs(1 + 500 + 5 * 600) + 1);
    // the high half of 1000 ends at 1+500, then the new count's low half (300), high (300), ...
    expect(b.falling(1)).toEqual([0, 1, 2, 3, 4, 5].map((k) => tickNs(1 + 500 + 600 * k)));
    expect(b.rising(1)).toEqual([0, 1, 2, 3, 4].map((k) => tickNs(1 + 500 + 300 + 600 * k)));
  });

  it('gate low forces OUT2 high and stops it; the rising gate restarts the period', () => {
    const b = bench(0);
    b.out(0x61, 0x01);
    b.out(0x43, 0xb6);
    b.out(0x42, 20);
    b.out(0x42, 0);
    b.runTo(tickNs(1 + 15)); // low half
    expect(out2(b)).toBe(false);
    b.out(0x61, 0x00);
    expect(out2(b)).toBe(true);
    const held = b.latchRead(2);
    b.runTo(tickNs(500));
    expect(b.latchRead(2)).toBe(held);
    b.out(0x61, 0x01);
    b.runTo(tickNs(500 + 1 + 10) - 1);
    expect(out2(b)).toBe(true);
    b.runTo(tickNs(500 + 1 + 10));
    expect(out2(b)).toBe(false);
  });
});

describe('a timer that fires late', () => {
  it('still reports every IRQ0 transition, in order', () => {
    const b = bench(0);
    b.out(0x43, 0x34);
    b.out(0x40, 10);
    b.out(0x40, 0);
    b.cpu.icount = tickNs(1 + 35) + 3; // one step over three and a half periods
    b.clock.runDue();
    expect(b.edges.map((e) => e.level)).toEqual([false, true, false, true, false, true]);
    b.runTo(tickNs(1 + 60));
    expect(b.rising(tickNs(1 + 36))).toEqual([tickNs(1 + 40), tickNs(1 + 50), tickNs(1 + 60)]);
  });
});

describe('mode 4 software strobe', () => {
  it('pulses OUT low for one clock, N+1 clocks after the write, once', () => {
    const b = bench(4242);
    b.out(0x43, 0x38);
    b.out(0x40, 50);
    b.out(0x40, 0);
    const T0 = ticksAt(4242);
    b.runTo(100_000_000);
    expect(b.falling(4243)).toEqual([tickNs(T0 + 1 + 50)]);
    expect(b.rising(4243)).toEqual([tickNs(T0 + 2 + 50)]);
    expect(b.clock.nextDeadline()).toBe(Infinity); // idle: nothing armed
  });
});

describe('modes 1 and 5: gate-triggered on counter 2', () => {
  it('mode 1: OUT low for N clocks from the edge after the trigger, retriggerable', () => {
    const b = bench(0);
    b.out(0x43, 0xb2);
    b.out(0x42, 30);
    b.out(0x42, 0);
    b.runTo(10_000);
    expect(out2(b)).toBe(true); // armed, not triggered: the gate is low
    const g = 20_000;
    b.runTo(g);
    b.out(0x61, 0x01);
    const G = ticksAt(g);
    expect(out2(b)).toBe(true);
    b.runTo(tickNs(G + 1));
    expect(out2(b)).toBe(false);
    b.runTo(tickNs(G + 1 + 30) - 1);
    expect(out2(b)).toBe(false);
    b.runTo(tickNs(G + 1 + 30));
    expect(out2(b)).toBe(true);
    // gate level alone does nothing; a new rising edge retriggers, and a retrigger mid-pulse extends it
    b.runTo(100_000);
    expect(out2(b)).toBe(true);
    b.out(0x61, 0x00);
    b.out(0x61, 0x01);
    const G2 = ticksAt(100_000);
    b.runTo(tickNs(G2 + 20));
    b.out(0x61, 0x00);
    b.out(0x61, 0x01);
    const G3 = G2 + 20;
    b.runTo(tickNs(G2 + 1 + 30));
    expect(out2(b)).toBe(false);
    b.runTo(tickNs(G3 + 1 + 30) - 1);
    expect(out2(b)).toBe(false);
    b.runTo(tickNs(G3 + 1 + 30));
    expect(out2(b)).toBe(true);
  });

  it('mode 5: a gate rising edge starts the count; OUT strobes low N+1 clocks later', () => {
    const b = bench(0);
    b.out(0x43, 0xba);
    b.out(0x42, 20);
    b.out(0x42, 0);
    b.runTo(50_000);
    expect(out2(b)).toBe(true);
    b.out(0x61, 0x01);
    const G = ticksAt(50_000);
    b.runTo(tickNs(G + 1 + 20) - 1);
    expect(out2(b)).toBe(true);
    b.runTo(tickNs(G + 1 + 20));
    expect(out2(b)).toBe(false);
    b.runTo(tickNs(G + 2 + 20));
    expect(out2(b)).toBe(true);
    b.runTo(tickNs(G + 2000));
    expect(out2(b)).toBe(true);
  });
});

describe('read-back command', () => {
  it('latches status with OUTPUT, NULL COUNT, RW, mode and BCD', () => {
    const b = bench(0);
    b.out(0x61, 0x01);
    b.out(0x43, 0xb0);
    b.out(0x43, 0xe8); // status of counter 2
    expect(b.inb(0x42)).toBe(0x70); // OUT low, NULL COUNT, LSB-then-MSB, mode 0, binary
    b.out(0x42, 10);
    b.out(0x42, 0);
    b.out(0x43, 0xe8);
    expect(b.inb(0x42)).toBe(0x70); // the count waits for the next clock edge
    b.runTo(tickNs(1));
    b.out(0x43, 0xe8);
    expect(b.inb(0x42)).toBe(0x30);
    b.runTo(tickNs(1 + 10));
    b.out(0x43, 0xe8);
    expect(b.inb(0x42)).toBe(0xb0);
  });

  it('reads status first, then the count; a second latch before the read is ignored', () => {
    const b = bench(0);
    b.out(0x43, 0x34);
    b.out(0x40, 0x00);
    b.out(0x40, 0x10);
    b.runTo(tickNs(1 + 0x100));
    b.out(0x43, 0xc2); // count and status of counter 0
    b.runTo(tickNs(1 + 0x200));
    b.out(0x43, 0xc2);
    expect(b.inb(0x40)).toBe(0xb4); // OUT high, count loaded, rw 3, mode 2
    expect(b.inb(0x40) | (b.inb(0x40) << 8)).toBe(0x1000 - 0x100);
    expect(b.inb(0x40) | (b.inb(0x40) << 8)).toBe(0x1000 - 0x200); // latch released: live
  });

  it('latches several counters at once', () => {
    const b = bench(0);
    b.out(0x43, 0x34);
    b.out(0x40, 0x00);
    b.out(0x40, 0x20);
    b.out(0x43, 0x72); // counter 1, mode 1, not triggered: gate tied high without an edge
    b.out(0x41, 5);
    b.out(0x41, 0);
    b.runTo(tickNs(101));
    b.out(0x43, 0xc6); // counters 0 and 1, count and status
    b.runTo(tickNs(300));
    expect(b.inb(0x41)).toBe(0xf2); // OUT high, NULL COUNT (never triggered), rw 3, mode 1
    expect(b.inb(0x40)).toBe(0xb4);
    expect(b.inb(0x40) | (b.inb(0x40) << 8)).toBe(0x2000 - 100);
  });
});

describe('BCD counting', () => {
  it('counts 1234 down in decimal and reads it in BCD', () => {
    const b = bench(0);
    b.out(0x61, 0x01);
    b.out(0x43, 0xb1);
    b.out(0x42, 0x34);
    b.out(0x42, 0x12);
    b.runTo(tickNs(1 + 235));
    expect(b.latchRead(2)).toBe(0x0999);
    b.runTo(tickNs(1 + 1234) - 1);
    expect(out2(b)).toBe(false);
    b.runTo(tickNs(1 + 1234));
    expect(out2(b)).toBe(true);
    expect(b.latchRead(2)).toBe(0x0000);
    b.runTo(tickNs(1 + 1234 + 1));
    expect(b.latchRead(2)).toBe(0x9999); // wraps to 9999
  });

  it('a count of 0 is 10000 clocks', () => {
    const b = bench(0);
    b.out(0x61, 0x01);
    b.out(0x43, 0xb1);
    b.out(0x42, 0);
    b.out(0x42, 0);
    b.runTo(tickNs(2));
    expect(b.latchRead(2)).toBe(0x9999);
    b.runTo(tickNs(1 + 10000) - 1);
    expect(out2(b)).toBe(false);
    b.runTo(tickNs(1 + 10000));
    expect(out2(b)).toBe(true);
  });
});

describe('byte access modes and the latch', () => {
  it('LSB only and MSB only', () => {
    const b = bench(0);
    b.out(0x61, 0x01);
    b.out(0x43, 0x90); // counter 2, LSB only, mode 0
    b.out(0x42, 0x80);
    b.runTo(tickNs(1 + 0x20));
    expect(b.inb(0x42)).toBe(0x60);
    expect(b.inb(0x42)).toBe(0x60);
    b.runTo(tickNs(1 + 0x80));
    expect(out2(b)).toBe(true);
    b.out(0x43, 0xa0); // MSB only
    b.out(0x42, 0x02);
    const A = ticksAt(b.cpu.icount) + 1;
    b.runTo(tickNs(A + 0x100));
    expect(b.inb(0x42)).toBe(0x01);
    b.runTo(tickNs(A + 0x200) - 1);
    expect(out2(b)).toBe(false);
    b.runTo(tickNs(A + 0x200));
    expect(out2(b)).toBe(true);
  });

  it('keeps the read and write byte pointers apart: read LSB, write LSB, read MSB, write MSB', () => {
    const b = bench(0);
    b.out(0x61, 0x01);
    b.out(0x43, 0xb4); // counter 2, mode 2
    b.out(0x42, 0x34);
    b.out(0x42, 0x12);
    b.runTo(tickNs(1 + 0x10));
    b.out(0x43, 0x80); // latch 0x1224
    expect(b.inb(0x42)).toBe(0x24);
    b.out(0x42, 0x00);
    expect(b.inb(0x42)).toBe(0x12);
    b.out(0x42, 0x01); // new count 0x0100, from the next reload
    b.runTo(tickNs(1 + 0x1234 + 5));
    expect(b.latchRead(2)).toBe(0x100 - 5);
  });

  it('holds a latched count while counting continues, until both bytes are read', () => {
    const b = bench(0);
    b.out(0x61, 0x01);
    b.out(0x43, 0xb0);
    b.out(0x42, 0x00);
    b.out(0x42, 0x80);
    b.runTo(tickNs(1 + 0x123));
    b.out(0x43, 0x80);
    b.runTo(tickNs(1 + 0x500));
    b.out(0x43, 0x80); // ignored: the first latch is unread
    const lo = b.inb(0x42);
    b.runTo(tickNs(1 + 0x900));
    const hi = b.inb(0x42);
    expect(lo | (hi << 8)).toBe(0x8000 - 0x123);
    b.runTo(tickNs(1 + 0x1000));
    expect(b.inb(0x42) | (b.inb(0x42) << 8)).toBe(0x8000 - 0x1000);
  });

  it('reads a 16-bit port access as the two byte ports', () => {
    const b = bench(0);
    expect(b.io.read(0x42, 2) >> 8).toBe(0xff); // 0x43 reads 0xff
  });
});

describe('port 0x61', () => {
  it('toggles the refresh bit every 18 PIT clocks of virtual time', () => {
    const b = bench(0);
    const bit = (): number => (b.inb(0x61) >> 4) & 1;
    expect(bit()).toBe(0);
    for (let k = 1; k <= 6; k++) {
      b.runTo(tickNs(18 * k) - 1);
      expect(bit()).toBe((k - 1) & 1);
      b.runTo(tickNs(18 * k));
      expect(bit()).toBe(k & 1);
    }
    expect(tickNs(18)).toBe(15086); // ~15.085 us
  });

  it('reads back gate and speaker bits; other bits read 0', () => {
    const b = bench(0);
    b.out(0x61, 0xff);
    expect(b.inb(0x61) & 0xcf).toBe(0x03);
    b.out(0x61, 0x02);
    expect(b.inb(0x61) & 0xcf).toBe(0x02);
  });
});

describe('reset', () => {
  it('leaves every counter unprogrammed: no IRQ0 edge and no timer until the guest programs counter 0', () => {
    const b = bench(0);
    b.runTo(200_000_000);
    expect(b.rising(1)).toEqual([]);
    expect(b.clock.nextDeadline()).toBe(Infinity);
    b.out(0x43, 0x34); // counter 0, LSB then MSB, mode 2
    b.out(0x40, 0x00);
    b.out(0x40, 0x10);
    expect(b.clock.nextDeadline()).not.toBe(Infinity);
    b.pit.reset();
    expect(b.clock.nextDeadline()).toBe(Infinity);
  });
});

describe('save and load', () => {
  const program = (b: ReturnType<typeof bench>): void => {
    b.out(0x43, 0x34);
    b.out(0x40, 1193 & 0xff);
    b.out(0x40, 1193 >> 8);
    b.out(0x61, 0x03);
    b.out(0x43, 0xb6);
    b.out(0x42, 0x99);
    b.out(0x42, 0x02);
  };

  it('continues identically: counter reads and IRQ times', () => {
    const a = bench(3_141_592);
    program(a);
    a.runTo(7_654_321);
    a.out(0x43, 0x80); // a pending latch
    a.out(0x43, 0x34);
    a.out(0x40, 0x10); // half a count written
    const state = JSON.parse(JSON.stringify(a.pit.save())) as PitState;
    expect(state).toEqual(a.pit.save());

    const b = bench(a.cpu.icount);
    b.pit.load(state);
    expect(b.clock.nextDeadline()).toBe(a.clock.nextDeadline());
    const fromA = a.edges.length, fromB = b.edges.length;
    const trace = (m: ReturnType<typeof bench>): number[] => {
      m.out(0x40, 0x27); // completes 0x2710 = 10000
      const reads: number[] = [m.inb(0x42), m.inb(0x42)];
      for (let t = 8_000_000; t < 60_000_000; t += 1_234_567) {
        m.runTo(t);
        reads.push(m.latchRead(0), m.latchRead(2), m.inb(0x61) & 0x30);
      }
      return reads;
    };
    expect(trace(b)).toEqual(trace(a));
    expect(b.edges.slice(fromB)).toEqual(a.edges.slice(fromA));
    expect(a.edges.length - fromA).toBeGreaterThan(8);
  });

  it('restores the armed deadline mid-period', () => {
    const a = bench(0);
    program(a);
    a.runTo(5_500_000);
    const b = bench(5_500_000);
    b.pit.load(a.pit.save());
    expect(b.clock.nextDeadline()).toBe(a.clock.nextDeadline());
    a.runTo(9_000_000);
    b.runTo(9_000_000);
    expect(b.rising(5_500_001)).toEqual(a.rising(5_500_001));
    expect(b.falling(5_500_001)).toEqual(a.falling(5_500_001));
    expect(a.rising(5_500_001).length).toBeGreaterThanOrEqual(3);
  });

  it('refuses a state of another version, naming the device', () => {
    const b = bench(0);
    const bad = { ...b.pit.save(), version: 2 } as unknown as PitState;
    expect(() => b.pit.load(bad)).toThrow(UserError);
    expect(() => b.pit.load(bad)).toThrow(/device pit/);
    const broken = JSON.parse(JSON.stringify(b.pit.save())) as PitState;
    (broken.counters[1] as unknown as Record<string, unknown>).anchor = 'x';
    expect(() => b.pit.load(broken)).toThrow(/pit state: counters\[1\]\.anchor/);
  });
});
