// The runtime's side of chaining compiled blocks inside WebAssembly
// (backend-wasm/dispatch.ts): gives each wasm block a slot (its table entry
// and memory record), mirrors the executor's links between wasm blocks into
// the records (a computed exit's link too: the dispatcher checks EIP and the
// CS base before following it), and marks a slot dead when its block is invalidated. A slot
// is never reused before flush(), so a stale link can only lead to a dead
// slot, which the dispatcher never enters.
import { createDispatcher, type Dispatcher, type WasmLayout, SLOT_BYTES, SLOT_EXITS, SLOT_INVALID, SlotWord, JUMP_CACHE_ENTRIES, JUMP_CACHE_BYTES, REGION_SHIFT, REGIONS } from '../backend-wasm/index.js';
import { type TranslationBlock } from './tb.js';
import { MappingScope } from './memory.js';

const WORDS = SLOT_BYTES / 4;
/** Each jump cache generation counter stays below this (their sum, shifted left by 3, must fit in 32 bits). */
const GENERATIONS = 1 << 26;

export class WasmChain {
  readonly run: Dispatcher;
  private readonly table: WebAssembly.Table;
  private readonly words: Int32Array;
  private readonly cur: Int32Array;
  /** The jump cache: [linear, slot, generation << 3 | global << 2 | CPL] per entry; the generations (dispatch.ts). */
  private readonly jc: Int32Array;
  /** [all entries, entries of pages that are not global] */
  private readonly jgen: Int32Array;
  private readonly regionGen: Int32Array;
  private blocks: TranslationBlock[] = [];
  /**
   * The block running when the cache was last flushed (a helper it calls may flush it; the dispatcher
   * stops after that block, since a flush requests an exit).
   */
  private runningAtFlush: TranslationBlock | undefined;

  constructor(memory: WebAssembly.Memory, layout: WasmLayout, private readonly maxSlots: number, eipSlot: number, csBaseSlot: number, cplSlot: number) {
    this.table = new WebAssembly.Table({ element: 'anyfunc', initial: maxSlots, maximum: maxSlots });
    this.words = new Int32Array(memory.buffer, layout.slots, maxSlots * WORDS);
    this.cur = new Int32Array(memory.buffer, layout.cur, 1);
    this.jc = new Int32Array(memory.buffer, layout.jcache, (JUMP_CACHE_ENTRIES * JUMP_CACHE_BYTES) / 4);
    this.jgen = new Int32Array(memory.buffer, layout.jgen, 2);
    this.regionGen = new Int32Array(memory.buffer, layout.regions, REGIONS);
    this.clearJumpCache();
    this.run = createDispatcher(memory, this.table, layout, eipSlot, csBaseSlot, cplSlot);
  }

  /** A lookup of the executor found `tb` at `linear` under the current mappings, at this CPL; its page is global or not. */
  remember(linear: number, tb: TranslationBlock, cpl: number, global: boolean): void {
    if (tb.slot < 0) return;
    const e = ((linear ^ (linear >>> 12)) & (JUMP_CACHE_ENTRIES - 1)) * (JUMP_CACHE_BYTES / 4);
    const generation = this.jgen[0] + this.regionGen[linear >>> REGION_SHIFT] + (global ? 0 : this.jgen[1]);
    this.jc[e] = linear;
    this.jc[e + 1] = tb.slot;
    this.jc[e + 2] = (generation << 3) | (global ? 4 : 0) | cpl;
  }

  /**
   * Linear addresses may map elsewhere now: the entries `scope` covers
   * (Memory.mappingChanged) are of an older generation from here on.
   */
  forgetMappings(scope: MappingScope = MappingScope.All, linear = 0): void {
    const counters = scope === MappingScope.Region ? this.regionGen : this.jgen;
    const i = scope === MappingScope.Region ? linear >>> REGION_SHIFT : scope === MappingScope.NotGlobal ? 1 : 0;
    if (counters[i] === GENERATIONS - 1) this.clearJumpCache();
    else counters[i]++;
  }

  private clearJumpCache(): void {
    for (let e = 0; e < this.jc.length; e += JUMP_CACHE_BYTES / 4) this.jc[e + 1] = -1;
    this.jgen.fill(0);
    this.regionGen.fill(0);
  }

  /** Gives a block just compiled to wasm a slot (none when all are taken: it then runs without chaining). */
  assign(tb: TranslationBlock): void {
    const slot = this.blocks.length;
    if (slot >= this.maxSlots) return;
    this.blocks.push(tb);
    tb.slot = slot;
    this.write(tb);
  }

  /** A block with a slot has new code (runtime/block-compiler.ts, recompileInline). */
  refresh(tb: TranslationBlock): void {
    if (tb.slot >= 0) this.write(tb);
  }

  /** The slot's table entry and record, its links those of the executor (to blocks with a slot). */
  private write(tb: TranslationBlock): void {
    const slot = tb.slot;
    this.table.set(slot, tb.fn as unknown as () => number);
    const w = slot * WORDS, words = this.words;
    words[w + SlotWord.Insns] = tb.insnCount;
    words[w + SlotWord.Eip] = tb.eip;
    words[w + SlotWord.CsBase] = tb.csBase;
    let dynamic = 0;
    for (let e = 0; e < SLOT_EXITS; e++) {
      const to = e < tb.links.length ? tb.links[e] : null;
      words[w + SlotWord.Links + e] = to !== null && to.slot >= 0 ? to.slot : -1;
      words[w + SlotWord.Retired + e] = e < tb.exitRetired.length ? tb.exitRetired[e] : 0;
      if (e < tb.exitDynamic.length && tb.exitDynamic[e] !== 0) dynamic |= 1 << e;
    }
    words[w + SlotWord.Dynamic] = dynamic;
    words[w + SlotWord.Mode] = tb.mode;
  }

  /** Mirrors a link of the executor's from one wasm block to another. */
  link(from: TranslationBlock, exit: number, to: TranslationBlock): void {
    if (from.slot >= 0 && to.slot >= 0 && exit < SLOT_EXITS) this.words[from.slot * WORDS + SlotWord.Links + exit] = to.slot;
  }

  unlink(from: TranslationBlock, exit: number): void {
    if (from.slot >= 0 && exit < SLOT_EXITS) this.words[from.slot * WORDS + SlotWord.Links + exit] = -1;
  }

  invalidate(tb: TranslationBlock): void {
    if (tb.slot >= 0) this.words[tb.slot * WORDS + SlotWord.Insns] = SLOT_INVALID;
  }

  /** The block in a slot (after the dispatcher returned or threw: the last one it ran). */
  block(slot: number): TranslationBlock { return this.blocks[slot]; }

  /** The block the dispatcher is running (or ran last). */
  get running(): TranslationBlock { return this.blocks[this.cur[0]] ?? this.runningAtFlush!; }

  /** Forgets every slot (the translation cache was flushed). */
  flush(): void {
    this.forgetMappings();
    for (let slot = 0; slot < this.blocks.length; slot++) {
      this.table.set(slot, null);
      this.blocks[slot].slot = -1;
    }
    this.runningAtFlush = this.blocks[this.cur[0]];
    this.blocks = [];
  }
}
