// The execution loop: find or translate the block at CS:EIP, run it, follow
// its exit (through a chained link when it has one), and between blocks
// deliver interrupts and exceptions, honour the icount budget and halts.
import { translateBlock, loopTargets, BLOCK_INSN_LIMIT, S, F, disassemble, type Insn } from '../frontend-x86/index.js';
import { optimizeBlock, removeDeadCode, printBlock, type IrBlock } from '../tcg-ir/index.js';
import { interpretBlock, canInterpret, createInterpSpace, resetInterpSpace, interpWordsLeft, type BlockFunction, type EmitOptions, type InterpSpace } from '../backend-js/index.js';
import { type WasmContext } from '../backend-wasm/index.js';
import { type Cpu } from './cpu.js';
import { ARENA, MAX_SLOTS, INTERP_AT, INTERP_WORDS } from './arena.js';
import { WasmChain } from './chain.js';
import { CrossLinks } from './cross-links.js';
import { MappingScope } from './memory.js';
import { BlockCompiler, exitTables } from './block-compiler.js';
import { Fault, FaultKind, VEC } from './fault.js';
import { TbCache, TranslationBlock, blockKey, shortBlockKey, blockFor } from './tb.js';
import { deliverInterrupt, TripleFault } from './interrupts.js';
import { createHelpers } from './helpers.js';
import { decodeDebugRegs, sameBreakpoints, type GuestBreakpoints, type WatchSpec } from './debug-regs.js';
import { StopReason, type InterruptSource, type ExecTracer, type DebugLog } from './exec-interfaces.js';
import './v8-tiering.js';

const JUMP_CACHE_MASK = 4095;
/** Interpreter words (backend-js InterpSpace) free below which the cache is dropped: more than any one block needs. */
const INTERP_RESERVE = 1 << 16;
const NO_LOOPS: readonly number[] = [];
/** Translated blocks kept before the whole cache is dropped. */
const MAX_CACHED_BLOCKS = 32768;
/** Runs in the interpreter before a block is compiled (see Executor.jitThreshold). */
export const DEFAULT_JIT_THRESHOLD = 100;
/**
 * A compiled block missing MISS_RECOMPILE times within MISS_WINDOW instructions is compiled again with its slow paths
 * inline (missStep). A miss costs a few microseconds; inline slow paths cost every run (registers spilled around each
 * call). MMIO misses every time; TLB fills now and then (the decompressor's hot blocks: every few million instructions).
 */
const MISS_RECOMPILE = 32;
const MISS_WINDOW = 1 << 19;

