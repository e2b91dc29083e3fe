// Stop replies (gdb manual, "Stop Reply Packets"): `T` + signal in two hex
// digits + `n:r;` pairs. There is one thread, and it is thread 1.

import { hexByte } from './hex.js';
import type { StopReason } from './target.js';

/** The stop reasons GDB announced in qSupported that it understands. */
export interface StopReplyFeatures {
  swbreak: boolean;
  hwbreak: boolean;
}

/** Thread id of the only thread, as stop replies, qC and qfThreadInfo spell it. */
export const THREAD_ID = '01';

export function formatStopReply(reason: StopReason, features: StopReplyFeatures): string {
  if (reason.exitCode !== undefined) return 'W' + hexByte(reason.exitCode);
  let out = 'T' + hexByte(reason.signal) + `thread:${THREAD_ID};`;
  if (reason.watch) out += `${reason.watch.kind}:${(reason.watch.addr >>> 0).toString(16)};`;
  // swbreak/hwbreak may only be sent to a GDB that said it understands them.
  if (reason.swbreak && features.swbreak) out += 'swbreak:;';
  if (reason.hwbreak && features.hwbreak) out += 'hwbreak:;';
  if (reason.historyEnd) out += `replaylog:${reason.historyEnd};`;
  return out;
}
