// The IR interpreter (src/backend-js/interp.ts, the cold tier) against the
// compiled JavaScript of the same blocks (emit.ts): random IR blocks that obey
// the IR's rules, run by both from the same state, must leave the same
// registers, memory, slow-path and helper calls, the same exit (as retired
// instructions and next EIP) or the same guest fault with the same state.
import { describe, it, expect } from 'vitest';
import { IrBlock, IrBuilder, Op, Cond, HelperFlags, MemOp, optimizeBlock, validateBlock, type HelperDecl } from '../src/tcg-ir/index.js';
import { compileBlock, interpretBlock, createInterpSpace, TLB_BITS, type BlockFunction } from '../src/backend-js/index.js';
import { compileWasmBlocks, type WasmContext, type WasmLayout } from '../src/backend-wasm/index.js';
import { buildMachine, parseMachineArgs } from '../src/cli/machine-setup.js';
import { cpuStateHash, ramHash } from '../src/replay/index.js';
import { repoPath } from './support/guests.js';
import { type Backend } from '../src/runtime/index.js';

const RAM = 64 * 1024;
const NREGS = 8;
const EIP = 8;
const STATE = 32;

class TestFault {
  constructor(readonly stateSynced: boolean) {}
}

function rng(seed: number): (n: number) => number {
  let x = seed | 0 || 1;
  return (n) => {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    return ((x >>> 0) % n);
  };
}

const PURE: HelperDecl = { name: 'pure', flags: HelperFlags.None };
const READS: HelperDecl = { name: 'reads', flags: HelperFlags.ReadsState };
const WRITES: HelperDecl = { name: 'writes', flags: HelperFlags.ReadsState | HelperFlags.WritesState | HelperFlags.SideEffects };
const FAULTY: HelperDecl = { name: 'faulty', flags: HelperFlags.CanFault | HelperFlags.SideEffects };
const SYNCING: HelperDecl = { name: 'syncing', flags: HelperFlags.ReadsState | HelperFlags.CanFault | HelperFlags.SideEffects };
const CODEWRITE: HelperDecl = { name: 'codewrite', flags: HelperFlags.CodeWrite | HelperFlags.SideEffects };

/** Where the wasm backend finds state, TLB and RAM in the test machine's memory. */
const LAYOUT: WasmLayout = { state: 0, ic: 256, ctl: 272, cur: 280, jgen: 284, miss: 292, slots: 0, jcache: 0, regions: 0, tlbR: 4096, tlbW: 4096 + 4 * (1 << TLB_BITS), tlbO: 4096 + 8 * (1 << TLB_BITS), ram: 65536 };

/**
 * A machine for one run: RAM, a TLB mapping some pages, slow paths and
 * helpers that log their calls, all in one WebAssembly memory. With
 * `syncedFaults` false the `syncing` helper never claims to have synced the
 * state (only helpers that read the state may; the wasm backend writes the
 * registers back before every faultable call, the JavaScript one in a catch).
 */
