// trace-diff's output: a short human report, or JSON for scripts.
import { decode, disassemble } from '../frontend-x86/index.js';
import { EVENT_KIND_NAMES } from './format.js';
import { type DiffResult, type RecordView } from './diff.js';
import { type TraceEvent } from './source.js';

export interface ReportLabels { a: string; b: string }

/** CS:EIP and, when the code bytes are known, the instruction there. */
function describe(r: RecordView): string {
  const where = `${(r.cs & 0xffff).toString(16).padStart(4, '0')}:${hex(r.eip)}`;
  const text = disasm(r);
  return text ? `${where}  ${text}` : where;
}

function disasm(r: RecordView): string | undefined {
  const code = r.code;
  if (!code || code.length === 0) return undefined;
  try {
    const insn = decode((i) => { if (i >= code.length) throw new RangeError('past the recorded bytes'); return code[i]!; }, r.eip, r.code32);
    const bytes = Array.from(code.subarray(0, insn.length), (b) => b.toString(16).padStart(2, '0')).join(' ');
    return `${disassemble(insn)}  (${bytes})`;
  } catch {
    return undefined;
  }
}

function events(list: TraceEvent[]): string {
  return list.map((e) => `${EVENT_KIND_NAMES[e.kind] ?? 'interrupt'} 0x${e.vector.toString(16).padStart(2, '0')}${e.errorCode >= 0 ? ` (error code ${e.errorCode.toString(16)})` : ''}`).join(', ');
}

export function formatReport(res: DiffResult, labels: ReportLabels): string {
  const lines: string[] = [];
  if (res.same) {
    lines.push(`traces agree: ${res.compared} records compared, both end at icount ${res.endKey}`);
    return lines.join('\n') + '\n';
  }
  const d = res.divergence!;
  lines.push(`traces differ: ${d.message}`);
  lines.push(`  A ${labels.a}`);
  lines.push(`  B ${labels.b}`);
  if (d.a) lines.push(`  A: icount ${d.a.icount}  ${describe(d.a)}`);
  else lines.push('  A: (no record there)');
  if (d.b) lines.push(`  B: icount ${d.b.icount}  ${describe(d.b)}`);
  else lines.push('  B: (no record there)');
  if (d.eventsA.length || d.eventsB.length) {
    lines.push(`  delivered just before: A ${d.eventsA.length ? events(d.eventsA) : 'nothing'}; B ${d.eventsB.length ? events(d.eventsB) : 'nothing'}`);
  }
  if (d.registers.length) {
    lines.push('  register          A          B');
    for (const r of d.registers) lines.push(`  ${r.name.padEnd(10)} ${hex(r.a)}   ${hex(r.b)}`);
  }
  if (d.kind !== 'end' && d.kind !== 'align') {
    if (d.exact && d.agreedAt === d.key - 1 && res.context.length) {
      const last = res.context[res.context.length - 1]!;
      lines.push(`  the state after the instruction at icount ${last.icount} (${describe(last)}) is where they part`);
    } else if (d.agreedAt >= 0) {
      lines.push(`  the traces last agreed at icount ${d.agreedAt}${d.exact ? '' : '; the difference arose in between (block-level trace: take instruction-level traces, --trace-level insn, to pinpoint it)'}`);
    }
  }
  if (res.context.length) {
    lines.push('  shared history before it (trace A):');
    for (const r of res.context) lines.push(`    icount ${String(r.icount).padStart(12)}  ${describe(r)}`);
  }
  return lines.join('\n') + '\n';
}

export function reportJson(res: DiffResult, labels: ReportLabels): string {
  const rec = (r: RecordView | undefined) => r && {
    icount: r.icount, cs: r.cs, eip: r.eip, linear: (r.csBase + r.eip) >>> 0, disassembly: disasm(r) ?? null,
  };
  const d = res.divergence;
  return JSON.stringify({
    a: labels.a, b: labels.b, same: res.same, compared: res.compared,
    ...(res.same ? { endIcount: res.endKey } : {}),
    ...(d ? {
      divergence: {
        kind: d.kind, icount: d.key, message: d.message, exact: d.exact, agreedAt: d.agreedAt,
        a: rec(d.a) ?? null, b: rec(d.b) ?? null, registers: d.registers,
        eventsA: d.eventsA, eventsB: d.eventsB, eventElsewhere: d.eventElsewhere ?? null,
      },
      context: res.context.map(rec),
    } : {}),
  }) + '\n';
}

function hex(v: number): string { return (v >>> 0).toString(16).padStart(8, '0'); }
