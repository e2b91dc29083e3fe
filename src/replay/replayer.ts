// Replay: the log drives the machine. Each event is applied when execution
// reaches its exact point (icount, and the halt warp at that icount); the
// machine stops at every event's icount on the way. No host time is waited
// for: a halted CPU warps straight to its next timer, so idle time costs
// nothing. Checkpoints are compared and the first mismatch stops the replay.
import { type Machine, type MachineStop } from '../devices/index.js';
import { type ParsedLog, type LogEvent, EventType, readCheckpoint, NO_RAM_HASH } from './log.js';
import { cpuStateHash, ramHash } from './state-hash.js';

export interface ReplayOptions {
  /** Stop when icount reaches this value. */
  until?: number;
  /** Called between slices with the current icount (for a progress bar). */
  onProgress?: (icount: number) => void;
}

export type ReplayOutcome =
  | { kind: 'end'; stop: MachineStop | null } // reached the End event (stop: how the guest ended, if it did)
  | { kind: 'until' } // reached --until
  | { kind: 'cut-short'; icount: number } // the log ended early (a recording that was killed)
  | { kind: 'diverged'; icount: number; what: string }
  | { kind: 'breakpoint'; icount: number } // a debugger breakpoint (Executor.setBreakpoint) stopped it
  | { kind: 'watchpoint'; icount: number }; // a debugger watchpoint (Executor.setWatchpoints) stopped it

const SLICE = 1 << 24;

export class Replayer {
  private next = 0;
  private lastStop: MachineStop | null = null;

  constructor(private readonly machine: Machine, private readonly log: ParsedLog) {}

  /** Index of the next event to apply. */
  get position(): number { return this.next; }
  set position(i: number) { this.next = i; }

  /** Replays to the end of the log (or `until`). */
  run(opts: ReplayOptions = {}): ReplayOutcome {
    const m = this.machine, cpu = m.cpu, events = this.log.events;
    const until = opts.until ?? Infinity;
    for (;;) {
      // Apply every event due at this exact point.
      for (let ev = events[this.next]; ev && ev.icount === cpu.icount && ev.warpNs === m.clock.warpNs; ev = events[this.next]) {
        this.next++;
        const out = this.apply(ev);
        if (out) return out;
      }
      if (cpu.icount >= until) return { kind: 'until' };
      const ev: LogEvent | undefined = events[this.next];
      // A log cut short says nothing past its last event: stop there rather than run (or warp) on.
      if (!ev && this.log.truncated) return { kind: 'cut-short', icount: cpu.icount };
      if (ev && (ev.icount < cpu.icount || (ev.icount === cpu.icount && ev.warpNs < m.clock.warpNs))) {
        return this.diverged(`execution passed the point of the log's next event (icount ${ev.icount}) without reaching it`);
      }
      // An event at this icount but a later warp: the recording stayed halted here while timers
      // without an interrupt fired. Run to one past it: a halted CPU stops at once and warps below.
      const evAt = ev ? (ev.icount === cpu.icount ? ev.icount + 1 : ev.icount) : Infinity;
      const limit = Math.min(until, evAt, cpu.icount + SLICE);
      const stop = m.runUntil(limit);
      opts.onProgress?.(cpu.icount);
      switch (stop.kind) {
        case 'limit':
          continue;
        case 'breakpoint':
        case 'watchpoint':
          return { kind: stop.kind, icount: cpu.icount };
        case 'halted':
          // Warp to the next timer, unless the next event is due right here.
          if (ev && ev.icount === cpu.icount && ev.warpNs === m.clock.warpNs) continue;
          if (m.warp()) continue;
          if (!ev) return { kind: 'cut-short', icount: cpu.icount };
          return this.diverged('the guest waits for input with no timer armed, but the log has more at a later point');
        default:
          // The guest ended the run; the log must end here too.
          this.lastStop = stop;
          if (!ev) return { kind: 'cut-short', icount: cpu.icount };
          if (ev.type === EventType.End && ev.icount === cpu.icount) continue;
          return this.diverged(`the guest stopped (${stop.kind}) but the log goes on to icount ${ev.icount}`);
      }
    }
  }

  private apply(ev: LogEvent): ReplayOutcome | null {
    const m = this.machine;
    switch (ev.type) {
      case EventType.SerialInput:
        m.serialInput(ev.payload);
        return null;
      case EventType.Checkpoint:
      case EventType.End: {
        const want = readCheckpoint(ev.payload);
        const cpuHash = cpuStateHash(m);
        if (cpuHash !== want.cpuHash) return this.diverged(`CPU state hash 0x${cpuHash.toString(16)} where the recording had 0x${want.cpuHash.toString(16)}`);
        if (want.ramHash !== NO_RAM_HASH) {
          const h = ramHash(m);
          if (h !== want.ramHash) return this.diverged(`RAM hash 0x${h.toString(16)} where the recording had 0x${want.ramHash.toString(16)}`);
        }
        return ev.type === EventType.End ? { kind: 'end', stop: this.lastStop ?? m.endedHere() } : null;
      }
    }
  }

  private diverged(what: string): ReplayOutcome {
    return { kind: 'diverged', icount: this.machine.cpu.icount, what };
  }
}