function machine(seed: number, syncedFaults = true) {
  const r = rng(seed);
  const memory = new WebAssembly.Memory({ initial: 3, maximum: 3 });
  const buf = memory.buffer;
  const m8 = new Uint8Array(buf, LAYOUT.ram, RAM);
  for (let i = 0; i < RAM; i++) m8[i] = r(256);
  const size = 1 << TLB_BITS;
  const tR = new Int32Array(buf, LAYOUT.tlbR, size).fill(-1), tW = new Int32Array(buf, LAYOUT.tlbW, size).fill(-1), tO = new Int32Array(buf, LAYOUT.tlbO, size).fill(-1);
  // Linear pages 0x10..0x1f map to physical pages 0..15; some read-only; the rest take the slow path.
  for (let p = 0; p < 16; p++) {
    if (r(4) === 0) continue;
    tR[0x10 + p] = (0x10 + p) << 12;
    if (r(3) !== 0) tW[0x10 + p] = (0x10 + p) << 12;
    tO[0x10 + p] = (p << 12) - ((0x10 + p) << 12);
  }
  const log: Array<Array<string | number>> = [];
  let countdown = 3 + r(20);
  const maybeFault = (synced: boolean) => { if (--countdown === 0) throw new TestFault(synced); };
  // A misaligned access within a mapped page is RAM like any other (wasm blocks make it inline, JavaScript's call
  // the slow path); the rest are logged and made up.
  const ram = new DataView(buf, LAYOUT.ram, RAM);
  const inRam = (tags: Int32Array, a: number, n: number) => tags[(a >>> 12) & (size - 1)] === (a & -4096) && (a & 0xfff) + n <= 4096;
  const at = (a: number) => (a + tO[(a >>> 12) & (size - 1)]) >>> 0;
  const ld = (n: number) => (a: number, k: number) => {
    if (inRam(tR, a, n)) return n === 1 ? ram.getUint8(at(a)) : n === 2 ? ram.getUint16(at(a), true) : ram.getInt32(at(a), true);
    log.push([`ld${n}`, a, k]); maybeFault(false); return (a * 7 + n) | 0;
  };
  const st = (n: number) => (a: number, v: number, k: number) => {
    if (inRam(tW, a, n)) { if (n === 1) ram.setUint8(at(a), v); else if (n === 2) ram.setUint16(at(a), v, true); else ram.setInt32(at(a), v, true); return 0; }
    log.push([`st${n}`, a, v, k]); maybeFault(false); return (a & 0x30) === 0x30 ? 1 : 0;
  };
  const s = new Int32Array(buf, LAYOUT.state, STATE);
  const ctx: WasmContext = {
    m8, i8: new Int8Array(buf, LAYOUT.ram, RAM), m16: new Uint16Array(buf, LAYOUT.ram, RAM / 2), i16: new Int16Array(buf, LAYOUT.ram, RAM / 2), m32: new Int32Array(buf, LAYOUT.ram, RAM / 4), tR, tW, tO,
    ld1: ld(1), ld2: ld(2), ld4: ld(4), st1: st(1), st2: st(2), st4: st(4),
    helpers: {
      pure: (a, b) => { log.push(['pure', a, b]); return (a * 3) ^ b; },
      reads: (a) => { log.push(['reads', a, ...s.slice(0, NREGS)]); return s[a & 7] + 1; },
      writes: (a) => { log.push(['writes', a, ...s.slice(0, NREGS)]); s[a & 7] = (s[(a >> 3) & 7] * 5) | 0; },
      faulty: (a, k) => { log.push(['faulty', a, k]); maybeFault(false); return a ^ 0x1234; },
      // Reads the state (the block has written its registers back) and, faulting, may leave it exact itself (as the
      // string helper does): the block must not write its registers back over what it left.
      syncing: (a, k) => {
        log.push(['syncing', a, k, ...s.slice(0, NREGS)]);
        if (syncedFaults && countdown === 1) s[0] = 0x5eed;
        maybeFault(syncedFaults);
        return a ^ 0x4321;
      },
      codewrite: (a) => { log.push(['codewrite', a]); return a & 1; },
    },
    Fault: TestFault as never, eipSlot: EIP, ic: new Float64Array(buf, LAYOUT.ic, 2), ctl: new Int32Array(buf, LAYOUT.ctl, 2),
    memory, layout: LAYOUT,
    interpSpace: createInterpSpace(buf, LAYOUT.state, LAYOUT.ram + RAM, 16384),
  };
  return { ctx, m8, s, log };
}

