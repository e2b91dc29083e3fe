// `rewind86 run`: boot a kernel and run it to the end.
import { readFileSync, statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Machine, UserError } from '../devices/index.js';
import { LineWriter } from './output.js';

export interface RunOptions {
  kernel?: string;
  append?: string;
  memory: string;
  stats?: boolean;
  d?: string;
}

const DEBUG_ITEMS = ['in_asm', 'op', 'out_js', 'exec'];

export function readGuestFile(path: string, what: string): Uint8Array {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`${what} ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(code)}`);
  }
  if (st.isDirectory()) throw new UserError(`${what} ${path}: is a directory`);
  if (!st.isFile()) throw new UserError(`${what} ${path}: not a regular file`);
  try {
    return readFileSync(path);
  } catch (e) {
    throw new UserError(`${what} ${path}: cannot read (${(e as NodeJS.ErrnoException).code})`);
  }
}

export function runCommand(opts: RunOptions): number {
  if (!opts.kernel) throw new UserError('run: --kernel FILE is required (a multiboot ELF kernel)');
  if (!/^\d+$/.test(opts.memory)) throw new UserError(`--memory: "${opts.memory}" is not a whole number of MiB`);
  const memoryMiB = Number(opts.memory);
  const debugItems = opts.d ? opts.d.split(',').map((x) => x.trim()).filter(Boolean) : [];
  for (const item of debugItems) {
    if (!DEBUG_ITEMS.includes(item)) throw new UserError(`-d: unknown item "${item}" (known: ${DEBUG_ITEMS.join(', ')})`);
  }
  const data = readGuestFile(opts.kernel, 'kernel');
  const out = new LineWriter(1);
  const machine = new Machine({ memoryMiB, serialOut: out.byte });
  machine.loadMultiboot(opts.kernel, data, opts.append ?? '');
  if (debugItems.length) {
    const err = new LineWriter(2);
    machine.debug = {
      inAsm: debugItems.includes('in_asm'),
      op: debugItems.includes('op'),
      outJs: debugItems.includes('out_js'),
      exec: debugItems.includes('exec'),
      write: (line) => { for (const b of Buffer.from(line + '\n')) err.byte(b); err.flush(); },
    };
  }
  if (opts.stats) machine.exec.clock = () => performance.now();
  const t0 = performance.now();
  let result;
  try {
    result = machine.run();
  } finally {
    out.flush();
  }
  const seconds = (performance.now() - t0) / 1000;
  if (result.message) process.stderr.write(`rewind86: ${result.message}\n`);
  if (opts.stats) {
    const icount = machine.cpu.icount;
    const mips = seconds > 0 ? icount / seconds / 1e6 : 0;
    process.stderr.write(`stats: icount=${icount} seconds=${seconds.toFixed(3)} mips=${mips.toFixed(1)} tbs=${machine.exec.cache.translated}\n`);
  }
  return result.status;
}
