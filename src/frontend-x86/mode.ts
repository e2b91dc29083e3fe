// Translation mode: the CPU state a block's translation depends on, beyond
// the bytes themselves. It is part of the block cache key; an instruction
// that changes any of it ends its block.

export const enum ModeBit {
  /** CS.D: default operand and address size 32. */
  Code32 = 1 << 0,
  /** SS.B: stack pointer is ESP (else SP). */
  Stack32 = 1 << 1,
  /** Protected mode (CR0.PE). */
  Protected = 1 << 8,
  /** Some segment register holds an expand-down data segment: accesses through non-flat segments take the full check (a helper). */
  ExpandDown = 1 << 9,
}

/** Bits 2..7: segment n (a Seg) has base 0 and limit 4 GiB, so no base add and no limit check. (A mode stays below 1024: see runtime/tb.ts blockKey.) */
export const FLAT_SHIFT = 2;

export function isFlat(mode: number, seg: number): boolean {
  return ((mode >> FLAT_SHIFT) & (1 << seg)) !== 0;
}
