// How a machine boots, from the command line: multiboot modules (--initrd,
// as QEMU passes them to a multiboot kernel) and their replay; bad input.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prng } from './support/prng.js';
import { makeTempDir, repoPath } from './support/guests.js';

const CLI = repoPath('dist/cli/main.js');
const HELLO = repoPath('test/guests/bin/hello.elf');
const dir = makeTempDir('boot');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function qemuAvailable(): boolean {
  return !spawnSync('qemu-system-i386', ['--version']).error;
}

/** The same checksum the hello guest computes over a module's bytes. */
function moduleSum(bytes: Uint8Array): string {
  let sum = 0;
  for (const b of bytes) sum = (Math.imul(sum, 31) + b) >>> 0;
  return `0x${sum.toString(16).padStart(8, '0')}`;
}

describe('--initrd: multiboot modules', () => {
  const rnd = prng(0x1417);
  const small = new TextEncoder().encode('first module\n');
  const big = Uint8Array.from({ length: 70_001 }, () => Math.floor(rnd() * 256));
  writeFileSync(join(dir, 'm1.txt'), small);
  writeFileSync(join(dir, 'm2.bin'), big);
  const spec = 'm1.txt arg1 arg2,m2.bin';

  it('are loaded page-aligned after the kernel with their strings, as QEMU loads them', () => {
    const r = cli(['run', '--kernel', HELLO, '--append', 'x', '--initrd', spec]);
    expect(r.status, r.stderr).toBe(1);
    const modules = r.stdout.split('\n').filter((l) => l.startsWith('module'));
    expect(modules).toEqual([
      'modules=2',
      `module 0: ${small.length} bytes, page-aligned=yes, sum=${moduleSum(small)}, string="m1.txt arg1 arg2"`,
      `module 1: ${big.length} bytes, page-aligned=yes, sum=${moduleSum(big)}, string="m2.bin"`,
    ]);
    expect(r.stdout).toMatch(/flags=0x0000024d/); // mem, cmdline, mods, mmap, loader name
    if (qemuAvailable()) {
      const q = spawnSync('qemu-system-i386', ['-kernel', HELLO, '-append', 'x', '-initrd', spec, '-display', 'none', '-serial', 'stdio',
        '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04', '-no-reboot'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
      expect(q.status).toBe(1);
      expect(q.stdout.split('\n').filter((l) => l.startsWith('module'))).toEqual(modules);
    }
  });

  it('are part of a recording: replay reads and checks them', () => {
    const rec = spawnSync(process.execPath, [CLI, 'record', '--kernel', HELLO, '--initrd', spec, '--output', 'mods.log'],
      { cwd: dir, encoding: 'utf8', input: '', timeout: 60_000 });
    expect(rec.status, rec.stderr).toBe(1);
    const rep = cli(['replay', 'mods.log']);
    expect(rep.status, rep.stderr).toBe(1);
    expect(rep.stdout).toBe(rec.stdout);
    writeFileSync(join(dir, 'm2.bin'), big.subarray(1));
    const changed = cli(['replay', 'mods.log']);
    expect(changed.status).toBe(1);
    expect(changed.stderr).toMatch(/^rewind86: error: initrd \S+m2\.bin: not the file this log was recorded with\n$/);
    writeFileSync(join(dir, 'm2.bin'), big);
  });

  it('bad input: one line, status 1', () => {
    writeFileSync(join(dir, 'huge.bin'), new Uint8Array(3 << 20));
    for (const [args, why] of [
      [['--initrd', 'nosuch.bin'], /nosuch\.bin/],
      [['--initrd', 'm1.txt,,m2.bin'], /--initrd: an empty item/],
      [['--initrd', 'huge.bin', '--memory', '2'], /huge\.bin: module of 3145728 bytes does not fit in guest memory/],
    ] as Array<[string[], RegExp]>) {
      const r = cli(['run', '--kernel', HELLO, ...args]);
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/^rewind86: error: [^\n]+\n$/);
      expect(r.stderr).toMatch(why);
    }
  });
});
