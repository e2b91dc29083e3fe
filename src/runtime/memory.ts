// Guest physical memory and the softmmu TLB.
//
// RAM is one range of the machine's arena (arena.ts) seen through 8/16/32-bit views. Generated code
// reaches it directly after an inline TLB probe (backend-js/emit.ts): entry
// i = (linear >>> 12) & TLB_MASK holds the page's tag (its linear base
// address, tagMask) for reads (tR) and for writes (tW), -1 for none, and the
// offset from linear to host index (tO). Anything the
// fast path does not cover comes here: TLB misses, unaligned and
// page-crossing accesses, MMIO, and writes to pages holding translated code.
import { TLB_BITS } from '../backend-js/index.js';
import { REGION_SHIFT } from '../backend-wasm/index.js';
import { Access, type PageWalker } from './paging.js';
import { ARENA, createArena } from './arena.js';
import { type WatchSpec } from './debug-regs.js';

export const PAGE_SIZE = 4096;

/** Which linear-to-physical mappings may have changed (Memory.mappingChanged). */
export const enum MappingScope { All, NotGlobal, Region }
const TLB_SIZE = 1 << TLB_BITS;

export interface MmioRegion {
  start: number;
  end: number;
  read(addr: number, size: number): number;
  write(addr: number, size: number, value: number): void;
}

export class Memory {
  /** The arena: CPU state, TLB and RAM (arena.ts). */
  readonly arena: WebAssembly.Memory;
  readonly m8: Uint8Array;
  readonly i8: Int8Array;
  readonly m16: Uint16Array;
  readonly i16: Int16Array;
  readonly m32: Int32Array;
  readonly tR: Int32Array;
  readonly tW: Int32Array;
  readonly tO: Int32Array;
  /** Per TLB entry: 1 when its page is global (see codeGlobal). */
  private readonly tG = new Uint8Array(TLB_SIZE);
  /** The entries filled for pages that are not global since the TLB last lost them all (a CR3 load drops just these); past TLB_SIZE, unknown. */
  private readonly notGlobalFilled = new Int32Array(TLB_SIZE);
  private notGlobalCount = 0;
  /** Per 4 MiB region: 1 when an entry may hold part of a large page there (INVLPG must then drop the whole region). */
  private readonly largeRegions = new Uint8Array(1 << (32 - REGION_SHIFT));
  /** Per physical page: 1 when translated code was made from it. */
  readonly codePages: Uint8Array;
  private mmio: MmioRegion[] = [];
  /** Watchpoints (linear ranges: a debugger's, and the guest's data breakpoints); their pages never enter the TLB, so every access to them comes here. */
  private watches: WatchSpec[] = [];
  private watchedPages = new Set<number>();
  /** Called when an access touches a watchpoint (the executor stops after the instruction). */
  onWatchHit: (kind: 'read' | 'write', linear: number, tag: number) => void = () => {};

  /** Replaces the set of watchpoints. */
  setWatchpoints(list: WatchSpec[]): void {
    this.watches = list.map((w) => ({ ...w, linear: w.linear >>> 0 }));
    this.watchedPages.clear();
    for (const w of this.watches) {
      for (let p = w.linear >>> 12; p <= (w.linear + w.len - 1) >>> 12; p++) this.watchedPages.add(p);
    }
    this.flushTlb();
  }

  /** True when a watchpoint's page overlaps [linear, linear + bytes): bulk copies must then go access by access. */
  watchedRange(linear: number, bytes: number): boolean {
    if (this.watchedPages.size === 0) return false;
    for (let p = linear >>> 12; p <= ((linear + bytes - 1) >>> 12); p++) if (this.watchedPages.has(p)) return true;
    return false;
  }

  private checkWatch(linear: number, size: number, write: boolean): void {
    const a = linear >>> 0;
    for (const w of this.watches) {
      if ((write ? w.write : w.read) && a < w.linear + w.len && w.linear < a + size) this.onWatchHit(write ? 'write' : 'read', w.linear, w.tag);
    }
  }

  /** Per physical page: 1 when written since dirty tracking last started (null: not tracking). */
  dirty: Uint8Array | null = null;
  /** Called before a write of `len` bytes at physical `phys` (within one page) to a code page; true when the block now running was invalidated. */
  onCodeWrite: (phys: number, len: number) => boolean = () => false;

