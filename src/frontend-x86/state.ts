// Layout of the guest CPU state: one Int32Array, one int32 slot per field.
// The translator names these slots as IR globals; the runtime owns the array.

export const S = {
  EAX: 0, ECX: 1, EDX: 2, EBX: 3, ESP: 4, EBP: 5, ESI: 6, EDI: 7,
  EIP: 8,
  /** EFLAGS without the six arithmetic flags, which live in the lazy-flag slots below. */
  EFLAGS: 9,
  /** Lazy flags: how OSZAPC derive from CC_DST/CC_SRC/CC_SRC2 (see flags.ts). */
  CC_OP: 10, CC_DST: 11, CC_SRC: 12, CC_SRC2: 13,
  /** Segment registers ES..GS: visible selector, then the descriptor cache. */
  SEL: 16, BASE: 22, LIMIT: 28, ATTR: 34,
  CR0: 40, CR2: 41, CR3: 42, CR4: 43,
  GDTR_BASE: 44, GDTR_LIMIT: 45, IDTR_BASE: 46, IDTR_LIMIT: 47,
  LDTR_SEL: 48, LDTR_BASE: 49, LDTR_LIMIT: 50, LDTR_ATTR: 51,
  TR_SEL: 52, TR_BASE: 53, TR_LIMIT: 54, TR_ATTR: 55,
  DR: 56,
  /** Non-zero for one instruction after sti / mov ss / pop ss (no interrupt in between). */
  IRQ_SHADOW: 64,
  /** Current privilege level. */
  CPL: 65,
  SYSENTER_CS: 66, SYSENTER_ESP: 67, SYSENTER_EIP: 68,
  /** Set by hlt; cleared when an interrupt arrives. */
  HALTED: 69,
  /** Non-zero while the CPU makes implicit supervisor accesses (descriptor tables, the TSS) whatever the CPL (SDM vol. 3, 4.6). */
  SYSACC: 70,
  /** x87 physical registers R0-R7, three slots each: sign << 15 | exponent, significand low and high 32 bits. */
  FPR: 80,
  /** x87 control word, status word (TOP in bits 11-13), tag word (2 bits per physical register). */
  FCW: 104, FSW: 105, FTW: 106,
  /** x87 last instruction pointer (offset, CS selector), opcode (11 bits), data pointer (offset, selector). */
  FIP: 107, FCS: 108, FOP: 109, FDP: 110, FDS: 111,
  SIZE: 112,
} as const;

export const REG_NAMES = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'] as const;
export const SEG_NAMES = ['es', 'cs', 'ss', 'ds', 'fs', 'gs'] as const;

/** EFLAGS bits (Intel SDM vol. 1, 3.4.3). */
export const F = {
  CF: 0x1, FIXED1: 0x2, PF: 0x4, AF: 0x10, ZF: 0x40, SF: 0x80, TF: 0x100, IF: 0x200, DF: 0x400, OF: 0x800,
  IOPL: 0x3000, NT: 0x4000, RF: 0x10000, VM: 0x20000, AC: 0x40000, VIF: 0x80000, VIP: 0x100000, ID: 0x200000,
  OSZAPC: 0x8d5,
} as const;

/** Descriptor attribute bits as kept in the ATTR slots: bits 8..23 of the descriptor's high dword. */
export const A = {
  TYPE_MASK: 0xf, ACCESSED: 0x1, S: 0x10, DPL_SHIFT: 5, P: 0x80, AVL: 0x1000, DB: 0x4000, G: 0x8000,
  /** Attribute of a usable 32-bit flat code/data segment etc. is computed by the runtime. */
} as const;
