// Debugger watchpoints in the executor: an access to a watched range stops
// the run right after the accessing instruction, at the same icount in every
// execution mode, for writes, reads and both; string instructions are caught
// too; and watchpoints never change what the guest computes.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { Machine } from '../src/devices/index.js';
import { repoPath } from './support/guests.js';
import { elfSymbols } from './support/elf.js';

function boot(kernel: string, append: string, blockInsnLimit = 128): { m: Machine; out: () => string } {
  let out = '';
  const m = new Machine({ memoryMiB: 16, serialOut: (b) => { out += String.fromCharCode(b); } });
  m.exec.blockInsnLimit = blockInsnLimit;
  m.loadMultiboot(kernel, readFileSync(kernel), append);
  return { m, out: () => out };
}

const SORT = repoPath('bench/guests/bin/sort.elf');
const ARRAY = elfSymbols(readFileSync(SORT)).get('a')!;

describe('watchpoints', () => {
  for (const kind of ['write', 'read', 'access'] as const) {
    it(`a ${kind} watchpoint stops after the accessing instruction, at the same icount with one instruction per block`, () => {
      const w = { linear: ARRAY + 20, len: 4, read: kind !== 'write', write: kind !== 'read' };
      const fast = boot(SORT, 'rounds=1'), ref = boot(SORT, 'rounds=1', 1);
      fast.m.exec.setWatchpoints([w]);
      ref.m.exec.setWatchpoints([w]);
      for (let hit = 0; hit < 4; hit++) {
        expect(fast.m.runUntil(Infinity).kind).toBe('watchpoint');
        expect(ref.m.runUntil(Infinity).kind).toBe('watchpoint');
        expect(fast.m.cpu.icount).toBe(ref.m.cpu.icount);
        expect(Array.from(fast.m.cpu.s.subarray(0, 9))).toEqual(Array.from(ref.m.cpu.s.subarray(0, 9)));
        expect(fast.m.exec.watchHit?.linear).toBe(ARRAY + 20);
        if (kind !== 'access') expect(fast.m.exec.watchHit?.kind).toBe(kind);
        // The accessing instruction has run: stepping back one instruction in a plain run shows it before the access.
        expect(fast.m.mem.read32(ARRAY + 20)).toBe(ref.m.mem.read32(ARRAY + 20));
        fast.m.exec.watchHit = null;
        ref.m.exec.watchHit = null;
      }
    });
  }

  it('a run with watchpoints set ends exactly like a run without them', () => {
    const plain = boot(SORT, 'rounds=1');
    plain.m.run();
    const dbg = boot(SORT, 'rounds=1');
    dbg.m.exec.setWatchpoints([{ linear: ARRAY + 4096, len: 8, read: true, write: true }]);
    let stops = 0;
    for (;;) {
      const stop = dbg.m.runUntil(Infinity);
      if (stop.kind !== 'watchpoint') { expect(stop.kind).toBe('exit'); break; }
      stops++;
      dbg.m.exec.watchHit = null;
    }
    expect(stops).toBeGreaterThan(2);
    expect(dbg.out()).toBe(plain.out());
    expect(dbg.m.cpu.icount).toBe(plain.m.cpu.icount);
  });

  it('string instructions are caught element by element (strops guest: rep movs/stos/scas/cmps)', () => {
    const STROPS = repoPath('bench/guests/bin/strops.elf');
    const syms = elfSymbols(readFileSync(STROPS));
    const buf = [...syms.entries()].find(([n]) => n === 'dst' || n === 'buf' || n === 'b')?.[1] ?? syms.get('src');
    expect(buf).toBeTypeOf('number');
    const fast = boot(STROPS, ''), ref = boot(STROPS, '', 1);
    const w = { linear: buf! + 64, len: 4, read: true, write: true };
    fast.m.exec.setWatchpoints([w]);
    ref.m.exec.setWatchpoints([w]);
    for (let hit = 0; hit < 3; hit++) {
      expect(fast.m.runUntil(Infinity).kind).toBe('watchpoint');
      expect(ref.m.runUntil(Infinity).kind).toBe('watchpoint');
      expect(fast.m.cpu.icount).toBe(ref.m.cpu.icount);
      expect(Array.from(fast.m.cpu.s.subarray(0, 9))).toEqual(Array.from(ref.m.cpu.s.subarray(0, 9)));
    }
  });
});
