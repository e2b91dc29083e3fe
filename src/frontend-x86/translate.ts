// Translates guest code into one IR block: decode an instruction, emit its
// semantics, repeat until the block must end (control transfer, mode change,
// I/O, page boundary, instruction limit, breakpoint).
import { type IrBlock, validateBlock } from '../tcg-ir/index.js';
import { decode } from './decoder.js';
import { type Insn } from './insn.js';
import { Tcx } from './context.js';
import { ModeBit } from './mode.js';
import { trAlu, trUnary, trMulAcc, trImulMulti, trDiv, trSignExtendAcc } from './tr-alu.js';
import { trMov, trMovExtend, trLea, trXchg, trXadd, trCmpxchg, trCmpxchg8b, trBswap, trSetcc, trCmovcc, trXlat, trFlagOp, trArpl } from './tr-data.js';
import { trX87, X87_MNEMONICS } from './tr-x87.js';
import { trJmp, trJcc, trCall, trRet, trLoop, trInt, trHlt, trFar, trIret, trSysenter, trBound } from './tr-control.js';
import { trPush, trPop, trPusha, trPopa, trPushf, trPopf, trEnter, trLeave } from './tr-stack.js';
import { trShift, trShiftDouble } from './tr-shift.js';
import { trBitTest, trBitScan } from './tr-bits.js';
import { trIo, trBcd, trStateHelper, trDescTable, trSystem, trInvlpg, SYSTEM_OPS } from './tr-system.js';
import { trString, STRING_OPS } from './tr-string.js';

type Handler = (t: Tcx) => void;

const nothing: Handler = () => {};

const HANDLERS: Record<string, Handler> = {
  add: trAlu, adc: trAlu, sub: trAlu, sbb: trAlu, and: trAlu, or: trAlu, xor: trAlu, cmp: trAlu, test: trAlu,
  inc: trUnary, dec: trUnary, neg: trUnary, not: trUnary,
  mul: (t) => trMulAcc(t),
  imul: (t) => (t.insn.operands.length === 1 ? trMulAcc(t) : trImulMulti(t)),
  div: trDiv, idiv: trDiv,
  cbw: trSignExtendAcc, cwd: trSignExtendAcc,
  mov: trMov, movzx: trMovExtend, movsx: trMovExtend, lea: trLea, xchg: trXchg, xadd: trXadd,
  cmpxchg: trCmpxchg, cmpxchg8b: trCmpxchg8b, bswap: trBswap, setcc: trSetcc, cmovcc: trCmovcc, xlat: trXlat,
  lahf: trFlagOp, sahf: trFlagOp, clc: trFlagOp, stc: trFlagOp, cmc: trFlagOp, cld: trFlagOp, std: trFlagOp,
  nop: nothing, pause: nothing,
  jmp: trJmp, jcc: trJcc, call: trCall, ret: trRet,
  loop: trLoop, loope: trLoop, loopne: trLoop, jcxz: trLoop,
  int: trInt, int3: trInt, into: trInt, int1: trInt, hlt: trHlt,
  jmpf: trFar, callf: trFar, retf: trFar, iret: trIret, sysenter: trSysenter, sysexit: trSysenter,
  push: trPush, pop: trPop, pusha: trPusha, popa: trPopa, pushf: trPushf, popf: trPopf, enter: trEnter, leave: trLeave,
  shl: trShift, sal: trShift, shr: trShift, sar: trShift, rol: trShift, ror: trShift, rcl: trShift, rcr: trShift,
  shld: trShiftDouble, shrd: trShiftDouble,
  bt: trBitTest, bts: trBitTest, btr: trBitTest, btc: trBitTest, bsf: trBitScan, bsr: trBitScan,
  in: trIo, out: trIo,
  daa: trBcd, das: trBcd, aaa: trBcd, aas: trBcd, aam: trBcd, aad: trBcd,
  cpuid: trStateHelper, rdtsc: trStateHelper, rdmsr: trStateHelper, wrmsr: trStateHelper, cli: trStateHelper, sti: trStateHelper,
  lgdt: trDescTable, lidt: trDescTable, sgdt: trDescTable, sidt: trDescTable,
  invlpg: trInvlpg,
  bound: trBound,
  arpl: trArpl,
  '#ud': (t) => t.raise(6),
  '#gp': (t) => t.raise(13, 0),
  ud2: (t) => t.raise(6),
};
for (const m of SYSTEM_OPS) HANDLERS[m] = trSystem;
for (const m of X87_MNEMONICS) HANDLERS[m] = trX87;
for (const m of STRING_OPS) HANDLERS[m] = trString;

