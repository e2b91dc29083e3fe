import { describe, it, expect } from 'vitest';
import { prng } from './support/prng.js';
import { readFileSync, createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  parseQemuLog,
  parseQemuLogStream,
  QemuLogParser,
  QemuLogError,
  type QemuStep,
} from '../src/trace/qemu-log.js';

const dataDir = fileURLToPath(new URL('./data/qemu-log/', import.meta.url));
const read = (f: string): string => readFileSync(dataDir + f, 'utf8');
const lines = (t: string): string[] => t.split('\n');
const parseAll = (t: string): QemuStep[] => [...parseQemuLog(lines(t))];

const sample = read('hello-singlestep.log');

function catchErr(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('parseQemuLog on the committed QEMU 7.2 sample', () => {
  const steps = parseAll(sample);

  it('yields one record per Trace line', () => {
    expect(steps.length).toBe(160);
    expect(steps.every((s) => !s.stopped)).toBe(true);
  });

  it('decodes the kernel entry record (hand-checked)', () => {
    const s = steps[0]!;
    expect(s.line).toBe(1);
    expect(s.cpu).toBe(0);
    expect(s.csBase).toBe(0);
    expect(s.pc).toBe(0x1000f3); // _start, ELF entry point
    expect(s.eip).toBe(0x1000f3);
    expect(s.tbFlags).toBe(0xb0);
    expect(s.cflags).toBe(0xff020201);
    expect(s.symbol).toBe('_start');
    expect(s.regs).toEqual({
      eax: 0x2badb002, ebx: 0x9500, ecx: 0x1000f3, edx: 0x10511,
      esi: 0, edi: 0x1000, ebp: 0, esp: 0x6f08,
    });
    expect(s.eflags).toBe(0x6);
    expect(s.cpl).toBe(0);
    expect(s.a20).toBe(1);
    expect(s.halted).toBe(0);
    expect(s.seg.cs).toEqual({ selector: 8, base: 0, limit: 0xffffffff, flags: 0x00cf9a00 });
    expect(s.seg.ds).toEqual({ selector: 0x10, base: 0, limit: 0xffffffff, flags: 0x00cf9300 });
    expect(s.seg.ss.selector).toBe(0x10);
    expect(s.ldt).toEqual({ selector: 0, base: 0, limit: 0xffff, flags: 0x8200 });
    expect(s.tr.flags).toBe(0x8b00);
    expect(s.gdt).toEqual({ base: 0xcb2b8, limit: 0x27 });
    expect(s.idt).toEqual({ base: 0, limit: 0x3ff });
    expect([s.cr0, s.cr2, s.cr3, s.cr4]).toEqual([0x11, 0, 0, 0]);
    expect(s.efer).toBe(0n);
  });

  it('follows the first instructions', () => {
    expect(steps.slice(0, 4).map((s) => s.eip)).toEqual([0x1000f3, 0x1000f4, 0x1000f5, 0x1000f7]);
    expect(steps.slice(0, 4).map((s) => s.line)).toEqual([1, 20, 39, 58]);
    // dump is the state BEFORE the instruction: ESI picks up EAX after 0x1000f5 (mov esi,eax)
    expect(steps[2]!.regs.esi).toBe(0);
    expect(steps[3]!.regs.esi).toBe(0x2badb002);
    expect(steps.at(-1)!.eip).toBe(0x100105); // rep stos, logged once per iteration
  });

  it('chunked feeding (arbitrary splits) and async stream give identical records', async () => {
    const p = new QemuLogParser();
    const out: QemuStep[] = [];
    for (let i = 0; i < sample.length; i += 977) out.push(...p.feed(sample.slice(i, i + 977)));
    out.push(...p.end());
    expect(out).toEqual(steps);
    const viaStream: QemuStep[] = [];
    for await (const s of parseQemuLogStream(createReadStream(dataDir + 'hello-singlestep.log', { highWaterMark: 1000 }))) {
      viaStream.push(s);
    }
    expect(viaStream).toEqual(steps);
  });

  it('handles CRLF line endings', () => {
    expect(parseAll(sample.replace(/\n/g, '\r\n'))).toEqual(steps);
  });
});

describe('other real excerpts', () => {
  it('marks a record followed by "Stopped execution of TB chain" as stopped', () => {
    const s = parseAll(read('stopped-excerpt.log'));
    expect(s.map((x) => x.stopped)).toEqual([false, true, false, false]);
    expect(s.map((x) => x.regs.ecx)).toEqual([0x98e0, 0x98df, 0x98df, 0x98de]);
  });

  it('parses the real-mode firmware start (no -dfilter)', () => {
    const s = parseAll(read('firmware-head.log'));
    expect(s.length).toBe(5);
    expect(s[0]!.csBase).toBe(0xffff0000);
    expect(s[0]!.pc).toBe(0xfffffff0);
    expect(s[0]!.eip).toBe(0xfff0);
    expect(s[0]!.symbol).toBe('');
    expect(s[0]!.seg.cs.selector).toBe(0xf000);
    expect(s[0]!.regs.edx).toBe(0x663);
    expect(s[0]!.cr0).toBe(0x60000010);
    expect(s[1]!.pc).toBe(0xfe05b);
    expect(s[1]!.eip).toBe(0xe05b);
  });
});

describe('errors', () => {
  it('truncated log (cut mid-dump) -> QemuLogError naming the line', () => {
    const ls = lines(sample).slice(0, 19 * 3 + 8); // 3 records + 8 lines of the 4th
    const e = catchErr(() => [...parseQemuLog(ls)]);
    expect(e).toBeInstanceOf(QemuLogError);
    expect((e as QemuLogError).line).toBe(65);
    expect((e as Error).message).toMatch(/^qemu log line 65: log truncated: record of line 58 ends before its FS = line$/);
  });

  it('a line cut in the middle -> error on that line', () => {
    const ls = lines(sample).slice(0, 21);
    ls[20] = ls[20]!.slice(0, 20);
    const e = catchErr(() => [...parseQemuLog(ls)]) as QemuLogError;
    expect(e).toBeInstanceOf(QemuLogError);
    expect(e.line).toBe(21);
    expect(e.message).toMatch(/^qemu log line 21: expected EAX= line .*Trace line 20/);
    expect(e.message).not.toContain('\n');
  });

  it('garbage outside records is skipped; garbage inside a dump is rejected', () => {
    const ls = lines(sample);
    const withJunk = ['QEMU junk before', ...ls.slice(0, 19), 'Servicing hardware INT=0x08', '', ...ls.slice(19)];
    expect(parseAll(withJunk.join('\n')).map((s) => s.eip)).toEqual(parseAll(sample).map((s) => s.eip));
    const inside = [...ls.slice(0, 5), 'garbage', ...ls.slice(5)];
    const e = catchErr(() => [...parseQemuLog(inside)]) as QemuLogError;
    expect(e).toBeInstanceOf(QemuLogError);
    expect(e.line).toBe(6);
  });

  it('rejects orphan dumps, malformed Trace lines and Trace lines without dumps', () => {
    const ls = lines(sample);
    const orphan = [...ls.slice(0, 19), ...ls.slice(20, 38)];
    expect((catchErr(() => [...parseQemuLog(orphan)]) as QemuLogError).line).toBe(20);
    expect([...parseQemuLog(orphan, { skipOrphanDumps: true })].length).toBe(1);
    const badTrace = [...ls];
    badTrace[19] = 'Trace 0: 0x7f72 [zz]';
    expect((catchErr(() => [...parseQemuLog(badTrace)]) as QemuLogError).line).toBe(20);
    const noDump = [ls[0]!, ...ls.slice(19, 38)];
    expect((catchErr(() => [...parseQemuLog(noDump)]) as QemuLogError).line).toBe(2);
  });

  it('rejects inconsistent EIP and flag letters', () => {
    const ls = lines(sample);
    const a = [...ls];
    a[3] = a[3]!.replace('EIP=001000f3', 'EIP=001000f4');
    expect((catchErr(() => [...parseQemuLog(a)]) as QemuLogError).line).toBe(4);
    const b = [...ls];
    b[3] = b[3]!.replace('[-----P-]', '[---Z-P-]');
    expect((catchErr(() => [...parseQemuLog(b)]) as QemuLogError).message).toMatch(/flag letters/);
  });
});

describe('fuzz', () => {

  it('mutated samples only ever throw QemuLogError', () => {
    const base = lines(sample).slice(0, 19 * 12);
    const alphabet = '0123456789abcdefxyz =[]/-:\nTraceEAXSP\r\t';
    let errors = 0;
    let ok = 0;
    for (let iter = 0; iter < 400; iter++) {
      const r = prng(1000 + iter);
      const ls = [...base];
      const nMut = 1 + Math.floor(r() * 4);
      for (let k = 0; k < nMut && ls.length > 0; k++) {
        const i = Math.floor(r() * ls.length);
        const op = Math.floor(r() * 6);
        const l = ls[i]!;
        const pos = Math.floor(r() * (l.length + 1));
        const ch = alphabet[Math.floor(r() * alphabet.length)]!;
        if (op === 0) ls[i] = l.slice(0, pos) + ch + l.slice(pos + 1);
        else if (op === 1) ls[i] = l.slice(0, pos) + l.slice(pos + 1);
        else if (op === 2) ls.splice(i, 1);
        else if (op === 3) ls.splice(i, 0, ls[Math.floor(r() * ls.length)]!);
        else if (op === 4) ls.length = i;
        else ls[i] = l.slice(0, pos) + ch + l.slice(pos);
      }
      const text = ls.join('\n');
      for (const mode of ['lines', 'chunks'] as const) {
        try {
          if (mode === 'lines') [...parseQemuLog(lines(text))];
          else {
            const p = new QemuLogParser();
            for (let i = 0; i < text.length; i += 333) p.feed(text.slice(i, i + 333));
            p.end();
          }
          ok++;
        } catch (e) {
          if (!(e instanceof QemuLogError)) throw e;
          expect(e.message).toMatch(/^qemu log line \d+: [^\n]+$/);
          errors++;
        }
      }
    }
    expect(errors).toBeGreaterThan(100);
    expect(ok).toBeGreaterThan(10);
  });
});
