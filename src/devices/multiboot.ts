// Multiboot v1 loader (Multiboot Specification 0.6.96): finds the header in
// the first 8 KiB, loads the ELF segments (or the a.out-kludge addresses),
// writes the information structure and enters the kernel in flat 32-bit
// protected mode with EAX = 0x2BADB002 and EBX = the structure's address.
import { S } from '../frontend-x86/index.js';
import { type Cpu } from '../runtime/index.js';
import { UserError } from './errors.js';
import { enterFlatProtectedMode } from './flat-entry.js';
import { parseElf32 } from './elf.js';

const HEADER_MAGIC = 0x1badb002;
export const BOOTLOADER_MAGIC = 0x2badb002;
const SEARCH_BYTES = 8192;

/** Where the loader puts its own structures, below 640 KiB and away from the kernel at >= 1 MiB. */
const INFO_ADDR = 0x9000;
const CMDLINE_ADDR = 0x9200;
const MMAP_ADDR = 0x9100;
const LOADER_NAME_ADDR = 0x9a00;
/** The module table (16 bytes per module) and the modules' strings. */
const MODS_ADDR = 0x8000;
const MOD_STRINGS_ADDR = 0x8400;
const MOD_STRINGS_END = 0x9000;
const MAX_MODULES = 64;
const INITIAL_ESP = 0x7c00;

interface MultibootHeader { offset: number; flags: number; fields: number[] }

function findHeader(file: string, data: Uint8Array): MultibootHeader {
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const end = Math.min(data.length, SEARCH_BYTES) - 12;
  for (let off = 0; off <= end; off += 4) {
    if (dv.getUint32(off, true) !== HEADER_MAGIC) continue;
    const flags = dv.getUint32(off + 4, true);
    const sum = (HEADER_MAGIC + flags + dv.getUint32(off + 8, true)) >>> 0;
    if (sum !== 0) continue;
    const fields: number[] = [];
    for (let k = 12; k < 32 && off + k + 4 <= data.length; k += 4) fields.push(dv.getUint32(off + k, true));
    return { offset: off, flags, fields };
  }
  throw new UserError(`${file}: no multiboot header in the first ${SEARCH_BYTES} bytes`);
}

export interface MultibootModule {
  file: string;
  data: Uint8Array;
  /** The module's string (QEMU passes the whole -initrd item: the file name and its arguments). */
  cmdline: string;
}

export interface MultibootOptions {
  file: string;
  data: Uint8Array;
  cmdline: string;
  modules?: MultibootModule[];
}

/** Loads the kernel into guest memory and sets up the CPU to enter it. */
export function loadMultiboot(cpu: Cpu, opts: MultibootOptions): void {
  const { file, data } = opts;
  const mem = cpu.mem;
  const header = findHeader(file, data);
  // Bits 0..15 are requirements a loader must meet or refuse: 0 (align modules), 1 (memory
  // information) and 2 (video mode: a text console is what we have) are met.
  if (header.flags & 0xfff8) {
    throw new UserError(`${file}: the multiboot header requires features this loader lacks (flags 0x${(header.flags >>> 0).toString(16)})`);
  }
  let entry: number;
  let imageEnd = 0;
  const place = (paddr: number, bytes: Uint8Array, memSize: number, what: string) => {
    imageEnd = Math.max(imageEnd, paddr + memSize);
    if (paddr < 0x100000 && paddr + memSize > 0x9f000 || paddr + memSize > mem.size) {
      throw new UserError(`${file}: ${what} at 0x${paddr.toString(16)}..0x${(paddr + memSize).toString(16)} does not fit in guest memory (${mem.size >> 20} MiB)`);
    }
    mem.m8.set(bytes, paddr);
    mem.m8.fill(0, paddr + bytes.length, paddr + memSize);
  };
  if (header.flags & 0x10000) {
    if (header.fields.length < 5) throw new UserError(`${file}: truncated multiboot header (address fields missing)`);
    const [headerAddr, loadAddr, loadEndAddr, bssEndAddr, entryAddr] = header.fields;
    const bad = (what: string) => new UserError(`${file}: multiboot header: ${what}`);
    if (loadAddr > headerAddr) throw bad('load_addr is above header_addr');
    const fileOff = header.offset - (headerAddr - loadAddr);
    const loadEnd = loadEndAddr ? loadEndAddr : loadAddr + (data.length - fileOff);
    if (loadEnd < loadAddr) throw bad('load_end_addr is below load_addr');
    if (bssEndAddr && bssEndAddr < loadEnd) throw bad('bss_end_addr is below the end of the loaded image');
    if (fileOff < 0 || fileOff + (loadEnd - loadAddr) > data.length) throw bad('load addresses point outside the file');
    const memEnd = bssEndAddr ? bssEndAddr : loadEnd;
    if (entryAddr < loadAddr || entryAddr >= loadEnd) throw bad(`entry_addr 0x${entryAddr.toString(16)} is outside the loaded image`);
    const bytes = data.subarray(fileOff, fileOff + (loadEnd - loadAddr));
    place(loadAddr, bytes, memEnd - loadAddr, 'kernel image');
    entry = entryAddr;
  } else {
    const elf = parseElf32(file, data);
    for (const seg of elf.segments) {
      place(seg.paddr, data.subarray(seg.offset, seg.offset + seg.fileSize), seg.memSize, 'ELF segment');
    }
    entry = elf.entry;
    if (!elf.segments.some((seg) => entry >= seg.paddr && entry < seg.paddr + seg.memSize)) {
      throw new UserError(`${file}: ELF entry point 0x${entry.toString(16)} is outside every loaded segment`);
    }
  }
  writeInfo(cpu, opts.cmdline);
  if (opts.modules?.length) loadModules(cpu, opts.modules, imageEnd);
  enterProtectedMode(cpu, entry);
}

