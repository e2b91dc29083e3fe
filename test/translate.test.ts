// The translator's superblocks (frontend-x86/translate.ts): a direct jump
// within the page continues the block at its target, once per address. The
// executor hands over EIPs as the state array holds them, signed: an EIP
// above 2^31 arrives negative and must still be recognized when a jump
// comes back to it (it used to be translated a second time).
import { describe, it, expect } from 'vitest';
import { translateBlock, ModeBit } from '../src/frontend-x86/index.js';

const MODE = ModeBit.Code32 | ModeBit.Stack32 | ModeBit.Protected;

function eipsOf(start: number, code: number[]): number[] {
  const base = start >>> 0;
  const tr = translateBlock({
    fetch: (linear) => code[((linear >>> 0) - base) >>> 0] ?? 0x90,
    csBase: 0, eip: start, mode: MODE, maxInsns: 128, validate: true,
  });
  return tr.insnEips.map((e) => e >>> 0);
}

describe('superblocks', () => {
  // L: inc eax; jmp L
  const LOOP = [0x40, 0xeb, 0xfd];
  for (const start of [0x00101000, 0x80001000 | 0, 0x80001000]) {
    it(`translate each address once (start EIP ${start})`, () => {
      const s = start >>> 0;
      expect(eipsOf(start, LOOP)).toEqual([s, s + 1, s + 3]);
    });
  }
});
