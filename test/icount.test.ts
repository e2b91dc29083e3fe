// icount is exact: a run stopped at icount N reaches the same state whether
// blocks are long, chained and self-looping or one instruction each, and
// whether the run is made in one go or in slices.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { Machine } from '../src/devices/index.js';

function boot(kernel: string, blockInsnLimit = 128): { m: Machine; out: () => string } {
  let out = '';
  const m = new Machine({ memoryMiB: 16, serialOut: (b) => { out += String.fromCharCode(b); } });
  m.exec.blockInsnLimit = blockInsnLimit;
  m.loadMultiboot(kernel, readFileSync(kernel), '');
  return { m, out: () => out };
}

function fingerprint(m: Machine): string {
  const h = createHash('sha256');
  h.update(Buffer.from(m.cpu.s.buffer, m.cpu.s.byteOffset, m.cpu.s.byteLength));
  h.update(m.mem.m8);
  return `${m.cpu.icount}:${m.cpu.eflags()}:${h.digest('hex')}`;
}

const KERNELS = ['bench/guests/bin/sieve.elf', 'bench/guests/bin/crc32.elf', 'bench/guests/bin/strops.elf', 'test/guests/bin/difftest.elf'];

describe('icount', () => {
  for (const kernel of KERNELS) {
    it(`stops at exactly N with the same state in every execution mode: ${kernel}`, () => {
      for (const n of [1, 17, 1000, 123457, 2_000_003]) {
        const fast = boot(kernel);
        fast.m.run(n);
        const ref = boot(kernel, 1);
        ref.m.run(n);
        expect(fast.m.cpu.icount).toBe(n);
        expect(ref.m.cpu.icount).toBe(n);
        expect(fingerprint(fast.m)).toBe(fingerprint(ref.m));
        expect(fast.out()).toBe(ref.out());
      }
    });
  }

  it('stops at exactly N for many N in loops with side exits (sort)', () => {
    // One machine, run to a sequence of pseudo-random increasing N: every stop must be exact.
    const fast = boot('bench/guests/bin/sort.elf');
    let x = 12345, n = 0;
    for (let k = 0; k < 400; k++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      n += 1 + (x % 50_000);
      fast.m.run(n);
      expect(fast.m.cpu.icount).toBe(n);
    }
    const ref = boot('bench/guests/bin/sort.elf', 1);
    ref.m.run(n);
    expect(fingerprint(fast.m)).toBe(fingerprint(ref.m));
  });

  it('a run made in slices ends where a run in one go ends', () => {
    const whole = boot(KERNELS[0]);
    whole.m.run(3_000_000);
    const sliced = boot(KERNELS[0]);
    for (let n = 999; n < 3_000_000; n += 99_991) sliced.m.run(n);
    sliced.m.run(3_000_000);
    expect(fingerprint(sliced.m)).toBe(fingerprint(whole.m));
  });

  it('a block cut short by the budget is translated once, then found in the cache, and runs as the whole one would', () => {
    // One instruction per run: every block is cut to its first instruction.
    const stepped = boot(KERNELS[0]);
    stepped.m.run(200_000);
    const cached = (): number => stepped.m.exec.cache.translated;
    const before = cached();
    for (let k = 0; k < 2000; k++) stepped.m.run(stepped.m.cpu.icount + 1);
    const afterFirst = cached();
    // sieve loops: its cut blocks were made in the first steps (and cached) ...
    expect(afterFirst).toBeGreaterThan(before);
    for (let k = 0; k < 2000; k++) stepped.m.run(stepped.m.cpu.icount + 1);
    // ... and the next 2000 steps find them all.
    expect(cached()).toBe(afterFirst);
    const whole = boot(KERNELS[0]);
    whole.m.run(204_000);
    expect(fingerprint(stepped.m)).toBe(fingerprint(whole.m));
  });
});

describe('the TSC counts virtual time, halts included', () => {
  it('advances by the warped time in instruction times (2^shift ns), and a snapshot of the clock restores it', () => {
    const m = new Machine({ memoryMiB: 2, icountShift: 3, serialOut: () => {} });
    m.cpu.icount = 1000;
    expect(m.cpu.tscAt(0)).toBe(1000);
    m.clock.warpTo(m.clock.nowNs() + 8 * 500 + 5); // a halt skips 500 instruction times and 5 ns
    expect(m.cpu.tscAt(0)).toBe(1500);
    expect(m.cpu.tscAt(2)).toBe(1502); // inside a block: the instructions before the rdtsc count
    const saved = m.clock.save();
    const n = new Machine({ memoryMiB: 2, icountShift: 3, serialOut: () => {} });
    n.cpu.icount = 1000;
    n.clock.load(saved);
    expect(n.cpu.tscAt(0)).toBe(1500);
  });
});
