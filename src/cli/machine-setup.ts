// Options shared by run, record and replay: building the machine from them,
// and the identity (size and SHA-256) of the guest images.
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { Machine, UserError, DEFAULT_ICOUNT_SHIFT } from '../devices/index.js';
import { type ImageIdentity } from '../replay/index.js';
import { readGuestFile } from './guest-file.js';

export interface MachineArgs {
  kernel?: string;
  append?: string;
  memory: string;
  icountShift?: string;
}

/** The machine configuration a log records (and replay rebuilds). */
export interface MachineConfig {
  memoryMiB: number;
  icountShift: number;
  append: string;
}

export function parseMachineArgs(args: MachineArgs): MachineConfig {
  if (!/^\d+$/.test(args.memory)) throw new UserError(`--memory: "${args.memory}" is not a whole number of MiB`);
  const shift = args.icountShift ?? String(DEFAULT_ICOUNT_SHIFT);
  if (!/^\d+$/.test(shift) || Number(shift) > 10) throw new UserError(`--icount-shift: "${shift}" is not a whole number from 0 to 10`);
  return { memoryMiB: Number(args.memory), icountShift: Number(shift), append: args.append ?? '' };
}

export interface BuiltMachine {
  machine: Machine;
  images: ImageIdentity[];
}

export function imageIdentity(role: string, path: string, data: Uint8Array): ImageIdentity {
  return { role, path: resolve(path), size: data.length, sha256: createHash('sha256').update(data).digest('hex') };
}

export function buildMachine(kernel: string | undefined, config: MachineConfig, startTimeMs: number, serialOut: (b: number) => void): BuiltMachine {
  if (!kernel) throw new UserError('--kernel FILE is required (a multiboot ELF kernel)');
  const data = readGuestFile(kernel, 'kernel');
  const machine = new Machine({ memoryMiB: config.memoryMiB, icountShift: config.icountShift, startTimeMs, serialOut });
  machine.loadMultiboot(kernel, data, config.append);
  return { machine, images: [imageIdentity('kernel', kernel, data)] };
}
