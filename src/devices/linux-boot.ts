// The Linux/x86 boot protocol, 32-bit entry (the kernel's
// Documentation/arch/x86/boot.rst): a bzImage's protected-mode part is
// loaded at 1 MiB, a "zero page" (struct boot_params) gets the setup header
// from the file, an e820 memory map, the command line and the initrd, and
// the CPU enters code32_start in flat protected mode with ESI pointing at
// the zero page, interrupts off, CS = 0x10 and the data segments 0x18.
import { S } from '../frontend-x86/index.js';
import { type Cpu } from '../runtime/index.js';
import { UserError } from './errors.js';
import { enterFlatProtectedMode } from './flat-entry.js';

const HDRS = 0x53726448; // "HdrS"
const MIN_VERSION = 0x0202;
const ZERO_PAGE = 0x10000;
const CMDLINE_ADDR = 0x20000;
const KERNEL_ADDR = 0x100000;
const MIB = 1 << 20;
const E820_MAX = 20;

/** boot_params offsets (boot.rst, "The zero page"; arch/x86/include/uapi/asm/bootparam.h). */
const BP = {
  altMemK: 0x1e0, e820Entries: 0x1e8, setupHeader: 0x1f1, vidMode: 0x1fa, typeOfLoader: 0x210, loadflags: 0x211,
  code32Start: 0x214, ramdiskImage: 0x218, ramdiskSize: 0x21c, heapEndPtr: 0x224, cmdLinePtr: 0x228,
  initrdAddrMax: 0x22c, cmdlineSize: 0x238, initSize: 0x260, prefAddress: 0x258, kernelAlignment: 0x230, e820Table: 0x2d0,
} as const;

export interface LinuxBootOptions {
  file: string;
  data: Uint8Array;
  cmdline: string;
  initrd?: { file: string; data: Uint8Array };
}

/** True when the image carries the Linux boot protocol's setup header. */
export function isBzImage(data: Uint8Array): boolean {
  return data.length > 0x260 && new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(0x202, true) === HDRS;
}

