// `rewind86 run` and `rewind86 record`: boot a kernel and run it live, with
// stdin as the serial console; record also writes the replay log.
import { performance } from 'node:perf_hooks';
import { type MachineStop } from '../devices/index.js';
import { LogWriter, Recorder, runLive, LOG_FORMAT_VERSION } from '../replay/index.js';
import { LineWriter } from './output.js';
import { StdinInput } from './stdin-input.js';
import { buildMachine, parseMachineArgs, type MachineArgs } from './machine-setup.js';
import { applyDebugFlags } from './debug-flags.js';
import { VERSION } from './version.js';

export interface RunOptions extends MachineArgs {
  stats?: boolean;
  d?: string;
  /** Wait in real time while the guest idles (QEMU's -icount sleep=on); default on. */
  sleep?: boolean;
  /** record: the log file to write, and whether to overwrite it. */
  output?: string;
  force?: boolean;
}

export async function runCommand(opts: RunOptions): Promise<number> {
  const config = parseMachineArgs(opts);
  const out = new LineWriter(1);
  const startTimeMs = Date.now();
  const { machine, images } = buildMachine(opts.kernel, config, startTimeMs, out.byte);
  applyDebugFlags(machine, opts.d);
  const writer = opts.output
    ? new LogWriter(opts.output, { formatVersion: LOG_FORMAT_VERSION, rewind86Version: VERSION, machine: { ...config }, images, startTimeMs }, !!opts.force)
    : null;
  const recorder = new Recorder(machine, writer);
  if (opts.stats) machine.exec.clock = () => performance.now();
  const input = new StdinInput();
  const t0 = performance.now();
  let stop: MachineStop;
  try {
    stop = await runLive(machine, recorder, input, { pace: opts.sleep !== false });
  } finally {
    input.close();
    out.flush();
  }
  const seconds = (performance.now() - t0) / 1000;
  const result = machine.describe(stop);
  if (result.message) process.stderr.write(`rewind86: ${result.message}\n`);
  if (opts.stats) {
    const icount = machine.cpu.icount;
    const mips = seconds > 0 ? icount / seconds / 1e6 : 0;
    process.stderr.write(`stats: icount=${icount} seconds=${seconds.toFixed(3)} mips=${mips.toFixed(1)} tbs=${machine.exec.cache.translated}\n`);
  }
  return result.status;
}
