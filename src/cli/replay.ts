// `rewind86 replay LOG`: rebuild the recorded machine and let the log drive it.
import { performance } from 'node:perf_hooks';
import { UserError } from '../devices/index.js';
import { resolve } from 'node:path';
import {
  parseLog, Replayer, EventType, type ReplayOutcome, type Snapshot, readSnapshotFile, saveSnapshot, checkSnapshotTarget,
  machineFromSnapshot, checkSnapshotFits, TimeTravel, replayPoint, snapshotLogPosition, logStartSnapshot, readLogStartSnapshot,
} from '../replay/index.js';
import { LineWriter, reportLastLines } from './output.js';
import { readGuestFile } from './guest-file.js';
import { buildMachine, kernelIfAvailable, mapFirmware, recordedBootImage, verifiedBootImages, type MachineConfig } from './machine-setup.js';
import { applyDebugFlags } from './debug-flags.js';
import { ProgressBar } from './progress.js';
import { VERSION } from './version.js';
import { ReplayTarget } from '../gdb/index.js';
import { GdbServer } from './gdb-server.js';
import { startTrace, type TraceArgs } from './trace-option.js';

export interface ReplayArgs extends TraceArgs {
  kernel?: string;
  until?: string;
  quiet?: boolean;
  stats?: boolean;
  d?: string;
  /** Save a snapshot where the replay stops; overwrite an existing file only with force. */
  savevm?: string;
  force?: boolean;
  /** Start from a snapshot taken in a replay of this log. */
  loadvm?: string;
  /** Serve GDB here (tcp::PORT) with reverse execution; the replay starts held at icount 0. */
  gdb?: string;
  /** QEMU's -S: accepted with --gdb (a replay under GDB always starts held). */
  S?: boolean;
  snapshotInterval?: string;
}

