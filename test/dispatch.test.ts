// The wasm dispatcher (src/backend-wasm/dispatch.ts) and its records (src/runtime/chain.ts):
// which block it runs next, and when it must return to JavaScript instead.
// Two one-instruction blocks: A (EIP 0x1000) leaves through a computed exit
// to 0x2000; B (EIP 0x2000) adds 1 to a counter and leaves for 0x1000.
import { describe, it, expect, beforeEach } from 'vitest';
import { IrBuilder } from '../src/tcg-ir/index.js';
import { TLB_BITS } from '../src/backend-js/index.js';
import { compileWasmBlocks, type WasmContext, type WasmLayout } from '../src/backend-wasm/index.js';
import { TranslationBlock } from '../src/runtime/index.js';
import { WasmChain } from '../src/runtime/chain.js';
import { MappingScope } from '../src/runtime/memory.js';

const COUNTER = 0, EIP = 8, CS_BASE = 9, CPL = 10;
const LAYOUT: WasmLayout = {
  state: 0, ic: 256, ctl: 272, cur: 280, jgen: 284, miss: 292,
  tlbR: 4096, tlbW: 4096 + 4 * (1 << TLB_BITS), tlbO: 4096 + 8 * (1 << TLB_BITS),
  jcache: 65536, regions: 65536 + 49152, slots: 131072, ram: 196608,
};

function block(eip: number, next: number, dynamic: boolean, count: boolean, ctx: WasmContext, mode = 0): TranslationBlock {
  const b = new IrBuilder();
  const eipG = b.global(EIP, 'eip'), counter = b.global(COUNTER, 'counter');
  b.insnStart(eip, 0);
  if (count) b.addi(counter, 1, counter);
  b.mov(eipG, b.const(next));
  b.exit(dynamic ? -1 : next, 1);
  const [code] = compileWasmBlocks([{ block: b.block }], ctx);
  return new TranslationBlock(mode, 0, eip, code.fn, Uint8Array.of(dynamic ? 1 : 0), Int32Array.of(1), [eip, eip + 1], [eip >>> 12], eip, eip, eip, eip + 1);
}

