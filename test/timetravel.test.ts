// Time travel through a replay (src/replay/timetravel.ts): recordings are made
// in-process (Machine + Recorder + runLive with a scripted HostInput), then a
// TimeTravel seeks around them. Every state it lands on must be the state a
// plain replay stopped at the same icount with Replayer.run({ until }) is in:
// same CPU state hash and RAM hash. The reference replays each run on a fresh
// machine from icount 0.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Machine } from '../src/devices/index.js';
import {
  LogWriter, Recorder, runLive, parseLog, Replayer, TimeTravel, cpuStateHash, ramHash, LOG_FORMAT_VERSION, EventType,
  type HostInput, type ParsedLog, type TravelResult,
} from '../src/replay/index.js';
import { readCheckpoint } from '../src/replay/log.js';
import { makeTempDir, repoPath } from './support/guests.js';

const SORT = repoPath('bench/guests/bin/sort.elf');
const ECHO = repoPath('test/guests/bin/echo.elf');
const START_MS = 1_700_000_000_000;

interface Guest { kernel: string; data: Uint8Array; memoryMiB: number }

function newMachine(g: Guest, out?: (b: number) => void): Machine {
  const m = new Machine({ memoryMiB: g.memoryMiB, serialOut: out ?? (() => {}), startTimeMs: START_MS });
  m.loadMultiboot(g.kernel, g.data, '');
  return m;
}

/** Serial input delivered at chosen points: each chunk `gap` instructions after the previous one (the first after `ready()`). */
function scriptedInput(m: Machine, plan: Array<{ gap: number; bytes: string }>, ready: () => boolean): HostInput {
  let k = 0, last = -1;
  return {
    get available() {
      if (k >= plan.length) return 0;
      if (last < 0) {
        if (!ready()) return 0;
        last = m.cpu.icount;
      }
      return m.cpu.icount >= last + plan[k].gap ? plan[k].bytes.length : 0;
    },
    get ended() { return k >= plan.length; },
    quit: false,
    take(max: number) {
      const chunk = Buffer.from(plan[k].bytes.slice(0, max), 'latin1');
      k++;
      last = m.cpu.icount;
      return chunk;
    },
    wait: async () => {},
  };
}

function logWriter(g: Guest, path: string): LogWriter {
  return new LogWriter(path, {
    formatVersion: LOG_FORMAT_VERSION, rewind86Version: 'test',
    machine: { memoryMiB: g.memoryMiB, icountShift: 3, append: '' }, images: [], startTimeMs: START_MS,
  }, true);
}

/** A recording made as `rewind86 record` makes it (runLive), with scripted input. */
async function record(g: Guest, path: string, plan: Array<{ gap: number; bytes: string }> = []): Promise<ParsedLog> {
  let out = '';
  const m = newMachine(g, (b) => { out += String.fromCharCode(b); });
  await runLive(m, new Recorder(m, logWriter(g, path)), scriptedInput(m, plan, () => out.includes('echo: ready')), { pace: false });
  return parseLog(path, readFileSync(path));
}

/** A recording without input that the user ends at icount `stopAt` (runLive's loop, without the host). */
function recordUntil(g: Guest, path: string, stopAt: number): ParsedLog {
  const m = newMachine(g);
  const recorder = new Recorder(m, logWriter(g, path));
  for (;;) {
    const next = Recorder.nextCheckpoint(m.cpu.icount);
    const stop = m.runUntil(Math.min(next, stopAt));
    if (m.cpu.icount >= next) recorder.checkpoint();
    if (stop.kind === 'halted' && m.warp()) continue;
    if (stop.kind !== 'limit' || m.cpu.icount >= stopAt) break;
  }
  recorder.end();
  return parseLog(path, readFileSync(path));
}

const stateHash = (m: Machine) => `${cpuStateHash(m).toString(16)}/${ramHash(m).toString(16)}`;

/** A plain replay on a fresh machine stopped at `n`: its state hash (memoized per log). */
function referenceHash(g: Guest, log: ParsedLog, n: number, memo: Map<number, string>): string {
  let h = memo.get(n);
  if (h === undefined) {
    const m = newMachine(g);
    const out = new Replayer(m, log).run({ until: n });
    expect(out.kind).toBe('until');
    expect(m.cpu.icount).toBe(n);
    h = stateHash(m);
    memo.set(n, h);
  }
  return h;
}

/** A seek that must land exactly on `n` with the reference state. */
function expectAt(tt: TimeTravel, r: TravelResult, n: number, ref: string): void {
  expect(r.stop.kind === 'diverged' ? r.stop.what : r.icount).toBe(n);
  expect(tt.icount).toBe(n);
  expect(stateHash(tt.machine)).toBe(ref);
}

