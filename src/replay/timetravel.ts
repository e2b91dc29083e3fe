// Time travel through a replay (DESIGN.md, "Snapshots" and "Reverse
// debugging"): the library under the gdbstub's reverse execution and the
// monitor's replay-seek / replay-break. The replay runs forward under a
// Replayer and takes an in-memory, incremental snapshot every K instructions;
// going to any icount of the recording, in either direction, restores the
// newest snapshot at or before it and replays forward from there, so a seek
// re-executes at most K instructions.
//
// A snapshot is the machine's state but RAM (Machine.saveCore), the log
// position, and the content, as of the snapshot, of the 4 KiB pages written
// since the previous snapshot (Memory.collectDirtyPages; a page written back
// to what it held is not kept). The first snapshot, at icount 0, keeps every
// non-zero page. Each page has a list of versions ordered by icount: its
// content as of snapshot S is its newest version at or before S, or zeros
// when it has none.
//
// The current RAM is always "the RAM of the base snapshot B, plus the pages
// written since B was taken or restored". Restoring snapshot S therefore
// rewrites only the pages that can differ: those written since B, and those
// kept by the snapshots between B and S. Nothing copies the whole RAM.
//
// Memory policy: K starts at `interval` (default 2^24). When the snapshots'
// bytes exceed the budget, K doubles and every snapshot not at a multiple of
// the new K is dropped, except the first and the newest; that halves their
// number while every gap between neighbours stays <= K. A dropped snapshot's
// page versions pass to the next snapshot when that one does not keep the
// page itself (the page held the same content then), and are freed otherwise.
// The floor is the first snapshot (the non-zero initial RAM) plus one version
// of every page written since, at most twice the RAM; a budget below that
// cannot be met, and K then keeps doubling. The default budget, twice the RAM
// plus 256 MiB and at least 512 MiB, stays clear of it.
//
// TimeTravel owns the machine's dirty-page tracking (nobody else may call
// collectDirtyPages while it lives) and the machine's state: the caller reads
// it between calls but must not change it (a register write would be replayed
// from; memory writes are tracked, so a seek undoes them).
import { type Machine, type MachineCore, type MachineStop, UserError } from '../devices/index.js';
import { type ParsedLog, EventType } from './log.js';
import { Replayer } from './replayer.js';

/** Memory's page: the unit of dirty tracking (runtime PAGE_SIZE). */
const PAGE = 4096;
/** Instructions between snapshots before the memory budget makes it grow. */
export const DEFAULT_SNAPSHOT_INTERVAL = 1 << 24;
const MiB = 1024 * 1024;

export interface TimeTravelOptions {
  /** Instructions between snapshots to start with (K); it doubles when the budget is exceeded. Default 2^24. */
  interval?: number;
  /** Bytes the snapshots may hold (page contents plus machine states). Default: twice the RAM plus 256 MiB, at least 512 MiB. */
  memoryBudgetBytes?: number;
}

/** Why a seek or continue stopped where it did. */
export type TravelStop =
  | { kind: 'reached' } // at the icount asked for
  | { kind: 'breakpoint' } // at a replay breakpoint, or a debugger breakpoint (Executor.setBreakpoint) stopped a forward replay
  | { kind: 'watchpoint' } // a debugger watchpoint (Executor.setWatchpoints) stopped a forward replay, just after the accessing instruction (Executor.watchHit)
  | { kind: 'history-start' } // went backwards to icount 0 without meeting a breakpoint: history ends here
  | { kind: 'end'; stop: MachineStop | null; truncated: boolean } // the end of the recording (stop: how the guest ended, if it did; truncated: the log was cut short)
  | { kind: 'diverged'; what: string }; // the replay left the recording at `icount`; the state there is not the recorded one

export interface TravelResult {
  stop: TravelStop;
  /** The machine's icount now. */
  icount: number;
  /** Instructions replayed to get here (from the restored snapshot, or from where the machine was). */
  replayed: number;
  /** The icount of the snapshot restored, or null when the replay went on from the current state. */
  restoredFrom: number | null;
}

