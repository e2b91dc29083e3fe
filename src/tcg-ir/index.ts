export { Op, Cond, MemOp, OP_NAMES, COND_NAMES, evalCond, evalPure, invertCond, memOpSize, memOpSigned } from './ops.js';
export { IrBlock, TempKind, HelperFlags, type Temp, type IrInsn, type HelperDecl, type ExitDecl } from './ir.js';
export { IrBuilder } from './builder.js';
export { printBlock, tempName } from './printer.js';
export { validateBlock, readsBeforeWrite } from './validate.js';
export { enterableHeads, type LoopHead } from './loops.js';
export { Scratch } from './scratch.js';
export { mayFault, observesGlobals, clobbersGlobals, hasSideEffects, mayWriteCode } from './effects.js';
export { optimizeBlock, foldConstants, propagateCopies, removeDeadCode, mul64, type DceOptions } from './passes/index.js';
