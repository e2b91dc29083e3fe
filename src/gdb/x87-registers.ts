// GDB's x87 registers (st0-st7 as 80-bit values, fctrl, fstat, ftag, fiseg,
// fioff, foseg, fooff, fop) read from and written to the CPU state.
import { S } from '../frontend-x86/index.js';
import { type Cpu, x87Register, setX87Register, x87TagWord, f80ToBytes, f80FromBytes } from '../runtime/index.js';

/** Control registers after st7, in GDB's order, and their state slots (ftag is computed). */
const CONTROL = [S.FCW, S.FSW, -1, S.FCS, S.FIP, S.FDS, S.FDP, S.FOP];

/** index: 0-7 for st0-st7, 8 on for fctrl... */
export function readX87(cpu: Cpu, index: number, out: Uint8Array): void {
  if (index < 8) { f80ToBytes(x87Register(cpu.s, index), out); return; }
  const slot = CONTROL[index - 8]!;
  const v = slot < 0 ? x87TagWord(cpu.s) : cpu.s[slot]!;
  new DataView(out.buffer, out.byteOffset, out.byteLength).setUint32(0, v >>> 0, true);
}

export function writeX87(cpu: Cpu, index: number, bytes: Uint8Array): boolean {
  if (index < 8) { setX87Register(cpu.s, index, f80FromBytes(bytes)); return true; }
  const slot = CONTROL[index - 8]!;
  if (slot < 0) return false; // the tag word follows the registers
  cpu.s[slot] = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true) | 0;
  return true;
}
