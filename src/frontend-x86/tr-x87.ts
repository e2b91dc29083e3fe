// x87 instructions: every one is a call to the runtime's x87 helper with
// the escape byte and ModRM (from which it decodes the operation), the
// memory operand's linear address (segment checks done here, for the
// operand's whole size) and the instruction's EIP (for FIP).
import { type Tcx } from './context.js';
import { H } from './helpers.js';
import { X87_MEM_MAP, X87_REG_MAP } from './opcode-table-x87.js';

const OPSIZE32 = 0x800, FWAIT = 0x1000;
const WRITES_EFLAGS = new Set(['fcomi', 'fcomip', 'fucomi', 'fucomip']);

export function trX87(t: Tcx): void {
  const i = t.insn;
  if (i.mnemonic === 'fwait') {
    t.flush();
    t.call(H.x87, [t.c(FWAIT), t.c(0), t.c(i.eip)]);
    return;
  }
  const m = i.operands.find((o) => o.kind === 'mem');
  const lin = m && m.kind === 'mem' ? t.addr(m, m.size) : t.c(0);
  t.flush();
  t.call(H.x87, [t.c(((i.opcode & 7) << 8) | (i.modrm ?? 0) | (i.opSize === 32 ? OPSIZE32 : 0)), lin, t.c(i.eip)]);
  if (WRITES_EFLAGS.has(i.mnemonic)) t.forgetFlags();
}

/** Every x87 mnemonic, for the translator's dispatch table. */
export const X87_MNEMONICS: readonly string[] = [...new Set(
  [...X87_MEM_MAP, ...X87_REG_MAP].filter((e) => e !== null).map((e) => e!.mnemonic).concat(['fwait']),
)];
