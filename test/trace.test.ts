// Execution traces (src/trace) and `rewind86 trace-diff`:
//   - tracing never changes what the guest does (same icount, same output);
//   - two runs of a deterministic guest give traces that agree (exit 0), at
//     both levels and across levels;
//   - a test hook that changes one register at icount N is reported at
//     exactly N, naming that register (instruction level) or by its hash;
//   - traces of different lengths report where the shorter one ends;
//   - an interrupt delivered at a different icount is reported as such, with
//     where the other run takes it;
//   - record --trace and replay --trace of the same recording agree;
//   - truncated, corrupt or foreign files and bad options: one error line, exit 2.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Machine } from '../src/devices/index.js';
import { TraceReader, TraceWriter, diffTraces, openTrace, type DiffResult, type TraceLevel } from '../src/trace/index.js';
import { makeTempDir, repoPath } from './support/guests.js';
import { elfSymbols } from './support/elf.js';

const CLI = repoPath('dist/cli/main.js');
const HELLO = repoPath('test/guests/bin/hello.elf');
const JITTER = repoPath('test/guests/bin/jitter.elf');
const ECHO = repoPath('test/guests/bin/echo.elf');
const dir = makeTempDir('trace');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Step { at: number; act: (m: Machine) => void }

/** Runs a kernel in-process with a trace, applying each step when the icount reaches it; returns the output and final icount. */
function traced(kernel: string, append: string, level: TraceLevel, file: string, steps: Step[] = [], stopAt?: number) {
  let out = '';
  const m = new Machine({ memoryMiB: 16, serialOut: (b) => { out += String.fromCharCode(b); }, startTimeMs: 0 });
  m.loadMultiboot(kernel, readFileSync(kernel), append);
  const w = new TraceWriter(file, m.cpu, { level, source: 'test', machine: {}, rewind86Version: 'test', force: true });
  m.exec.tracer = w;
  if (level === 'insn') m.exec.blockInsnLimit = 1;
  for (const s of steps) {
    m.run(s.at);
    expect(m.cpu.icount).toBe(s.at);
    s.act(m);
  }
  const r = m.run(stopAt);
  w.close();
  return { out, icount: m.cpu.icount, status: r.status, entries: w.entries };
}

function untraced(kernel: string, append: string) {
  let out = '';
  const m = new Machine({ memoryMiB: 16, serialOut: (b) => { out += String.fromCharCode(b); }, startTimeMs: 0 });
  m.loadMultiboot(kernel, readFileSync(kernel), append);
  const r = m.run();
  return { out, icount: m.cpu.icount, status: r.status };
}

function diff(a: string, b: string, opts: Partial<Parameters<typeof diffTraces>[2]> = {}): DiffResult {
  const A = openTrace(a), B = openTrace(b);
  try {
    return diffTraces(A, B, { context: 3, ignoreUntilWritten: [], ...opts });
  } finally {
    A.close();
    B.close();
  }
}

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const f = (name: string) => join(dir, name);

