#!/usr/bin/env node
// The rewind86 command line.
import { Command, CommanderError } from 'commander';
import { UserError } from '../devices/index.js';
import { runCommand } from './run.js';

const VERSION = '0.1.0';

function fail(msg: string): never {
  process.stderr.write(`rewind86: error: ${msg}\n`);
  process.exit(1);
}

const program = new Command();
program
  .name('rewind86')
  .description('A deterministic x86 PC emulator with a JIT to JavaScript')
  .version(VERSION)
  .exitOverride()
  .configureOutput({
    writeErr: (s) => process.stderr.write(s),
    outputError: (s, write) => write(`rewind86: ${s}`),
  });

program
  .command('run')
  .description('boot a kernel and run it')
  .option('--kernel <file>', 'multiboot ELF kernel to boot')
  .option('--append <cmdline>', 'kernel command line', '')
  .option('--memory <MiB>', 'guest RAM in MiB', '128')
  .option('-m <MiB>', 'same as --memory')
  .option('--stats', 'print a statistics line on stderr at the end')
  .option('-d <items>', 'debug log to stderr: in_asm,op,out_js,exec')
  .action((opts: { kernel?: string; append?: string; memory: string; m?: string; stats?: boolean; d?: string }) => {
    process.exitCode = runCommand({ ...opts, memory: opts.m ?? opts.memory });
  });

try {
  program.parse(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    process.exit(e.exitCode === 0 ? 0 : 1);
  }
  if (e instanceof UserError) fail(e.message);
  throw e;
}
