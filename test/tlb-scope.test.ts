// What a mapping change drops from the softmmu TLB (Memory.mappingChanged):
// INVLPG only the entries of its 4 MiB region, a CR3 load with CR4.PGE only
// those of pages that are not global, as a CPU's TLB (SDM vol. 3, 4.10.4.1).
// Each test reads pages through the slow path (which walks and fills the
// TLB), drops some scope, and looks at which entries generated code would
// still find; a page remapped behind the TLB's back shows the consequence.
import { describe, it, expect } from 'vitest';
import { Machine } from '../src/devices/index.js';
import { S } from '../src/frontend-x86/index.js';
import { MappingScope } from '../src/runtime/memory.js';
import { multibootKernel } from './support/elf.js';

const DIR = 0x10000, TABLE0 = 0x11000, TABLE1 = 0x12000;
const OLD = 0x11111111, NEW = 0x22222222;

/** Linear 0-8 MiB identity-mapped by two tables; pages 0x300 (region 0) and 0x500 (region 1) hold OLD, frames 0x700/0x701 NEW. */
function paged(global: boolean): Machine {
  const m = new Machine({ memoryMiB: 12, serialOut: () => {}, noReboot: true });
  m.loadMultiboot('tlb', multibootKernel([0xf4]), '');
  const dv = new DataView(m.mem.m8.buffer, m.mem.m8.byteOffset, m.mem.size);
  dv.setUint32(DIR, TABLE0 | 3, true);
  dv.setUint32(DIR + 4, TABLE1 | 3, true);
  for (let i = 0; i < 2048; i++) dv.setUint32(TABLE0 + 4 * i, (i << 12) | 3 | (global ? 0x100 : 0), true);
  for (const [page, frame] of [[0x300, 0x700], [0x500, 0x701]]) {
    dv.setUint32(page << 12, OLD, true);
    dv.setUint32(frame << 12, NEW, true);
  }
  const s = m.cpu.s;
  s[S.CR3] = DIR;
  s[S.CR4] |= 0x80; // PGE
  s[S.CR0] |= 0x80000001 | 0;
  m.cpu.updatePaging();
  return m;
}

/** Points page `page` at `frame` in its table, without telling the TLB. */
function remap(m: Machine, page: number, frame: number): void {
  new DataView(m.mem.m8.buffer, m.mem.m8.byteOffset, m.mem.size).setUint32(TABLE0 + 4 * page, (frame << 12) | 3, true);
}

const read = (m: Machine, page: number): number => m.mem.ld4(page << 12, -1) >>> 0;
/** Whether the TLB holds a translation of `page` (the fast path of generated code would use it). */
const cached = (m: Machine, page: number): boolean => m.mem.tR[page & 4095] === page << 12;
/** What generated code reads at `page` through a TLB hit. */
const fast = (m: Machine, page: number): number => new DataView(m.mem.m8.buffer).getUint32(m.mem.m8.byteOffset + (page << 12) + m.mem.tO[page & 4095], true) >>> 0;

describe('TLB entries a mapping change drops', () => {
  it('INVLPG: those of its 4 MiB region only', () => {
    const m = paged(false);
    expect([read(m, 0x300), read(m, 0x500)]).toEqual([OLD, OLD]);
    expect([cached(m, 0x300), cached(m, 0x500)]).toEqual([true, true]);
    remap(m, 0x300, 0x700);
    m.mem.mappingChanged(MappingScope.Region, 0x500123); // INVLPG in region 1
    expect([cached(m, 0x300), cached(m, 0x500)]).toEqual([true, false]);
    expect(fast(m, 0x300)).toBe(OLD); // the old translation, until its own INVLPG
    m.mem.mappingChanged(MappingScope.Region, 0x300000);
    expect(cached(m, 0x300)).toBe(false);
    expect(read(m, 0x300)).toBe(NEW);
    // Another 4 KiB page of the same region keeps its entry (only a large page's parts go together).
    read(m, 0x301);
    m.mem.mappingChanged(MappingScope.Region, 0x301000);
    expect([cached(m, 0x300), cached(m, 0x301)]).toEqual([true, false]);
  });

  it('a CR3 load with PGE: those of pages that are not global', () => {
    for (const global of [false, true]) {
      const m = paged(global);
      expect(read(m, 0x300)).toBe(OLD);
      m.cpu.updatePaging(true); // mov cr3
      expect(cached(m, 0x300), `global ${global}`).toBe(global);
      m.cpu.updatePaging(); // CR0 or CR4: everything
      expect(cached(m, 0x300)).toBe(false);
    }
  });

  it('a CR3 load after more fills than the TLB has entries still drops every non-global one', () => {
    const m = paged(false);
    new DataView(m.mem.m8.buffer, m.mem.m8.byteOffset, m.mem.size).setUint32(TABLE0 + 4 * 0x300, (0x300 << 12) | 0x103, true);
    for (let round = 0; round < 6; round++) {
      for (let page = 0x100; page < 0x800; page++) read(m, page);
      m.mem.mappingChanged(MappingScope.Region, 0x7ff000); // refills come back as new fills
      for (let page = 0x400; page < 0x800; page++) m.mem.mappingChanged(MappingScope.Region, page << 12);
    }
    for (let page = 0x100; page < 0x400; page++) read(m, page);
    expect((m.mem as unknown as { notGlobalCount: number }).notGlobalCount).toBeGreaterThan(4096); // the list overflowed
    m.cpu.updatePaging(true);
    expect(cached(m, 0x300)).toBe(true); // global
    expect([0x100, 0x2ff, 0x301, 0x3ff].map((p) => cached(m, p))).toEqual([false, false, false, false]);
  });
});
