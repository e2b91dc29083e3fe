// A compiled (wasm) block whose memory access the TLB does not cover leaves
// before that instruction, which the executor then runs alone in the
// interpreter (runtime/exec.ts, missStep); a block that does so again and
// again (an access to MMIO every time round a loop) is compiled once more
// with its slow paths inline. The IR-level contract of the miss exit is
// tested with random blocks in interp.test.ts.
import { describe, it, expect } from 'vitest';
import { Machine } from '../src/devices/index.js';
import { S } from '../src/frontend-x86/index.js';
import { multibootKernel } from './support/elf.js';

const MMIO = 0xfed00000, COUNTER = 0x300000;
// mov ecx, 3000; L: mov [MMIO], ecx; add dword [COUNTER], 1; dec ecx; jnz L; cli; hlt
const LOOP = [0xb9, 0xb8, 0x0b, 0x00, 0x00, 0x89, 0x0d, 0x00, 0x00, 0xd0, 0xfe, 0x83, 0x05, 0x00, 0x00, 0x30, 0x00, 0x01, 0x49, 0x75, 0xf0, 0xfa, 0xf4];

// mov edx, 40; L1: mov [MMIO], edx; mov ecx, 9000; L2: dec ecx; jnz L2; dec edx; jnz L1; cli; hlt
// (a store to MMIO every 18,000 instructions: its block misses rarely)
const SPARSE = [0xba, 0x28, 0x00, 0x00, 0x00, 0x89, 0x15, 0x00, 0x00, 0xd0, 0xfe, 0xb9, 0x28, 0x23, 0x00, 0x00, 0x49, 0x75, 0xfd, 0x4a, 0x75, 0xef, 0xfa, 0xf4];

function run(blockInsnLimit: number, jitThreshold?: number, code = LOOP): { m: Machine; writes: number[] } {
  const m = new Machine({ memoryMiB: 4, serialOut: () => {}, noReboot: true });
  m.exec.blockInsnLimit = blockInsnLimit;
  if (jitThreshold !== undefined) m.exec.jitThreshold = jitThreshold;
  const writes: number[] = [];
  m.mem.addMmio({ start: MMIO, end: MMIO + 4096, read: () => 0, write: (addr, size, v) => { writes.push(v); } });
  m.loadMultiboot('mmio-loop', multibootKernel(code), '');
  expect(m.run().reason).toBe('halted');
  return { m, writes };
}

describe('miss exits', () => {
  it('a compiled loop storing to MMIO leaves before the store, then is compiled with the slow path inline', () => {
    const { m, writes } = run(128);
    expect(writes).toEqual(Array.from({ length: 3000 }, (_, i) => 3000 - i));
    expect(m.mem.read32(COUNTER)).toBe(3000);
    expect(m.cpu.s[S.ECX]).toBe(0);
    expect(m.exec.missSteps).toBeGreaterThan(0);
    expect(m.exec.inlineRecompiles).toBe(1);
    // As one instruction per block does it.
    const ref = run(1);
    expect(ref.writes).toEqual(writes);
    expect(m.cpu.icount).toBe(ref.m.cpu.icount);
    expect(Buffer.from(m.mem.m8).equals(Buffer.from(ref.m.mem.m8))).toBe(true);
  });

  it('a block that misses only now and then (a TLB fill, a rare MMIO access) keeps its miss exit', () => {
    const { m, writes } = run(128, 0, SPARSE);
    expect(writes).toEqual(Array.from({ length: 40 }, (_, i) => 40 - i));
    expect(m.exec.missSteps).toBe(40);
    expect(m.exec.inlineRecompiles).toBe(0);
    expect(m.cpu.s[S.EDX]).toBe(0);
  });

  it('without the interpreter tier too (every block compiled at once; the one-instruction blocks keep their slow paths)', () => {
    const { m, writes } = run(128, 0);
    expect(writes).toEqual(Array.from({ length: 3000 }, (_, i) => 3000 - i));
    expect(m.mem.read32(COUNTER)).toBe(3000);
    expect(m.exec.inlineRecompiles).toBe(1);
  });
});