  constructor(readonly size: number) {
    this.arena = createArena(size);
    const buf = this.arena.buffer;
    this.m8 = new Uint8Array(buf, ARENA.ram, size);
    this.i8 = new Int8Array(buf, ARENA.ram, size);
    this.m16 = new Uint16Array(buf, ARENA.ram, size / 2);
    this.i16 = new Int16Array(buf, ARENA.ram, size / 2);
    this.m32 = new Int32Array(buf, ARENA.ram, size / 4);
    this.tR = new Int32Array(buf, ARENA.tlbR, TLB_SIZE).fill(-1);
    this.tW = new Int32Array(buf, ARENA.tlbW, TLB_SIZE).fill(-1);
    this.tO = new Int32Array(buf, ARENA.tlbO, TLB_SIZE);
    this.codePages = new Uint8Array(size / PAGE_SIZE);
  }

  addMmio(region: MmioRegion): void { this.mmio.push(region); }

  /** Per RAM page: 1 where a ROM is mapped over RAM (reads see the ROM's bytes, writes are dropped). */
  private romPages: Uint8Array | null = null;

  /** Maps read-only memory over RAM at `phys` (page-aligned): its bytes are readable at full speed, writes are ignored. */
  addRom(phys: number, bytes: Uint8Array): void {
    this.romPages ??= new Uint8Array(this.codePages.length);
    this.m8.set(bytes, phys);
    for (let p = phys >>> 12; p < (phys + bytes.length) >>> 12; p++) this.romPages[p] = 1;
    this.flushTlb();
  }

  /** Address bit 20 forced to 0 when the A20 gate is off (the PC's 8086 wrap-around; the machine drives it). */
  private a20Mask = -1;

  get a20(): boolean { return this.a20Mask === -1; }

  set a20(on: boolean) {
    const mask = on ? -1 : ~0x100000;
    if (mask === this.a20Mask) return;
    this.a20Mask = mask;
    this.mappingChanged();
  }

  /**
   * Starts (or restarts) tracking which pages are written: every page is
   * clean, and the fast path loses its write entries, so the first write to
   * each page goes through writePhys, which marks it. Returns the pages
   * dirtied since the previous call (empty the first time).
   */
  collectDirtyPages(): number[] {
    const pages: number[] = [];
    if (this.dirty === null) this.dirty = new Uint8Array(this.codePages.length);
    else {
      const d = this.dirty;
      for (let p = 0; p < d.length; p++) if (d[p]) pages.push(p);
      d.fill(0);
    }
    this.tW.fill(-1);
    return pages;
  }

  /** Marks a physical range written by a host-side bulk operation (string ops, loaders, snapshot loads). */
  markDirty(phys: number, bytes: number): void {
    if (this.dirty === null || bytes <= 0) return;
    for (let p = phys >>> 12; p <= (phys + bytes - 1) >>> 12 && p < this.dirty.length; p++) this.dirty[p] = 1;
  }

  flushTlb(): void {
    this.tR.fill(-1);
    this.tW.fill(-1);
    this.notGlobalCount = 0;
    this.largeRegions.fill(0);
  }

  /** Called when linear-to-physical mappings may have changed (paging registers, INVLPG, A20), after the TLB is flushed. */
  onMappingChange: (scope: MappingScope, linear: number) => void = () => {};

  /**
   * Linear addresses may now map elsewhere: drops the TLB and tells the
   * executor (whose links between pages depend on it) which: all, those of
   * pages that are not global (a CR3 load with CR4.PGE set), or those in
   * the 4 MiB region of `linear` (INVLPG).
   */
  mappingChanged(scope = MappingScope.All, linear = 0): void {
    if (scope === MappingScope.All) this.flushTlb();
    else this.dropTlbEntries(scope, linear);
    this.onMappingChange(scope, linear);
  }

