// The decoded form of one x86 instruction: what the decoder produces and the
// translator, the disassembler and the tests consume. Plain data, no methods.

/** General registers in encoding order (Intel SDM vol. 2, table 2-1). */
export const enum Reg { EAX = 0, ECX, EDX, EBX, ESP, EBP, ESI, EDI }

/** Segment registers in encoding order (the sreg field of ModRM). */
export const enum Seg { ES = 0, CS, SS, DS, FS, GS }

/** No base / no index / no segment override. */
export const NONE = -1;

export type OperandSize = 1 | 2 | 4;

/**
 * A register operand. For size 1, reg 0-3 are AL,CL,DL,BL and 4-7 are
 * AH,CH,DH,BH (there is no REX in IA-32).
 */
export interface RegOperand { kind: 'reg'; reg: number; size: OperandSize }

/**
 * A memory operand. The effective address is
 * base + index * (1 << scale) + disp, truncated to addrSize bits; the linear
 * address adds the base of segment `seg`, which the decoder has already
 * resolved (override prefix, else DS, or SS when the base is ESP/EBP/BP).
 * size is the access size in bytes: 1, 2, 4; 6 for m16:32 / pseudo-descriptors;
 * 8 for m64 (cmpxchg8b); 0 when the instruction does not access memory (lea).
 */
export interface MemOperand {
  kind: 'mem';
  size: number;
  seg: number;
  base: number;
  index: number;
  scale: number;
  /**
   * Sign-extended displacement (a signed int32; disp8/disp16 sign-extended).
   * base/index use the 32-bit register numbers also for 16-bit addressing
   * (BX=3, BP=5, SI=6, DI=7); index NONE means scale 0.
   */
  disp: number;
  addrSize: 16 | 32;
}

/** An immediate, already sign- or zero-extended and truncated to `size` bytes; value is unsigned. */
export interface ImmOperand { kind: 'imm'; size: OperandSize; value: number }

/** A segment register (mov Sw, push/pop sreg). */
export interface SregOperand { kind: 'sreg'; reg: number }

/** A control register CRn or debug register DRn (mov to/from). */
export interface CtrlOperand { kind: 'creg' | 'dreg'; reg: number }

/** A near branch target: the absolute offset in CS, truncated to the operand size. */
export interface RelOperand { kind: 'rel'; target: number }

/** A direct far pointer ptr16:16 or ptr16:32 (jmp far / call far). */
export interface FarOperand { kind: 'far'; selector: number; offset: number }

export type Operand =
  | RegOperand
  | MemOperand
  | ImmOperand
  | SregOperand
  | CtrlOperand
  | RelOperand
  | FarOperand;

export interface Insn {
  /** Offset of the first byte (prefixes included) in CS. */
  eip: number;
  /** Length in bytes, prefixes included (1..15). */
  length: number;
  /**
   * Lowercase Intel mnemonic. Forms that differ only by operand size use the
   * 16-bit name (`cbw`, `cwd`, `pusha`, `popa`, `pushf`, `popf`, `iret`), and
   * string instructions the bare name (`movs`, `cmps`, `stos`, `lods`,
   * `scas`, `ins`, `outs`) with the element size in `operands`/`opSize`.
   * Conditional forms are `jcc`, `setcc`, `cmovcc` with `cond` set. Far
   * transfers are `jmpf`, `callf`, `retf`. An undefined or invalid encoding
   * (including a misplaced lock prefix, or an instruction over 15 bytes) is
   * `#ud` / `#gp`, with `length` the bytes consumed so far.
   */
  mnemonic: string;
  /**
   * Opcode: 0x00-0xff for the one-byte map, 0x0f00 | byte for the two-byte map
   * (x87: 0xd8-0xdf, with `modrm` selecting the operation). -1 for a #gp/#ud
   * found before the opcode byte was read.
   */
  opcode: number;
  /** ModRM reg field (the /digit of group opcodes), or -1 when there is no ModRM. */
  ext: number;
  /**
   * Condition code 0-15 (o,no,b,ae,e,ne,be,a,s,ns,p,np,l,ge,le,g) for
   * jcc/setcc/cmovcc, and for the x87 fcmovcc forms (fcmovb=b, fcmovu=p, ...), else -1.
   */
  cond: number;
  /** Operands in Intel order: destination first. Implicit operands are included where the manual lists them. */
  operands: Operand[];
  opSize: 16 | 32;
  addrSize: 16 | 32;
  /** Segment override prefix (a Seg) or NONE. */
  segOverride: number;
  /** 0, 0xf3 (rep/repe) or 0xf2 (repne). */
  rep: number;
  lock: boolean;
  /**
   * Added field (optional so other producers of Insn need not set it): the
   * raw ModRM byte, or -1 when there is none. The decoder always sets it. The
   * x87 register forms need it: ST(i) is `modrm & 7` and is not in `operands`.
   */
  modrm?: number;
}
