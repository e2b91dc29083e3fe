// Links from a block's exit to a block on another linear page, kept by what
// would make them wrong: each depends on the target's linear page still
// mapping to the physical page the target block was made from, as a TLB
// entry would. So they are undone as the TLB entries they stand for would
// be dropped (SDM vol. 3, 4.10.4): INVLPG drops those into its 4 MiB
// region (the largest page that can hold the address), a CR3 load with
// CR4.PGE set drops those into pages that are not global, anything else
// (CR0, CR4, A20, a CR3 load without PGE, a task switch) drops all. A
// kernel patching its text maps a page of it elsewhere and INVLPGs it,
// thousands of times in a boot; its own text is global: the links between
// its functions stay.
import { type TranslationBlock } from './tb.js';
import { REGION_SHIFT } from '../backend-wasm/index.js';

/** Links kept before they are all undone (a computed exit relinked again and again grows its region's list). */
const MAX_LINKS = 1 << 16;

export class CrossLinks {
  /** Per 4 MiB region of the target, (block, exit) pairs: links into global pages, and the others. */
  private readonly global = new Map<number, Array<TranslationBlock | number>>();
  private readonly local = new Map<number, Array<TranslationBlock | number>>();
  private count = 0;

  /** `undo(tb, exit)` undoes one link. */
  constructor(private readonly undo: (tb: TranslationBlock, exit: number) => void) {}

  /** Exit `exit` of `tb` now leads to the block at linear address `target`, whose page is global or not. */
  add(tb: TranslationBlock, exit: number, target: number, global: boolean): void {
    if (this.count >= MAX_LINKS) this.undoAll();
    const byRegion = global ? this.global : this.local;
    const region = target >>> REGION_SHIFT;
    let list = byRegion.get(region);
    if (list === undefined) byRegion.set(region, (list = []));
    list.push(tb, exit);
    this.count++;
  }

  /** INVLPG of `linear`: the links into its region. */
  undoRegion(linear: number): void {
    const region = linear >>> REGION_SHIFT;
    this.undoList(this.global, region);
    this.undoList(this.local, region);
  }

  /** A CR3 load with global pages enabled. */
  undoNotGlobal(): void {
    for (const region of [...this.local.keys()]) this.undoList(this.local, region);
  }

  undoAll(): void {
    this.undoNotGlobal();
    for (const region of [...this.global.keys()]) this.undoList(this.global, region);
  }

  /** Forgets every link without undoing it (the blocks are being dropped). */
  clear(): void {
    this.global.clear();
    this.local.clear();
    this.count = 0;
  }

  private undoList(byRegion: Map<number, Array<TranslationBlock | number>>, region: number): void {
    const list = byRegion.get(region);
    if (list === undefined) return;
    byRegion.delete(region);
    for (let i = 0; i < list.length; i += 2) this.undo(list[i] as TranslationBlock, list[i + 1] as number);
    this.count -= list.length / 2;
  }
}
