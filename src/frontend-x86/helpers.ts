// The helpers translated code may call: name and properties. The runtime
// provides an implementation for each name (runtime/helpers*.ts); the
// translator refers to them only through these declarations.
import { HelperFlags, type HelperDecl } from '../tcg-ir/index.js';

const R = HelperFlags.ReadsState, W = HelperFlags.WritesState, X = HelperFlags.CanFault, E = HelperFlags.SideEffects;
const CW = HelperFlags.CodeWrite;

function h(name: string, flags: number): HelperDecl { return { name, flags }; }

export const H = {
  /** (ccOp, dst, src, src2) -> OSZAPC bits. Pure. */
  flags: h('flags', 0),
  /** (kind, value, count, flags) -> result of rcl (kind bit 3 clear) / rcr (set) on size kind&7. Pure. */
  rotateCarry: h('rotateCarry', 0),
  /** Same arguments -> the OSZAPC flags after it. Pure. */
  rotateCarryFlags: h('rotateCarryFlags', 0),
  /** (reverse, value) -> index of the lowest (bsf) / highest (bsr) set bit. Pure. */
  bitScan: h('bitScan', 0),
  /** (vector, errorCode or -1): raise a fault at the current instruction. Never returns. */
  raise: h('raise', X),
  /** (vector, nextEip, kind): a software interrupt / trap (int n, int3, into) whose return address is nextEip. */
  softint: h('softint', X),
  /** (kind, divisor): div/idiv on EDX:EAX / AX; kind = size | (signed ? 8 : 0). */
  div: h('div', R | W | X),
  /** (kind, operand): daa das aaa aas aam aad; see runtime. */
  bcd: h('bcd', R | W | X),
  /** (op, size, addrSize, seg, rep): string instructions, whole rep loop included. */
  string: h('string', R | W | X | E | CW),
  /** (port, size) -> value */
  in: h('in', R | X | E),
  /** (port, size, value) */
  out: h('out', R | X | E),
  cpuid: h('cpuid', R | W),
  /** (insnIndex): EDX:EAX = TSC (a function of icount). */
  rdtsc: h('rdtsc', R | W | X),
  rdmsr: h('rdmsr', R | W | X),
  wrmsr: h('wrmsr', R | W | X | E),
  /** (seg, selector): load a segment register with all protected-mode checks. */
  loadSeg: h('loadSeg', R | W | X),
  /** (selector, offset, opSize, nextEip): far jmp (nextEip is saved in the TSS by a task switch). */
  jmpFar: h('jmpFar', R | W | X | E),
  /** (selector, offset, opSize, nextEip): far call. */
  callFar: h('callFar', R | W | X | E),
  /** (opSize, immediate): far return. */
  retFar: h('retFar', R | W | X),
  /** (opSize, nextEip): iret (nextEip is saved in the TSS by a return from a nested task). */
  iret: h('iret', R | W | X | E),
  /** (which, opSize, linearAddress): lgdt (0) / lidt (1) / sgdt (2) / sidt (3). */
  descTable: h('descTable', R | W | X | E | CW),
  /** (value, opSize): writes EFLAGS as popf does (IOPL/IF/VM rules by privilege). */
  popf: h('popf', R | W | X),
  cli: h('cli', R | W | X),
  sti: h('sti', R | W | X),
  hlt: h('hlt', R | W | X),
  /** (seg, offset, size): #GP(0)/#SS(0) unless the access lies inside the segment (expand-down segments included). */
  segCheck: h('segCheck', R | X),
  /** (code, linear, eip): an x87 instruction; code = escape (0-7) << 8 | ModRM, 0x800 = 32-bit operand size, 0x1000 = fwait. */
  x87: h('x87', R | W | X | E),
  /** sysenter / sysexit: the fast system call pair (SYSENTER_* MSRs). */
  sysenter: h('sysenter', R | W | X),
  sysexit: h('sysexit', R | W | X),
  /** (cr, value) / (cr) -> value */
  movToCr: h('movToCr', R | W | X | E),
  movFromCr: h('movFromCr', R | X),
  movToDr: h('movToDr', R | W | X | E),
  movFromDr: h('movFromDr', R | X),
  /** (op, operand) system instructions on descriptors: sldt str lldt ltr verr verw lar lsl; see runtime. */
  system: h('system', R | W | X | E),
  invlpg: h('invlpg', R | X | E),
  /** (linear): nothing here yet; wbinvd/invd/clts go through system. */
} as const;
