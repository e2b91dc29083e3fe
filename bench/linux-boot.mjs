// Boot time of the guest kit's Linux guest (npm run guest:linux) to its shell
// banner under rewind86, next to the same kernel, initramfs and command line
// under qemu-system-i386 (TCG) in the same run, and their ratio. Each boot
// runs in a fresh process, as `rewind86 run` and QEMU do (a second boot in
// the same process finds V8 warmed up: the translator already optimized, and
// V8's cache of compiled wasm modules full), with the node flags this one got.
// Usage: node bench/linux-boot.mjs [--runs N] [--slices] [--no-qemu] [--against DIR]
//   --slices: rewind86's progress per 2e8 instructions (host seconds, MIPS, blocks translated)
//   --against DIR: no QEMU; this build's boots alternate with those of the build in DIR (another
//     checkout, built: DIR/dist), in the same run, the way to measure a change on a machine whose
//     speed drifts from minute to minute (default 5 runs each)
// The guest is prepared first if it is not cached; without qemu-system-i386 only rewind86 is timed.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const showSlices = args.includes('--slices');
const against = option('--against');
const runs = option('--runs') !== undefined ? Number(option('--runs')) : against !== undefined ? 5 : 3;
const withQemu = !args.includes('--no-qemu') && against === undefined;
/** The build a boot process runs (--dist, given to children by the parent): this checkout's by default. */
const dist = resolve(option('--dist') ?? fileURLToPath(new URL('../dist', import.meta.url)));
const { buildMachine, parseMachineArgs } = await import(join(dist, 'cli/machine-setup.js'));
const { defaultGuest, DEFAULT_GUEST_MEMORY_MIB } = await import(join(dist, 'cli/default-guest.js'));
const SLICE = 2e8;
const BANNER = 'rewind86 guest:';
const KERNEL_BANNER = 'Linux version';
const LIMIT = 3e10;
const QEMU_TIMEOUT_MS = 120_000;

/** One boot in a fresh node process (this script with --child), with this process's node flags, of the build in `build`. */
function rewind86BootFresh(build = dist) {
  const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--child', '--dist', build, ...(showSlices ? ['--slices'] : [])],
    { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`rewind86 boot process failed (status ${child.status})`);
  return JSON.parse(child.stdout.trim().split('\n').pop());
}

function rewind86Boot(guest) {
  let console = '';
  const config = parseMachineArgs({ kernel: guest.kernel, initrd: guest.initrd, append: guest.cmdline, memory: String(DEFAULT_GUEST_MEMORY_MIB) });
  let t0 = 0;
  let kernelAt = null, bannerAt = null;
  // The kernel's banner comes when its serial console starts: the same guest point under both emulators.
  const { machine } = buildMachine({ kernel: guest.kernel }, config, 0, (b) => {
    console += String.fromCharCode(b);
    if (kernelAt === null && b === 0x6e && console.endsWith(KERNEL_BANNER)) kernelAt = (performance.now() - t0) / 1000;
    if (bannerAt === null && b === 0x3a && console.endsWith(BANNER)) bannerAt = { seconds: (performance.now() - t0) / 1000, icount: machine.cpu.icount };
  });
  if (process.env.REWIND86_JIT_THRESHOLD) machine.exec.jitThreshold = Number(process.env.REWIND86_JIT_THRESHOLD);
  t0 = performance.now();
  let lastT = t0, lastI = 0, lastTbs = 0;
  while (!console.includes(BANNER) && machine.cpu.icount < LIMIT) {
    const before = machine.cpu.icount;
    machine.run(before + SLICE);
    if (machine.cpu.icount < before + SLICE && !console.includes(BANNER)) break; // the run ended (power-off, reset with --no-reboot...)
    if (showSlices) {
      const now = performance.now(), tbs = machine.exec.cache.translated;
      const dt = (now - lastT) / 1000, di = machine.cpu.icount - lastI;
      process.stderr.write(`  icount ${(machine.cpu.icount / 1e9).toFixed(2)}e9  ${dt.toFixed(2)} s  ${(di / dt / 1e6).toFixed(0)} MIPS  +${tbs - lastTbs} blocks\n`);
      lastT = now; lastI = machine.cpu.icount; lastTbs = tbs;
    }
  }
  if (!console.includes(BANNER)) throw new Error(`rewind86: no shell banner after ${machine.cpu.icount} instructions; last output: ${console.slice(-300)}`);
  return {
    seconds: bannerAt.seconds, kernelAt, icount: bannerAt.icount,
    blocks: machine.exec.cache.translated, compiled: machine.exec.compiler.compiledBlocks,
  };
}

