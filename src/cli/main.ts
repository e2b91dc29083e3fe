#!/usr/bin/env -S node --v8-pool-size=1
// The rewind86 command line.
//
// One V8 background thread (--v8-pool-size=1, for TurboFan and the
// concurrent GC) instead of four: the guest runs on the main thread, which
// must keep a core to itself; on a two-core machine four busy helpers took
// CPU from it. Linux boot to the shell on the 2-core CI machine: 12.76 ->
// 11.92 s (mean of 4 alternating runs each). npm run bench runs with the
// same flag.
import { Command, CommanderError } from 'commander';
import { UserError } from '../devices/index.js';
import { runCommand, type RunOptions } from './run.js';
import { replayCommand, type ReplayArgs } from './replay.js';
import { seekCommand, type SeekArgs } from './seek.js';
import { VERSION } from './version.js';
import { translateQemuArgs } from './qemu-args.js';
import { traceDiffCommand, type TraceDiffArgs } from './trace-diff.js';

function fail(msg: string): never {
  process.stderr.write(`rewind86: error: ${msg}\n`);
  process.exit(1);
}

const program = new Command();
program
  .name('rewind86')
  .description('A deterministic x86 PC emulator with a JIT to JavaScript, record/replay and reverse debugging')
  .version(VERSION)
  .exitOverride()
  .configureOutput({
    writeErr: (s) => process.stderr.write(s),
    outputError: (s, write) => write(`rewind86: ${s}`),
  });

/** The options every command that boots a machine takes. */
function machineOptions(cmd: Command): Command {
  return cmd
    .option('--kernel <file>', 'kernel to boot: a Linux bzImage or a multiboot ELF (default: the Linux guest of npm run guest:linux, prepared on first use)')
    .option('--bios <file>', 'a ROM image (64-256 KiB) mapped at the top of memory, run from the reset vector (QEMU: -bios)')
    .option('--append <cmdline>', 'kernel command line', '')
    .option('--initrd <files>', 'multiboot modules: FILE [ARGS][,FILE [ARGS]...] (QEMU: -initrd)')
    .option('--memory <MiB>', 'guest RAM in MiB', '128')
    .option('-m <MiB>', 'same as --memory')
    .option('--icount-shift <N>', 'virtual time: 2^N ns per instruction (QEMU: -icount shift=N); default 3')
    .option('--no-sleep', 'do not wait in real time while the guest idles (QEMU: -icount sleep=off)')
    .option('--no-reboot', 'a triple fault ends the run (exit status 3) instead of resetting the machine (QEMU: -no-reboot)')
    .option('--stats', 'print a statistics line on stderr at the end')
    .option('-d <items>', 'debug log to stderr: in_asm,op,out_js,exec')
    .option('--loadvm <file>', 'continue from a snapshot (the machine configuration and kernel come from it)')
    .option('--gdb <dev>', 'serve GDB on tcp::PORT (127.0.0.1); the guest runs until GDB connects (QEMU: -gdb tcp::PORT; -s = tcp::1234)')
    .option('-S', 'with --gdb: hold the guest before its first instruction until GDB continues')
    .option('--trace <file>', 'write an execution trace (compare two with trace-diff)')
    .option('--trace-level <level>', 'block (default: every block dispatched, with a register hash) or insn (every instruction, every register)');
}

type MachineCliOptions = RunOptions & { m?: string };

/** The options as runCommand takes them: -m is --memory; which of --memory/--append were given (a snapshot is checked against those). */
function runOptions(opts: MachineCliOptions, cmd: Command): RunOptions {
  const given = (name: string) => cmd.getOptionValueSource(name) === 'cli';
  return { ...opts, memory: opts.m ?? opts.memory, given: { memory: opts.m !== undefined || given('memory'), append: given('append') } };
}

machineOptions(program.command('run').description('boot a kernel and run it (stdin is the serial console)'))
  .action(async (opts: MachineCliOptions, cmd: Command) => {
    process.exitCode = await runCommand(runOptions(opts, cmd));
  });

machineOptions(program.command('record').description('run like `run` and record everything needed to replay it exactly'))
  .requiredOption('--output <file>', 'the replay log to write')
  .option('--force', 'overwrite an existing log')
  .action(async (opts: MachineCliOptions, cmd: Command) => {
    process.exitCode = await runCommand(runOptions(opts, cmd));
  });

program.command('replay')
  .description('replay a recording exactly (no waiting: idle time is skipped)')
  .argument('<log>', 'a log written by `rewind86 record`')
  .option('--kernel <file>', 'the kernel image (default: the path recorded in the log)')
  .option('--until <icount>', 'stop when this many instructions have run')
  .option('--quiet', 'do not show guest output')
  .option('--stats', 'print a statistics line on stderr at the end')
  .option('-d <items>', 'debug log to stderr: in_asm,op,out_js,exec')
  .option('--savevm <file>', 'save a snapshot of the machine where the replay stops')
  .option('--force', 'overwrite an existing --savevm file')
  .option('--loadvm <file>', 'start from a snapshot taken in a replay of this log')
  .option('--gdb <dev>', 'serve GDB on tcp::PORT with reverse execution; the replay starts held at icount 0 (QEMU: -gdb tcp::PORT; -s = tcp::1234)')
  .option('-S', 'accepted with --gdb (a replay under GDB always starts held)')
  .option('--snapshot-interval <N>', 'with --gdb: instructions between in-memory snapshots (default 16777216)')
  .option('--trace <file>', 'write an execution trace of the replay (compare with one taken while recording: trace-diff)')
  .option('--trace-level <level>', 'block (default) or insn')
  .action(async (log: string, opts: ReplayArgs) => {
    process.exitCode = await replayCommand(log, opts);
  });

program.command('seek')
  .description('time travel: replay with in-memory snapshots and go to each icount in turn, printing the state hashes there')
  .argument('<log>', 'a log written by `rewind86 record`')
  .argument('<icount...>', 'instruction counts to go to, in order (backwards too)')
  .option('--kernel <file>', 'the kernel image (default: the path recorded in the log)')
  .option('--snapshot-interval <N>', 'instructions between in-memory snapshots (default 16777216; doubles to fit the memory budget)')
  .option('--snapshot-memory <MiB>', 'memory the snapshots may use (default: twice the RAM plus 256 MiB, at least 512)')
  .action((log: string, icounts: string[], opts: SeekArgs) => {
    process.exitCode = seekCommand(log, icounts, opts);
  });

program.command('trace-diff')
  .description('compare two execution traces (rewind86 --trace files or QEMU -d exec,cpu,nochain -singlestep logs) and report the first difference')
  .argument('<a>', 'first trace')
  .argument('<b>', 'second trace')
  .option('--context <N>', 'shared records to show before the difference', '5')
  .option('--align-at <addr>', 'start each trace at its first execution of this linear address (hex with 0x, or decimal)')
  .option('--range <lo-hi>', 'compare only instructions whose linear address is in lo..hi (inclusive; like QEMU -dfilter)')
  .option('--ignore <regs>', 'comma-separated registers to ignore until either trace first changes them (e.g. ecx,edx,esi,edi,ebp,esp)')
  .option('--json', 'one JSON object on stdout')
  .action((a: string, b: string, opts: TraceDiffArgs) => {
    process.exitCode = traceDiffCommand(a, b, opts);
  });

try {
  await program.parseAsync(translateQemuArgs(process.argv));
} catch (e) {
  // trace-diff's exit statuses are 0 same, 1 different, 2 bad input (as diff and cmp).
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : process.argv[2] === 'trace-diff' ? 2 : 1);
  if (e instanceof UserError) fail(e.message);
  throw e;
}