export class Executor {
  readonly cache = new TbCache();
  private readonly jumpCache: Array<TranslationBlock | null> = new Array(JUMP_CACHE_MASK + 1).fill(null);
  private readonly ctx: WasmContext;
  private current: TranslationBlock | null = null;
  /** Chaining of wasm blocks inside WebAssembly (chain.ts); while it runs, it knows the current block. */
  private readonly chain: WasmChain;
  /** The arena word where a compiled block leaving through its miss exit puts the instruction it left before. */
  private readonly missAt: Int32Array;
  private dispatching = false;
  private stopFlag = false;
  /** The icount the current run() stops at. */
  private limit = Infinity;
  /** Debugger breakpoints (linear addresses): blocks end before them; reaching one stops the run. */
  private readonly breakpoints = new Set<number>();
  /** A breakpoint the next block may start at without stopping (resuming from that breakpoint). */
  private skipBreakpoint = -1;
  private hitBreakpoint = false;
  /** Watchpoints are set: blocks are compiled with checks at every instruction boundary. */
  private watchMode = false;
  private debuggerWatches: WatchSpec[] = [];
  /** The guest's breakpoints from its debug registers. */
  private guest: GuestBreakpoints = { code: new Map(), data: [] };
  /** DR6 B0-B3 bits of guest data breakpoints hit by the instruction now running. */
  private pendingDr6 = 0;
  /** The first watchpoint access since the last stop: kind and the watchpoint's address. */
  watchHit: { kind: 'read' | 'write'; linear: number } | null = null;
  irqSource: InterruptSource | null = null;
  debug: DebugLog | null = null;
  /** Execution tracing (set before the first run; blocks then never loop inside themselves). */
  tracer: ExecTracer | null = null;
  /** Host clock for translation statistics only (injected by the host boundary; never affects the guest). */
  clock: (() => number) | null = null;
  translateSeconds = 0;
  /** Statistics: instructions run alone after a compiled block's miss exit, and blocks compiled again with inline slow paths. */
  missSteps = 0;
  inlineRecompiles = 0;
  /**
   * Most instructions per block (default 128). 1 gives a reference mode with
   * one instruction per block and no self-loops; set it before the first run.
   */
  blockInsnLimit = 128;
  /**
   * Tiering: runs of a block in the IR interpreter before it is compiled
   * (0: compile every block at once). Cold code, most of a kernel's boot, is
   * cheaper to interpret than to compile.
   */
  jitThreshold = DEFAULT_JIT_THRESHOLD;
  /** Where interpreted blocks keep their values (the cache is dropped when it runs low). */
  readonly interpSpace: InterpSpace;
  /** Compiles blocks: its `backend` (wasm or js), batch size and statistics. */
  readonly compiler: BlockCompiler;
  /** Links to another linear page: undone when the mappings they depend on change (mappingsChanged). */
  private readonly crossLinks = new CrossLinks((tb, e) => {
    tb.links[e] = null;
    this.chain.unlink(tb, e);
  });

  constructor(readonly cpu: Cpu) {
    const mem = cpu.mem;
    this.interpSpace = createInterpSpace(mem.arena.buffer, ARENA.state, INTERP_AT, INTERP_WORDS);
    this.ctx = {
      m8: mem.m8, i8: mem.i8, m16: mem.m16, i16: mem.i16, m32: mem.m32,
      tR: mem.tR, tW: mem.tW, tO: mem.tO,
      ld1: mem.ld1, ld2: mem.ld2, ld4: mem.ld4, st1: mem.st1, st2: mem.st2, st4: mem.st4,
      helpers: createHelpers(cpu),
      Fault,
      eipSlot: S.EIP,
      ic: cpu.ic,
      ctl: cpu.ctl,
      memory: mem.arena,
      layout: ARENA,
      interpSpace: this.interpSpace,
    };
    this.chain = new WasmChain(mem.arena, ARENA, MAX_SLOTS, S.EIP, S.BASE + 1, S.CPL);
    this.missAt = new Int32Array(mem.arena.buffer, ARENA.miss, 1);
    this.compiler = new BlockCompiler(this.ctx, this.chain);
    this.cache.onDrop = (tb) => this.chain.invalidate(tb);
    cpu.interruptPending = () => this.irqSource !== null && this.irqSource.pending();
    mem.onWatchHit = (kind, linear, tag) => {
      if (tag >= 0) this.pendingDr6 |= 1 << tag; // a guest data breakpoint: #DB after the instruction
      else if (this.watchHit === null) this.watchHit = { kind, linear };
      cpu.ctl[1] = 1;
      cpu.exitRequest = true;
    };
    cpu.onDebugRegs = () => this.syncDebugRegs();
    mem.onCodeWrite = (phys, len) => {
      const cur = this.dispatching ? this.chain.running : this.current, page = phys >>> 12;
      // A block no longer cached (flushed while it runs) may still be hit.
      const hit = this.cache.invalidateWrite(phys, len, cur) || (cur !== null && !cur.cached && cur.codeOverlaps(phys, len));
      // The page stays watched while blocks made from it are cached or running.
      if (!this.cache.hasPage(page) && !(cur !== null && cur.valid && cur.pages.includes(page))) mem.unprotectCodePage(page);
      return hit;
    };
    mem.onMappingChange = (scope, linear) => this.mappingsChanged(scope, linear);
  }

