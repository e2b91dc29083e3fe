// Lazy flags made before the block (context.ts: speculativeCarry,
// speculativeZero, speculative, flagsValue): setcc of each condition and
// pushf at the top of a block whose flags some earlier block left as
// (CC_OP, CC_DST, CC_SRC), then `inc ecx; adc edx, 0` (CF kept by inc, added
// by adc). The translator inlines the common cases and calls the flags
// helper otherwise; all must give what the reference evaluation
// (computeOszapc) gives, with the interpreter, JavaScript and wasm blocks.
import { describe, it, expect } from 'vitest';
import { Machine } from '../src/devices/index.js';
import { S, F, CcKind, ccOp, computeOszapc } from '../src/frontend-x86/index.js';
import { type Backend } from '../src/runtime/index.js';
import { multibootKernel } from './support/elf.js';

// seto al; setb ah; setz bl; setbe bh; sets cl; setp ch; setl dl; setle dh; pushf; pop esi;
// mov ebp, ecx; inc edi; adc ebp, 0 (ebp = ecx + CF kept by inc); hlt
const CODE = [
  0x0f, 0x90, 0xc0, 0x0f, 0x92, 0xc4, 0x0f, 0x94, 0xc3, 0x0f, 0x96, 0xc7,
  0x0f, 0x98, 0xc1, 0x0f, 0x9a, 0xc5, 0x0f, 0x9c, 0xc2, 0x0f, 0x9e, 0xc6,
  0x9c, 0x5e, 0x89, 0xcd, 0x47, 0x83, 0xd5, 0x00, 0xf4,
];

/** The eight conditions (o, b, z, be, s, p, l, le) as the block saw them, OSZAPC as pushf did, and CF after inc. */
function flagsAfter(op: number, dst: number, src: number, tier: { threshold: number; backend: Backend }) {
  const m = new Machine({ memoryMiB: 4, serialOut: () => {}, noReboot: true });
  m.loadMultiboot('carry', multibootKernel(CODE), '');
  m.exec.jitThreshold = tier.threshold;
  m.exec.compiler.backend = tier.backend;
  const s = m.cpu.s;
  s[S.CC_OP] = op;
  s[S.CC_DST] = dst;
  s[S.CC_SRC] = src;
  s[S.CC_SRC2] = 0;
  for (const r of [S.EAX, S.EBX, S.ECX, S.EDX, S.EDI]) s[r] = 0;
  s[S.ESP] = 0x90000;
  expect(m.run().reason).toBe('halted');
  const bytes = [s[S.EAX], s[S.EAX] >> 8, s[S.EBX], s[S.EBX] >> 8, s[S.ECX], s[S.ECX] >> 8, s[S.EDX], s[S.EDX] >> 8];
  return { conds: bytes.map((v) => v & 0xff), pushed: s[S.ESI] & F.OSZAPC, carryKept: s[S.EBP] - s[S.ECX] };
}

function reference(f: number) {
  const o = (f & F.OF) !== 0, c = (f & F.CF) !== 0, z = (f & F.ZF) !== 0, sf = (f & F.SF) !== 0, p = (f & F.PF) !== 0;
  const conds = [o, c, z, c || z, sf, p, sf !== o, z || sf !== o].map((x) => (x ? 1 : 0));
  return { conds, pushed: f & F.OSZAPC, carryKept: c ? 1 : 0 };
}

function rng(seed: number): () => number {
  let x = seed;
  return () => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return x | 0; };
}

describe('flags from an earlier block', () => {
  const r = rng(7);
  const cases: Array<{ op: number; dst: number; src: number }> = [];
  const sizes = [1, 2, 4];
  for (const kind of [CcKind.Sub, CcKind.Add, CcKind.Adc, CcKind.Logic, CcKind.Inc, CcKind.Dec, CcKind.Sbb, CcKind.Shl, CcKind.Sar, CcKind.Mul]) {
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
  cases.push({ op: 0, dst: 0, src: F.CF }, { op: 0, dst: 0, src: F.ZF }, { op: 0, dst: 1, src: 0 }, { op: 0, dst: 0, src: 0 });
  for (const tier of [{ threshold: 1e9, backend: 'wasm' as Backend }, { threshold: 0, backend: 'wasm' as Backend }, { threshold: 0, backend: 'js' as Backend }]) {
    it(`matches the reference evaluation (${tier.threshold ? 'interpreted' : `${tier.backend} blocks`})`, () => {
      for (const c of cases) {
        expect(flagsAfter(c.op, c.dst, c.src, tier), JSON.stringify(c)).toEqual(reference(computeOszapc(c.op, c.dst, c.src, 0)));
      }
    });
  }
});

// `and` of 8, 16 or 32 bits, then lahf in the same block: the translator knows the flags come from a logic
// operation and builds them inline (context.ts: logicFlags) instead of calling the flags helper. (lahf, not
// pushf: a store to a page the TLB has not seen yet would leave a wasm block before it.)
describe('flags of a logic operation, read in its block', () => {
  const AND = { 1: [0x20, 0xd8], 2: [0x66, 0x21, 0xd8], 4: [0x21, 0xd8] } as const; // and al/ax/eax, bl/bx/ebx
  const r = rng(11);
  for (const tier of [{ threshold: 1e9, backend: 'wasm' as Backend }, { threshold: 0, backend: 'wasm' as Backend }, { threshold: 0, backend: 'js' as Backend }]) {
    it(`matches the reference evaluation (${tier.threshold ? 'interpreted' : `${tier.backend} blocks`})`, () => {
      for (const size of [1, 2, 4] as const) {
        const mask = size === 4 ? -1 : (1 << (size * 8)) - 1;
        for (let i = 0; i < 24; i++) {
          const a = i < 3 ? [0, -1, 0x80808080][i] : r(), b = i < 3 ? -1 : r();
          const m = new Machine({ memoryMiB: 4, serialOut: () => {}, noReboot: true });
          m.loadMultiboot('logic', multibootKernel([...AND[size], 0x9f, 0xf4]), ''); // and; lahf; hlt
          m.exec.jitThreshold = tier.threshold;
          m.exec.compiler.backend = tier.backend;
          const s = m.cpu.s;
          s[S.EAX] = a; s[S.EBX] = b;
          expect(m.run().reason).toBe('halted');
          const want = computeOszapc(ccOp(CcKind.Logic, size), a & b & mask, 0, 0);
          expect((s[S.EAX] >> 8) & 0xd5, `and ${size} bytes: ${a} & ${b}`).toBe(want & 0xd5); // SF ZF AF PF CF
        }
      }
    });
  }
});