  /**
   * Drops the TLB entries of pages that are not global (a CR3 load with
   * CR4.PGE), or those INVLPG of `linear` must drop (its page's; all of
   * its 4 MiB region when a large page may be cached there), and keeps the
   * others, as a CPU's TLB does (SDM vol. 3, 4.10.4.1). A kernel patching
   * its text makes tens of thousands of INVLPGs and switches address spaces
   * thousands of times while it boots; each used to empty the TLB, kernel
   * pages included. Both visit only entries that can be concerned.
   */
  private dropTlbEntries(scope: MappingScope, linear: number): void {
    const { tR, tW, tG } = this;
    if (scope === MappingScope.NotGlobal) {
      const n = this.notGlobalCount;
      if (n > TLB_SIZE) {
        for (let i = 0; i < TLB_SIZE; i++) if (tG[i] === 0) { tR[i] = -1; tW[i] = -1; }
      } else {
        const filled = this.notGlobalFilled;
        for (let k = 0; k < n; k++) { const i = filled[k]; if (tG[i] === 0) { tR[i] = -1; tW[i] = -1; } }
      }
      this.notGlobalCount = 0;
      return;
    }
    const region = linear >>> REGION_SHIFT;
    if (this.largeRegions[region] === 0) {
      const tag = linear & -4096, i = (linear >>> 12) & (TLB_SIZE - 1);
      if (tR[i] === tag) tR[i] = -1;
      if (tW[i] === tag) tW[i] = -1;
      return;
    }
    // The region's pages are consecutive page numbers: as many consecutive entries.
    const pages = 1 << (REGION_SHIFT - 12), first = (region * pages) & (TLB_SIZE - 1);
    for (let k = 0; k < pages; k++) {
      const i = (first + k) & (TLB_SIZE - 1);
      if (tR[i] >>> REGION_SHIFT === region) tR[i] = -1;
      if (tW[i] >>> REGION_SHIFT === region) tW[i] = -1;
    }
    this.largeRegions[region] = 0;
  }

  /** Whether the code page at `linear` is global, as its TLB entry says (after codePhys filled it); false without paging. */
  codeGlobal(linear: number): boolean {
    const i = (linear >>> 12) & (TLB_SIZE - 1);
    return this.walker !== null && this.tR[i] === (linear & -4096) && this.tG[i] === 1;
  }

  /** Drops the write entries that map physical page `page` (it now holds code). */
  protectCodePage(page: number): void {
    if (this.codePages[page]) return;
    this.codePages[page] = 1;
    const { tW, tO } = this;
    for (let i = 0; i < TLB_SIZE; i++) {
      if (tW[i] !== -1 && ((tW[i] + tO[i]) >>> 12) === page) tW[i] = -1;
    }
  }

  unprotectCodePage(page: number): void { this.codePages[page] = 0; }

  /** The page walker, when CR0.PG is set (runtime/paging.ts). */
  walker: PageWalker | null = null;

  /** Linear to physical for an access; throws #PF when paging refuses it. */
  translate(linear: number, access: Access = Access.Read, insn = -1): number {
    return ((this.walker === null ? linear : this.walker.walk(linear, access, insn)) & this.a20Mask) >>> 0;
  }

  /** Physical address of code at a linear address, for translation and block lookup (may throw #PF). */
  codePhys(linear: number): number {
    if (this.walker === null) return (linear & this.a20Mask) >>> 0;
    const i = (linear >>> 12) & (TLB_SIZE - 1);
    if (this.tR[i] === (linear & -4096)) return ((linear + this.tO[i]) | 0) >>> 0;
    const phys = (this.walker.walk(linear, Access.Fetch, -1) & this.a20Mask) >>> 0;
    this.fill(linear, phys);
    return phys;
  }

  fetchCode(linear: number): number { return this.readPhys(this.codePhys(linear), 1); }

  private mmioAt(phys: number): MmioRegion | undefined {
    for (const r of this.mmio) if (phys >= r.start && phys < r.end) return r;
    return undefined;
  }

  private fill(linear: number, phys: number): void {
    if (phys >= this.size) return;
    if (this.watchedPages.size !== 0 && this.watchedPages.has(linear >>> 12)) return;
    if (this.walker !== null && !this.walker.cacheable) return; // supervisor permissions checked at CPL 3
    const tag = linear & -4096;
    const i = (linear >>> 12) & (TLB_SIZE - 1);
    this.tR[i] = tag;
    this.tO[i] = ((phys & ~0xfff) - tag) | 0;
    const global = this.walker !== null && this.walker.global;
    this.tG[i] = global ? 1 : 0;
    if (!global) {
      if (this.notGlobalCount < TLB_SIZE) this.notGlobalFilled[this.notGlobalCount] = i;
      this.notGlobalCount++;
    }
    if (this.walker !== null && this.walker.large) this.largeRegions[linear >>> REGION_SHIFT] = 1;
    const writable = this.walker === null || this.walker.writable;
    const page = phys >>> 12;
    // While dirty pages are tracked, only a page already marked dirty may be written on the fast path.
    this.tW[i] = writable && !this.codePages[page] && (this.dirty === null || this.dirty[page] !== 0) && (this.romPages === null || !this.romPages[page]) ? tag : -1;
  }

  // ---- slow paths called by generated code (insn = instruction number, for faults) ----

