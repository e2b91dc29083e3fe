// Lazy EFLAGS. An arithmetic instruction does not compute the six status
// flags (OF SF ZF AF PF CF); it records what produced them: CC_OP names the
// operation and operand size, CC_DST holds the result, CC_SRC the second
// operand (or what the operation needs), CC_SRC2 a carry-in. The flags are
// derived only when something reads them (jcc, setcc, pushf, adc...), and
// when the translator knows CC_OP it derives just the one condition it needs.
// The encoding follows the idea of QEMU's CC_OP scheme (target/i386).
import { F } from './state.js';

export const enum CcKind { Eflags = 0, Add, Adc, Sub, Sbb, Logic, Inc, Dec, Shl, Sar, Mul }

/** CC_OP value: kind * 4 + log2(size in bytes). */
export function ccOp(kind: CcKind, size: number): number {
  return kind * 4 + (size === 1 ? 0 : size === 2 ? 1 : 2);
}
export function ccKind(op: number): CcKind { return op >> 2; }
export function ccSize(op: number): number { return 1 << (op & 3); }

export const CC_EFLAGS = 0;

const PARITY = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  let p = 1;
  for (let b = 0; b < 8; b++) p ^= (i >> b) & 1;
  PARITY[i] = p ? F.PF : 0;
}

/** PF for a result: set when the low byte has an even number of one bits. */
export function parityFlag(v: number): number { return PARITY[v & 0xff]; }

/** Computes OF|SF|ZF|AF|PF|CF from the lazy-flag state. dst/src are stored already truncated to the size. */
export function computeOszapc(op: number, dst: number, src: number, src2: number): number {
  const kind = ccKind(op);
  if (kind === CcKind.Eflags) return src & F.OSZAPC;
  const bits = 8 * ccSize(op);
  const mask = bits === 32 ? -1 : (1 << bits) - 1;
  const sign = 1 << (bits - 1);
  dst &= mask;
  let cf = 0, of = 0, af = 0;
  switch (kind) {
    case CcKind.Add: case CcKind.Adc: {
      const cin = kind === CcKind.Adc ? src2 & 1 : 0;
      const s1 = (dst - src - cin) & mask;
      const d = dst >>> 0, s = (src & mask) >>> 0;
      cf = cin ? (d <= s ? 1 : 0) : (d < s ? 1 : 0);
      of = (~(s1 ^ src) & (s1 ^ dst) & sign) ? F.OF : 0;
      af = (s1 ^ src ^ dst) & 0x10;
      break;
    }
    case CcKind.Sub: case CcKind.Sbb: {
      const cin = kind === CcKind.Sbb ? src2 & 1 : 0;
      const s1 = (dst + src + cin) & mask;
      const a = s1 >>> 0, s = (src & mask) >>> 0;
      cf = cin ? (a <= s ? 1 : 0) : (a < s ? 1 : 0);
      of = ((s1 ^ src) & (s1 ^ dst) & sign) ? F.OF : 0;
      af = (s1 ^ src ^ dst) & 0x10;
      break;
    }
    case CcKind.Logic:
      break;
    case CcKind.Inc:
      cf = src & 1;
      of = dst === sign ? F.OF : 0;
      af = (dst & 0xf) === 0 ? F.AF : 0;
      break;
    case CcKind.Dec:
      cf = src & 1;
      of = dst === ((sign - 1) & mask) ? F.OF : 0;
      af = (dst & 0xf) === 0xf ? F.AF : 0;
      break;
    case CcKind.Shl:
      cf = (src >>> (bits - 1)) & 1;
      of = (cf ^ ((dst >>> (bits - 1)) & 1)) ? F.OF : 0;
      break;
    case CcKind.Sar:
      cf = src & 1;
      of = ((src ^ dst) & sign) ? F.OF : 0;
      break;
    case CcKind.Mul:
      cf = src !== 0 ? 1 : 0;
      of = cf ? F.OF : 0;
      break;
  }
  return cf | of | af | PARITY[dst & 0xff] | (dst === 0 ? F.ZF : 0) | (dst & sign ? F.SF : 0);
}
