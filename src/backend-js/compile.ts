// Turns emitted JavaScript source into a callable block function, bound to
// the machine's memory views, TLB arrays and helpers through a closure.
import { type InterpSpace } from './interp.js';
import { type IrBlock, Op } from '../tcg-ir/index.js';
import { emitBlock, type EmitOptions } from './emit.js';
import { mulhu, mulhs } from './mulh.js';

/** A guest exception in flight. `stateSynced` is true when the thrower already left the state array exact. */
export interface FaultLike { stateSynced: boolean }

export interface CodeContext {
  m8: Uint8Array;
  i8: Int8Array;
  m16: Uint16Array;
  i16: Int16Array;
  m32: Int32Array;
  /** TLB read tags, write tags and host offsets (see runtime/tlb.ts). */
  tR: Int32Array;
  tW: Int32Array;
  tO: Int32Array;
  ld1(addr: number, insn: number): number;
  ld2(addr: number, insn: number): number;
  ld4(addr: number, insn: number): number;
  /** Slow-path stores return 1 when the write invalidated the block now running. */
  st1(addr: number, value: number, insn: number): number;
  st2(addr: number, value: number, insn: number): number;
  st4(addr: number, value: number, insn: number): number;
  helpers: Record<string, (...args: number[]) => number | void>;
  Fault: abstract new (...args: never[]) => FaultLike;
  eipSlot: number;
  /** Needed by self-looping blocks (and ic by blocks that uncount): [icount, icount limit] and [exit requested]. */
  ic?: Float64Array;
  ctl?: Int32Array;
  /** Needed by the interpreter (interp.ts): where its programs keep their values, beside the state. */
  interpSpace?: InterpSpace;
}

export type BlockFunction = (s: Int32Array) => number;

export interface CompiledBlock {
  fn: BlockFunction;
  source: string;
  extraExits: Array<{ retired: number; eip: number }>;
}

export function compileBlock(block: IrBlock, ctx: CodeContext, name = 'tb', options: EmitOptions = {}): CompiledBlock {
  if (options.selfLoopEip !== undefined && (!ctx.ic || !ctx.ctl)) throw new Error('backend: self-loops need ctx.ic and ctx.ctl');
  if (!ctx.ic && block.ops.some((o) => o.op === Op.Uncount)) throw new Error('backend: uncount needs ctx.ic');
  if (options.watchChecks && !ctx.ctl) throw new Error('backend: watchpoint checks need ctx.ctl');
  const { source, extraExits, helperNames } = emitBlock(block, name, options);
  const binds = helperNames.map((h, i) => {
    if (!ctx.helpers[h]) throw new Error(`backend: no helper named ${h}`);
    return `H${i} = ctx.helpers[${JSON.stringify(h)}]`;
  });
  const prologue =
    'const { m8, i8, m16, i16, m32, tR, tW, tO, ld1, ld2, ld4, st1, st2, st4, Fault, mulhu, mulhs, ic, ctl } = ctx;\n' +
    `const EIP_SLOT = ${ctx.eipSlot};\n` +
    (binds.length ? `const ${binds.join(', ')};\n` : '');
  const factory = new Function('ctx', prologue + source) as (c: unknown) => BlockFunction;
  const fn = factory({ ...ctx, mulhu, mulhs });
  return { fn, source, extraExits };
}
