export { Cpu } from './cpu.js';
export { Memory, PAGE_SIZE, type MmioRegion } from './memory.js';
export { IoBus, type PortDevice } from './io.js';
export { Executor, StopReason, type InterruptSource, type DebugLog, type ExecTracer } from './exec.js';
export { Fault, FaultKind, VEC, hasErrorCode } from './fault.js';
export { deliverInterrupt, TripleFault } from './interrupts.js';
export { TbCache, TranslationBlock } from './tb.js';
export { loadSegment } from './segments.js';
