// Compiling blocks: at once (no interpreter: jitThreshold 0, the debug log,
// watchpoints), or hot interpreted blocks promoted by the executor. Wasm
// blocks are compiled in batches (a module has a fixed cost of tens of
// microseconds): a promoted block waits, still interpreted, until its batch
// fills or it has run WASM_WAIT_RUNS more times. Compiled wasm blocks get a
// slot for chaining inside wasm (chain.ts).
import { type IrBlock } from '../tcg-ir/index.js';
import { compileBlock, type BlockFunction, type EmitOptions } from '../backend-js/index.js';
import { compileWasmBlocks, type WasmContext } from '../backend-wasm/index.js';
import { type TranslationBlock } from './tb.js';
import { type WasmChain } from './chain.js';

/** Runs of a block waiting for its batch after which the batch is compiled anyway (a hot loop should not wait). */
const WASM_WAIT_RUNS = 100;

/** What hot blocks are compiled to. */
export type Backend = 'wasm' | 'js';

export interface CompiledCode {
  fn: BlockFunction;
  extraExits: Array<{ retired: number; eip: number }>;
  /** The exit for memory accesses the TLB does not cover, or -1 (backend-wasm). */
  missExit: number;
  /** The JavaScript source (for the debug log), or '' for wasm. */
  source: string;
  wasm: boolean;
}

export class BlockCompiler {
  /**
   * What blocks are compiled to: WebAssembly (the default: V8 compiles it
   * without waiting for type feedback, and it runs faster than JavaScript)
   * or JavaScript.
   */
  backend: Backend = 'wasm';
  /** Hot blocks compiled together into one WebAssembly module. */
  wasmBatch = 64;
  /** Blocks compiled, and the size of their code (statistics: JavaScript source or wasm bytes). */
  compiledBlocks = 0;
  codeBytes = 0;
  /** Hot blocks waiting to be compiled together (wasm), with their IR. */
  private pending: Array<{ tb: TranslationBlock; ir: IrBlock; options: EmitOptions }> = [];

  constructor(private readonly ctx: WasmContext, private readonly chain: WasmChain) {}

  /** Compiles a block now; `js` asks for JavaScript whatever the backend (the debug log shows its source). */
  now(ir: IrBlock, linear: number, options: EmitOptions, js: boolean): CompiledCode {
    this.compiledBlocks++;
    if (js || this.backend === 'js') {
      const compiled = compileBlock(ir, this.ctx, blockName(linear), options);
      this.codeBytes += compiled.source.length;
      return { ...compiled, wasm: false, missExit: -1 };
    }
    const compiled = compileWasmBlocks([{ block: ir, options, name: blockName(linear) }], this.ctx)[0];
    this.codeBytes += compiled.bytes;
    return { ...compiled, source: '', wasm: true };
  }

  /** Whether a promoted block waits for its batch. */
  waiting(tb: TranslationBlock): boolean { return this.pending.some((p) => p.tb === tb); }

  /** Compiles a hot interpreted block (`ir` is its translation made again) in place, or queues it for a wasm batch. */
  promote(tb: TranslationBlock, ir: IrBlock, options: EmitOptions): void {
    if (this.backend === 'js') {
      const compiled = compileBlock(ir, this.ctx, blockName(tb.csBase + tb.eip), options);
      this.codeBytes += compiled.source.length;
      this.install(tb, ir, { ...compiled, missExit: -1 });
      return;
    }
    this.pending.push({ tb, ir, options });
    tb.coldRuns = WASM_WAIT_RUNS;
    if (this.pending.length >= this.wasmBatch) this.compilePending();
  }

  /** Compiles the waiting blocks still valid into one WebAssembly module. */
  compilePending(): void {
    const batch = this.pending.filter((p) => p.tb.valid);
    this.pending = [];
    if (batch.length === 0) return;
    const code = compileWasmBlocks(batch.map((p) => ({ block: p.ir, options: p.options, name: blockName(p.tb.csBase + p.tb.eip) })), this.ctx);
    batch.forEach((p, i) => {
      this.codeBytes += code[i].bytes;
      this.install(p.tb, p.ir, code[i]);
      this.chain.assign(p.tb);
    });
  }

  /**
   * Compiles a wasm block again, now, with its memory slow paths inline
   * (`ir` is its translation made again): it leaves through its miss exit
   * too often (runtime/exec.ts). It keeps its slot.
   */
  recompileInline(tb: TranslationBlock, ir: IrBlock, options: EmitOptions): void {
    const code = compileWasmBlocks([{ block: ir, options: { ...options, inlineSlowPaths: true }, name: blockName(tb.csBase + tb.eip) }], this.ctx)[0];
    this.codeBytes += code.bytes;
    this.install(tb, ir, code);
    this.chain.refresh(tb);
  }

  /** Forgets the waiting blocks (the translation cache was flushed). */
  flush(): void { this.pending.length = 0; }

  private install(tb: TranslationBlock, ir: IrBlock, code: { fn: BlockFunction; extraExits: Array<{ retired: number }>; missExit: number }): void {
    const { exitDynamic, exitRetired } = exitTables(ir.exits, code.extraExits, code.missExit);
    tb.replaceCode(code.fn, exitDynamic, exitRetired, ir.exits.length, code.missExit);
    tb.coldRuns = 0;
    this.compiledBlocks++;
  }
}

/**
 * The exit tables of a block: its guest exits, then the extra exits of its
 * implementation (computed targets), and up to its miss exit, if any (its
 * instructions retired are the runtime's to add).
 */
export function exitTables(exits: IrBlock['exits'], extra: Array<{ retired: number }>, missExit = -1): { exitDynamic: Uint8Array; exitRetired: Int32Array } {
  const n = Math.max(exits.length + extra.length, missExit + 1);
  const exitDynamic = new Uint8Array(n).fill(1), exitRetired = new Int32Array(n);
  exits.forEach((x, i) => { exitDynamic[i] = x.target === -1 ? 1 : 0; exitRetired[i] = x.retired; });
  extra.forEach((x, i) => { exitRetired[exits.length + i] = x.retired; });
  return { exitDynamic, exitRetired };
}

/** A compiled block's name (profilers and stack traces show it): its linear address. */
function blockName(linear: number): string { return `tb_${(linear >>> 0).toString(16).padStart(8, '0')}`; }
