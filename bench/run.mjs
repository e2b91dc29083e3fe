#!/usr/bin/env node
// Guest MIPS on the CPU-bound bench kernels (bench/guests), with translation
// cost and generated code size; then the same with paging on (32-bit and PAE). Usage: npm run bench [-- --runs N] [-- names...]
// Each kernel runs in a fresh machine; the median of N runs is reported.
import { readFileSync, readdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { Machine } from '../dist/devices/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const binDir = join(here, 'guests', 'bin');
const args = process.argv.slice(2);
let runs = 3;
const names = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--runs') runs = Number(args[++i]);
  else names.push(args[i]);
}
const kernels = (names.length ? names : readdirSync(binDir).filter((f) => f.endsWith('.elf')).map((f) => f.slice(0, -4))).sort();

function runOnce(name, cmdline = '') {
  const file = join(binDir, `${name}.elf`);
  let out = '';
  const m = new Machine({ memoryMiB: 64, serialOut: (b) => { out += String.fromCharCode(b); } });
  m.loadMultiboot(file, readFileSync(file), cmdline);
  m.exec.clock = () => performance.now();
  // REWIND86_JIT_THRESHOLD=N: runs of a block in the interpreter before it is compiled (0: compile at once), to compare tiers.
  if (process.env.REWIND86_JIT_THRESHOLD) m.exec.jitThreshold = Number(process.env.REWIND86_JIT_THRESHOLD);
  const t0 = performance.now();
  const r = m.run();
  const seconds = (performance.now() - t0) / 1000;
  if (!out.includes('BENCH done')) throw new Error(`${name}: did not finish (${r.message}); output: ${out.slice(-200)}`);
  const checksum = /checksum=([0-9a-f]+)/.exec(out)?.[1] ?? '?';
  const tbs = m.exec.cache.translated;
  return {
    name, checksum, icount: m.cpu.icount, seconds, mips: m.cpu.icount / seconds / 1e6, tbs,
    translateMsPerBlock: (m.exec.translateSeconds * 1000) / tbs,
    translateSeconds: m.exec.translateSeconds,
    codeBytesPerBlock: m.exec.compiler.codeBytes / Math.max(1, m.exec.compiler.compiledBlocks),
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
for (const name of kernels) {
  const results = [];
  for (let i = 0; i < runs; i++) results.push(runOnce(name));
  const best = results.find((r) => r.mips === median(results.map((x) => x.mips)));
  rows.push(best);
}
const pad = (s, n) => String(s).padStart(n);
console.log(`rewind86 bench: median of ${runs} runs, node ${process.version}`);
console.log(`${'kernel'.padEnd(8)} ${pad('icount', 11)} ${pad('seconds', 8)} ${pad('MIPS', 7)} ${pad('blocks', 6)} ${pad('ms/block', 8)} ${pad('code B/blk', 8)}  checksum`);
for (const r of rows) {
  console.log(`${r.name.padEnd(8)} ${pad(r.icount, 11)} ${pad(r.seconds.toFixed(3), 8)} ${pad(r.mips.toFixed(1), 7)} ${pad(r.tbs, 6)} ${pad(r.translateMsPerBlock.toFixed(3), 8)} ${pad(Math.round(r.codeBytesPerBlock), 8)}  ${r.checksum}`);
}
const geo = Math.exp(rows.reduce((a, r) => a + Math.log(r.mips), 0) / rows.length);
console.log(`geometric mean: ${geo.toFixed(1)} MIPS`);

// The same kernels with paging on (bench/guests/paging.h: 64 MiB identity-mapped with 4 KiB pages),
// under 32-bit paging and under PAE: what address translation costs the JIT's memory path.
const modes = ['paging=32', 'paging=pae'];
console.log(`with paging (median of ${runs}): kernel, MIPS without, with 32-bit paging, with PAE`);
const paged = modes.map(() => []);
for (const r of rows) {
  const mips = modes.map((mode, k) => {
    const xs = [];
    for (let i = 0; i < runs; i++) {
      const p = runOnce(r.name, mode);
      if (p.checksum !== r.checksum) throw new Error(`${r.name} ${mode}: checksum ${p.checksum}, without paging ${r.checksum}`);
      xs.push(p.mips);
    }
    paged[k].push(median(xs));
    return median(xs);
  });
  console.log(`${r.name.padEnd(8)} ${pad(r.mips.toFixed(1), 7)} ${pad(mips[0].toFixed(1), 7)} ${pad(mips[1].toFixed(1), 7)}`);
}
const geoOf = (xs) => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
console.log(`geometric mean: ${geo.toFixed(1)} without, ${geoOf(paged[0]).toFixed(1)} 32-bit paging, ${geoOf(paged[1]).toFixed(1)} PAE MIPS`);
