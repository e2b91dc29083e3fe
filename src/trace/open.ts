// Opens a trace of either kind: a rewind86 trace file (by its magic) or a QEMU exec log.
import { closeSync, openSync, readSync } from 'node:fs';
import { TRACE_MAGIC } from './format.js';
import { QemuLogSource } from './qemu-source.js';
import { TraceReader } from './reader.js';
import { TraceInputError, type TraceSource } from './source.js';

export function openTrace(path: string): TraceSource {
  const head = Buffer.alloc(8);
  let n = 0;
  try {
    const fd = openSync(path, 'r');
    try { n = readSync(fd, head, 0, 8, 0); } finally { closeSync(fd); }
  } catch (e) {
    throw new TraceInputError(`cannot read trace ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (n === 8 && head.toString('latin1') === TRACE_MAGIC) return new TraceReader(path);
  if (n >= 4 && head.toString('latin1', 0, 4) === 'RW86') throw new TraceInputError(`${path} is a rewind86 file but not a trace (a replay log or snapshot?)`);
  return new QemuLogSource(path);
}
