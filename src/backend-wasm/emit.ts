// IR block -> the body of one WebAssembly function `() -> exitNumber`.
//
// The same contract as the JavaScript backend (backend-js/emit.ts): guest
// registers (IR globals) live in wasm locals, loaded from the state array on
// entry and written back at every exit and before anything that reads guest
// state. The state array, the TLB, RAM and the icount words sit at fixed
// addresses of one memory (the layout), so they are constants here.
//
// Where the JavaScript block writes registers back in a catch clause when a
// guest fault is thrown, a wasm block writes back the registers written so
// far before every call that can throw one (memory slow paths, helpers that
// can fault): the same state, since the translator commits an instruction's
// registers only after its last faultable op, and nothing runs between that
// write-back and the throw. A fault thrown by an import unwinds the wasm
// frames to the runtime like any JavaScript exception.
import { type IrBlock, type IrInsn, type LoopHead, TempKind, HelperFlags, Op, Cond, memOpSize, memOpSigned, mayWriteCode, enterableHeads } from '../tcg-ir/index.js';
import { allocateRegisters, TLB_MASK, tagMask, type EmitOptions } from '../backend-js/index.js';
import { Bytes, W, ValType, VOID } from './encode.js';
import { SLOT_EXITS } from './dispatch.js';

/** Byte addresses in the memory of what blocks touch (runtime/arena.ts fixes them). */
export interface WasmLayout {
  /** The state array (int32 slots). */
  state: number;
  /** icount and the icount limit (two float64). */
  ic: number;
  /** [exit requested, watched address accessed] (two int32). */
  ctl: number;
  tlbR: number;
  tlbW: number;
  tlbO: number;
  /** The slot of the block running under the dispatcher (int32; dispatch.ts). */
  cur: number;
  /** The instruction a block left before through its miss exit (int32; WasmBlock.missExit). */
  miss: number;
  /** The dispatcher's slot records (dispatch.ts). */
  slots: number;
  /**
   * The dispatcher's jump cache and its generations (dispatch.ts): two
   * int32 at jgen (all entries; entries of pages that are not global) and
   * one per 4 MiB region at regions.
   */
  jcache: number;
  jgen: number;
  regions: number;
  /** Guest physical address 0. */
  ram: number;
}

/** Function imports a block calls, by name: the memory slow paths and helpers. */
export interface ImportTable {
  /** The function index of an import with `params` int32 parameters returning int32. */
  index(module: 'r' | 'h', name: string, params: number): number;
}

export interface WasmBlock {
  /** Bytes the function's entry took in `out` (its size, locals and code). */
  bytes: number;
  extraExits: Array<{ retired: number; eip: number }>;
  /**
   * The exit taken when a memory access misses the TLB (or crosses a page),
   * -1 when the block has none (inlineSlowPaths, or no memory access): the
   * block has written its registers back and left before the instruction
   * whose number is in the layout's `miss` word, EIP unchanged. Numbered
   * SLOT_EXITS or more, so the dispatcher returns it to the runtime.
   */
  missExit: number;
}

/** Appends the block's entry of a code section (its size, then its body) to `out`. */
export function emitWasmBlock(block: IrBlock, layout: WasmLayout, eipSlot: number, imports: ImportTable, out: Bytes, options: EmitOptions = {}): WasmBlock {
  const start = out.length;
  const size = out.reserveU32();
  const emitter = new Emitter(block, layout, eipSlot, imports, options, out);
  const extraExits = emitter.run();
  out.patchU32(size, out.length - size - 5);
  return { bytes: out.length - start, extraExits, missExit: emitter.missExit };
}

const SCRATCH_I = 0, SMC = 1, MISS_AT = 2, PROD = 3; // PROD is the i64 local
/** A helper with these flags has effects that running its instruction again would repeat. */
const EFFECTS = HelperFlags.WritesState | HelperFlags.SideEffects | HelperFlags.CodeWrite;

