// A readable dump of an IR block, one op per line (used by `-d op`).
import { type IrBlock, TempKind } from './ir.js';
import { Op, OP_NAMES, COND_NAMES, memOpSize, memOpSigned } from './ops.js';

export function tempName(block: IrBlock, t: number): string {
  const temp = block.temps[t];
  switch (temp.kind) {
    case TempKind.Const: return `$0x${(temp.value >>> 0).toString(16)}`;
    case TempKind.Global: return temp.name;
    case TempKind.Local: return `t${t}`;
  }
}

export function printBlock(block: IrBlock): string {
  const n = (t: number) => tempName(block, t);
  const lines: string[] = [];
  for (const insn of block.ops) {
    const args = insn.args.map(n);
    switch (insn.op) {
      case Op.InsnStart:
        lines.push(` ---- insn ${insn.aux} at ${args[0]}${block.loopHeads.includes(insn.aux) ? ' (loop head)' : ''}`);
        continue;
      case Op.Label:
        lines.push(`L${insn.aux}:`);
        continue;
      case Op.Br:
        lines.push(`  br L${insn.aux}`);
        continue;
      case Op.Uncount:
        lines.push(`  uncount ${insn.aux}`);
        continue;
      case Op.Brcond:
        lines.push(`  brcond ${COND_NAMES[insn.cond]} ${args.join(', ')}, L${insn.aux}`);
        continue;
      case Op.Exit: {
        const e = block.exits[insn.aux];
        const where = e.target >= 0 ? `0x${e.target.toString(16)}` : 'dynamic';
        lines.push(`  exit ${insn.aux} -> ${where} retired=${e.retired}`);
        continue;
      }
      case Op.Ld:
      case Op.St: {
        const m = `${memOpSigned(insn.aux) ? 's' : 'u'}${memOpSize(insn.aux) * 8}`;
        const out = insn.out >= 0 ? `${n(insn.out)} = ` : '';
        lines.push(`  ${out}${OP_NAMES[insn.op]}.${m} ${args.join(', ')}`);
        continue;
      }
      case Op.Call: {
        const out = insn.out >= 0 ? `${n(insn.out)} = ` : '';
        lines.push(`  ${out}call ${insn.helper?.name}(${args.join(', ')})`);
        continue;
      }
      default: {
        const outs = insn.out2 >= 0 ? `${n(insn.out)}:${n(insn.out2)}` : n(insn.out);
        const cond = insn.op === Op.Setcond || insn.op === Op.Movcond ? ` ${COND_NAMES[insn.cond]}` : '';
        lines.push(`  ${outs} = ${OP_NAMES[insn.op]}${cond} ${args.join(', ')}`);
      }
    }
  }
  return lines.join('\n');
}
