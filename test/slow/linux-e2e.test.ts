// The Linux guest end to end (the slow group: `npm run test:slow`, not part
// of `npm test`): Debian's i386 kernel and the busybox initramfs of the guest
// kit (scripts/guest-linux.mjs), booted by `rewind86 record` with no --kernel.
// One interactive session is recorded - commands typed in small chunks at
// pseudo-random host delays, so the input lands at arbitrary icounts - and its
// output is checked for real behaviour (uname, /proc, the clock, a file
// checksum, the kernel log). Then the log is replayed twice (same output
// byte for byte, same final state as the recording), sought into (the same
// state however it is reached), and a kernel panic is shown to end a
// --no-reboot run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { makeTempDir, repoPath } from '../support/guests.js';
import { prng } from '../support/prng.js';
import { EventType, cpuStateHash, machineFromSnapshot, parseLog, ramHash, readSnapshotFile, type ParsedLog } from '../../src/replay/index.js';

const CLI = repoPath('dist/cli/main.js');
/** Seed of the typing delays and chunk sizes (any seed must do; a fixed one makes a failure reproducible). */
const SEED = 0x86e2e;
const STATS_LINE = /^stats: icount=(\d+) seconds=[\d.]+ mips=[\d.]+ tbs=\d+$/m;
/** busybox ash's prompt as it reaches the serial console: "/ # " and then ESC [6n, its cursor position query. */
const PROMPT = /\/ # (?:\x1b\[6n)?$/;
const HALTED = /^rewind86: guest halted at 0x[0-9a-f]{8} with interrupts disabled$/m;
/**
 * A kernel message printed on the console ("[ uptime] text" and CR LF) while
 * the shell runs: it may land anywhere, even inside an echoed command line or
 * after a prompt (random: crng init done, for one, comes whenever the entropy
 * pool fills). Not after a ">": that is a line of `dmesg -r`, "<level>[time] text".
 */
const CONSOLE_MESSAGE = /(?<!>)\[\s*\d+\.\d{6}\] [^\r\n]*\r\n/g;
const TWO_MIB = 2048 * 1024;

/** The commands of the session, typed one at a time; poweroff -f then ends it. */
const COMMANDS = [
  'uname -a',
  'cat /proc/cpuinfo',
  'cat /proc/interrupts',
  'date',
  'dd if=/dev/zero of=/tmp/f bs=1024 count=2048',
  'md5sum /tmp/f',
  'time sleep 1',
  'dmesg -r',
] as const;
type Command = (typeof COMMANDS)[number];

/**
 * Every line of the kernel log at level 0-4 (emerg..warning) that this
 * machine is expected to cause, with why it is harmless. Any other such line
 * fails the test, and so does an entry here that no longer appears.
 */
const EXPECTED_KERNEL_WARNINGS: Array<{ level: number; text: string; why: string }> = [
  { level: 3, text: "CPU: vendor_id 'Rewind86 x86' unknown, using generic init.",
    why: 'CPUID leaf 0 names rewind86 itself, not a vendor the kernel has quirks for; the generic init is what an i686 without quirks needs' },
  { level: 3, text: 'CPU: Your system may be unstable.',
    why: 'the second line of the unknown-vendor message above' },
  { level: 4, text: 'L1TF: Kernel not compiled for PAE. No mitigation for L1TF',
    why: 'an unknown vendor is assumed to have the L1TF bug, whose mitigation needs PAE page tables; the 686 flavour is a non-PAE kernel' },
  { level: 4, text: 'smpboot: weird, boot CPU (#0) not listed by the BIOS',
    why: 'there is no MP table and no ACPI (acpi=off nolapic): one CPU, found without the firmware naming it' },
  { level: 3, text: 'mce: Unable to init MCE device (rc: -5)',
    why: 'the CPU does not claim MCE/MCA in CPUID, so there is no machine-check device' },
];
/** Signs of a kernel in trouble, anywhere in the console output of the session. */
const KERNEL_TROUBLE = /Call Trace|WARNING:|BUG:|Oops|Kernel panic/;

interface ProcessResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

