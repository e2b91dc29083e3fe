// String instructions without a rep prefix are translated inline
// (frontend-x86/tr-string.ts); with one they run in the runtime's string
// helper. `rep op` with ECX = 1 does exactly one element, so it is the
// reference for `op`: the same registers (but ECX), flags and memory, for
// every op and size, DF clear and set, 32- and 16-bit addressing (SI/DI
// wrap at 64 KiB, the upper halves of ESI/EDI stay), in each tier. The
// difftest guest checks both against real silicon for 32-bit addressing.
import { describe, it, expect } from 'vitest';
import { Machine } from '../src/devices/index.js';
import { S, F } from '../src/frontend-x86/index.js';
import { type Backend } from '../src/runtime/index.js';
import { multibootKernel } from './support/elf.js';
import { prng } from './support/prng.js';

const OPS = [
  { name: 'movs', byte: 0xa4 }, { name: 'cmps', byte: 0xa6 }, { name: 'stos', byte: 0xaa },
  { name: 'lods', byte: 0xac }, { name: 'scas', byte: 0xae },
];
const HLT = 0xf4;
const REGION = 0x8000; // low RAM the accesses stay in: offsets 0x8000-0xffff plus an element
const TIERS: Array<{ name: string; threshold: number; backend: Backend }> = [
  { name: 'interpreted', threshold: 1e9, backend: 'wasm' },
  { name: 'wasm', threshold: 0, backend: 'wasm' },
  { name: 'js', threshold: 0, backend: 'js' },
];

interface Start { eax: number; esi: number; edi: number; df: boolean; memory: Uint8Array }

function runOnce(code: number[], start: Start, tier: (typeof TIERS)[number]) {
  const m = new Machine({ memoryMiB: 4, serialOut: () => {}, noReboot: true });
  m.loadMultiboot('string', multibootKernel(code), '');
  m.exec.jitThreshold = tier.threshold;
  m.exec.compiler.backend = tier.backend;
  const s = m.cpu.s;
  m.cpu.mem.m8.set(start.memory, REGION);
  s[S.EAX] = start.eax;
  s[S.ESI] = start.esi;
  s[S.EDI] = start.edi;
  s[S.ECX] = 1;
  if (start.df) s[S.EFLAGS] |= F.DF;
  expect(m.run().reason).toBe('halted');
  return {
    eax: s[S.EAX], esi: s[S.ESI], edi: s[S.EDI], flags: m.cpu.eflags() & (F.OSZAPC | F.DF),
    memory: Buffer.from(m.cpu.mem.m8.subarray(REGION, REGION + start.memory.length)).toString('hex'),
  };
}

describe('string instructions without rep match one element of rep', () => {
  const r = prng(2026);
  const starts: Array<{ a16: boolean; start: Start }> = [];
  for (let i = 0; i < 6; i++) {
    for (const a16 of [false, true]) {
      const memory = new Uint8Array(0x8000 + 8);
      for (let k = 0; k < memory.length; k++) memory[k] = i % 2 === 0 ? r() & 3 : r() & 255; // equal bytes often: cmps/scas ZF both ways
      // Offsets near the ends of the region; for 16-bit addressing random upper halves and SI/DI at the 64 KiB wrap.
      const pick = (k: number) => {
        const low = k === 0 ? 0xffff : k === 1 ? 0x8000 : 0x8000 + (r() & 0x7ff0);
        return a16 ? ((r() & 0xffff0000) | low) : low;
      };
      starts.push({ a16, start: { eax: r(), esi: pick(i % 3), edi: pick((i + 1) % 3), df: i >= 3, memory } });
    }
  }
  for (const tier of TIERS) {
    it(`agrees for every op, size, DF and address size (${tier.name})`, () => {
      for (const op of OPS) {
        for (const size of [1, 2, 4]) {
          const opcode = size === 1 ? op.byte : op.byte + 1;
          for (const { a16, start } of starts) {
            const prefixes = [...(size === 2 ? [0x66] : []), ...(a16 ? [0x67] : [])];
            const one = runOnce([...prefixes, opcode, HLT], start, tier);
            const ref = runOnce([0xf3, ...prefixes, opcode, HLT], start, tier); // rep (repe for cmps/scas): one element with ECX = 1
            expect(one, `${op.name} size ${size} ${a16 ? 'a16' : 'a32'} ${JSON.stringify({ ...start, memory: undefined })}`).toEqual(ref);
          }
        }
      }
    });
  }
});
