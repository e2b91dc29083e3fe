// -d in_asm,op,out_js,exec: the debug log on stderr.
import { type Machine, UserError } from '../devices/index.js';
import { LineWriter } from './output.js';

const DEBUG_ITEMS = ['in_asm', 'op', 'out_js', 'exec'];

export function applyDebugFlags(machine: Machine, spec: string | undefined): void {
  const items = spec ? spec.split(',').map((x) => x.trim()).filter(Boolean) : [];
  for (const item of items) {
    if (!DEBUG_ITEMS.includes(item)) throw new UserError(`-d: unknown item "${item}" (known: ${DEBUG_ITEMS.join(', ')})`);
  }
  if (items.length === 0) return;
  const err = new LineWriter(2);
  machine.debug = {
    inAsm: items.includes('in_asm'),
    op: items.includes('op'),
    outJs: items.includes('out_js'),
    exec: items.includes('exec'),
    write: (line) => { for (const b of Buffer.from(line + '\n')) err.byte(b); err.flush(); },
  };
}
