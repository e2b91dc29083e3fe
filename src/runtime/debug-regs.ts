// The guest's own debug registers (SDM vol. 3, 17.2): DR7 enables DR0-DR3
// as instruction breakpoints (R/W = 00: a #DB fault before the instruction
// runs, unless EFLAGS.RF) or data breakpoints (01: writes, 11: reads and
// writes; a #DB trap after the accessing instruction), with DR6 reporting
// which one hit. The executor reuses its debugger machinery for them:
// blocks end before instruction breakpoints, and data breakpoints are
// watchpoints whose pages take the memory slow path. I/O breakpoints
// (R/W = 10 with CR4.DE) are not implemented.
import { S } from '../frontend-x86/index.js';

export interface WatchSpec {
  linear: number;
  len: number;
  read: boolean;
  write: boolean;
  /** -1 for a debugger's watchpoint, 0-3 for the guest's DR0-DR3. */
  tag: number;
}

export interface GuestBreakpoints {
  /** Instruction breakpoints: linear address -> DR index. */
  code: Map<number, number>;
  data: WatchSpec[];
}

/** LEN field to bytes (10 is undefined on the P6 family: taken as 4). */
const LENGTHS = [1, 2, 4, 4];

export function decodeDebugRegs(s: Int32Array): GuestBreakpoints {
  const dr7 = s[S.DR + 7]!;
  const code = new Map<number, number>();
  const data: WatchSpec[] = [];
  for (let i = 0; i < 4; i++) {
    if (((dr7 >>> (i * 2)) & 3) === 0) continue; // neither Li nor Gi
    const rw = (dr7 >>> (16 + i * 4)) & 3;
    const len = LENGTHS[(dr7 >>> (18 + i * 4)) & 3]!;
    const addr = s[S.DR + i]! | 0;
    if (rw === 0) code.set(addr, i);
    else if (rw !== 2) data.push({ linear: (addr & ~(len - 1)) >>> 0, len, read: rw === 3, write: true, tag: i });
  }
  return { code, data };
}

/** Whether two decodings enable the same breakpoints (a write to DR0-DR3 while DR7 leaves them off changes nothing). */
export function sameBreakpoints(a: GuestBreakpoints, b: GuestBreakpoints): boolean {
  if (a.code.size !== b.code.size || a.data.length !== b.data.length) return false;
  for (const [linear, index] of a.code) if (b.code.get(linear) !== index) return false;
  return a.data.every((w, i) => {
    const v = b.data[i];
    return w.linear === v.linear && w.len === v.len && w.read === v.read && w.write === v.write && w.tag === v.tag;
  });
}
