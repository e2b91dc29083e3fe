// `rewind86 run` without --kernel boots the Linux guest of the guest kit
// (npm run guest:linux), cached in $XDG_CACHE_HOME/rewind86/linux, with its
// command line and 256 MiB unless given; when it is not there and cannot be
// prepared, one line says so and names --kernel.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, repoPath } from './support/guests.js';

const CLI = repoPath('dist/cli/main.js');
const dir = makeTempDir('default-guest');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A bzImage whose kernel exits with (first command-line byte << 1) | 1 (as in test/linux-boot.test.ts). */
function bzImage(): Uint8Array {
  const code = [0x8b, 0x86, 0x28, 0x02, 0x00, 0x00, 0x0f, 0xb6, 0x00, 0xe7, 0xf4, 0xf4];
  const img = new Uint8Array(1024 + code.length);
  const dv = new DataView(img.buffer);
  img[0x1f1] = 1;
  img[0x201] = 0x6a;
  dv.setUint32(0x202, 0x53726448, true);
  dv.setUint16(0x206, 0x020f, true);
  img[0x211] = 0x01;
  dv.setUint32(0x214, 0x100000, true);
  dv.setUint32(0x22c, 0x37ffffff, true);
  dv.setUint32(0x238, 2047, true);
  img.set(code, 1024);
  return img;
}

function run(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, [CLI, 'run', '--no-reboot', ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('run without --kernel', () => {
  it('boots the cached guest with its command line', () => {
    const cache = join(dir, 'cache');
    const guest = join(cache, 'rewind86', 'linux');
    mkdirSync(guest, { recursive: true });
    writeFileSync(join(guest, 'vmlinuz'), bzImage());
    writeFileSync(join(guest, 'initrd.gz'), 'initrd');
    writeFileSync(join(guest, 'cmdline'), 'Zconsole=ttyS0\n');
    writeFileSync(join(guest, 'VERSIONS'), 'test\n');
    const r = run([], { XDG_CACHE_HOME: cache });
    expect(r.status, r.stderr).toBe(('Z'.charCodeAt(0) << 1) | 1);
    // --append replaces the guest's command line.
    expect(run(['--append', 'A'], { XDG_CACHE_HOME: cache }).status).toBe(('A'.charCodeAt(0) << 1) | 1);
  });

  it('says how to go on when the guest cannot be prepared', () => {
    const r = run([], { XDG_CACHE_HOME: join(dir, 'empty'), PATH: '/nonexistent' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/preparing the Linux guest/);
    expect(r.stderr).toMatch(/\nrewind86: error: could not prepare the Linux guest \(npm run guest:linux failed\); give --kernel FILE instead\n$/);
  });
});
