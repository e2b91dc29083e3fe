// The x87 differential test (test/guests/x87diff/README.md): one guest
// program built from the same sources twice, as a gcc -m32 Linux program run
// natively on the host (whose x87 is the reference) and as a multiboot kernel
// run by rewind86. Every line must be identical, except in the
// "transcendental" group (FSIN FCOS FSINCOS FPTAN FPATAN F2XM1 FYL2X FYL2XP1),
// whose results may differ by one unit in the last place, and then PE and C1
// (which follow the rounding) may differ too.
//
// Both builds are made from source into a temporary directory, so the test
// checks the sources; a second part checks that the committed
// test/guests/bin/x87diff.elf matches them. It needs gcc with 32-bit multilib
// support (gcc-multilib) and an x86 host; without them the test fails and
// says so.
import { afterAll, describe, expect, it } from 'vitest';
import { setupOnce } from './support/setup.js';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildGuests, describeUpToDate, firstDifference, makeTempDir, runKernel, type KernelRun } from './support/guests.js';

const LOOSE_GROUP = 'transcendental';

function textLines(out: Buffer): string[] {
  const l = out.toString('latin1').split('\n');
  if (l[l.length - 1] === '') l.pop();
  return l;
}

/** The group each line belongs to ("# group: NAME" starts one). */
function groupsOf(lines: string[]): string[] {
  let group = '';
  return lines.map((l) => {
    if (l.startsWith('# group: ')) group = l.slice(9);
    return group;
  });
}

/** The form each line belongs to ("# NAME: text" starts one, e.g. "# fadd_st0_sti: D8 C0+i ..."). */
function formsOf(lines: string[]): string[] {
  let form = '';
  return lines.map((l) => {
    const m = /^# ([^ :]+): /.exec(l);
    if (m && m[1] !== 'group') form = m[1]!;
    return form;
  });
}

/** Position of an extended value in the ordered set of extended values (sign-magnitude, across binades). */
function ulpIndex(hex: string): bigint | null {
  if (!/^[0-9a-f]{20}$/.test(hex)) return null;
  const v = BigInt(`0x${hex}`);
  const exp = Number((v >> 64n) & 0x7fffn);
  if (exp === 0x7fff) return null;
  const mant = v & ((1n << 64n) - 1n);
  const idx = exp === 0 ? mant : (BigInt(exp) << 63n) | (mant & ((1n << 63n) - 1n));
  return v >> 79n ? -idx : idx;
}

function nearValue(a: string, b: string): boolean {
  if (a === b) return true;
  const x = ulpIndex(a), y = ulpIndex(b);
  if (x === null || y === null) return false;
  const d = x - y;
  return d >= -1n && d <= 1n;
}

/**
 * A transcendental line: same inputs; the status word equal except PE and C1
 * (and ES/B, when PE is unmasked, since an unmasked PE sets them); the same
 * registers empty; each register within one ulp.
 */
function withinOneUlp(native: string, emulated: string): boolean {
  if (native === emulated) return true;
  const [ni, no] = native.split(' : ');
  const [ei, eo] = emulated.split(' : ');
  if (ni !== ei || no === undefined || eo === undefined) return false;
  const cw = parseInt(ni!.split(' ')[1]!, 16);
  const n = no.split(' '), e = eo.split(' ');
  if (n.length !== e.length || n.length < 2) return false;
  let loose = 0x0020 | 0x0200;
  if (!(cw & 0x20)) loose |= 0x8080;
  if ((parseInt(n[0]!, 16) & ~loose) !== (parseInt(e[0]!, 16) & ~loose)) return false;
  const nt = parseInt(n[1]!, 16), et = parseInt(e[1]!, 16);
  for (let p = 0; p < 8; p++) if ((((nt >> (2 * p)) & 3) === 3) !== (((et >> (2 * p)) & 3) === 3)) return false;
  for (let k = 2; k < n.length; k++) if (!nearValue(n[k]!, e[k]!)) return false;
  return true;
}

