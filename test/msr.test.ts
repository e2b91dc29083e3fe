// The MSRs a Linux kernel probes (SDM vol. 4): IA32_APIC_BASE reads as the
// architectural base with the BSP flag and the APIC disabled (CPUID claims
// none); MTRR capability (0xFE) is absent: #GP(0), as for any unknown MSR.
import { expect, it } from 'vitest';
import { Machine } from '../src/devices/index.js';
import { multibootKernel } from './support/elf.js';

it('IA32_APIC_BASE reads as disabled; IA32_MTRRCAP raises #GP', () => {
  const code = [
    0xb9, 0x1b, 0x00, 0x00, 0x00, 0x0f, 0x32, 0xa3, 0x00, 0x70, 0x00, 0x00, // mov ecx, 0x1b; rdmsr; mov [0x7000], eax
    0xb9, 0xfe, 0x00, 0x00, 0x00, 0x0f, 0x32, // mov ecx, 0xfe; rdmsr: #GP
    0xfa, 0xf4,
  ];
  const m = new Machine({ memoryMiB: 8, serialOut: () => {}, noReboot: true });
  m.loadMultiboot('msr', multibootKernel(code), '');
  const vectors: number[] = [];
  m.exec.tracer = { block: () => {}, translated: () => {}, interrupt: (v) => { vectors.push(v); } };
  m.run();
  expect(m.mem.read32(0x7000) >>> 0).toBe(0xfee00100);
  expect(vectors[0]).toBe(13);
});
