// `rewind86 run` and `rewind86 record`: boot a kernel and run it live, with
// stdin as the serial console; record also writes the replay log.
import { performance } from 'node:perf_hooks';
import { resolve } from 'node:path';
import { type Machine, type MachineStop } from '../devices/index.js';
import {
  LogWriter, Recorder, runLive, LOG_FORMAT_VERSION, type ImageIdentity, type LogHeader, type LogStartSnapshot,
  readSnapshotFile, checkSnapshotFits, machineFromSnapshot,
} from '../replay/index.js';
import { LineWriter, reportLastLines } from './output.js';
import { StdinInput } from './stdin-input.js';
import { buildMachine, imageIdentity, kernelIfAvailable, mapFirmware, parseMachineArgs, recordedBootImage, verifiedBootImages, type MachineArgs } from './machine-setup.js';
import { readGuestFile } from './guest-file.js';
import { applyDebugFlags } from './debug-flags.js';
import { VERSION } from './version.js';
import { LiveMachineTarget } from '../gdb/index.js';
import { GdbServer } from './gdb-server.js';
import { type HostInput } from '../replay/index.js';
import { startTrace, type TraceArgs } from './trace-option.js';
import { defaultGuest, DEFAULT_GUEST_MEMORY_MIB } from './default-guest.js';

export interface RunOptions extends MachineArgs, TraceArgs {
  stats?: boolean;
  d?: string;
  /** Wait in real time while the guest idles (QEMU's -icount sleep=on); default on. */
  sleep?: boolean;
  /** record: the log file to write, and whether to overwrite it. */
  output?: string;
  force?: boolean;
  /** Continue from this snapshot instead of booting (the configuration and kernel come from it). */
  loadvm?: string;
  /** Which of memory and append the user gave (a snapshot is checked against those only). */
  given?: { memory?: boolean; append?: boolean };
  /** Serve GDB here (tcp::PORT); see gdb-server.ts for the semantics. */
  gdb?: string;
  /** With gdb: hold the guest before its first instruction until GDB continues (QEMU's -S). */
  S?: boolean;
}

export async function runCommand(opts: RunOptions): Promise<number> {
  if (opts.kernel === undefined && opts.bios === undefined && opts.loadvm === undefined) {
    // No kernel: the Linux guest of the guest kit, with its command line and enough memory unless given.
    const guest = defaultGuest();
    opts = {
      ...opts, kernel: guest.kernel, initrd: opts.initrd ?? guest.initrd,
      append: opts.given?.append ? opts.append : guest.cmdline,
      memory: opts.given?.memory ? opts.memory : String(DEFAULT_GUEST_MEMORY_MIB),
    };
  }
  let config = parseMachineArgs(opts);
  const out = new LineWriter(1);
  let startTimeMs = Date.now();
  let machine: Machine, images: ImageIdentity[];
  let startSnapshot: LogStartSnapshot | undefined;
  if (opts.loadvm !== undefined) {
    const snap = readSnapshotFile(opts.loadvm);
    checkSnapshotFits(snap, {
      memoryMiB: opts.given?.memory ? config.memoryMiB : undefined,
      icountShift: opts.icountShift !== undefined ? config.icountShift : undefined,
      append: opts.given?.append ? config.append : undefined,
      kernel: opts.kernel !== undefined ? imageIdentity('kernel', opts.kernel, readGuestFile(opts.kernel, 'kernel')) : undefined,
    });
    const rec = recordedBootImage(snap.header.images);
    machine = machineFromSnapshot(snap, out.byte, (m) => {
      if (rec?.role === 'bios') mapFirmware(m, verifiedBootImages(rec), snap.header.machine);
      else if (rec) mapFirmware(m, kernelIfAvailable(rec, snap.header.images), snap.header.machine);
    });
    config = { ...snap.header.machine };
    images = snap.header.images;
    startTimeMs = snap.header.startTimeMs;
    startSnapshot = { path: resolve(snap.path), size: snap.size, sha256: snap.sha256 };
  } else {
    ({ machine, images } = buildMachine({ kernel: opts.kernel, bios: opts.bios }, config, startTimeMs, out.byte));
  }
  applyDebugFlags(machine, opts.d);
  // A log recorded from a snapshot names it: its replay starts from that snapshot.
  const header: LogHeader & { startSnapshot?: LogStartSnapshot } = {
    formatVersion: LOG_FORMAT_VERSION, rewind86Version: VERSION, machine: { ...config }, images, startTimeMs,
    ...(startSnapshot ? { startSnapshot } : {}),
  };
  const kernelImage = recordedBootImage(images);
  const trace = startTrace(machine, opts, opts.output ? 'record' : 'run', { ...config }, kernelImage && { path: kernelImage.path, sha256: kernelImage.sha256 },
    [opts.output, opts.kernel, opts.bios, opts.loadvm].filter((x): x is string => x !== undefined));
  const writer = opts.output ? new LogWriter(opts.output, header, !!opts.force) : null;
  const recorder = new Recorder(machine, writer);
  if (opts.stats) machine.exec.clock = () => performance.now();
  const stdin = new StdinInput();
  let input: HostInput = stdin;
  let target: LiveMachineTarget | null = null;
  let server: GdbServer | null = null;
  if (opts.gdb !== undefined) {
    const t = target = new LiveMachineTarget(machine);
    if (opts.S) t.hold();
    server = await GdbServer.listen(opts.gdb, t, {
      onConnect: () => t.hold(),
      log: (m) => process.stderr.write(`${m}\n`),
    });
    input = debuggedInput(stdin, t);
  } else if (opts.S) {
    process.stderr.write('rewind86: warning: -S without --gdb does nothing\n');
  }
  const t0 = performance.now();
  let stop: MachineStop;
  try {
    stop = await runLive(machine, recorder, input, { pace: opts.sleep !== false, control: target ?? undefined });
    target?.finished(stop);
  } finally {
    trace?.close();
    server?.close();
    stdin.close();
    out.flush();
  }
  const seconds = (performance.now() - t0) / 1000;
  const result = machine.describe(stop);
  if (result.message) process.stderr.write(`rewind86: ${result.message}\n`);
  reportLastLines(out, stop.kind);
  if (opts.stats) {
    const icount = machine.cpu.icount;
    const mips = seconds > 0 ? icount / seconds / 1e6 : 0;
    process.stderr.write(`stats: icount=${icount} seconds=${seconds.toFixed(3)} mips=${mips.toFixed(1)} tbs=${machine.exec.cache.translated}\n`);
  }
  return result.status;
}

/** The host input, but a debugger's Ctrl-C or kill also wakes a wait, and a kill quits. */
function debuggedInput(input: HostInput, target: LiveMachineTarget): HostInput {
  return {
    get available() { return input.available; },
    get ended() { return input.ended; },
    get quit() { return input.quit || target.isKilled; },
    take: (max) => input.take(max),
    wait: (ms) => new Promise<void>((resolve) => {
      target.onKick = resolve;
      input.wait(ms).then(resolve, resolve);
    }),
  };
}