  /** Asks a running run() to return at the next block boundary. */
  stop(): void {
    this.stopFlag = true;
    this.cpu.exitRequest = true;
  }

  /** Sets or clears a breakpoint at a linear address; translated code is redone so blocks end before it. */
  setBreakpoint(linear: number, on: boolean): void {
    linear |= 0;
    if (on === this.breakpoints.has(linear)) return;
    if (on) this.breakpoints.add(linear); else this.breakpoints.delete(linear);
    this.flush();
  }

  /**
   * Replaces the debugger watchpoints (linear ranges). Accesses to their pages
   * take the memory slow path, and a hit stops the run after the accessing
   * instruction; with none set, nothing costs anything.
   */
  setWatchpoints(list: Array<{ linear: number; len: number; read: boolean; write: boolean }>): void {
    this.debuggerWatches = list.map((w) => ({ ...w, tag: -1 }));
    this.applyWatches();
  }

  /**
   * Re-reads DR0-DR3 and DR7 (after a guest writes them, or a snapshot is
   * loaded). Translated code is redone only when the enabled breakpoints
   * change: a kernel clears its debug registers as it starts, which would
   * otherwise throw away every block made so far.
   */
  syncDebugRegs(): void {
    const guest = decodeDebugRegs(this.cpu.s);
    if (sameBreakpoints(guest, this.guest)) return;
    this.guest = guest;
    this.applyWatches();
    this.cpu.exitRequest = true; // the run in progress picks up the new breakpoints at its next block
  }

  private applyWatches(): void {
    const all = [...this.debuggerWatches, ...this.guest.data];
    this.cpu.mem.setWatchpoints(all);
    this.watchMode = all.length > 0;
    this.flush();
  }

  /** The next run starts at the current instruction even if a breakpoint is there (continuing from it). */
  stepOverBreakpoint(): void {
    this.skipBreakpoint = (this.cpu.s[S.BASE + 1] + this.cpu.s[S.EIP]) | 0;
  }

  /**
   * Drops the links from blocks to blocks on other linear pages, and the
   * jump cache entries, that `scope` covers (Memory.mappingChanged): they
   * were made for the mappings of the moment (a link within one page stays
   * right, since the block it starts from was found through the page's
   * current mapping).
   */
  private mappingsChanged(scope: MappingScope, linear: number): void {
    this.chain.forgetMappings(scope, linear);
    if (scope === MappingScope.Region) this.crossLinks.undoRegion(linear);
    else if (scope === MappingScope.NotGlobal) this.crossLinks.undoNotGlobal();
    else this.crossLinks.undoAll();
  }

  /** Drops every translated block (after loading a snapshot, or a mode of memory change). */
  flush(): void {
    this.compiler.flush();
    this.crossLinks.clear();
    this.cache.flush();
    this.chain.flush();
    this.jumpCache.fill(null);
    this.cpu.mem.codePages.fill(0);
    resetInterpSpace(this.interpSpace);
  }

  /**
   * Lowers the icount limit of the run in progress: a device scheduled an
   * event earlier than the run was planned to stop. The run stops at the
   * next block boundary (port I/O ends its block) or at `icount` if later.
   */
  lowerLimit(icount: number): void {
    if (icount < this.limit) this.limit = icount;
    if (icount < this.cpu.ic[1]) this.cpu.ic[1] = icount;
    this.cpu.exitRequest = true;
  }

