// Blocks -> one WebAssembly module, compiled and instantiated at once (a
// module has a fixed cost of tens of microseconds, so the runtime compiles
// blocks in batches). The module imports the machine's memory, the memory
// slow paths and the helpers its blocks call, and exports one function per
// block. V8 compiles each function with its baseline compiler (Liftoff) on
// first call and optimizes the hot ones in the background.
import { type IrBlock, Op } from '../tcg-ir/index.js';
import { type CodeContext, type BlockFunction, type EmitOptions } from '../backend-js/index.js';
import { Bytes, ValType } from './encode.js';
import { emitWasmBlock, type WasmLayout, type ImportTable } from './emit.js';

export interface WasmContext extends CodeContext {
  memory: WebAssembly.Memory;
  layout: WasmLayout;
}

export interface WasmCompiled {
  fn: BlockFunction;
  extraExits: Array<{ retired: number; eip: number }>;
  /** Size of the function's code in the module (statistics). */
  bytes: number;
  /** Its exit for a memory access the TLB does not cover, or -1 (emit.ts, WasmBlock). */
  missExit: number;
}

/** A block to compile: its IR, emit options, and a name for profilers and stack traces (tb_<linear address>). */
export interface WasmItem { block: IrBlock; options?: EmitOptions; name?: string }

export function compileWasmBlocks(items: WasmItem[], ctx: WasmContext): WasmCompiled[] {
  const imports = new Imports(ctx);
  // The code section first (emitting finds the imports), then the module around it.
  const code = new Bytes(items.length * 2048).u32(items.length);
  const blocks = items.map(({ block, options }) => {
    if (block.ops.some((o) => o.op === Op.Uncount) && !ctx.ic) throw new Error('backend-wasm: uncount needs ctx.ic');
    return emitWasmBlock(block, ctx.layout, ctx.eipSlot, imports, code, options);
  });
  const m = new Bytes(code.length + 256 + 32 * (imports.list.length + blocks.length));
  m.byte(0x00).byte(0x61).byte(0x73).byte(0x6d).byte(1).byte(0).byte(0).byte(0);
  // Types: 0 is a block `() -> i32`; k + 1 is an import with k int32 parameters.
  const maxParams = Math.max(0, ...imports.list.map((x) => x.params));
  const types = new Bytes().u32(maxParams + 2);
  types.byte(0x60).u32(0).u32(1).byte(ValType.I32);
  for (let k = 0; k <= maxParams; k++) {
    types.byte(0x60).u32(k);
    for (let i = 0; i < k; i++) types.byte(ValType.I32);
    types.u32(1).byte(ValType.I32);
  }
  m.section(1, types);
  const imp = new Bytes().u32(imports.list.length + 1);
  for (const x of imports.list) imp.name(x.module).name(x.name).byte(0x00).u32(x.params + 1);
  const pages = ctx.memory.buffer.byteLength / 65536;
  imp.name('m').name('memory').byte(0x02).byte(0x01).u32(pages).u32(pages);
  m.section(2, imp);
  const funcs = new Bytes().u32(blocks.length);
  for (let i = 0; i < blocks.length; i++) funcs.u32(0);
  m.section(3, funcs);
  const exports = new Bytes().u32(blocks.length);
  for (let i = 0; i < blocks.length; i++) exports.name(`b${i}`).byte(0x00).u32(imports.list.length + i);
  m.section(7, exports);
  m.section(10, code);
  // The name section (spec, appendix 7.4): profilers and stack traces show each block's name.
  const names = new Bytes().u32(items.length);
  items.forEach((it, i) => names.u32(imports.list.length + i).name(it.name ?? `b${i}`));
  const custom = new Bytes().name('name').byte(1).u32(names.length).append(names);
  m.section(0, custom);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(m.bytes()), imports.object());
  return blocks.map((b, i) => ({ fn: instance.exports[`b${i}`] as unknown as BlockFunction, extraExits: b.extraExits, bytes: b.bytes, missExit: b.missExit }));
}

class Imports implements ImportTable {
  readonly list: Array<{ module: 'r' | 'h'; name: string; params: number }> = [];
  private byKey = new Map<string, number>();

  constructor(private ctx: WasmContext) {}

  index(module: 'r' | 'h', name: string, params: number): number {
    const key = `${module}.${name}`;
    let i = this.byKey.get(key);
    if (i === undefined) {
      if (module === 'h' && !this.ctx.helpers[name]) throw new Error(`backend: no helper named ${name}`);
      i = this.list.length;
      this.list.push({ module, name, params });
      this.byKey.set(key, i);
    } else if (this.list[i].params !== params) {
      throw new Error(`backend-wasm: ${name} called with ${params} and ${this.list[i].params} arguments`);
    }
    return i;
  }

  object(): WebAssembly.Imports {
    const c = this.ctx;
    const r: Record<string, unknown> = {}, h: Record<string, unknown> = {};
    for (const x of this.list) {
      if (x.module === 'r') r[x.name] = (c as unknown as Record<string, unknown>)[x.name];
      else h[x.name] = c.helpers[x.name];
    }
    return { r, h, m: { memory: c.memory } } as WebAssembly.Imports;
  }
}
