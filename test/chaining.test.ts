// Block linking in the execution loop (src/runtime/exec.ts): a block that
// jumps to its own start loops inside its compiled function, wherever it is
// (kernels run above 2^31, where EIP is negative in the int32 state array);
// links across pages stay exact when the page tables change under them.
import { describe, it, expect } from 'vitest';
import { Machine } from '../src/devices/index.js';
import { S } from '../src/frontend-x86/index.js';
import { multibootKernel } from './support/elf.js';

// mov ecx, 300000; L: dec ecx; jnz L; cli; hlt
const COUNT_DOWN = [0xb9, 0xe0, 0x93, 0x04, 0x00, 0x49, 0x75, 0xfd, 0xfa, 0xf4];
/** The multiboot header before the code (support/elf.ts). */
const ENTRY = 0x10000c;

function compiledSources(csBase: number): { sources: string[]; m: Machine } {
  const m = new Machine({ memoryMiB: 4, serialOut: () => {}, noReboot: true });
  m.loadMultiboot('count-down', multibootKernel(COUNT_DOWN), '');
  // The same linear address through a CS base that puts EIP above 2^31 (the sum wraps).
  const eip = (ENTRY - csBase) | 0;
  m.cpu.s[S.BASE + 1] = csBase;
  m.cpu.s[S.EIP] = eip;
  const sources: string[] = [];
  m.exec.debug = { outJs: true, write: (text) => { sources.push(text); } };
  const r = m.run();
  expect(r.reason).toBe('halted');
  expect(m.cpu.s[S.ECX]).toBe(0);
  return { sources, m };
}

describe('self-loops', () => {
  for (const [what, csBase] of [['below 2^31', 0], ['above 2^31', 0x80100000 | 0]] as const) {
    it(`a block jumping to its own start loops inside its function, EIP ${what}`, () => {
      const { sources, m } = compiledSources(csBase);
      const loop = sources.find((src) => src.includes(`tb_${(ENTRY + 5).toString(16).padStart(8, '0')}`));
      expect(loop, sources.join('\n')).toBeDefined();
      expect(loop).toContain('continue top');
      expect(m.cpu.icount).toBe(1 + 2 * 300000 + 2);
    });
  }
});

// Links between pages, and the TLB. Guest code at 1 MiB calls a function on the page at
// 2 MiB 3000 times (enough for both blocks to be compiled and linked), then
// maps that linear page to another physical page, whose function returns 2
// instead of 1, and calls it 3000 times again: EBX must end at 3000 + 6000.
//   xor ebx, ebx; xor edi, edi
// phase: xor esi, esi
// again: call 0x200000; add ebx, eax; inc esi; cmp esi, 3000; jne again
//   test edi, edi; jnz done; inc edi
//   <remap>; jmp phase
// done: cli; hlt
const REMAP_BY_INVLPG = [ // <remap>: mov dword [PTE of 0x200000], 0x201003; invlpg [0x200000]
  0x31, 0xdb, 0x31, 0xff, 0x31, 0xf6, 0xe8, 0xf5, 0xff, 0x0f, 0x00, 0x01, 0xc3, 0x46, 0x81, 0xfe, 0xb8, 0x0b, 0x00, 0x00,
  0x75, 0xf0, 0x85, 0xff, 0x75, 0x14, 0x47, 0xc7, 0x05, 0x00, 0x18, 0x01, 0x00, 0x03, 0x10, 0x20, 0x00, 0x0f, 0x01, 0x3d,
  0x00, 0x00, 0x20, 0x00, 0xeb, 0xd6, 0xfa, 0xf4,
];
const REMAP_BY_CR3 = [ // <remap>: mov eax, 0x12000 (a second page directory); mov cr3, eax
  0x31, 0xdb, 0x31, 0xff, 0x31, 0xf6, 0xe8, 0xf5, 0xff, 0x0f, 0x00, 0x01, 0xc3, 0x46, 0x81, 0xfe, 0xb8, 0x0b, 0x00, 0x00,
  0x75, 0xf0, 0x85, 0xff, 0x75, 0x0b, 0x47, 0xb8, 0x00, 0x20, 0x01, 0x00, 0x0f, 0x22, 0xd8, 0xeb, 0xdf, 0xfa, 0xf4,
];
const RETURN_1 = [0xb8, 0x01, 0x00, 0x00, 0x00, 0xc3]; // mov eax, 1; ret
const RETURN_2 = [0xb8, 0x02, 0x00, 0x00, 0x00, 0xc3]; // mov eax, 2; ret