  /** Runs until icount reaches `limit`, the CPU halts with nothing to wake it, or stop(). */
  run(limit: number): StopReason {
    const cpu = this.cpu, s = cpu.s;
    this.stopFlag = false;
    this.limit = limit;
    for (;;) {
      if (this.stopFlag) return StopReason.Stopped;
      if (this.pendingDr6 !== 0) {
        // A guest data breakpoint hit by the instruction before a debugger's stop.
        if (this.debugTrap(this.pendingDr6)) return StopReason.TripleFault;
        this.pendingDr6 = 0;
      }
      if (cpu.icount >= this.limit) return StopReason.Budget;
      const irq = this.irqSource;
      let maxInsns = this.blockInsnLimit;
      if (s[S.IRQ_SHADOW]) {
        s[S.IRQ_SHADOW] = 0;
        if (irq && irq.pending()) maxInsns = 1; // one instruction, then the interrupt
      } else if (irq && (s[S.EFLAGS] & F.IF) && irq.pending()) {
        s[S.HALTED] = 0;
        try {
          const vector = irq.acknowledge();
          this.tracer?.interrupt(vector, 0, -1);
          deliverInterrupt(cpu, vector, -1, false);
        } catch (e) {
          if (e instanceof TripleFault) return StopReason.TripleFault;
          throw e;
        }
      }
      if (s[S.HALTED]) return StopReason.Halted;
      cpu.exitRequest = false;
      // EFLAGS.TF: one instruction at a time, each followed by a single-step trap.
      const stepping = (s[S.EFLAGS] & F.TF) !== 0;
      // EFLAGS.RF: the next instruction runs without its instruction breakpoint firing; then RF clears.
      const resuming = (s[S.EFLAGS] & F.RF) !== 0;
      if (stepping || resuming) maxInsns = 1;
      const before = cpu.icount;
      try {
        // In an interrupt shadow with an interrupt pending: exactly one instruction, then back here.
        this.runBlocks(maxInsns === 1 ? Math.min(this.limit, cpu.icount + 1) : this.limit, maxInsns, resuming);
        if (resuming && cpu.icount === before + 1) s[S.EFLAGS] &= ~F.RF;
        if (this.pendingDr6 !== 0 && this.watchHit === null) {
          cpu.ctl[1] = 0;
          continue; // the trap is delivered at the top of the loop
        }
        if (stepping && cpu.icount === before + 1 && !s[S.IRQ_SHADOW] && this.debugTrap(0x4000)) return StopReason.TripleFault;
        if (this.hitBreakpoint) {
          this.hitBreakpoint = false;
          return StopReason.Breakpoint;
        }
        if (cpu.ctl[1] !== 0) {
          cpu.ctl[1] = 0;
          return StopReason.Watchpoint;
        }
      } catch (e) {
        if (!(e instanceof Fault)) {
          if (e instanceof TripleFault) return StopReason.TripleFault;
          throw e;
        }
        if (this.handleFault(e)) return StopReason.TripleFault;
      }
    }
  }

