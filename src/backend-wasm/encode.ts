// The bytes of a WebAssembly module: LEB128 numbers, names, sections, and the
// opcodes the block emitter uses (WebAssembly Core Specification 2.0,
// section 5, "Binary Format").

/** Instruction opcodes (spec 5.4). */
export const enum W {
  Unreachable = 0x00, Block = 0x02, Loop = 0x03, If = 0x04, Else = 0x05, End = 0x0b,
  Br = 0x0c, BrIf = 0x0d, BrTable = 0x0e, Return = 0x0f, Call = 0x10, CallIndirect = 0x11, Drop = 0x1a, Select = 0x1b,
  LocalGet = 0x20, LocalSet = 0x21, LocalTee = 0x22,
  I32Load = 0x28, F64Load = 0x2b, I32Load8S = 0x2c, I32Load8U = 0x2d, I32Load16S = 0x2e, I32Load16U = 0x2f,
  I32Store = 0x36, F64Store = 0x39, I32Store8 = 0x3a, I32Store16 = 0x3b,
  I32Const = 0x41, F64Const = 0x44,
  I32Eqz = 0x45, I32Eq = 0x46, I32Ne = 0x47, I32LtS = 0x48, I32LtU = 0x49, I32GtS = 0x4a, I32GtU = 0x4b,
  I32LeS = 0x4c, I32LeU = 0x4d, I32GeS = 0x4e, I32GeU = 0x4f,
  F64Lt = 0x63, F64Ge = 0x66, F64Le = 0x65,
  I32Add = 0x6a, I32Sub = 0x6b, I32Mul = 0x6c, I32And = 0x71, I32Or = 0x72, I32Xor = 0x73,
  I32Shl = 0x74, I32ShrS = 0x75, I32ShrU = 0x76, I32Rotl = 0x77, I32Rotr = 0x78,
  I64Mul = 0x7e, I64ShrU = 0x88, F64Add = 0xa0, F64Sub = 0xa1, F64ConvertI32S = 0xb7,
  I32WrapI64 = 0xa7, I64ExtendI32S = 0xac, I64ExtendI32U = 0xad,
  I32Extend8S = 0xc0, I32Extend16S = 0xc1,
}

export const enum ValType { I32 = 0x7f, I64 = 0x7e, F64 = 0x7c }
/** The block type of a structured instruction with no result. */
export const VOID = 0x40;

/** A growing byte buffer. */
export class Bytes {
  constructor(capacity = 64) { this.buf = new Uint8Array(capacity); }

  private buf: Uint8Array;
  length = 0;

  byte(b: number): this {
    if (this.length === this.buf.length) this.grow(1);
    this.buf[this.length++] = b;
    return this;
  }

  private grow(more: number): void {
    let size = this.buf.length * 2;
    while (size < this.length + more) size *= 2;
    const bigger = new Uint8Array(size);
    bigger.set(this.buf.subarray(0, this.length));
    this.buf = bigger;
  }

  /** An unsigned LEB128 number (below 2^32). */
  u32(n: number): this {
    n >>>= 0;
    do {
      const b = n & 0x7f;
      n >>>= 7;
      this.byte(n !== 0 ? b | 0x80 : b);
    } while (n !== 0);
    return this;
  }

  /** Room for an unsigned number written later by patchU32 (five bytes: LEB128 allows padding). */
  reserveU32(): number {
    const at = this.length;
    for (let i = 0; i < 5; i++) this.byte(0);
    return at;
  }

  patchU32(at: number, n: number): void {
    for (let i = 0; i < 5; i++, n >>>= 7) this.buf[at + i] = (n & 0x7f) | (i < 4 ? 0x80 : 0);
  }

  /** A signed LEB128 number (an int32). */
  s32(n: number): this {
    n |= 0;
    for (;;) {
      const b = n & 0x7f;
      n >>= 7;
      if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) return this.byte(b);
      this.byte(b | 0x80);
    }
  }

  f64(x: number): this {
    const v = new DataView(new ArrayBuffer(8));
    v.setFloat64(0, x, true);
    for (let i = 0; i < 8; i++) this.byte(v.getUint8(i));
    return this;
  }

  name(s: string): this {
    const utf8 = new TextEncoder().encode(s);
    this.u32(utf8.length);
    for (const b of utf8) this.byte(b);
    return this;
  }

  append(other: Bytes): this {
    if (this.length + other.length > this.buf.length) this.grow(other.length);
    this.buf.set(other.buf.subarray(0, other.length), this.length);
    this.length += other.length;
    return this;
  }

  /** A section: its id, its size, its contents. */
  section(id: number, body: Bytes): this {
    this.byte(id).u32(body.length);
    return this.append(body);
  }

  bytes(): Uint8Array<ArrayBuffer> { return this.buf.slice(0, this.length) as Uint8Array<ArrayBuffer>; }
}
