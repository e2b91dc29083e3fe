// x87 memory operands in every format (SDM vol. 1, 4.2 and 8.2): loads
// convert exactly to the 80-bit format (SNaN/denormal flags as the x87
// raises them); stores round per the control word. A store writes all of
// its bytes or none: the last byte is probed first, so a page fault leaves
// memory as it was.
import { type Cpu } from '../cpu.js';
import {
  f80FromBytes, f80ToBytes, loadFloat32, loadFloat64, loadInt, loadInt64, loadBcd, storeFloat32, storeFloat64,
  storeInt, storeBcd, f80, IE, QUIET_BIT, type F80,
} from '../x87/index.js';

export const enum MemFormat { F32, F64, F80, I16, I32, I64, Bcd }

const SIZE = [4, 8, 10, 2, 4, 8, 10];

function readBytes(cpu: Cpu, lin: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = cpu.readLinear8((lin + i) | 0);
  return out;
}

function writeBytes(cpu: Cpu, lin: number, bytes: Uint8Array): void {
  const last = (lin + bytes.length - 1) | 0;
  cpu.writeLinear8(last, cpu.readLinear8(last)); // a fault here comes before any byte is written
  for (let i = 0; i < bytes.length; i++) cpu.writeLinear8((lin + i) | 0, bytes[i]!);
}

function le64(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  return v;
}

function bytesOf(v: bigint, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = BigInt.asUintN(n * 8, v);
  for (let i = 0; i < n; i++) { out[i] = Number(x & 0xffn); x >>= 8n; }
  return out;
}

export interface LoadedOperand {
  /** The value as FLD pushes it (an SNaN quieted). */
  value: F80;
  /** The same with an SNaN left signalling, for an arithmetic or compare operand (which raises IE itself). */
  raw: F80;
  flags: number;
  write: boolean;
}

/** Reads an operand as an 80-bit value; `write` false when an unmasked exception stops FLD. */
export function loadOperand(cpu: Cpu, lin: number, fmt: MemFormat, cw: number): LoadedOperand {
  const r = convert(cpu, lin, fmt, cw);
  const snan = (fmt === MemFormat.F32 || fmt === MemFormat.F64) && (r.flags & IE) !== 0;
  return { ...r, raw: snan ? f80(r.value.sign, r.value.exp, r.value.mant & ~QUIET_BIT) : r.value };
}

function convert(cpu: Cpu, lin: number, fmt: MemFormat, cw: number): { value: F80; flags: number; write: boolean } {
  const b = readBytes(cpu, lin, SIZE[fmt]!);
  switch (fmt) {
    case MemFormat.F32: return loadFloat32(b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24), cw);
    case MemFormat.F64: return loadFloat64(le64(b), cw);
    case MemFormat.F80: return { value: f80FromBytes(b), flags: 0, write: true };
    case MemFormat.I16: return { value: loadInt((b[0]! | (b[1]! << 8)) << 16 >> 16), flags: 0, write: true };
    case MemFormat.I32: return { value: loadInt(b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)), flags: 0, write: true };
    case MemFormat.I64: return { value: loadInt64(le64(b)), flags: 0, write: true };
    case MemFormat.Bcd: return { value: loadBcd(b), flags: 0, write: true };
  }
}

/** Stores `v` in a format: the flags raised, and whether it was stored (an unmasked exception leaves memory unwritten). */
export function storeOperand(cpu: Cpu, lin: number, fmt: MemFormat, v: F80, cw: number): { flags: number; stored: boolean } {
  let bytes: Uint8Array, flags: number, write: boolean;
  switch (fmt) {
    case MemFormat.F32: { const r = storeFloat32(v, cw); bytes = bytesOf(BigInt(r.value >>> 0), 4); flags = r.flags; write = r.write; break; }
    case MemFormat.F64: { const r = storeFloat64(v, cw); bytes = bytesOf(r.value, 8); flags = r.flags; write = r.write; break; }
    case MemFormat.F80: bytes = f80ToBytes(v); flags = 0; write = true; break;
    case MemFormat.I16: case MemFormat.I32: case MemFormat.I64: {
      const bits = fmt === MemFormat.I16 ? 16 : fmt === MemFormat.I32 ? 32 : 64;
      const r = storeInt(v, bits, cw);
      bytes = bytesOf(r.value, bits / 8); flags = r.flags; write = r.write;
      break;
    }
    case MemFormat.Bcd: { const r = storeBcd(v, cw); bytes = r.value; flags = r.flags; write = r.write; break; }
  }
  if (!write) return { flags, stored: false };
  writeBytes(cpu, lin, bytes);
  return { flags, stored: true };
}
