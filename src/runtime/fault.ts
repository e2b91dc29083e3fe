// A guest exception in flight, thrown by generated code or a helper and
// caught by the execution loop, which delivers it through the IDT.

export const enum FaultKind {
  /** A fault: the saved EIP is the faulting instruction's. */
  Fault = 0,
  /** A trap or software interrupt: the saved EIP is the next instruction's. */
  Trap = 1,
}

export class Fault {
  /** Set by helpers that leave the state array exact themselves (see backend-js/emit.ts). */
  stateSynced = false;
  constructor(
    readonly vector: number,
    /** Error code pushed with the exception, or -1 for none. */
    readonly errorCode: number,
    /** Number of the instruction within the running block, or -1 when raised outside a block. */
    readonly insnIndex: number,
    readonly kind: FaultKind = FaultKind.Fault,
    /** For traps: the EIP to return to. */
    readonly nextEip = 0,
    /** Software interrupt (int n): DPL of the gate is checked against CPL. */
    readonly software = false,
  ) {}
}

/** Vectors that push an error code (SDM vol. 3, table 6-1). */
export function hasErrorCode(vector: number): boolean {
  return vector === 8 || (vector >= 10 && vector <= 14) || vector === 17;
}

export const VEC = { DE: 0, DB: 1, NMI: 2, BP: 3, OF: 4, BR: 5, UD: 6, NM: 7, DF: 8, TS: 10, NP: 11, SS: 12, GP: 13, PF: 14, MF: 16, AC: 17 } as const;
