// QEMU spellings accepted as aliases: `-icount shift=N[,sleep=on|off]`,
// `-gdb DEV` (--gdb DEV) and `-s` (--gdb tcp::1234). (-S is an option itself.)
import { UserError } from '../devices/index.js';

export function translateQemuArgs(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '-gdb') {
      if (argv[i + 1] === undefined) throw new UserError('-gdb: expected tcp::PORT');
      out.push('--gdb', argv[++i]);
      continue;
    }
    if (argv[i] === '-s') { out.push('--gdb', 'tcp::1234'); continue; }
    if (argv[i] !== '-icount') { out.push(argv[i]); continue; }
    const spec = argv[++i];
    if (spec === undefined) throw new UserError('-icount: expected shift=N');
    for (const part of spec.split(',')) {
      const [k, v] = part.split('=');
      if (k === 'shift' && v !== undefined) out.push('--icount-shift', v);
      else if (k === 'sleep' && v === 'off') out.push('--no-sleep');
      else if (k === 'sleep' && v === 'on') continue;
      else throw new UserError(`-icount: unsupported "${part}" (rewind86 takes shift=N and sleep=on|off)`);
    }
  }
  return out;
}
