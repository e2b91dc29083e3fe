// How a pending unmasked x87 exception reaches the program (SDM vol. 1,
// 8.7): with CR0.NE set, the next waiting x87 instruction raises #MF
// (vector 16); with NE clear (the PC's DOS-compatible mode), FERR# raises
// IRQ 13, which a write to port 0xF0 clears.
import { describe, expect, it } from 'vitest';
import { Machine } from '../src/devices/index.js';
import { S } from '../src/frontend-x86/index.js';
import { multibootKernel } from './support/elf.js';

// fninit; push 0x037b; fldcw [esp] (ZE unmasked); fld1; fldz; fdivp st1, st0 (1/0: ZE pending); fwait
const DIVIDE_BY_ZERO = [0xdb, 0xe3, 0x68, 0x7b, 0x03, 0x00, 0x00, 0xd9, 0x2c, 0x24, 0xd9, 0xe8, 0xd9, 0xee, 0xde, 0xf9, 0x9b];
const SET_NE = [0x0f, 0x20, 0xc0, 0x83, 0xc8, 0x20, 0x0f, 0x22, 0xc0]; // mov eax, cr0; or eax, 0x20; mov cr0, eax
const ACK_F0 = [0xe6, 0xf0]; // out 0xf0, al
const HALT = [0xfa, 0xf4]; // cli; hlt

function run(code: number[]) {
  const m = new Machine({ memoryMiB: 8, serialOut: () => {}, noReboot: true });
  m.loadMultiboot('fpu-errors', multibootKernel(code), '');
  const vectors: number[] = [];
  m.exec.tracer = { block: () => {}, translated: () => {}, interrupt: (v) => { vectors.push(v); } };
  const r = m.run();
  const irq13 = (m.pic.save().slave.irr & (1 << 5)) !== 0;
  return { r, vectors, irq13, fsw: m.cpu.s[S.FSW]! };
}

describe('pending x87 exceptions', () => {
  it('CR0.NE clear: the waiting instruction asserts IRQ 13 (FERR#) and goes on', () => {
    const x = run([...DIVIDE_BY_ZERO, ...HALT]);
    expect(x.vectors).toEqual([]);
    expect(x.irq13).toBe(true);
    expect(x.fsw & 0x8084).toBe(0x8084); // B, ES, ZE
    expect(x.r.message).toMatch(/halted/);
  });

  it('a write to port 0xF0 clears IRQ 13', () => {
    expect(run([...DIVIDE_BY_ZERO, ...ACK_F0, ...HALT]).irq13).toBe(false);
  });

  it('CR0.NE set: the waiting instruction raises #MF (vector 16) instead', () => {
    const x = run([...SET_NE, ...DIVIDE_BY_ZERO, ...HALT]);
    expect(x.vectors[0]).toBe(16);
    expect(x.irq13).toBe(false);
  });
});
