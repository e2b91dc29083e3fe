// Shared by the guest-driven tests: building the test guests from source into
// a temporary directory, running a multiboot kernel in-process, and comparing
// two outputs line by line.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Machine, type RunResult } from '../../src/devices/index.js';

/** The repository root. */
export const REPO = fileURLToPath(new URL('../../', import.meta.url));

export function repoPath(rel: string): string {
  return join(REPO, rel);
}

export function makeTempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `rewind86-${prefix}-`));
}

function tail(text: string, lines = 15): string {
  const all = text.trimEnd().split('\n');
  return all.slice(-lines).join('\n');
}

/**
 * Why gcc cannot build 32-bit programs here, or null if it can. The guests need
 * `gcc -m32` with the 32-bit libc and libgcc (Debian/Ubuntu: gcc-multilib).
 */
export function gcc32Problem(): string | null {
  const cc = process.env.CC ?? 'gcc';
  const dir = makeTempDir('gcc32');
  try {
    writeFileSync(join(dir, 'probe.c'), '#include <stdio.h>\nint main(void) { puts("ok"); return 0; }\n');
    const r = spawnSync(cc, ['-m32', '-static', '-o', join(dir, 'probe'), join(dir, 'probe.c')], { encoding: 'utf8' });
    if (r.error) {
      return `cannot run ${cc} (${(r.error as NodeJS.ErrnoException).code}): install gcc and gcc-multilib ` +
        '(Debian/Ubuntu: apt-get install gcc-multilib; CI installs it)';
    }
    if (r.status !== 0) {
      const said = r.stderr.trim() ? ` ${cc} said:\n${tail(r.stderr, 8)}` : '';
      return `${cc} -m32 cannot build a 32-bit program here: install gcc-multilib ` +
        `(Debian/Ubuntu: apt-get install gcc-multilib; CI installs it).${said}`;
    }
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs one of the guest build scripts (path relative to the repository root)
 * with OUT_DIR=outDir, so nothing in the repository is written. Throws a
 * readable error when the build fails, naming gcc-multilib if that is why.
 */
export function buildGuests(script: string, outDir: string, args: string[] = []): void {
  const r = spawnSync('bash', [repoPath(script), ...args], {
    cwd: REPO,
    env: { ...process.env, OUT_DIR: outDir },
    encoding: 'utf8',
    maxBuffer: 16 << 20,
  });
  if (r.status === 0) return;
  const problem = gcc32Problem();
  if (problem) throw new Error(`cannot build the test guests: ${problem}`);
  throw new Error(`${script} ${args.join(' ')} failed (status ${r.status ?? r.signal}):\n${tail(r.stdout + r.stderr)}`);
}

export interface KernelRun {
  /** Every byte the guest wrote to COM1. */
  output: Buffer;
  result: RunResult;
  icount: number;
}

/** Boots a multiboot kernel in-process and runs it to the end. */
export function runKernel(file: string, opts: { cmdline?: string; memoryMiB?: number; data?: Uint8Array } = {}): KernelRun {
  const data = opts.data ?? readFileSync(file);
  let buf = Buffer.alloc(1 << 16);
  let len = 0;
  const machine = new Machine({
    memoryMiB: opts.memoryMiB ?? 128,
    serialOut: (byte) => {
      if (len === buf.length) {
        const bigger = Buffer.alloc(buf.length * 2);
        buf.copy(bigger);
        buf = bigger;
      }
      buf[len++] = byte;
    },
  });
  machine.loadMultiboot(file, data, opts.cmdline ?? '');
  const result = machine.run();
  return { output: buf.subarray(0, len), result, icount: machine.cpu.icount };
}

function show(line: string): string {
  const max = 300;
  return JSON.stringify(line.length > max ? `${line.slice(0, max)}...` : line);
}

/**
 * Null if the two outputs are identical; otherwise a short description of the
 * first line where they differ: its number, both versions, and the nearest
 * preceding line starting with `contextPrefix` (e.g. the difftest's "# form:"
 * headers), never a whole diff.
 */
export function firstDifference(
  expected: Buffer | string,
  actual: Buffer | string,
  labels: { expected: string; actual: string },
  contextPrefix?: string,
): string | null {
  const a = typeof expected === 'string' ? expected : expected.toString('latin1');
  const b = typeof actual === 'string' ? actual : actual.toString('latin1');
  if (a === b) return null;
  const lines = (text: string) => {
    const l = text.split('\n');
    if (l[l.length - 1] === '') l.pop();
    return l;
  };
  const la = lines(a);
  const lb = lines(b);
  const width = Math.max(labels.expected.length, labels.actual.length) + 1;
  const pad = (s: string) => `${s}:`.padEnd(width);
  let i = 0;
  while (i < la.length && i < lb.length && la[i] === lb[i]) i++;
  const header = `${labels.actual} differs from ${labels.expected}`;
  const counts = `(${labels.expected}: ${la.length} lines, ${labels.actual}: ${lb.length} lines)`;
  if (i === la.length && i === lb.length) return `${header} only in the newline at the end of the last line ${counts}`;
  const at = (l: string[], k: number) => (k < l.length ? show(l[k]) : '<end of output>');
  let msg =
    `${header} at line ${i + 1} ${counts}\n` +
    `  ${pad(labels.expected)} ${at(la, i)}\n` +
    `  ${pad(labels.actual)} ${at(lb, i)}`;
  if (contextPrefix) {
    for (let k = Math.min(i, la.length) - 1; k >= 0; k--) {
      if (la[k].startsWith(contextPrefix)) {
        msg += `\n  (line ${k + 1}: ${show(la[k])})`;
        break;
      }
    }
  }
  return msg;
}

/**
 * A test that the committed test/guests/bin/<name>.elf matches its sources:
 * a rebuild gives the same bytes or, with another toolchain, the same output
 * (`run` returns a guest's output for a kernel path).
 */
export function describeUpToDate(name: string, run: (kernel: string) => Buffer | string): void {
  const kernel = repoPath(`test/guests/bin/${name}.elf`);
  describe(`${name}.elf is up to date with its sources`, () => {
    let dir = '';
    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('a rebuild from source gives the committed binary (or, with another toolchain, the same output)', () => {
      dir = makeTempDir(name);
      buildGuests('test/guests/build.sh', dir, [name]);
      const rebuilt = join(dir, `${name}.elf`);
      if (readFileSync(rebuilt).equals(readFileSync(kernel))) return;
      const diff = firstDifference(run(kernel), run(rebuilt), { expected: `test/guests/bin/${name}.elf`, actual: `rebuilt ${name}.elf` });
      if (diff !== null) expect.fail(`the committed ${name}.elf is stale (rebuild it with test/guests/build.sh ${name}): ${diff}`);
    }, 300_000);
  });
}