/** Seconds from spawning QEMU to the shell banner on its serial port (stdout), and to the kernel's banner. */
function qemuBoot(guest) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('qemu-system-i386', ['-M', 'pc', '-m', String(DEFAULT_GUEST_MEMORY_MIB), '-display', 'none', '-monitor', 'none',
      '-serial', 'stdio', '-no-reboot', '-net', 'none', '-kernel', guest.kernel, '-initrd', guest.initrd, '-append', guest.cmdline],
    { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '', done = false, kernelAt = null;
    const timer = setTimeout(() => finish(new Error(`qemu: no shell banner in ${QEMU_TIMEOUT_MS / 1000} s`)), QEMU_TIMEOUT_MS);
    const finish = (err, value) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      if (err) reject(err); else resolve(value);
    };
    child.on('error', (e) => finish(new Error(`qemu: ${e.message}`)));
    child.stdout.on('data', (d) => {
      out += d.toString('latin1');
      if (kernelAt === null && out.includes(KERNEL_BANNER)) kernelAt = (performance.now() - t0) / 1000;
      if (out.includes(BANNER)) finish(null, { seconds: (performance.now() - t0) / 1000, kernelAt });
    });
    child.on('exit', () => finish(new Error(`qemu exited before the banner; output: ${out.slice(-300)}`)));
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const guest = defaultGuest();
  if (args.includes('--child')) {
    process.stdout.write(`${JSON.stringify(rewind86Boot(guest))}\n`);
    return;
  }
  if (against !== undefined) return compare(resolve(against, 'dist'));
  const haveQemu = withQemu && spawnSync('qemu-system-i386', ['--version']).status === 0;
  const ours = [], theirs = [];
  for (let i = 0; i < runs; i++) {
    ours.push(rewind86BootFresh());
    if (haveQemu) theirs.push(await qemuBoot(guest));
  }
  const r = ours.find((x) => x.seconds === median(ours.map((o) => o.seconds)));
  console.log(`Linux boot to the shell banner (guest kit, ${DEFAULT_GUEST_MEMORY_MIB} MiB), median of ${runs}, each in a fresh process:`);
  console.log(`  rewind86: ${r.seconds.toFixed(2)} s (kernel banner at ${r.kernelAt?.toFixed(2)} s), ${(r.icount / 1e9).toFixed(2)}e9 instructions, ${(r.icount / r.seconds / 1e6).toFixed(0)} MIPS, ${r.blocks} blocks translated, ${r.compiled} compiled`);
  if (haveQemu) {
    const q = theirs.find((x) => x.seconds === median(theirs.map((t) => t.seconds)));
    console.log(`  qemu-system-i386 (TCG): ${q.seconds.toFixed(2)} s (kernel banner at ${q.kernelAt?.toFixed(2)} s, after its BIOS)`);
    console.log(`  ratio rewind86 / QEMU: ${(r.seconds / q.seconds).toFixed(2)}x` +
      ` (to the kernel banner ${(r.kernelAt / q.kernelAt).toFixed(2)}x: decompression and early boot; after it ${((r.seconds - r.kernelAt) / (q.seconds - q.kernelAt)).toFixed(2)}x: init, mostly code run a few times)`);
  } else {
    console.log(withQemu ? '  qemu-system-i386: not installed (apt-get install qemu-system-x86), no comparison' : '  qemu-system-i386: not run (--no-qemu)');
  }
}

/** This build against the one in `other`, boots alternating: medians and each boot. */
function compare(other) {
  if (!existsSync(join(other, 'cli/machine-setup.js'))) throw new Error(`no build in ${other} (run npm run build there)`);
  const builds = [['this build', dist], ['--against', other]];
  const results = builds.map(() => []);
  for (let i = 0; i < runs; i++) builds.forEach(([, build], k) => results[k].push(rewind86BootFresh(build)));
  console.log(`Linux boot to the shell banner, ${runs} boots of each build, alternating, each in a fresh process:`);
  builds.forEach(([name, build], k) => {
    const r = results[k];
    console.log(`  ${name} (${build}): median ${median(r.map((x) => x.seconds)).toFixed(2)} s, kernel banner ${median(r.map((x) => x.kernelAt)).toFixed(2)} s;` +
      ` boots ${r.map((x) => x.seconds.toFixed(2)).join(' ')}`);
  });
}

main().catch((e) => { console.error(`linux-boot bench: ${e.message}`); process.exit(1); });
