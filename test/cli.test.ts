// The command line, as a user meets it: the built CLI (dist/cli/main.js, built
// once by `npx tsc -p .`) spawned with real files. Covers a normal run,
// --stats, -d, and the bad-input rule of DESIGN.md: a one-line error naming
// the file or field, exit status 1, no stack trace, no file changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { multibootHeader, multibootKernel, elf32 } from './support/elf.js';
import { makeTempDir, repoPath } from './support/guests.js';

const CLI = repoPath('dist/cli/main.js');
const HELLO = repoPath('test/guests/bin/hello.elf');
/** hello.elf's entry point (e_entry), as -d prints addresses: 0x%08x. */
const HELLO_ENTRY = `0x${readFileSync(HELLO).readUInt32LE(24).toString(16).padStart(8, '0')}`;
const STATS_LINE = /^stats: icount=\d+ seconds=[\d.]+ mips=[\d.]+ tbs=\d+$/;

let work = '';

interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[]): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: work, encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** path -> size, mtime and hash of every file under `dir`. */
function snapshot(dir: string, into = new Map<string, string>()): Map<string, string> {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) {
      into.set(`${p}/`, `dir ${st.mtimeMs}`);
      snapshot(p, into);
    } else {
      const hash = createHash('sha256').update(readFileSync(p)).digest('hex');
      into.set(p, `${st.size} ${st.mtimeMs} ${hash}`);
    }
  }
  return into;
}

/** Everything a failing run could touch: the working directory and the committed guests. */
function userFiles(): Map<string, string> {
  return snapshot(repoPath('test/guests/bin'), snapshot(work));
}

function lines(text: string): string[] {
  return text.split('\n').filter((l, i, all) => !(l === '' && i === all.length - 1));
}

beforeAll(() => {
  // dist/ is built once by test/support/global-build.ts.
  work = makeTempDir('cli');
}, 180_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the rewind86 bin', () => {
  it('is executable as built (npx rewind86 runs it directly)', () => {
    const r = spawnSync(CLI, ['--version'], { encoding: 'utf8' });
    expect(r.error).toBeUndefined();
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(r.status).toBe(0);
  });

  it('runs node with the V8 flags npm run bench measures with', () => {
    const shebang = readFileSync(CLI, 'utf8').split('\n')[0];
    const flags = shebang.match(/^#!\/usr\/bin\/env -S node (.*)$/)?.[1];
    expect(flags).toBe('--v8-pool-size=1');
    const bench: string = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')).scripts.bench;
    const runs = bench.split('&&').map((c) => c.trim()).filter((c) => c.startsWith('node '));
    expect(runs.length).toBeGreaterThan(0);
    for (const c of runs) expect(c).toMatch(new RegExp(`^node ${flags} bench/`));
  });
});

