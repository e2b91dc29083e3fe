// Tiny ELF32 (i386) images assembled in the test, for kernels too small or too
// odd to deserve a guest directory: one PT_LOAD segment whose file bytes
// follow the headers.

export const MULTIBOOT_MAGIC = 0x1badb002;

/** A multiboot v1 header with the given flags (12 bytes, checksum included). */
export function multibootHeader(flags = 0): Uint8Array {
  const h = new Uint8Array(12);
  const dv = new DataView(h.buffer);
  dv.setUint32(0, MULTIBOOT_MAGIC, true);
  dv.setUint32(4, flags, true);
  dv.setUint32(8, (-(MULTIBOOT_MAGIC + flags)) >>> 0, true);
  return h;
}

export interface ElfImage {
  /** Physical (and virtual) load address of the segment. */
  paddr: number;
  /** The segment's bytes in the file. */
  bytes: Uint8Array;
  /** p_memsz; defaults to bytes.length. */
  memSize?: number;
  /** Entry point; defaults to paddr. */
  entry?: number;
}

const EHDR_SIZE = 52;
const PHDR_SIZE = 32;
/** File offset of the segment: after both headers, 16-byte aligned. */
export const SEGMENT_OFFSET = 0x60;

/** An ELF32 little-endian i386 executable with one PT_LOAD segment at SEGMENT_OFFSET. */
export function elf32(img: ElfImage): Uint8Array {
  const file = new Uint8Array(SEGMENT_OFFSET + img.bytes.length);
  const dv = new DataView(file.buffer);
  file.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1], 0); // magic, ELFCLASS32, ELFDATA2LSB, EV_CURRENT
  dv.setUint16(16, 2, true); // e_type: ET_EXEC
  dv.setUint16(18, 3, true); // e_machine: EM_386
  dv.setUint32(20, 1, true); // e_version
  dv.setUint32(24, img.entry ?? img.paddr, true);
  dv.setUint32(28, EHDR_SIZE, true); // e_phoff
  dv.setUint32(32, 0, true); // e_shoff: no sections
  dv.setUint16(40, EHDR_SIZE, true); // e_ehsize
  dv.setUint16(42, PHDR_SIZE, true); // e_phentsize
  dv.setUint16(44, 1, true); // e_phnum
  dv.setUint16(46, 40, true); // e_shentsize
  const p = EHDR_SIZE;
  dv.setUint32(p + 0, 1, true); // p_type: PT_LOAD
  dv.setUint32(p + 4, SEGMENT_OFFSET, true);
  dv.setUint32(p + 8, img.paddr, true); // p_vaddr
  dv.setUint32(p + 12, img.paddr, true); // p_paddr
  dv.setUint32(p + 16, img.bytes.length, true); // p_filesz
  dv.setUint32(p + 20, img.memSize ?? img.bytes.length, true); // p_memsz
  dv.setUint32(p + 24, 7, true); // p_flags: RWX
  dv.setUint32(p + 28, 16, true); // p_align
  file.set(img.bytes, SEGMENT_OFFSET);
  return file;
}

/** A multiboot kernel at 1 MiB: the header, then `code` (the entry point). */
export function multibootKernel(code: number[], opts: { memSize?: number } = {}): Uint8Array {
  const header = multibootHeader();
  const bytes = new Uint8Array(header.length + code.length);
  bytes.set(header, 0);
  bytes.set(code, header.length);
  const paddr = 0x100000;
  return elf32({ paddr, bytes, entry: paddr + header.length, memSize: opts.memSize });
}

/** The symbol table of an ELF32 file: name -> value. */
export function elfSymbols(data: Buffer): Map<string, number> {
  const shoff = data.readUInt32LE(32), shentsize = data.readUInt16LE(46), shnum = data.readUInt16LE(48);
  const sec = (i: number) => {
    const o = shoff + i * shentsize;
    return { type: data.readUInt32LE(o + 4), offset: data.readUInt32LE(o + 16), size: data.readUInt32LE(o + 20), link: data.readUInt32LE(o + 24) };
  };
  const syms = new Map<string, number>();
  for (let i = 0; i < shnum; i++) {
    const s = sec(i);
    if (s.type !== 2) continue; // SHT_SYMTAB
    const str = sec(s.link);
    for (let o = s.offset; o + 16 <= s.offset + s.size; o += 16) {
      const nameOff = data.readUInt32LE(o);
      const end = data.indexOf(0, str.offset + nameOff);
      const name = data.toString('latin1', str.offset + nameOff, end);
      if (name) syms.set(name, data.readUInt32LE(o + 4));
    }
  }
  return syms;
}
