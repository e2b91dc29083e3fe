// Checkpoint hashes: the CPU state (registers, segment caches, control
// registers, lazy flags, icount, virtual time) and, less often, all of RAM.
import { type Machine } from '../devices/index.js';
import { hashNumbers, hashWords } from './hash.js';

export function cpuStateHash(m: Machine): number {
  return hashWords(m.cpu.s, hashNumbers([m.cpu.icount, m.clock.warpNs]));
}

export function ramHash(m: Machine): number {
  return hashWords(m.mem.m32);
}
