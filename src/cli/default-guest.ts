// `rewind86 run` (and `record`) with neither --kernel nor --bios boots the
// Linux guest of `npm run guest:linux` (scripts/guest-linux.mjs): Debian's
// i386 kernel and a busybox initramfs, cached in
// $XDG_CACHE_HOME/rewind86/linux or ~/.cache/rewind86/linux, and made there
// (with its progress shown) the first time.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../devices/index.js';

export interface DefaultGuest {
  kernel: string;
  initrd: string;
  /** The kernel command line the guest kit recommends. */
  cmdline: string;
}

export const DEFAULT_GUEST_MEMORY_MIB = 256;

export function defaultGuestDir(): string {
  const xdg = process.env['XDG_CACHE_HOME'];
  return join(xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.cache'), 'rewind86', 'linux');
}

/** The cached guest, prepared first (by the guest kit script) when it is not there yet. */
export function defaultGuest(): DefaultGuest {
  const dir = defaultGuestDir();
  const files = ['vmlinuz', 'initrd.gz', 'cmdline', 'VERSIONS'].map((f) => join(dir, f));
  if (!files.every((f) => existsSync(f))) {
    process.stderr.write(`rewind86: no --kernel: preparing the Linux guest in ${dir} (npm run guest:linux)\n`);
    const script = fileURLToPath(new URL('../../scripts/guest-linux.mjs', import.meta.url));
    const r = spawnSync(process.execPath, [script, '--dir', dir], { stdio: 'inherit' });
    if (r.status !== 0) throw new UserError(`could not prepare the Linux guest (npm run guest:linux failed); give --kernel FILE instead`);
  }
  return { kernel: files[0]!, initrd: files[1]!, cmdline: readFileSync(files[2]!, 'utf8').trim() };
}
