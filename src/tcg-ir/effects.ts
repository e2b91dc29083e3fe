// What an op does besides computing its outputs: shared by the validator,
// the passes and the backend so they agree.
import { type IrInsn, HelperFlags } from './ir.js';
import { Op } from './ops.js';

/** True when the op may raise a guest exception (so guest state must be precise before it). */
export function mayFault(insn: IrInsn): boolean {
  if (insn.op === Op.Ld || insn.op === Op.St) return true;
  return insn.op === Op.Call && (insn.helper!.flags & HelperFlags.CanFault) !== 0;
}

/** True when all globals must hold their current values in the state array at this op. */
export function observesGlobals(insn: IrInsn): boolean {
  if (insn.op === Op.Exit || mayFault(insn)) return true;
  return insn.op === Op.Call && (insn.helper!.flags & HelperFlags.ReadsState) !== 0;
}

/** True when the op overwrites globals behind the block's back. */
export function clobbersGlobals(insn: IrInsn): boolean {
  return insn.op === Op.Call && (insn.helper!.flags & HelperFlags.WritesState) !== 0;
}

/** True when the op must stay even if its outputs are unused. */
export function hasSideEffects(insn: IrInsn): boolean {
  switch (insn.op) {
    case Op.St: case Op.Label: case Op.Br: case Op.Brcond: case Op.InsnStart: case Op.Exit: case Op.Uncount:
      return true;
    case Op.Ld:
      return true; // a load can fault or touch MMIO
    case Op.Call:
      return (insn.helper!.flags & (HelperFlags.CanFault | HelperFlags.SideEffects | HelperFlags.WritesState)) !== 0;
    default:
      return false;
  }
}

/** True when the op may write the running block's own code (a store, or a CodeWrite helper). */
export function mayWriteCode(insn: IrInsn): boolean {
  return insn.op === Op.St || (insn.op === Op.Call && (insn.helper!.flags & HelperFlags.CodeWrite) !== 0);
}
