// FNSTENV/FLDENV and FNSAVE/FRSTOR (SDM vol. 1, 8.1.10, figures 8-9 to
// 8-12): the 14-byte (16-bit operand size) or 28-byte (32-bit) environment
// in its protected-mode or real-mode layout, then for the full state the
// eight registers, ST(0) first, 10 bytes each.
import { S } from '../../frontend-x86/index.js';
import { type Cpu } from '../cpu.js';
import { f80FromBytes, f80ToBytes } from '../x87/index.js';
import { TAG_EMPTY, fullTagWord, readPhys, setTag, tagFor, writePhys, top } from './registers.js';

/** The environment's fields in order: CW, SW, TW, IP, CS/opcode, DP, DS (protected) or the real-mode packing. */
function fields(cpu: Cpu, o32: boolean): number[] {
  const s = cpu.s;
  const cw = s[S.FCW]!, sw = s[S.FSW]!, tw = fullTagWord(s);
  const ip = s[S.FIP]!, dp = s[S.FDP]!, op = s[S.FOP]! & 0x7ff;
  if (cpu.protectedMode) {
    return o32 ? [cw, sw, tw, ip, (s[S.FCS]! & 0xffff) | (op << 16), dp, s[S.FDS]! & 0xffff]
      : [cw, sw, tw, ip & 0xffff, s[S.FCS]! & 0xffff, dp & 0xffff, s[S.FDS]! & 0xffff];
  }
  // Real mode: 20-bit linear pointers (CS/DS base + offset) split 16 + 4 bits, the opcode beside the high bits.
  const fip = (s[S.FCS]! << 4) + ip, fdp = (s[S.FDS]! << 4) + dp;
  return o32 ? [cw, sw, tw, fip & 0xffff, ((fip >>> 16) << 12) | op, fdp & 0xffff, (fdp >>> 16) << 12]
    : [cw, sw, tw, fip & 0xffff, ((fip >>> 16) << 12) | op, fdp & 0xffff, (fdp >>> 16) << 12];
}

const width = (o32: boolean) => (o32 ? 4 : 2);

export function storeEnvironment(cpu: Cpu, lin: number, o32: boolean): void {
  const f = fields(cpu, o32), w = width(o32);
  // Probe the last byte first: a fault leaves memory untouched.
  const last = (lin + 7 * w - 1) | 0;
  cpu.writeLinear8(last, cpu.readLinear8(last));
  f.forEach((v, i) => (w === 4 ? cpu.writeLinear32((lin + i * 4) | 0, v) : cpu.writeLinear16((lin + i * 2) | 0, v)));
}

export function loadEnvironment(cpu: Cpu, lin: number, o32: boolean): void {
  const s = cpu.s, w = width(o32);
  const read = (i: number) => (w === 4 ? cpu.readLinear32((lin + i * 4) | 0) : cpu.readLinear16((lin + i * 2) | 0));
  const f = [0, 1, 2, 3, 4, 5, 6].map(read);
  s[S.FCW] = (f[0]! & 0x1f3f) | 0x40; // reserved bits read as 0 (fpu/exec.ts controlWord)
  s[S.FSW] = f[1]! & 0xffff;
  // Only "empty" survives from the tag word: the others are recomputed from the registers.
  for (let p = 0; p < 8; p++) setTag(s, p, ((f[2]! >> (p * 2)) & 3) === TAG_EMPTY ? TAG_EMPTY : tagFor(readPhys(s, p)));
  if (cpu.protectedMode) {
    s[S.FIP] = f[3]!;
    s[S.FCS] = f[4]! & 0xffff;
    s[S.FOP] = o32 ? (f[4]! >>> 16) & 0x7ff : 0;
    s[S.FDP] = f[5]!;
    s[S.FDS] = f[6]! & 0xffff;
  } else {
    s[S.FIP] = ((f[4]! >>> 12) << 16) | (f[3]! & 0xffff);
    s[S.FCS] = 0;
    s[S.FOP] = f[4]! & 0x7ff;
    s[S.FDP] = ((f[6]! >>> 12) << 16) | (f[5]! & 0xffff);
    s[S.FDS] = 0;
  }
  const pending = s[S.FSW]! & 0x3f & ~s[S.FCW]!;
  s[S.FSW] = pending ? s[S.FSW]! | 0x8080 : s[S.FSW]! & ~0x8080;
}

export function storeState(cpu: Cpu, lin: number, o32: boolean): void {
  const s = cpu.s, env = 7 * width(o32);
  const last = (lin + env + 80 - 1) | 0;
  cpu.writeLinear8(last, cpu.readLinear8(last));
  storeEnvironment(cpu, lin, o32);
  const bytes = new Uint8Array(10);
  for (let i = 0; i < 8; i++) {
    f80ToBytes(readPhys(s, (top(s) + i) & 7), bytes);
    for (let k = 0; k < 10; k++) cpu.writeLinear8((lin + env + i * 10 + k) | 0, bytes[k]!);
  }
}

export function loadState(cpu: Cpu, lin: number, o32: boolean): void {
  const s = cpu.s, env = 7 * width(o32);
  // Read everything before changing anything (a fault leaves the FPU as it was).
  const regs = Array.from({ length: 8 }, (_, i) => {
    const b = new Uint8Array(10);
    for (let k = 0; k < 10; k++) b[k] = cpu.readLinear8((lin + env + i * 10 + k) | 0);
    return f80FromBytes(b);
  });
  const tags = s[S.FTW]!;
  loadEnvironment(cpu, lin, o32);
  const tw = s[S.FTW]!;
  s[S.FTW] = tags;
  regs.forEach((v, i) => writePhys(s, (top(s) + i) & 7, v));
  s[S.FTW] = tw;
  // Tags again, now that the registers hold the new values.
  for (let p = 0; p < 8; p++) if (((tw >> (p * 2)) & 3) !== TAG_EMPTY) setTag(s, p, tagFor(readPhys(s, p)));
}
