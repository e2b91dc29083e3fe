// The Linux boot protocol's 32-bit entry (src/devices/linux-boot.ts) on a
// synthetic bzImage: the protected-mode part at 1 MiB, the zero page with
// the setup header, the e820 map, the command line and the initrd, the CPU
// state at entry; and the one-line errors for what is not a usable kernel.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Machine } from '../src/devices/index.js';
import { loadLinux, isBzImage } from '../src/devices/index.js';
import { S } from '../src/frontend-x86/index.js';
import { makeTempDir, repoPath } from './support/guests.js';

const CLI = repoPath('dist/cli/main.js');
const dir = makeTempDir('linux-boot');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A bzImage: one setup sector after the boot sector, then `code` as the protected-mode kernel. */
function bzImage(code: number[], opts: { version?: number; loadflags?: number; cmdlineSize?: number; initSize?: number; prefAddress?: number } = {}): Uint8Array {
  const img = new Uint8Array(1024 + code.length);
  const dv = new DataView(img.buffer);
  img[0x1f1] = 1; // setup_sects
  img[0x201] = 0x6a; // header length - 0x202 (to 0x26c)
  dv.setUint32(0x202, 0x53726448, true); // "HdrS"
  dv.setUint16(0x206, opts.version ?? 0x020f, true);
  img[0x211] = opts.loadflags ?? 0x01; // LOADED_HIGH
  dv.setUint32(0x214, 0x100000, true); // code32_start
  dv.setUint32(0x22c, 0x37ffffff, true); // initrd_addr_max
  dv.setUint32(0x238, opts.cmdlineSize ?? 2047, true);
  dv.setUint32(0x258, opts.prefAddress ?? 0, true); // pref_address (2.10)
  dv.setUint32(0x260, opts.initSize ?? 0, true); // init_size (2.10)
  img.set(code, 1024);
  return img;
}

// The kernel: mov eax, [esi + 0x228] (the zero page's cmd_line_ptr); movzx eax, byte [eax]; out 0xf4, eax; hlt.
// So the exit status is (first command-line byte << 1) | 1.
const KERNEL = [0x8b, 0x86, 0x28, 0x02, 0x00, 0x00, 0x0f, 0xb6, 0x00, 0xe7, 0xf4, 0xf4];

describe('Linux boot protocol', () => {
  it('loads the kernel, fills the zero page and enters at code32_start', () => {
    const m = new Machine({ memoryMiB: 32, serialOut: () => {}, noReboot: true });
    const image = bzImage(KERNEL);
    expect(isBzImage(image)).toBe(true);
    const initrd = Uint8Array.from({ length: 10_000 }, (_, i) => i * 7);
    loadLinux(m.cpu, { file: 'k', data: image, cmdline: 'console=ttyS0 x=1', initrd: { file: 'i', data: initrd } });
    const s = m.cpu.s, mem = m.mem;
    expect(s[S.EIP]).toBe(0x100000);
    expect(s[S.ESI]).toBe(0x10000);
    expect(s[S.SEL + 1]).toBe(0x10);
    expect(s[S.SEL + 3]).toBe(0x18);
    expect(s[S.CR0] & 0x80000001).toBe(1); // protected mode, no paging
    expect(Array.from(mem.m8.subarray(0x100000, 0x100000 + KERNEL.length))).toEqual(KERNEL);
    const zp = 0x10000;
    expect(mem.read32(zp + 0x202) >>> 0).toBe(0x53726448); // the setup header was copied
    expect(mem.m8[zp + 0x210]).toBe(0xff); // type_of_loader
    const cmdPtr = mem.read32(zp + 0x228);
    expect(new TextDecoder().decode(mem.m8.subarray(cmdPtr, cmdPtr + 17))).toBe('console=ttyS0 x=1');
    expect(mem.m8[cmdPtr + 17]).toBe(0);
    const rd = mem.read32(zp + 0x218), rdSize = mem.read32(zp + 0x21c);
    expect(rdSize).toBe(initrd.length);
    expect(rd % 4096).toBe(0);
    expect(rd + rdSize).toBeLessThanOrEqual(32 << 20);
    expect(Array.from(mem.m8.subarray(rd, rd + 50))).toEqual(Array.from(initrd.subarray(0, 50)));
    const n = mem.m8[zp + 0x1e8];
    const e820 = Array.from({ length: n }, (_, i) => [mem.read32(zp + 0x2d0 + i * 20) >>> 0, mem.read32(zp + 0x2d0 + i * 20 + 8) >>> 0, mem.read32(zp + 0x2d0 + i * 20 + 16)]);
    expect(e820).toEqual([[0, 0x9fc00, 1], [0x9fc00, 0x400, 2], [0xf0000, 0x10000, 2], [0x100000, (32 << 20) - 0x100000, 1]]);
    // And it runs: the kernel reads the command line through the zero page.
    expect(m.run().status).toBe(('c'.charCodeAt(0) << 1) | 1);
  });

  it('bad kernels and initrds: one line, status 1', () => {
    const cases: Array<[string, Uint8Array, string[], RegExp]> = [
      ['old.bz', bzImage(KERNEL, { version: 0x0201 }), [], /boot protocol 2\.1; this loader needs 2\.02 or later/],
      ['zimage.bz', bzImage(KERNEL, { loadflags: 0 }), [], /a zImage \(loaded low\)/],
      ['short.bz', bzImage(KERNEL).subarray(0, 900), [], /truncated/],
      ['cmd.bz', bzImage(KERNEL, { cmdlineSize: 10 }), ['--append', 'a'.repeat(11)], /command line is 11 bytes; this kernel takes at most 10/],
      ['big.bz', bzImage(KERNEL), ['--initrd', 'huge.img', '--memory', '4'], /huge\.img: the initrd \(8388608 bytes\) does not fit/],
      ['two.bz', bzImage(KERNEL), ['--initrd', 'a.img,b.img'], /a Linux kernel takes one initrd/],
      // Debian's kernels run at pref_address 16 MiB and need init_size (~16 MiB) there before they read the memory map.
      ['init.bz', bzImage(KERNEL, { prefAddress: 16 << 20, initSize: 16 << 20 }), ['--memory', '31'],
        /the kernel needs 32 MiB of RAM to decompress and start \(it runs at 0x1000000 and needs 16777216 bytes there\); --memory is 31 MiB/],
      ['init2.bz', bzImage(KERNEL, { prefAddress: 16 << 20, initSize: 16 << 20 }), ['--initrd', 'huge.img', '--memory', '36'],
        /huge\.img: the initrd \(8388608 bytes\) does not fit in 36 MiB of RAM above what the kernel needs to start \(32 MiB\); give --memory 40 or more/],
    ];
    writeFileSync(join(dir, 'huge.img'), new Uint8Array(8 << 20));
    writeFileSync(join(dir, 'a.img'), 'a');
    writeFileSync(join(dir, 'b.img'), 'b');
    for (const [name, data, extra, why] of cases) {
      writeFileSync(join(dir, name), data);
      const r = spawnSync(process.execPath, [CLI, 'run', '--kernel', name, '--no-reboot', ...extra], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
      expect(r.status, `${name}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toMatch(/^rewind86: error: [^\n]+\n$/);
      expect(r.stderr).toMatch(why);
    }
  });
});