/** Instructions that always raise: they end the block. */
const RAISES = new Set(['#ud', '#gp', 'ud2', 'ud1', 'ud0']);

export interface TranslateRequest {
  /** Reads the code byte at a linear address; may throw a guest fault. */
  fetch(linear: number): number;
  csBase: number;
  eip: number;
  mode: number;
  /** Most instructions the block may hold (the icount budget, single-stepping). */
  maxInsns: number;
  /** Linear addresses the block must stop before (breakpoints), other than its first instruction. */
  stopAt?: (linear: number) => boolean;
  /** Called with each decoded instruction (for -d in_asm). */
  onInsn?: (insn: Insn) => void;
  /**
   * EIPs of instructions after the first that an exit of the block leads
   * back to (found by an earlier translation, loopTargets): translated as
   * loop heads (IrBlock.loopHeads), starting from nothing known.
   */
  loopHeads?: readonly number[];
  /** Check the IR made (tcg-ir/validate.ts) and throw if it is malformed; default: VALIDATE_IR. */
  validate?: boolean;
}

/**
 * Whether translations check their IR by default: a translator bug then
 * throws where it is made instead of misbehaving later. The tests turn it
 * on (REWIND86_VALIDATE_IR=1, vitest.config.ts); a run leaves it off, as
 * the check costs a fifth of the passes' time on every block.
 */
export const VALIDATE_IR = typeof process !== 'undefined' && process.env.REWIND86_VALIDATE_IR === '1';

export interface TranslatedBlock {
  ir: IrBlock;
  /** EIP of each instruction, and one past the last. */
  insnEips: number[];
  /** Linear address of the first instruction, and one past the block's highest code byte. */
  start: number;
  end: number;
  /** Linear address of the block's lowest code byte (below start when a followed jump went backwards). */
  low: number;
}

/** The most instructions a block holds. */
export const BLOCK_INSN_LIMIT = 128;
/** The EIPs of the block being translated (translation is synchronous and not re-entrant). */
const visitedEips = new Int32Array(BLOCK_INSN_LIMIT + 1);

/**
 * Before instruction number `i` at `eip`: the taken branches waiting for this
 * address land here. Each comes through a trampoline that lowers icount by the
 * instructions it skipped (the exits and instruction numbers from here on count
 * them, so a block still retires exactly what it ran); the fall-through path
 * jumps over the trampolines. What the translator knew about the flags holds
 * if every path knew the same (a branch over instructions that leave the
 * flags alone, as `test eax, eax; jz 1f; mov eax, [x]; 1: dec eax`), else it is
 * forgotten.
 */
function joinHere(t: Tcx, eip: number, i: number): void {
  let pending = false;
  for (const j of t.joins) if (j.target === eip) pending = true;
  if (!pending) return;
  const here = t.joins.filter((j) => j.target === eip);
  t.joins.splice(0, t.joins.length, ...t.joins.filter((j) => j.target !== eip));
  const join = t.b.newLabel();
  t.b.br(join);
  for (const j of here) {
    t.b.label(j.label);
    const skipped = i - j.index - 1;
    if (skipped > 0) t.b.uncount(skipped);
    t.b.br(join);
  }
  t.b.label(join);
  if (!here.every((j) => j.cc.op === t.cc.op && j.cc.a === t.cc.a && j.cc.b === t.cc.b)) t.forgetFlags();
}

/**
 * The EIPs (unsigned) of a translated block's instructions after its first
 * that one of its constant exits leads back to: where it may loop inside
 * itself once translated with them as loop heads.
 */
