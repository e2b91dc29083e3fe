// The exceptions guest (test/guests/README.md): protected-mode exception and
// interrupt delivery. It prints one PASS/FAIL/SKIP line per case, then
//   exceptions: N passed, M failed, K skipped
// and exits with M. Every case must pass and none may be skipped (rewind86
// checks segment limits and rights on data accesses, unlike QEMU's TCG).
//
// One test per case (taken from cases.c, so a new case gets a test), so a
// failure names the case and shows the guest's own explanation.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { describeUpToDate, repoPath, runKernel, type KernelRun } from './support/guests.js';

const KERNEL = repoPath('test/guests/bin/exceptions.elf');

/** The cases in the order cases.c runs them: begin("#DE", "div by zero", ...). */
const CASES = [...readFileSync(repoPath('test/guests/exceptions/cases.c'), 'utf8').matchAll(/\bbegin\("([^"]+)",\s*"([^"]*)"/g)]
  .map(([, tag, desc]) => ({ tag, desc, name: `${tag} ${desc}` }));

const CASE_LINE = /^(PASS|FAIL|SKIP) (\S+) +(.*?): /;
const SUMMARY = /^exceptions: (\d+) passed, (\d+) failed, (\d+) skipped$/;

let run: KernelRun;
let lines: string[] = [];

beforeAll(() => {
  run = runKernel(KERNEL);
  lines = run.output.toString('latin1').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
});

describeUpToDate('exceptions', (k) => runKernel(k).output);

describe('exceptions.elf under rewind86', () => {
  it('cases.c lists the cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  it('prints only the header, one line per case and the summary', () => {
    const other = lines.filter((l) => !CASE_LINE.test(l) && !SUMMARY.test(l));
    expect(other).toEqual([
      'exceptions: protected-mode exception tests',
      'segment limit/rights checks on data accesses: enforced',
    ]);
    const cases = lines.filter((l) => CASE_LINE.test(l)).map((l) => {
      const m = CASE_LINE.exec(l)!;
      return `${m[2]} ${m[3]}`;
    });
    expect(cases).toEqual(CASES.map((c) => c.name));
  });

  for (const c of CASES) {
    it(`PASS ${c.name}`, () => {
      const line = lines.find((l) => {
        const m = CASE_LINE.exec(l);
        return m !== null && m[2] === c.tag && m[3] === c.desc;
      });
      expect(line ?? '<no line for this case: the guest stopped early?>').toMatch(/^PASS /);
    });
  }

  it('the summary says every case passed, 0 failed and 0 skipped', () => {
    expect(lines[lines.length - 1]).toBe(`exceptions: ${CASES.length} passed, 0 failed, 0 skipped`);
  });

  it('the run ends through isa-debug-exit with status 1 (exit code 0 = no failures)', () => {
    expect({ status: run.result.status, message: run.result.message }).toEqual({ status: 1, message: '' });
  });
});