class Emitter {
  private regs;
  /** wasm local of each temp (globals and locals), -1 for none. */
  private local: number[];
  private globals: number[] = [];
  /** Globals written so far, in order, and a mark per temp. */
  private written: number[] = [];
  private isWritten: number[];
  private extraExits: Array<{ retired: number; eip: number }> = [];
  private insnIndex = 0;
  private insnEip = 0;
  private storeSeen = false;
  /**
   * Labels not yet closed, innermost first; a loop head's entry is among
   * them as -1 - its entry number (the block its br_table jumps out of to
   * reach the head, closed where the head starts).
   */
  private open: number[] = [];
  private loops = false;
  /**
   * Where the function's loop may go on: exit target EIP -> entry number
   * (0: the block's start, a self-loop; j: loopHeads[j - 1]).
   */
  private entries = new Map<number, number>();
  private loopHeads: LoopHead[] = [];
  /** The local holding the entry the next pass of the loop starts at (when there are loop heads). */
  private entryLocal = -1;
  /** Memory accesses that miss leave through the miss exit (not inlineSlowPaths). */
  private missExits = false;
  missExit = -1;
  /**
   * The current instruction has called a helper with effects: its later
   * accesses call their slow paths, since the interpreter would run the
   * instruction again from its start (an access before is RAM, and redoing
   * it changes nothing; a register is written only after the last access).
   */
  private effectsInInsn = false;

  constructor(private b: IrBlock, private L: WasmLayout, private eipSlot: number, private imports: ImportTable, private options: EmitOptions, private c: Bytes) {
    this.regs = allocateRegisters(b);
    this.local = new Array<number>(b.temps.length).fill(-1);
    this.isWritten = new Array<number>(b.temps.length).fill(0);
  }

  /** The entry an exit loops back to, or -1. */
  private loopEntry(exitNo: number): number {
    return this.entries.get(this.b.exits[exitNo].target) ?? -1;
  }

  /**
   * The self-loop and the loop heads some exit op leads back to (an exit to
   * a head's EIP continues at the head instead of leaving the function).
   */
  private findLoops(): void {
    const b = this.b, o = this.options;
    const exitOps = b.ops.filter((op) => op.op === Op.Exit);
    const targeted = (eip: number) => exitOps.some((op) => b.exits[op.aux].target === eip);
    if (o.selfLoopEip !== undefined && targeted(o.selfLoopEip)) this.entries.set(o.selfLoopEip, 0);
    if (o.loops) {
      for (const h of enterableHeads(b)) {
        if (targeted(h.eip)) { this.loopHeads.push(h); this.entries.set(h.eip, this.loopHeads.length); }
      }
    }
    this.loops = this.entries.size !== 0;
  }

  run(): Array<{ retired: number; eip: number }> {
    const b = this.b, c = this.c, n = b.temps.length;
    const used = new Array<number>(n).fill(0);
    for (const op of b.ops) {
      for (const a of op.args) used[a] = 1;
      if (op.out >= 0) used[op.out] = 1;
      if (op.out2 >= 0) used[op.out2] = 1;
    }
    // Locals: 0-2 scratch i32 (TLB byte index, smc, instruction of a miss), 3 the i64 product, then globals, then registers.
    let next = 4;
    for (let t = 0; t < n; t++) {
      if (used[t] && b.temps[t].kind === TempKind.Global) { this.globals.push(t); this.local[t] = next++; }
    }
    const regBase = next;
    for (let t = 0; t < n; t++) {
      if (b.temps[t].kind === TempKind.Local && this.regs.of[t] >= 0) this.local[t] = regBase + this.regs.of[t];
    }
    this.findLoops();
    if (this.loopHeads.length !== 0) this.entryLocal = regBase + this.regs.count;
    c.u32(3).u32(3).byte(ValType.I32).u32(1).byte(ValType.I64).u32(this.globals.length + this.regs.count + (this.entryLocal >= 0 ? 1 : 0)).byte(ValType.I32);

    for (const t of this.globals) { this.stateAddr(); c.byte(W.I32Load).u32(2).u32(this.slot(t)); c.byte(W.LocalSet).u32(this.local[t]); }
    this.missExits = !this.options.inlineSlowPaths && b.ops.some((o) => o.op === Op.Ld || o.op === Op.St);
    // In a block that loops, an earlier pass may have written any global: every write-back covers all of them.
    const allWritten: number[] = [];
    for (const op of b.ops) {
      for (const t of [op.out, op.out2]) if (t >= 0 && b.temps[t].kind === TempKind.Global && !allWritten.includes(t)) allWritten.push(t);
    }
    if (this.loops) for (const t of allWritten) this.noteWrite(t);
    if (this.missExits) c.byte(W.Block).byte(VOID);
    if (this.loops) c.byte(W.Loop).byte(VOID);
    // Branches go forward, so the blocks of the labels nest in their order; a loop head's entry block nests
    // among them where the head starts (a branch from before it to a label after it leaves the entry block).
    for (const o of b.ops) {
      if (o.op === Op.Label) this.open.push(o.aux);
      else if (o.op === Op.InsnStart && this.headEntry(o.aux) > 0) this.open.push(-1 - this.headEntry(o.aux));
    }
    for (let i = 0; i < this.open.length; i++) c.byte(W.Block).byte(VOID);
    if (this.loopHeads.length !== 0) {
      // Each pass starts where its entry local says: 0 falls through to the block's start.
      c.byte(W.Block).byte(VOID).byte(W.LocalGet).u32(this.entryLocal).byte(W.BrTable).u32(this.loopHeads.length).u32(0);
      for (let j = 1; j <= this.loopHeads.length; j++) c.u32(this.open.indexOf(-1 - j) + 1);
      c.u32(0).byte(W.End);
    }
    for (const op of b.ops) this.emitOp(op);
    if (this.loops) c.byte(W.End);
    c.byte(W.Unreachable);
    if (this.missExits) {
      // The miss exit: a global's local always holds the register's value (an instruction writes registers only
      // after its last access), so writing back every global the block writes is right wherever it left.
      c.byte(W.End);
      this.written = allWritten;
      this.writeBack();
      this.stateAddr(); c.byte(W.LocalGet).u32(MISS_AT).byte(W.I32Store).u32(2).u32(this.L.miss);
      this.missExit = Math.max(SLOT_EXITS, b.exits.length + this.extraExits.length);
      c.byte(W.I32Const).s32(this.missExit);
    }
    c.byte(W.End);
    return this.extraExits;
  }

