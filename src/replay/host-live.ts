// A live run (plain `run` or `record`): the host boundary. Host input is
// taken between slices of execution and delivered through the Recorder at
// the current point of the machine; when the guest idles, the host may wait
// in real time for its next timer (pacing, like QEMU's -icount sleep=on, except
// that a lead virtual time took while the guest computed is not waited out) or
// for input. Host time decides only WHEN input arrives, never what the
// machine does with it: the log records the exact point of every delivery.
import { performance } from 'node:perf_hooks';
import { type Machine, type MachineStop } from '../devices/index.js';
import { Recorder } from './recorder.js';

export interface HostInput {
  /** Bytes waiting to be delivered. */
  readonly available: number;
  /** True once the input has ended (EOF) and nothing is left. */
  readonly ended: boolean;
  /** True when the user asked to quit (e.g. Ctrl-A x). */
  readonly quit: boolean;
  /** Takes up to `max` waiting bytes. */
  take(max: number): Uint8Array;
  /** Resolves when input arrives, the input ends or quits, or after `ms` (Infinity: no timeout). */
  wait(ms: number): Promise<void>;
}

export interface LiveOptions {
  /** Wait in real time while the guest idles until its next timer is due (default true). */
  pace?: boolean;
  /** A debugger holding the run (the gdbstub): asked before every slice, told about debugger stops. */
  control?: LiveControl;
}

/**
 * What a debugger needs from a live run. gate() is called before every slice
 * of execution: it returns (or resolves to, while the debugger holds the
 * machine stopped) the icount the next slice may run to at most (Infinity:
 * no limit), or null to end the run ('stopped'). stopped() is told when a
 * slice ended for the debugger: a breakpoint or watchpoint, or the gate's icount reached.
 */
export interface LiveControl {
  gate(): number | null | Promise<number | null>;
  stopped(stop: MachineStop): void;
}

const SLICE = 1 << 22;
const YIELD_MS = 20;
/** At most one progress checkpoint per this many host ms of idling. */
const MARK_MS = 100;

const yieldToHost = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function runLive(machine: Machine, recorder: Recorder, input: HostInput, opts: LiveOptions = {}): Promise<MachineStop> {
  const cpu = machine.cpu, clock = machine.clock;
  const pace = opts.pace ?? true;
  let nextCheckpoint = Recorder.nextCheckpoint(cpu.icount);
  // Virtual time at host time hostStart was virtStart: pacing keeps virtual time from running ahead of host time.
  let hostStart = performance.now();
  const virtStart = clock.nowNs();
  let lastYield = hostStart;
  let lastMark = -Infinity, lastMarkIcount = -1;
  const finish = (stop: MachineStop) => { recorder.end(); return stop; };
  for (;;) {
    if (input.quit) return finish({ kind: 'stopped', status: 0 });
    let cap = Infinity;
    if (opts.control) {
      let g = opts.control.gate();
      if (typeof g === 'object' && g !== null) {
        recorder.flush();
        g = await g;
        lastYield = performance.now();
      }
      if (g === null) return finish({ kind: 'stopped', status: 0 });
      cap = g;
    }
    if (input.available > 0) {
      const room = machine.serialRoom();
      if (room > 0) { recorder.serialInput(input.take(room)); lastMark = -Infinity; }
    }
    const stop = machine.runUntil(Math.min(nextCheckpoint, cpu.icount + SLICE, cap));
    if (cpu.icount >= nextCheckpoint) {
      recorder.checkpoint();
      nextCheckpoint = Recorder.nextCheckpoint(cpu.icount);
    }
    if (opts.control && (stop.kind === 'breakpoint' || stop.kind === 'watchpoint' || (stop.kind === 'limit' && cpu.icount >= cap))) {
      opts.control.stopped(stop);
      continue;
    }
    if (stop.kind === 'limit' || (stop.kind === 'halted' && !pace)) {
      if (performance.now() - lastYield >= YIELD_MS) {
        recorder.flush();
        await yieldToHost();
        lastYield = performance.now();
      }
      if (stop.kind === 'limit') continue;
    }
    if (stop.kind !== 'halted') return finish(stop);
    // Idle: deliver waiting input first, else wait for the next timer (or input), then warp to it.
    if (input.available > 0 && machine.serialRoom() > 0) continue;
    const deadline = clock.nextDeadline();
    // About to wait in real time: log how far the machine got (a killed recording replays up to here).
    if (cpu.icount !== lastMarkIcount && (pace || deadline === Infinity) && performance.now() - lastMark >= MARK_MS) {
      recorder.mark();
      lastMarkIcount = cpu.icount;
      lastMark = performance.now();
    }
    recorder.flush();
    if (deadline === Infinity) {
      if (input.ended) return finish(stop);
      await input.wait(Infinity);
      lastYield = performance.now();
      continue;
    }
    if (pace) {
      // While the guest computed, virtual time may have run ahead of the host's (icount at 2^-shift ns per
      // instruction outpaces the emulator): an idle guest waits for its own deadline only, never to pay back
      // that lead (a Linux boot is ~17 s ahead at its shell prompt; the first command then waited that long).
      const ahead = (clock.nowNs() - virtStart) / 1e6 - (performance.now() - hostStart);
      if (ahead > 0) hostStart -= ahead;
      const waitMs = hostStart + (deadline - virtStart) / 1e6 - performance.now();
      if (waitMs >= 1) {
        await input.wait(waitMs);
        lastYield = performance.now();
        if (input.available > 0 || input.quit) continue;
      }
    }
    machine.warp();
  }
}
