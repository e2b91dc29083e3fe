// Block chaining inside WebAssembly: a loop that calls compiled blocks
// through a table and follows their links without returning to JavaScript,
// QEMU's direct block chaining by other means (wasm code cannot jump into
// another function, but a call_indirect from one loop costs a few
// nanoseconds, a JavaScript-to-wasm call several times that).
//
// Each compiled block has a slot: its entry in the function table and a
// record in memory of SLOT_BYTES bytes at layout.slots + slot * SLOT_BYTES:
//   word 0      its instruction count (SLOT_INVALID once invalidated)
//   words 1-2   the EIP and CS base it was translated for
//   word 3      bit e set when exit e's target is computed at run time
//   word 4      its translation mode
//   words 5-16  the slot exit 0-11 is linked to, or -1
//   words 17-28 instructions retired through exit 0-11
// The runtime (runtime/chain.ts) keeps the records and links. A link from a
// computed exit is followed only when EIP and the CS base are those of the
// block it leads to, as in the executor's loop. An exit without a usable
// link tries the jump cache (JUMP_CACHE_ENTRIES entries at layout.jcache, by
// linear address: [linear, slot, generation << 3 | global << 2 | CPL]),
// which the runtime fills from its own lookups. An entry's generation is
// the sum of the generation of all entries (int32 at layout.jgen), that of
// the entries of pages that are not global (at layout.jgen + 4; not in the
// sum for a global page) and that of its 4 MiB region (layout.regions,
// an int32 per region): the runtime empties the cache, or the part a CR3
// load or an INVLPG drops, by moving one of them on (the counters only
// grow, so the sum changes too). An entry holds if its generation is the
// current sum and EIP, CS base, mode and CPL are the block's (a block of
// another CPL might be on a page this CPL may not fetch from).
import { Bytes, W, ValType, VOID } from './encode.js';
import { type WasmLayout } from './emit.js';

export const SLOT_BYTES = 128;
/** Exits per block with a record (later exits always return to JavaScript; big blocks have many side exits). */
export const SLOT_EXITS = 12;
/** The instruction count of an invalidated slot: no budget has room for it, so nothing chains into it. */
export const SLOT_INVALID = 0x7fffffff;
/** Word offsets in a record. */
export const enum SlotWord { Insns = 0, Eip = 1, CsBase = 2, Dynamic = 3, Mode = 4, Links = 5, Retired = 17 }
/** Jump cache entries (a power of two) and their size. */
export const JUMP_CACHE_ENTRIES = 4096;
export const JUMP_CACHE_BYTES = 12;
/** Mapping regions (4 MiB: the largest page INVLPG can drop) are `linear >>> REGION_SHIFT`; one generation each. */
export const REGION_SHIFT = 22;
export const REGIONS = 2 ** (32 - REGION_SHIFT);

/**
 * Runs the block in `slot` and the blocks its links lead to, until an exit
 * without a link, an exit request (ctl[0]), the icount budget (ic[1]), or an
 * exit numbered SLOT_EXITS or more. Returns the last block's slot | its exit
 * << 16, with bit 31 set when that exit's instructions were already added to
 * ic[0]. Writes each block's slot to layout.cur before running it.
 */
export type Dispatcher = (slot: number) => number;

