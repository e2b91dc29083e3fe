// Virtual time. The machine's only clock is icount: virtual nanoseconds =
// icount * 2^shift (QEMU's -icount shift=N), plus the warp a halted CPU
// adds by jumping to the next timer deadline. Devices never read host time;
// they read this clock and arm Timers on it. Timers fire between blocks at
// the exact icount their deadline maps to (DESIGN.md, time and determinism).
import { type Cpu } from '../runtime/index.js';

export const DEFAULT_ICOUNT_SHIFT = 3;

export class Timer {
  /** Virtual ns at which the timer fires, or Infinity when it is not armed. */
  deadline = Infinity;

  constructor(private readonly clock: VirtualClock, readonly name: string, readonly fire: () => void) {}

  /** Arms the timer for virtual time `ns` (replacing any earlier setting). */
  set(ns: number): void {
    this.deadline = ns;
    this.clock.deadlineChanged(ns);
  }

  cancel(): void { this.deadline = Infinity; }

  get armed(): boolean { return this.deadline !== Infinity; }
}

export interface ClockState { version: 1; warpNs: number }

export class VirtualClock {
  /** Nanoseconds added by halt warps. */
  warpNs = 0;
  private readonly timers: Timer[] = [];
  private readonly scale: number;
  /** Called when a timer is armed while the CPU runs: the run must stop by that icount. */
  onDeadline: (icount: number) => void = () => {};

  constructor(private readonly cpu: Cpu, readonly shift = DEFAULT_ICOUNT_SHIFT) {
    if (!(Number.isInteger(shift) && shift >= 0 && shift <= 10)) throw new RangeError(`icount shift ${shift} is outside 0..10`);
    this.scale = 2 ** shift;
  }

  /** Instructions retired so far; inside a port access, those of the running block before the I/O instruction too. */
  icountNow(): number { return this.cpu.icount + this.cpu.ioInsn; }

  nowNs(): number { return this.icountNow() * this.scale + this.warpNs; }

  /** The first icount at which the clock reads at least `ns`. */
  icountFor(ns: number): number {
    return Math.max(0, Math.ceil((ns - this.warpNs) / this.scale));
  }

  newTimer(name: string, fire: () => void): Timer {
    const t = new Timer(this, name, fire);
    this.timers.push(t);
    return t;
  }

  /** The earliest armed deadline, or Infinity. */
  nextDeadline(): number {
    let d = Infinity;
    for (const t of this.timers) if (t.deadline < d) d = t.deadline;
    return d;
  }

  /** Fires every timer whose deadline has come, earliest first (creation order breaks ties). */
  runDue(): void {
    for (;;) {
      const now = this.nowNs();
      let due: Timer | null = null;
      for (const t of this.timers) if (t.deadline <= now && (due === null || t.deadline < due.deadline)) due = t;
      if (due === null) return;
      due.deadline = Infinity;
      due.fire();
    }
  }

  /** A halted CPU skips to virtual time `ns` at once (never backwards). */
  warpTo(ns: number): void {
    const now = this.nowNs();
    if (ns > now) this.warpNs += ns - now;
    this.syncTsc();
  }

  /** The TSC counts warped time too, in whole instruction times. */
  private syncTsc(): void { this.cpu.tscWarp = Math.floor(this.warpNs / this.scale); }

  deadlineChanged(ns: number): void { this.onDeadline(this.icountFor(ns)); }

  save(): ClockState { return { version: 1, warpNs: this.warpNs }; }
  load(state: ClockState): void {
    this.warpNs = state.warpNs;
    this.syncTsc();
  }
}
