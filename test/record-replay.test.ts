// Record and replay through the command line, as a user meets them: the built
// CLI (dist/cli/main.js) spawned on the echo and jitter guests
// (test/guests/echo/, test/guests/jitter/), with input typed into the
// recorder's stdin at pseudo-random host times (a seeded PRNG, so a failure
// can be rerun with the same schedule; the host's timing still varies).
//
//   - determinism: every replay of a recording prints exactly what the
//     recording printed and exits with the same status (the End event's
//     state hash is checked by replay itself); the same input typed at other
//     times gives another output;
//   - divergence: one changed input byte makes replay stop with
//     "replay diverged at icount N" (N = a checkpoint of the log) and name a
//     trace-diff command;
//   - durability: a recorder killed with SIGKILL leaves a log that replays
//     up to its last event, with a warning;
//   - bad input: truncated or corrupt logs, a changed kernel, an existing
//     log without --force: one `rewind86: error:` line, status 1;
//   - idle time: a recording that mostly waited for input replays several
//     times faster than it took to record (the measured figures are printed).
//
// The log format (src/replay/log.ts): "RW86LOG\0", u32 version, u32 header
// length, JSON header; then events: u8 type, u32 payload length, f64
// icount, f64 warpNs, payload. Type 1 = serial input, 2 = checkpoint,
// 3 = end (both with an 8-byte payload: CPU hash, RAM hash).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prng } from './support/prng.js';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { describeUpToDate, firstDifference, makeTempDir, repoPath, runKernel } from './support/guests.js';

const CLI = repoPath('dist/cli/main.js');
const ECHO = repoPath('test/guests/bin/echo.elf');
const JITTER = repoPath('test/guests/bin/jitter.elf');

const EV_SERIAL = 1;
const EV_CHECKPOINT = 2;
const EV_END = 3;
const EVENT_HEAD = 21;

/** Letters the input is drawn from: no 'q' (which ends both guests). */
const ALPHABET = 'abcdefghijklmnoprstuvwxyz0123456789';

let work = '';

// ---------------------------------------------------------------- helpers

interface Feed {
  /** Host milliseconds to wait before writing `text`. */
  delayMs: number;
  text: string;
}

/** `chunks` pieces of 1-3 letters (from `byteSeed`), each after a pause of minMs..maxMs (from `timeSeed`), then 'q'. */
function schedule(byteSeed: number, timeSeed: number, chunks: number, minMs: number, maxMs: number): Feed[] {
  const rb = prng(byteSeed), rt = prng(timeSeed);
  const feeds: Feed[] = [];
  for (let i = 0; i < chunks; i++) {
    let text = '';
    for (let n = 1 + Math.floor(rb() * 3); n > 0; n--) text += ALPHABET[Math.floor(rb() * ALPHABET.length)];
    feeds.push({ delayMs: minMs + Math.floor(rt() * (maxMs - minMs)), text });
  }
  feeds.push({ delayMs: minMs + Math.floor(rt() * (maxMs - minMs)), text: 'q' });
  return feeds;
}

interface Result {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  wallMs: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A recorder (or any CLI command) running as a child process, with its
 * stdin as a pipe the test types into.
 */
class Live {
  readonly child;
  stdout = '';
  stderr = '';
  private readonly t0 = performance.now();
  private readonly done: Promise<Result>;
  private readonly guard: NodeJS.Timeout;

