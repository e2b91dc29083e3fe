// --trace FILE [--trace-level block|insn] on run, record and replay.
import { closeSync, openSync, readSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Machine, UserError } from '../devices/index.js';
import { TraceWriter, TRACE_MAGIC, type TraceLevel } from '../trace/index.js';
import { VERSION } from './version.js';

export interface TraceArgs {
  trace?: string;
  traceLevel?: string;
}

/**
 * Starts tracing the machine into opts.trace. An existing trace file is
 * replaced; any other existing file is refused, so a typo cannot destroy a
 * log or a kernel. The caller closes the writer when the run ends.
 */
export function startTrace(machine: Machine, opts: TraceArgs, source: string, config: Record<string, unknown>,
  image: { path: string; sha256?: string } | undefined, protect: string[] = []): TraceWriter | null {
  if (opts.trace === undefined) {
    if (opts.traceLevel !== undefined) throw new UserError('--trace-level needs --trace FILE');
    return null;
  }
  const level = (opts.traceLevel ?? 'block') as TraceLevel;
  if (level !== 'block' && level !== 'insn') throw new UserError(`--trace-level: "${opts.traceLevel}" is not block or insn`);
  for (const p of protect) {
    if (resolve(p) === resolve(opts.trace)) throw new UserError(`--trace ${opts.trace}: that is an input file`);
  }
  if (existsNotTrace(opts.trace)) throw new UserError(`--trace ${opts.trace}: the file exists and is not a rewind86 trace; not overwriting it`);
  const writer = new TraceWriter(opts.trace, machine.cpu, { level, source, machine: config, image, rewind86Version: VERSION, force: true });
  machine.exec.tracer = writer;
  if (level === 'insn') machine.exec.blockInsnLimit = 1;
  return writer;
}

function existsNotTrace(path: string): boolean {
  let fd: number;
  try { fd = openSync(path, 'r'); } catch { return false; }
  try {
    const head = Buffer.alloc(8);
    const n = readSync(fd, head, 0, 8, 0);
    return !(n === 0 || (n === 8 && head.toString('latin1') === TRACE_MAGIC));
  } finally {
    closeSync(fd);
  }
}
