// Debugger breakpoints in the executor: blocks end before a breakpoint, the
// run stops with EIP at it before the instruction there runs, at the same
// icount a one-instruction-per-block run detects it, and continuing steps
// over it to the next hit. Breakpoints never change what the guest does.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { Machine } from '../src/devices/index.js';
import { S } from '../src/frontend-x86/index.js';
import { repoPath } from './support/guests.js';
import { elfSymbols } from './support/elf.js';

const KERNEL = repoPath('bench/guests/bin/sort.elf');

function boot(blockInsnLimit = 128): { m: Machine; out: () => string } {
  let out = '';
  const m = new Machine({ memoryMiB: 16, serialOut: (b) => { out += String.fromCharCode(b); } });
  m.exec.blockInsnLimit = blockInsnLimit;
  m.loadMultiboot(KERNEL, readFileSync(KERNEL), 'rounds=1');
  return { m, out: () => out };
}

describe('breakpoints', () => {
  const putc = elfSymbols(readFileSync(KERNEL)).get('rt_putc');
  const quick = elfSymbols(readFileSync(KERNEL)).get('quicksort');

  it('the guest has the functions this test stops in', () => {
    expect(putc).toBeTypeOf('number');
    expect(quick).toBeTypeOf('number');
  });

  it('stops at each hit at the exact icount, with EIP at the breakpoint, in both execution modes', () => {
    const fast = boot(), ref = boot(1);
    for (const { m } of [fast, ref]) m.exec.setBreakpoint(quick!, true);
    for (let hit = 0; hit < 5; hit++) {
      const a = fast.m.runUntil(Infinity), b = ref.m.runUntil(Infinity);
      expect(a.kind).toBe('breakpoint');
      expect(b.kind).toBe('breakpoint');
      expect(fast.m.cpu.s[S.EIP]).toBe(quick);
      expect(fast.m.cpu.icount).toBe(ref.m.cpu.icount);
      expect(Array.from(fast.m.cpu.s.subarray(0, 9))).toEqual(Array.from(ref.m.cpu.s.subarray(0, 9)));
      fast.m.exec.stepOverBreakpoint();
      ref.m.exec.stepOverBreakpoint();
    }
  });

  it('a run with breakpoints set and cleared ends exactly like a run without them', () => {
    const plain = boot();
    const r0 = plain.m.run();
    const dbg = boot();
    dbg.m.exec.setBreakpoint(putc!, true);
    let stops = 0;
    for (;;) {
      const stop = dbg.m.runUntil(Infinity);
      if (stop.kind !== 'breakpoint') { expect(stop.kind).toBe('exit'); break; }
      stops++;
      expect(dbg.m.cpu.s[S.EIP]).toBe(putc);
      if (stops === 1) dbg.m.exec.setBreakpoint(quick!, true); // a second one, added while stopped
      dbg.m.exec.stepOverBreakpoint();
    }
    expect(stops).toBeGreaterThan(1);
    expect(dbg.out()).toBe(plain.out());
    expect(dbg.m.cpu.icount).toBe(plain.m.cpu.icount);
    expect(r0.status).toBe(1);
  });
});