  /** Inside an access's if/else: leaves for the miss exit, before the current instruction. */
  private missHere(): void {
    this.c.byte(W.I32Const).s32(this.insnIndex).byte(W.LocalSet).u32(MISS_AT);
    this.c.byte(W.Br).u32(this.open.length + (this.loops ? 1 : 0) + 1);
  }

  private slot(t: number): number { return this.L.state + 4 * this.b.temps[t].value; }
  /** The base address operand of an access to a fixed address (the offset carries the address). */
  private stateAddr(): void { this.c.byte(W.I32Const).s32(0); }

  private get(t: number): void {
    const temp = this.b.temps[t];
    if (temp.kind === TempKind.Const) this.c.byte(W.I32Const).s32(temp.value);
    else this.c.byte(W.LocalGet).u32(this.local[t]);
  }

  private set(t: number): void { this.c.byte(W.LocalSet).u32(this.local[t]); }

  private writeBack(): void {
    for (const t of this.written) {
      this.stateAddr();
      this.c.byte(W.LocalGet).u32(this.local[t]).byte(W.I32Store).u32(2).u32(this.slot(t));
    }
  }

  private reloadAll(): void {
    for (const t of this.globals) {
      this.stateAddr();
      this.c.byte(W.I32Load).u32(2).u32(this.slot(t)).byte(W.LocalSet).u32(this.local[t]);
    }
  }

  private noteWrite(t: number): void {
    if (t >= 0 && this.isWritten[t] === 0 && this.b.temps[t].kind === TempKind.Global) {
      this.isWritten[t] = 1;
      this.written.push(t);
    }
  }

  /** Pushes the i32 truth value of `a cond b`. */
  private cond(cnd: Cond, a: number, b2: number): void {
    const c = this.c;
    this.get(a);
    this.get(b2);
    switch (cnd) {
      case Cond.Eq: c.byte(W.I32Eq); break;
      case Cond.Ne: c.byte(W.I32Ne); break;
      case Cond.Lt: c.byte(W.I32LtS); break;
      case Cond.Ge: c.byte(W.I32GeS); break;
      case Cond.Le: c.byte(W.I32LeS); break;
      case Cond.Gt: c.byte(W.I32GtS); break;
      case Cond.Ltu: c.byte(W.I32LtU); break;
      case Cond.Geu: c.byte(W.I32GeU); break;
      case Cond.Leu: c.byte(W.I32LeU); break;
      case Cond.Gtu: c.byte(W.I32GtU); break;
      case Cond.TstEq: c.byte(W.I32And).byte(W.I32Eqz); break;
      case Cond.TstNe: c.byte(W.I32And).byte(W.I32Const).s32(0).byte(W.I32Ne); break;
    }
  }

