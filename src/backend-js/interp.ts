// The cold tier: runs an IR block by interpreting it, with no JavaScript
// generated. Most guest code (a kernel's init functions, say) runs a few
// times and never again; compiling it (emitting source, V8 parsing it, then
// running it in V8's own interpreter until V8 decides it is hot) costs far
// more than interpreting the IR. The runtime starts every block here and
// compiles the ones that turn out hot (runtime/exec.ts).
//
// It must do exactly what the compiled block does (emit.ts): the same guest
// loads and stores through the same TLB fast path and slow-path functions,
// the same helper calls seeing the same state, the same exits with the same
// state, and on a guest fault the same state left behind (it works on the
// state in place: see InterpSpace). Like the compiled block, it checks for
// a write to its own code at the start of an instruction after one that
// stored; its extra exits are numbered differently (one per instruction
// after the first, "leave before instruction k", taken or not), so the
// block's exit tables come with it. Each op carries the number of its
// instruction (for faults), so the other instruction starts are not
// executed at all.
import { type IrBlock, type IrInsn, TempKind, HelperFlags, Op, mayWriteCode, Scratch } from '../tcg-ir/index.js';
import { type CodeContext, type BlockFunction } from './compile.js';
import { TLB_MASK } from './emit.js';
import { mulhu, mulhs } from './mulh.js';
import { Int32Slab } from './slab.js';

export interface InterpretedBlock {
  fn: BlockFunction;
  extraExits: Array<{ retired: number; eip: number }>;
}

/** The most arguments a helper call may take here (more: the block must be compiled). */
const MAX_HELPER_ARGS = 6;

// Layout of one encoded op: header words, then its arguments. Arguments and
// outputs are word indices into the space's words: a global is its state
// slot, in place; a constant or a local has a word of the program's own.
// word 0: op | cond << 8 | nargs << 16
const W_OUT = 1;
const W_OUT2 = 2;
const W_AUX = 3; // exit number, MemOp, branch target (code offset), instruction number, helper index
const W_EXTRA = 4; // InsnStart: its EIP
const W_INSN = 5; // loads, stores and calls: the number of the instruction they belong to (for faults)
const W_ARGS = 6;

/**
 * Where interpreted blocks keep their values: words of one Int32Array that
 * also holds the guest state (the arena, runtime/arena.ts), so a block reads
 * and writes guest registers in place. Nothing is loaded when it starts,
 * written back when it leaves or calls a helper, or reloaded after one:
 * the state is always current, and since an instruction writes registers
 * only after its last operation that can fault, a fault finds the state of
 * its instruction's start, as compiled code leaves it.
 *
 * Each program gets words of its own for its constants (set once) and
 * locals (valid IR writes a local before reading it, so none needs
 * resetting; one block runs at a time, and none runs itself again), taken
 * from [next, end) and never given back one by one: the runtime starts over
 * (resetInterpSpace) when it drops its translations.
 */
export interface InterpSpace {
  words: Int32Array;
  /** The word of state slot 0. */
  stateWord: number;
  /** The program words: [first, end), those from next on still free. */
  first: number;
  next: number;
  end: number;
}

/** A space in `buffer`: the state array at byte `stateByte`, `words` words for programs from byte `fromByte`. */
export function createInterpSpace(buffer: ArrayBufferLike, stateByte: number, fromByte: number, words: number): InterpSpace {
  return { words: new Int32Array(buffer), stateWord: stateByte >> 2, first: fromByte >> 2, next: fromByte >> 2, end: (fromByte >> 2) + words };
}

/** Frees every program's words (their blocks are dropped). */
export function resetInterpSpace(space: InterpSpace): void { space.next = space.first; }

/** Free program words (the runtime starts over before a block could find too few). */
export function interpWordsLeft(space: InterpSpace): number { return space.end - space.next; }

interface Program {
  ctx: CodeContext;
  code: Int32Array;
  /** The space's words (InterpSpace.words): state and program values alike. */
  words: Int32Array;
  /** The word of the EIP slot. */
  eipWord: number;
  helpers: Array<(...args: number[]) => number | void>;
  helperFlags: Int32Array;
  /** First extra exit: leaving before instruction k is exit extraBase + k - 1. */
  extraBase: number;
}

/** Can this block run in the interpreter? (Every block the translator makes can; a guard for the future.) */
export function canInterpret(block: IrBlock): boolean {
  return block.ops.every((o) => o.op !== Op.Call || o.args.length <= MAX_HELPER_ARGS);
}