describe('x87diff: rewind86 against the native gcc -m32 build', () => {
  let dir = '';
  let native: string[] = [];
  let emulated: string[] = [];
  let groups: string[] = [];
  let run: KernelRun;
  const ready = setupOnce(setup);

  function setup(): void {
    if (process.arch !== 'x64' && process.arch !== 'ia32') {
      throw new Error(`x87diff compares against the host's own x87: this host is ${process.arch}, not x86`);
    }
    dir = makeTempDir('x87diff');
    buildGuests('test/guests/build.sh', dir, ['--linux', 'x87diff']);
    const exe = join(dir, 'linux', 'x87diff');
    const r = spawnSync(exe, [], { maxBuffer: 256 << 20 });
    if (r.error) throw new Error(`cannot run the native x87diff build: ${r.error.message}`);
    if (r.status !== 0) {
      throw new Error(`the native x87diff build exited with status ${r.status ?? r.signal}: ${r.stderr.toString().trim()}`);
    }
    native = textLines(r.stdout);
    groups = groupsOf(native);
    run = runKernel(join(dir, 'x87diff.elf'), { memoryMiB: 64 });
    emulated = textLines(run.output);
  }

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the native build produces the expected kind of output', () => {
    // Guards the comparisons below against two equally empty or broken outputs.
    ready();
    expect(native[0]).toBe('# rewind86 x87diff v1');
    expect(native[native.length - 1]).toBe('# end');
    for (const g of ['arith', 'arith-mem', 'unary', 'compare', 'load', 'store', 'stack', 'env', LOOSE_GROUP]) {
      expect(native).toContain(`# group: ${g}`);
    }
    expect(native.length).toBeGreaterThan(20_000);
    expect(native.filter((l) => l.includes('!mem'))).toEqual([]);
  });

  it('emulator output equals the native output (outside the transcendental group)', () => {
    ready();
    // Transcendental lines become placeholders, so line numbers stay those of the output.
    const exact = (lines: string[]) => lines.map((l, i) => (groups[i] === LOOSE_GROUP && !l.startsWith('# ') ? '~' : l));
    const diff = firstDifference(exact(native).join('\n') + '\n', exact(emulated).join('\n') + '\n', { expected: 'native', actual: 'emulator' }, '# ');
    if (diff === null) return;
    const forms = formsOf(native);
    const byForm = new Map<string, number>();
    native.forEach((l, i) => {
      if (groups[i] !== LOOSE_GROUP && l !== emulated[i]) byForm.set(forms[i]!, (byForm.get(forms[i]!) ?? 0) + 1);
    });
    const summary = [...byForm].map(([f, n]) => `${f} ${n}`).join(', ');
    expect.fail(`${diff}\n  differing lines by form: ${summary}`);
  });

  it('the transcendental group matches within one ulp', () => {
    ready();
    expect(emulated.length).toBe(native.length);
    const bad: string[] = [];
    let loose = 0;
    native.forEach((l, i) => {
      if (groups[i] !== LOOSE_GROUP || l === emulated[i]) return;
      if (withinOneUlp(l, emulated[i] ?? '')) loose++;
      else bad.push(`line ${i + 1}\n  native:   ${l}\n  emulator: ${emulated[i] ?? '<end of output>'}`);
    });
    if (bad.length) expect.fail(`${bad.length} transcendental lines differ by more than one ulp (or in a flag other than PE/C1), first ones:\n${bad.slice(0, 8).join('\n')}`);
    expect(loose).toBeLessThan(native.length);
  });

  it('the run ends through isa-debug-exit with status 1 (rt_exit(0))', () => {
    ready();
    expect({ status: run.result.status, message: run.result.message }).toEqual({ status: 1, message: '' });
  });
});

describe('withinOneUlp (the transcendental comparison)', () => {
  const line = (sw: string, v: string) => `fsin 037f 0000 3fff8000000000000000 : ${sw} 3fff ${v}`;
  it('accepts one ulp and a different PE or C1', () => {
    expect(withinOneUlp(line('3820', '3ffed76aa47848677020'), line('3a20', '3ffed76aa47848677021'))).toBe(true);
    expect(withinOneUlp(line('3820', '3fff8000000000000000'), line('3820', '3ffeffffffffffffffff'))).toBe(true); // across a binade
  });
  it('rejects two ulps, another flag, another register empty, a NaN', () => {
    expect(withinOneUlp(line('3820', '3ffed76aa47848677020'), line('3820', '3ffed76aa47848677022'))).toBe(false);
    expect(withinOneUlp(line('3820', '3ffed76aa47848677020'), line('3830', '3ffed76aa47848677020'))).toBe(false);
    expect(withinOneUlp(line('3820', '3ffed76aa47848677020'), line('3820', 'ffffc000000000000000'))).toBe(false);
    expect(withinOneUlp(line('3820', '3ffed76aa47848677020'), `fsin 037f 0000 3fff8000000000000000 : 3820 ffff`)).toBe(false);
  });
});

describeUpToDate('x87diff', (kernel) => runKernel(kernel, { memoryMiB: 64 }).output);
