// QEMU's isa-debug-exit device: a write of v to its port ends the run with
// exit status (v << 1) | 1 (QEMU hw/misc/debugexit.c semantics).
import { type IoBus } from '../runtime/index.js';

export const DEBUG_EXIT_PORT = 0xf4;

export function attachDebugExit(io: IoBus, onExit: (status: number) => void, port = DEBUG_EXIT_PORT): void {
  io.register(port, 1, {
    read: () => 0xffffffff,
    write: (_p, _size, v) => onExit(((v << 1) | 1) >>> 0),
  });
}