export function loadLinux(cpu: Cpu, opts: LinuxBootOptions): void {
  const { file, data } = opts;
  const mem = cpu.mem;
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (!isBzImage(data)) throw new UserError(`${file}: not a Linux kernel (no "HdrS" setup header)`);
  const version = dv.getUint16(0x206, true);
  if (version < MIN_VERSION) throw new UserError(`${file}: boot protocol ${version >> 8}.${version & 0xff}; this loader needs 2.02 or later`);
  const loadflags = dv.getUint8(BP.loadflags);
  if (!(loadflags & 1)) throw new UserError(`${file}: a zImage (loaded low); only bzImage kernels are supported`);
  const setupSects = dv.getUint8(BP.setupHeader) || 4;
  const kernelOffset = (setupSects + 1) * 512;
  if (kernelOffset >= data.length) throw new UserError(`${file}: truncated (the setup header says ${setupSects} setup sectors)`);
  const kernel = data.subarray(kernelOffset);
  const memEnd = mem.size;
  if (KERNEL_ADDR + kernel.length > memEnd) throw new UserError(`${file}: the kernel (${kernel.length} bytes) does not fit in ${memEnd >> 20} MiB of RAM`);
  // Where the kernel runs once it has decompressed itself, and how much memory it needs there before it reads the
  // memory map (boot protocol 2.10+: pref_address, init_size). A relocatable kernel runs at its load address rounded
  // up to kernel_alignment, but never below pref_address (its LOAD_PHYSICAL_ADDR: 16 MiB for Debian's kernels).
  const initSize = version >= 0x020a ? Math.max(kernel.length, dv.getUint32(BP.initSize, true)) : kernel.length;
  const prefAddress = version >= 0x020a ? dv.getUint32(BP.prefAddress, true) : KERNEL_ADDR;
  const alignment = version >= 0x0205 ? Math.max(1, dv.getUint32(BP.kernelAlignment, true)) : 1;
  const runAt = Math.max(Math.ceil(KERNEL_ADDR / alignment) * alignment, prefAddress);
  const needEnd = runAt + initSize;
  if (needEnd > memEnd) {
    throw new UserError(`${file}: the kernel needs ${Math.ceil(needEnd / MIB)} MiB of RAM to decompress and start (it runs at 0x${runAt.toString(16)} and needs ${initSize} bytes there); --memory is ${memEnd / MIB} MiB`);
  }
  mem.m8.set(kernel, KERNEL_ADDR);
  mem.markDirty(KERNEL_ADDR, kernel.length);

  // The zero page: zeroed, with the setup header copied from the file (from 0x1f1 to the end the header's length byte at 0x201 gives).
  const zp = new Uint8Array(4096);
  const headerEnd = 0x202 + dv.getUint8(0x201);
  zp.set(data.subarray(BP.setupHeader, Math.min(headerEnd, data.length)), BP.setupHeader);
  const z = new DataView(zp.buffer);
  z.setUint16(BP.vidMode, 0xffff, true); // "normal": no video mode switch
  z.setUint8(BP.typeOfLoader, 0xff); // undefined loader
  z.setUint8(BP.loadflags, loadflags & ~0x80); // no setup heap: the real-mode setup does not run
  const cmdlineMax = version >= 0x0206 ? dv.getUint32(BP.cmdlineSize, true) : 255;
  const cmd = new TextEncoder().encode(opts.cmdline);
  if (cmd.length > cmdlineMax) throw new UserError(`--append: the kernel command line is ${cmd.length} bytes; this kernel takes at most ${cmdlineMax}`);
  mem.m8.fill(0, CMDLINE_ADDR, CMDLINE_ADDR + cmd.length + 1);
  mem.m8.set(cmd, CMDLINE_ADDR);
  z.setUint32(BP.cmdLinePtr, CMDLINE_ADDR, true);
  if (opts.initrd) {
    const rd = opts.initrd.data;
    const maxAddr = version >= 0x0203 ? dv.getUint32(BP.initrdAddrMax, true) : 0x37ffffff;
    // As high as it may go, page-aligned, below the end of RAM and initrd_addr_max.
    const top = Math.min(memEnd, maxAddr + 1);
    const at = Math.floor((top - rd.length) / 4096) * 4096;
    if (at < needEnd) {
      throw new UserError(`${opts.initrd.file}: the initrd (${rd.length} bytes) does not fit in ${memEnd / MIB} MiB of RAM above what the kernel needs to start (${Math.ceil(needEnd / MIB)} MiB); give --memory ${Math.ceil((needEnd + rd.length) / MIB)} or more`);
    }
    mem.m8.set(rd, at);
    mem.markDirty(at, rd.length);
    z.setUint32(BP.ramdiskImage, at, true);
    z.setUint32(BP.ramdiskSize, rd.length, true);
  }
  // The memory map (e820): low RAM, the EBDA and BIOS areas reserved, RAM from 1 MiB on.
  const e820: Array<[number, number, number]> = [[0, 0x9fc00, 1], [0x9fc00, 0x400, 2], [0xf0000, 0x10000, 2], [KERNEL_ADDR, memEnd - KERNEL_ADDR, 1]];
  e820.slice(0, E820_MAX).forEach(([base, len, type], i) => {
    const o = BP.e820Table + i * 20;
    z.setUint32(o, base, true); z.setUint32(o + 4, 0, true);
    z.setUint32(o + 8, len, true); z.setUint32(o + 12, 0, true);
    z.setUint32(o + 16, type, true);
  });
  z.setUint8(BP.e820Entries, e820.length);
  z.setUint32(BP.altMemK, (memEnd - KERNEL_ADDR) >> 10, true);
  mem.m8.set(zp, ZERO_PAGE);
  mem.markDirty(ZERO_PAGE, zp.length);

  enter(cpu, dv.getUint32(BP.code32Start, true) || KERNEL_ADDR);
}

/** Flat 32-bit protected mode with the boot GDT (0x10 code, 0x18 data), ESI = the zero page, the other registers 0 (boot.rst, 32-bit protocol). */
function enter(cpu: Cpu, entry: number): void {
  const s = cpu.s;
  for (const r of [S.EAX, S.EBX, S.ECX, S.EDX, S.ESP, S.EBP, S.EDI]) s[r] = 0;
  s[S.ESI] = ZERO_PAGE;
  enterFlatProtectedMode(cpu, entry, 0);
}