  private binary(op: IrInsn, code: W): void {
    this.get(op.args[0]);
    this.get(op.args[1]);
    this.c.byte(code);
    this.set(op.out);
  }

  private emitOp(op: IrInsn): void {
    const c = this.c, a = op.args;
    switch (op.op) {
      case Op.Mov: this.get(a[0]); this.set(op.out); break;
      case Op.Add: this.binary(op, W.I32Add); break;
      case Op.Sub: this.binary(op, W.I32Sub); break;
      case Op.Mul: this.binary(op, W.I32Mul); break;
      case Op.And: this.binary(op, W.I32And); break;
      case Op.Or: this.binary(op, W.I32Or); break;
      case Op.Xor: this.binary(op, W.I32Xor); break;
      case Op.Shl: this.binary(op, W.I32Shl); break;
      case Op.Shr: this.binary(op, W.I32ShrU); break;
      case Op.Sar: this.binary(op, W.I32ShrS); break;
      case Op.Rotl: this.binary(op, W.I32Rotl); break;
      case Op.Rotr: this.binary(op, W.I32Rotr); break;
      case Op.Neg: c.byte(W.I32Const).s32(0); this.get(a[0]); c.byte(W.I32Sub); this.set(op.out); break;
      case Op.Not: this.get(a[0]); c.byte(W.I32Const).s32(-1).byte(W.I32Xor); this.set(op.out); break;
      case Op.Ext8s: this.get(a[0]); c.byte(W.I32Extend8S); this.set(op.out); break;
      case Op.Ext8u: this.get(a[0]); c.byte(W.I32Const).s32(255).byte(W.I32And); this.set(op.out); break;
      case Op.Ext16s: this.get(a[0]); c.byte(W.I32Extend16S); this.set(op.out); break;
      case Op.Ext16u: this.get(a[0]); c.byte(W.I32Const).s32(65535).byte(W.I32And); this.set(op.out); break;
      case Op.Setcond: this.cond(op.cond, a[0], a[1]); this.set(op.out); break;
      case Op.Movcond: this.get(a[2]); this.get(a[3]); this.cond(op.cond, a[0], a[1]); c.byte(W.Select); this.set(op.out); break;
      case Op.Mulu2:
      case Op.Muls2: {
        const ext = op.op === Op.Mulu2 ? W.I64ExtendI32U : W.I64ExtendI32S;
        this.get(a[0]); c.byte(ext); this.get(a[1]); c.byte(ext);
        c.byte(W.I64Mul).byte(W.LocalTee).u32(PROD).byte(W.I32WrapI64); this.set(op.out);
        c.byte(W.LocalGet).u32(PROD).byte(0x42).s32(32).byte(W.I64ShrU).byte(W.I32WrapI64); this.set(op.out2);
        break;
      }
      case Op.Ld: this.emitLoad(op); break;
      case Op.St: this.emitStore(op); break;
      case Op.Call: this.emitCall(op); break;
      case Op.Label:
        if (this.open[0] !== op.aux) throw new Error('backend-wasm: labels must close in order');
        this.open.shift();
        c.byte(W.End);
        break;
      case Op.Br: c.byte(W.Br).u32(this.depth(op.aux)); break;
      case Op.Brcond: this.cond(op.cond, a[0], a[1]); c.byte(W.BrIf).u32(this.depth(op.aux)); break;
      case Op.Uncount: this.addIcount(-op.aux); break;
      case Op.InsnStart:
        if (this.headEntry(op.aux) > 0) {
          if (this.open[0] !== -1 - this.headEntry(op.aux)) throw new Error('backend-wasm: a loop head inside a label\'s block');
          this.open.shift();
          c.byte(W.End);
        }
        this.effectsInInsn = false;
        this.insnIndex = op.aux;
        this.insnEip = this.b.temps[a[0]].value;
        if (this.storeSeen) this.leaveIf(() => c.byte(W.LocalGet).u32(SMC));
        this.storeSeen = false;
        if (this.options.watchChecks && op.aux > 0) this.leaveIf(() => { this.stateAddr(); c.byte(W.I32Load).u32(2).u32(this.L.ctl + 4); });
        break;
      case Op.Exit:
        if (this.loopEntry(op.aux) >= 0) this.emitLoopBack(op.aux);
        this.writeBack();
        c.byte(W.I32Const).s32(op.aux).byte(W.Return);
        break;
    }
    this.noteWrite(op.out);
    this.noteWrite(op.out2);
  }