export function interpretBlock(block: IrBlock, ctx: CodeContext): InterpretedBlock {
  const prog = prepare(block, ctx);
  return { fn: () => execute(prog), extraExits: extraExitsOf(block) };
}

function extraExitsOf(block: IrBlock): Array<{ retired: number; eip: number }> {
  const out: Array<{ retired: number; eip: number }> = [];
  for (const o of block.ops) {
    if (o.op === Op.InsnStart && o.aux > 0) out[o.aux - 1] = { retired: o.aux, eip: block.temps[o.args[0]].value };
  }
  return out;
}

/** Reused across blocks by prepare (nothing nests): the encoded ops, uses per temp, word per temp, label positions. */
let codeBuf = new Int32Array(4096);
const usesScratch = new Scratch(), wordScratch = new Scratch(), labelScratch = new Scratch();
/** Where programs' code lives. */
const programSlab = new Int32Slab();

function prepare(block: IrBlock, ctx: CodeContext): Program {
  const space = ctx.interpSpace;
  if (!space) throw new Error('interpreter: the context has no interpSpace');
  const ops = block.ops, temps = block.temps, words = space.words;
  // Move fusion (see fusable): how often each temp is read.
  const uses = usesScratch.take(temps.length);
  for (const o of ops) {
    if (o.op === Op.Uncount && !ctx.ic) throw new Error('interpreter: uncount needs ctx.ic');
    for (const a of o.args) uses[a]++;
  }
  // The word of each temp the code names: a global's state slot, else a word of the program's own.
  const wordOf = wordScratch.take(temps.length, -1);
  const word = (t: number): number => {
    let w = wordOf[t];
    if (w < 0) {
      const temp = temps[t];
      if (temp.kind === TempKind.Global) w = space.stateWord + temp.value;
      else {
        if (space.next >= space.end) throw new Error('interpreter: out of program words (the runtime resets the space before)');
        w = space.next++;
        if (temp.kind === TempKind.Const) words[w] = temp.value;
      }
      wordOf[t] = w;
    }
    return w;
  };
  const helpers: Program['helpers'] = [];
  const helperNames: string[] = [];
  const helperFlags: number[] = [];
  const labelAt = labelScratch.take(block.labelCount, -1);
  const branchFixups: number[] = []; // (code position, label) pairs
  let len = 0;
  let insn = 0;
  let stored = false;
  for (let i = 0; i < ops.length; i++) {
    const o = ops[i];
    if (o.op === Op.Label) { labelAt[o.aux] = len; continue; }
    if (o.op === Op.InsnStart) {
      insn = o.aux;
      // Only an instruction after one that may have written code needs its start: the check for that write.
      const check = stored;
      stored = false;
      if (!check) continue;
    } else if (mayWriteCode(o)) {
      stored = true;
    }
    let out = o.out;
    if (fusable(block, o, ops[i + 1], uses)) out = ops[++i].out;
    const at = len, nargs = o.args.length;
    if (codeBuf.length < len + W_ARGS + nargs) {
      const bigger = new Int32Array(codeBuf.length * 2);
      bigger.set(codeBuf);
      codeBuf = bigger;
    }
    const code = codeBuf;
    code[at] = o.op | (o.cond << 8) | (nargs << 16);
    code[at + W_OUT] = out >= 0 ? word(out) : -1;
    code[at + W_OUT2] = o.out2 >= 0 ? word(o.out2) : -1;
    code[at + W_AUX] = o.aux;
    code[at + W_EXTRA] = 0;
    code[at + W_INSN] = insn;
    for (let k = 0; k < nargs; k++) code[at + W_ARGS + k] = word(o.args[k]);
    len = at + W_ARGS + nargs;
    switch (o.op) {
      case Op.Br: case Op.Brcond: branchFixups.push(at + W_AUX, o.aux); break;
      case Op.InsnStart: code[at + W_EXTRA] = temps[o.args[0]].value; break;
      case Op.Call: {
        const h = o.helper!;
        let idx = helperNames.indexOf(h.name);
        if (idx < 0) {
          const f = ctx.helpers[h.name];
          if (!f) throw new Error(`backend: no helper named ${h.name}`);
          idx = helpers.length;
          helperNames.push(h.name);
          helpers.push(f);
          helperFlags.push(h.flags);
        }
        code[at + W_AUX] = idx;
        break;
      }
    }
  }
  for (let k = 0; k < branchFixups.length; k += 2) codeBuf[branchFixups[k]] = labelAt[branchFixups[k + 1]];
  // One slab allocation for the program's arrays (a typed array's own backing store is the costly part).
  const all = programSlab.alloc(len + helperFlags.length);
  const code = all.subarray(0, len);
  code.set(codeBuf.subarray(0, len));
  const flags = all.subarray(len);
  for (let i = 0; i < helperFlags.length; i++) flags[i] = helperFlags[i];
  return { ctx, code, words, eipWord: space.stateWord + ctx.eipSlot, helpers, helperFlags: flags, extraBase: block.exits.length };
}

