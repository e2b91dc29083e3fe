// --bios FILE: a firmware ROM image mapped as QEMU's pc machine maps its
// -bios: at the top of the 4 GiB space, with its last 128 KiB (or all of a
// smaller image) also below 1 MiB (0xE0000-0xFFFFF for 128 KiB), so the CPU's
// reset vector (CS base FFFF0000, EIP FFF0: the image's last 16 bytes) runs
// it and a far jump to F000:xxxx lands in the alias.
import { type Memory } from '../runtime/index.js';
import { UserError } from './errors.js';

const MIN = 64 * 1024, MAX = 256 * 1024, ALIAS = 128 * 1024;

export function loadBios(mem: Memory, file: string, data: Uint8Array): void {
  if (data.length < MIN || data.length > MAX || data.length % MIN !== 0) {
    throw new UserError(`${file}: a BIOS image is 64, 128, 192 or 256 KiB; this one is ${data.length} bytes`);
  }
  const rom = Uint8Array.from(data);
  const top = 0x100000000 - rom.length;
  mem.addMmio({
    start: top, end: 0x100000000,
    read: (addr, size) => {
      const o = addr - top;
      return size === 1 ? rom[o]! : size === 2 ? rom[o]! | (rom[o + 1]! << 8) : rom[o]! | (rom[o + 1]! << 8) | (rom[o + 2]! << 16) | (rom[o + 3]! << 24);
    },
    write: () => {}, // ROM
  });
  const alias = Math.min(ALIAS, rom.length);
  mem.addRom(0x100000 - alias, rom.subarray(rom.length - alias));
}