  private depth(label: number): number {
    const d = this.open.indexOf(label);
    if (d < 0) throw new Error('backend-wasm: branch to a closed label');
    return d;
  }

  /** ic[0] += n (a float64 in memory). */
  private addIcount(n: number): void {
    const c = this.c;
    this.stateAddr();
    this.stateAddr(); c.byte(W.F64Load).u32(3).u32(this.L.ic);
    c.byte(W.F64Const).f64(Math.abs(n)).byte(n < 0 ? W.F64Sub : W.F64Add);
    c.byte(W.F64Store).u32(3).u32(this.L.ic);
  }

  /** The entry number of the loop head that instruction `insn` is, or 0. */
  private headEntry(insn: number): number {
    for (let j = 0; j < this.loopHeads.length; j++) if (this.loopHeads[j].insn === insn) return j + 1;
    return 0;
  }

  /**
   * An exit back to the block's start or one of its loop heads: another pass
   * from there if the icount budget has room for the longest one and no exit
   * was requested. The pass so far retired the exit's count less the
   * instructions before the head: those of the next pass count from the
   * block's start again (its exits, faults and misses all do).
   */
  private emitLoopBack(exitNo: number): void {
    const c = this.c, b = this.b;
    const entry = this.loopEntry(exitNo);
    const n = b.exits[exitNo].retired - (entry === 0 ? 0 : this.loopHeads[entry - 1].insn);
    const most = Math.max(...b.exits.map((x) => x.retired));
    this.stateAddr(); c.byte(W.F64Load).u32(3).u32(this.L.ic);
    c.byte(W.F64Const).f64(n + most).byte(W.F64Add);
    this.stateAddr(); c.byte(W.F64Load).u32(3).u32(this.L.ic + 8);
    c.byte(W.F64Le);
    this.stateAddr(); c.byte(W.I32Load).u32(2).u32(this.L.ctl).byte(W.I32Eqz).byte(W.I32And);
    if (this.mayHitOwnCode()) c.byte(W.LocalGet).u32(SMC).byte(W.I32Eqz).byte(W.I32And);
    c.byte(W.If).byte(VOID);
    this.addIcount(n);
    if (this.entryLocal >= 0) c.byte(W.I32Const).s32(entry).byte(W.LocalSet).u32(this.entryLocal);
    c.byte(W.Br).u32(this.open.length + 1);
    c.byte(W.End);
  }

  /** Whether some op may write this block's code while it runs (a helper that may, or a store with its slow path inline). */
  private mayHitOwnCode(): boolean {
    let effects = false;
    for (const o of this.b.ops) {
      if (o.op === Op.InsnStart) effects = false;
      else if (o.op === Op.Call && (o.helper!.flags & EFFECTS)) effects = true;
      if (mayWriteCode(o) && (o.op !== Op.St || !this.missExits || effects)) return true;
    }
    return false;
  }

  /** Leaves before the current instruction (an extra exit) when the pushed condition is non-zero. */
  private leaveIf(condition: () => void): void {
    const c = this.c;
    const exitNo = this.b.exits.length + this.extraExits.length;
    this.extraExits.push({ retired: this.insnIndex, eip: this.insnEip });
    condition();
    c.byte(W.If).byte(VOID);
    this.writeBack();
    this.stateAddr(); c.byte(W.I32Const).s32(this.insnEip).byte(W.I32Store).u32(2).u32(this.L.state + 4 * this.eipSlot);
    c.byte(W.I32Const).s32(exitNo).byte(W.Return);
    c.byte(W.End);
  }