/** A random valid block: each instruction does its faultable work into locals first, then writes registers. */
function randomBlock(seed: number): IrBuilder {
  const r = rng(seed);
  const b = new IrBuilder();
  const regs = Array.from({ length: NREGS }, (_, i) => b.global(i, `r${i}`));
  const eipG = b.global(EIP, 'eip');
  const insns = 1 + r(8);
  for (let k = 0; k < insns; k++) {
    const eip = 0x1000 + k * 3;
    b.insnStart(eip, k);
    const vals: number[] = [...regs];
    const pick = () => (r(5) === 0 ? b.const([0, 1, -1, 31, 0x7fffffff, -0x80000000, 0x12345678][r(7)]) : vals[r(vals.length)]);
    const addr = () => b.addi(b.andi(pick(), 0x1ffff), 0x10000 - (r(2) ? 0 : 1)); // pages 0x10-0x2f, sometimes misaligned
    const nFaultable = r(3);
    for (let i = 0; i < nFaultable; i++) {
      switch (r(5)) {
        case 0: vals.push(b.ld([MemOp.U8, MemOp.S8, MemOp.U16, MemOp.S16, MemOp.U32][r(5)], addr())); break;
        case 1: b.st([MemOp.U8, MemOp.U16, MemOp.U32][r(3)], addr(), pick()); break;
        case 2: vals.push(b.call(r(2) ? FAULTY : SYNCING, [pick()], true)); break;
        case 3: b.call(CODEWRITE, [pick()], false); break;
        default: vals.push(b.ld(MemOp.U32, addr()));
      }
    }
    const nOps = r(10);
    for (let i = 0; i < nOps; i++) {
      const c = ([Cond.Eq, Cond.Ne, Cond.Lt, Cond.Ge, Cond.Le, Cond.Gt, Cond.Ltu, Cond.Geu, Cond.Leu, Cond.Gtu, Cond.TstEq, Cond.TstNe] as Cond[])[r(12)];
      switch (r(9)) {
        case 0: vals.push(b.binop([Op.Add, Op.Sub, Op.Mul, Op.And, Op.Or, Op.Xor][r(6)], pick(), pick())); break;
        case 1: vals.push(b.binop([Op.Shl, Op.Shr, Op.Sar, Op.Rotl, Op.Rotr][r(5)], pick(), b.andi(pick(), 31))); break;
        case 2: vals.push(b.unop([Op.Neg, Op.Not, Op.Ext8s, Op.Ext8u, Op.Ext16s, Op.Ext16u][r(6)], pick())); break;
        case 3: vals.push(b.setcond(c, pick(), pick())); break;
        case 4: vals.push(b.movcond(c, pick(), pick(), pick(), pick())); break;
        case 5: vals.push(...b.mul2(r(2) === 0, pick(), pick())); break;
        case 6: vals.push(b.call(PURE, [pick(), pick()], true)); break;
        case 7: vals.push(b.call(READS, [pick()], true)); break;
        default: { // a forward branch over a register write
          const l = b.newLabel();
          b.brcond(c, pick(), pick(), l);
          b.mov(regs[r(NREGS)], pick());
          if (r(3) === 0) b.uncount(1 + r(3)); // as a forward jump over whole instructions does
          b.label(l);
        }
      }
    }
    if (r(4) === 0) b.call(WRITES, [pick()], false);
    for (let i = r(4); i > 0; i--) b.mov(regs[r(NREGS)], pick());
    if (k < insns - 1 && r(4) === 0) { // a side exit
      const l = b.newLabel();
      b.brcond(Cond.TstEq, pick(), b.const(1 << r(8)), l);
      if (r(2)) b.exit(0x2000 + k, k + 1); else { b.mov(eipG, pick()); b.exit(-1, k + 1); }
      b.label(l);
    }
  }
  b.exit(0x3000, insns);
  return b;
}

type Outcome = { exit: string; state: number[]; icount: number; ram: string; log: unknown[] };

type BlockFactory = (ctx: WasmContext, log: unknown[]) => { fn: BlockFunction; extraExits: Array<{ retired: number; eip: number }> };

function runOnce(fn: BlockFactory, seed: number, exits: Array<{ target: number; retired: number }>, syncedFaults = true): Outcome {
  return runMany(fn, seed, exits, 1, syncedFaults)[0];
}

/** Makes the block once and runs it `runs` times on one machine, each time from another random state. */
function runMany(fn: BlockFactory, seed: number, exits: Array<{ target: number; retired: number }>, runs: number, syncedFaults = true): Outcome[] {
  const m = machine(seed, syncedFaults);
  const { fn: run, extraExits } = fn(m.ctx, m.log);
  const s = m.s;
  const outcomes: Outcome[] = [];
  for (let k = 0; k < runs; k++) {
    const r = rng(seed * 31 + k * 7919);
    for (let i = 0; i < STATE; i++) s[i] = r(2) ? r(0x40000) : (r(0x7fffffff) * (r(2) ? -1 : 1)) | 0;
    let exit: string;
    try {
      const e = run(s);
      exit = e < exits.length ? `exit retired=${exits[e].retired} target=${exits[e].target} eip=${s[EIP]}` : `smc retired=${extraExits[e - exits.length].retired} eip=${s[EIP]}`;
    } catch (e) {
      if (!(e instanceof TestFault)) throw e;
      exit = `fault synced=${e.stateSynced}`;
    }
    outcomes.push({ exit, state: Array.from(s), icount: m.ctx.ic![0], ram: Buffer.from(m.m8).toString('base64'), log: [...m.log] });
  }
  return outcomes;
}