/**
 * Whether `t = op ...; x = mov t` (o, then next) can run as `x = op ...`:
 * the local t has no other use. One dispatch fewer, the same values (nothing
 * runs between the two, and an op that throws writes neither). A third of
 * the IR is such moves (an instruction computes into a local, then commits it).
 */
function fusable(block: IrBlock, o: IrInsn, next: IrInsn | undefined, uses: Int32Array): boolean {
  return next !== undefined && next.op === Op.Mov && o.out >= 0 && o.out2 < 0 && o.op !== Op.Call &&
    next.args[0] === o.out && uses[o.out] === 1 && block.temps[o.out].kind === TempKind.Local;
}

function cond(c: number, a: number, b: number): boolean {
  switch (c) {
    case 0: return a === b; // Eq
    case 1: return a !== b; // Ne
    case 2: return a < b; // Lt
    case 3: return a >= b; // Ge
    case 4: return a <= b; // Le
    case 5: return a > b; // Gt
    case 6: return (a >>> 0) < (b >>> 0); // Ltu
    case 7: return (a >>> 0) >= (b >>> 0); // Geu
    case 8: return (a >>> 0) <= (b >>> 0); // Leu
    case 9: return (a >>> 0) > (b >>> 0); // Gtu
    case 10: return (a & b) === 0; // TstEq
    default: return (a & b) !== 0; // TstNe
  }
}

function execute(p: Program): number {
  const { code, ctx } = p;
  const v = p.words;
  let pc = 0, smc = 0;
  for (;;) {
    const head = code[pc];
    const out = code[pc + W_OUT];
    const a0 = code[pc + W_ARGS], a1 = code[pc + W_ARGS + 1];
    const next = pc + W_ARGS + (head >> 16);
    switch (head & 255) {
      case Op.Mov: v[out] = v[a0]; break;
      case Op.Add: v[out] = (v[a0] + v[a1]) | 0; break;
      case Op.Sub: v[out] = (v[a0] - v[a1]) | 0; break;
      case Op.Mul: v[out] = Math.imul(v[a0], v[a1]); break;
      case Op.And: v[out] = v[a0] & v[a1]; break;
      case Op.Or: v[out] = v[a0] | v[a1]; break;
      case Op.Xor: v[out] = v[a0] ^ v[a1]; break;
      case Op.Shl: v[out] = v[a0] << v[a1]; break;
      case Op.Shr: v[out] = v[a0] >>> v[a1]; break;
      case Op.Sar: v[out] = v[a0] >> v[a1]; break;
      case Op.Rotl: { const x = v[a0], n = v[a1]; v[out] = (x << n) | (x >>> ((32 - n) & 31)); break; }
      case Op.Rotr: { const x = v[a0], n = v[a1]; v[out] = (x >>> n) | (x << ((32 - n) & 31)); break; }
      case Op.Neg: v[out] = -v[a0]; break;
      case Op.Not: v[out] = ~v[a0]; break;
      case Op.Ext8s: v[out] = (v[a0] << 24) >> 24; break;
      case Op.Ext8u: v[out] = v[a0] & 255; break;
      case Op.Ext16s: v[out] = (v[a0] << 16) >> 16; break;
      case Op.Ext16u: v[out] = v[a0] & 65535; break;
      case Op.Setcond: v[out] = cond((head >>> 8) & 255, v[a0], v[a1]) ? 1 : 0; break;
      case Op.Movcond:
        v[out] = cond((head >>> 8) & 255, v[a0], v[a1]) ? v[code[pc + W_ARGS + 2]] : v[code[pc + W_ARGS + 3]];
        break;
      case Op.Mulu2: case Op.Muls2: {
        const x = v[a0], y = v[a1];
        const hi = (head & 255) === Op.Mulu2 ? mulhu(x, y) : mulhs(x, y);
        v[out] = Math.imul(x, y);
        v[code[pc + W_OUT2]] = hi;
        break;
      }
      case Op.Ld: v[out] = load(ctx, code[pc + W_AUX], v[a0], code[pc + W_INSN]); break;
      case Op.St: if (store(ctx, code[pc + W_AUX], v[a0], v[a1], code[pc + W_INSN]) !== 0) smc = 1; break;
      case Op.Call: {
        const idx = code[pc + W_AUX], flags = p.helperFlags[idx];
        const r = callHelper(p.helpers[idx], code, v, pc + W_ARGS, head >> 16, (flags & HelperFlags.CanFault) !== 0 ? code[pc + W_INSN] : -1);
        if (flags & HelperFlags.CodeWrite) { if (r !== 0) smc = 1; } else if (out >= 0) v[out] = r | 0;
        break;
      }
      case Op.Br: pc = code[pc + W_AUX]; continue;
      case Op.Uncount: ctx.ic![0] -= code[pc + W_AUX]; break;
      case Op.Brcond:
        if (cond((head >>> 8) & 255, v[a0], v[a1])) { pc = code[pc + W_AUX]; continue; }
        break;
      case Op.InsnStart:
        // A store hit this block's code: leave before instruction k.
        if (smc !== 0) {
          v[p.eipWord] = code[pc + W_EXTRA];
          return p.extraBase + code[pc + W_AUX] - 1;
        }
        break;
      case Op.Exit: return code[pc + W_AUX];
      default:
        throw new Error(`interpreter: op ${head & 255}`);
    }
    pc = next;
  }
}