  readonly ld1 = (a: number, insn: number): number => this.load(a, 1, insn);
  readonly ld2 = (a: number, insn: number): number => {
    if ((a & 0xfff) === 0xfff) return this.ld1(a, insn) | (this.ld1((a + 1) | 0, insn) << 8);
    return this.load(a, 2, insn);
  };
  readonly ld4 = (a: number, insn: number): number => {
    if ((a & 0xfff) > 0xffc) {
      // Byte by byte in address order, so a fault reports the first byte of the missing page in CR2.
      let v = 0;
      for (let k = 0; k < 4; k++) v |= this.ld1((a + k) | 0, insn) << (8 * k);
      return v;
    }
    return this.load(a, 4, insn);
  };
  readonly st1 = (a: number, v: number, insn: number): number => this.store(a, 1, v, insn);
  readonly st2 = (a: number, v: number, insn: number): number => {
    if ((a & 0xfff) === 0xfff) {
      this.probeWrite((a + 1) | 0, insn); // both pages must be writable before any byte is written
      return this.st1(a, v, insn) | this.st1((a + 1) | 0, v >>> 8, insn);
    }
    return this.store(a, 2, v, insn);
  };
  readonly st4 = (a: number, v: number, insn: number): number => {
    if ((a & 0xfff) > 0xffc) {
      this.probeWrite(a, insn);
      this.probeWrite((a + 3) & ~0xfff, insn);
      let hit = 0;
      for (let k = 0; k < 4; k++) hit |= this.st1((a + k) | 0, v >>> (8 * k), insn);
      return hit;
    }
    return this.store(a, 4, v, insn);
  };

  private load(linear: number, size: number, insn: number): number {
    const phys = this.translate(linear, Access.Read, insn);
    if (this.watches.length !== 0) this.checkWatch(linear, size, false);
    this.fill(linear, phys);
    return this.readPhys(phys, size);
  }

  private store(linear: number, size: number, v: number, insn: number): number {
    const phys = this.translate(linear, Access.Write, insn);
    if (this.watches.length !== 0) this.checkWatch(linear, size, true);
    const hit = this.writePhys(phys, size, v);
    this.fill(linear, phys);
    return hit;
  }

  private probeWrite(linear: number, insn: number): void {
    if (this.walker !== null) this.walker.walk(linear, Access.Write, insn);
  }

  /** Reads `size` bytes at a physical address (within one page). */
  readPhys(phys: number, size: number): number {
    if (phys + size <= this.size) {
      const m = this.m8;
      if (size === 1) return m[phys];
      if (size === 2) return m[phys] | (m[phys + 1] << 8);
      return m[phys] | (m[phys + 1] << 8) | (m[phys + 2] << 16) | (m[phys + 3] << 24);
    }
    const r = this.mmioAt(phys);
    if (r) return r.read(phys, size);
    return size === 4 ? -1 : size === 2 ? 0xffff : 0xff; // open bus
  }

  /** Writes `size` bytes at a physical address (within one page). Returns 1 when the running block was invalidated. */
  writePhys(phys: number, size: number, v: number): number {
    if (phys + size <= this.size) {
      if (this.romPages !== null && this.romPages[phys >>> 12]) return 0;
      let hit = 0;
      if (this.dirty !== null) this.dirty[phys >>> 12] = 1;
      if (this.codePages[phys >>> 12] && this.onCodeWrite(phys, size)) hit = 1;
      const m = this.m8;
      m[phys] = v;
      if (size >= 2) m[phys + 1] = v >>> 8;
      if (size === 4) { m[phys + 2] = v >>> 16; m[phys + 3] = v >>> 24; }
      return hit;
    }
    const r = this.mmioAt(phys);
    if (r) r.write(phys, size, v);
    return 0;
  }

  // ---- host-side access (loaders, helpers, debugger): physical, no TLB ----

  read8(phys: number): number { return phys < this.size ? this.m8[phys] : 0xff; }
  read16(phys: number): number { return this.read8(phys) | (this.read8(phys + 1) << 8); }
  read32(phys: number): number { return this.read16(phys) | (this.read16(phys + 2) << 16); }
  write8(phys: number, v: number): void { this.writePhys(phys >>> 0, 1, v); }
  write16(phys: number, v: number): void { this.write8(phys, v); this.write8(phys + 1, v >>> 8); }
  write32(phys: number, v: number): void { this.write16(phys, v); this.write16(phys + 2, v >>> 16); }
}