  constructor(args: string[], timeoutMs = 45_000) {
    this.child = spawn(process.execPath, [CLI, ...args], { cwd: work, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.setEncoding('latin1').on('data', (s: string) => { this.stdout += s; });
    this.child.stderr.setEncoding('utf8').on('data', (s: string) => { this.stderr += s; });
    this.child.stdin.on('error', () => {}); // EPIPE when the guest has already ended
    this.guard = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    this.done = new Promise((resolve, reject) => {
      this.child.on('error', reject);
      this.child.on('close', (status, signal) => {
        clearTimeout(this.guard);
        resolve({ status, signal, stdout: this.stdout, stderr: this.stderr, wallMs: performance.now() - this.t0 });
      });
    });
  }

  /** Resolves once stdout holds `text` (rejects if the process ends first or after `ms`). */
  async waitFor(text: string, ms = 20_000): Promise<void> {
    const start = performance.now();
    while (!this.stdout.includes(text)) {
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`the process ended before printing ${JSON.stringify(text)}:\n${this.stdout}\n${this.stderr}`);
      }
      if (performance.now() - start > ms) throw new Error(`no ${JSON.stringify(text)} after ${ms} ms:\n${this.stdout}\n${this.stderr}`);
      await sleep(5);
    }
  }

  type(text: string): void { this.child.stdin.write(Buffer.from(text, 'latin1')); }

  async feed(feeds: Feed[]): Promise<void> {
    for (const f of feeds) {
      await sleep(f.delayMs);
      this.type(f.text);
    }
  }

  end(): Promise<Result> { return this.done; }
}

/** Records `kernel` into `log` (pacing on unless `extra` says otherwise), typing `feeds` once the guest is ready. */
async function record(kernel: string, log: string, feeds: Feed[], extra: string[] = []): Promise<Result> {
  const ready = kernel === JITTER ? 'jitter: ready\n' : 'echo: ready\n';
  const rec = new Live(['record', '--kernel', kernel, '--output', log, ...extra]);
  await rec.waitFor(ready);
  await rec.feed(feeds);
  rec.child.stdin.end();
  return rec.end();
}

function cli(args: string[], timeoutMs = 30_000): Result {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: work, encoding: 'latin1', timeout: timeoutMs, killSignal: 'SIGKILL' });
  if (r.error && (r.error as NodeJS.ErrnoException).code !== 'ETIMEDOUT') throw r.error;
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, wallMs: performance.now() - t0 };
}

function replay(log: string, extra: string[] = [], timeoutMs = 30_000): Result {
  return cli(['replay', log, ...extra], timeoutMs);
}

/** How a process ended, for assertion messages. */
function how(r: Result): string {
  return r.signal ? `killed by ${r.signal} (timeout?)` : `status ${r.status}`;
}

interface LogEvent {
  offset: number;
  type: number;
  length: number;
  icount: number;
  warpNs: number;
  payload: Buffer;
}

interface ParsedLog {
  headerLength: number;
  header: { images: { role: string; path: string }[]; machine: Record<string, unknown> };
  events: LogEvent[];
  /** Bytes after the last complete event. */
  rest: number;
}

function parseLog(file: string): ParsedLog {
  const b = readFileSync(file);
  expect(b.toString('latin1', 0, 8)).toBe('RW86LOG\0');
  const headerLength = b.readUInt32LE(12);
  const header = JSON.parse(b.toString('utf8', 16, 16 + headerLength)) as ParsedLog['header'];
  const events: LogEvent[] = [];
  let off = 16 + headerLength;
  while (off + EVENT_HEAD <= b.length) {
    const length = b.readUInt32LE(off + 1);
    if (off + EVENT_HEAD + length > b.length) break;
    events.push({
      offset: off,
      type: b.readUInt8(off),
      length,
      icount: b.readDoubleLE(off + 5),
      warpNs: b.readDoubleLE(off + 13),
      payload: b.subarray(off + EVENT_HEAD, off + EVENT_HEAD + length),
    });
    off += EVENT_HEAD + length;
  }
  return { headerLength, header, events, rest: b.length - off };
}

/** The guest's `rx` lines. */
function rxLines(out: string): string[] {
  return out.split('\n').filter((l) => l.startsWith('rx '));
}

/** One line on stderr, `rewind86: error: ...` naming `what`, status 1, no stack trace. */
function expectUserError(r: Result, what: RegExp | string): void {
  expect(r.signal, `${how(r)}; stderr: ${r.stderr}`).toBeNull();
  expect(r.stderr, 'one error line').toMatch(/^rewind86: error: [^\n]+\n$/);
  expect(r.stderr).toMatch(what);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.status).toBe(1);
}

