// The smc guest (test/guests/smc/): self-modifying code. It runs code,
// rewrites it and runs it again: a cached function's imm32, a store into a
// later instruction of its own straight-line block, loops (patched between
// runs and patching themselves), functions copied into a buffer, stores
// crossing into a code page, and stosb / rep stosb / rep movsb / push
// rewriting the next instruction. It prints one PASS/FAIL line per case, then
//   smc: N passed, M failed
// and exits with M. Under QEMU every case passes (qemu-system-i386 -kernel
// test/guests/bin/smc.elf ... exits with status 1).
//
// Three ways to run it here:
//  - in one go (machine.run());
//  - cut at the guest's marks: before each self-modifying straight-line
//    sequence the guest writes K to port 0xe8 (unassigned elsewhere); the
//    test stops the machine there and runs exactly K instructions, which
//    ends at the rewritten instruction. The store and the instruction it
//    rewrites are then in one block shortened by the icount budget (a
//    translation that is not cached), as happens whenever a deadline falls
//    inside a block;
//  - in fixed slices of the icount budget (the output must not change).
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Machine, type RunResult } from '../src/devices/index.js';
import { describeUpToDate, firstDifference, repoPath } from './support/guests.js';

const KERNEL = repoPath('test/guests/bin/smc.elf');
const MARK_PORT = 0xe8;
/** Far above what the guest needs (~1e6 instructions): a guest that went astray stops here. */
const MAX_ICOUNT = 50_000_000;

/** The case names, in the order smc.c reports them: end("..."). */
const CASES = [...readFileSync(repoPath('test/guests/smc/smc.c'), 'utf8').matchAll(/\bend\("([^"]+)"\)/g)].map((m) => m[1]);

const CASE_LINE = /^(PASS|FAIL) (.*?)(: .*)?$/;
const SUMMARY = /^smc: (\d+) passed, (\d+) failed$/;

interface GuestRun {
  output: string;
  lines: string[];
  result: RunResult;
  icount: number;
  /** How many times the run was cut at a mark. */
  cuts: number;
}

function runSmc(kernel: string, mode: { cutAtMarks?: boolean; slice?: number } = {}): GuestRun {
  const out: number[] = [];
  const machine = new Machine({ memoryMiB: 64, serialOut: (b) => out.push(b) });
  machine.loadMultiboot(kernel, readFileSync(kernel), '');
  let cut = 0;
  let cuts = 0;
  if (mode.cutAtMarks) {
    machine.io.register(MARK_PORT, 1, {
      read: () => 0xff,
      write: (_port, _size, v) => {
        cut = v & 0xff;
        cuts++;
        machine.exec.stop(); // the OUT ends its block: the run stops right after it
      },
    });
  }
  let result: RunResult;
  for (;;) {
    const icount = machine.cpu.icount;
    const limit = Math.min(MAX_ICOUNT, cut ? icount + cut : mode.slice ? icount + mode.slice : Infinity);
    cut = 0;
    result = machine.run(limit);
    if (result.message === '') break; // isa-debug-exit
    if (result.reason === 'stopped' && mode.cutAtMarks) continue;
    if (result.reason === 'budget' && machine.cpu.icount < MAX_ICOUNT) continue;
    break;
  }
  const output = Buffer.from(out).toString('latin1');
  const lines = output.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return { output, lines, result, icount: machine.cpu.icount, cuts };
}

function expectAllPass(run: GuestRun): void {
  const failures = run.lines.filter((l) => l.startsWith('FAIL '));
  expect(failures).toEqual([]);
  const reported = run.lines.filter((l) => CASE_LINE.test(l)).map((l) => CASE_LINE.exec(l)![2]);
  expect(reported).toEqual(CASES);
  expect(run.lines[run.lines.length - 1]).toBe(`smc: ${CASES.length} passed, 0 failed`);
  expect({ status: run.result.status, message: run.result.message }).toEqual({ status: 1, message: '' });
}

describeUpToDate('smc', (k) => runSmc(k).output);

describe('smc.elf under rewind86', () => {
  let whole: GuestRun;
  beforeAll(() => {
    whole = runSmc(KERNEL);
  }, 300_000);

  it('smc.c lists the cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(16);
  });

  it('prints the header, one line per case and the summary', () => {
    expect(whole.lines[0]).toBe('smc: self-modifying code tests');
    const other = whole.lines.slice(1).filter((l) => !CASE_LINE.test(l) && !SUMMARY.test(l));
    expect(other).toEqual([]);
  });

  for (const name of ['(a)', '(b)', '(c)', '(d)', '(e)', '(f)', '(g)']) {
    it(`every ${name} case passes (one run, no budget cuts)`, () => {
      const mine = CASES.filter((c) => c.startsWith(`${name} `));
      expect(mine.length).toBeGreaterThan(0);
      for (const c of mine) {
        const line = whole.lines.find((l) => CASE_LINE.exec(l)?.[2] === c);
        expect(line ?? `<no line for "${c}": the guest stopped early?>`).toBe(`PASS ${c}`);
      }
    });
  }

  it('ends through isa-debug-exit with status 1 (exit code 0 = no failures)', () => {
    expect({ status: whole.result.status, message: whole.result.message }).toEqual({ status: 1, message: '' });
  });

  it('with the budget cut right after each rewritten instruction (uncached, shortened blocks), every case still passes', () => {
    const cut = runSmc(KERNEL, { cutAtMarks: true });
    expect(cut.cuts).toBeGreaterThan(2000);
    expectAllPass(cut);
  }, 300_000);

  for (const slice of [1009, 4099]) {
    it(`run in slices of ${slice} instructions, the output and the icount are those of the whole run`, () => {
      const sliced = runSmc(KERNEL, { slice });
      expect(firstDifference(whole.output, sliced.output, { expected: 'whole run', actual: `run in slices of ${slice}` })).toBeNull();
      expect(sliced.icount).toBe(whole.icount);
      expectAllPass(sliced);
    }, 300_000);
  }
});
