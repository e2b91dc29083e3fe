// The system test kernels (test/guests/<name>/, self-checking: one PASS/FAIL
// line per check, exit code = failures) under rewind86, and under
// qemu-system-i386, which must print exactly the same: privilege levels,
// gates, the TSS, task switches, sysenter, I/O bitmap (privilege); 32-bit,
// PSE and PAE paging, A/D bits, WP, TLB flushes, SMC and remapped code (paging).
// Needs qemu-system-i386 (Debian: qemu-system-x86; .ci/run installs it).
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { describeUpToDate, repoPath } from './support/guests.js';

const CLI = repoPath('dist/cli/main.js');

interface Kernel { name: string; args: string[]; qemuArgs: string[] }

const kernel = (name: string, append = ''): Kernel => {
  const file = repoPath(`test/guests/bin/${name}.elf`);
  return { name: append ? `${name} ${append}` : name, args: ['--kernel', file, '--append', append], qemuArgs: ['-kernel', file, '-append', append] };
};

const KERNELS: Kernel[] = [kernel('privilege'), kernel('paging')];

function rewind86(k: Kernel) {
  const r = spawnSync(process.execPath, [CLI, 'run', ...k.args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

function qemu(k: Kernel) {
  const r = spawnSync('qemu-system-i386', [...k.qemuArgs, '-display', 'none', '-serial', 'stdio',
    '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04', '-no-reboot', '-m', '128'], { encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw new Error('qemu-system-i386 is not installed (Debian: apt-get install qemu-system-x86; .ci/run installs it)');
  return { status: r.status, out: r.stdout };
}

describe('system test kernels', () => {
  for (const k of KERNELS) {
    it(`${k.name}: every check passes under rewind86, with QEMU's output`, () => {
      const r = rewind86(k);
      const failed = r.out.split('\n').filter((l) => l.startsWith('FAIL'));
      expect(failed, r.err).toEqual([]);
      expect(r.out).toMatch(/\b0 failed\b/);
      expect(r.status, r.err).toBe(1); // isa-debug-exit(0)
      const q = qemu(k);
      expect(q.status).toBe(1);
      expect(r.out).toBe(q.out);
    }, 180_000);
  }
});

// QEMU 7.2 reports reserved-bit page faults without the P bit (SDM vol. 3, 4.7 sets both), so by
// default the paging kernel prints err|P; `strict` judges the raw error code, which rewind86 gets right.
describe('paging strict', () => {
  it('every check passes under rewind86 with the raw page-fault error codes judged', () => {
    const r = rewind86(kernel('paging', 'strict'));
    expect(r.out.split('\n').filter((l) => l.startsWith('FAIL')), r.err).toEqual([]);
    expect(r.out).toMatch(/\b0 failed\b/);
    expect(r.status).toBe(1);
  });
});

describeUpToDate('paging', (k) => spawnSync(process.execPath, [CLI, 'run', '--kernel', k], { encoding: 'utf8' }).stdout);
describeUpToDate('privilege', (k) => spawnSync(process.execPath, [CLI, 'run', '--kernel', k], { encoding: 'utf8' }).stdout);