  /**
   * Pushes whether the TLB (tags at `tags`) maps the page of `addr` and the
   * access stays in it; leaves the entry's byte index in SCRATCH_I. Wasm
   * loads and stores may be misaligned (x86's may too, and guest code makes
   * plenty: an LZMA decoder's, a kernel's unaligned fields), so the tag is
   * compared with the page of the access's last byte, which differs from the
   * entry's when the access crosses into the next page (as QEMU's softmmu
   * does for targets that allow misaligned accesses).
   */
  private probe(addr: number, tags: number, size: number): void {
    const c = this.c;
    this.get(addr);
    c.byte(W.I32Const).s32(10).byte(W.I32ShrU).byte(W.I32Const).s32(TLB_MASK << 2).byte(W.I32And).byte(W.LocalTee).u32(SCRATCH_I);
    c.byte(W.I32Load).u32(2).u32(tags);
    this.get(addr);
    if (size > 1) c.byte(W.I32Const).s32(size - 1).byte(W.I32Add);
    c.byte(W.I32Const).s32(tagMask(1)).byte(W.I32And).byte(W.I32Eq);
  }

  /** Pushes the RAM address (without the layout's RAM base, which goes into the access's offset) of `addr` through the TLB entry in SCRATCH_I. */
  private hostAddr(addr: number): void {
    this.get(addr);
    this.c.byte(W.LocalGet).u32(SCRATCH_I).byte(W.I32Load).u32(2).u32(this.L.tlbO).byte(W.I32Add);
  }

  private emitLoad(op: IrInsn): void {
    const c = this.c, size = memOpSize(op.aux), signed = memOpSigned(op.aux), addr = op.args[0];
    this.probe(addr, this.L.tlbR, size);
    c.byte(W.If).byte(ValType.I32);
    this.hostAddr(addr);
    const load = size === 1 ? (signed ? W.I32Load8S : W.I32Load8U) : size === 2 ? (signed ? W.I32Load16S : W.I32Load16U) : W.I32Load;
    c.byte(load).u32(0).u32(this.L.ram);
    c.byte(W.Else);
    if (this.missExits && !this.effectsInInsn) {
      this.missHere();
    } else {
      this.writeBack();
      this.get(addr);
      c.byte(W.I32Const).s32(this.insnIndex).byte(W.Call).u32(this.imports.index('r', `ld${size}`, 2));
      if (signed) c.byte(size === 1 ? W.I32Extend8S : W.I32Extend16S);
    }
    c.byte(W.End);
    this.set(op.out);
  }

  private emitStore(op: IrInsn): void {
    const c = this.c, size = memOpSize(op.aux), [addr, value] = op.args;
    this.probe(addr, this.L.tlbW, size);
    c.byte(W.If).byte(VOID);
    this.hostAddr(addr);
    this.get(value);
    c.byte(size === 1 ? W.I32Store8 : size === 2 ? W.I32Store16 : W.I32Store).u32(0).u32(this.L.ram);
    c.byte(W.Else);
    if (this.missExits && !this.effectsInInsn) {
      // The TLB never lets a store reach a page holding code: such a store misses, so none here can hit this block.
      this.missHere();
      c.byte(W.End);
      return;
    }
    this.storeSeen = true;
    this.writeBack();
    this.get(addr);
    this.get(value);
    c.byte(W.I32Const).s32(this.insnIndex).byte(W.Call).u32(this.imports.index('r', `st${size}`, 3));
    this.orIntoSmc();
    c.byte(W.End);
  }

  /** smc |= (top of stack !== 0). */
  private orIntoSmc(): void {
    this.c.byte(W.I32Const).s32(0).byte(W.I32Ne).byte(W.LocalGet).u32(SMC).byte(W.I32Or).byte(W.LocalSet).u32(SMC);
  }

  private emitCall(op: IrInsn): void {
    const c = this.c, h = op.helper!;
    const writes = (h.flags & HelperFlags.WritesState) !== 0;
    const reads = (h.flags & HelperFlags.ReadsState) !== 0;
    const canFault = (h.flags & HelperFlags.CanFault) !== 0;
    if (reads || writes || canFault) this.writeBack();
    if (h.flags & EFFECTS) this.effectsInInsn = true;
    for (const t of op.args) this.get(t);
    if (canFault) c.byte(W.I32Const).s32(this.insnIndex);
    c.byte(W.Call).u32(this.imports.index('h', h.name, op.args.length + (canFault ? 1 : 0)));
    if (h.flags & HelperFlags.CodeWrite) {
      this.orIntoSmc();
      this.storeSeen = true;
    } else if (op.out >= 0) this.set(op.out);
    else c.byte(W.Drop);
    if (writes) this.reloadAll();
  }
}
