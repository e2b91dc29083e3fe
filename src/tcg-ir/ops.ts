// The closed list of IR operations. Every op is listed here once with its
// shape; the builder, printer, validator, passes and the JS backend are
// switches over this list (QEMU keeps its TCG ops the same way, in
// tcg/tcg-opc.h).

export const enum Op {
  /** out = a */
  Mov,
  /** out = a op b (32-bit, wrapping) */
  Add, Sub, Mul, And, Or, Xor,
  /** out = a shifted by b; b must be 0..31 */
  Shl, Shr, Sar, Rotl, Rotr,
  /** out = op a */
  Neg, Not, Ext8s, Ext8u, Ext16s, Ext16u,
  /** out = cond(a, b) ? 1 : 0 */
  Setcond,
  /** out = cond(a, b) ? c : d */
  Movcond,
  /** out:out2 = a * b as a 64-bit product (unsigned / signed); out is the low half */
  Mulu2, Muls2,
  /** out = guest memory[a] (a is a linear address); aux = MemOp */
  Ld,
  /** guest memory[a] = b; aux = MemOp */
  St,
  /** out (optional) = helpers[aux](args...) */
  Call,
  /** a label; aux = label id. Branches may only go forward. */
  Label,
  /** goto label aux */
  Br,
  /** if cond(a, b) goto label aux */
  Brcond,
  /** start of guest instruction number aux at guest address a (a constant) */
  InsnStart,
  /** leave the block through exit number aux */
  Exit,
  /**
   * aux instructions were skipped: a forward branch inside the block jumped
   * over them, so the exits and instruction numbers after it (which count
   * every instruction before them in the block) overstate what retired; the
   * running icount is lowered by aux at once.
   */
  Uncount,
}

export const OP_NAMES = [
  'mov', 'add', 'sub', 'mul', 'and', 'or', 'xor', 'shl', 'shr', 'sar', 'rotl', 'rotr',
  'neg', 'not', 'ext8s', 'ext8u', 'ext16s', 'ext16u', 'setcond', 'movcond',
  'mulu2', 'muls2', 'ld', 'st', 'call', 'label', 'br', 'brcond', 'insn_start', 'exit', 'uncount',
] as const;

/** Comparison conditions; signed ones compare int32, unsigned ones uint32. */
export const enum Cond { Eq, Ne, Lt, Ge, Le, Gt, Ltu, Geu, Leu, Gtu, /** (a & b) == 0 */ TstEq, /** (a & b) != 0 */ TstNe }

export const COND_NAMES = ['eq', 'ne', 'lt', 'ge', 'le', 'gt', 'ltu', 'geu', 'leu', 'gtu', 'tsteq', 'tstne'] as const;

/** Evaluates a condition on two int32 values. */
export function evalCond(c: Cond, a: number, b: number): boolean {
  switch (c) {
    case Cond.Eq: return (a | 0) === (b | 0);
    case Cond.Ne: return (a | 0) !== (b | 0);
    case Cond.Lt: return (a | 0) < (b | 0);
    case Cond.Ge: return (a | 0) >= (b | 0);
    case Cond.Le: return (a | 0) <= (b | 0);
    case Cond.Gt: return (a | 0) > (b | 0);
    case Cond.Ltu: return a >>> 0 < b >>> 0;
    case Cond.Geu: return a >>> 0 >= b >>> 0;
    case Cond.Leu: return a >>> 0 <= b >>> 0;
    case Cond.Gtu: return a >>> 0 > b >>> 0;
    case Cond.TstEq: return (a & b) === 0;
    case Cond.TstNe: return (a & b) !== 0;
  }
}

export function invertCond(c: Cond): Cond {
  switch (c) {
    case Cond.Eq: return Cond.Ne;
    case Cond.Ne: return Cond.Eq;
    case Cond.Lt: return Cond.Ge;
    case Cond.Ge: return Cond.Lt;
    case Cond.Le: return Cond.Gt;
    case Cond.Gt: return Cond.Le;
    case Cond.Ltu: return Cond.Geu;
    case Cond.Geu: return Cond.Ltu;
    case Cond.Leu: return Cond.Gtu;
    case Cond.Gtu: return Cond.Leu;
    case Cond.TstEq: return Cond.TstNe;
    case Cond.TstNe: return Cond.TstEq;
  }
}

/** Memory access descriptor: size in bytes (1, 2, 4) and sign extension of loads. */
export const enum MemOp { U8 = 1, U16 = 2, U32 = 4, S8 = 1 | 8, S16 = 2 | 8 }

export function memOpSize(m: number): number { return m & 7; }
export function memOpSigned(m: number): boolean { return (m & 8) !== 0; }

/** Pure binary ops on (a, b). */
export function isBinary(op: Op): boolean {
  return op >= Op.Add && op <= Op.Rotr;
}

/** Pure unary ops on a. */
export function isUnary(op: Op): boolean {
  return op >= Op.Neg && op <= Op.Ext16u;
}

/** Applies a pure unary or binary op to constants. */
export function evalPure(op: Op, a: number, b: number): number {
  switch (op) {
    case Op.Mov: return a | 0;
    case Op.Add: return (a + b) | 0;
    case Op.Sub: return (a - b) | 0;
    case Op.Mul: return Math.imul(a, b);
    case Op.And: return a & b;
    case Op.Or: return a | b;
    case Op.Xor: return a ^ b;
    case Op.Shl: return a << b;
    case Op.Shr: return (a >>> b) | 0;
    case Op.Sar: return a >> b;
    case Op.Rotl: return (a << (b & 31)) | (a >>> ((32 - b) & 31));
    case Op.Rotr: return (a >>> (b & 31)) | (a << ((32 - b) & 31));
    case Op.Neg: return -a | 0;
    case Op.Not: return ~a;
    case Op.Ext8s: return (a << 24) >> 24;
    case Op.Ext8u: return a & 0xff;
    case Op.Ext16s: return (a << 16) >> 16;
    case Op.Ext16u: return a & 0xffff;
    default: throw new Error(`evalPure: op ${OP_NAMES[op]} is not pure`);
  }
}
