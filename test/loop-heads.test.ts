// Loop heads (tcg-ir/loops.ts): a compiled block whose exit leads back to
// one of its own instructions (not only its start) goes on there inside its
// wasm function. Guest-visible behaviour must not change: the same state
// and icount as one instruction per block, and a run stops at exactly the
// icount asked for, in the middle of such a loop too.
import { describe, it, expect } from 'vitest';
import { Machine } from '../src/devices/index.js';
import { S } from '../src/frontend-x86/index.js';
import { IrBuilder, enterableHeads, validateBlock } from '../src/tcg-ir/index.js';
import { cpuStateHash } from '../src/replay/index.js';
import { multibootKernel } from './support/elf.js';

const OUT = 0x300000;
// mov ecx, 20000; xor eax, eax; xor edx, edx
// A: add eax, ecx; rol eax, 3
// B: adc eax, edx; inc edx; mov ebx, edx; and ebx, 3; cmp ebx, 2; jb B    (back to B: an instruction inside the block)
//    dec ecx; jnz A                                                      (back to A: inside the block too)
//    mov [OUT], eax; mov [OUT+4], edx; cli; hlt
// The block starting at the first instruction holds A and B: both are its loop heads. B reads CF, which the first
// pass gets from rol and a pass back from cmp: what the translator knew at B on the first pass must not hold there.
const LOOPS = [
  0xb9, 0x20, 0x4e, 0x00, 0x00, 0x31, 0xc0, 0x31, 0xd2,
  0x01, 0xc8, 0xc1, 0xc0, 0x03,
  0x11, 0xd0, 0x42, 0x89, 0xd3, 0x83, 0xe3, 0x03, 0x83, 0xfb, 0x02, 0x72, 0xf3,
  0x49, 0x75, 0xeb,
  0xa3, 0x00, 0x00, 0x30, 0x00, 0x89, 0x15, 0x04, 0x00, 0x30, 0x00, 0xfa, 0xf4,
];

function machine(opts: { jitThreshold: number; blockInsnLimit?: number }): { m: Machine; blocks: () => number } {
  const m = new Machine({ memoryMiB: 4, serialOut: () => {}, noReboot: true });
  m.exec.jitThreshold = opts.jitThreshold;
  m.exec.blockInsnLimit = opts.blockInsnLimit ?? 128;
  let blocks = 0;
  m.exec.tracer = { block: () => { blocks++; }, translated: () => {}, interrupt: () => {} };
  m.loadMultiboot('loops', multibootKernel(LOOPS), '');
  return { m, blocks: () => blocks };
}

/** The guest's own answer: the loops in JavaScript. */
function expected(): { eax: number; edx: number } {
  let eax = 0, edx = 0;
  for (let ecx = 20000; ecx > 0; ecx--) {
    eax = (eax + ecx) >>> 0;
    eax = ((eax << 3) | (eax >>> 29)) >>> 0;
    let cf = eax & 1;
    do {
      eax = (eax + edx + cf) >>> 0;
      edx = (edx + 1) >>> 0;
      cf = (edx & 3) < 2 ? 1 : 0;
    } while (cf);
  }
  return { eax: eax | 0, edx };
}

describe('loop heads', () => {
  it('run the loops inside the compiled block, with the results and icount of one instruction per block', () => {
    const compiled = machine({ jitThreshold: 0 });
    expect(compiled.m.run().reason).toBe('halted');
    const want = expected();
    expect(compiled.m.mem.read32(OUT) | 0).toBe(want.eax);
    expect(compiled.m.mem.read32(OUT + 4)).toBe(want.edx);
    const reference = machine({ jitThreshold: 0, blockInsnLimit: 1 });
    reference.m.run();
    const promoted = machine({ jitThreshold: 3 });
    promoted.m.run();
    for (const other of [reference, promoted]) {
      expect(other.m.cpu.icount).toBe(compiled.m.cpu.icount);
      expect(cpuStateHash(other.m)).toBe(cpuStateHash(compiled.m));
    }
    // 40,000 passes of the inner loop: block by block they are each a block run; looping inside the block, a few.
    expect(reference.blocks()).toBeGreaterThan(40000);
    expect(compiled.blocks()).toBeLessThan(100);
    expect(promoted.blocks()).toBeLessThan(1000);
  });

  it('stop at exactly the icount asked for, inside the loops', () => {
    for (const limit of [1000, 12345, 77777, 300001]) {
      const compiled = machine({ jitThreshold: 0 });
      compiled.m.run(limit);
      const reference = machine({ jitThreshold: 0, blockInsnLimit: 1 });
      reference.m.run(limit);
      expect(compiled.m.cpu.icount).toBe(limit);
      expect(reference.m.cpu.icount).toBe(limit);
      expect(cpuStateHash(compiled.m), `at ${limit}`).toBe(cpuStateHash(reference.m));
      expect(compiled.m.cpu.s[S.EIP]).toBe(reference.m.cpu.s[S.EIP]);
    }
  });

  it('are enterable only when no local temp computed before them is read after them', () => {
    const b = new IrBuilder();
    const eax = b.global(0, 'eax');
    b.insnStart(0x1000, 0);
    const t = b.add(eax, b.const(1));
    b.mov(eax, t);
    b.insnStart(0x1003, 1);
    b.mov(eax, b.add(eax, b.const(2)));
    b.insnStart(0x1006, 2);
    b.mov(eax, b.add(t, b.const(3))); // reads t, computed in instruction 0
    b.exit(0x1003, 3);
    b.block.loopHeads.push(1, 2);
    expect(enterableHeads(b.block)).toEqual([]);
    expect(validateBlock(b.block).join()).toMatch(/live into a loop head/);
    b.block.loopHeads.length = 0;
    b.block.loopHeads.push(1);
    b.block.ops.splice(b.block.ops.length - 3, 2); // instruction 2 no longer reads t
    expect(enterableHeads(b.block)).toEqual([{ insn: 1, eip: 0x1003 }]);
  });
});
