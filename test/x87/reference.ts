// Builds test/x87/ref.c with the host gcc and runs batches of vectors through
// it: the host's own x87 is the reference for the arithmetic unit.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, repoPath } from '../support/guests.js';

export interface Reference {
  run(lines: string[]): string[];
  dispose(): void;
}

export function buildReference(): Reference {
  if (process.arch !== 'x64' && process.arch !== 'ia32') {
    throw new Error(`the x87 reference runs on the host's x87: this host is ${process.arch}, not x86`);
  }
  const dir = makeTempDir('x87ref');
  const exe = join(dir, 'ref');
  const cc = process.env.CC ?? 'gcc';
  const r = spawnSync(cc, ['-O1', '-o', exe, repoPath('test/x87/ref.c')], { encoding: 'utf8' });
  if (r.error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`cannot run ${cc} to build the x87 reference test/x87/ref.c: install gcc (${(r.error as NodeJS.ErrnoException).code})`);
  }
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${cc} failed to build test/x87/ref.c:\n${r.stderr}`);
  }
  return {
    run(lines: string[]): string[] {
      const out = spawnSync(exe, [], { input: lines.join('\n') + '\n', encoding: 'utf8', maxBuffer: 1 << 30 });
      if (out.status !== 0) throw new Error(`x87 reference failed (${out.status}): ${out.stderr}`);
      const got = out.stdout.split('\n');
      got.pop();
      if (got.length !== lines.length) throw new Error(`x87 reference answered ${got.length} of ${lines.length} lines`);
      return got;
    },
    dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