describe('the IR interpreter does what the compiled block does', () => {
  for (const optimize of [false, true]) {
    it(`on 3000 random blocks (${optimize ? 'optimized' : 'as built'})`, () => {
      for (let seed = 1; seed <= 3000; seed++) {
        const b = randomBlock(seed + (optimize ? 100000 : 0));
        expect(validateBlock(b.block), `seed ${seed}`).toEqual([]);
        if (optimize) optimizeBlock(b.block);
        const exits = b.block.exits;
        const compiled = runOnce((ctx) => compileBlock(b.block, ctx), seed, exits);
        const interpreted = runOnce((ctx) => interpretBlock(b.block, ctx), seed, exits);
        expect(interpreted, `seed ${seed}`).toEqual(compiled);
      }
    });
  }

  it('run after run of one block, whose values persist between runs (faults included)', () => {
    for (let seed = 1; seed <= 500; seed++) {
      const b = randomBlock(seed + 200000);
      optimizeBlock(b.block);
      const exits = b.block.exits;
      const compiled = runMany((ctx) => compileBlock(b.block, ctx), seed, exits, 4);
      const interpreted = runMany((ctx) => interpretBlock(b.block, ctx), seed, exits, 4);
      expect(interpreted, `seed ${seed}`).toEqual(compiled);
    }
  });
});

describe('a WebAssembly block does what the JavaScript block does', () => {
  for (const optimize of [false, true]) {
    it(`on 2000 random blocks (${optimize ? 'optimized' : 'as built'})`, () => {
      for (let seed = 1; seed <= 2000; seed++) {
        const b = randomBlock(seed + (optimize ? 200000 : 300000));
        if (optimize) optimizeBlock(b.block);
        const exits = b.block.exits;
        const js = runOnce((ctx) => compileBlock(b.block, ctx), seed, exits, false);
        const wasm = runOnce((ctx) => compileWasmBlocks([{ block: b.block, options: { inlineSlowPaths: true } }], ctx)[0], seed, exits, false);
        expect(wasm, `seed ${seed}`).toEqual(js);
      }
    });
  }

  // Without inline slow paths, an access the TLB does not cover leaves the block before its instruction (the
  // runtime runs that instruction in the interpreter, then goes on): here the JavaScript block's ops from that
  // instruction on finish the run, which must end as the JavaScript block's own run does. Only the side-effect-free
  // helper calls the instruction made before leaving are made twice.
  it('on 2000 random blocks with miss exits, finished from the instruction they left before', () => {
    let misses = 0;
    for (let seed = 1; seed <= 2000; seed++) {
      const b = randomBlock(seed + 400000);
      optimizeBlock(b.block);
      const exits = b.block.exits;
      const js = runOnce((ctx) => compileBlock(b.block, ctx), seed, exits, false);
      let atMiss = -1, logAtMiss = 0;
      const wasm = runOnce((ctx, log) => {
        const compiled = compileWasmBlocks([{ block: b.block }], ctx)[0];
        const extraExits = [...compiled.extraExits];
        const fn: BlockFunction = (s) => {
          const e = compiled.fn(s);
          if (e !== compiled.missExit) return e;
          atMiss = new Int32Array(ctx.memory.buffer, LAYOUT.miss, 1)[0];
          logAtMiss = log.length;
          const rest = compileBlock(fromInstruction(b.block, atMiss), ctx);
          const e2 = rest.fn(s);
          if (e2 < exits.length) return e2;
          extraExits.push(rest.extraExits[e2 - exits.length]);
          return exits.length + extraExits.length - 1;
        };
        return { fn, extraExits };
      }, seed, exits, false);
      if (atMiss < 0) { expect(wasm, `seed ${seed}`).toEqual(js); continue; }
      misses++;
      const { log: wlog, ...wrest } = wasm, { log: jlog, ...jrest } = js;
      expect(wrest, `seed ${seed}`).toEqual(jrest);
      expect(wlog.slice(0, logAtMiss), `seed ${seed}`).toEqual(jlog.slice(0, logAtMiss));
      const from = jlog.length - (wlog.length - logAtMiss);
      expect(from, `seed ${seed}`).toBeLessThanOrEqual(logAtMiss);
      expect(wlog.slice(logAtMiss), `seed ${seed}`).toEqual(jlog.slice(from));
      for (const entry of jlog.slice(from, logAtMiss)) expect(['pure', 'reads'], `seed ${seed}`).toContain((entry as unknown[])[0]);
    }
    expect(misses).toBeGreaterThan(200);
  });
});

