export { compileWasmBlocks, type WasmContext, type WasmCompiled, type WasmItem } from './module.js';
export { type WasmLayout } from './emit.js';
export { createDispatcher, type Dispatcher, SLOT_BYTES, SLOT_EXITS, SLOT_INVALID, SlotWord, JUMP_CACHE_ENTRIES, JUMP_CACHE_BYTES, REGION_SHIFT, REGIONS } from './dispatch.js';
