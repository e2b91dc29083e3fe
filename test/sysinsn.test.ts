// The sysinsn guest (test/guests/sysinsn/): the system instructions the
// user-mode differential test cannot reach, at CPL 0: port I/O (in/out,
// ins/outs with and without rep, both directions), cpuid, rdtsc, rdmsr/wrmsr,
// control and debug registers, smsw/lmsw/clts, the descriptor-table
// registers, lldt/ltr/sldt/str, lar/lsl/verr/verw, arpl, invd/wbinvd/invlpg,
// IF with cli/sti/popf, lock, far call/ret/jmp, int n/iret and 16-bit iret
// frames. It prints one PASS/FAIL/SKIP line per case (values as key=value),
// then `sysinsn: N passed, M failed, K skipped`, and exits with M.
//
// The port I/O cases need a device: this test registers one at 0xe0-0xe7 (a
// byte-addressed scratch register and a FIFO, see SysinsnDevice) and tells
// the guest with the command line "dev"; "strict" makes the cases where
// QEMU's TCG is known to differ from the SDM count. Values that are
// rewind86's own (the CPUID vendor and feature bits, TSC = retired
// instructions) are printed by the guest and judged here, so the guest also
// passes under QEMU:
//   qemu-system-i386 -kernel test/guests/bin/sysinsn.elf -display none -serial stdio \
//       -device isa-debug-exit,iobase=0xf4,iosize=0x04 -no-reboot     # status 1
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Machine, type RunResult } from '../src/devices/index.js';
import { describeUpToDate, repoPath } from './support/guests.js';

const KERNEL = repoPath('test/guests/bin/sysinsn.elf');
const MAX_ICOUNT = 50_000_000;

