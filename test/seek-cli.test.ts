// `rewind86 seek`: time travel from the command line lands on the same state
// however it gets there, and bad input is a one-line error.
import { describe, it, expect, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoPath } from './support/guests.js';

const CLI = repoPath('dist/cli/main.js');
const cli = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', input: '' });
let log = '';

beforeAll(() => {
  log = join(mkdtempSync(join(tmpdir(), 'rw86-seek-')), 'crc.rr');
  const r = cli(['record', '--kernel', repoPath('bench/guests/bin/crc32.elf'), '--output', log, '--no-sleep']);
  expect(r.status).toBe(1); // the guest's isa-debug-exit(0)
}, 120_000);

describe('rewind86 seek', () => {
  it('reaches the same state at N going forwards, backwards and forwards again, with small snapshot intervals', () => {
    const r = cli(['seek', log, '150000000', '1000', '149999000', '150000000', '--snapshot-interval', '4000000', '--snapshot-memory', '64']);
    expect(r.stderr).toMatch(/^rewind86: \d+ snapshots, [\d.]+ MiB, interval \d+, recording length \d+\n$/);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    const hashes = lines.map((l) => /^icount=(\d+) (cpu=0x[0-9a-f]{8} ram=0x[0-9a-f]{8})/.exec(l)!);
    expect(hashes.map((h) => Number(h[1]))).toEqual([150000000, 1000, 149999000, 150000000]);
    expect(hashes[3][2]).toBe(hashes[0][2]);
    expect(hashes[1][2]).not.toBe(hashes[0][2]);
    // Going back to 149999000 replayed at most one snapshot interval.
    expect(Number(/replayed=(\d+)/.exec(lines[2])![1])).toBeLessThanOrEqual(4000000);
    expect(r.status).toBe(0);
  }, 60_000);

  it('bad input is one line and exit status 1', () => {
    for (const args of [['seek', log, 'abc'], ['seek', log, '5', '--snapshot-interval', '0'], ['seek', '/no/such.rr', '5']]) {
      const r = cli(args);
      expect(r.stderr).toMatch(/^rewind86: error: [^\n]+\n$/);
      expect(r.status).toBe(1);
    }
  });
});
