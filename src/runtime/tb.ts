// Translation blocks and their cache. A block is keyed by the physical
// address of its first instruction and the translation mode; it remembers
// the CS base and EIP it was made for (its code has them built in) and the
// physical pages its code came from, so a write there invalidates it.
import { type BlockFunction } from '../backend-js/index.js';

/** Where linear code addresses map now (the memory's codePhys). */
export interface CodeMap { codePhys(linear: number): number }

export class TranslationBlock {
  valid = true;
  /** Chained successors per exit (filled lazily for constant-target exits). */
  links: Array<TranslationBlock | null>;
  /**
   * Runs left in the interpreter before the block is compiled
   * (runtime/exec.ts, tiering); 0 once compiled, or for a block that stays
   * interpreted (one cut short by the icount budget).
   */
  coldRuns = 0;
  /** In the cache (so on its pages' lists, invalidated by writes there). */
  cached = false;
  /** Its slot for chaining in WebAssembly (runtime/chain.ts), or -1. */
  slot = -1;
  /**
   * The exit through which its compiled code leaves before an instruction
   * whose memory access the TLB does not cover (backend-wasm, WasmBlock.missExit),
   * or -1; and how often it has lately (runtime/exec.ts).
   */
  missExit = -1;
  misses = 0;
  /** The icount of the first of the misses counted (runtime/exec.ts, MISS_WINDOW). */
  missesSince = 0;
  /** EIPs of its instructions after the first that its exits lead back to: loop heads when it is compiled (frontend-x86 loopTargets). */
  loopEips: readonly number[] = [];

  /** Cache key: physical address of the first instruction and translation mode (see blockKey). */
  readonly key: number;

  constructor(
    /** Translation mode (frontend-x86/mode.ts) the block was made for. */
    readonly mode: number,
    /** CS base and EIP the block was translated for. */
    readonly csBase: number,
    readonly eip: number,
    /** Runs the block; returns the exit it left through. (Replaced when an interpreted block is compiled.) */
    public fn: BlockFunction,
    /** 1 for an exit whose target is computed at run time (its link is checked against CS:EIP), 0 for a constant one. */
    public exitDynamic: Uint8Array,
    /** Instructions retired when leaving through each exit. */
    public exitRetired: Int32Array,
    /** EIP of each instruction (and one past the last). */
    readonly insnEips: number[],
    /** Physical pages holding the block's code. */
    readonly pages: number[],
    /** Physical address of the first instruction. */
    readonly physPc: number,
    /** Linear address of the block's last code byte (its second page, if any, is checked through it). */
    readonly lastByte: number,
    /**
     * Physical range [codeLow, codeEnd) holding all of the block's code when
     * it lies in one page (a write elsewhere in the page leaves the block be);
     * -1 when it crosses into a second page (any write to either invalidates it).
     */
    readonly codeLow = -1,
    readonly codeEnd = -1,
    /** For a block cut short by the icount budget: the most instructions it was made for (its key is then shortBlockKey's). */
    shortOf = 0,
  ) {
    this.key = shortOf > 0 ? shortBlockKey(physPc, mode, shortOf) : blockKey(physPc, mode);
    this.links = new Array(exitDynamic.length).fill(null);
  }

  /**
   * Swaps in another implementation of the same block (the compiled one for
   * the interpreted one): the guest exits (the first `guestExits`) keep their
   * numbers and links; the extra exits are the new implementation's.
   */
  replaceCode(fn: BlockFunction, exitDynamic: Uint8Array, exitRetired: Int32Array, guestExits: number, missExit: number): void {
    const links: Array<TranslationBlock | null> = new Array(exitDynamic.length).fill(null);
    for (let i = 0; i < guestExits; i++) links[i] = this.links[i];
    this.fn = fn;
    this.missExit = missExit;
    this.exitDynamic = exitDynamic;
    this.exitRetired = exitRetired;
    this.links = links;
  }

  get insnCount(): number { return this.insnEips.length - 1; }

  /** A block found by physical address fits when it was made for the same CS base, EIP and mode, and its second page still maps where it did. */
  fits(mem: CodeMap, csBase: number, eip: number, mode: number): boolean {
    return this.eip === eip && this.csBase === csBase && this.mode === mode && this.secondPageSame(mem);
  }

  /** Whether a translation made again of its code is the block's (the same instructions from the same pages). */
  sameCode(mem: CodeMap, tr: { insnEips: number[]; start: number }): boolean {
    return tr.insnEips.length === this.insnEips.length && tr.insnEips.every((e, i) => e === this.insnEips[i]) &&
      mem.codePhys(tr.start) === this.physPc && this.secondPageSame(mem);
  }

  private secondPageSame(mem: CodeMap): boolean {
    return this.pages.length === 1 || mem.codePhys(this.lastByte) >>> 12 === this.pages[1];
  }

  /** Does a write of `len` bytes at physical `phys` (within one page) touch this block's code? */
  codeOverlaps(phys: number, len: number): boolean {
    if (this.codeLow < 0) return this.pages.includes(phys >>> 12);
    return phys < this.codeEnd && this.codeLow < phys + len;
  }
}