export interface TimeTravelInfo {
  icount: number;
  /** The icount of the recording's last event (its end). */
  length: number;
  snapshots: number;
  /** Bytes held by the snapshots: page contents plus an estimate of the machine states. */
  snapshotBytes: number;
  /** K: instructions between snapshots now. */
  interval: number;
  budgetBytes: number;
  /** Bytes allocated for page contents (snapshotBytes' pages plus free slots kept for reuse). */
  reservedBytes: number;
  /** The icount of the newest snapshot: seeks before it replay at most K instructions. */
  frontier: number;
}

interface Snapshot {
  icount: number;
  core: MachineCore;
  /** Replayer.position: the next log event. */
  position: number;
  /** The pages whose content as of this snapshot is kept with it (written since the previous snapshot). */
  pages: number[];
  coreBytes: number;
}

/** A page's kept contents, oldest first: the icount of the snapshot each is "as of", and its slot in the PageStore. */
interface PageVersions {
  icounts: number[];
  slots: number[];
}

const SLAB_PAGES = 256;

/** Page contents in 1 MiB slabs with a free list: no allocation per page, nothing for the GC to trace. */
class PageStore {
  private readonly slabs: Buffer[] = [];
  private readonly free: number[] = [];
  used = 0;

  get reservedBytes(): number { return this.slabs.length * SLAB_PAGES * PAGE; }

  alloc(): number {
    if (this.free.length === 0) {
      const first = this.slabs.length * SLAB_PAGES;
      this.slabs.push(Buffer.alloc(SLAB_PAGES * PAGE));
      for (let k = SLAB_PAGES - 1; k >= 0; k--) this.free.push(first + k);
    }
    this.used++;
    return this.free.pop()!;
  }

  release(slot: number): void {
    this.free.push(slot);
    this.used--;
  }

  private view(slot: number): Buffer {
    const off = (slot % SLAB_PAGES) * PAGE;
    return this.slabs[Math.floor(slot / SLAB_PAGES)].subarray(off, off + PAGE);
  }

  save(slot: number, ram: Buffer, page: number): void { ram.copy(this.slabs[Math.floor(slot / SLAB_PAGES)], (slot % SLAB_PAGES) * PAGE, page * PAGE, page * PAGE + PAGE); }
  restore(slot: number, ram: Buffer, page: number): void { this.view(slot).copy(ram, page * PAGE); }
  equals(slot: number, ram: Buffer, page: number): boolean { return this.view(slot).equals(ram.subarray(page * PAGE, page * PAGE + PAGE)); }
}

const ZERO_PAGE = Buffer.alloc(PAGE);
const isZeroPage = (ram: Buffer, page: number) => ZERO_PAGE.equals(ram.subarray(page * PAGE, page * PAGE + PAGE));

