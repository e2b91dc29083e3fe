// A write to a page holding translated code invalidates only the blocks whose
// code bytes it touches (as QEMU does), not the whole page: a kernel patching
// one call site, or data sharing a page with code, leaves the other blocks
// translated. The guest's view must not change: the smc guest
// (test/smc.test.ts) covers the rewrites themselves; these cases cover what
// the byte ranges could get wrong.
import { describe, expect, it } from 'vitest';
import { Machine } from '../src/devices/index.js';
import { S } from '../src/frontend-x86/index.js';
import { multibootKernel } from './support/elf.js';

function run(code: number[]): Machine {
  const m = new Machine({ memoryMiB: 4, serialOut: () => {}, noReboot: true });
  m.loadMultiboot('smc-range', multibootKernel(code), '');
  expect(m.run().reason).toBe('halted');
  return m;
}

describe('invalidation by code bytes', () => {
  it('stores to data in a code page leave its blocks translated', () => {
    // mov ecx, 1000; L: mov [data], ecx; dec ecx; jnz L; cli; hlt; data: dd 0 (data in the same page)
    const m = run([0xb9, 0xe8, 0x03, 0x00, 0x00, 0x89, 0x0d, 0x1c, 0x00, 0x10, 0x00, 0x49, 0x75, 0xf7, 0xfa, 0xf4, 0, 0, 0, 0]);
    expect(m.cpu.s[S.ECX]).toBe(0);
    expect(m.mem.read32(0x10001c)).toBe(1);
    // Whole-page invalidation translated the loop again after each of its 1000 stores.
    expect(m.exec.cache.translated).toBeLessThan(50);
  });

  it('a store into code that a block reached by following a jump backwards invalidates that block', () => {
    //   xor ebx, ebx; mov esi, 3
    // again: call blk; add ebx, eax; mov byte [T+1], 2; dec esi; jnz again; cli; hlt
    // T: mov eax, 1; ret
    // blk: jmp T            (the block at blk goes on at T, below its own start)
    const m = run([
      0x31, 0xdb, 0xbe, 0x03, 0x00, 0x00, 0x00, 0xe8, 0x14, 0x00, 0x00, 0x00, 0x01, 0xc3, 0xc6, 0x05, 0x27, 0x00, 0x10, 0x00,
      0x02, 0x4e, 0x75, 0xef, 0xfa, 0xf4, 0xb8, 0x01, 0x00, 0x00, 0x00, 0xc3, 0xeb, 0xf8,
    ]);
    expect(m.cpu.s[S.EBX]).toBe(1 + 2 + 2);
  });
});