/** Loads modules page-aligned after the kernel image and lists them in the information structure (flag 3). */
function loadModules(cpu: Cpu, modules: MultibootModule[], imageEnd: number): void {
  const mem = cpu.mem;
  if (modules.length > MAX_MODULES) throw new UserError(`--initrd: at most ${MAX_MODULES} multiboot modules`);
  let at = (imageEnd + 0xfff) & ~0xfff;
  let str = MOD_STRINGS_ADDR;
  modules.forEach((m, i) => {
    if (at + m.data.length > mem.size) {
      throw new UserError(`${m.file}: module of ${m.data.length} bytes does not fit in guest memory (${mem.size >> 20} MiB) after the kernel`);
    }
    const name = new TextEncoder().encode(m.cmdline);
    if (str + name.length + 1 > MOD_STRINGS_END) throw new UserError('--initrd: the module command lines are too long (3 KiB in all)');
    mem.m8.set(m.data, at);
    mem.m8.set(name, str);
    mem.m8[str + name.length] = 0;
    const e = MODS_ADDR + i * 16;
    mem.write32(e, at); mem.write32(e + 4, at + m.data.length); mem.write32(e + 8, str); mem.write32(e + 12, 0);
    str += name.length + 1;
    at = (at + m.data.length + 0xfff) & ~0xfff;
  });
  mem.write32(INFO_ADDR, mem.read32(INFO_ADDR) | (1 << 3));
  mem.write32(INFO_ADDR + 20, modules.length);
  mem.write32(INFO_ADDR + 24, MODS_ADDR);
}

function writeInfo(cpu: Cpu, cmdline: string): void {
  const mem = cpu.mem;
  const memKiB = mem.size / 1024;
  const upperKiB = Math.max(0, memKiB - 1024);
  const w32 = (a: number, v: number) => mem.write32(a, v);
  mem.m8.fill(0, INFO_ADDR, INFO_ADDR + 0x1000);
  // flags: mem_* (0), cmdline (2), mmap (6), boot_loader_name (9)
  w32(INFO_ADDR + 0, (1 << 0) | (1 << 2) | (1 << 6) | (1 << 9));
  w32(INFO_ADDR + 4, 639);
  w32(INFO_ADDR + 8, upperKiB);
  const cmd = new TextEncoder().encode(cmdline.slice(0, 2047));
  mem.m8.set(cmd, CMDLINE_ADDR);
  mem.m8[CMDLINE_ADDR + cmd.length] = 0;
  w32(INFO_ADDR + 16, CMDLINE_ADDR);
  // Memory map: 0..639 KiB usable, 1 MiB..end usable. Each entry: size, base(64), length(64), type.
  const entries: Array<[number, number, number]> = [[0, 639 * 1024, 1], [0x9fc00, 0x400, 2], [0xf0000, 0x10000, 2], [0x100000, upperKiB * 1024, 1]];
  entries.forEach(([base, len, type], i) => {
    const e = MMAP_ADDR + i * 24;
    w32(e, 20); w32(e + 4, base); w32(e + 8, 0); w32(e + 12, len); w32(e + 16, 0); w32(e + 20, type);
  });
  w32(INFO_ADDR + 44, entries.length * 24);
  w32(INFO_ADDR + 48, MMAP_ADDR);
  const name = new TextEncoder().encode('rewind86\0');
  mem.m8.set(name, LOADER_NAME_ADDR);
  w32(INFO_ADDR + 64, LOADER_NAME_ADDR);
}

/** Flat protected mode as the multiboot spec requires, EAX = the magic, EBX = the information structure. */
function enterProtectedMode(cpu: Cpu, entry: number): void {
  const s = cpu.s;
  enterFlatProtectedMode(cpu, entry, 0x3ff);
  s[S.EAX] = BOOTLOADER_MAGIC;
  s[S.EBX] = INFO_ADDR;
  s[S.ESP] = INITIAL_ESP;
}