let dir = '';
beforeAll(() => { dir = makeTempDir('timetravel'); });
afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

describe('time travel in a recording of sort.elf (~3.1e8 instructions)', () => {
  const g: Guest = { kernel: SORT, data: readFileSync(SORT), memoryMiB: 32 };
  const K = 1 << 22;
  const N = 200_012_345, R = 73_219_457, EARLY = 41_234_567; // EARLY: before the first checkpoint (2^26)
  const refs = new Map<number, string>();
  const ref = (n: number) => referenceHash(g, log, n, refs);
  let log: ParsedLog;
  let initial = '';
  let tt: TimeTravel;

  beforeAll(async () => {
    log = await record(g, join(dir, 'sort.rr'));
    expect(log.truncated).toBe(false);
    initial = stateHash(newMachine(g));
    tt = new TimeTravel(newMachine(g), log, { interval: K });
  });

  it('starts with one snapshot at icount 0 and knows the length of the recording', () => {
    const info = tt.info();
    expect(info).toMatchObject({ icount: 0, snapshots: 1, interval: K, frontier: 0 });
    expect(info.length).toBe(log.events[log.events.length - 1].icount);
    expect(info.length).toBeGreaterThan(3e8);
  });

  it('seeks forward, backward and forward again to the state of a plain replay', () => {
    // Forward from the start: replays the whole way, taking a snapshot at every multiple of K.
    let r = tt.seek(N);
    expectAt(tt, r, N, ref(N));
    expect(r).toMatchObject({ stop: { kind: 'reached' }, replayed: N, restoredFrom: null });
    expect(tt.info()).toMatchObject({ snapshots: Math.floor(N / K) + 1, frontier: Math.floor(N / K) * K });

    // Backward: from the newest snapshot at or before the target, at most K instructions.
    r = tt.seek(N - 1000);
    expectAt(tt, r, N - 1000, ref(N - 1000));
    expect(r.restoredFrom).toBe(Math.floor((N - 1000) / K) * K);
    expect(r.replayed).toBe(N - 1000 - r.restoredFrom!);

    r = tt.seek(R);
    expectAt(tt, r, R, ref(R));
    expect(r.restoredFrom).toBe(Math.floor(R / K) * K);
    expect(r.replayed).toBeLessThanOrEqual(K);

    r = tt.seek(N);
    expectAt(tt, r, N, ref(N));
    expect(r.replayed).toBeLessThanOrEqual(K);

    // Where it is already; one instruction on (no restore).
    expect(tt.seek(N)).toMatchObject({ replayed: 0, restoredFrom: null, icount: N });
    r = tt.seek(N + 1);
    expect(r).toMatchObject({ stop: { kind: 'reached' }, replayed: 1, restoredFrom: null, icount: N + 1 });
  });

  it('replays at most K instructions to reach any point before the newest snapshot', () => {
    let x = 0x2545f491;
    const frontier = tt.info().frontier;
    for (let i = 0; i < 24; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const target = x % frontier;
      const r = tt.seek(target);
      expect(r.icount, 'a replay must stop exactly at the icount asked for (Replayer.run({ until }))').toBe(target);
      expect(r.stop.kind).toBe('reached');
      expect(r.replayed).toBeLessThanOrEqual(K);
    }
    expectAt(tt, tt.seek(R), R, ref(R));
  });

  it('seek to 0 gives the initial state', () => {
    const r = tt.seek(0);
    expectAt(tt, r, 0, initial);
    expect(r).toMatchObject({ restoredFrom: 0, replayed: 0 });
    expectAt(tt, tt.seek(N), N, ref(N));
  });

  it('a seek past the end reports the end, at the state the log recorded there', () => {
    const length = tt.length;
    let r = tt.seek(length + 12345);
    expect(r.stop).toEqual({ kind: 'end', stop: { kind: 'exit', status: 1 }, truncated: false });
    expect(r.icount).toBe(length);
    const end = readCheckpoint(log.events[log.events.length - 1].payload);
    expect(stateHash(tt.machine)).toBe(`${end.cpuHash.toString(16)}/${end.ramHash.toString(16)}`);
    // Already there: nothing to replay, the end is reported again.
    r = tt.seek(Infinity);
    expect(r).toMatchObject({ stop: { kind: 'end' }, replayed: 0, icount: length });
    expect(tt.continueForward().stop.kind).toBe('end');
    // And back.
    expectAt(tt, tt.seek(R), R, ref(R));
    expect(tt.info().snapshots).toBe(Math.floor(length / K) + 1);
  });

  it('continues forward and backward to replay breakpoints, exactly', () => {
    const b1 = 1000;
    tt.addBreakpoint(R);
    tt.addBreakpoint(N);
    tt.addBreakpoint(b1);
    expect(tt.breakpoints).toEqual([b1, R, N]);
    tt.seek(0);
    let r = tt.continueForward();
    expect(r).toMatchObject({ stop: { kind: 'breakpoint' }, icount: b1 });
    expectAt(tt, r, b1, ref(b1));
    expectAt(tt, tt.continueForward(), R, ref(R));
    r = tt.continueForward();
    expect(r.stop.kind).toBe('breakpoint');
    expectAt(tt, r, N, ref(N));
    r = tt.continueForward();
    expect(r.stop.kind).toBe('end');
    expect(r.icount).toBe(tt.length);

    r = tt.continueBackward();
    expect(r.stop.kind).toBe('breakpoint');
    expectAt(tt, r, N, ref(N));
    expect(r.replayed).toBeLessThanOrEqual(K);
    expectAt(tt, tt.continueBackward(), R, ref(R));
    expectAt(tt, tt.continueBackward(), b1, ref(b1));
    r = tt.continueBackward();
    expect(r.stop.kind).toBe('history-start');
    expectAt(tt, r, 0, initial);
    expect(tt.continueBackward().stop.kind).toBe('history-start');

    expect(tt.removeBreakpoint(R)).toBe(true);
    expect(tt.removeBreakpoint(R)).toBe(false);
    expect(tt.continueForward().icount).toBe(b1);
    expectAt(tt, tt.continueForward(), N, ref(N));
    tt.removeBreakpoint(b1);
    tt.removeBreakpoint(N);
  });

  it('steps one instruction either way, and says where history begins', () => {
    tt.seek(0);
    expect(tt.stepBackward().stop.kind).toBe('history-start');
    expect(tt.stepForward()).toMatchObject({ icount: 1, replayed: 1 });
    expect(tt.stepBackward()).toMatchObject({ icount: 0, stop: { kind: 'reached' } });
    tt.seek(N);
    const r = tt.stepBackward();
    expectAt(tt, r, N - 1, ref(N - 1));
    expect(r.replayed).toBeLessThanOrEqual(K);
  });

  it('refuses icounts that are not instruction counts', () => {
    expect(() => tt.seek(-1)).toThrow(/seek: -1 is not an instruction count/);
    expect(() => tt.seek(1.5)).toThrow(/not an instruction count/);
    expect(() => tt.addBreakpoint(Number.NaN)).toThrow(/breakpoint: NaN/);
  });

  it('keeps the snapshots under a memory budget by doubling K, and still seeks exactly', () => {
    const budget = 1 << 20;
    const small = new TimeTravel(newMachine(g), log, { interval: 1 << 14, memoryBudgetBytes: budget });
    const r = small.seek(Infinity);
    expect(r.stop.kind).toBe('end');
    const info = small.info();
    expect(info.snapshotBytes).toBeLessThanOrEqual(budget);
    expect(info.interval).toBeGreaterThan(1 << 14);
    expect(info.snapshots).toBeGreaterThan(2);
    // Every gap between snapshots is at most K.
    expect(info.snapshots).toBeGreaterThanOrEqual(Math.floor(info.frontier / info.interval) + 1);
    for (const n of [N, R, N - 1]) {
      const s = small.seek(n);
      expectAt(small, s, n, ref(n));
      expect(s.replayed).toBeLessThanOrEqual(info.interval);
    }
  });

  it('reports a divergence, and seeks before it still work', () => {
    const first = log.events.findIndex((e) => e.type === EventType.Checkpoint);
    const at = log.events[first].icount;
    const bad = new Uint8Array(log.events[first].payload);
    bad[0] ^= 1;
    const tampered: ParsedLog = { ...log, events: log.events.map((e, i) => (i === first ? { ...e, payload: bad } : e)) };
    const t2 = new TimeTravel(newMachine(g), tampered, { interval: 1 << 24 });
    let r = t2.seek(at + 1000);
    expect(r.stop.kind).toBe('diverged');
    expect(r.stop.kind === 'diverged' && r.stop.what).toMatch(/CPU state hash/);
    expect(r.icount).toBe(at);
    expect(EARLY).toBeLessThan(at);
    expectAt(t2, t2.seek(EARLY), EARLY, ref(EARLY));
    r = t2.seek(at + 1000);
    expect(r.stop.kind).toBe('diverged');
    expect(t2.continueForward().stop.kind).toBe('diverged');
  });

  it('ends a log that was cut short at its last event', () => {
    const first = log.events.findIndex((e) => e.type === EventType.Checkpoint);
    const cut: ParsedLog = { ...log, events: log.events.slice(0, first + 1), truncated: true };
    const t3 = new TimeTravel(newMachine(g), cut, { interval: 1 << 24 });
    const at = cut.events[first].icount;
    expect(t3.length).toBe(at);
    const r = t3.seek(at + 5);
    expect(r).toMatchObject({ stop: { kind: 'end', stop: null, truncated: true }, icount: at });
    expect(stateHash(t3.machine)).toBe(referenceHash(g, cut, at, new Map()));
    expectAt(t3, t3.seek(EARLY), EARLY, ref(EARLY));
  });
});

