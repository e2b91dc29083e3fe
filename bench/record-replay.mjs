#!/usr/bin/env node
// Record/replay costs on a CPU-bound guest: a plain run, a recording (log
// written) and a replay of that recording, each in a fresh machine; median
// of N runs (sort with rounds=80: about 1e9 instructions, so fixed costs such
// as the final RAM hash weigh as they would in a real recording).
// Usage: node bench/record-replay.mjs [--runs N] [kernel-name]
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Machine } from '../dist/devices/index.js';
import { LogWriter, Recorder, runLive, parseLog, Replayer, LOG_FORMAT_VERSION } from '../dist/replay/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
let runs = 3, name = 'sort';
for (let i = 0; i < args.length; i++) { if (args[i] === '--runs') runs = Number(args[++i]); else name = args[i]; }
const kernel = join(here, 'guests', 'bin', `${name}.elf`);
const APPEND = name === 'sort' ? 'rounds=80' : '';
const data = readFileSync(kernel);
const dir = mkdtempSync(join(tmpdir(), 'rw86-bench-'));
const noInput = { available: 0, ended: true, quit: false, take: () => new Uint8Array(0), wait: async () => {} };

function machine() {
  const m = new Machine({ memoryMiB: 64, serialOut: () => {}, startTimeMs: 0 });
  m.loadMultiboot(kernel, data, APPEND);
  return m;
}

async function live(logPath) {
  const m = machine();
  const writer = logPath ? new LogWriter(logPath, { formatVersion: LOG_FORMAT_VERSION, rewind86Version: 'bench', machine: { memoryMiB: 64, icountShift: 3, append: APPEND }, images: [], startTimeMs: 0 }, true) : null;
  const t0 = performance.now();
  await runLive(m, new Recorder(m, writer), noInput, { pace: false });
  return { seconds: (performance.now() - t0) / 1000, icount: m.cpu.icount };
}

function replay(logPath) {
  const m = machine();
  const log = parseLog(logPath, readFileSync(logPath));
  const t0 = performance.now();
  const out = new Replayer(m, log).run();
  if (out.kind !== 'end') throw new Error(`replay: ${JSON.stringify(out)}`);
  return { seconds: (performance.now() - t0) / 1000, icount: m.cpu.icount };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const plain = [], rec = [], rep = [];
const logPath = join(dir, 'bench.rr');
for (let i = 0; i < runs; i++) {
  plain.push((await live(null)).seconds);
  rec.push((await live(logPath)).seconds);
  rep.push(replay(logPath).seconds);
}
rmSync(dir, { recursive: true, force: true });
const p = median(plain), r = median(rec), q = median(rep);
console.log(`record/replay on ${name}.elf ${APPEND}, median of ${runs}: plain ${p.toFixed(3)} s, record ${r.toFixed(3)} s (overhead x${(r / p).toFixed(3)}), replay ${q.toFixed(3)} s (replay/record speed x${(r / q).toFixed(3)})`);