// TLB tags: -4096, -4095 and -4093 are tagMask(1), tagMask(2) and tagMask(4) (emit.ts).
function load(ctx: CodeContext, memOp: number, addr: number, insn: number): number {
  const i = (addr >>> 12) & TLB_MASK, tag = ctx.tR[i];
  switch (memOp) {
    case 1: return tag === (addr & -4096) ? ctx.m8[addr + ctx.tO[i]] : ctx.ld1(addr, insn);
    case 9: return tag === (addr & -4096) ? ctx.i8[addr + ctx.tO[i]] : (ctx.ld1(addr, insn) << 24) >> 24;
    case 2: return tag === (addr & -4095) ? ctx.m16[(addr + ctx.tO[i]) >> 1] : ctx.ld2(addr, insn);
    case 10: return tag === (addr & -4095) ? ctx.i16[(addr + ctx.tO[i]) >> 1] : (ctx.ld2(addr, insn) << 16) >> 16;
    default: return tag === (addr & -4093) ? ctx.m32[(addr + ctx.tO[i]) >> 2] : ctx.ld4(addr, insn);
  }
}

/** Returns non-zero when a slow-path store hit translated code of the running block. */
function store(ctx: CodeContext, memOp: number, addr: number, value: number, insn: number): number {
  const i = (addr >>> 12) & TLB_MASK, tag = ctx.tW[i];
  switch (memOp & 7) {
    case 1:
      if (tag === (addr & -4096)) { ctx.m8[addr + ctx.tO[i]] = value; return 0; }
      return ctx.st1(addr, value, insn);
    case 2:
      if (tag === (addr & -4095)) { ctx.m16[(addr + ctx.tO[i]) >> 1] = value; return 0; }
      return ctx.st2(addr, value, insn);
    default:
      if (tag === (addr & -4093)) { ctx.m32[(addr + ctx.tO[i]) >> 2] = value; return 0; }
      return ctx.st4(addr, value, insn);
  }
}

/** Calls a helper with the values of its argument temps (and the instruction number when it can fault, as compiled code does). */
function callHelper(f: (...args: number[]) => number | void, code: Int32Array, v: Int32Array, at: number, n: number, insn: number): number {
  const a = (k: number): number => v[code[at + k]];
  const withInsn = insn >= 0;
  let r: number | void;
  switch (n + (withInsn ? 1 : 0)) {
    case 0: r = f(); break;
    case 1: r = n === 1 ? f(a(0)) : f(insn); break;
    case 2: r = n === 2 ? f(a(0), a(1)) : f(a(0), insn); break;
    case 3: r = n === 3 ? f(a(0), a(1), a(2)) : f(a(0), a(1), insn); break;
    case 4: r = n === 4 ? f(a(0), a(1), a(2), a(3)) : f(a(0), a(1), a(2), insn); break;
    case 5: r = n === 5 ? f(a(0), a(1), a(2), a(3), a(4)) : f(a(0), a(1), a(2), a(3), insn); break;
    case 6: r = n === 6 ? f(a(0), a(1), a(2), a(3), a(4), a(5)) : f(a(0), a(1), a(2), a(3), a(4), insn); break;
    default: r = f(a(0), a(1), a(2), a(3), a(4), a(5), insn); break;
  }
  return (r as number) | 0;
}
