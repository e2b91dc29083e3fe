// `rewind86 trace-diff A B`: the first point where two execution traces part.
// Exit status: 0 the traces agree, 1 they differ, 2 bad input.
import { UserError } from '../devices/index.js';
import { diffTraces, fieldIndex, formatReport, openTrace, reportJson, FIELDS, type TraceSource } from '../trace/index.js';
import { ProgressBar, percent } from './progress.js';

export interface TraceDiffArgs {
  context?: string;
  alignAt?: string;
  range?: string;
  ignore?: string;
  json?: boolean;
}

export const TRACE_DIFF_BAD_INPUT = 2;

export function traceDiffCommand(pathA: string, pathB: string, opts: TraceDiffArgs): number {
  let a: TraceSource | null = null, b: TraceSource | null = null;
  try {
    const context = wholeNumber(opts.context ?? '5', '--context');
    const alignAt = opts.alignAt === undefined ? undefined : address(opts.alignAt, '--align-at');
    let range: { lo: number; hi: number } | undefined;
    if (opts.range !== undefined) {
      const m = /^([^-.]+)(?:-|\.\.)([^-.]+)$/.exec(opts.range);
      if (!m) throw new UserError(`--range: "${opts.range}" is not LO-HI (or LO..HI)`);
      range = { lo: address(m[1]!, '--range'), hi: address(m[2]!, '--range') };
      if (range.lo > range.hi) throw new UserError(`--range: ${opts.range} is empty`);
    }
    const ignore = (opts.ignore ?? '').split(',').map((x) => x.trim()).filter(Boolean).map((name) => {
      const i = fieldIndex(name);
      if (i < 0) throw new UserError(`--ignore: unknown register "${name}" (known: ${FIELDS.join(', ')})`);
      return i;
    });
    a = openTrace(pathA);
    b = openTrace(pathB);
    const bar = process.stderr.isTTY && !opts.json ? new ProgressBar(1000, percent) : null;
    let result;
    try {
      result = diffTraces(a, b, { context, alignAt, range, ignoreUntilWritten: ignore, onProgress: bar ? (f) => bar.update(Math.round(f * 1000)) : undefined });
    } catch (e) {
      if (e instanceof RangeError) throw new UserError(e.message);
      throw e;
    } finally {
      bar?.done();
    }
    const labels = { a: pathA, b: pathB };
    process.stdout.write(opts.json ? reportJson(result, labels) : formatReport(result, labels));
    return result.same ? 0 : 1;
  } catch (e) {
    if (e instanceof UserError) {
      process.stderr.write(`rewind86: error: ${e.message}\n`);
      return TRACE_DIFF_BAD_INPUT;
    }
    throw e;
  } finally {
    a?.close();
    b?.close();
  }
}

function wholeNumber(s: string, what: string): number {
  if (!/^\d+$/.test(s)) throw new UserError(`${what}: "${s}" is not a whole number`);
  return Number(s);
}

function address(s: string, what: string): number {
  const t = s.trim();
  const v = /^0x[0-9a-f]+$/i.test(t) ? parseInt(t.slice(2), 16) : /^\d+$/.test(t) ? Number(t) : NaN;
  if (!Number.isFinite(v) || v > 0xffffffff) throw new UserError(`${what}: "${s}" is not an address (0x... or decimal, below 2^32)`);
  return v >>> 0;
}
