// Options shared by run, record and replay: building the machine from them,
// and the identity (size and SHA-256) of the guest images.
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { Machine, UserError, DEFAULT_ICOUNT_SHIFT, loadBios, loadMultiboot, loadLinux, isBzImage, type MultibootModule } from '../devices/index.js';
import { type ImageIdentity } from '../replay/index.js';
import { readGuestFile } from './guest-file.js';

export interface MachineArgs {
  kernel?: string;
  bios?: string;
  /** Multiboot modules: FILE [ARGS][,FILE [ARGS]...] as QEMU's -initrd for a multiboot kernel. */
  initrd?: string;
  append?: string;
  memory: string;
  icountShift?: string;
  /** false with --no-reboot (commander's negated option). */
  reboot?: boolean;
}

/** The machine configuration a log records (and replay rebuilds). */
export interface MachineConfig {
  memoryMiB: number;
  icountShift: number;
  append: string;
  /** The --initrd text ('' for none): the modules' command lines (their files are in the log's images). */
  initrd?: string;
  /** --no-reboot: a triple fault ends the run instead of resetting the machine. */
  noReboot?: boolean;
}

export function parseMachineArgs(args: MachineArgs): MachineConfig {
  if (!/^\d+$/.test(args.memory)) throw new UserError(`--memory: "${args.memory}" is not a whole number of MiB`);
  const shift = args.icountShift ?? String(DEFAULT_ICOUNT_SHIFT);
  if (!/^\d+$/.test(shift) || Number(shift) > 10) throw new UserError(`--icount-shift: "${shift}" is not a whole number from 0 to 10`);
  return { memoryMiB: Number(args.memory), icountShift: Number(shift), append: args.append ?? '', ...(args.initrd ? { initrd: args.initrd } : {}), ...(args.reboot === false ? { noReboot: true } : {}) };
}

export interface BuiltMachine {
  machine: Machine;
  images: ImageIdentity[];
}

export function imageIdentity(role: string, path: string, data: Uint8Array): ImageIdentity {
  return { role, path: resolve(path), size: data.length, sha256: createHash('sha256').update(data).digest('hex') };
}

/** What the machine boots: a multiboot kernel (entered in protected mode), or a BIOS ROM (run from the reset vector). */
export interface BootImages {
  kernel?: string;
  bios?: string;
  /** Where to read each --initrd module (default: the file named in its item). */
  modules?: string[];
}

/** The items of an --initrd text: each "FILE [ARGS]"; the whole item is the module's string, as under QEMU. */
export function initrdItems(text: string | undefined): Array<{ file: string; cmdline: string }> {
  if (!text) return [];
  return text.split(',').map((item) => item.trim()).map((item) => {
    if (!item) throw new UserError(`--initrd: an empty item in "${text}"`);
    return { file: item.split(/\s+/)[0]!, cmdline: item };
  });
}

export function buildMachine(boot: BootImages, config: MachineConfig, startTimeMs: number, serialOut: (b: number) => void): BuiltMachine {
  if (boot.kernel && boot.bios) throw new UserError('--kernel and --bios: give one (a BIOS cannot load a multiboot kernel here)');
  if (!boot.kernel && !boot.bios) throw new UserError('--kernel FILE is required (a multiboot ELF kernel), or --bios FILE (a ROM image)');
  const machine = new Machine({ memoryMiB: config.memoryMiB, icountShift: config.icountShift, startTimeMs, serialOut, noReboot: config.noReboot === true });
  if (boot.bios && config.initrd) throw new UserError('--initrd: multiboot modules need --kernel');
  if (boot.bios) {
    const data = readGuestFile(boot.bios, 'BIOS image');
    loadBios(machine.mem, boot.bios, data);
    return { machine, images: [imageIdentity('bios', boot.bios, data)] };
  }
  const { data, modules } = readKernel(boot.kernel!, boot, config);
  loadKernel(machine, boot.kernel!, data, config.append, modules);
  return { machine, images: [imageIdentity('kernel', boot.kernel!, data), ...modules.map((m) => imageIdentity('initrd', m.file, m.data))] };
}

