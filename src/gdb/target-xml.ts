// The i386 register file as GDB sees it, and the target description that
// tells GDB so (gdb manual, "Target Descriptions"; the register set, order and
// types follow gdb's features/i386/32bit-core.xml, feature
// org.gnu.gdb.i386.core). One table drives the XML, the `g`/`G` layout and
// `p`/`P` register numbers, so they cannot disagree.

export interface GdbRegister {
  /** GDB's name ("eax", "st0", ...). */
  readonly name: string;
  /** GDB register number: the index in `g` packet order and the `p`/`P` argument. */
  readonly regnum: number;
  readonly bitsize: number;
  /** Bytes in `g`/`p` data (little-endian). */
  readonly size: number;
  /** Byte offset in the `g` packet data. */
  readonly offset: number;
  readonly type: string;
  readonly group?: string;
}

type RegisterSpec = readonly [name: string, bitsize: number, type: string, group?: string];

const SPECS: readonly RegisterSpec[] = [
  ['eax', 32, 'int32'], ['ecx', 32, 'int32'], ['edx', 32, 'int32'], ['ebx', 32, 'int32'],
  ['esp', 32, 'data_ptr'], ['ebp', 32, 'data_ptr'], ['esi', 32, 'int32'], ['edi', 32, 'int32'],
  ['eip', 32, 'code_ptr'], ['eflags', 32, 'i386_eflags'],
  // GDB's segment order; the CPU state keeps ES, CS, SS, DS, FS, GS.
  ['cs', 32, 'int32'], ['ss', 32, 'int32'], ['ds', 32, 'int32'],
  ['es', 32, 'int32'], ['fs', 32, 'int32'], ['gs', 32, 'int32'],
  ['st0', 80, 'i387_ext'], ['st1', 80, 'i387_ext'], ['st2', 80, 'i387_ext'], ['st3', 80, 'i387_ext'],
  ['st4', 80, 'i387_ext'], ['st5', 80, 'i387_ext'], ['st6', 80, 'i387_ext'], ['st7', 80, 'i387_ext'],
  ['fctrl', 32, 'int', 'float'], ['fstat', 32, 'int', 'float'], ['ftag', 32, 'int', 'float'],
  ['fiseg', 32, 'int', 'float'], ['fioff', 32, 'int', 'float'], ['foseg', 32, 'int', 'float'],
  ['fooff', 32, 'int', 'float'], ['fop', 32, 'int', 'float'],
];

function buildRegisters(): GdbRegister[] {
  const out: GdbRegister[] = [];
  let offset = 0;
  SPECS.forEach(([name, bitsize, type, group], regnum) => {
    const size = bitsize / 8;
    out.push(group === undefined
      ? { name, regnum, bitsize, size, offset, type }
      : { name, regnum, bitsize, size, offset, type, group });
    offset += size;
  });
  return out;
}

/** The registers of `g`/`G` in order; regnum equals the index. */
export const I386_REGISTERS: readonly GdbRegister[] = Object.freeze(buildRegisters());

/** Bytes in a `g` packet's data: 16 × 4 + 8 × 10 + 8 × 4 = 176. */
export const I386_REGISTER_BYTES: number =
  I386_REGISTERS[I386_REGISTERS.length - 1]!.offset + I386_REGISTERS[I386_REGISTERS.length - 1]!.size;

/** Well-known register numbers. */
export const I386_REGNUM = {
  EAX: 0, ECX: 1, EDX: 2, EBX: 3, ESP: 4, EBP: 5, ESI: 6, EDI: 7,
  EIP: 8, EFLAGS: 9, CS: 10, SS: 11, DS: 12, ES: 13, FS: 14, GS: 15,
  ST0: 16, FCTRL: 24, FSTAT: 25, FTAG: 26, FISEG: 27, FIOFF: 28, FOSEG: 29, FOOFF: 30, FOP: 31,
} as const;

export function findRegister(name: string): GdbRegister | undefined {
  return I386_REGISTERS.find((r) => r.name === name);
}

/** EFLAGS bits as the flags type names them (Intel SDM vol. 1, 3.4.3); bit 1 is the reserved always-one bit. */
const EFLAGS_FIELDS: ReadonlyArray<readonly [name: string, bit: number]> = [
  ['CF', 0], ['', 1], ['PF', 2], ['AF', 4], ['ZF', 6], ['SF', 7], ['TF', 8], ['IF', 9], ['DF', 10],
  ['OF', 11], ['NT', 14], ['RF', 16], ['VM', 17], ['AC', 18], ['VIF', 19], ['VIP', 20], ['ID', 21],
];

function buildTargetXml(): string {
  const lines = [
    '<?xml version="1.0"?>',
    '<!DOCTYPE target SYSTEM "gdb-target.dtd">',
    '<target version="1.0">',
    '  <architecture>i386</architecture>',
    '  <feature name="org.gnu.gdb.i386.core">',
    '    <flags id="i386_eflags" size="4">',
    ...EFLAGS_FIELDS.map(([name, bit]) => `      <field name="${name}" start="${bit}" end="${bit}"/>`),
    '    </flags>',
    ...I386_REGISTERS.map((r) =>
      `    <reg name="${r.name}" bitsize="${r.bitsize}" type="${r.type}" regnum="${r.regnum}"` +
        (r.group !== undefined ? ` group="${r.group}"` : '') + '/>'),
    '  </feature>',
    '</target>',
    '',
  ];
  return lines.join('\n');
}

/** The document served as `qXfer:features:read:target.xml`. */
export const I386_TARGET_XML: string = buildTargetXml();

/**
 * One window of a qXfer object (gdb manual, "qXfer:object:read"): `m` and
 * the data when more follows, `l` and the data (possibly none) when this
 * window reaches the end. The result is binary packet data: the caller's
 * encoder escapes it.
 */
export function qxferWindow(document: string, offset: number, length: number): string {
  if (offset >= document.length) return 'l';
  const end = Math.min(document.length, offset + length);
  return (end >= document.length ? 'l' : 'm') + document.slice(offset, end);
}
