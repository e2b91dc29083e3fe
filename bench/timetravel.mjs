#!/usr/bin/env node
// Time travel and idle replay: seek latency to random points of a recording
// of >= 10^9 instructions (sort with rounds=80), snapshot memory per 10^9
// instructions, and the wall-clock speed-up of replaying a mostly idle
// recording (the echo guest fed a byte every 200 ms of host time).
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Machine } from '../dist/devices/index.js';
import { LogWriter, Recorder, runLive, parseLog, Replayer, TimeTravel, LOG_FORMAT_VERSION } from '../dist/replay/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'rw86-tt-'));

function machine(kernel, append) {
  const m = new Machine({ memoryMiB: 64, serialOut: () => {}, startTimeMs: 0 });
  m.loadMultiboot(kernel, readFileSync(kernel), append);
  return m;
}

async function record(kernel, append, input, pace) {
  const m = machine(kernel, append);
  const logPath = join(dir, `${Math.random().toString(36).slice(2)}.rr`);
  const header = { formatVersion: LOG_FORMAT_VERSION, rewind86Version: 'bench', machine: { memoryMiB: 64, icountShift: 3, append }, images: [], startTimeMs: 0 };
  const t0 = performance.now();
  await runLive(m, new Recorder(m, new LogWriter(logPath, header, true)), input, { pace });
  return { seconds: (performance.now() - t0) / 1000, icount: m.cpu.icount, log: parseLog(logPath, readFileSync(logPath)) };
}

const noInput = { available: 0, ended: true, quit: false, take: () => new Uint8Array(0), wait: async () => {} };

// Seek latency.
const sortKernel = join(root, 'bench/guests/bin/sort.elf');
const long = await record(sortKernel, 'rounds=80', noInput, false);
const tt = new TimeTravel(machine(sortKernel, 'rounds=80'), long.log);
tt.seek(Infinity); // the first pass takes the snapshots
let x = 987654321;
const times = [];
for (let i = 0; i < 60; i++) {
  x = (Math.imul(x, 1103515245) + 12345) >>> 0;
  const target = Math.floor((x / 2 ** 32) * long.icount);
  const t0 = performance.now();
  tt.seek(target);
  if (i >= 10) times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const info = tt.info();
console.log(`seek on a ${(long.icount / 1e9).toFixed(2)}e9-instruction recording (K=${info.interval}): median ${times[times.length >> 1].toFixed(1)} ms, p90 ${times[Math.floor(times.length * 0.9)].toFixed(1)} ms; ` +
  `${info.snapshots} snapshots, ${(info.snapshotBytes / 2 ** 20 / (long.icount / 1e9)).toFixed(1)} MiB per 1e9 instructions`);

// Idle replay speed-up: a byte every 200 ms of host time, then 'q'.
const bytes = [...'hello rewind86 q'].map((c) => c.charCodeAt(0));
let sent = 0, queue = [];
const t0 = performance.now();
const idleInput = {
  get available() { return queue.length; },
  ended: false,
  quit: false,
  take(max) { const out = Uint8Array.from(queue.slice(0, max)); queue = queue.slice(max); return out; },
  wait(ms) {
    const due = t0 + 200 * (sent + 1) - performance.now();
    return new Promise((resolve) => setTimeout(() => {
      if (performance.now() - t0 >= 200 * (sent + 1) && sent < bytes.length) queue.push(bytes[sent++]);
      resolve();
    }, Math.max(0, Math.min(ms, due))));
  },
};
const idle = await record(join(root, 'test/guests/bin/echo.elf'), '', idleInput, true);
const rm = machine(join(root, 'test/guests/bin/echo.elf'), '');
const r0 = performance.now();
const out = new Replayer(rm, idle.log).run();
const replaySeconds = (performance.now() - r0) / 1000;
console.log(`idle recording: recorded in ${idle.seconds.toFixed(2)} s, replayed in ${replaySeconds.toFixed(3)} s (x${(idle.seconds / replaySeconds).toFixed(0)} faster; ${out.kind})`);
rmSync(dir, { recursive: true, force: true });