// echo.elf idles on the PIT (sti; hlt), so the replay warps through halts, and takes serial input.
describe.skipIf(!existsSync(ECHO))('time travel in a recording with serial input and halts (echo.elf)', () => {
  const g: Guest = { kernel: ECHO, data: existsSync(ECHO) ? readFileSync(ECHO) : new Uint8Array(0), memoryMiB: 16 };
  const refs = new Map<number, string>();
  let log: ParsedLog;

  beforeAll(async () => {
    log = await record(g, join(dir, 'echo.rr'), [{ gap: 50_000, bytes: 'ab' }, { gap: 200_000, bytes: 'cde' }, { gap: 300_000, bytes: 'q' }]);
  });

  it('lands on the state of a plain replay around every input, in any order', () => {
    const inputs = log.events.filter((e) => e.type === EventType.SerialInput).map((e) => e.icount);
    expect(inputs.length).toBe(3);
    const K = 1 << 12;
    const tt = new TimeTravel(newMachine(g), log, { interval: K });
    const points = [...new Set(inputs.flatMap((i) => [i - 1, i, i + 1]).concat([12_345, tt.length - 7, 77_777, 301_234]))];
    // A fixed shuffle: forward past the frontier first, then back and forth.
    points.sort((a, b) => ((a * 2654435761) >>> 0) % 1009 - ((b * 2654435761) >>> 0) % 1009);
    for (const n of points.concat([...points].reverse())) {
      const frontier = tt.info().frontier;
      const r = tt.seek(n);
      expect(r.stop.kind).toBe('reached');
      expectAt(tt, r, n, referenceHash(g, log, n, refs));
      if (n < frontier) expect(r.replayed).toBeLessThanOrEqual(K);
    }
    const end = tt.seek(Infinity);
    expect(end.stop).toEqual({ kind: 'end', stop: { kind: 'exit', status: 1 }, truncated: false });
    tt.addBreakpoint(inputs[1]);
    const r = tt.continueBackward();
    expect(r.stop.kind).toBe('breakpoint');
    expectAt(tt, r, inputs[1], referenceHash(g, log, inputs[1], refs));
  });
});