function readKernel(kernel: string, boot: BootImages, config: MachineConfig) {
  const data = readGuestFile(kernel, 'kernel');
  const modules = initrdItems(config.initrd).map((item, i) => {
    const file = boot.modules?.[i] ?? item.file;
    return { file, data: readGuestFile(file, 'initrd'), cmdline: item.cmdline };
  });
  return { data, modules };
}

/** The image a log or snapshot was made with: its multiboot kernel or its BIOS. */
export function recordedBootImage(images: ImageIdentity[]): ImageIdentity | undefined {
  return images.find((i) => i.role === 'kernel' || i.role === 'bios');
}

/**
 * Where to read a recorded boot image (the recorded path, or `kernelOverride`
 * for a kernel), checked against the recorded size and SHA-256.
 */
export function verifiedBootImages(rec: ImageIdentity, kernelOverride?: string, images: ImageIdentity[] = []): BootImages {
  if (rec.role === 'bios' && kernelOverride !== undefined) throw new UserError('--kernel: this recording booted a BIOS image, not a kernel');
  const path = rec.role === 'kernel' ? kernelOverride ?? rec.path : rec.path;
  const actual = imageIdentity(rec.role, path, readGuestFile(path, rec.role === 'bios' ? 'BIOS image' : 'kernel'));
  if (actual.sha256 !== rec.sha256) {
    throw new UserError(`${rec.role === 'bios' ? 'BIOS image' : 'kernel'} ${path}: not the image this log was recorded with (SHA-256 ${actual.sha256.slice(0, 16)}..., the log has ${rec.sha256.slice(0, 16)}...)`);
  }
  if (rec.role === 'bios') return { bios: path };
  const modules = images.filter((i) => i.role === 'initrd').map((m) => {
    if (imageIdentity('initrd', m.path, readGuestFile(m.path, 'initrd')).sha256 !== m.sha256) {
      throw new UserError(`initrd ${m.path}: not the file this log was recorded with`);
    }
    return m.path;
  });
  return { kernel: path, modules };
}

/**
 * For a machine rebuilt from a snapshot (which holds RAM, not the ROM, and
 * not the recipe for a reset): maps the BIOS of `boot`, or registers its
 * kernel as what a reset loads again.
 */
export function mapFirmware(machine: Machine, boot: BootImages, config: MachineConfig): void {
  if (boot.bios) loadBios(machine.mem, boot.bios, readGuestFile(boot.bios, 'BIOS image'));
  if (boot.kernel) {
    const { data, modules } = readKernel(boot.kernel, boot, config);
    const file = boot.kernel;
    machine.setBootImage(() => kernelLoader(machine, file, data, config.append, modules)());
  }
}

/** The recorded kernel when it is still there and unchanged (a replay from a snapshot needs it only if the guest resets); {} otherwise. */
export function kernelIfAvailable(rec: ImageIdentity, images: ImageIdentity[]): BootImages {
  try {
    return verifiedBootImages(rec, undefined, images);
  } catch (e) {
    if (e instanceof UserError) return {};
    throw e;
  }
}

/** Loads a kernel of either kind: a Linux bzImage (its one initrd) or a multiboot ELF (its modules). */
function loadKernel(machine: Machine, file: string, data: Uint8Array, cmdline: string, modules: MultibootModule[]): void {
  const load = kernelLoader(machine, file, data, cmdline, modules);
  machine.setBootImage(load);
  load();
}

function kernelLoader(machine: Machine, file: string, data: Uint8Array, cmdline: string, modules: MultibootModule[]): () => void {
  if (isBzImage(data)) {
    if (modules.length > 1) throw new UserError('--initrd: a Linux kernel takes one initrd');
    const initrd = modules[0];
    return () => loadLinux(machine.cpu, { file, data, cmdline, initrd: initrd && { file: initrd.file, data: initrd.data } });
  }
  return () => loadMultiboot(machine.cpu, { file, data, cmdline, modules });
}
