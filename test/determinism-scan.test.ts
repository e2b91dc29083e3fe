// DESIGN.md, "Time and determinism": Date.now, performance.now, process.hrtime,
// Math.random, timers and new Date( appear only at the host boundary
// (src/cli/ and src/replay/host*.ts). This scans src/ for them, and checks
// on synthetic sources that the scanner catches what it should.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatViolations, isHostBoundary, maskComments, scanSource, scanTree } from './support/determinism-scan.js';
import { makeTempDir, REPO } from './support/guests.js';

describe('determinism scan of src/', () => {
  it('finds no host time, randomness or timers outside the host boundary', () => {
    const { scanned, violations } = scanTree(REPO);
    expect(scanned.length).toBeGreaterThan(10); // it did look at the sources
    if (violations.length) {
      expect.fail(
        `host time, randomness or timers outside the host boundary (src/cli/, src/replay/host*.ts):\n${formatViolations(violations)}`,
      );
    }
  });
});

describe('the scanner', () => {
  const SAMPLE = [
    'export function tick(): number {', //  1
    '  const t = Date.now();', //  2
    '  const p = performance.now();', //  3
    '  const [s, ns] = process.hrtime();', //  4
    '  const big = process.hrtime.bigint();', //  5
    '  if (Math.random() < 0.5) return 0;', //  6
    '  setTimeout(() => {}, 10);', //  7
    '  const id = setInterval(tick, 5);', //  8
    '  setImmediate(tick);', //  9
    '  const d = new Date();', // 10
    '  const e = new Date(2020, 1, 1);', // 11
    "  const src = 'return Date.now() | 0';", // 12  generated code counts too
    '  return 0;', // 13
    '}', // 14
  ].join('\n');

  it('names the line and the call of every violation', () => {
    const found = scanSource('src/runtime/clock.ts', SAMPLE).map((v) => `${v.file}:${v.line} ${v.what}`);
    expect(found).toEqual([
      'src/runtime/clock.ts:2 Date.now',
      'src/runtime/clock.ts:3 performance.now',
      'src/runtime/clock.ts:4 process.hrtime',
      'src/runtime/clock.ts:5 process.hrtime',
      'src/runtime/clock.ts:6 Math.random',
      'src/runtime/clock.ts:7 setTimeout',
      'src/runtime/clock.ts:8 setInterval',
      'src/runtime/clock.ts:9 setImmediate',
      'src/runtime/clock.ts:10 new Date(',
      'src/runtime/clock.ts:11 new Date(',
      'src/runtime/clock.ts:12 Date.now',
    ]);
  });

  it('ignores comments and look-alikes, keeping line numbers', () => {
    const src = [
      '// never Date.now() here: time is icount',
      '/* nor performance.now(),',
      '   nor Math.random() */ const a = 1;',
      'const b = { setTimeoutMs: 3, updateDate: (x: number) => x }; // new Date(',
      'const c = b.updateDate(a); type D = Date;',
      'const r = /\\/\\/ not a comment/; const late = Date.now();',
    ].join('\n');
    const masked = maskComments('x.ts', src);
    expect(masked.split('\n').length).toBe(6);
    expect(masked).not.toContain('Date.now() here');
    expect(scanSource('x.ts', src).map((v) => `${v.line} ${v.what}`)).toEqual(['6 Date.now']);
  });

  it('catches crypto randomness and a renamed clock import', () => {
    const src = [
      "import { performance as perf } from 'node:perf_hooks';",
      "import { randomBytes } from 'node:crypto';",
      'const x = crypto.getRandomValues(new Uint8Array(4));',
    ].join('\n');
    expect(scanSource('y.ts', src).map((v) => v.line)).toEqual([1, 2, 3]);
  });

  it('exempts exactly the host boundary', () => {
    expect(isHostBoundary('src/cli/run.ts')).toBe(true);
    expect(isHostBoundary('src/cli/sub/x.ts')).toBe(true);
    expect(isHostBoundary('src/replay/host.ts')).toBe(true);
    expect(isHostBoundary('src/replay/host-clock.ts')).toBe(true);
    expect(isHostBoundary('src/replay/log.ts')).toBe(false);
    expect(isHostBoundary('src/replay/sub/host.ts')).toBe(false);
    expect(isHostBoundary('src/runtime/cli/x.ts')).toBe(false);
    expect(isHostBoundary('src/devices/host.ts')).toBe(false);
  });

  describe('on a source tree', () => {
    const root = makeTempDir('scan');
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    it('reports file:line outside the boundary and nothing inside it', () => {
      const put = (rel: string, text: string) => {
        mkdirSync(join(root, rel, '..'), { recursive: true });
        writeFileSync(join(root, rel), text);
      };
      put('src/cli/main.ts', 'const t0 = performance.now();\n');
      put('src/replay/host-input.ts', 'setTimeout(() => {}, 0);\n');
      put('src/replay/log.ts', 'export const a = 1;\n\nexport const t = Date.now();\n');
      put('src/devices/pit.ts', '// Date.now is not used here\nexport const ok = 1;\n');
      put('src/devices/notes.md', 'Date.now\n');
      const { scanned, violations } = scanTree(root);
      expect(scanned).toEqual(['src/devices/pit.ts', 'src/replay/log.ts']);
      expect(formatViolations(violations)).toBe('src/replay/log.ts:3: Date.now: export const t = Date.now();');
    });
  });
});