/**
 * Writes to a page that touch none of its blocks before the page is dropped
 * whole (and left unwatched): a page that mixes code with busy data would
 * otherwise send every store to the slow path for good.
 */
const SPARSE_WRITE_LIMIT = 64;

/** Cache key: physical address and translation mode (mode < 1024). */
export function blockKey(phys: number, mode: number): number {
  return (phys >>> 0) * 1024 + mode;
}

/** Blocks per start address and mode: a full one, and one per instruction count the budget cut it to. */
const SHORT_KINDS = 256;

/**
 * Cache key of a block made from the same code with at most `maxInsns`
 * instructions because the icount budget had no room for the whole one
 * (negative: never a full block's key). A timer deadline falls anywhere in
 * a hot loop's block, so the same few short blocks come back again and again.
 */
export function shortBlockKey(phys: number, mode: number, maxInsns: number): number {
  return -(blockKey(phys, mode) * SHORT_KINDS + maxInsns) - 1;
}

/**
 * The block for translated code (its instructions' EIPs and its linear
 * range [start, end), lowest byte `low`): its physical pages, and its
 * physical range when all of it is in one page (codeOverlaps), as the
 * memory maps them now.
 */
export function blockFor(
  mem: CodeMap, mode: number, csBase: number, eip: number, fn: BlockFunction,
  exits: { exitDynamic: Uint8Array; exitRetired: Int32Array }, tr: { insnEips: number[]; start: number; end: number; low: number }, shortOf: number,
): TranslationBlock {
  const physPc = mem.codePhys(tr.start), last = (tr.end - 1) | 0;
  const lastPage = mem.codePhys(last) >>> 12;
  const pages = lastPage === physPc >>> 12 ? [lastPage] : [physPc >>> 12, lastPage];
  const onePage = pages.length === 1 && tr.low >>> 12 === last >>> 12;
  const codeLow = onePage ? mem.codePhys(tr.low) : -1;
  return new TranslationBlock(mode, csBase, eip, fn, exits.exitDynamic, exits.exitRetired, tr.insnEips, pages, physPc, last,
    codeLow, onePage ? codeLow + ((tr.end - tr.low) | 0) : -1, shortOf);
}

export class TbCache {
  private map = new Map<number, TranslationBlock>();
  private byPage = new Map<number, TranslationBlock[]>();
  /** Per page with blocks: writes so far that touched none of them (see SPARSE_WRITE_LIMIT). */
  private misses = new Map<number, number>();
  translated = 0;
  /** Times the whole cache was dropped (statistics). */
  flushes = 0;
  /** Called for each block dropped (invalidated, or flushed). */
  onDrop: (tb: TranslationBlock) => void = () => {};

  get(key: number): TranslationBlock | undefined { return this.map.get(key); }

  add(tb: TranslationBlock): void {
    this.map.set(tb.key, tb);
    tb.cached = true;
    this.translated++;
    for (const p of tb.pages) {
      let list = this.byPage.get(p);
      if (!list) this.byPage.set(p, (list = []));
      list.push(tb);
    }
  }

  /**
   * A guest write of `len` bytes at physical `phys` (within one page):
   * invalidates the blocks whose code it touches, as QEMU does (a kernel
   * patching one call site leaves the rest of the page's blocks be). True
   * when `running` was one of them.
   */
  invalidateWrite(phys: number, len: number, running: TranslationBlock | null): boolean {
    const page = phys >>> 12;
    const list = this.byPage.get(page);
    if (!list) return false;
    let hit = false, touched = false, kept = 0;
    for (const tb of list) {
      if (!tb.valid) continue;
      if (tb.codeOverlaps(phys, len)) {
        this.drop(tb);
        touched = true;
        if (tb === running) hit = true;
      } else {
        list[kept++] = tb;
      }
    }
    if (!touched) {
      const misses = (this.misses.get(page) ?? 0) + 1;
      if (misses > SPARSE_WRITE_LIMIT) return this.invalidatePage(page, running);
      this.misses.set(page, misses);
    }
    list.length = kept;
    if (kept === 0) {
      this.byPage.delete(page);
      this.misses.delete(page);
    }
    return hit;
  }

  /** Invalidates every block made from physical page `page`; true when `running` was one of them. */
  private invalidatePage(page: number, running: TranslationBlock | null): boolean {
    const list = this.byPage.get(page);
    if (!list) return false;
    this.byPage.delete(page);
    this.misses.delete(page);
    let hit = false;
    for (const tb of list) {
      if (!tb.valid) continue;
      this.drop(tb);
      if (tb === running) hit = true;
    }
    return hit;
  }

  private drop(tb: TranslationBlock): void {
    tb.valid = false;
    this.onDrop(tb);
    if (this.map.get(tb.key) === tb) this.map.delete(tb.key);
  }

  hasPage(page: number): boolean { return this.byPage.has(page); }

  flush(): void {
    this.flushes++;
    for (const tb of this.map.values()) {
      tb.valid = false;
      this.onDrop(tb);
    }
    this.map.clear();
    this.byPage.clear();
    this.misses.clear();
  }

  get size(): number { return this.map.size; }
}
