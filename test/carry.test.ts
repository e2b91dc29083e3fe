// The carry flag of lazy flags made before the block (context.ts,
// speculativeCarry): `inc ecx` keeps CF and `adc edx, 0` adds it, at the top
// of a block whose flags some earlier block left as (CC_OP, CC_DST, CC_SRC).
// The translator inlines CF for a 32-bit sub/cmp and calls the flags helper
// otherwise; both must give what the reference evaluation (computeOszapc)
// gives, with the interpreter, JavaScript and wasm blocks.
import { describe, it, expect } from 'vitest';
import { Machine } from '../src/devices/index.js';
import { S, F, CcKind, ccOp, computeOszapc } from '../src/frontend-x86/index.js';
import { type Backend } from '../src/runtime/index.js';
import { multibootKernel } from './support/elf.js';

// inc ecx; adc edx, 0; hlt
const CODE = [0x41, 0x83, 0xd2, 0x00, 0xf4];

function carryAfter(op: number, dst: number, src: number, tier: { threshold: number; backend: Backend }): number {
  const m = new Machine({ memoryMiB: 4, serialOut: () => {}, noReboot: true });
  m.loadMultiboot('carry', multibootKernel(CODE), '');
  m.exec.jitThreshold = tier.threshold;
  m.exec.compiler.backend = tier.backend;
  const s = m.cpu.s;
  s[S.CC_OP] = op;
  s[S.CC_DST] = dst;
  s[S.CC_SRC] = src;
  s[S.CC_SRC2] = 0;
  s[S.ECX] = 0;
  s[S.EDX] = 0;
  expect(m.run().reason).toBe('halted');
  expect(m.cpu.eflags() & F.CF).toBe(0); // adc of 0 + 0 + CF cannot carry out
  return s[S.EDX];
}

function rng(seed: number): () => number {
  let x = seed;
  return () => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return x | 0; };
}

describe('CF of flags from an earlier block', () => {
  const r = rng(7);
  const cases: Array<{ op: number; dst: number; src: number }> = [];
  const sizes = [1, 2, 4];
  for (const kind of [CcKind.Sub, CcKind.Add, CcKind.Logic, CcKind.Inc, CcKind.Dec, CcKind.Sbb, CcKind.Shl, CcKind.Sar]) {
    for (const size of sizes) {
      const mask = size === 4 ? -1 : (1 << (size * 8)) - 1;
      for (let i = 0; i < 12; i++) {
        const a = i < 4 ? [0, 1, -1, 0x80000000][i] & mask : r() & mask;
        const b = i % 3 === 0 ? a : r() & mask; // equal operands: a cmp that sets ZF and not CF
        const dst = kind === CcKind.Sub || kind === CcKind.Sbb ? (a - b) & mask : kind === CcKind.Add ? (a + b) & mask : a;
        cases.push({ op: ccOp(kind, size), dst, src: b });
      }
    }
  }
  cases.push({ op: 0, dst: 0, src: F.CF }, { op: 0, dst: 0, src: F.ZF });
  for (const tier of [{ threshold: 1e9, backend: 'wasm' as Backend }, { threshold: 0, backend: 'wasm' as Backend }, { threshold: 0, backend: 'js' as Backend }]) {
    it(`matches the reference evaluation (${tier.threshold ? 'interpreted' : `${tier.backend} blocks`})`, () => {
      for (const c of cases) {
        const want = computeOszapc(c.op, c.dst, c.src, 0) & F.CF;
        expect(carryAfter(c.op, c.dst, c.src, tier), JSON.stringify(c)).toBe(want);
      }
    });
  }
});