// smc.elf rewrites its own code: restoring a snapshot must also bring back the code as it was then.
describe('time travel in a recording of self-modifying code (smc.elf)', () => {
  const SMC = repoPath('test/guests/bin/smc.elf');
  const g: Guest = { kernel: SMC, data: readFileSync(SMC), memoryMiB: 16 };

  it('lands on the state of a plain replay at points visited in any order', () => {
    // Its first 240k instructions (of ~730k, which are translation-bound and replay slowly).
    const log = recordUntil(g, join(dir, 'smc.rr'), 240_000);
    const length = log.events[log.events.length - 1].icount;
    expect(log.truncated).toBe(false);
    const points = [1, 0.93, 0.31, 0.62, 0.07, 0.5, 0.78].map((f) => Math.floor(f * length) - 3);
    // References from one plain replay stopped at each point in turn (the translation-heavy guest replays slowly).
    const refs = new Map<number, string>();
    const m = newMachine(g), replayer = new Replayer(m, log);
    for (const n of [...points].sort((a, b) => a - b)) {
      expect(replayer.run({ until: n }).kind).toBe('until');
      expect(m.cpu.icount).toBe(n);
      refs.set(n, stateHash(m));
    }
    const K = 1 << 14;
    const tt = new TimeTravel(newMachine(g), log, { interval: K });
    for (const n of points) expectAt(tt, tt.seek(n), n, refs.get(n)!);
    for (const n of [...points].reverse()) {
      const r = tt.seek(n);
      expectAt(tt, r, n, refs.get(n)!);
      expect(r.replayed).toBeLessThanOrEqual(K);
    }
  });
});