/** The block from instruction `k` on (the random blocks' locals and labels never cross an instruction). */
function fromInstruction(block: IrBlock, k: number): IrBlock {
  const rest = new IrBlock();
  rest.temps = block.temps;
  rest.exits = block.exits;
  rest.labelCount = block.labelCount;
  rest.ops = block.ops.slice(block.ops.findIndex((o) => o.op === Op.InsnStart && o.aux === k));
  return rest;
}

describe('tiering: test kernels run the same interpreted, compiled, promoted part way, and one instruction per block', () => {
  const GUESTS: Array<{ name: string; kernel?: string; bios?: string }> = [
    { name: 'exceptions', kernel: 'exceptions.elf' }, { name: 'privilege', kernel: 'privilege.elf' },
    { name: 'paging', kernel: 'paging.elf' }, { name: 'segments', kernel: 'segments.elf' },
    { name: 'debug', kernel: 'debug.elf' }, { name: 'smc', kernel: 'smc.elf' }, { name: 'sysinsn', kernel: 'sysinsn.elf' },
    { name: 'irq', kernel: 'irq.elf' }, { name: 'realmode', bios: 'realmode.rom' },
  ];
  const run = (g: (typeof GUESTS)[number], threshold: number, blockInsnLimit = 128, backend: Backend = 'wasm', wasmBatch = 1, interpWords = 0) => {
    let out = '';
    const config = parseMachineArgs({ memory: '128', append: '' });
    const boot = g.kernel ? { kernel: repoPath(`test/guests/bin/${g.kernel}`) } : { bios: repoPath(`test/guests/bin/${g.bios}`) };
    const { machine } = buildMachine(boot, config, 0, (b) => { out += String.fromCharCode(b); });
    machine.exec.jitThreshold = threshold;
    machine.exec.blockInsnLimit = blockInsnLimit;
    machine.exec.compiler.backend = backend;
    machine.exec.compiler.wasmBatch = wasmBatch;
    // A small interpreter space (`interpWords` beyond the reserve of 64 Ki words the runtime keeps).
    if (interpWords) machine.exec.interpSpace.end = machine.exec.interpSpace.next + (1 << 16) + interpWords;
    const r = machine.run(5e8);
    return {
      out, status: r.status, icount: machine.cpu.icount, cpu: cpuStateHash(machine), ram: ramHash(machine),
      compiled: machine.exec.compiler.compiledBlocks, flushes: machine.exec.cache.flushes,
    };
  };
  it('interpreted in a small interpreter space (the cache is dropped whenever it runs low)', () => {
    for (const g of [GUESTS[0], GUESTS[2]]) {
      const cramped = run(g, 1e9, 128, 'wasm', 1, 256);
      const roomy = run(g, 1e9);
      expect(cramped.flushes, g.name).toBeGreaterThan(roomy.flushes);
      const strip = ({ compiled: _, flushes: __, ...rest }: ReturnType<typeof run>) => rest;
      expect(strip(cramped), g.name).toEqual(strip(roomy));
    }
  });
  for (const g of GUESTS) {
    it(g.name, () => {
      const compiled = run(g, 0);
      const interpreted = run(g, 1e9);
      const promoted = run(g, 3);
      // Promoted blocks waiting for a batch of 32 (or for 100 more runs) before they are compiled.
      const batched = run(g, 3, 128, 'wasm', 32);
      const compiledJs = run(g, 0, 128, 'js');
      const promotedJs = run(g, 3, 128, 'js');
      // The reference: one instruction per block (no side exits, no branches inside blocks, so no uncounting).
      const reference = run(g, 0, 1);
      expect(compiled.out).toMatch(/\S/);
      // Only blocks compiled with watchpoint checks (the debug kernel's data breakpoints) skip the interpreter.
      if (g.name !== 'debug') expect(interpreted.compiled).toBe(0);
      for (const p of [promoted, promotedJs]) {
        expect(p.compiled).toBeGreaterThan(0);
        expect(p.compiled).toBeLessThan(compiled.compiled);
      }
      const strip = ({ compiled: _, flushes: __, ...rest }: ReturnType<typeof run>) => rest;
      for (const other of [interpreted, promoted, batched, compiledJs, promotedJs, reference]) expect(strip(other)).toEqual(strip(compiled));
    });
  }
});
