// sti, popf and iret leave the block loop (cpu.exitRequest) only when the
// loop has something to do: an interrupt waiting to be taken now that IF is
// set, single-stepping (TF), or resuming past a breakpoint (RF). A kernel
// enables interrupts tens of thousands of times while it boots, nearly
// always with none waiting. The STI shadow is set only for a waiting
// interrupt (one raised later is taken after the next instruction anyway).
// Delivery itself is tested with a guest in irq.test.ts.
import { describe, it, expect } from 'vitest';
import { Machine } from '../src/devices/index.js';
import { S, F } from '../src/frontend-x86/index.js';
import { sti, popf } from '../src/runtime/helpers-system.js';
import { iret } from '../src/runtime/interrupts.js';

function realModeCpu(waiting: boolean) {
  const m = new Machine({ memoryMiB: 2, serialOut: () => {} });
  const cpu = m.cpu;
  cpu.interruptPending = () => waiting;
  cpu.s[S.EFLAGS] &= ~F.IF;
  cpu.s[S.ESP] = 0x8000;
  cpu.exitRequest = false;
  return cpu;
}

describe('the interrupt window', () => {
  it('sti with no interrupt waiting: IF set, no shadow, blocks run on', () => {
    const cpu = realModeCpu(false);
    sti(cpu, 0);
    expect(cpu.s[S.EFLAGS] & F.IF).toBe(F.IF);
    expect(cpu.s[S.IRQ_SHADOW]).toBe(0);
    expect(cpu.exitRequest).toBe(false);
  });

  it('sti with an interrupt waiting: the loop takes it after the next instruction', () => {
    const cpu = realModeCpu(true);
    sti(cpu, 0);
    expect(cpu.s[S.IRQ_SHADOW]).toBe(1);
    expect(cpu.exitRequest).toBe(true);
  });

  it('popf: exits for a waiting interrupt or TF only (it cannot set RF)', () => {
    for (const [waiting, value, exits] of [
      [false, F.IF, false], [true, F.IF, true], [true, 0, false], [false, F.IF | F.TF, true],
    ] as const) {
      const cpu = realModeCpu(waiting);
      popf(cpu, value | F.FIXED1, 32, 0);
      expect(cpu.exitRequest, `popf ${value.toString(16)} waiting=${waiting}`).toBe(exits);
    }
  });

  it('iret at the same privilege level: exits for a waiting interrupt or TF only', () => {
    for (const [waiting, flags, exits] of [[false, F.IF, false], [true, F.IF, true], [false, F.TF, true]] as const) {
      const cpu = realModeCpu(waiting);
      cpu.push(2, flags | F.FIXED1); // FLAGS, CS, IP (real mode)
      cpu.push(2, 0);
      cpu.push(2, 0x1234);
      iret(cpu, 16, 0);
      expect(cpu.s[S.EIP]).toBe(0x1234);
      expect(cpu.exitRequest, `iret flags ${flags.toString(16)} waiting=${waiting}`).toBe(exits);
    }
  });
});