describe('tracing', () => {
  it('does not change what the guest does, at either level', () => {
    const plain = untraced(JITTER, 'ticks=12');
    for (const level of ['block', 'insn'] as const) {
      const t = traced(JITTER, 'ticks=12', level, f(`same-${level}.trc`));
      expect(t.out).toBe(plain.out);
      expect(t.icount).toBe(plain.icount);
      expect(t.status).toBe(plain.status);
    }
    // Instruction level: one record per instruction (faults and interrupts add none: jitter has only IRQ0).
    const r = new TraceReader(f('same-insn.trc'));
    let n = 0, prev = -1, irqs = 0, gaps = 0;
    while (r.next()) {
      if (r.icount !== prev + 1) gaps++;
      prev = r.icount;
      n++;
      irqs += r.events.filter((e) => e.vector === 0x20 && e.kind === 0).length;
    }
    expect(gaps).toBe(0);
    expect(r.endIcount).toBe(plain.icount);
    expect(n).toBe(plain.icount);
    expect(irqs).toBeGreaterThanOrEqual(12);
    r.close();
  });

  it('two runs of a deterministic guest agree, within and across levels', () => {
    traced(JITTER, 'ticks=30', 'block', f('j1.trc'));
    traced(JITTER, 'ticks=30', 'block', f('j2.trc'));
    traced(JITTER, 'ticks=30', 'insn', f('j3.trc'));
    for (const [a, b] of [['j1', 'j2'], ['j1', 'j3'], ['j3', 'j1']]) {
      const r = diff(f(`${a}.trc`), f(`${b}.trc`));
      expect(r.divergence?.message).toBeUndefined();
      expect(r.same).toBe(true);
      expect(r.compared).toBeGreaterThan(1000);
    }
    const c = cli(['trace-diff', 'j1.trc', 'j2.trc']);
    expect(c.status).toBe(0);
    expect(c.stdout).toMatch(/^traces agree: \d+ records compared, both end at icount \d+\n$/);
    // The same through the standalone entry point.
    const tool = spawnSync(repoPath('tools/trace-diff/trace-diff'), ['j1.trc', 'j2.trc'], { cwd: dir, encoding: 'utf8' });
    expect(tool.stdout).toBe(c.stdout);
    expect(tool.status).toBe(0);
  });

  it('a register changed at icount N is reported at N with that register', () => {
    const N = 3001;
    traced(HELLO, 'hook', 'insn', f('h-clean.trc'), [{ at: N, act: () => {} }]);
    traced(HELLO, 'hook', 'insn', f('h-hooked.trc'), [{ at: N, act: (m) => { m.cpu.s[6] ^= 0x40; } }]);
    const esi = diff(f('h-clean.trc'), f('h-hooked.trc'));
    expect(esi.same).toBe(false);
    const d = esi.divergence!;
    expect(d.kind).toBe('registers');
    expect(d.key).toBe(N);
    expect(d.a!.icount).toBe(N);
    expect(d.registers.map((r) => r.name)).toEqual(['esi']);
    expect(d.registers[0]!.a ^ d.registers[0]!.b).toBe(0x40);
    expect(d.agreedAt).toBe(N - 1);
    expect(esi.context.length).toBe(3);
    expect(esi.context[2]!.icount).toBe(N - 1);

    // Block level: the same point, found by the register hash.
    traced(HELLO, 'hook', 'block', f('hb-clean.trc'), [{ at: N, act: () => {} }]);
    traced(HELLO, 'hook', 'block', f('hb-hooked.trc'), [{ at: N, act: (m) => { m.cpu.s[6] ^= 0x40; } }]);
    const hb = diff(f('hb-clean.trc'), f('hb-hooked.trc'));
    expect(hb.divergence!.kind).toBe('hash');
    expect(hb.divergence!.key).toBe(N);
    // Across levels, the instruction trace gives the block trace's points.
    const x = diff(f('hb-clean.trc'), f('h-hooked.trc'));
    expect(x.divergence!.key).toBe(N);

    const c = cli(['trace-diff', 'h-clean.trc', 'h-hooked.trc', '--context', '2']);
    expect(c.status).toBe(1);
    expect(c.stdout).toContain(`registers differ at icount ${N}`);
    expect(c.stdout).toMatch(/esi +[0-9a-f]{8} +[0-9a-f]{8}/);
    const j = cli(['trace-diff', 'h-clean.trc', 'h-hooked.trc', '--json']);
    expect(j.status).toBe(1);
    const parsed = JSON.parse(j.stdout);
    expect(parsed.same).toBe(false);
    expect(parsed.divergence.icount).toBe(N);
    expect(parsed.divergence.registers[0].name).toBe('esi');
    expect(parsed.context).toHaveLength(5);
  });

  it('--range compares the instructions in an address range, in order', () => {
    traced(HELLO, 'range', 'insn', f('r1.trc'));
    traced(HELLO, 'range', 'insn', f('r2.trc'), [{ at: 4000, act: (m) => { m.cpu.s[5] ^= 1; } }]);
    const at = elfSymbols(readFileSync(HELLO)).get('rt_putc')!;
    const putc = { lo: at, hi: at + 0x1d }; // rt_putc is 0x1e bytes (nm -S test/guests/bin/hello.elf)
    const reader = new TraceReader(f('r1.trc'));
    let inRange = 0;
    while (reader.next()) if (reader.eip >= putc.lo && reader.eip <= putc.hi) inRange++;
    reader.close();
    expect(inRange).toBeGreaterThan(500);
    const same = diff(f('r1.trc'), f('r1.trc'), { range: putc });
    expect(same.same).toBe(true);
    expect(same.compared).toBe(inRange);
    // EBP changed at 4000 outside rt_putc, which never reads it: inside the range both runs still agree...
    expect(diff(f('r1.trc'), f('r2.trc'), { range: putc }).same).toBe(true);
    // ...while the whole traces differ from there.
    expect(diff(f('r1.trc'), f('r2.trc')).divergence!.key).toBe(4000);
  });

  it('traces of different lengths report where the shorter one ends', () => {
    const full = traced(HELLO, 'len', 'block', f('len-full.trc'));
    const M = 2500;
    traced(HELLO, 'len', 'block', f('len-short.trc'), [], M);
    const r = diff(f('len-full.trc'), f('len-short.trc'));
    expect(r.divergence!.kind).toBe('end');
    expect(r.divergence!.key).toBe(M);
    expect(r.divergence!.message).toContain(`trace B ends at icount ${M}`);
    const back = diff(f('len-short.trc'), f('len-full.trc'));
    expect(back.divergence!.message).toContain(`trace A ends at icount ${M}`);
    expect(full.icount).toBeGreaterThan(M);
  });

  it('an interrupt taken at another icount is reported as such, with where the other run takes it', () => {
    const X = 200_000, DELAY = 1234;
    const type = (m: Machine) => m.serialInput(new Uint8Array([0x61]));
    traced(JITTER, 'ticks=30', 'block', f('irq-a.trc'), [{ at: X, act: type }]);
    traced(JITTER, 'ticks=30', 'block', f('irq-b.trc'), [{ at: X + DELAY, act: type }]);
    const r = diff(f('irq-a.trc'), f('irq-b.trc'));
    const d = r.divergence!;
    expect(d.kind).toBe('event');
    // The UART raises its interrupt some time after the byte arrives; the same time in both runs.
    expect(d.key).toBeGreaterThanOrEqual(X);
    expect(d.eventsA.map((e) => e.vector)).toEqual([0x24]); // COM1 = IRQ4 = vector 0x24 with jitter's PIC base
    expect(d.eventsB).toEqual([]);
    expect(d.eventElsewhere?.trace).toBe('b');
    expect(d.eventElsewhere!.key).toBe(d.key + DELAY);
    expect(d.message).toBe(`A takes hardware interrupt 0x24 at icount ${d.key}; B does not (B takes it ${DELAY} instructions later, at icount ${d.key + DELAY}): the interrupt lands at a different point`);
  });
});

