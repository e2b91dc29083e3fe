// IR block -> JavaScript source of one function `(s) => exitNumber`.
//
// Guest registers (IR globals) live in JS locals for the whole block: loaded
// from the state array `s` on entry, written back at every exit, before a
// helper that reads guest state, and in a catch clause when something in the
// block throws a guest fault (the translator commits registers only after an
// instruction's last faultable op, so the locals then hold the state from
// before the faulting instruction). Every value is kept an int32.
//
// Memory: a load or store probes the softmmu TLB inline (one tag compare,
// which also fails a misaligned access) and touches the RAM typed array directly; everything else
// goes to the slow-path functions of the runtime. Forward branches become
// labelled blocks (`break Ln`), which is why the IR allows no backward branch.
import { type IrBlock, type IrInsn, TempKind, HelperFlags, Op, Cond, memOpSize, memOpSigned, mayWriteCode } from '../tcg-ir/index.js';
import { allocateRegisters, type Registers } from './regalloc.js';

/** Names the generated code expects in its closure (see compile.ts). */
export const TLB_BITS = 12;
export const TLB_MASK = (1 << TLB_BITS) - 1;

/**
 * A TLB entry's tag is its page's linear base address (-1: no page). A probe
 * for an access of `size` bytes at `linear` compares the tag with
 * `linear & tagMask(size)`, which keeps the low bits a misaligned access has
 * set: one compare tests the page and the alignment (as QEMU's softmmu does).
 */
export function tagMask(size: number): number { return -4096 | (size - 1); }

export interface EmitResult {
  source: string;
  /** Extra exits the backend adds (self-modifying-code checks): [retired, eip]. */
  extraExits: Array<{ retired: number; eip: number }>;
  helperNames: string[];
}

export interface EmitOptions {
  /**
   * The block's own start EIP when it may loop to itself inside the function
   * (a self-loop): an exit back to that EIP then continues at the top while
   * the icount budget (ic[1]) leaves room for another pass and no exit was
   * requested (ctl[0]), counting each pass in ic[0].
   */
  selfLoopEip?: number;
  /**
   * WebAssembly only: an exit to one of the block's loop heads
   * (IrBlock.loopHeads) may continue there inside the function, under the
   * same conditions as a self-loop.
   */
  loops?: boolean;
  /**
   * Watchpoints are set: at every instruction boundary the block leaves if
   * ctl[1] says a watched address was accessed (the slow path sets it), so
   * the run stops right after the accessing instruction.
   */
  watchChecks?: boolean;
  /**
   * WebAssembly only: memory slow paths as calls inside the block (as the
   * JavaScript backend always has them). Without it, an access the TLB does
   * not cover leaves the block before its instruction (the runtime runs that
   * instruction in the interpreter), so a block without helper calls calls
   * nothing and keeps its values in registers.
   */
  inlineSlowPaths?: boolean;
}

export function emitBlock(block: IrBlock, name = 'tb', options: EmitOptions = {}): EmitResult {
  const e = new Emitter(block, options);
  return e.run(name);
}

class Emitter {
  private lines: string[] = [];
  private indent = '';
  private globals: number[] = [];
  private written = new Set<number>();
  private helperIndex = new Map<string, number>();
  private extraExits: Array<{ retired: number; eip: number }> = [];
  private insnIndex = 0;
  private insnEip = 0;
  private storeSeen = false;
  private readonly regs: Registers;

  constructor(private block: IrBlock, private options: EmitOptions) {
    this.regs = allocateRegisters(block);
  }

  /** Exits that jump back to the block's start, when self-loops are enabled. */
  private isLoopExit(exitNo: number): boolean {
    const e = this.block.exits[exitNo];
    return this.options.selfLoopEip !== undefined && e.target === this.options.selfLoopEip;
  }

