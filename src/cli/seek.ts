// `rewind86 seek LOG ICOUNT...`: time travel from the command line. Replays
// the log with in-memory snapshots and goes to each icount in turn, forwards
// or backwards, printing the machine's state hashes there: the same hashes a
// plain `replay --until ICOUNT` reaches. (The gdbstub drives the same engine.)
import { performance } from 'node:perf_hooks';
import { UserError } from '../devices/index.js';
import { parseLog, TimeTravel, cpuStateHash, ramHash } from '../replay/index.js';
import { readGuestFile } from './guest-file.js';
import { buildMachine, recordedBootImage, verifiedBootImages, type MachineConfig } from './machine-setup.js';

export interface SeekArgs {
  kernel?: string;
  snapshotInterval?: string;
  snapshotMemory?: string;
}

function wholeNumber(what: string, v: string): number {
  if (!/^\d+$/.test(v)) throw new UserError(`${what}: "${v}" is not a whole number`);
  return Number(v);
}

export function seekCommand(logPath: string, targets: string[], opts: SeekArgs): number {
  const log = parseLog(logPath, readGuestFile(logPath, 'log'));
  const config = log.header.machine as unknown as MachineConfig;
  const recorded = recordedBootImage(log.header.images);
  if (!recorded || typeof config.memoryMiB !== 'number') throw new UserError(`${logPath}: corrupt header: machine configuration`);
  const boot = verifiedBootImages(recorded, opts.kernel, log.header.images);
  const icounts = targets.map((t) => wholeNumber('icount', t));
  const interval = opts.snapshotInterval !== undefined ? wholeNumber('--snapshot-interval', opts.snapshotInterval) : undefined;
  if (interval !== undefined && interval < 1) throw new UserError('--snapshot-interval: must be at least 1');
  const budget = opts.snapshotMemory !== undefined ? wholeNumber('--snapshot-memory', opts.snapshotMemory) * 1024 * 1024 : undefined;
  const { machine } = buildMachine(boot, config, log.header.startTimeMs, () => {});
  const tt = new TimeTravel(machine, log, { interval, memoryBudgetBytes: budget });
  for (const target of icounts) {
    const t0 = performance.now();
    const r = tt.seek(target);
    const ms = performance.now() - t0;
    if (r.stop.kind === 'diverged') {
      process.stderr.write(`rewind86: replay diverged at icount ${r.icount}: ${r.stop.what}\n`);
      return 1;
    }
    const where = r.stop.kind === 'end' ? ' (end of the recording)' : '';
    process.stdout.write(`icount=${r.icount} cpu=0x${cpuStateHash(machine).toString(16).padStart(8, '0')} ram=0x${ramHash(machine).toString(16).padStart(8, '0')}${where} ` +
      `replayed=${r.replayed} ms=${ms.toFixed(1)}\n`);
  }
  const info = tt.info();
  process.stderr.write(`rewind86: ${info.snapshots} snapshots, ${(info.snapshotBytes / 1048576).toFixed(1)} MiB, interval ${info.interval}, recording length ${info.length}\n`);
  return 0;
}
