// Just enough ELF32 (System V ABI, Intel386 supplement) to load a kernel:
// header validation and the PT_LOAD program headers.
import { UserError } from './errors.js';

export interface LoadSegment {
  /** Physical address to load at (p_paddr). */
  paddr: number;
  /** Bytes from the file at `offset`. */
  offset: number;
  fileSize: number;
  memSize: number;
}

export interface Elf32 {
  entry: number;
  segments: LoadSegment[];
}

const PT_LOAD = 1;

export function parseElf32(file: string, data: Uint8Array): Elf32 {
  if (data.length < 52 || data[0] !== 0x7f || data[1] !== 0x45 || data[2] !== 0x4c || data[3] !== 0x46) {
    throw new UserError(`${file}: not an ELF file`);
  }
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (data[4] !== 1) throw new UserError(`${file}: not a 32-bit ELF file (EI_CLASS=${data[4]})`);
  if (data[5] !== 1) throw new UserError(`${file}: not a little-endian ELF file`);
  const machine = dv.getUint16(18, true);
  if (machine !== 3) throw new UserError(`${file}: ELF machine ${machine} is not Intel 80386 (3)`);
  const entry = dv.getUint32(24, true);
  const phoff = dv.getUint32(28, true);
  const phentsize = dv.getUint16(42, true);
  const phnum = dv.getUint16(44, true);
  if (phnum === 0) throw new UserError(`${file}: ELF file has no program headers`);
  if (phentsize < 32 || phoff + phnum * phentsize > data.length) throw new UserError(`${file}: truncated ELF program header table`);
  const segments: LoadSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const p = phoff + i * phentsize;
    if (dv.getUint32(p, true) !== PT_LOAD) continue;
    const seg = {
      offset: dv.getUint32(p + 4, true),
      paddr: dv.getUint32(p + 12, true),
      fileSize: dv.getUint32(p + 16, true),
      memSize: dv.getUint32(p + 20, true),
    };
    if (seg.offset + seg.fileSize > data.length) throw new UserError(`${file}: truncated ELF file (segment ${i} extends past the end)`);
    if (seg.fileSize > seg.memSize) throw new UserError(`${file}: ELF segment ${i} has p_filesz > p_memsz`);
    segments.push(seg);
  }
  if (segments.length === 0) throw new UserError(`${file}: ELF file has no loadable segments`);
  return { entry, segments };
}