  run(name: string): EmitResult {
    const b = this.block;
    const used = new Set<number>();
    for (const op of b.ops) {
      for (const a of op.args) used.add(a);
      if (op.out >= 0) used.add(op.out);
      if (op.out2 >= 0) used.add(op.out2);
    }
    const locals: string[] = ['_p = 0', '_i = 0'];
    for (const t of [...used].sort((x, y) => x - y)) {
      const temp = b.temps[t];
      if (temp.kind === TempKind.Global) {
        this.globals.push(t);
        locals.push(`${this.n(t)} = s[${temp.value}]`);
      }
    }
    // Locals live in shared variables (regalloc.ts). The zero types them, and is what a block that reads a local
    // before writing it on some path reads (such a block gets a variable per local).
    for (let r = 0; r < this.regs.count; r++) locals.push(`r${r} = 0`);
    const hasStore = b.ops.some(mayWriteCode);
    if (hasStore) locals.push('smc = 0');
    const allWritten = new Set<number>();
    for (const op of b.ops) {
      if (op.out >= 0 && b.temps[op.out].kind === TempKind.Global) allWritten.add(op.out);
      if (op.out2 >= 0 && b.temps[op.out2].kind === TempKind.Global) allWritten.add(op.out2);
    }

    const labels = b.ops.filter((o) => o.op === Op.Label).map((o) => o.aux);
    const loops = b.ops.some((o) => o.op === Op.Exit && this.isLoopExit(o.aux));
    // In a block that loops, an earlier pass may have written any global: every exit writes all of them back.
    if (loops) for (const t of allWritten) this.written.add(t);
    this.line(`return function ${name}(s) {`);
    this.in();
    this.line(`let ${locals.join(', ')};`);
    this.line('try {');
    this.in();
    if (loops) { this.line('top: for (;;) {'); this.in(); }
    // Labels close in program order, so the last one opens outermost.
    for (let i = labels.length - 1; i >= 0; i--) { this.line(`L${labels[i]}: {`); this.in(); }
    for (const op of b.ops) this.emitOp(op);
    if (loops) { this.out(); this.line('}'); }
    this.out();
    this.line('} catch (e) {');
    this.in();
    const wb = [...allWritten].map((t) => `s[${b.temps[t].value}] = ${this.n(t)};`).join(' ');
    if (wb) this.line(`if (!(e instanceof Fault) || !e.stateSynced) { ${wb} }`);
    this.line('throw e;');
    this.out();
    this.line('}');
    this.out();
    this.line('};');
    const helperNames: string[] = [];
    for (const [nm, i] of this.helperIndex) helperNames[i] = nm;
    return { source: this.lines.join('\n'), extraExits: this.extraExits, helperNames };
  }

  private line(s: string): void { this.lines.push(this.indent + s); }
  private in(): void { this.indent += '  '; }
  private out(): void { this.indent = this.indent.slice(2); }

  private n(t: number): string {
    const temp = this.block.temps[t];
    switch (temp.kind) {
      case TempKind.Const: return temp.value < 0 ? `(${temp.value})` : `${temp.value}`;
      case TempKind.Global: return `g_${temp.name}`;
      case TempKind.Local: return `r${this.regs.of[t]}`;
    }
  }

  private writeBackAll(): string {
    return [...this.written].map((t) => `s[${this.block.temps[t].value}] = ${this.n(t)};`).join(' ');
  }

  private reloadAll(): string {
    return this.globals.map((t) => `${this.n(t)} = s[${this.block.temps[t].value}];`).join(' ');
  }

  private noteWrite(t: number): void {
    if (t >= 0 && this.block.temps[t].kind === TempKind.Global) this.written.add(t);
  }

  private cond(c: Cond, a: string, b: string): string {
    switch (c) {
      case Cond.Eq: return `${a} === ${b}`;
      case Cond.Ne: return `${a} !== ${b}`;
      case Cond.Lt: return `${a} < ${b}`;
      case Cond.Ge: return `${a} >= ${b}`;
      case Cond.Le: return `${a} <= ${b}`;
      case Cond.Gt: return `${a} > ${b}`;
      case Cond.Ltu: return `(${a} >>> 0) < (${b} >>> 0)`;
      case Cond.Geu: return `(${a} >>> 0) >= (${b} >>> 0)`;
      case Cond.Leu: return `(${a} >>> 0) <= (${b} >>> 0)`;
      case Cond.Gtu: return `(${a} >>> 0) > (${b} >>> 0)`;
      case Cond.TstEq: return `(${a} & ${b}) === 0`;
      case Cond.TstNe: return `(${a} & ${b}) !== 0`;
    }
  }