  /** Runs blocks until icount reaches the limit in cpu.ic[1] (which lowerLimit may lower) or an exit is requested. */
  private runBlocks(limit: number, firstMax: number, resuming = false): void {
    const cpu = this.cpu, s = cpu.s, ic = cpu.ic;
    const trace = this.debug?.exec ? this.debug : null;
    const tracer = this.tracer;
    const bp = this.breakpoints.size !== 0;
    const guestBp = this.guest.code.size !== 0;
    // Chaining inside wasm skips the per-block work of breakpoints and tracing.
    const chained = !bp && !guestBp && trace === null && tracer === null;
    ic[1] = limit;
    this.current = null;
    let tb = this.lookup(firstMax);
    for (;;) {
      // Blocks end before breakpoints, so a breakpoint is always where a block starts.
      if (bp && this.atBreakpoint(tb)) { this.hitBreakpoint = true; return; }
      if (guestBp && !resuming) this.checkGuestBreakpoint(tb);
      resuming = false;
      if (ic[1] - ic[0] < tb.insnCount) {
        this.current = null;
        tb = this.shortBlock(ic[1] - ic[0]);
      }
      if (tb.coldRuns !== 0 && --tb.coldRuns === 0) this.promote(tb);
      this.current = tb;
      if (trace !== null) trace.write(`Trace: [${hex(tb.csBase)}:${hex(tb.eip)}] icount=${cpu.icount}`);
      if (tracer !== null) tracer.block(tb);
      let e: number;
      if (tb.slot >= 0 && chained) {
        // Wasm blocks run on in WebAssembly while their links lead to wasm blocks (backend-wasm/dispatch.ts).
        let r: number;
        this.dispatching = true;
        try {
          r = this.chain.run(tb.slot);
        } finally {
          this.dispatching = false;
          this.current = this.chain.running;
        }
        tb = this.current;
        e = (r >>> 16) & 0x7fff;
        if (r >= 0) ic[0] += tb.exitRetired[e];
      } else {
        e = tb.fn(s);
        ic[0] += tb.exitRetired[e];
      }
      if (e === tb.missExit) {
        // Its instruction runs alone in the interpreter, slow paths and all (not a block of its own for tracing:
        // the block's record covers it, as it would an inline slow path).
        tb = this.missStep(tb);
        this.current = tb;
        e = tb.fn(s);
        ic[0] += tb.exitRetired[e];
      }
      if (cpu.exitRequest || ic[0] >= ic[1]) return;
      // A constant exit's link always fits; a computed exit's link remembers the last target, which fits if EIP and CS base match.
      let next = tb.links[e];
      if (next === null || !next.valid || (tb.exitDynamic[e] !== 0 && (next.eip !== s[S.EIP] || next.csBase !== s[S.BASE + 1]))) {
        this.current = null;
        next = this.lookup(this.blockInsnLimit);
        // A link to another linear page holds until its mapping changes (see mappingsChanged).
        if (tb.valid && next.cached && next.pages.length === 1) {
          tb.links[e] = next;
          this.chain.link(tb, e, next);
          const target = (next.csBase + next.eip) | 0;
          if (((tb.csBase + tb.eip) >>> 12) !== (target >>> 12)) this.crossLinks.add(tb, e, target, cpu.mem.codeGlobal(target));
        }
      } else if (next.slot >= 0 && tb.slot >= 0) {
        this.chain.link(tb, e, next); // a link made before one of the two was compiled
      }
      tb = next;
    }
  }

  /**
   * A compiled block left through its miss exit, before the instruction whose
   * number is in the arena's miss word: the state is that of the start of
   * that instruction. Returns the one-instruction block that runs it. A block
   * that misses often is compiled again with its slow paths inline.
   */
  private missStep(tb: TranslationBlock): TranslationBlock {
    const k = this.missAt[0];
    this.missSteps++;
    this.cpu.s[S.EIP] = tb.insnEips[k];
    const ic = (this.cpu.ic[0] += k);
    if (ic - tb.missesSince > MISS_WINDOW) { tb.misses = 0; tb.missesSince = ic; }
    if (++tb.misses === MISS_RECOMPILE && tb.valid) this.recompileInline(tb);
    this.current = null;
    return this.shortBlock(1);
  }

  private recompileInline(tb: TranslationBlock): void {
    const t0 = this.clock?.() ?? 0;
    const tr = this.translateIr(tb.csBase, tb.eip, tb.mode, this.blockInsnLimit, undefined, false, tb.loopEips);
    if (tb.sameCode(this.cpu.mem, tr)) {
      this.compiler.recompileInline(tb, tr.ir, this.emitOptions(tr.ir, tb.eip, true));
      this.inlineRecompiles++;
    }
    if (this.clock) this.translateSeconds += (this.clock() - t0) / 1000;
  }

