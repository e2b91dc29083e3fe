export { emitBlock, TLB_BITS, TLB_MASK, tagMask, type EmitResult, type EmitOptions } from './emit.js';
export { compileBlock, type CodeContext, type CompiledBlock, type BlockFunction, type FaultLike } from './compile.js';
export { mulhu, mulhs } from './mulh.js';
export { allocateRegisters } from './regalloc.js';
export { interpretBlock, canInterpret, createInterpSpace, resetInterpSpace, interpWordsLeft, type InterpretedBlock, type InterpSpace } from './interp.js';