  private emitOp(op: IrInsn): void {
    const a = op.args.map((x) => this.n(x));
    const o = op.out >= 0 ? this.n(op.out) : '';
    switch (op.op) {
      case Op.Mov: this.line(`${o} = ${a[0]};`); break;
      case Op.Add: this.line(`${o} = (${a[0]} + ${a[1]}) | 0;`); break;
      case Op.Sub: this.line(`${o} = (${a[0]} - ${a[1]}) | 0;`); break;
      case Op.Mul: this.line(`${o} = Math.imul(${a[0]}, ${a[1]});`); break;
      case Op.And: this.line(`${o} = ${a[0]} & ${a[1]};`); break;
      case Op.Or: this.line(`${o} = ${a[0]} | ${a[1]};`); break;
      case Op.Xor: this.line(`${o} = ${a[0]} ^ ${a[1]};`); break;
      case Op.Shl: this.line(`${o} = ${a[0]} << ${a[1]};`); break;
      case Op.Shr: this.line(`${o} = (${a[0]} >>> ${a[1]}) | 0;`); break;
      case Op.Sar: this.line(`${o} = ${a[0]} >> ${a[1]};`); break;
      case Op.Rotl: this.line(`${o} = (${a[0]} << ${a[1]}) | (${a[0]} >>> ((32 - ${a[1]}) & 31));`); break;
      case Op.Rotr: this.line(`${o} = (${a[0]} >>> ${a[1]}) | (${a[0]} << ((32 - ${a[1]}) & 31));`); break;
      case Op.Neg: this.line(`${o} = (-${a[0]}) | 0;`); break;
      case Op.Not: this.line(`${o} = ~${a[0]};`); break;
      case Op.Ext8s: this.line(`${o} = (${a[0]} << 24) >> 24;`); break;
      case Op.Ext8u: this.line(`${o} = ${a[0]} & 255;`); break;
      case Op.Ext16s: this.line(`${o} = (${a[0]} << 16) >> 16;`); break;
      case Op.Ext16u: this.line(`${o} = ${a[0]} & 65535;`); break;
      case Op.Setcond: this.line(`${o} = (${this.cond(op.cond, a[0], a[1])}) ? 1 : 0;`); break;
      case Op.Movcond: this.line(`${o} = (${this.cond(op.cond, a[0], a[1])}) ? ${a[2]} : ${a[3]};`); break;
      case Op.Mulu2:
      case Op.Muls2: {
        const hi = this.n(op.out2);
        const fn = op.op === Op.Mulu2 ? 'mulhu' : 'mulhs';
        // Compute the high half first: the low half may overwrite an input.
        this.line(`_p = ${fn}(${a[0]}, ${a[1]}); ${o} = Math.imul(${a[0]}, ${a[1]}); ${hi} = _p;`);
        break;
      }
      case Op.Ld: this.emitLoad(op, o, a[0]); break;
      case Op.St: this.emitStore(op, a[0], a[1]); break;
      case Op.Call: this.emitCall(op, o, a); break;
      case Op.Label: this.out(); this.line(`} // L${op.aux}`); break;
      case Op.Br: this.line(`break L${op.aux};`); break;
      case Op.Uncount: this.line(`ic[0] -= ${op.aux};`); break;
      case Op.Brcond: this.line(`if (${this.cond(op.cond, a[0], a[1])}) break L${op.aux};`); break;
      case Op.InsnStart:
        this.insnIndex = op.aux;
        this.insnEip = this.block.temps[op.args[0]].value;
        // A slow-path store flags a write to this block's own code; leave before the next instruction runs.
        if (this.storeSeen) this.emitSmcCheck();
        this.storeSeen = false;
        if (this.options.watchChecks && op.aux > 0) this.emitWatchCheck();
        this.line(`// insn ${op.aux} @ 0x${(this.insnEip >>> 0).toString(16)}`);
        break;
      case Op.Exit:
        if (this.isLoopExit(op.aux)) {
          const n = this.block.exits[op.aux].retired;
          // Another pass may leave through any exit: the budget must have room for the longest.
          const most = Math.max(...this.block.exits.map((x) => x.retired));
          const smc = this.block.ops.some(mayWriteCode) ? ' && smc === 0' : '';
          this.line(`if (ic[0] + ${n + most} <= ic[1] && ctl[0] === 0${smc}) { ic[0] += ${n}; continue top; }`);
        }
        this.line(`${this.writeBackAll()} return ${op.aux};`);
        break;
    }
    this.noteWrite(op.out);
    this.noteWrite(op.out2);
  }