export function replayCommand(logPath: string, opts: ReplayArgs): number | Promise<number> {
  if (opts.gdb !== undefined) {
    for (const [given, name] of [[opts.until, '--until'], [opts.savevm, '--savevm'], [opts.loadvm, '--loadvm'], [opts.trace, '--trace']] as const) {
      if (given !== undefined) throw new UserError(`${name} cannot be used with --gdb`);
    }
  }
  const logData = readGuestFile(logPath, 'log');
  const log = parseLog(logPath, logData);
  const config = log.header.machine as unknown as MachineConfig;
  if (typeof config.memoryMiB !== 'number' || typeof config.icountShift !== 'number' || typeof config.append !== 'string') {
    throw new UserError(`${logPath}: corrupt header: machine configuration`);
  }
  const recorded = recordedBootImage(log.header.images);
  if (!recorded) throw new UserError(`${logPath}: the header names no kernel or BIOS image`);
  if (opts.savevm !== undefined) {
    if (resolve(opts.savevm) === resolve(logPath)) throw new UserError(`--savevm ${opts.savevm}: that is the log being replayed`);
    checkSnapshotTarget(opts.savevm, !!opts.force);
  }
  // Where the replay starts: at boot, from a snapshot taken in a replay of
  // this log (--loadvm), or from the snapshot the log was recorded from.
  const startSnapshot = logStartSnapshot(logPath, log.header);
  let start: Snapshot | null = null;
  let position = 0;
  if (opts.loadvm !== undefined) {
    start = readSnapshotFile(opts.loadvm);
    position = snapshotLogPosition(start, logPath, logData, log);
  } else if (startSnapshot) {
    start = readLogStartSnapshot(logPath, startSnapshot);
  }
  if (start) checkSnapshotFits(start, { memoryMiB: config.memoryMiB, icountShift: config.icountShift, kernel: recorded });
  // The boot image: checked against the log's when it is read (always when booting or for a BIOS; from a snapshot, a kernel only if --kernel names one).
  const boot = !start || opts.kernel !== undefined || recorded.role === 'bios'
    ? verifiedBootImages(recorded, opts.kernel, log.header.images)
    : kernelIfAvailable(recorded, log.header.images);
  let until: number | undefined;
  if (opts.until !== undefined) {
    if (!/^\d+$/.test(opts.until)) throw new UserError(`--until: "${opts.until}" is not an instruction count`);
    until = Number(opts.until);
    if (start && until < start.header.core.icount) {
      throw new UserError(`--until ${until}: before the snapshot ${start.path}, taken at icount ${start.header.core.icount}`);
    }
  }
  if (log.truncated) process.stderr.write(`rewind86: warning: ${logPath} was cut short (the recording did not end cleanly); replaying what it holds\n`);
  const out = new LineWriter(1);
  const serialOut = opts.quiet ? () => {} : out.byte;
  const machine = start ? machineFromSnapshot(start, serialOut, (m) => mapFirmware(m, boot, config)) : buildMachine(boot, config, log.header.startTimeMs, serialOut).machine;
  applyDebugFlags(machine, opts.d);
  if (opts.gdb !== undefined) {
    if (start) throw new UserError(`--gdb: ${logPath} was recorded from a snapshot; reverse debugging needs a recording from boot`);
    let interval: number | undefined;
    if (opts.snapshotInterval !== undefined) {
      if (!/^\d+$/.test(opts.snapshotInterval) || Number(opts.snapshotInterval) < 1) throw new UserError(`--snapshot-interval: "${opts.snapshotInterval}" is not a whole number >= 1`);
      interval = Number(opts.snapshotInterval);
    }
    return replayUnderGdb(opts.gdb, new TimeTravel(machine, log, { interval }), out);
  }
  const trace = startTrace(machine, opts, 'replay', { ...config }, { path: resolve(logPath) },
    [logPath, boot.kernel, boot.bios, opts.loadvm, opts.savevm].filter((x): x is string => x !== undefined));
  const total = log.events.length ? log.events[log.events.length - 1].icount : 0;
  const progress = process.stderr.isTTY ? new ProgressBar(until ?? total) : null;
  const t0 = performance.now();
  const replayer = new Replayer(machine, log);
  replayer.position = position;
  let outcome: ReplayOutcome;
  try {
    // A snapshot taken at the log's end (after its End event): the replay has nothing left to do.
    const atEnd = start?.header.replay && position > 0 && position === log.events.length && log.events[position - 1].type === EventType.End;
    outcome = atEnd ? { kind: 'end', stop: start!.header.replay!.stop }
      : replayer.run({ until, onProgress: progress ? (ic) => progress.update(ic) : undefined });
  } finally {
    trace?.close();
    out.flush();
    progress?.done();
  }
  const seconds = (performance.now() - t0) / 1000;
  if (opts.stats) {
    const icount = machine.cpu.icount;
    process.stderr.write(`stats: icount=${icount} seconds=${seconds.toFixed(3)} mips=${(seconds > 0 ? icount / seconds / 1e6 : 0).toFixed(1)} tbs=${machine.exec.cache.translated}\n`);
  }
  if (opts.savevm !== undefined) {
    if (outcome.kind === 'diverged') {
      process.stderr.write(`rewind86: snapshot not saved: the replay diverged\n`);
    } else {
      const bytes = saveSnapshot(opts.savevm, machine, {
        rewind86Version: VERSION,
        machine: { memoryMiB: config.memoryMiB, icountShift: config.icountShift, append: config.append, ...(config.noReboot ? { noReboot: true } : {}), ...(config.initrd ? { initrd: config.initrd } : {}) },
        images: log.header.images,
        startTimeMs: log.header.startTimeMs,
        replay: replayPoint(logPath, logData, log, replayer.position, outcome.kind === 'end' ? outcome.stop : null),
      }, !!opts.force);
      process.stderr.write(`rewind86: saved snapshot ${opts.savevm} at icount ${machine.cpu.icount} (${bytes} bytes)\n`);
    }
  }
  switch (outcome.kind) {
    case 'end': {
      if (!outcome.stop) return 0;
      const r = machine.describe(outcome.stop);
      if (r.message) process.stderr.write(`rewind86: ${r.message}\n`);
      reportLastLines(out, outcome.stop.kind);
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
        `rewind86: to see where, compare a trace taken while recording (record --trace record.trace) with one of the replay: rewind86 replay ${logPath} --trace replay.trace; rewind86 trace-diff record.trace replay.trace\n`);
      return 1;
    case 'breakpoint':
    case 'watchpoint':
      process.stderr.write(`rewind86: stopped at a ${outcome.kind} at icount ${outcome.icount}\n`);
      return 0;
  }
}

/** replay --gdb: serve GDB over time travel until GDB kills the program (or SIGINT). */
async function replayUnderGdb(spec: string, tt: TimeTravel, out: LineWriter): Promise<number> {
  const target = new ReplayTarget(tt, () => new Promise<void>((resolve) => setImmediate(resolve)));
  target.log = (m) => process.stderr.write(`${m}\n`);
  const server = await GdbServer.listen(spec, target, { log: (m) => process.stderr.write(`${m}\n`) });
  await new Promise<void>((resolve) => {
    target.onKill = resolve;
    process.once('SIGINT', () => resolve());
  });
  server.close();
  out.flush();
  return 0;
}
