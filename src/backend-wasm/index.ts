export { compileWasmBlocks, type WasmContext, type WasmCompiled } from './module.js';
export { type WasmLayout } from './emit.js';