describe('record --trace and replay --trace', () => {
  it('agree on a recording', () => {
    const rec = spawnSync(process.execPath, [CLI, 'record', '--kernel', ECHO, '--append', 'limit=500', '--output', 'e.log', '--trace', 'rec.trc'],
      { cwd: dir, encoding: 'utf8', input: 'hello q', timeout: 60_000 });
    expect(rec.status, rec.stderr).toBe(1); // the guest read the 'q' (exit code 0), not its 5 s limit
    const rep = cli(['replay', 'e.log', '--quiet', '--trace', 'rep.trc']);
    expect(rep.status, rep.stderr).toBe(1);
    const c = cli(['trace-diff', 'rec.trc', 'rep.trc']);
    expect(c.stdout).toMatch(/^traces agree/);
    expect(c.status).toBe(0);
    // The trace header says where it came from.
    expect(new TraceReader(f('rec.trc')).header.source).toBe('record');
    expect(new TraceReader(f('rep.trc')).header.source).toBe('replay');
    // Never over a file that is not a trace.
    const bad = cli(['replay', 'e.log', '--quiet', '--trace', 'e.log']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^rewind86: error: --trace e.log: that is an input file\n$/);
  });
});

describe('trace-diff input errors', () => {
  it('truncated, corrupt and foreign files: one line, exit 2', () => {
    traced(HELLO, 'x', 'insn', f('good-insn.trc'));
    traced(HELLO, 'x', 'block', f('good-block.trc'));
    const insn = readFileSync(f('good-insn.trc'));
    const block = readFileSync(f('good-block.trc'));
    const flip = (buf: Buffer, at: number) => { const c = Buffer.from(buf); c[at]! ^= 0x10; return c; };
    const cases: Array<[string, Buffer | string, RegExp]> = [
      ['cut-header.trc', insn.subarray(0, 10), /truncated in its header/],
      ['cut-mid.trc', insn.subarray(0, Math.floor(insn.length / 2)), /truncated/],
      ['cut-end.trc', block.subarray(0, block.length - 24), /truncated: no end record/],
      ['flip-z.trc', flip(insn, insn.length - 200), /corrupt/],
      ['flip-stored.trc', flip(block, block.length - 300), /corrupt \(checksum mismatch\)/],
      ['flip-end.trc', flip(block, block.length - 10), /end record is corrupt/],
      ['text.trc', 'hello\nworld\n', /no "Trace" records/],
      ['badqemu.trc', 'Trace 0: 0x1 [00000000/00100000/000000b0/ff020201] _start\nEAX=zz\n', /qemu log line 2/],
    ];
    for (const [name, data] of cases) writeFileSync(f(name), data);
    writeFileSync(f('log.rw86'), Buffer.concat([Buffer.from('RW86LOG\0'), Buffer.alloc(16)]));
    cases.push(['log.rw86', '', /not a trace/], ['missing.trc', '', /cannot read trace missing.trc: ENOENT/]);
    for (const [name, , why] of cases) {
      for (const args of [[name, 'good-block.trc'], ['good-block.trc', name]]) {
        const r = cli(['trace-diff', ...args]);
        expect(r.status, `${name}: ${r.stderr}`).toBe(2);
        expect(r.stderr).toMatch(/^rewind86: error: [^\n]+\n$/);
        expect(r.stderr).toMatch(why);
        expect(r.stdout).toBe('');
      }
    }
  });

  it('bad options: one line, exit 2', () => {
    traced(HELLO, 'x', 'block', f('opt.trc'));
    for (const [args, why] of [
      [['--context', 'x'], /--context: "x" is not a whole number/],
      [['--align-at', 'zz'], /--align-at: "zz" is not an address/],
      [['--range', '0x200-0x100'], /--range: 0x200-0x100 is empty/],
      [['--range', '0x100-0x200'], /--range compares instruction by instruction/],
      [['--ignore', 'foo'], /--ignore: unknown register "foo"/],
      [['--ignore', 'eax'], /--ignore needs register values/],
      [['--bogus'], /unknown option/],
    ] as Array<[string[], RegExp]>) {
      const r = cli(['trace-diff', 'opt.trc', 'opt.trc', ...args]);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(why);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    const missingArg = cli(['trace-diff', 'opt.trc']);
    expect(missingArg.status).toBe(2);
  });

  it('--align-at an address never executed is a difference', () => {
    traced(HELLO, 'x', 'block', f('al.trc'));
    const r = cli(['trace-diff', 'al.trc', 'al.trc', '--align-at', '0x1']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('never executes the --align-at address 00000001');
  });
});
