// The irq guest (test/guests/irq/): hardware interrupt delivery through the
// IDT (interrupt gate at 0x20, trap gate at 0x21): STI; HLT waking up, IF=0
// holding a pending interrupt off, the STI shadow, POPF without a shadow,
// two interrupts back to back, an interrupt in the middle of a busy loop.
//
// rewind86 has no interrupt controller yet, so this test supplies the
// interrupt source: a small device at port 0xe0 that the guest programs
// ("raise vector V, D instructions from now"), assigned to
// machine.exec.irqSource. A real device tells the execution loop about a
// deadline by the icount limit it runs to; the test does the same: it runs
// the machine in slices (machine.run(limit)) that end at the next deadline,
// and when the guest halts with IF=1 it moves time forward to the next
// deadline (as the halted-CPU warp of DESIGN.md does), then runs on.
//
// The same guest runs under QEMU with `-append pit` (the PC's PIT and PIC
// instead of the test device; every case with vector 0x20 passes there) and
// with `-append soft` (software INT only).
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Machine, type RunResult } from '../src/devices/index.js';
import { S, F } from '../src/frontend-x86/index.js';
import { type InterruptSource } from '../src/runtime/index.js';
import { describeUpToDate, repoPath } from './support/guests.js';
import { elfSymbols } from './support/elf.js';

const KERNEL = repoPath('test/guests/bin/irq.elf');
const MAX_ICOUNT = 50_000_000;
const DEV_PORT = 0xe0;
const DEV_QUEUED_PORT = 0xe4;
const DEV_ID = 0x54515249; // "IRQT"
const ON_IDLE = 0xffffff;