  /**
   * A #DB trap after an instruction, EIP already at the next one, with `dr6`
   * bits set in DR6: BS (0x4000) for the single-step trap of EFLAGS.TF (SDM
   * vol. 3, 17.3.1.4; not after an instruction that raised an exception or
   * interrupt, whose handler runs with TF clear, nor right after a mov to SS,
   * delayed one instruction like interrupts), Bn for a data breakpoint.
   * Returns true on a triple fault.
   */
  private debugTrap(dr6: number): boolean {
    const cpu = this.cpu, s = cpu.s;
    s[S.DR + 6] |= dr6;
    s[S.HALTED] = 0;
    this.tracer?.interrupt(1, 2, -1);
    try {
      deliverInterrupt(cpu, 1, -1, false);
    } catch (e) {
      if (e instanceof TripleFault) return true;
      throw e;
    }
    return false;
  }

  /** A guest instruction breakpoint (DR0-DR3) where this block starts: a #DB fault before it runs. */
  private checkGuestBreakpoint(tb: TranslationBlock): void {
    const index = this.guest.code.get((tb.csBase + tb.eip) | 0);
    if (index === undefined) return;
    this.cpu.s[S.DR + 6] |= 1 << index;
    this.tracer?.interrupt(1, 2, -1);
    throw new Fault(VEC.DB, -1, -1);
  }

  private atBreakpoint(tb: TranslationBlock): boolean {
    const linear = (tb.csBase + tb.eip) | 0;
    if (!this.breakpoints.has(linear)) return false;
    if (linear === this.skipBreakpoint) { this.skipBreakpoint = -1; return false; }
    return true;
  }

  /** Delivers a guest fault raised by the running block. Returns true on a triple fault. */
  private handleFault(f: Fault): boolean {
    const cpu = this.cpu, s = cpu.s;
    const tb = this.current;
    if (f.insnIndex >= 0 && tb) {
      s[S.EIP] = tb.insnEips[f.insnIndex];
      cpu.icount += f.insnIndex;
    }
    this.current = null;
    const insnEip = s[S.EIP];
    if (f.kind === FaultKind.Trap) {
      s[S.EIP] = f.nextEip;
      cpu.icount += 1;
    }
    this.tracer?.interrupt(f.vector, f.software ? 1 : 2, f.errorCode);
    try {
      const delivered = deliverInterrupt(cpu, f.vector, f.errorCode, f.software, f.kind === FaultKind.Trap ? insnEip : -1);
      if (!delivered && f.kind === FaultKind.Trap) cpu.icount -= 1;
    } catch (e) {
      if (e instanceof TripleFault) return true;
      throw e;
    }
    return false;
  }

  private lookup(maxInsns: number): TranslationBlock {
    const cpu = this.cpu, s = cpu.s, mem = cpu.mem;
    const csBase = s[S.BASE + 1], eip = s[S.EIP];
    const linear = (csBase + eip) | 0;
    if (maxInsns === this.blockInsnLimit) {
      // A direct-mapped cache by linear address in front of the map (QEMU's tb_jmp_cache idea).
      const slot = (linear ^ (linear >>> 12)) & JUMP_CACHE_MASK;
      const phys = mem.codePhys(linear);
      let tb = this.jumpCache[slot];
      if (tb === null || !tb.valid || tb.physPc !== phys || !this.matches(tb, csBase, eip)) {
        tb = this.cache.get(blockKey(phys, cpu.mode)) ?? null;
        if (tb !== null && !this.matches(tb, csBase, eip)) tb = null;
      }
      if (tb !== null) {
        this.jumpCache[slot] = tb;
        this.chain.remember(linear, tb, s[S.CPL], mem.codeGlobal(linear));
        return tb;
      }
    }
    return maxInsns === this.blockInsnLimit ? this.translate(maxInsns, true) : this.shortBlock(maxInsns);
  }

