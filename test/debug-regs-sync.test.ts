// Writes to the guest's debug registers redo translated code only when the
// enabled breakpoints change (src/runtime/exec.ts syncDebugRegs): Linux
// clears DR0-DR3 and DR7 as it starts, which used to throw away every
// block translated so far.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { Machine } from '../src/devices/index.js';
import { movToDr } from '../src/runtime/helpers-system.js';

function sieve(): Machine {
  const m = new Machine({ memoryMiB: 16, serialOut: () => {} });
  const kernel = 'bench/guests/bin/sieve.elf';
  m.loadMultiboot(kernel, readFileSync(kernel), '');
  m.run(300_000);
  return m;
}

describe('debug register writes and translated code', () => {
  it('keeps the blocks while DR7 enables nothing, drops them when the enabled breakpoints change', () => {
    const m = sieve();
    const blocks = m.exec.cache.size;
    expect(blocks).toBeGreaterThan(0);
    movToDr(m.cpu, 0, 0x1234, 0); // DR0 with DR7 off
    movToDr(m.cpu, 7, 0, 0);
    expect(m.exec.cache.size).toBe(blocks);
    movToDr(m.cpu, 7, 0x1, 0); // L0: an instruction breakpoint at 0x1234
    expect(m.exec.cache.size).toBe(0);
    m.run(600_000);
    const again = m.exec.cache.size;
    expect(again).toBeGreaterThan(0);
    movToDr(m.cpu, 7, 0x1, 0); // the same breakpoint again
    expect(m.exec.cache.size).toBe(again);
    movToDr(m.cpu, 0, 0x5678, 0); // moved
    expect(m.exec.cache.size).toBe(0);
  });
});