interface Session extends ProcessResult {
  /** Host time (Unix ms) just before the recording started. */
  hostStartMs: number;
  /** Each command's output: what the guest printed after the echoed command line, up to the next prompt (kernel console messages taken out). */
  outputs: Map<Command, string>;
  /** The guest's output from the echo of `poweroff -f` on (kernel console messages included). */
  poweroff: string;
}

let work = '';
let log = '';
let guestDir = '';
let session: Session | null = null;
let sessionError: unknown = null;
let panicRun: Promise<ProcessResult> | null = null;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function tail(text: string, chars = 1500): string {
  return JSON.stringify(text.length > chars ? `...${text.slice(-chars)}` : text);
}

/** The guest kit's cache directory, as the CLI finds it (src/cli/default-guest.ts). */
function defaultGuestDir(): string {
  const xdg = process.env['XDG_CACHE_HOME'];
  return join(xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.cache'), 'rewind86', 'linux');
}

/** Runs the CLI to its end (asynchronously, so two runs can share the machine's cores). */
function cli(args: string[], timeoutMs: number): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => { err += b.toString('utf8'); });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`rewind86 ${args.join(' ')}: still running after ${timeoutMs / 1000} s; stderr: ${tail(err)}`));
    }, timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout: Buffer.concat(out), stderr: err });
    });
  });
}

/**
 * `rewind86 record` of the default guest, driven like a person at the
 * console: wait for the prompt, type a command in a few chunks at random
 * delays, wait for its output and the next prompt, and so on.
 */