  /**
   * The block at CS:EIP cut to at most `maxInsns` instructions (the icount
   * budget has no room for the whole one, or one instruction must run
   * alone), from the cache by that count, or translated and cached. It stays
   * interpreted and is never chained to.
   */
  private shortBlock(maxInsns: number): TranslationBlock {
    const cpu = this.cpu, s = cpu.s;
    const csBase = s[S.BASE + 1], eip = s[S.EIP];
    const n = Math.min(maxInsns, BLOCK_INSN_LIMIT);
    const tb = this.cache.get(shortBlockKey(cpu.mem.codePhys((csBase + eip) | 0), cpu.mode, n));
    if (tb !== undefined && tb.valid && this.matches(tb, csBase, eip)) return tb;
    return this.translate(n, false, n);
  }

  private matches(tb: TranslationBlock, csBase: number, eip: number): boolean { return tb.fits(this.cpu.mem, csBase, eip, this.cpu.mode); }

  /** Translates the block at CS:EIP; `cacheable` for a whole block (tiered, chained), `shortOf` for one cut short (shortBlock). */
  private translate(maxInsns: number, cacheable: boolean, shortOf = 0): TranslationBlock {
    const cpu = this.cpu, s = cpu.s, mem = cpu.mem;
    const cached = cacheable || shortOf > 0;
    // Like QEMU when its code buffer fills: start over rather than grow without bound.
    // Blocks not cached are interpreted too (their words go with the next flush).
    if ((cached && this.cache.size >= MAX_CACHED_BLOCKS) || interpWordsLeft(this.interpSpace) < INTERP_RESERVE) this.flush();
    const t0 = this.clock?.() ?? 0;
    const csBase = s[S.BASE + 1], eip = s[S.EIP];
    const dbg = this.debug;
    const asm: string[] = [];
    const cold = this.jitThreshold !== 0 && dbg === null && !this.watchMode;
    let tr = this.translateIr(csBase, eip, cpu.mode, maxInsns, dbg?.inAsm ? (i: Insn) => asm.push(`0x${hex(i.eip)}:  ${disassemble(i)}`) : undefined, cold);
    // The instructions its exits lead back to: loop heads once it is compiled (at once: translated again with them).
    const loopEips = cacheable && this.mayLoop() ? loopTargets(tr) : NO_LOOPS;
    if (!cold && loopEips.length !== 0) tr = this.translateIr(csBase, eip, cpu.mode, maxInsns, undefined, false, loopEips);
    // Tiering: a block starts in the IR interpreter and is compiled once it has run jitThreshold times.
    // The debug log (which shows the compiled code) and watchpoints (whose checks only compiled code has) compile at once.
    const interpret = this.jitThreshold !== 0 && dbg === null && !this.watchMode && canInterpret(tr.ir);
    let code: { fn: BlockFunction; extraExits: Array<{ retired: number }>; missExit: number };
    let source = '', wasm = false;
    if (interpret) {
      code = { ...interpretBlock(tr.ir, this.ctx), missExit: -1 };
    } else {
      // The debug log shows the block's JavaScript.
      const compiled = this.compiler.now(tr.ir, csBase + eip, this.emitOptions(tr.ir, eip, cacheable), dbg?.outJs === true);
      code = compiled;
      source = compiled.source;
      wasm = compiled.wasm;
    }
    const tb = blockFor(mem, cpu.mode, csBase, eip, code.fn, exitTables(tr.ir.exits, code.extraExits, code.missExit), tr, shortOf);
    tb.missExit = code.missExit;
    tb.loopEips = loopEips;
    if (cached) this.cache.add(tb);
    const pages = tb.pages;
    if (interpret && cacheable) tb.coldRuns = this.jitThreshold;
    if (wasm && cacheable) this.chain.assign(tb);
    if (this.tracer) this.tracer.translated(tr.start, codeBytes(mem, tr.start, tr.end));
    for (const p of pages) if (p < mem.codePages.length) mem.protectCodePage(p);
    if (dbg) {
      if (dbg.inAsm) dbg.write(`IN:\n${asm.join('\n')}\n`);
      if (dbg.op) dbg.write(`OP:\n${printBlock(tr.ir)}\n`);
      if (dbg.outJs) dbg.write(`OUT:\n${source}\n`);
    }
    if (this.clock) this.translateSeconds += (this.clock() - t0) / 1000;
    return tb;
  }