/** The case names in the order irq.c runs them (the string literals passed to end() / skip()). */
const CASE_NAMES = (() => {
  const src = readFileSync(repoPath('test/guests/irq/irq.c'), 'utf8');
  const names: string[] = [];
  for (const m of src.matchAll(/(?:end\("([^"]+)"\)|name = "([^"]+)";|^\s+"([^"]+)",$)/gm)) names.push(m[1] ?? m[2] ?? m[3]);
  return names;
})();

const CASE_LINE = /^(PASS|FAIL|SKIP) (.*?)(: .*)?$/;

// ---- the guest's symbols (for the EIPs the CPU must save): elfSymbols from support/elf.ts ----

// ---- the test's interrupt device ----

interface Raised { vector: number; due: number; seq: number }
interface Ack { vector: number; eip: number; icount: number }

/** Port 0xe0: read = ID; write = vector | delay << 8 (delay 0xffffff: only when the CPU idles). Port 0xe4: raised, not yet taken. */
class TestInterruptDevice implements InterruptSource {
  readonly queue: Raised[] = [];
  readonly acks: Ack[] = [];
  private seq = 0;

  constructor(private readonly machine: Machine) {
    machine.io.register(DEV_PORT, 8, {
      read: (port) => (port === DEV_PORT ? DEV_ID : port === DEV_QUEUED_PORT ? this.queue.length : -1),
      write: (port, _size, v) => {
        if (port !== DEV_PORT) return;
        const cpu = machine.cpu;
        const now = cpu.icountAt(cpu.ioInsn); // the OUT's own icount
        const delay = v >>> 8;
        this.queue.push({ vector: v & 0xff, due: delay === ON_IDLE ? Infinity : now + delay, seq: this.seq++ });
        this.queue.sort((a, b) => a.due - b.due || a.seq - b.seq);
        // A new deadline may come before the limit the machine is running to: end this
        // run after the OUT's block, so that the driver runs on to the new deadline.
        machine.exec.stop();
      },
    });
  }

  pending(): boolean {
    return this.queue.length > 0 && this.queue[0].due <= this.machine.cpu.icount;
  }

  acknowledge(): number {
    const r = this.queue.shift()!;
    const cpu = this.machine.cpu;
    this.acks.push({ vector: r.vector, eip: cpu.s[S.EIP] >>> 0, icount: cpu.icount });
    return r.vector;
  }

  /** The next deadline still in the future, or Infinity. */
  nextDeadline(): number {
    const now = this.machine.cpu.icount;
    for (const r of this.queue) if (r.due > now && r.due !== Infinity) return r.due;
    return Infinity;
  }

  /** The CPU idles: time jumps to the earliest raised interrupt. False when nothing would ever come. */
  warp(): boolean {
    if (this.queue.length === 0) return false;
    this.queue[0].due = Math.min(this.queue[0].due, this.machine.cpu.icount);
    return true;
  }
}

interface Halt {
  result: RunResult;
  eip: number;
  icount: number;
  ifOn: boolean;
  /** Only "on idle" interrupts were waiting (nothing scheduled at all). */
  nothingScheduled: boolean;
  /** A second machine.run() with nothing changed: it must stay halted without running anything. */
  again?: { result: RunResult; icount: number };
}

interface IrqRun {
  output: string;
  lines: string[];
  result: RunResult;
  halts: Halt[];
  acks: Ack[];
  icount: number;
}

function runIrq(kernel: string, cmdline: string, withDevice: boolean): IrqRun {
  const out: number[] = [];
  const machine = new Machine({ memoryMiB: 64, serialOut: (b) => out.push(b) });
  machine.loadMultiboot(kernel, readFileSync(kernel), cmdline);
  const dev = withDevice ? new TestInterruptDevice(machine) : null;
  if (dev) machine.exec.irqSource = dev;
  const cpu = machine.cpu;
  const halts: Halt[] = [];
  let result: RunResult;
  for (;;) {
    const limit = Math.min(MAX_ICOUNT, dev ? dev.nextDeadline() : Infinity);
    result = machine.run(limit);
    if (result.message === '') break; // isa-debug-exit
    if (result.reason === ('stopped' as RunResult['reason'])) continue; // the device was programmed
    if (result.reason === ('budget' as RunResult['reason'])) {
      if (cpu.icount >= MAX_ICOUNT) break;
      continue; // a deadline: the interrupt is pending now
    }
    if (result.reason === ('halted' as RunResult['reason']) && dev) {
      const ifOn = (cpu.s[S.EFLAGS] & F.IF) !== 0;
      const halt: Halt = {
        result, eip: cpu.s[S.EIP] >>> 0, icount: cpu.icount, ifOn,
        nothingScheduled: dev.queue.length > 0 && dev.queue.every((r) => r.due === Infinity),
      };
      halts.push(halt);
      if (halt.nothingScheduled) {
        const r2 = machine.run(MAX_ICOUNT);
        halt.again = { result: r2, icount: cpu.icount };
      }
      if (ifOn && dev.warp()) continue;
    }
    break;
  }
  const output = Buffer.from(out).toString('latin1');
  const lines = output.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return { output, lines, result, halts, acks: dev?.acks ?? [], icount: cpu.icount };
}

function caseLines(run: IrqRun): Array<{ verdict: string; name: string; line: string }> {
  return run.lines.filter((l) => CASE_LINE.test(l)).map((l) => {
    const m = CASE_LINE.exec(l)!;
    return { verdict: m[1], name: m[2], line: l };
  });
}

const SYMS = elfSymbols(readFileSync(KERNEL));
const sym = (name: string) => {
  const v = SYMS.get(name);
  if (v === undefined) throw new Error(`irq.elf has no symbol ${name}`);
  return v;
};

describeUpToDate('irq', (k) => runIrq(k, '', true).output);

describe('irq.elf with the test interrupt device', () => {
  let run: IrqRun;
  beforeAll(() => {
    run = runIrq(KERNEL, '', true);
  }, 300_000);

  it('irq.c lists the cases', () => {
    expect(CASE_NAMES.length).toBe(10);
  });

  it('reports every case, in order, and nothing else', () => {
    expect(caseLines(run).map((c) => c.name)).toEqual(CASE_NAMES);
    expect(run.lines[0]).toBe('irq: interrupt delivery tests, source: test device');
  });

  for (const name of CASE_NAMES) {
    it(`PASS ${name}`, () => {
      const c = caseLines(run).find((x) => x.name === name);
      expect(c?.line ?? '<no line for this case: the guest stopped early?>').toBe(`PASS ${name}`);
    });
  }

  it('summary: all passed, none skipped; the run ends through isa-debug-exit with status 1', () => {
    expect(run.lines[run.lines.length - 1]).toBe(`irq: ${CASE_NAMES.length} passed, 0 failed, 0 skipped`);
    expect({ status: run.result.status, message: run.result.message }).toEqual({ status: 1, message: '' });
  });

  it('every interrupt the device raised was acknowledged, as many as the guest counted', () => {
    const counted = run.lines.find((l) => l.startsWith('irq: hardware interrupts taken: '));
    expect(counted).toBe(`irq: hardware interrupts taken: ${run.acks.length}`);
    expect(run.acks.map((a) => a.vector)).toEqual([0x20, 0x20, 0x20, 0x21, 0x20, 0x20, 0x20, 0x20, 0x21, 0x20, 0x21]);
  });

  it('each interrupt was delivered with EIP where the guest expects to resume', () => {
    const hlt = sym('hlt_resume'), afterSti = sym('sti_flag_resume'), afterPopf = sym('popf_resume');
    const loop = [sym('spin_loop'), sym('spin_done')];
    const at = run.acks.map((a) => a.eip);
    expect(at.slice(0, 5)).toEqual([hlt, hlt, hlt, hlt, hlt]); // sti; hlt x3, 0x21, nothing scheduled
    expect(at.slice(5, 9)).toEqual([afterSti, afterPopf, afterSti, afterSti]); // shadow, popf, back to back
    for (const eip of at.slice(9)) {
      expect(eip).toBeGreaterThanOrEqual(loop[0]);
      expect(eip).toBeLessThan(loop[1]);
    }
  });

  it('Machine.run returns "halted" (IF=1, EIP after the hlt) while the guest waits with nothing pending', () => {
    expect(run.halts.length).toBe(5); // three 0x20 waits, one 0x21, one with nothing scheduled
    for (const h of run.halts) {
      expect(h.result.reason).toBe('halted');
      expect(h.result.status).toBe(0);
      expect(h.result.message).toMatch(/halted/);
      expect(h.result.message).toContain(`0x${sym('hlt_resume').toString(16)}`);
      expect(h.result.message).toContain('interrupts enabled');
      expect(h.ifOn).toBe(true);
      expect(h.eip).toBe(sym('hlt_resume'));
    }
  });

  it('a halted CPU with no interrupt pending stays halted across machine.run() calls, retiring nothing', () => {
    const idle = run.halts.filter((h) => h.nothingScheduled);
    expect(idle.length).toBe(1);
    const h = idle[0];
    expect(h.again?.result.reason).toBe('halted');
    expect(h.again?.result.message).toBe(h.result.message);
    expect(h.again?.icount).toBe(h.icount);
  });

  it('an interrupt raised while the CPU is halted wakes it: delivered at the icount of the halt', () => {
    for (const h of run.halts) {
      const ack = run.acks.find((a) => a.icount >= h.icount);
      expect(ack).toBeDefined();
      expect(ack!.icount).toBe(h.icount);
      expect(ack!.eip).toBe(h.eip);
    }
  });

  it('is deterministic: a second run takes the same interrupts at the same icounts and prints the same', () => {
    const again = runIrq(KERNEL, '', true);
    expect(again.output).toBe(run.output);
    expect(again.acks).toEqual(run.acks);
    expect(again.icount).toBe(run.icount);
  });
});

describe('irq.elf without an interrupt source', () => {
  it('with "soft", the software INT cases pass and the hardware ones are skipped', () => {
    const run = runIrq(KERNEL, 'soft', false);
    const cases = caseLines(run);
    expect(cases.map((c) => c.name)).toEqual(CASE_NAMES);
    expect(cases.filter((c) => c.verdict === 'PASS').map((c) => c.name)).toEqual(CASE_NAMES.slice(0, 2));
    expect(cases.filter((c) => c.verdict === 'SKIP').length).toBe(CASE_NAMES.length - 2);
    expect(run.lines[run.lines.length - 1]).toBe(`irq: 2 passed, 0 failed, ${CASE_NAMES.length - 2} skipped`);
    expect({ status: run.result.status, message: run.result.message }).toEqual({ status: 1, message: '' });
  });

  it('without the device (and no "soft"), the guest says so and exits with code 125', () => {
    const run = runIrq(KERNEL, '', false);
    expect(run.lines).toEqual(['irq: no interrupt test device at port 0xe0 (under QEMU: -append soft, or -append pit)']);
    expect(run.result.status).toBe((125 << 1) | 1);
  });
});