function runRemap(code: number[], prepare: (m: Machine) => void = () => {}): Machine {
  const m = new Machine({ memoryMiB: 12, serialOut: () => {}, noReboot: true });
  m.loadMultiboot('remap', multibootKernel([0xf4]), ''); // flat protected mode
  const { m8 } = m.mem;
  const dv = new DataView(m.mem.m8.buffer, m.mem.m8.byteOffset, m.mem.size);
  // Directory 0x10000 -> table 0x11000: the first 4 MiB identity-mapped.
  // Directory 0x12000 -> table 0x13000: the same, but linear 2 MiB on physical 0x201000.
  dv.setUint32(0x10000, 0x11003, true);
  dv.setUint32(0x12000, 0x13003, true);
  for (let i = 0; i < 1024; i++) {
    dv.setUint32(0x11000 + 4 * i, (i << 12) | 3, true);
    dv.setUint32(0x13000 + 4 * i, i === 0x200 ? 0x201003 : (i << 12) | 3, true);
  }
  m8.set(code, 0x100000);
  m8.set(RETURN_1, 0x200000);
  m8.set(RETURN_2, 0x201000);
  const s = m.cpu.s;
  s[S.CR3] = 0x10000;
  s[S.CR0] |= 0x80000001 | 0;
  m.cpu.updatePaging();
  s[S.EIP] = 0x100000;
  s[S.ESP] = 0x90000;
  prepare(m);
  m.exec.flush();
  expect(m.run().reason).toBe('halted');
  return m;
}

describe('links between pages', () => {
  it('are undone by INVLPG: a call through a remapped page runs the new code', () => {
    expect(runRemap(REMAP_BY_INVLPG).cpu.s[S.EBX]).toBe(3000 + 6000);
  });

  it('are undone by a CR3 load', () => {
    expect(runRemap(REMAP_BY_CR3).cpu.s[S.EBX]).toBe(3000 + 6000);
  });

  // With CR4.PGE, a CR3 load leaves global pages' translations be (SDM vol. 3, 4.10.4.1), and so do the links into them.
  const globalPages = (global: boolean) => (m: Machine): void => {
    const dv = new DataView(m.mem.m8.buffer, m.mem.m8.byteOffset, m.mem.size);
    if (global) {
      dv.setUint32(0x11000 + 4 * 0x200, 0x200103, true);
      dv.setUint32(0x13000 + 4 * 0x200, 0x201103, true);
    }
    m.cpu.s[S.CR4] |= 0x80; // PGE
    m.cpu.updatePaging();
  };

  it('into pages that are not global are undone by a CR3 load with global pages enabled', () => {
    expect(runRemap(REMAP_BY_CR3, globalPages(false)).cpu.s[S.EBX]).toBe(3000 + 6000);
  });

  it('into a global page outlive a CR3 load, as its TLB entry does', () => {
    // A CPU may keep using a global page's translation after a CR3 load (SDM vol. 3,
    // 4.10.4.1), and this one does, in its TLB and in its links alike: every call after
    // the load still goes to the old function (1), none to the new one (2).
    expect(runRemap(REMAP_BY_CR3, globalPages(true)).cpu.s[S.EBX]).toBe(3000 + 3000);
  });

  it('into a global page are undone by INVLPG', () => {
    expect(runRemap(REMAP_BY_INVLPG, globalPages(true)).cpu.s[S.EBX]).toBe(3000 + 6000);
  });
});

// INVLPG of an address in a 4 MiB page drops every TLB entry of that page.
// Linear 4 MiB is a 4 MiB page (PSE) on physical 4 MiB; the guest reads two
// of its 4 KiB parts, remaps it to physical 8 MiB, invalidates one address
// and reads the other part again: the value must come from the new frame.
//   mov eax, [0x405000]; mov eax, [0x406000]
//   mov dword [0x10004], 0x800083   ; the directory entry: 8 MiB, present, writable, 4 MiB page
//   invlpg [0x405000]; mov ebx, [0x406000]; cli; hlt
const REMAP_LARGE_PAGE = [
  0xa1, 0x00, 0x50, 0x40, 0x00, 0xa1, 0x00, 0x60, 0x40, 0x00, 0xc7, 0x05, 0x04, 0x00, 0x01, 0x00, 0x83, 0x00, 0x80, 0x00,
  0x0f, 0x01, 0x3d, 0x00, 0x50, 0x40, 0x00, 0x8b, 0x1d, 0x00, 0x60, 0x40, 0x00, 0xfa, 0xf4,
];

describe('INVLPG', () => {
  it('in a 4 MiB page drops the cached translations of all of it', () => {
    const m = runRemap(REMAP_LARGE_PAGE, (mm) => {
      const dv = new DataView(mm.mem.m8.buffer, mm.mem.m8.byteOffset, mm.mem.size);
      dv.setUint32(0x10004, 0x400083, true);
      dv.setUint32(0x406000, 0x11111111, true);
      dv.setUint32(0x806000, 0x22222222, true);
      mm.cpu.s[S.CR4] |= 0x10; // PSE
      mm.cpu.updatePaging();
    });
    expect(m.cpu.s[S.EBX]).toBe(0x22222222);
  });
});