export function loopTargets(tr: TranslatedBlock): number[] {
  const found: number[] = [];
  for (const x of tr.ir.exits) {
    if (x.target < 0 || found.includes(x.target)) continue;
    for (let k = 1; k < tr.insnEips.length - 1; k++) if (tr.insnEips[k] >>> 0 === x.target) { found.push(x.target); break; }
  }
  return found;
}

export function translateBlock(req: TranslateRequest): TranslatedBlock {
  const t = new Tcx(req.mode);
  const code32 = (req.mode & ModeBit.Code32) !== 0;
  const insnEips: number[] = [];
  const startLin = (req.csBase + req.eip) | 0;
  const firstPage = startLin >>> 12;
  let eip = req.eip;
  let endLin = startLin, lowLin = startLin;
  const limit = Math.max(1, Math.min(req.maxInsns, BLOCK_INSN_LIMIT));
  // The EIPs translated so far (as int32: a Set of EIPs above 2^30 hashes heap numbers).
  let visitedCount = 0;
  const visited = (target: number): boolean => {
    const want = target | 0;
    for (let k = 0; k < visitedCount; k++) if (visitedEips[k] === want) return true;
    return false;
  };
  let index = 0;
  // A direct jump within the page continues the block at its target (a superblock), once per address.
  t.follow = (target) => {
    const lin = (req.csBase + target) | 0;
    return index + 1 < limit && lin >>> 12 === firstPage && !visited(target) && !req.stopAt?.(lin);
  };
  // A taken conditional branch to an address the block has not translated yet, in its page: the block may reach it
  // (an if without an else), and then both paths go on inside the block.
  t.joinable = (target) => index + 1 < limit && ((req.csBase + target) | 0) >>> 12 === firstPage && !visited(target);
  for (let i = 0; ; i++) {
    index = i;
    visitedEips[visitedCount++] = eip | 0;
    const lin = (req.csBase + eip) | 0;
    let insn: Insn;
    if (i > 0 && req.stopAt?.(lin)) { t.index = i - 1; t.nextEip = eip; t.exitTo(eip); break; }
    if (i > 0) joinHere(t, eip, i);
    if (i > 0 && req.loopHeads !== undefined && req.loopHeads.includes(eip >>> 0)) {
      t.forgetFlags();
      t.b.block.loopHeads.push(i);
    }
    try {
      insn = decode(req.fetch, eip, code32, lin);
    } catch (e) {
      // A fault fetching a later instruction ends the block before it; the
      // fault is raised when that instruction is executed as a block's first.
      if (i === 0) throw e;
      t.index = i - 1; t.nextEip = eip; t.exitTo(eip);
      break;
    }
    req.onInsn?.(insn);
    insnEips.push(eip);
    t.insn = insn;
    t.index = i;
    const next = code32 ? (eip + insn.length) >>> 0 : (eip + insn.length) & 0xffff;
    t.nextEip = next;
    t.b.insnStart(eip, i);
    const handler = HANDLERS[insn.mnemonic];
    if (!handler) {
      t.raise(6); // decoded but not implemented here: behaves as an invalid opcode
    } else {
      handler(t);
    }
    if (((lin + insn.length) | 0) - startLin > endLin - startLin) endLin = (lin + insn.length) | 0;
    if (((lin - startLin) | 0) < ((lowLin - startLin) | 0)) lowLin = lin;
    if (RAISES.has(insn.mnemonic) || !handler) { t.exitTo(next); break; }
    if (t.ended) break;
    t.flush();
    eip = next;
    if (t.continueAt >= 0) { eip = t.continueAt; t.continueAt = -1; }
    const nextLin = (req.csBase + eip) | 0;
    if (i + 1 >= limit || nextLin >>> 12 !== firstPage) { t.exitTo(eip); break; }
  }
  // Branches whose target the block never reached leave it from there.
  for (const j of t.joins.splice(0)) {
    t.b.label(j.label);
    t.index = j.index;
    t.exitTo(j.target);
  }
  insnEips.push(t.nextEip);
  const problems = req.validate ?? VALIDATE_IR ? validateBlock(t.b.block) : [];
  if (problems.length) throw new Error(`translator produced invalid IR at 0x${req.eip.toString(16)}: ${problems.join('; ')}`);
  return { ir: t.b.block, insnEips, start: startLin, end: endLin, low: lowLin };
}
