// Everything generated code touches lives in one WebAssembly.Memory, at
// fixed byte offsets: the CPU state array, the icount pair, the control
// words, the softmmu TLB, the dispatcher's block records and jump cache, and guest RAM. JavaScript sees them as typed-array
// views on its buffer (nothing changes for the interpreter, the JavaScript
// backend or the devices); WebAssembly blocks (backend-wasm) address them
// as constants.
import { type WasmLayout, SLOT_BYTES, JUMP_CACHE_ENTRIES, JUMP_CACHE_BYTES, REGIONS } from '../backend-wasm/index.js';
import { TLB_BITS } from '../backend-js/index.js';

const TLB_BYTES = (1 << TLB_BITS) * 4;
/** The interpreter's program words (backend-js InterpSpace), just below RAM: about a boot's worth of blocks. */
export const INTERP_WORDS = 1 << 22;
const INTERP_BYTES = INTERP_WORDS * 4;
const WASM_PAGE = 65536;
/** Compiled blocks the dispatcher can chain (runtime/chain.ts); later ones run without it until the cache is flushed. */
export const MAX_SLOTS = 32768;

export const ARENA: WasmLayout = {
  state: 0, // room for 256 slots (frontend-x86/state.ts has S.SIZE; cpu.ts checks)
  ic: 1024,
  ctl: 1040,
  cur: 1048,
  jgen: 1052, // and 1056
  miss: 1060,
  tlbR: 4096,
  tlbW: 4096 + TLB_BYTES,
  tlbO: 4096 + 2 * TLB_BYTES,
  slots: WASM_PAGE,
  jcache: WASM_PAGE + MAX_SLOTS * SLOT_BYTES,
  regions: WASM_PAGE + MAX_SLOTS * SLOT_BYTES + JUMP_CACHE_ENTRIES * JUMP_CACHE_BYTES,
  ram: WASM_PAGE + MAX_SLOTS * SLOT_BYTES + Math.ceil((JUMP_CACHE_ENTRIES * JUMP_CACHE_BYTES + REGIONS * 4) / WASM_PAGE) * WASM_PAGE + INTERP_BYTES,
};
export const INTERP_AT = ARENA.ram - INTERP_BYTES;

/** A memory for `ramBytes` of guest RAM after the header. */
export function createArena(ramBytes: number): WebAssembly.Memory {
  const pages = Math.ceil((ARENA.ram + ramBytes) / WASM_PAGE);
  return new WebAssembly.Memory({ initial: pages, maximum: pages });
}
