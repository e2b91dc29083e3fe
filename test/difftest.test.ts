// The differential test (test/guests/difftest/README.md): one guest program
// built from the same sources twice, as a gcc -m32 Linux program run natively
// on the host and as a multiboot kernel run by rewind86. The emulator's serial
// output must equal the native stdout byte for byte.
//
// Both builds are made from source into a temporary directory, so the test
// checks the sources, not a committed binary. It needs gcc with 32-bit
// multilib support (gcc-multilib); without it the test fails and says so.
import { afterAll, describe, expect, it } from 'vitest';
import { setupOnce } from './support/setup.js';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildGuests, firstDifference, makeTempDir, runKernel, type KernelRun } from './support/guests.js';

describe('difftest: rewind86 against the native gcc -m32 build', () => {
  let dir = '';
  let native: Buffer;
  let emulated: KernelRun;
  const ready = setupOnce(setup);

  function setup(): void {
    dir = makeTempDir('difftest');
    buildGuests('test/guests/difftest/build.sh', dir);

    const r = spawnSync(join(dir, 'difftest-linux'), [], { maxBuffer: 256 << 20 });
    if (r.error) throw new Error(`cannot run the native difftest build: ${r.error.message}`);
    if (r.status !== 0) {
      throw new Error(`the native difftest build exited with status ${r.status ?? r.signal}: ${r.stderr.toString().trim()}`);
    }
    native = r.stdout;

    emulated = runKernel(join(dir, 'difftest.elf'), { memoryMiB: 128 });
  }

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the native build produces the expected kind of output', () => {
    // Guards the comparison below against two equally empty or broken outputs.
    ready();
    const text = native.toString('latin1');
    expect(text.split('\n', 1)[0]).toMatch(/^# rewind86 difftest/);
    expect(text).toContain('\n# group: alu\n');
    expect(text.split('\n').length).toBeGreaterThan(10_000);
  });

  it('emulator output equals the native output', () => {
    ready();
    const diff = firstDifference(native, emulated.output, { expected: 'native', actual: 'emulator' }, '# ');
    if (diff !== null) expect.fail(diff);
    expect(emulated.output.equals(native)).toBe(true);
  });

  it('the run ends through isa-debug-exit with status 1 (rt_exit(0))', () => {
    // The machine reports no message only when isa-debug-exit ended the run.
    ready();
    expect({ status: emulated.result.status, message: emulated.result.message }).toEqual({ status: 1, message: '' });
  });

  it('retires more than 1e7 guest instructions', () => {
    ready();
    expect(emulated.icount).toBeGreaterThan(1e7);
  });
});

describe('firstDifference (the mismatch report above)', () => {
  it('names the first differing line, both versions and the form it belongs to', () => {
    const native = '# group: alu\n# add_rr32: addl %ecx,%ebx\nadd_rr32 0 0 c97 : 0 444\nadd_rr32 0 1 446 : 1 400\nlast\n';
    const emu = '# group: alu\n# add_rr32: addl %ecx,%ebx\nadd_rr32 0 0 c97 : 0 444\nadd_rr32 0 1 446 : 1 404\nlast\n';
    expect(firstDifference(native, emu, { expected: 'native', actual: 'emulator' }, '# ')).toBe(
      'emulator differs from native at line 4 (native: 5 lines, emulator: 5 lines)\n' +
        '  native:   "add_rr32 0 1 446 : 1 400"\n' +
        '  emulator: "add_rr32 0 1 446 : 1 404"\n' +
        '  (line 2: "# add_rr32: addl %ecx,%ebx")',
    );
  });

  it('reports an output that stops early', () => {
    const msg = firstDifference('a\nb\nc\n', 'a\nb\n', { expected: 'native', actual: 'emulator' });
    expect(msg).toContain('at line 3');
    expect(msg).toContain('"c"');
    expect(msg).toContain('<end of output>');
  });

  it('is null for identical outputs', () => {
    expect(firstDifference(Buffer.from('x\n'), Buffer.from('x\n'), { expected: 'a', actual: 'b' })).toBeNull();
  });
});