/** Index of the last element <= x in an ascending array (-1 if none). */
function lastAtOrBefore(xs: readonly number[], x: number): number {
  let lo = 0, hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

export class TimeTravel {
  private replayer: Replayer;
  private readonly ram: Buffer;
  private readonly store = new PageStore();
  private readonly versions: Array<PageVersions | undefined>;
  /** Scratch: one byte per page, all zero between uses. */
  private readonly mark: Uint8Array;
  private snapshots: Snapshot[] = [];
  private coreBytes = 0;
  /** The snapshot the current RAM derives from (see the header); never dropped while it is the base. */
  private base: Snapshot;
  private k: number;
  private readonly budget: number;
  private readonly bps = new Set<number>();
  /** False after a divergence or an exception: the state cannot be replayed from, the next seek restores. */
  private valid = true;
  /** Set while the machine is at the end of the recording (the replayer has nothing more to apply). */
  private endStop: TravelStop | null = null;
  /** The icount of the recording's last event. */
  readonly length: number;
  private readonly complete: boolean;

  constructor(readonly machine: Machine, readonly log: ParsedLog, opts: TimeTravelOptions = {}) {
    const mem = machine.mem;
    if (machine.cpu.icount !== 0) throw new Error(`TimeTravel: the machine must be at the start of the replay (icount 0), not ${machine.cpu.icount}`);
    const k = opts.interval ?? DEFAULT_SNAPSHOT_INTERVAL;
    if (!Number.isSafeInteger(k) || k < 1) throw new UserError(`snapshot interval: ${k} is not a whole number of instructions >= 1`);
    const budget = opts.memoryBudgetBytes ?? Math.max(512 * MiB, 2 * mem.size + 256 * MiB);
    if (!(budget > 0)) throw new UserError(`snapshot memory budget: ${budget} is not a positive number of bytes`);
    this.k = k;
    this.budget = budget;
    const events = log.events;
    this.length = events.length ? events[events.length - 1].icount : 0;
    this.complete = !log.truncated && events[events.length - 1]?.type === EventType.End;
    this.ram = Buffer.from(mem.m8.buffer, mem.m8.byteOffset, mem.size);
    const pageCount = mem.size / PAGE;
    this.versions = new Array<PageVersions | undefined>(pageCount).fill(undefined);
    this.mark = new Uint8Array(pageCount);
    this.replayer = new Replayer(machine, log);

    // The first snapshot: every non-zero page, and dirty tracking from here on.
    mem.collectDirtyPages();
    const pages: number[] = [];
    for (let p = 0; p < pageCount; p++) {
      if (isZeroPage(this.ram, p)) continue;
      this.addVersion(p, 0);
      pages.push(p);
    }
    this.base = this.push(0, pages);
  }

  /** The machine's icount now. */
  get icount(): number { return this.machine.cpu.icount; }

  /** The icounts of the snapshots held now, ascending (the first is 0). */
  get snapshotIcounts(): number[] { return this.snapshots.map((snap) => snap.icount); }

  /** Replay breakpoints, ascending. */
  get breakpoints(): number[] { return [...this.bps].sort((a, b) => a - b); }

  addBreakpoint(icount: number): void { this.bps.add(checkIcount(icount, 'breakpoint')); }

  /** Returns whether there was one. */
  removeBreakpoint(icount: number): boolean { return this.bps.delete(icount); }

  info(): TimeTravelInfo {
    return {
      icount: this.machine.cpu.icount,
      length: this.length,
      snapshots: this.snapshots.length,
      snapshotBytes: this.bytes(),
      interval: this.k,
      budgetBytes: this.budget,
      reservedBytes: this.store.reservedBytes,
      frontier: this.snapshots[this.snapshots.length - 1].icount,
    };
  }

  /**
   * Goes to `icount` (0 .. length; beyond that, Infinity included, to the end of the recording),
   * in either direction. The machine is then in exactly the state a plain
   * replay stopped there with Replayer.run({ until: icount }) is in (at the
   * end: the state at the log's End event).
   */
  seek(icount: number): TravelResult {
    if (icount !== Infinity) checkIcount(icount, 'seek');
    const cpu = this.machine.cpu;
    const toEnd = icount >= this.length;
    const target = Math.min(icount, this.length);
    if (this.valid && this.endStop && toEnd) return { stop: this.endStop, icount: cpu.icount, replayed: 0, restoredFrom: null };
    if (this.valid && !this.endStop && !toEnd && cpu.icount === target) return { stop: { kind: 'reached' }, icount: target, replayed: 0, restoredFrom: null };
    const snap = this.snapshots[this.snapshotAtOrBefore(target)];
    let restoredFrom: number | null = null;
    // Go on from the current state when it lies between that snapshot and the target; else restore it.
    if (!(this.valid && !this.endStop && cpu.icount >= snap.icount && cpu.icount <= target)) {
      this.restore(snap);
      restoredFrom = snap.icount;
    }
    const from = cpu.icount;
    const stop = this.forward(target, toEnd);
    return { stop, icount: cpu.icount, replayed: cpu.icount - from, restoredFrom };
  }

  /**
   * Like seek() forward, but always by replaying from the current state (seek
   * may jump ahead by restoring a later snapshot), so every instruction up to
   * `icount` runs: a debugger breakpoint (Executor.setBreakpoint) on the way
   * stops it ({ kind: 'breakpoint' }), and so does a debugger watchpoint
   * (Executor.setWatchpoints: { kind: 'watchpoint' }, after the accessing
   * instruction, which may be `icount` itself). Behind the current icount, or when the
   * state cannot be gone on from, it is seek().
   */
  replayForward(icount: number): TravelResult {
    if (icount !== Infinity) checkIcount(icount, 'seek');
    const cpu = this.machine.cpu;
    const toEnd = icount >= this.length;
    const target = Math.min(icount, this.length);
    if (!this.valid || this.endStop || cpu.icount > target || (!toEnd && cpu.icount === target)) return this.seek(icount);
    const from = cpu.icount;
    const stop = this.forward(target, toEnd);
    return { stop, icount: cpu.icount, replayed: cpu.icount - from, restoredFrom: null };
  }

  /** Replays forward to the next breakpoint after the current icount, or to the end of the recording. */
  continueForward(): TravelResult {
    const now = this.machine.cpu.icount;
    let next = Infinity;
    for (const b of this.bps) if (b > now && b < next) next = b;
    if (next >= this.length) return this.seek(this.length);
    return this.asBreakpoint(this.seek(next));
  }

  /** Goes back to the last breakpoint before the current icount or, when there is none, to the start. */
  continueBackward(): TravelResult {
    const now = this.machine.cpu.icount;
    let prev = -1;
    for (const b of this.bps) if (b < now && b > prev) prev = b;
    if (prev >= 0) return this.asBreakpoint(this.seek(prev));
    const r = this.seek(0);
    if (r.stop.kind === 'reached') r.stop = { kind: 'history-start' };
    return r;
  }

  /** seek(icount + n). */
  stepForward(n = 1): TravelResult { return this.seek(this.machine.cpu.icount + checkIcount(n, 'step')); }

  /** seek(icount - n) (reverse-stepi); before icount 0, stops at 0 and says history ended. */
  stepBackward(n = 1): TravelResult {
    const target = this.machine.cpu.icount - checkIcount(n, 'step');
    const r = this.seek(Math.max(0, target));
    if (target < 0 && r.stop.kind === 'reached') r.stop = { kind: 'history-start' };
    return r;
  }

  private asBreakpoint(r: TravelResult): TravelResult {
    if (r.stop.kind === 'reached') r.stop = { kind: 'breakpoint' };
    return r;
  }

  /** Replays from the current state to `target` (toEnd: on to the End event), taking snapshots past the newest one. */
  private forward(target: number, toEnd: boolean): TravelStop {
    const m = this.machine, cpu = m.cpu;
    try {
      for (;;) {
        const newest = this.snapshots[this.snapshots.length - 1];
        // Beyond the newest snapshot (the base then is that snapshot), stop at every multiple of K for the next one.
        const next = this.base === newest ? (Math.floor(newest.icount / this.k) + 1) * this.k : Infinity;
        const until = Math.min(target, next);
        // The End event may come after a halt's warps at its icount: the last leg runs to it, not to its icount.
        const out = toEnd && this.complete && until === target ? this.replayer.run() : this.replayer.run({ until });
        switch (out.kind) {
          case 'until':
            if (cpu.icount >= next) this.takeSnapshot();
            if (cpu.icount < target || (toEnd && this.complete)) continue;
            // A log cut short ends at its last event: going there is going to the end.
            return toEnd ? (this.endStop = { kind: 'end', stop: null, truncated: true }) : { kind: 'reached' };
          case 'end':
            return (this.endStop = { kind: 'end', stop: out.stop, truncated: false });
          case 'cut-short':
            return (this.endStop = { kind: 'end', stop: null, truncated: true });
          case 'diverged':
            this.valid = false;
            return { kind: 'diverged', what: out.what };
          case 'breakpoint':
            // A debugger breakpoint (Executor.setBreakpoint) stopped the replay short of the target.
            return { kind: 'breakpoint' };
          case 'watchpoint':
            // A debugger watchpoint stopped it, just after the accessing instruction (at most at the target).
            return { kind: 'watchpoint' };
        }
      }
    } catch (e) {
      this.valid = false;
      throw e;
    }
  }

  /** Index of the newest snapshot at or before `icount`. */
  private snapshotAtOrBefore(icount: number): number {
    const snaps = this.snapshots;
    let lo = 0, hi = snaps.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (snaps[mid].icount <= icount) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /** Puts the machine in the state of `snap`, rewriting only the pages that can differ from it (see the header). */
  private restore(snap: Snapshot): void {
    const m = this.machine, mark = this.mark, list: number[] = [];
    const add = (p: number) => {
      if (mark[p] === 0) { mark[p] = 1; list.push(p); }
    };
    for (const p of m.mem.collectDirtyPages()) add(p); // written since the base was taken or restored
    const a = this.snapshotAtOrBefore(this.base.icount), b = this.snapshotAtOrBefore(snap.icount);
    for (let i = Math.min(a, b) + 1; i <= Math.max(a, b); i++) for (const p of this.snapshots[i].pages) add(p);
    const ram = this.ram;
    for (const p of list) {
      mark[p] = 0;
      const v = this.versions[p];
      const at = v ? lastAtOrBefore(v.icounts, snap.icount) : -1;
      if (at < 0) ram.fill(0, p * PAGE, p * PAGE + PAGE);
      else this.store.restore(v!.slots[at], ram, p);
    }
    // Direct writes to RAM are not tracked: dirty tracking now starts from the snapshot's RAM.
    this.base = snap;
    this.valid = false; // until loadCore has succeeded
    m.loadCore(snap.core);
    this.replayer = new Replayer(m, this.log);
    this.replayer.position = snap.position;
    this.endStop = null;
    this.valid = true;
  }

  /** At the newest snapshot's next multiple of K: keeps the pages changed since the newest snapshot. */
  private takeSnapshot(): void {
    const icount = this.machine.cpu.icount, ram = this.ram, pages: number[] = [];
    for (const p of this.machine.mem.collectDirtyPages()) {
      const v = this.versions[p];
      const same = v ? this.store.equals(v.slots[v.slots.length - 1], ram, p) : isZeroPage(ram, p);
      if (same) continue;
      this.addVersion(p, icount);
      pages.push(p);
    }
    this.base = this.push(icount, pages);
    this.keepToBudget();
  }

  private addVersion(page: number, icount: number): void {
    const slot = this.store.alloc();
    this.store.save(slot, this.ram, page);
    let v = this.versions[page];
    if (!v) this.versions[page] = v = { icounts: [], slots: [] };
    v.icounts.push(icount);
    v.slots.push(slot);
  }

  private push(icount: number, pages: number[]): Snapshot {
    const core = this.machine.saveCore();
    const snap: Snapshot = { icount, core, position: this.replayer.position, pages, coreBytes: JSON.stringify(core).length + 8 * pages.length + 64 };
    this.snapshots.push(snap);
    this.coreBytes += snap.coreBytes;
    return snap;
  }

  private bytes(): number { return this.store.used * PAGE + this.coreBytes; }

  /** The memory policy of the header: double K and thin out the snapshots until they fit the budget. */
  private keepToBudget(): void {
    while (this.bytes() > this.budget && this.snapshots.length > 2) {
      this.k *= 2;
      const snaps = this.snapshots, kept = [snaps[0]];
      for (let i = 1; i < snaps.length - 1; i++) {
        if (snaps[i].icount % this.k === 0) kept.push(snaps[i]);
        else this.drop(snaps[i], snaps[i + 1]);
      }
      kept.push(snaps[snaps.length - 1]);
      this.snapshots = kept;
    }
  }

  /** Drops `snap`: its page versions pass to `next` (which then holds the same content) unless `next` keeps the page itself. */
  private drop(snap: Snapshot, next: Snapshot): void {
    const mark = this.mark;
    for (const p of next.pages) mark[p] = 1;
    const moved: number[] = [];
    for (const p of snap.pages) {
      const v = this.versions[p]!;
      const at = lastAtOrBefore(v.icounts, snap.icount);
      if (mark[p]) {
        this.store.release(v.slots[at]);
        v.icounts.splice(at, 1);
        v.slots.splice(at, 1);
      } else {
        v.icounts[at] = next.icount;
        moved.push(p);
      }
    }
    for (const p of next.pages) mark[p] = 0;
    for (const p of moved) next.pages.push(p);
    next.coreBytes += 8 * moved.length;
    this.coreBytes += 8 * moved.length - snap.coreBytes;
  }
}

function checkIcount(icount: number, what: string): number {
  if (!Number.isSafeInteger(icount) || icount < 0) throw new UserError(`${what}: ${icount} is not an instruction count (a whole number >= 0)`);
  return icount;
}