async function recordSession(logPath: string): Promise<Session> {
  const rand = prng(SEED);
  const hostStartMs = Date.now();
  const child = spawn(process.execPath, [CLI, 'record', '--no-sleep', '--stats', '--output', logPath], { cwd: work, stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  let text = ''; // stdout as latin1, one char per byte
  let stderr = '';
  let closed: { status: number | null; signal: NodeJS.Signals | null } | null = null;
  child.stdout.on('data', (b: Buffer) => { out.push(b); text += b.toString('latin1'); });
  child.stderr.on('data', (b: Buffer) => { stderr += b.toString('utf8'); });
  const exited = new Promise<void>((resolve) => child.on('close', (status, signal) => { closed = { status, signal }; resolve(); }));
  child.stdin.on('error', () => {}); // a guest that died early: reported by the waits below

  /** Waits until `done` holds for the output since `from` (without kernel console messages); fails after `timeoutMs` or if the run ends first. */
  const waitFor = async (what: string, from: number, done: (since: string) => boolean, timeoutMs: number): Promise<string> => {
    const t0 = Date.now();
    for (;;) {
      const since = text.slice(from).replace(CONSOLE_MESSAGE, '');
      if (done(since)) return since;
      if (closed) throw new Error(`${what}: rewind86 record ended first (status ${closed.status}, signal ${closed.signal}); stderr: ${tail(stderr)}; output since: ${tail(text.slice(from))}`);
      if (Date.now() - t0 > timeoutMs) {
        const hint = /Enter 'help'/.test(text) && !/\/ # /.test(text) ? ' (the shell started, but its prompt, which ends in no newline, never reached stdout)' : '';
        throw new Error(`${what}: not there after ${timeoutMs / 1000} s${hint}; stdout since: ${tail(text.slice(from))}; stderr: ${tail(stderr)}`);
      }
      await sleep(20);
    }
  };

  /** Types `line` and Enter in chunks of 1-12 bytes (at least two), each after 0-200 ms. */
  const type = async (line: string) => {
    const bytes = `${line}\n`;
    const most = Math.min(12, Math.ceil(bytes.length / 2));
    for (let i = 0; i < bytes.length;) {
      const n = 1 + Math.floor(rand() * most);
      await sleep(Math.floor(rand() * 201));
      child.stdin.write(bytes.slice(i, i + n));
      i += n;
    }
  };

  const outputs = new Map<Command, string>();
  try {
    await waitFor('the shell prompt after boot', 0, (s) => s.includes('rewind86 guest:') && PROMPT.test(s), 180_000);
    for (const command of COMMANDS) {
      const from = text.length;
      await type(command);
      // The echoed command line, its output, and the next prompt (the previous prompt's ESC [6n may come first).
      const since = await waitFor(`"${command}"`, from, (s) => {
        const body = s.replace(/^\x1b\[6n/, '');
        return body.startsWith(`${command}\r\n`) && PROMPT.test(body);
      }, 120_000);
      const body = since.replace(/^\x1b\[6n/, '');
      outputs.set(command, body.slice(command.length + 2).replace(PROMPT, ''));
    }
    const from = text.length;
    await type('poweroff -f');
    await Promise.race([exited, sleep(60_000)]);
    if (!closed) throw new Error(`poweroff -f: rewind86 record still running after 60 s; output since: ${tail(text.slice(from))}`);
    const { status, signal } = closed;
    return { status, signal, stdout: Buffer.concat(out), stderr, hostStartMs, outputs, poweroff: text.slice(from) };
  } finally {
    if (!closed) child.kill('SIGKILL');
  }
}

/** The session, or the reason it could not be recorded (every test of it fails with that). */
function recorded(): Session {
  if (sessionError) throw sessionError;
  if (!session) throw new Error('the session was not recorded');
  return session;
}

function output(command: Command): string {
  const o = recorded().outputs.get(command);
  if (o === undefined) throw new Error(`no output recorded for "${command}"`);
  return o;
}

function statsIcount(stderr: string): number {
  const m = STATS_LINE.exec(stderr);
  if (!m) throw new Error(`no stats line in stderr: ${tail(stderr)}`);
  return Number(m[1]);
}

function hex8(v: number): string {
  return `0x${(v >>> 0).toString(16).padStart(8, '0')}`;
}

/** The CPU and RAM hashes of the machine in a snapshot file, as `seek` prints them. */
function snapshotHashes(file: string): { icount: number; hashes: string } {
  const snap = readSnapshotFile(file);
  const machine = machineFromSnapshot(snap, () => {});
  return { icount: machine.cpu.icount, hashes: `cpu=${hex8(cpuStateHash(machine))} ram=${hex8(ramHash(machine))}` };
}

function readLog(): ParsedLog {
  return parseLog(log, readFileSync(log));
}

/** Virtual seconds since power-on at an event of the log (icount x 2^shift ns, plus the halt warp). */
function virtualSeconds(parsed: ParsedLog, icount: number, warpNs: number): number {
  const shift = parsed.header.machine['icountShift'] as number;
  return (icount * 2 ** shift + warpNs) / 1e9;
}

beforeAll(async () => {
  // The guest kit: a no-op when the guest is cached, else apt-get download (root, network).
  const prep = spawnSync(process.execPath, [repoPath('scripts/guest-linux.mjs')], { encoding: 'utf8', timeout: 600_000 });
  if (prep.status !== 0) {
    sessionError = new Error(`the Linux guest could not be prepared (node scripts/guest-linux.mjs, status ${prep.status ?? prep.signal}); ` +
      `run npm run guest:linux as root with network access to the Debian mirrors:\n${prep.stderr}`);
    return;
  }
  guestDir = defaultGuestDir();
  work = makeTempDir('linux-e2e');
  log = join(work, 'session.rr');
  // The panic run needs nothing from the session: let it share the machine's two cores with the recording.
  const cmdline = readFileSync(join(guestDir, 'cmdline'), 'utf8').trim();
  panicRun = cli(['run', '--no-sleep', '--no-reboot', '--append', `${cmdline} rdinit=/nonexistent`], 300_000);
  panicRun.catch(() => {}); // awaited (and reported) by its test
  try {
    session = await recordSession(log);
  } catch (e) {
    sessionError = e;
  }
}, 900_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('a recorded Linux session', () => {
  it('boots to the busybox shell, runs every command and ends with poweroff -f (status 0)', () => {
    const s = recorded();
    const text = s.stdout.toString('latin1');
    expect(text).toMatch(/^rewind86 guest: Linux \S+, busybox shell on ttyS0/m);
    // The shell prints nothing more; the kernel says it halted.
    expect(s.poweroff.replace(CONSOLE_MESSAGE, '')).toMatch(/^(?:\x1b\[6n)?poweroff -f\r\n$/);
    expect(s.poweroff).toMatch(/^\[\s*\d+\.\d+\] reboot: System halted\r$/m);
    expect(s.stderr).toMatch(HALTED);
    statsIcount(s.stderr);
    expect(s.signal).toBeNull();
    expect(s.status).toBe(0);
  });

  it('uname -a: the guest kit\'s kernel release on an i686', () => {
    // VERSIONS names the kernel package the guest kit took: "kernel: linux-image-<release>:i386 ...".
    const versions = readFileSync(join(guestDir, 'VERSIONS'), 'utf8');
    const release = /^kernel: linux-image-(\S+?):i386 /m.exec(versions)?.[1];
    expect(release, versions).toMatch(/^\d+\.\d+\.\d+-\d+-686$/);
    const uname = output('uname -a');
    expect(uname).toMatch(new RegExp(`^Linux \\S+ ${release!.replace(/\./g, '\\.')} .* i686 GNU/Linux\\r\\n$`));
  });

  it('/proc/cpuinfo: the CPU rewind86 claims in CPUID, its features and bogomips', () => {
    const info = output('cat /proc/cpuinfo');
    const field = (name: string) => new RegExp(`^${name}\\s*: (.*)\\r$`, 'm').exec(info)?.[1];
    expect(field('vendor_id')).toBe('Rewind86 x86');
    expect([field('cpu family'), field('model'), field('stepping')]).toEqual(['6', '1', '1']);
    // CPUID leaf 1 EDX (src/runtime/helpers-system.ts): FPU DE PSE TSC MSR PAE CX8 SEP PGE CMOV.
    const flags = (field('flags') ?? '').split(' ');
    for (const f of ['fpu', 'de', 'pse', 'tsc', 'msr', 'pae', 'cx8', 'sep', 'pge', 'cmov']) expect(flags, `flags: ${flags.join(' ')}`).toContain(f);
    // ... and nothing it does not claim (no MMX or SSE, no local APIC here).
    for (const f of ['mmx', 'sse', 'sse2', 'apic', 'nx']) expect(flags).not.toContain(f);
    expect(Number(field('bogomips'))).toBeGreaterThan(0);
  });

  it('/proc/interrupts: the PIT timer on IRQ 0 and the serial port on IRQ 4 have fired', () => {
    const irqs = output('cat /proc/interrupts');
    const count = (irq: number, name: string) => {
      const m = new RegExp(`^\\s*${irq}:\\s+(\\d+)\\s+XT-PIC\\s+${name}\\r$`, 'm').exec(irqs);
      expect(m, `no line for IRQ ${irq} (${name}) in ${tail(irqs)}`).not.toBeNull();
      return Number(m![1]);
    };
    expect(count(0, 'timer')).toBeGreaterThan(0);
    expect(count(4, 'ttyS0')).toBeGreaterThan(0);
  });

  it('date: the wall clock the RTC started from (host time at record start)', () => {
    const s = recorded();
    const m = /^\w{3} (\w{3}) +(\d+) (\d\d):(\d\d):(\d\d) UTC (\d{4})\r\n$/.exec(output('date'));
    expect(m, output('date')).not.toBeNull();
    const year = Number(m![6]);
    const hostYear = new Date(s.hostStartMs).getUTCFullYear();
    expect([hostYear, hostYear + 1]).toContain(year); // the guest's clock may pass a new year during the session
    // The RTC starts at the host's time when the recording starts, and only moves forwards.
    const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    const guestMs = Date.UTC(year, months.indexOf(m![1]), Number(m![2]), Number(m![3]), Number(m![4]), Number(m![5]));
    expect(guestMs).toBeGreaterThanOrEqual(Math.floor(s.hostStartMs / 1000) * 1000 - 1000);
  });

  it('date: the guest\'s clock keeps the machine\'s virtual time (RTC start + virtual time when the command was typed)', () => {
    recorded();
    const parsed = readLog();
    // The input event that delivered the Enter of "date".
    const inputs = parsed.events.filter((e) => e.type === EventType.SerialInput);
    const dateIndex = COMMANDS.indexOf('date');
    let enters = -1;
    const enter = inputs.find((e) => (enters += e.payload.filter((b) => b === 10).length) >= dateIndex);
    expect(enter).toBeDefined();
    expect(Buffer.from(enter!.payload).toString('latin1')).toMatch(/\n$/);
    const m = /^\w{3} (\w{3}) +(\d+) (\d\d):(\d\d):(\d\d) UTC (\d{4})\r\n$/.exec(output('date'))!;
    const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    const guestS = Date.UTC(Number(m[6]), months.indexOf(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])) / 1000;
    const rtcS = parsed.header.startTimeMs / 1000 + virtualSeconds(parsed, enter!.icount, enter!.warpNs);
    // Whole seconds: the kernel reads the RTC's seconds at boot, and date prints whole seconds.
    expect(Math.abs(guestS - rtcS), `guest date ${m[0].trim()} vs RTC start ${new Date(parsed.header.startTimeMs).toISOString()} ` +
      `+ ${virtualSeconds(parsed, enter!.icount, enter!.warpNs).toFixed(3)} virtual s (of which ${(enter!.warpNs / 1e9).toFixed(3)} s halt warp)`).toBeLessThanOrEqual(3);
  });

  it('dd and md5sum: 2 MiB of zeros written to tmpfs and read back', () => {
    expect(output('dd if=/dev/zero of=/tmp/f bs=1024 count=2048')).toBe('2048+0 records in\r\n2048+0 records out\r\n');
    const md5 = createHash('md5').update(Buffer.alloc(TWO_MIB)).digest('hex');
    expect(output('md5sum /tmp/f')).toBe(`${md5}  /tmp/f\r\n`);
  });

  it('time sleep 1: one second, as the guest measures it', () => {
    const m = /^real\s+(\d+)m\s*([\d.]+)s\r$/m.exec(output('time sleep 1'));
    expect(m, output('time sleep 1')).not.toBeNull();
    const seconds = Number(m![1]) * 60 + Number(m![2]);
    expect(seconds).toBeGreaterThanOrEqual(1.0);
    expect(seconds).toBeLessThanOrEqual(1.1);
  });

  it('the kernel log has no warning or worse but the expected ones, and no oops, BUG, WARNING or call trace', () => {
    const dmesg = output('dmesg -r').split('\r\n').filter((l) => l !== '');
    // The whole log from the first line (the buffer has not wrapped), every line as <level>[time] text.
    expect(dmesg[0]).toMatch(/^<5>\[\s*0\.000000\] Linux version /);
    const records = dmesg.map((line) => {
      const m = /^<(\d+)>\[\s*\d+\.\d+\] ?(.*)$/.exec(line);
      expect(m, `not a dmesg -r line: ${JSON.stringify(line)}`).not.toBeNull();
      return { level: Number(m![1]) & 7, text: m![2] };
    });
    expect(records.length).toBeGreaterThan(100);
    const expected = (r: { level: number; text: string }) => EXPECTED_KERNEL_WARNINGS.some((w) => w.level === r.level && w.text === r.text);
    const unexpected = records.filter((r) => r.level <= 4 && !expected(r)).map((r) => `<${r.level}> ${r.text}`);
    expect(unexpected, 'kernel log lines at level 0-4 (emerg..warning) not in EXPECTED_KERNEL_WARNINGS').toEqual([]);
    const gone = EXPECTED_KERNEL_WARNINGS.filter((w) => !records.some((r) => r.level === w.level && r.text === w.text)).map((w) => `<${w.level}> ${w.text}`);
    expect(gone, 'EXPECTED_KERNEL_WARNINGS entries the kernel no longer prints (remove them)').toEqual([]);
    const trouble = recorded().stdout.toString('latin1').split('\n').filter((l) => KERNEL_TROUBLE.test(l));
    expect(trouble).toEqual([]);
  });
});

describe('replaying the session', () => {
  it('twice: the same output byte for byte, the same final icount and the same final state as the recording', async () => {
    const s = recorded();
    const snaps = [join(work, 'final-1.snap'), join(work, 'final-2.snap')];
    const runs = await Promise.all(snaps.map((snap) => cli(['replay', log, '--stats', '--savevm', snap], 400_000)));
    const recordIcount = statsIcount(s.stderr);
    const end = readLog().events.at(-1)!;
    expect(end.type).toBe(EventType.End);
    expect(end.icount).toBe(recordIcount);
    const endPayload = Buffer.from(end.payload);
    const recordedHashes = `cpu=${hex8(endPayload.readUInt32LE(0))} ram=${hex8(endPayload.readUInt32LE(4))}`;
    for (const [i, r] of runs.entries()) {
      expect(r.status, r.stderr).toBe(0);
      // The record's stdout is the guest's output alone (messages go to stderr), and so is the replay's.
      expect(r.stdout.equals(s.stdout), `replay ${i + 1}: stdout differs from the recording's (${r.stdout.length} vs ${s.stdout.length} bytes)`).toBe(true);
      expect(statsIcount(r.stderr)).toBe(recordIcount);
      expect(r.stderr).toContain(`rewind86: saved snapshot ${snaps[i]} at icount ${recordIcount} (`);
      expect(r.stderr).not.toMatch(/diverged|warning/);
      expect(r.stderr, 'the replay says how the guest ended, as the recording did').toMatch(HALTED);
    }
    // The two final states: the same snapshot file, whose machine has the hashes the recording ended with.
    expect(readFileSync(snaps[0]).equals(readFileSync(snaps[1])), 'the two replays\' final snapshots differ').toBe(true);
    expect(snapshotHashes(snaps[0])).toEqual({ icount: recordIcount, hashes: recordedHashes });
  }, 900_000);

  it('seek: the middle of the session reached forwards, after going further, and by replay --until, is the same state', async () => {
    const final = statsIcount(recorded().stderr);
    const a = Math.floor(final / 2);
    const b = Math.floor((final * 3) / 4);
    const until = join(work, 'until-a.snap');
    const [seek, replay] = await Promise.all([
      cli(['seek', log, String(a), String(b), String(a)], 600_000),
      cli(['replay', log, '--quiet', '--until', String(a), '--savevm', until], 600_000),
    ]);
    expect(seek.status, seek.stderr).toBe(0);
    expect(seek.stderr).toMatch(/^rewind86: \d+ snapshots, [\d.]+ MiB, interval \d+, recording length \d+\n$/);
    const lines = seek.stdout.toString('utf8').trim().split('\n');
    expect(lines).toHaveLength(3);
    const points = lines.map((l) => /^icount=(\d+) (cpu=0x[0-9a-f]{8} ram=0x[0-9a-f]{8}) replayed=\d+ ms=[\d.]+$/.exec(l));
    for (const [i, p] of points.entries()) expect(p, lines[i]).not.toBeNull();
    expect(points.map((p) => Number(p![1]))).toEqual([a, b, a]);
    expect(points[2]![2]).toBe(points[0]![2]);
    expect(points[1]![2]).not.toBe(points[0]![2]);
    expect(replay.status, replay.stderr).toBe(0);
    expect(replay.stderr).toContain(`rewind86: stopped at icount ${a} (--until)\n`);
    expect(snapshotHashes(until)).toEqual({ icount: a, hashes: points[0]![2] });
  }, 900_000);
});

describe('a kernel panic', () => {
  it('with panic=-1 the kernel resets at once, which ends a --no-reboot run with its icount', async () => {
    if (sessionError && !panicRun) throw sessionError; // the guest could not be prepared
    const r = await panicRun!;
    const text = r.stdout.toString('latin1');
    expect(text, tail(text)).toMatch(/^\[\s*\d+\.\d+\] Kernel panic - not syncing: /m);
    // The one-line message, then (stdout is not a terminal here) the guest's last lines: the panic among them.
    expect(r.stderr).toMatch(/^rewind86: the guest reset the machine at EIP 0x[0-9a-f]+, icount \d+ \(--no-reboot: not restarting\)\nrewind86: the guest's last console lines:\n( {2}[^\n]*\n)+$/);
    expect(r.stderr).toMatch(/^ {2}\[\s*\d+\.\d+\] Kernel panic - not syncing: /m);
    expect(r.status).toBe(0);
  }, 600_000);
});
