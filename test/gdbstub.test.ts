// The gdbstub against the real GDB (`gdb -batch -nx`): a live run under
// `run --gdb tcp::PORT -S` (registers, breakpoints, stepping, memory, the
// guest's exit), and a replay under `replay LOG --gdb` with reverse execution.
// Symbols come from the committed hello.elf (it keeps its symbol table).
// Skipped only when gdb is not installed.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { makeTempDir, repoPath } from './support/guests.js';
import { elfSymbols } from './support/elf.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { translateQemuArgs } from '../src/cli/qemu-args.js';
import { parseGdbSpec } from '../src/cli/gdb-server.js';

const CLI = repoPath('dist/cli/main.js');
const HELLO = repoPath('test/guests/bin/hello.elf');
const HAVE_GDB = spawnSync('gdb', ['--version'], { encoding: 'utf8' }).status === 0;

let work = '';
const children: ChildProcess[] = [];

beforeAll(() => {
  work = makeTempDir('gdbstub');
});

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

interface Emulator {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Spawns the CLI and resolves once it listens for GDB. */
async function startEmulator(args: string[]): Promise<Emulator> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: work, stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  let out = '', err = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "waiting for gdb" from the emulator; stderr: ${err}`)), 20_000);
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('waiting for gdb')) { clearTimeout(timer); resolve(); }
    });
    child.on('exit', () => { clearTimeout(timer); reject(new Error(`emulator exited early: ${err}`)); });
  });
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Runs GDB in batch mode with these commands (one -ex each) against 127.0.0.1:port. */
async function gdb(port: number, commands: string[]): Promise<string> {
  const args = ['-batch', '-nx', '-ex', 'set pagination off', '-ex', `file ${HELLO}`, '-ex', `target remote 127.0.0.1:${port}`];
  for (const c of commands) args.push('-ex', c);
  // One pipe for both streams: gdb prints monitor output on stderr, and the order matters here.
  const child = spawn('sh', ['-c', 'exec gdb "$@" 2>&1', 'sh', ...args], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`gdb timed out; output so far:\n${out}`)); }, 60_000);
    child.on('exit', () => { clearTimeout(timer); resolve(); });
  });
  return out;
}

/** The text between `echo <<NAME>>` and `echo <</NAME>>` markers. */
function section(out: string, name: string): string {
  const start = out.indexOf(`<<${name}>>\n`);
  const end = out.indexOf(`<</${name}>>`, start);
  if (start < 0 || end < 0) throw new Error(`no section ${name} in:\n${out}`);
  return out.slice(start + name.length + 5, end);
}

function marked(name: string, ...commands: string[]): string[] {
  return [`echo <<${name}>>\\n`, ...commands, `echo <</${name}>>\\n`];
}

function register(regs: string, name: string): number {
  const m = new RegExp(`^${name}\\s+0x([0-9a-f]+)`, 'm').exec(regs);
  if (!m) throw new Error(`no ${name} in:\n${regs}`);
  return parseInt(m[1]!, 16);
}

describe('QEMU-style options', () => {
  it('-gdb DEV and -s become --gdb; -S stays', () => {
    expect(translateQemuArgs(['node', 'main.js', 'run', '-gdb', 'tcp::5555', '-S'])).toEqual(['node', 'main.js', 'run', '--gdb', 'tcp::5555', '-S']);
    expect(translateQemuArgs(['run', '-s'])).toEqual(['run', '--gdb', 'tcp::1234']);
  });

  it('parses tcp::PORT and refuses other endpoints', () => {
    expect(parseGdbSpec('tcp::1234')).toEqual({ host: '127.0.0.1', port: 1234 });
    expect(parseGdbSpec('tcp:localhost:99')).toEqual({ host: '127.0.0.1', port: 99 });
    expect(() => parseGdbSpec('tcp:0.0.0.0:1234')).toThrow(/loopback/);
    expect(() => parseGdbSpec('unix:/tmp/x')).toThrow(/tcp::PORT/);
    expect(() => parseGdbSpec('tcp::0')).toThrow(/outside/);
  });
});

describe.skipIf(!HAVE_GDB)('gdbstub with gdb', () => {
  it('a write watchpoint on a live run stops after each write with the old and new value', async () => {
    const SORT = repoPath('bench/guests/bin/sort.elf');
    const addr = elfSymbols(readFileSync(SORT)).get('a')! + 20;
    const port = await freePort();
    const emu = await startEmulator(['run', '--kernel', SORT, '--append', 'rounds=1', '--gdb', `tcp::${port}`, '-S', '--no-sleep']);
    const out = await gdb(port, [
      `watch *(int *)0x${addr.toString(16)}`,
      ...marked('FIRST', 'continue', `x/1dw 0x${addr.toString(16)}`),
      ...marked('SECOND', 'continue'),
      'delete',
      ...marked('END', 'continue'),
    ]);
    expect(out).toMatch(/Hardware watchpoint 1: \*\(int \*\)0x/);
    const first = section(out, 'FIRST');
    const m = /Old value = (-?\d+)\s+New value = (-?\d+)/.exec(first);
    expect(m).not.toBeNull();
    expect(m![1]).toBe('0'); // the array starts zeroed (.bss)
    // The stop is after the write: memory already holds the new value.
    expect(first).toContain(`:\t${m![2]}`);
    expect(section(out, 'SECOND')).toMatch(new RegExp(`Old value = ${m![2]}\\s+New value = -?\\d+`));
    expect(section(out, 'END')).toMatch(/exited with code 01/);
    expect(await emu.exited).toBe(1);
  }, 120_000);


  // Snapshots every 375 instructions: the first write ends exactly at one (icount 375), so the search back
  // must find a hit at the end of the interval before.
  it.each([[[]], [['--snapshot-interval', '375']]])('a write watchpoint in a replay %j: continue stops after each write, reverse-continue goes back to the earlier one', async (extra: string[]) => {
    const SORT = repoPath('bench/guests/bin/sort.elf');
    const addr = elfSymbols(readFileSync(SORT)).get('a')! + 20;
    const log = join(work, 'sort.log');
    const rec = spawnSync(process.execPath, [CLI, 'record', '--kernel', SORT, '--append', 'rounds=1', '--no-sleep', '--output', log, '--force'],
      { cwd: work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(rec.status).toBe(1);
    const port = await freePort();
    const emu = await startEmulator(['replay', log, '--gdb', `tcp::${port}`, '-S', '--quiet', ...extra]);
    const at = `0x${addr.toString(16)}`;
    const out = await gdb(port, [
      `watch *(int *)${at}`,
      ...marked('W1', 'continue', 'print/x $eip', 'monitor info icount'),
      ...marked('W2', 'continue', 'print/x $eip', 'monitor info icount'),
      ...marked('RC1', 'reverse-continue', 'print/x $eip', 'monitor info icount', `x/1dw ${at}`),
      ...marked('RC2', 'reverse-continue', 'monitor info icount', `x/1dw ${at}`),
      ...marked('RC3', 'reverse-continue', 'monitor info icount', `x/1dw ${at}`),
      'kill',
    ]);
    expect(out).toMatch(/Hardware watchpoint 1: \*\(int \*\)0x/);
    const eipOf = (text: string) => /^\$\d+ = (0x[0-9a-f]+)$/m.exec(text)?.[1];
    const icountOf = (text: string) => Number(/^icount (\d+)$/m.exec(text)?.[1] ?? NaN);
    const w1 = section(out, 'W1');
    const m1 = /Old value = (-?\d+)\s+New value = (-?\d+)/.exec(w1);
    expect(m1).not.toBeNull();
    expect(m1![1]).toBe('0'); // the array starts zeroed (.bss)
    const v1 = m1![2]!;
    const w2 = section(out, 'W2');
    const m2 = new RegExp(`Old value = ${v1}\\s+New value = (-?\\d+)`).exec(w2);
    expect(m2).not.toBeNull();
    expect(icountOf(w1)).toBe(375);
    expect(icountOf(w2)).toBeGreaterThan(icountOf(w1));
    // Back to the first write: stopped just after it, where the forward continue stopped.
    const rc1 = section(out, 'RC1');
    expect(rc1).toMatch(/Hardware watchpoint 1: \*\(int \*\)0x/);
    expect(rc1).toMatch(/Old value = -?\d+\s+New value = -?\d+/);
    expect(eipOf(rc1)).toBe(eipOf(w1));
    expect(icountOf(rc1)).toBe(icountOf(w1));
    expect(rc1).toContain(`:\t${v1}`);
    // Before that, _start's clearing of .bss wrote 0 there (a write GDB ignored going forward: 0 over 0).
    const rc2 = section(out, 'RC2');
    expect(rc2).toMatch(new RegExp(`Old value = ${v1}\\s+New value = 0\\b`));
    expect(icountOf(rc2)).toBeGreaterThan(0);
    expect(icountOf(rc2)).toBeLessThan(icountOf(w1));
    expect(rc2).toMatch(/:\t0\n/);
    // No write before that one: back to the start of the recording, where the value is 0.
    const rc3 = section(out, 'RC3');
    expect(rc3).toContain('No more reverse-execution history.');
    expect(icountOf(rc3)).toBe(0);
    expect(rc3).toMatch(/:\t0\n/);
    expect(out).toMatch(/Inferior 1 \(Remote target\) killed/);
    expect(await emu.exited).toBe(0);
  }, 120_000);

  it('debugs a live run: registers, breakpoints, stepi, memory, set var, the exit', async () => {
    const port = await freePort();
    const emu = await startEmulator(['run', '--kernel', HELLO, '--gdb', `tcp::${port}`, '-S', '--no-sleep']);
    const out = await gdb(port, [
      ...marked('START', 'info registers'),
      'break main',
      'break *rt_puts',
      ...marked('MAIN', 'continue', 'info registers eip'),
      ...marked('STEP', 'stepi', 'info registers eip'),
      ...marked('X', 'x/4xw $esp'),
      ...marked('SETVAR', 'set var $ecx = 0x12345678', 'p/x $ecx', 'set {int}0x101000 = 0x55aa1234', 'x/1xw 0x101000'),
      ...marked('BADMEM', 'x/1xw 0xfffffff0'),
      ...marked('X87', 'p/x $fctrl', 'set var $st0 = 1.5', 'p $st0', 'p/x $ftag'),
      ...marked('PUTS', 'continue', 'info registers eip'),
      'delete',
      ...marked('END', 'continue'),
    ]);
    const start = section(out, 'START');
    expect(register(start, 'eax')).toBe(0x2badb002); // multiboot magic
    expect(register(start, 'eip')).toBe(elfSymbols(readFileSync(HELLO)).get('_start')); // the ELF entry
    expect(start).toMatch(/^cs\s+0x10\s/m);
    expect(start).toMatch(/^ds\s+0x18\s/m);
    expect(start).toMatch(/^eflags\s+0x2\s/m);
    const main = section(out, 'MAIN');
    expect(main).toMatch(/Breakpoint 1, 0x[0-9a-f]+ in main \(\)/);
    const mainEip = register(main, 'eip');
    expect(mainEip).toBeGreaterThanOrEqual(0x100010);
    const step = section(out, 'STEP');
    expect(register(step, 'eip')).toBeGreaterThan(mainEip);
    expect(section(out, 'X')).toMatch(/^0x[0-9a-f]+:\s+0x[0-9a-f]{8}\s+0x[0-9a-f]{8}\s+0x[0-9a-f]{8}\s+0x[0-9a-f]{8}$/m);
    const setvar = section(out, 'SETVAR');
    expect(setvar).toContain('= 0x12345678');
    expect(setvar).toMatch(/0x101000[^:]*:\s+0x55aa1234/);
    expect(section(out, 'BADMEM')).toMatch(/Cannot access memory at address 0xfffffff0/);
    // The x87 registers: the power-on control word, and st0 written and read back as an 80-bit value.
    const x87 = section(out, 'X87');
    expect(x87).toMatch(/\$\d+ = 0x40\n/);
    expect(x87).toMatch(/\$\d+ = 1\.5\n/);
    const puts = section(out, 'PUTS');
    expect(puts).toMatch(/Breakpoint 2, 0x[0-9a-f]+ in rt_puts \(\)/);
    expect(section(out, 'END')).toMatch(/exited with code 01/); // isa-debug-exit: (0 << 1) | 1
    expect(await emu.exited).toBe(1);
    expect(emu.stdout()).toContain('Hello from rewind86 guest');
  });

  it('stops a running guest when gdb connects, and lets it go on after detach', async () => {
    const port = await freePort();
    // The echo guest idles waiting for input: it is running (not held) when gdb connects.
    const emu = await startEmulator(['run', '--kernel', repoPath('test/guests/bin/echo.elf'), '--gdb', `tcp::${port}`, '--no-sleep']);
    const first = await gdb(port, [...marked('REGS', 'info registers eip'), 'detach']);
    expect(register(section(first, 'REGS'), 'eip')).toBeGreaterThan(0);
    // Reconnect: a second gdb gets the machine again.
    const second = await gdb(port, [...marked('REGS', 'info registers eip'), 'detach']);
    expect(register(section(second, 'REGS'), 'eip')).toBeGreaterThan(0);
    emu.child.stdin!.end('q');
    expect(await emu.exited).toBe(1);
  });

  it('reverse-stepi 1000 times retraces exactly the states seen stepping forward (gdb command loops)', async () => {
    const log = join(work, 'hello-1000.log');
    const rec = spawnSync(process.execPath, [CLI, 'record', '--kernel', HELLO, '--no-sleep', '--output', log, '--force'], { cwd: work, encoding: 'utf8' });
    expect(rec.status).toBe(1);
    const port = await freePort();
    const emu = await startEmulator(['replay', log, '--gdb', `tcp::${port}`, '-S', '--quiet', '--snapshot-interval', '64']);
    const n = 1000;
    const regs = 'printf "%s %x %x %x %x %x %x %x %x %x %x\\n", $pc, $eax, $ecx, $edx, $ebx, $esp, $ebp, $esi, $edi, $eflags';
    const script = join(work, 'steps.gdb');
    writeFileSync(script, [
      'break rt_puts', 'continue',
      'set $i = 0', `while $i < ${n}`, '  stepi', `  ${regs.replace('%s', 'F')}`, '  set $i = $i + 1', 'end',
      'set $i = 0', `while $i < ${n}`, `  ${regs.replace('%s', 'R')}`, '  reverse-stepi', '  set $i = $i + 1', 'end',
      'kill',
    ].join('\n') + '\n');
    const out = await gdb(port, [`source ${script}`]);
    const F = out.split('\n').filter((l) => l.startsWith('F ')).map((l) => l.slice(2));
    const R = out.split('\n').filter((l) => l.startsWith('R ')).map((l) => l.slice(2));
    expect(F).toHaveLength(n);
    expect(R).toHaveLength(n);
    // R[k] is the state after n - k forward steps, which is F[n - 1 - k].
    for (let k = 0; k < n; k++) if (R[k] !== F[n - 1 - k]) expect.fail(`reverse step ${k}: ${R[k]} but going forward it was ${F[n - 1 - k]}`);
    expect(new Set(F).size).toBeGreaterThan(n / 2); // the states really changed
    await emu.exited;
  }, 180_000);

  it('Ctrl-C (0x03) stops a running guest with SIGINT (raw protocol client)', async () => {
    const SORT = repoPath('bench/guests/bin/sort.elf');
    const port = await freePort();
    const emu = await startEmulator(['run', '--kernel', SORT, '--append', 'rounds=100000', '--gdb', `tcp::${port}`, '-S', '--no-sleep']);
    const { connect } = await import('node:net');
    const sock = connect(port, '127.0.0.1');
    let got = '';
    sock.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      // Acknowledge every packet the stub sends.
      for (const _ of d.toString('latin1').matchAll(/#[0-9a-f]{2}/g)) sock.write('+');
    });
    const packet = (body: string) => {
      let sum = 0;
      for (const c of body) sum = (sum + c.charCodeAt(0)) & 0xff;
      return `$${body}#${sum.toString(16).padStart(2, '0')}`;
    };
    const waitFor = async (re: RegExp) => {
      for (let i = 0; i < 200 && !re.test(got); i++) await new Promise((r) => setTimeout(r, 25));
      return re.exec(got);
    };
    await new Promise<void>((r) => sock.once('connect', () => r()));
    sock.write(packet('?'));
    expect(await waitFor(/\$T05/)).not.toBeNull();
    got = '';
    sock.write(packet('c'));
    await new Promise((r) => setTimeout(r, 300)); // the guest runs
    expect(got).not.toMatch(/\$T/);
    sock.write('\x03');
    const stop = await waitFor(/\$T02[^#]*#/);
    expect(stop).not.toBeNull();
    sock.write(packet('k'));
    sock.end();
    await emu.exited;
  }, 60_000);

  it('reverse-finish runs back out of a function to its call (a guest built with debug info)', async () => {
    const dbgDir = join(work, 'debug-build');
    const build = spawnSync(repoPath('test/guests/build.sh'), ['hello'], { env: { ...process.env, GUEST_DEBUG: '1', OUT_DIR: dbgDir }, encoding: 'utf8' });
    expect(build.status, build.stderr).toBe(0);
    const kernel = join(dbgDir, 'hello.elf');
    const log = join(work, 'hello-debug.log');
    const rec = spawnSync(process.execPath, [CLI, 'record', '--kernel', kernel, '--no-sleep', '--output', log, '--force'], { cwd: work, encoding: 'utf8' });
    expect(rec.status).toBe(1);
    const port = await freePort();
    const emu = await startEmulator(['replay', log, '--gdb', `tcp::${port}`, '-S', '--quiet']);
    const out = await gdb(port, [
      `file ${kernel}`,
      'break rt_putc', 'continue', 'delete',
      ...marked('NEXT', 'next'),
      ...marked('RF', 'reverse-finish', 'bt 1'),
      'kill',
    ]);
    expect(section(out, 'NEXT')).toMatch(/outb\(COM1_THR/); // inside rt_putc, past its loop
    const rf = section(out, 'RF');
    expect(rf).toMatch(/#0 +0x[0-9a-f]+ in rt_puts \(s=.*printf\.c:\d+/); // at the call in the caller
    await emu.exited;
  }, 120_000);

  // Snapshots every 16 instructions: reverse-continue has to search back across several.
  it.each([[[]], [['--snapshot-interval', '16']]])('reverse-debugs a replay %j: stepi / reverse-stepi agree, reverse-continue, history ends, monitor', async (extra: string[]) => {
    const log = join(work, 'hello.log');
    const rec = spawnSync(process.execPath, [CLI, 'record', '--kernel', HELLO, '--no-sleep', '--output', log, '--force'], { cwd: work, encoding: 'utf8' });
    expect(rec.status).toBe(1);
    const port = await freePort();
    const emu = await startEmulator(['replay', log, '--gdb', `tcp::${port}`, '-S', '--quiet', ...extra]);
    const steps = 10;
    const forward: string[] = [];
    for (let i = 1; i <= steps; i++) forward.push(...marked(`F${i}`, 'stepi', 'info registers'));
    const backward: string[] = [];
    for (let i = 1; i <= steps; i++) backward.push(...marked(`B${i}`, 'reverse-stepi', 'info registers'));
    const out = await gdb(port, [
      ...marked('INFO0', 'monitor info replay'),
      'break rt_putc',
      ...marked('BP', 'continue', 'info registers', 'monitor info replay'),
      ...forward,
      ...backward,
      ...marked('ONWARD', 'continue', 'continue', 'monitor info replay'),
      ...marked('RC1', 'reverse-continue', 'monitor info replay'),
      ...marked('RC2', 'reverse-continue', 'monitor info replay'),
      ...marked('RC3', 'reverse-continue', 'monitor info replay'),
      'delete',
      ...marked('RB', 'monitor replay_break 100', 'continue', 'monitor info replay'),
      ...marked('END', 'continue', 'monitor info replay'),
      ...marked('SEEK', 'monitor replay_seek 50', 'monitor info replay'),
      'kill',
    ]);
    const icountOf = (text: string) => Number(/^icount (\d+)$/m.exec(text)?.[1] ?? NaN);
    const info0 = section(out, 'INFO0');
    expect(icountOf(info0)).toBe(0);
    const length = Number(/^recording length (\d+)$/m.exec(info0)?.[1]);
    expect(length).toBeGreaterThan(1000);
    const bp = section(out, 'BP');
    expect(bp).toMatch(/Breakpoint 1, 0x[0-9a-f]+ in rt_putc \(\)/);
    const bpIcount = icountOf(bp);
    expect(bpIcount).toBeGreaterThan(0);
    const regsOnly = (text: string) => text.split('\n').filter((l) => /^[a-z0-9]+\s+0x/.test(l)).join('\n');
    const states = [regsOnly(bp)];
    for (let i = 1; i <= steps; i++) states.push(regsOnly(section(out, `F${i}`)));
    // Every stepi moved somewhere new (EIP differs from the one before).
    for (let i = 1; i <= steps; i++) expect(register(states[i]!, 'eip')).not.toBe(register(states[i - 1]!, 'eip'));
    // reverse-stepi j lands on forward state steps - j, register for register.
    for (let j = 1; j <= steps; j++) expect(regsOnly(section(out, `B${j}`))).toBe(states[steps - j]);
    // Two more hits forward (the second and third character), then back to them one by one.
    const onward = icountOf(section(out, 'ONWARD'));
    expect(onward).toBeGreaterThan(bpIcount);
    const rc1 = section(out, 'RC1');
    expect(rc1).toMatch(/Breakpoint 1, 0x[0-9a-f]+ in rt_putc \(\)/);
    expect(icountOf(rc1)).toBeLessThan(onward);
    expect(icountOf(rc1)).toBeGreaterThan(bpIcount);
    const rc2 = section(out, 'RC2');
    expect(rc2).toMatch(/Breakpoint 1, 0x[0-9a-f]+ in rt_putc \(\)/);
    expect(icountOf(rc2)).toBe(bpIcount);
    const rc3 = section(out, 'RC3');
    expect(rc3).toContain('No more reverse-execution history.');
    expect(icountOf(rc3)).toBe(0);
    expect(icountOf(section(out, 'RB'))).toBe(100);
    const end = section(out, 'END');
    expect(end).toContain('No more reverse-execution history.'); // forward: the end of the recording
    expect(icountOf(end)).toBe(length);
    expect(icountOf(section(out, 'SEEK'))).toBe(50);
    expect(out).toMatch(/Inferior 1 \(Remote target\) killed/);
    expect(await emu.exited).toBe(0);
  });
});