  /** After a slow-path store invalidated this very block, leave before running stale code. */
  private emitSmcCheck(): void {
    const exitNo = this.block.exits.length + this.extraExits.length;
    this.extraExits.push({ retired: this.insnIndex, eip: this.insnEip });
    this.line(`if (smc !== 0) { ${this.writeBackAll()} s[EIP_SLOT] = ${this.insnEip}; return ${exitNo}; }`);
  }

  /** With watchpoints set: leave before this instruction when the previous one touched a watched address. */
  private emitWatchCheck(): void {
    const exitNo = this.block.exits.length + this.extraExits.length;
    this.extraExits.push({ retired: this.insnIndex, eip: this.insnEip });
    this.line(`if (ctl[1] !== 0) { ${this.writeBackAll()} s[EIP_SLOT] = ${this.insnEip}; return ${exitNo}; }`);
  }

  private emitLoad(op: IrInsn, o: string, addr: string): void {
    const size = memOpSize(op.aux);
    const signed = memOpSigned(op.aux);
    const k = this.insnIndex;
    this.line(`_i = (${addr} >>> 12) & ${TLB_MASK};`);
    const view = size === 1 ? (signed ? 'i8' : 'm8') : size === 2 ? (signed ? 'i16' : 'm16') : 'm32';
    const shift = size === 1 ? '| 0' : size === 2 ? '>> 1' : '>> 2';
    const slow = `ld${size}(${addr}, ${k})`;
    const slowConv = signed ? (size === 1 ? `(${slow} << 24) >> 24` : `(${slow} << 16) >> 16`) : slow;
    this.line(`if (tR[_i] === (${addr} & ${tagMask(size)})) ${o} = ${view}[(${addr} + tO[_i]) ${shift}]; else ${o} = ${slowConv};`);
  }

  private emitStore(op: IrInsn, addr: string, value: string): void {
    const size = memOpSize(op.aux);
    const k = this.insnIndex;
    this.storeSeen = true;
    this.line(`_i = (${addr} >>> 12) & ${TLB_MASK};`);
    const view = size === 1 ? 'm8' : size === 2 ? 'm16' : 'm32';
    const shift = size === 1 ? '| 0' : size === 2 ? '>> 1' : '>> 2';
    this.line(`if (tW[_i] === (${addr} & ${tagMask(size)})) ${view}[(${addr} + tO[_i]) ${shift}] = ${value}; else if (st${size}(${addr}, ${value}, ${k}) !== 0) smc = 1;`);
  }

  private emitCall(op: IrInsn, o: string, args: string[]): void {
    const h = op.helper!;
    let idx = this.helperIndex.get(h.name);
    if (idx === undefined) { idx = this.helperIndex.size; this.helperIndex.set(h.name, idx); }
    const writes = (h.flags & HelperFlags.WritesState) !== 0;
    const reads = (h.flags & HelperFlags.ReadsState) !== 0;
    const canFault = (h.flags & HelperFlags.CanFault) !== 0;
    if (reads || writes) { const wb = this.writeBackAll(); if (wb) this.line(wb); }
    const callArgs = canFault ? [...args, String(this.insnIndex)] : args;
    const call = `H${idx}(${callArgs.join(', ')})`;
    if (h.flags & HelperFlags.CodeWrite) {
      this.line(`if (${call} !== 0) smc = 1;`);
      this.storeSeen = true;
    } else {
      this.line(o ? `${o} = ${call} | 0;` : `${call};`);
    }
    if (writes) { const rl = this.reloadAll(); if (rl) this.line(rl); }
  }
}
