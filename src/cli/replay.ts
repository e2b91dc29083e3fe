// `rewind86 replay LOG`: rebuild the recorded machine and let the log drive it.
import { performance } from 'node:perf_hooks';
import { UserError } from '../devices/index.js';
import { parseLog, Replayer } from '../replay/index.js';
import { LineWriter } from './output.js';
import { readGuestFile } from './guest-file.js';
import { buildMachine, imageIdentity, type MachineConfig } from './machine-setup.js';
import { applyDebugFlags } from './debug-flags.js';
import { ProgressBar } from './progress.js';

export interface ReplayArgs {
  kernel?: string;
  until?: string;
  quiet?: boolean;
  stats?: boolean;
  d?: string;
}

export function replayCommand(logPath: string, opts: ReplayArgs): number {
  const log = parseLog(logPath, readGuestFile(logPath, 'log'));
  const config = log.header.machine as unknown as MachineConfig;
  if (typeof config.memoryMiB !== 'number' || typeof config.icountShift !== 'number' || typeof config.append !== 'string') {
    throw new UserError(`${logPath}: corrupt header: machine configuration`);
  }
  const recorded = log.header.images.find((i) => i.role === 'kernel');
  if (!recorded) throw new UserError(`${logPath}: the header names no kernel image`);
  const kernelPath = opts.kernel ?? recorded.path;
  const actual = imageIdentity('kernel', kernelPath, readGuestFile(kernelPath, 'kernel'));
  if (actual.sha256 !== recorded.sha256) {
    throw new UserError(`kernel ${kernelPath}: not the image this log was recorded with (SHA-256 ${actual.sha256.slice(0, 16)}..., the log has ${recorded.sha256.slice(0, 16)}...)`);
  }
  let until: number | undefined;
  if (opts.until !== undefined) {
    if (!/^\d+$/.test(opts.until)) throw new UserError(`--until: "${opts.until}" is not an instruction count`);
    until = Number(opts.until);
  }
  if (log.truncated) process.stderr.write(`rewind86: warning: ${logPath} was cut short (the recording did not end cleanly); replaying what it holds\n`);
  const out = new LineWriter(1);
  const { machine } = buildMachine(kernelPath, config, log.header.startTimeMs, opts.quiet ? () => {} : out.byte);
  applyDebugFlags(machine, opts.d);
  const total = log.events.length ? log.events[log.events.length - 1].icount : 0;
  const progress = process.stderr.isTTY ? new ProgressBar(until ?? total) : null;
  const t0 = performance.now();
  let outcome;
  try {
    outcome = new Replayer(machine, log).run({ until, onProgress: progress ? (ic) => progress.update(ic) : undefined });
  } finally {
    out.flush();
    progress?.done();
  }
  const seconds = (performance.now() - t0) / 1000;
  if (opts.stats) {
    const icount = machine.cpu.icount;
    process.stderr.write(`stats: icount=${icount} seconds=${seconds.toFixed(3)} mips=${(seconds > 0 ? icount / seconds / 1e6 : 0).toFixed(1)} tbs=${machine.exec.cache.translated}\n`);
  }
  switch (outcome.kind) {
    case 'end': {
      if (!outcome.stop) return 0;
      const r = machine.describe(outcome.stop);
      if (r.message) process.stderr.write(`rewind86: ${r.message}\n`);
      return r.status;
    }
    case 'until':
      process.stderr.write(`rewind86: stopped at icount ${machine.cpu.icount} (--until)\n`);
      return 0;
    case 'cut-short':
      process.stderr.write(`rewind86: the log ends at icount ${outcome.icount}; replay stopped there\n`);
      return 0;
    case 'diverged':
      process.stderr.write(`rewind86: replay diverged at icount ${outcome.icount}: ${outcome.what}\n` +
        `rewind86: to see where, trace both runs and compare: rewind86 replay ${logPath} --trace replay.trace; rewind86 trace-diff record.trace replay.trace\n`);
      return 1;
  }
}