describe('the wasm dispatcher', () => {
  let s: Int32Array, ic: Float64Array, chain: WasmChain, a: TranslationBlock, b: TranslationBlock, ctx: WasmContext;
  const run = (from: TranslationBlock) => {
    const r = chain.run(from.slot);
    return { last: chain.block(r & 0xffff) === a ? 'A' : 'B', exit: (r >>> 16) & 0x7fff, accounted: r < 0, counter: s[COUNTER], icount: ic[0] };
  };
  beforeEach(() => {
    const memory = new WebAssembly.Memory({ initial: 4, maximum: 4 });
    const buf = memory.buffer;
    s = new Int32Array(buf, LAYOUT.state, 16);
    ic = new Float64Array(buf, LAYOUT.ic, 2);
    const ram = 65536;
    ctx = {
      m8: new Uint8Array(buf, LAYOUT.ram, ram), i8: new Int8Array(buf, LAYOUT.ram, ram), m16: new Uint16Array(buf, LAYOUT.ram, ram / 2),
      i16: new Int16Array(buf, LAYOUT.ram, ram / 2), m32: new Int32Array(buf, LAYOUT.ram, ram / 4),
      tR: new Int32Array(buf, LAYOUT.tlbR, 1 << TLB_BITS), tW: new Int32Array(buf, LAYOUT.tlbW, 1 << TLB_BITS), tO: new Int32Array(buf, LAYOUT.tlbO, 1 << TLB_BITS),
      ld1: () => 0, ld2: () => 0, ld4: () => 0, st1: () => 0, st2: () => 0, st4: () => 0,
      helpers: {}, Fault: Error as never, eipSlot: EIP, ic, ctl: new Int32Array(buf, LAYOUT.ctl, 2), memory, layout: LAYOUT,
    };
    chain = new WasmChain(memory, LAYOUT, 8, EIP, CS_BASE, CPL);
    a = block(0x1000, 0x2000, true, false, ctx);
    b = block(0x2000, 0x1000, false, true, ctx);
    chain.assign(a);
    chain.assign(b);
    ic[0] = 0;
    ic[1] = 100;
  });

  it('returns to JavaScript at an exit with no link and no jump cache entry, its instructions added', () => {
    expect(run(a)).toEqual({ last: 'A', exit: 0, accounted: true, counter: 0, icount: 1 });
  });

  it('follows a computed exit\'s link only when EIP and the CS base are the linked block\'s', () => {
    chain.link(a, 0, b);
    expect(run(a)).toMatchObject({ last: 'B', counter: 1, icount: 2 });
    s[CS_BASE] = 0x10; // the same EIP in another code segment: not B
    expect(run(a)).toMatchObject({ last: 'A', counter: 1, icount: 3 });
  });

  it('follows a constant exit\'s link, and goes round A -> B -> A ... until the icount budget', () => {
    chain.link(a, 0, b);
    chain.link(b, 0, a);
    ic[1] = 10;
    expect(run(a)).toEqual({ last: 'B', exit: 0, accounted: true, counter: 5, icount: 10 });
  });

  it('enters a block from the jump cache at the CPL it was found at, and not at another', () => {
    chain.remember(0x2000, b, 0, false);
    expect(run(a)).toMatchObject({ last: 'B', counter: 1 });
    s[CPL] = 3;
    expect(run(a)).toMatchObject({ last: 'A', counter: 1 });
  });

  it('forgets the jump cache when mappings change', () => {
    chain.remember(0x2000, b, 0, false);
    chain.forgetMappings();
    expect(run(a)).toMatchObject({ last: 'A', counter: 0 });
    chain.remember(0x2000, b, 0, false);
    expect(run(a)).toMatchObject({ last: 'B', counter: 1 });
  });

  it('forgets on a CR3 load the entries of pages that are not global, on an INVLPG those of its 4 MiB region', () => {
    const entered = (global: boolean, forget: () => void): boolean => {
      chain.remember(0x2000, b, 0, global);
      forget();
      return run(a).last === 'B';
    };
    expect(entered(true, () => chain.forgetMappings(MappingScope.NotGlobal))).toBe(true);
    expect(entered(false, () => chain.forgetMappings(MappingScope.NotGlobal))).toBe(false);
    expect(entered(true, () => chain.forgetMappings(MappingScope.Region, 0x2fff))).toBe(false);
    expect(entered(false, () => chain.forgetMappings(MappingScope.Region, 0x3fffff))).toBe(false);
    expect(entered(true, () => chain.forgetMappings(MappingScope.Region, 0x400000))).toBe(true);
    expect(entered(false, () => chain.forgetMappings(MappingScope.Region, 0xc0000000))).toBe(true);
    expect(entered(true, () => chain.forgetMappings(MappingScope.All))).toBe(false);
    expect(entered(true, () => {})).toBe(true);
  });

  it('never enters an invalidated block, through a link or the jump cache', () => {
    chain.link(a, 0, b);
    chain.remember(0x2000, b, 0, false);
    chain.invalidate(b);
    expect(run(a)).toMatchObject({ last: 'A', counter: 0 });
  });

  it('never enters a block made for another translation mode from the jump cache', () => {
    const other = block(0x2000, 0x1000, false, true, ctx, 1);
    chain.assign(other);
    chain.remember(0x2000, other, 0, false);
    expect(run(a)).toMatchObject({ last: 'A', counter: 0 });
  });

  it('does not enter a block the icount budget has no room for', () => {
    chain.link(a, 0, b);
    ic[1] = 1;
    expect(run(a)).toMatchObject({ last: 'A', counter: 0, icount: 1 });
  });

  it('stops after a block when an exit is requested', () => {
    chain.link(a, 0, b);
    ctx.ctl![0] = 1;
    expect(run(a)).toMatchObject({ last: 'A', counter: 0, icount: 1 });
  });
});