/** The case files in the order main() runs them; each case name is written CASE("...") in run order. */
const CASE_FILES = ['cases_io.c', 'cases_cpu.c', 'cases_sys.c', 'cases_flow.c'];
const CASES = CASE_FILES.flatMap((f) =>
  [...readFileSync(repoPath(`test/guests/sysinsn/${f}`), 'utf8').matchAll(/\bCASE\("([^"]+)"\)/g)].map((m) => m[1]));

/** The cases that need the test device (they say SKIP without it). */
const DEVICE_CASES = [...readFileSync(repoPath('test/guests/sysinsn/cases_io.c'), 'utf8').matchAll(/\bCASE\("([^"]+)"\)/g)]
  .map((m) => m[1])
  .filter((n) => !n.includes('unclaimed port'));

// ---- the test device ----

const DEV_PORT = 0xe0;
const DEV_PORTS = 8;
const FIFO = 0xe4, COUNT = 0xe5, ERRORS = 0xe6, ID = 0xe7;
const ID_VALUE = 0xa5;
const POISON = 0xdeadbeef;

interface Access { dir: 'in' | 'out'; port: number; size: number; value: number }

/**
 * Ports 0xe0-0xe3: a scratch register, byte-addressed (an access of size s at
 * port p covers bytes p-0xe0 .. p-0xe0+s-1; bytes past 0xe3 read 0xff).
 * 0xe4: a FIFO of (size, value); reading pops the oldest entry, and an empty
 * FIFO or a read of another size gives POISON and counts an error.
 * 0xe5: entries in the FIFO (a write empties it). 0xe6: errors (cleared by
 * the read). 0xe7: 0xa5.
 */
class SysinsnDevice {
  readonly scratch = new Uint8Array(4);
  readonly fifo: Array<{ size: number; value: number }> = [];
  readonly log: Access[] = [];
  errors = 0;
  errorsTotal = 0;

  constructor(machine: Machine) {
    machine.io.register(DEV_PORT, DEV_PORTS, {
      read: (port, size) => {
        const value = this.read(port, size) & mask(size);
        this.log.push({ dir: 'in', port, size, value });
        return value;
      },
      write: (port, size, value) => {
        this.log.push({ dir: 'out', port, size, value: value & mask(size) });
        this.write(port, size, value & mask(size));
      },
    });
  }

  private read(port: number, size: number): number {
    if (port < FIFO) {
      let v = 0;
      for (let k = size - 1; k >= 0; k--) {
        const i = port - DEV_PORT + k;
        v = v * 256 + (i < 4 ? this.scratch[i] : 0xff);
      }
      return v;
    }
    switch (port) {
      case FIFO: {
        const e = this.fifo.shift();
        if (!e || e.size !== size) {
          this.errors++;
          this.errorsTotal++;
          return POISON;
        }
        return e.value;
      }
      case COUNT: return this.fifo.length;
      case ERRORS: { const e = this.errors; this.errors = 0; return e; }
      case ID: return ID_VALUE;
      default: return 0xffffffff;
    }
  }

  private write(port: number, size: number, value: number): void {
    if (port < FIFO) {
      for (let k = 0; k < size; k++) {
        const i = port - DEV_PORT + k;
        if (i < 4) this.scratch[i] = (value >>> (8 * k)) & 0xff;
      }
    } else if (port === FIFO) {
      this.fifo.push({ size, value });
    } else if (port === COUNT) {
      this.fifo.length = 0;
    }
  }
}

function mask(size: number): number {
  return size === 4 ? 0xffffffff : size === 2 ? 0xffff : 0xff;
}

// ---- running the guest ----

interface SysinsnRun {
  output: string;
  lines: string[];
  result: RunResult;
  device: SysinsnDevice | null;
}

function runSysinsn(kernel: string, cmdline: string, withDevice: boolean): SysinsnRun {
  const out: number[] = [];
  const machine = new Machine({ memoryMiB: 64, serialOut: (b) => out.push(b) });
  machine.loadMultiboot(kernel, readFileSync(kernel), cmdline);
  const device = withDevice ? new SysinsnDevice(machine) : null;
  const result = machine.run(MAX_ICOUNT);
  const output = Buffer.from(out).toString('latin1');
  const lines = output.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return { output, lines, result, device };
}

interface CaseLine { verdict: string; line: string; values: Map<string, string> }

/** Whether `line` is the line of case `name`: "VERDICT name[: key=value ...][ -- why]". */
function isLineOf(line: string, name: string): boolean {
  const rest = line.slice(5);
  return rest === name || rest.startsWith(`${name}: `) || rest.startsWith(`${name} -- `);
}

/** The line of case `name`, with its key=value pairs. */
function caseLine(run: SysinsnRun, name: string): CaseLine | undefined {
  for (const line of run.lines) {
    const m = /^(PASS|FAIL|SKIP) /.exec(line);
    if (!m || !isLineOf(line, name)) continue;
    const rest = line.slice(5);
    const values = new Map<string, string>();
    const body = rest.slice(name.length).split(' -- ')[0];
    for (const kv of body.matchAll(/(\w+)=("[^"]*"|\S+)/g)) values.set(kv[1], kv[2]);
    return { verdict: m[1], line, values };
  }
  return undefined;
}

function caseNames(run: SysinsnRun): string[] {
  const names: string[] = [];
  for (const line of run.lines) {
    if (!/^(PASS|FAIL|SKIP) /.test(line)) continue;
    const name = CASES.find((n) => isLineOf(line, n));
    names.push(name ?? `<unknown case: ${line}>`);
  }
  return names;
}

/** A printed value: decimal, 0x hex or a "string". */
function value(run: SysinsnRun, name: string, key: string): string | number {
  const v = caseLine(run, name)?.values.get(key);
  if (v === undefined) throw new Error(`case "${name}" printed no ${key}= (line: ${caseLine(run, name)?.line ?? 'none'})`);
  if (v.startsWith('"')) return v.slice(1, -1);
  return Number(v);
}

describeUpToDate('sysinsn', (k) => runSysinsn(k, 'dev strict', true).output);

describe('sysinsn.elf with the test device (command line "dev strict")', () => {
  let run: SysinsnRun;
  beforeAll(() => {
    run = runSysinsn(KERNEL, 'dev strict', true);
  }, 120_000);

  it('the case files list the cases, each name once', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(70);
    expect(new Set(CASES).size).toBe(CASES.length);
    expect(DEVICE_CASES.length).toBe(18);
  });

  it('prints the header, one line per case in order, and the summary', () => {
    expect(run.lines[0]).toBe('sysinsn: system instruction tests (test device: yes, strict)');
    expect(caseNames(run)).toEqual(CASES);
    expect(run.lines.length).toBe(CASES.length + 2);
  });

  for (const name of CASES) {
    it(`PASS ${name}`, () => {
      const c = caseLine(run, name);
      expect(c?.line ?? '<no line for this case: the guest stopped early?>').toMatch(/^PASS /);
    });
  }

  it('the summary says every case passed; the run ends through isa-debug-exit with status 1', () => {
    expect(run.lines[run.lines.length - 1]).toBe(`sysinsn: ${CASES.length} passed, 0 failed, 0 skipped`);
    expect({ status: run.result.status, message: run.result.message }).toEqual({ status: 1, message: '' });
  });

  it('CPUID leaf 0: vendor "Rewind86 x86", maximum leaf 1', () => {
    const name = 'cpuid leaf 0: maximum leaf and vendor string';
    expect(value(run, name, 'vendor')).toBe('Rewind86 x86');
    expect(value(run, name, 'max')).toBe(1);
  });

  it('CPUID leaf 1: family 6; EDX has TSC, CX8, CMOV and no MMX or SSE bit', () => {
    const name = 'cpuid leaf 1: signature and feature bits';
    expect(value(run, name, 'family')).toBe(6);
    const edx = value(run, name, 'edx') as number;
    for (const bit of [4, 8, 15]) expect({ bit, set: ((edx >>> bit) & 1) === 1 }).toEqual({ bit, set: true });
    for (const bit of [23, 25, 26]) expect({ bit, set: ((edx >>> bit) & 1) === 1 }).toEqual({ bit, set: false });
  });

  it('RDTSC counts retired instructions: two RDTSCs 11 instructions apart differ by 11', () => {
    const name = 'rdtsc difference over a straight-line sequence';
    expect(value(run, name, 'insns')).toBe(11);
    expect(value(run, name, 'delta')).toBe(11);
  });

  it('RDMSR 0x10 reads the TSC at its own icount: 3 after the first RDTSC, which is 5 before the second', () => {
    const name = 'rdmsr 0x10 (TSC) between two rdtsc';
    expect(value(run, name, 'msr_minus_t0')).toBe(3);
    expect(value(run, name, 't1_minus_t0')).toBe(5);
  });

  it('LAR masks the access rights with 0x00f0ff00 (bits 19:16 zero)', () => {
    expect(value(run, 'lar/lsl/verr/verw: code segment', 'lar')).toBe(0x00d09b00);
    expect(value(run, 'lar/lsl/verr/verw: data segment', 'lar')).toBe(0x00409300);
  });

  it('the test device never saw a FIFO read of the wrong size or from an empty FIFO, and was used at every size', () => {
    const dev = run.device!;
    expect(dev.errorsTotal).toBe(0);
    for (const dir of ['in', 'out'] as const) {
      for (const size of [1, 2, 4]) {
        expect({ dir, size, used: dev.log.some((a) => a.dir === dir && a.port === FIFO && a.size === size) })
          .toEqual({ dir, size, used: true });
      }
    }
  });
});

describe('sysinsn.elf without the test device', () => {
  it('the port I/O cases say SKIP, every other case passes, exit status 1', () => {
    const run = runSysinsn(KERNEL, '', false);
    expect(run.lines[0]).toBe('sysinsn: system instruction tests (test device: no)');
    expect(caseNames(run)).toEqual(CASES);
    for (const name of CASES) {
      const verdict = caseLine(run, name)?.verdict;
      expect({ name, verdict }).toEqual({ name, verdict: DEVICE_CASES.includes(name) ? 'SKIP' : 'PASS' });
    }
    expect(run.lines[run.lines.length - 1])
      .toBe(`sysinsn: ${CASES.length - DEVICE_CASES.length} passed, 0 failed, ${DEVICE_CASES.length} skipped`);
    expect({ status: run.result.status, message: run.result.message }).toEqual({ status: 1, message: '' });
  }, 120_000);
});