  /**
   * Guest code at CS:EIP as IR: optimized, or for the interpreter (`cold`)
   * with dead code (dead flag computations above all) removed only. Most
   * interpreted blocks run a few times: folding and copy propagation cost
   * them more than they save (Linux boot 5.00 -> 4.84 s); a block that turns
   * hot is translated again, fully optimized, when it is compiled.
   */
  private translateIr(csBase: number, eip: number, mode: number, maxInsns: number, onInsn?: (i: Insn) => void, cold = false, loopHeads = NO_LOOPS) {
    const mem = this.cpu.mem;
    const tr = translateBlock({
      fetch: (a) => mem.fetchCode(a),
      csBase, eip, mode, maxInsns, loopHeads,
      stopAt: this.breakpoints.size !== 0 || this.guest.code.size !== 0 ? (lin: number) => this.breakpoints.has(lin) || this.guest.code.has(lin) : undefined,
      onInsn,
      validate: this.debug?.op === true || undefined,
    });
    if (cold) removeDeadCode(tr.ir, { exitAtEveryInsn: this.watchMode });
    else optimizeBlock(tr.ir, { exitAtEveryInsn: this.watchMode });
    return tr;
  }

  private emitOptions(ir: IrBlock, eip: number, cacheable: boolean): EmitOptions {
    // A block that jumps back to its own start loops inside its function (not when tracing every block).
    // Exit targets are unsigned EIPs; the state array holds EIP signed.
    const start = eip >>> 0;
    const loops = cacheable && this.mayLoop();
    const selfLoop = loops && ir.exits.some((x) => x.target === start);
    // Watch checks come after each instruction of compiled code: a watched access stays in the block (its slow path).
    // A block cut short (compiled only without the interpreter tier) may be missStep's one instruction: it must not miss.
    return { selfLoopEip: selfLoop ? start : undefined, loops, watchChecks: this.watchMode, inlineSlowPaths: this.watchMode || !cacheable };
  }

  /** Whether compiled blocks may loop inside themselves (not when each block run is logged, nor with watchpoints or one instruction per block). */
  private mayLoop(): boolean {
    return !this.debug?.exec && !this.watchMode && this.blockInsnLimit > 1;
  }

  /**
   * Compiles an interpreted block that has become hot, just before it runs
   * (so CS:EIP, the mode and its code pages are the ones it was made for).
   * The guest code is translated again: it cannot have changed, or the block
   * would have been invalidated; should the translation differ anyway (the
   * breakpoints changed), the block stays interpreted. A wasm block waiting
   * for its batch comes back here when it has run on: its batch is compiled.
   */
  private promote(tb: TranslationBlock): void {
    const t0 = this.clock?.() ?? 0;
    if (this.compiler.waiting(tb)) {
      this.compiler.compilePending();
      if (this.clock) this.translateSeconds += (this.clock() - t0) / 1000;
      return;
    }
    const tr = this.translateIr(tb.csBase, tb.eip, tb.mode, this.blockInsnLimit, undefined, false, tb.loopEips);
    if (tb.sameCode(this.cpu.mem, tr)) this.compiler.promote(tb, tr.ir, this.emitOptions(tr.ir, tb.eip, true));
    if (this.clock) this.translateSeconds += (this.clock() - t0) / 1000;
  }
}

function codeBytes(mem: Cpu['mem'], start: number, end: number): Uint8Array {
  const out = new Uint8Array((end - start) | 0);
  for (let i = 0; i < out.length; i++) out[i] = mem.fetchCode((start + i) | 0);
  return out;
}

function hex(v: number): string { return (v >>> 0).toString(16).padStart(8, '0'); }
