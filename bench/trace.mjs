#!/usr/bin/env node
// Execution traces (src/trace): what tracing costs and how fast trace-diff is.
//  1. Block level, on every bench kernel: wall time plain vs traced (median of
//     N runs, interleaved so drift hits both alike), records written and trace
//     bytes per 10^6 instructions -- the cost of leaving --trace on.
//  2. Instruction level (one record per instruction, so far slower): MIPS and
//     bytes per 10^6 instructions on one run of sort capped at 2e7 instructions.
//  3. trace-diff throughput: two identical instruction-level traces of
//     --entries instructions (default 1e8; the second is a copy of the first,
//     which saves a 20 s run) compared in full -- instructions compared per
//     second, and the peak RSS, which must stay bounded however long the traces.
// Usage: node bench/trace.mjs [--runs N] [--entries N]
import { readFileSync, readdirSync, mkdtempSync, rmSync, copyFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Machine } from '../dist/devices/index.js';
import { TraceWriter, TraceReader, diffTraces } from '../dist/trace/index.js';

const binDir = join(dirname(fileURLToPath(import.meta.url)), 'guests', 'bin');
const args = process.argv.slice(2);
let runs = 3, entries = 1e8;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--runs') runs = Number(args[++i]);
  else if (args[i] === '--entries') entries = Number(args[++i]);
  else throw new Error(`unknown argument ${args[i]}`);
}
const INSN_LIMIT = 2e7;
const kernels = readdirSync(binDir).filter((f) => f.endsWith('.elf')).map((f) => f.slice(0, -4)).sort();

/** Runs `name` to its end (or `limit` instructions), traced at `level` into `path` unless level is null. */
function runOnce(name, level, path, limit = Infinity) {
  const file = join(binDir, `${name}.elf`);
  let out = '';
  const m = new Machine({ memoryMiB: 64, serialOut: (c) => { out += String.fromCharCode(c); } });
  m.loadMultiboot(file, readFileSync(file), '');
  const w = level && new TraceWriter(path, m.cpu, { level, source: 'bench', machine: {}, rewind86Version: 'bench', force: true });
  if (w) {
    m.exec.tracer = w;
    if (level === 'insn') m.exec.blockInsnLimit = 1;
  }
  const t0 = performance.now();
  const r = m.run(limit);
  w?.close(); // part of the cost: the last chunk and the end record
  const seconds = (performance.now() - t0) / 1000;
  if (limit === Infinity && !out.includes('BENCH done')) throw new Error(`${name}: did not finish (${r.message}); output: ${out.slice(-200)}`);
  if (limit !== Infinity && m.cpu.icount < limit) throw new Error(`${name}: ended at icount ${m.cpu.icount}, before ${limit}`);
  const checksum = /checksum=([0-9a-f]+)/.exec(out)?.[1];
  return { seconds, icount: m.cpu.icount, checksum, entries: w?.entries ?? 0, bytes: w?.bytesWritten ?? 0 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pad = (s, n) => String(s).padStart(n);
const perM = (bytes, icount) => Math.round((bytes / icount) * 1e6);
const dir = mkdtempSync(join(tmpdir(), 'rw86-trace-'));
try {
  console.log(`rewind86 trace bench: node ${process.version}`);
  // 1. Block level.
  console.log(`block-level tracing, median of ${runs} runs:`);
  console.log(`${'kernel'.padEnd(8)} ${pad('icount', 11)} ${pad('plain s', 8)} ${pad('traced s', 8)} ${pad('ratio', 6)} ${pad('entries', 10)} ${pad('B/1e6 insn', 11)}`);
  const path = join(dir, 'block.trace');
  for (const name of kernels) {
    const plain = [], traced = [];
    let last;
    for (let i = 0; i < runs; i++) {
      const ref = runOnce(name, null);
      plain.push(ref.seconds);
      last = runOnce(name, 'block', path);
      traced.push(last.seconds);
      // Tracing must not change what the guest does.
      if (last.icount !== ref.icount || last.checksum !== ref.checksum) throw new Error(`${name}: the traced run differs from the plain one`);
    }
    const p = median(plain), t = median(traced);
    console.log(`${name.padEnd(8)} ${pad(last.icount, 11)} ${pad(p.toFixed(3), 8)} ${pad(t.toFixed(3), 8)} ${pad((t / p).toFixed(2), 6)} ${pad(last.entries, 10)} ${pad(perM(last.bytes, last.icount), 11)}`);
  }

  // 2. Instruction level (one run: at ~5 MIPS it is the slow part).
  const insn = runOnce('sort', 'insn', join(dir, 'insn.trace'), INSN_LIMIT);
  console.log(`insn-level tracing, sort, ${insn.icount} instructions: ${(insn.icount / insn.seconds / 1e6).toFixed(2)} MIPS, ${insn.entries} entries, ${perM(insn.bytes, insn.icount)} B/1e6 insn`);

  // 3. trace-diff of two identical instruction-level traces.
  const a = join(dir, 'a.trace'), b = join(dir, 'b.trace');
  const made = runOnce('sort', 'insn', a, entries);
  copyFileSync(a, b);
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const sample = () => { peak = Math.max(peak, process.memoryUsage().rss); };
  const t0 = performance.now();
  const ra = new TraceReader(a), rb = new TraceReader(b);
  const res = diffTraces(ra, rb, { context: 5, ignoreUntilWritten: [], onProgress: sample });
  const seconds = (performance.now() - t0) / 1000;
  ra.close(); rb.close();
  sample();
  if (!res.same) throw new Error(`trace-diff of identical traces: ${res.divergence?.message}`);
  const mib = (x) => (x / 2 ** 20).toFixed(0);
  console.log(`trace-diff, 2 x ${made.entries} entries (${mib(statSync(a).size)} MiB each): ${res.compared} compared in ${seconds.toFixed(2)} s = ${(res.compared / seconds / 1e6).toFixed(2)} M insn/s, same=${res.same}, RSS ${mib(rssBefore)} MiB before, peak ${mib(peak)} MiB`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
