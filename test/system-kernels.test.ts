// The system test kernels (test/guests/<name>/, self-checking: one PASS/FAIL
// line per check, exit code = failures) under rewind86, and under
// qemu-system-i386, which must print exactly the same: privilege levels,
// gates, the TSS, task switches, sysenter, I/O bitmap (privilege); 32-bit,
// PSE and PAE paging, A/D bits, WP, TLB flushes, SMC and remapped code (paging);
// TF single-step, DR0-DR3 instruction and data breakpoints, RF, DR6 (debug);
// limits, expand-down segments, rights, string instructions across limits (segments).
// Needs qemu-system-i386 (Debian: qemu-system-x86; .ci/run installs it).
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describeUpToDate, makeTempDir, repoPath } from './support/guests.js';

const CLI = repoPath('dist/cli/main.js');

interface Kernel { name: string; args: string[]; qemuArgs: string[] }

const kernel = (name: string, append = ''): Kernel => {
  const file = repoPath(`test/guests/bin/${name}.elf`);
  return { name: append ? `${name} ${append}` : name, args: ['--kernel', file, '--append', append], qemuArgs: ['-kernel', file, '-append', append] };
};

const KERNELS: Kernel[] = [kernel('privilege'), kernel('paging'), kernel('debug')];

function rewind86(k: Kernel) {
  const r = spawnSync(process.execPath, [CLI, 'run', ...k.args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

/** Runs under QEMU; the serial port goes to a file (with -serial stdio on a pipe, QEMU drops bytes a guest sends without polling the UART). */
function qemu(k: Kernel) {
  const dir = makeTempDir('qemu-serial');
  try {
    const out = join(dir, 'serial.txt');
    const r = spawnSync('qemu-system-i386', [...k.qemuArgs, '-display', 'none', '-serial', `file:${out}`,
      '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04', '-no-reboot', '-m', '128'], { encoding: 'utf8', timeout: 120_000 });
    if (r.error) throw new Error('qemu-system-i386 is not installed (Debian: apt-get install qemu-system-x86; .ci/run installs it)');
    return { status: r.status, out: readFileSync(out, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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

// A firmware image run from the reset vector: real mode, the IVT, real-mode exceptions, protected
// mode and back, unreal mode, operand/address-size prefixes. QEMU's TCG does not check segment
// limits in real mode, so under QEMU the ROM prints SKIP for those checks, which rewind86 must pass.
describe('realmode.rom (--bios)', () => {
  const rom = repoPath('test/guests/bin/realmode.rom');
  it('every check passes under rewind86, and every check QEMU passes is passed identically', () => {
    const r = rewind86({ name: 'realmode', args: ['--bios', rom], qemuArgs: [] });
    expect(r.out.split('\n').filter((l) => /^(FAIL|SKIP)/.test(l)), r.err).toEqual([]);
    expect(r.out).toMatch(/realmode: \d+ passed, 0 failed, 0 skipped/);
    expect(r.status).toBe(1);
    const q = qemu({ name: 'realmode', args: [], qemuArgs: ['-bios', rom] });
    expect(q.status).toBe(1);
    const qemuPassed = q.out.split('\n').filter((l) => l.startsWith('PASS'));
    expect(qemuPassed.length).toBeGreaterThan(150);
    const ours = new Set(r.out.split('\n'));
    expect(qemuPassed.filter((l) => !ours.has(l))).toEqual([]);
    expect(q.out.split('\n').filter((l) => l.startsWith('SKIP')).every((l) => /segment limits are not checked/.test(l))).toBe(true);
  });

  it('the committed image is what test/guests/rom/build.sh makes', () => {
    const dir = makeTempDir('rom');
    try {
      const b = spawnSync('bash', [repoPath('test/guests/rom/build.sh')], { env: { ...process.env, OUT_DIR: dir }, encoding: 'utf8' });
      expect(b.status, b.stderr).toBe(0);
      expect(readFileSync(join(dir, 'realmode.rom')).equals(readFileSync(rom))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// Segment limits, expand-down segments, rights and string instructions across limits: QEMU's TCG
// does not check limits or rights on data accesses, so the kernel prints SKIP for those under QEMU
// (and `strict` makes a SKIP a failure, as rewind86 must enforce them all).
describe('segments', () => {
  it('every check passes under rewind86 (strict), and every check QEMU passes is passed identically', () => {
    const r = rewind86(kernel('segments', 'strict'));
    expect(r.out.split('\n').filter((l) => /^(FAIL|SKIP)/.test(l)), r.err).toEqual([]);
    expect(r.out).toMatch(/segments: \d+ passed, 0 failed, 0 skipped/);
    expect(r.status).toBe(1);
    const q = qemu(kernel('segments'));
    expect(q.status).toBe(1);
    const qemuPassed = q.out.split('\n').filter((l) => l.startsWith('PASS'));
    expect(qemuPassed.length).toBeGreaterThan(50);
    const ours = new Set(rewind86(kernel('segments')).out.split('\n'));
    expect(qemuPassed.filter((l) => !ours.has(l))).toEqual([]);
  });
});

describeUpToDate('segments', (k) => spawnSync(process.execPath, [CLI, 'run', '--kernel', k], { encoding: 'utf8' }).stdout);
describeUpToDate('debug', (k) => spawnSync(process.execPath, [CLI, 'run', '--kernel', k], { encoding: 'utf8' }).stdout);
describeUpToDate('paging', (k) => spawnSync(process.execPath, [CLI, 'run', '--kernel', k], { encoding: 'utf8' }).stdout);
describeUpToDate('privilege', (k) => spawnSync(process.execPath, [CLI, 'run', '--kernel', k], { encoding: 'utf8' }).stdout);
