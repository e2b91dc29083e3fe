// Recording: every input from outside the machine is delivered at the
// current point of execution and appended to the log, with periodic
// checkpoints. A plain run is a recording without a log (writer = null).
import { type Machine } from '../devices/index.js';
import { LogWriter, EventType, checkpointPayload, NO_RAM_HASH } from './log.js';
import { cpuStateHash, ramHash } from './state-hash.js';

/** Instructions between checkpoints; every RAM_HASH_EVERY-th checkpoint also hashes RAM. */
export const CHECKPOINT_INTERVAL = 1 << 26;
export const RAM_HASH_EVERY = 16;

export class Recorder {
  private checkpoints = 0;

  constructor(private readonly machine: Machine, private readonly writer: LogWriter | null) {}

  /** The icount of the next checkpoint after `icount`. */
  static nextCheckpoint(icount: number): number {
    return (Math.floor(icount / CHECKPOINT_INTERVAL) + 1) * CHECKPOINT_INTERVAL;
  }

  /** Delivers serial input to the guest now and logs it. */
  serialInput(bytes: Uint8Array): void {
    const m = this.machine;
    this.writer?.append(EventType.SerialInput, m.cpu.icount, m.clock.warpNs, bytes);
    m.serialInput(bytes);
  }

  /** Logs a checkpoint at the current point (called when icount reaches a multiple of CHECKPOINT_INTERVAL). */
  checkpoint(): void {
    if (!this.writer) return;
    const m = this.machine;
    const withRam = ++this.checkpoints % RAM_HASH_EVERY === 0;
    this.writer.append(EventType.Checkpoint, m.cpu.icount, m.clock.warpNs,
      checkpointPayload(cpuStateHash(m), withRam ? ramHash(m) : NO_RAM_HASH));
    this.writer.flush();
  }

  /** Logs a checkpoint (CPU hash only) at the current point and writes it out: where a killed recording's log reaches. */
  mark(): void {
    if (!this.writer) return;
    const m = this.machine;
    this.writer.append(EventType.Checkpoint, m.cpu.icount, m.clock.warpNs, checkpointPayload(cpuStateHash(m), NO_RAM_HASH));
    this.writer.flush();
  }

  /** Writes buffered events (before waiting for the host, so a kill loses nothing already delivered). */
  flush(): void { this.writer?.flush(); }

  end(): void {
    if (!this.writer) return;
    const m = this.machine;
    this.writer.append(EventType.End, m.cpu.icount, m.clock.warpNs, checkpointPayload(cpuStateHash(m), ramHash(m)));
    this.writer.close();
  }
}