/** A copy of `log` with `edit` applied, under a new name. */
function edited(log: string, name: string, edit: (b: Buffer) => Buffer): string {
  const out = join(work, name);
  writeFileSync(out, edit(Buffer.from(readFileSync(log))));
  return out;
}

beforeAll(() => {
  // dist/ is built once by test/support/global-build.ts.
  work = makeTempDir('record-replay');
}, 180_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

// In-process runs with no input: echo gives up after `limit` ticks, jitter ends on its own.
describeUpToDate('echo', (kernel) => runKernel(kernel, { cmdline: 'limit=30' }).output);
describeUpToDate('jitter', (kernel) => runKernel(kernel, { cmdline: 'ticks=50' }).output);

// ---------------------------------------------------------------- determinism

describe('record, then replay: the same run every time', () => {
  const logA = () => join(work, 'echo-a.rr');
  let recA: Result;
  const feedsA = schedule(11, 101, 8, 40, 220);

  beforeAll(async () => {
    recA = await record(ECHO, logA(), feedsA);
  }, 60_000);

  it('echo: the recording sees every byte typed, in order, and exits with status 1 (isa-debug-exit code 0)', () => {
    expect(recA.stderr).toBe('');
    expect(recA.status, how(recA)).toBe(1);
    const typed = feedsA.map((f) => f.text).join('');
    const got = rxLines(recA.stdout).map((l) => String.fromCharCode(parseInt(/byte=0x([0-9a-f]{2})/.exec(l)![1], 16))).join('');
    expect(got).toBe(typed);
    expect(recA.stdout).toMatch(new RegExp(`^echo: ${typed.length} bytes, ticks=\\d+, updates=\\d+, overruns=0, dropped=0, checksum=0x[0-9a-f]{8}$`, 'm'));
    // The input went into the log as serial-input events, and the log ends with an End event.
    const log = parseLog(logA());
    const logged = log.events.filter((e) => e.type === EV_SERIAL).map((e) => e.payload.toString('latin1')).join('');
    expect(logged).toBe(typed);
    expect(log.events[log.events.length - 1].type).toBe(EV_END);
    expect(log.rest).toBe(0);
  });

  it('echo: three replays print exactly what the recording printed and exit with its status', () => {
    for (let i = 1; i <= 3; i++) {
      const r = replay(logA());
      expect(r.signal, how(r)).toBeNull();
      expect(firstDifference(recA.stdout, r.stdout, { expected: 'recording', actual: `replay ${i}` })).toBeNull();
      expect(r.stderr).toBe('');
      expect(r.status).toBe(recA.status);
    }
  });

  it('echo: the same bytes typed at other times give another run (ticks and TSC at arrival, checksum)', async () => {
    const feedsB = schedule(11, 202, 8, 40, 220);
    expect(feedsB.map((f) => f.text)).toEqual(feedsA.map((f) => f.text));
    const recB = await record(ECHO, join(work, 'echo-b.rr'), feedsB);
    expect(recB.status, how(recB)).toBe(1);
    const strip = (out: string) => rxLines(out).map((l) => l.replace(/ rtc=\S+ \S+/, ''));
    expect(strip(recB.stdout).length).toBe(strip(recA.stdout).length);
    expect(strip(recB.stdout)).not.toEqual(strip(recA.stdout));
    const sum = (out: string) => /checksum=(0x[0-9a-f]+)/.exec(out)?.[1];
    expect(sum(recB.stdout)).not.toBe(sum(recA.stdout));
    const r = replay(join(work, 'echo-b.rr'));
    expect(firstDifference(recB.stdout, r.stdout, { expected: 'recording B', actual: 'its replay' })).toBeNull();
    expect(r.status).toBe(1);
  }, 60_000);

  it('echo with the PIT in mode 3 (square wave): input typed while OUT is low, halted between two timer events, replays too', async () => {
    // In mode 3 the PIT's OUT falls halfway through each period without an interrupt: the
    // recorder warps there and goes on waiting at the same icount, so about half the bytes are
    // logged at an icount where the replay must warp before delivering them.
    const log = join(work, 'echo-mode3.rr');
    const feeds = schedule(5, 55, 10, 20, 90);
    const rec = await record(ECHO, log, feeds, ['--append', 'pitmode=3']);
    expect(rec.status, how(rec)).toBe(1);
    expect(rec.stdout).toMatch(/^echo: PIT mode 3, /m);
    const r = replay(log, [], 10_000);
    expect(r.signal, `${how(r)}: the replay hung`).toBeNull();
    expect(firstDifference(rec.stdout, r.stdout, { expected: 'recording', actual: 'replay' })).toBeNull();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
  }, 60_000);

  it('jitter: a busy guest whose hash depends on when each timer interrupt lands replays identically, input included', async () => {
    const log = join(work, 'jitter.rr');
    const feeds = schedule(7, 77, 4, 60, 160);
    const rec = await record(JITTER, log, feeds, ['--append', 'ticks=0']);
    expect(rec.status, `${how(rec)}: ${rec.stderr}`).toBe(1);
    const bytes = feeds.map((f) => f.text).join('').length;
    expect(rec.stdout).toMatch(new RegExp(`^jitter: \\d+ ticks, ${bytes} bytes, hash=0x[0-9a-f]{8}$`, 'm'));
    for (let i = 1; i <= 3; i++) {
      const r = replay(log);
      expect(firstDifference(rec.stdout, r.stdout, { expected: 'recording', actual: `replay ${i}` })).toBeNull();
      expect(r.stderr).toBe('');
      expect(r.status).toBe(1);
    }
  }, 60_000);

  it('jitter without input: every run gives the same hash (interrupts at exact instruction counts)', () => {
    const a = cli(['run', '--kernel', JITTER, '--append', 'ticks=200']);
    const b = cli(['run', '--kernel', JITTER, '--append', 'ticks=200']);
    expect(a.status).toBe(1);
    expect(a.stdout).toMatch(/^jitter: 200 ticks, 0 bytes, hash=0x[0-9a-f]{8}$/m);
    expect(b.stdout).toBe(a.stdout);
  });

  // ------------------------------------------------------------ divergence

  it('a changed input byte: replay stops with "replay diverged at icount N" at a checkpoint, status 1, and names trace-diff', () => {
    const log = parseLog(logA());
    const input = log.events.find((e) => e.type === EV_SERIAL)!;
    const byte = input.payload[0];
    const other = byte === 0x61 ? 0x62 : 0x61; // neither is 'q'
    const bad = edited(logA(), 'echo-a-changed.rr', (b) => { b[input.offset + EVENT_HEAD] = other; return b; });
    const r = replay(bad);
    expect(r.signal, how(r)).toBeNull();
    const m = /^rewind86: replay diverged at icount (\d+)\b/m.exec(r.stderr);
    expect(m, `stderr: ${r.stderr}`).not.toBeNull();
    const at = Number(m![1]);
    const checkpoints = log.events.filter((e) => e.type === EV_CHECKPOINT || e.type === EV_END).map((e) => e.icount);
    expect(checkpoints).toContain(at);
    expect(at).toBeGreaterThan(input.icount);
    expect(r.stderr).toMatch(/trace-diff/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.status).toBe(1);
  });
});

// ---------------------------------------------------------------- pacing

describe('pacing a live run', () => {
  // spin=2: the echo guest computes ~10M instructions before it is ready, which at shift 10 (1024 ns each) puts
  // virtual time ~10 s ahead of the host's; then it waits `limit` PIT ticks (100 Hz) and exits with code 2 (status 5).
  const paced = async (limit: number): Promise<{ status: number | null; idleMs: number }> => {
    const run = new Live(['run', '--kernel', ECHO, '--icount-shift', '10', '--append', `spin=2 limit=${limit}`]);
    await run.waitFor('echo: ready\n');
    const ready = performance.now();
    const r = await run.end();
    return { status: r.status, idleMs: performance.now() - ready };
  };

  it('does not make an idle guest wait out the lead virtual time took while it computed', async () => {
    const r = await paced(10);
    expect(r.status).toBe(5); // isa-debug-exit: (2 << 1) | 1
    expect(r.idleMs).toBeLessThan(3000); // 0.1 s of ticks (it waited ~10 s before)
  });

  it('still waits for the guest\'s timers in real time', async () => {
    const r = await paced(60);
    expect(r.status).toBe(5); // isa-debug-exit: (2 << 1) | 1
    expect(r.idleMs).toBeGreaterThan(500); // 0.6 s of ticks
  });
});

// ---------------------------------------------------------------- durability

describe('a recorder killed with SIGKILL', () => {
  it('leaves a log that replays up to its last event: a warning, the output up to the last input, status 0', async () => {
    const log = join(work, 'killed.rr');
    const rec = new Live(['record', '--kernel', ECHO, '--output', log]);
    await rec.waitFor('echo: ready\n');
    rec.type('ab');
    await rec.waitFor("'b' tick=");
    await sleep(150);
    rec.type('cde');
    await rec.waitFor("'e' tick=");
    await sleep(500); // idle: the guest waits for more input
    rec.child.kill('SIGKILL');
    const killed = await rec.end();
    expect(killed.signal).toBe('SIGKILL');
    const recorded = rxLines(killed.stdout);
    expect(recorded.length).toBe(5);

    const parsed = parseLog(log);
    expect(parsed.events.filter((e) => e.type === EV_SERIAL).map((e) => e.payload.toString('latin1')).join('')).toBe('abcde');
    expect(parsed.events.some((e) => e.type === EV_END)).toBe(false);

    const r = replay(log, [], 10_000);
    expect(r.signal, `${how(r)}: replay of a cut-short log must stop at its last event`).toBeNull();
    expect(r.stderr).toMatch(/^rewind86: warning: [^\n]*killed\.rr[^\n]*cut short/m);
    expect(r.stderr).not.toMatch(/diverged|error/);
    expect(r.stdout.startsWith('echo: ready\n') || r.stdout.includes('echo: ready\n')).toBe(true);
    expect(rxLines(r.stdout)).toEqual(recorded);
    expect(killed.stdout.startsWith(r.stdout)).toBe(true);
    expect(r.status).toBe(0);
  }, 60_000);
});

// ---------------------------------------------------------------- bad input

describe('bad input: one line `rewind86: error: ...`, status 1', () => {
  let good = '';

  beforeAll(async () => {
    good = join(work, 'good.rr');
    const r = await record(ECHO, good, [{ delayMs: 20, text: 'xy' }, { delayMs: 50, text: 'q' }]);
    expect(r.status, how(r)).toBe(1);
  }, 60_000);

  it('a truncated header', () => {
    const { headerLength } = parseLog(good);
    const cut = edited(good, 'cut-header.rr', (b) => b.subarray(0, 16 + (headerLength >> 1)));
    expectUserError(replay(cut), /cut-header\.rr: .*truncated header/);
    const tiny = edited(good, 'cut-magic.rr', (b) => b.subarray(0, 12));
    expectUserError(replay(tiny), /cut-magic\.rr: /);
  });

  it('an event of unknown type', () => {
    const ev = parseLog(good).events[0];
    const bad = edited(good, 'bad-type.rr', (b) => { b[ev.offset] = 0x7f; return b; });
    expectUserError(replay(bad), /bad-type\.rr: .*(event|type)/);
  });

  it('an event whose payload length runs far beyond the end of the file', () => {
    const ev = parseLog(good).events.find((e) => e.type === EV_SERIAL)!;
    const bad = edited(good, 'bad-length.rr', (b) => { b.writeUInt32LE(0x40000000, ev.offset + 1); return b; });
    expectUserError(replay(bad), /bad-length\.rr: .*(event|payload)/);
  });

  it('an End event whose length is not 8 and runs past the end of the file (corruption, not a cut-short recording)', () => {
    const log = parseLog(good);
    const end = log.events[log.events.length - 1];
    expect(end.type).toBe(EV_END);
    const bad = edited(good, 'bad-end.rr', (b) => { b.writeUInt32LE(64, end.offset + 1); return b; });
    expectUserError(replay(bad, [], 20_000), /bad-end\.rr: .*(event|payload|end)/);
  });

  it('a kernel image that changed since the recording', async () => {
    const kernel = join(work, 'echo-copy.elf');
    copyFileSync(ECHO, kernel);
    const log = join(work, 'copy.rr');
    const rec = await record(kernel, log, [{ delayMs: 10, text: 'q' }]);
    expect(rec.status, how(rec)).toBe(1);
    expect(replay(log).status).toBe(1); // still the same image
    const b = readFileSync(kernel);
    b[b.length - 1] ^= 0xff;
    writeFileSync(kernel, b);
    expectUserError(replay(log), /echo-copy\.elf: .*not the image/);
  }, 60_000);

  it('record refuses to overwrite an existing log without --force, and leaves it alone', () => {
    const before = readFileSync(good);
    const r = cli(['record', '--kernel', ECHO, '--output', good]);
    expectUserError(r, /good\.rr: .*exists.*--force/);
    expect(r.stdout).toBe('');
    expect(readFileSync(good).equals(before)).toBe(true);
  });

  it('record --force overwrites it', async () => {
    const copy = join(work, 'overwrite.rr');
    copyFileSync(good, copy);
    const r = await record(ECHO, copy, [{ delayMs: 10, text: 'zq' }], ['--force']);
    expect(r.status, how(r)).toBe(1);
    expect(parseLog(copy).events.filter((e) => e.type === EV_SERIAL).map((e) => e.payload.toString('latin1')).join('')).toBe('zq');
  }, 60_000);
});

// ---------------------------------------------------------------- idle time

describe('replaying a mostly idle recording', () => {
  it('takes several times less wall time than recording it took (pacing on while recording)', async () => {
    const log = join(work, 'idle.rr');
    const feeds: Feed[] = [];
    for (let i = 0; i < 6; i++) feeds.push({ delayMs: 500, text: ALPHABET[i] });
    feeds.push({ delayMs: 300, text: 'q' });
    const rec = await record(ECHO, log, feeds);
    expect(rec.status, how(rec)).toBe(1);
    const r = replay(log);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe(rec.stdout);
    const ratio = rec.wallMs / r.wallMs;
    // Reported, not a speed benchmark: the point is that replay does not wait for host time.
    console.log(`record-replay: idle echo recorded in ${(rec.wallMs / 1000).toFixed(2)} s, replayed in ${(r.wallMs / 1000).toFixed(2)} s (${ratio.toFixed(1)}x, both including node start-up)`);
    expect(ratio).toBeGreaterThanOrEqual(3);
  }, 60_000);
});

// ---------------------------------------------------------------- --no-sleep

describe('recording with --no-sleep', () => {
  it('still takes input while the guest idles, long before the first checkpoint (2^26 instructions)', async () => {
    const log = join(work, 'nosleep.rr');
    const rec = new Live(['record', '--kernel', ECHO, '--output', log, '--no-sleep']);
    await rec.waitFor('echo: ready\n');
    rec.type('a');
    await rec.waitFor("'a' tick=", 20_000);
    rec.type('q');
    const r = await rec.end();
    expect(r.status, how(r)).toBe(1);
    const input = parseLog(log).events.find((e) => e.type === EV_SERIAL)!;
    // Typed right after "ready": the live loop must look at stdin while warping through idle time,
    // not only when icount reaches a checkpoint.
    expect(input.icount, `the byte was delivered at icount ${input.icount}`).toBeLessThan(2 ** 26);
    const rep = replay(log);
    expect(rep.stdout).toBe(r.stdout);
    expect(rep.status).toBe(1);
  }, 60_000);
});