export function createDispatcher(memory: WebAssembly.Memory, table: WebAssembly.Table, layout: WasmLayout, eipSlot: number, csBaseSlot: number, cplSlot: number): Dispatcher {
  const c = new Bytes();
  const SLOT = 0, E = 1, REC = 2, NEXT = 3, LIN = 4, JC = 5, TAG = 6, IC = 7; // IC: ic[0] as last stored (f64)
  const zero = () => c.byte(W.I32Const).s32(0);
  const ic0 = () => { zero(); c.byte(W.F64Load).u32(3).u32(layout.ic); };
  const ic1 = () => { zero(); c.byte(W.F64Load).u32(3).u32(layout.ic + 8); };
  const packed = (accounted: boolean) => {
    c.byte(W.LocalGet).u32(E).byte(W.I32Const).s32(16).byte(W.I32Shl).byte(W.LocalGet).u32(SLOT).byte(W.I32Or);
    if (accounted) c.byte(W.I32Const).s32(-0x80000000).byte(W.I32Or);
  };
  c.byte(W.Loop).byte(VOID);
  zero(); c.byte(W.LocalGet).u32(SLOT).byte(W.I32Store).u32(2).u32(layout.cur);
  c.byte(W.LocalGet).u32(SLOT).byte(W.CallIndirect).u32(0).u32(0).byte(W.LocalSet).u32(E);
  // An exit without a record: back to JavaScript, which adds its instructions.
  c.byte(W.LocalGet).u32(E).byte(W.I32Const).s32(SLOT_EXITS).byte(W.I32GeU).byte(W.If).byte(VOID);
  packed(false); c.byte(W.Return).byte(W.End);
  // REC = the byte offset of this exit's link word; ic[0] += retired.
  c.byte(W.LocalGet).u32(SLOT).byte(W.I32Const).s32(SLOT_BYTES).byte(W.I32Mul);
  c.byte(W.LocalGet).u32(E).byte(W.I32Const).s32(2).byte(W.I32Shl).byte(W.I32Add).byte(W.LocalSet).u32(REC);
  zero(); ic0(); c.byte(W.LocalGet).u32(REC).byte(W.I32Load).u32(2).u32(layout.slots + 4 * SlotWord.Retired);
  c.byte(W.F64ConvertI32S).byte(W.F64Add).byte(W.LocalTee).u32(IC).byte(W.F64Store).u32(3).u32(layout.ic);
  // Leave on an exit request or when the budget is spent.
  zero(); c.byte(W.I32Load).u32(2).u32(layout.ctl);
  c.byte(W.LocalGet).u32(IC); ic1(); c.byte(W.F64Ge).byte(W.I32Or).byte(W.If).byte(VOID);
  packed(true); c.byte(W.Return).byte(W.End);
  // The link if it holds (a computed exit's: EIP and CS base match), else the jump cache, else back to JavaScript.
  const nextWord = (w: SlotWord) => {
    c.byte(W.LocalGet).u32(NEXT).byte(W.I32Const).s32(SLOT_BYTES).byte(W.I32Mul).byte(W.I32Load).u32(2).u32(layout.slots + 4 * w);
  };
  const stateWord = (slot: number) => { zero(); c.byte(W.I32Load).u32(2).u32(layout.state + 4 * slot); };
  /** Pushes whether NEXT's EIP and CS base are the state's. */
  const nextFits = () => {
    stateWord(eipSlot); nextWord(SlotWord.Eip); c.byte(W.I32Eq);
    stateWord(csBaseSlot); nextWord(SlotWord.CsBase); c.byte(W.I32Eq).byte(W.I32And);
  };
  c.byte(W.Block).byte(VOID); // $linked: br 0 when NEXT holds a block to go to
  c.byte(W.LocalGet).u32(REC).byte(W.I32Load).u32(2).u32(layout.slots + 4 * SlotWord.Links).byte(W.LocalTee).u32(NEXT);
  c.byte(W.I32Const).s32(0).byte(W.I32GeS).byte(W.If).byte(VOID);
  //   a constant exit's link always holds
  c.byte(W.LocalGet).u32(SLOT).byte(W.I32Const).s32(SLOT_BYTES).byte(W.I32Mul).byte(W.I32Load).u32(2).u32(layout.slots + 4 * SlotWord.Dynamic);
  c.byte(W.LocalGet).u32(E).byte(W.I32ShrU).byte(W.I32Const).s32(1).byte(W.I32And).byte(W.I32Eqz).byte(W.BrIf).u32(1);
  nextFits(); c.byte(W.BrIf).u32(1);
  c.byte(W.End);
  //   the jump cache: entry (linear ^ linear >>> 12) & (entries - 1)
  stateWord(csBaseSlot); stateWord(eipSlot); c.byte(W.I32Add).byte(W.LocalTee).u32(LIN);
  c.byte(W.LocalGet).u32(LIN).byte(W.I32Const).s32(12).byte(W.I32ShrU).byte(W.I32Xor);
  c.byte(W.I32Const).s32(JUMP_CACHE_ENTRIES - 1).byte(W.I32And).byte(W.I32Const).s32(JUMP_CACHE_BYTES).byte(W.I32Mul).byte(W.LocalTee).u32(JC);
  c.byte(W.I32Load).u32(2).u32(layout.jcache + 4).byte(W.LocalTee).u32(NEXT);
  c.byte(W.I32Const).s32(0).byte(W.I32LtS).byte(W.If).byte(VOID); packed(true); c.byte(W.Return).byte(W.End);
  c.byte(W.LocalGet).u32(JC).byte(W.I32Load).u32(2).u32(layout.jcache).byte(W.LocalGet).u32(LIN).byte(W.I32Eq);
  c.byte(W.LocalGet).u32(JC).byte(W.I32Load).u32(2).u32(layout.jcache + 8).byte(W.LocalTee).u32(TAG);
  //   generation: all + the region's + (not global ? not-global's : 0)
  zero(); c.byte(W.I32Load).u32(2).u32(layout.jgen);
  c.byte(W.LocalGet).u32(LIN).byte(W.I32Const).s32(REGION_SHIFT).byte(W.I32ShrU).byte(W.I32Const).s32(2).byte(W.I32Shl);
  c.byte(W.I32Load).u32(2).u32(layout.regions).byte(W.I32Add);
  c.byte(W.I32Const).s32(0); zero(); c.byte(W.I32Load).u32(2).u32(layout.jgen + 4);
  c.byte(W.LocalGet).u32(TAG).byte(W.I32Const).s32(4).byte(W.I32And).byte(W.Select).byte(W.I32Add);
  c.byte(W.I32Const).s32(3).byte(W.I32Shl);
  c.byte(W.LocalGet).u32(TAG).byte(W.I32Const).s32(4).byte(W.I32And).byte(W.I32Or); stateWord(cplSlot); c.byte(W.I32Or);
  c.byte(W.I32Eq).byte(W.I32And);
  nextFits(); c.byte(W.I32And);
  nextWord(SlotWord.Mode);
  c.byte(W.LocalGet).u32(SLOT).byte(W.I32Const).s32(SLOT_BYTES).byte(W.I32Mul).byte(W.I32Load).u32(2).u32(layout.slots + 4 * SlotWord.Mode);
  c.byte(W.I32Eq).byte(W.I32And).byte(W.BrIf).u32(0);
  packed(true); c.byte(W.Return);
  c.byte(W.End);
  // The budget must have room for the next block (an invalidated one has none).
  ic1(); c.byte(W.LocalGet).u32(IC).byte(W.F64Sub);
  c.byte(W.LocalGet).u32(NEXT).byte(W.I32Const).s32(SLOT_BYTES).byte(W.I32Mul).byte(W.I32Load).u32(2).u32(layout.slots);
  c.byte(W.F64ConvertI32S).byte(W.F64Lt).byte(W.If).byte(VOID);
  packed(true); c.byte(W.Return).byte(W.End);
  c.byte(W.LocalGet).u32(NEXT).byte(W.LocalSet).u32(SLOT);
  c.byte(W.Br).u32(0);
  c.byte(W.End).byte(W.Unreachable).byte(W.End);

  const body = new Bytes().u32(2).u32(6).byte(ValType.I32).u32(1).byte(ValType.F64).append(c);
  const m = new Bytes();
  m.byte(0x00).byte(0x61).byte(0x73).byte(0x6d).byte(1).byte(0).byte(0).byte(0);
  // Type 0: a block () -> i32; type 1: the dispatcher (i32) -> i32.
  m.section(1, new Bytes().u32(2).byte(0x60).u32(0).u32(1).byte(ValType.I32).byte(0x60).u32(1).byte(ValType.I32).u32(1).byte(ValType.I32));
  const pages = memory.buffer.byteLength / 65536;
  const imp = new Bytes().u32(2);
  imp.name('m').name('memory').byte(0x02).byte(0x01).u32(pages).u32(pages);
  imp.name('m').name('table').byte(0x01).byte(0x70).byte(0x00).u32(table.length);
  m.section(2, imp);
  m.section(3, new Bytes().u32(1).u32(1));
  m.section(7, new Bytes().u32(1).name('run').byte(0x00).u32(0));
  m.section(10, new Bytes().u32(1).u32(body.length).append(body));
  const instance = new WebAssembly.Instance(new WebAssembly.Module(m.bytes()), { m: { memory, table } });
  return instance.exports.run as unknown as Dispatcher;
}