describe('rewind86 run', () => {
  it('boots hello.elf: its lines, the --append command line, exit status 1 via isa-debug-exit', () => {
    const r = cli(['run', '--kernel', HELLO, '--append', 'console=ttyS0 foo="a b"', '--memory', '16']);
    expect(r.stderr).toBe('');
    const out = lines(r.stdout);
    expect(out).toContain('Hello from rewind86 guest');
    expect(out).toContain('multiboot magic=0x2badb002 (ok)');
    expect(out).toContain(`mem_lower=639 KiB mem_upper=${16 * 1024 - 1024} KiB`);
    expect(out).toContain('cmdline="console=ttyS0 foo="a b""');
    expect(r.status).toBe(1); // (0 << 1) | 1
  });

  it('boots hello.elf with the most memory allowed, 2048 MiB (RAM views past 2^31 bytes)', () => {
    const r = cli(['run', '--kernel', HELLO, '--memory', '2048']);
    expect(r.stderr).toBe('');
    expect(lines(r.stdout)).toContain(`mem_lower=639 KiB mem_upper=${2048 * 1024 - 1024} KiB`);
    expect(r.status).toBe(1);
  });

  it('--stats ends stderr with one statistics line', () => {
    const r = cli(['run', '--kernel', HELLO, '--stats']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('Hello from rewind86 guest');
    expect(r.stderr.endsWith('\n')).toBe(true);
    const err = lines(r.stderr);
    expect(err[err.length - 1]).toMatch(STATS_LINE);
    const icount = Number(/icount=(\d+)/.exec(err[err.length - 1])![1]);
    expect(icount).toBeGreaterThan(1000);
  });

  it('-d in_asm disassembles each block on stderr, starting with the entry point', () => {
    const r = cli(['run', '--kernel', HELLO, '-d', 'in_asm']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('Hello from rewind86 guest');
    expect(r.stderr).toMatch(/^IN:$/m);
    // crt0.S's _start begins with cli.
    expect(r.stderr).toMatch(new RegExp(`^${HELLO_ENTRY}:\\s+cli$`, 'm'));
  });

  it('-d exec prints a Trace line per block executed', () => {
    const r = cli(['run', '--kernel', HELLO, '-d', 'exec']);
    expect(r.status).toBe(1);
    const traces = lines(r.stderr).filter((l) => l.startsWith('Trace: '));
    expect(traces.length).toBeGreaterThan(10);
    expect(traces[0]).toContain(HELLO_ENTRY.slice(2));
  });

  it('-d op,out_js prints the IR and the generated JavaScript', () => {
    const r = cli(['run', '--kernel', HELLO, '-d', 'op,out_js']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^OP:$/m);
    expect(r.stderr).toMatch(/^OUT:$/m);
  });

  it('a guest that halts with interrupts disabled: exit status 0, one line saying it halted', () => {
    const file = join(work, 'cli-hlt.elf');
    writeFileSync(file, multibootKernel([0xfa, 0xf4])); // cli; hlt
    const r = cli(['run', '--kernel', file]);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^rewind86: [^\n]*halted[^\n]*\n$/);
    expect(r.stderr).toContain('interrupts disabled');
    expect(r.status).toBe(0);
    // Recorded, then replayed: the replay ends the same way and says so (its log ends right after the hlt).
    const rec = cli(['record', '--kernel', file, '--output', 'cli-hlt.log']);
    expect([rec.status, rec.stderr]).toEqual([0, r.stderr]);
    const rep = cli(['replay', 'cli-hlt.log']);
    expect([rep.status, rep.stderr]).toEqual([0, r.stderr]);
  });

  it('a triple fault with --no-reboot: exit status 3, one line saying so', () => {
    // lidt with limit 0, then ud2: #UD cannot be delivered (#GP), nor can that
    // #GP (contributory twice: #DF), nor the #DF: a triple fault.
    const file = join(work, 'cli-triple.elf');
    writeFileSync(file, multibootKernel([0x6a, 0x00, 0x6a, 0x00, 0x0f, 0x01, 0x1c, 0x24, 0x0f, 0x0b]));
    const r = cli(['run', '--kernel', file, '--no-reboot']);
    expect(r.stderr).toMatch(/^rewind86: triple fault at EIP 0x[0-9a-f]+, icount \d+ [^\n]*\n$/);
    expect(r.status).toBe(3);
  });

  it('a triple fault after console output (stdout not a terminal): the message, then the guest\'s last lines on stderr', () => {
    const say = (text: string) => [...text].flatMap((c) => [0xb0, c.charCodeAt(0), 0xee]); // mov al, c; out dx, al
    const file = join(work, 'cli-triple-said.elf');
    writeFileSync(file, multibootKernel([
      0x66, 0xba, 0xf8, 0x03, // mov dx, 0x3f8
      ...say('one\r\ntwo\n\x1b[1mthree\x1b[0m'),
      0x6a, 0x00, 0x6a, 0x00, 0x0f, 0x01, 0x1c, 0x24, 0x0f, 0x0b, // lidt [limit 0]; ud2
    ]));
    const r = cli(['run', '--kernel', file, '--no-reboot']);
    expect(r.stdout).toBe('one\r\ntwo\n\x1b[1mthree\x1b[0m');
    expect(r.stderr).toMatch(/^rewind86: triple fault at EIP 0x[0-9a-f]+, icount \d+ [^\n]*\nrewind86: the guest's last console lines:\n {2}one\n {2}two\n {2}three\n$/);
    expect(r.status).toBe(3);
  });

  it('a triple fault resets the machine by default: RAM stays, the kernel is loaded again', () => {
    // First boot: [0x7000] is 0, so set it to 1 and triple-fault. After the reset: exit with 42.
    const file = join(work, 'cli-reset.elf');
    writeFileSync(file, multibootKernel([
      0xa1, 0x00, 0x70, 0x00, 0x00, // mov eax, [0x7000]
      0x85, 0xc0, 0x75, 0x14, // test eax, eax; jnz second
      0xc7, 0x05, 0x00, 0x70, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, // mov dword [0x7000], 1
      0x6a, 0x00, 0x6a, 0x00, 0x0f, 0x01, 0x1c, 0x24, 0x0f, 0x0b, // lidt [limit 0]; ud2: triple fault
      0xb8, 0x2a, 0x00, 0x00, 0x00, 0xe7, 0xf4, 0xf4, // second: mov eax, 42; out 0xf4, eax; hlt
    ]));
    const r = cli(['run', '--kernel', file]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe((42 << 1) | 1);
    // A recording of it replays the same way.
    const rec = cli(['record', '--kernel', file, '--output', 'reset.log']);
    expect(rec.status).toBe(85);
    const rep = cli(['replay', 'reset.log']);
    expect(rep.stderr).toBe('');
    expect(rep.status).toBe(85);
  });
});

describe('bad input: one line "rewind86: error: ...", exit status 1, no stack trace, no file changed', () => {
  // Each case: the arguments (files are made in the working directory first) and
  // what the message must name.
  const cases: Array<{ name: string; args: () => string[]; names: string }> = [
    { name: 'a missing kernel file', args: () => ['run', '--kernel', 'no-such-kernel.elf'], names: 'no-such-kernel.elf' },
    {
      name: 'a directory as the kernel',
      args: () => {
        mkdirSync(join(work, 'a-directory'), { recursive: true });
        return ['run', '--kernel', 'a-directory'];
      },
      names: 'a-directory',
    },
    {
      name: 'a non-ELF file',
      args: () => {
        writeFileSync(join(work, 'notes.txt'), 'just some text\n'.repeat(100));
        return ['run', '--kernel', 'notes.txt'];
      },
      names: 'notes.txt',
    },
    {
      name: 'a non-ELF file with a multiboot header',
      args: () => {
        const bytes = new Uint8Array(4096);
        bytes.set(multibootHeader(), 64);
        writeFileSync(join(work, 'not-elf.bin'), bytes);
        return ['run', '--kernel', 'not-elf.bin'];
      },
      names: 'not-elf.bin',
    },
    {
      name: 'an ELF without a multiboot header',
      args: () => {
        writeFileSync(join(work, 'plain.elf'), elf32({ paddr: 0x100000, bytes: new Uint8Array([0xfa, 0xf4]) }));
        return ['run', '--kernel', 'plain.elf'];
      },
      names: 'plain.elf',
    },
    ...(existsSync('/bin/true')
      ? [{ name: 'a host program (/bin/true)', args: () => ['run', '--kernel', '/bin/true'], names: '/bin/true' }]
      : []),
    {
      name: 'a truncated ELF (the first 200 bytes of hello.elf)',
      args: () => {
        writeFileSync(join(work, 'truncated.elf'), readFileSync(HELLO).subarray(0, 200));
        return ['run', '--kernel', 'truncated.elf'];
      },
      names: 'truncated.elf',
    },
    {
      name: 'a kernel larger than guest memory (PT_LOAD memsz 8 MiB, --memory 4)',
      args: () => {
        writeFileSync(join(work, 'huge.elf'), multibootKernel([0xfa, 0xf4], { memSize: 8 << 20 }));
        return ['run', '--kernel', 'huge.elf', '--memory', '4'];
      },
      names: 'huge.elf',
    },
    { name: '--memory 0', args: () => ['run', '--kernel', HELLO, '--memory', '0'], names: '--memory' },
    { name: '--memory abc', args: () => ['run', '--kernel', HELLO, '--memory', 'abc'], names: '--memory' },
    { name: '--memory 1.5', args: () => ['run', '--kernel', HELLO, '--memory', '1.5'], names: '--memory' },
    { name: '-d with an unknown item', args: () => ['run', '--kernel', HELLO, '-d', 'in_asm,bogus'], names: 'bogus' },
    // A wrong flag is bad input too (DESIGN.md, Conventions).
    { name: 'an unknown option', args: () => ['run', '--kernel', HELLO, '--bogus-option'], names: '--bogus-option' },
    { name: 'an option without its value', args: () => ['run', '--kernel'], names: '--kernel' },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const args = c.args();
      const before = userFiles();
      const r = cli(args);
      expect(r.stderr).toMatch(/^rewind86: error: [^\n]+\n$/);
      expect(r.stderr).not.toMatch(/^ {4}at /m);
      expect(r.stderr).toContain(c.names);
      expect(r.stdout).toBe('');
      expect(r.status).toBe(1);
      expect(userFiles()).toEqual(before);
    });
  }
});
