// GdbTarget over a replay with time travel (`replay LOG --gdb`): forward and
// reverse step and continue (DESIGN.md, "Reverse debugging").
//
// GDB's breakpoints and watchpoints (Z2-Z4) are armed in the executor only
// while this target searches with them (continue, reverse-continue); seeks and
// steps run with none, so they go exactly where they are asked to.
//
// - step: icount + 1; at the end of the recording: historyEnd 'end'.
// - continue: replay forward (in slices, yielding so Ctrl-C is seen) until a
//   GDB breakpoint, a GDB watchpoint hit (stopped just after the accessing
//   instruction), a replay breakpoint (monitor replay_break N) or the end.
// - reverse step: icount - 1; at icount 0: historyEnd 'begin'.
// - reverse continue: from the newest snapshot before now, replay to now,
//   remembering the last icount where a GDB breakpoint was hit (or a replay
//   breakpoint lies) or a GDB watchpoint was hit (the icount just after the
//   accessing instruction, where a forward continue stops too; a hit right at
//   the current icount does not count); go there if there was one, else
//   search from the snapshot before; at icount 0 stop there with historyEnd
//   'begin'.
import { type TimeTravel, type TravelResult } from '../replay/index.js';
import { MachineDebugView } from './machine-target.js';
import { GdbSignal, type ResumeAction, type StopReason } from './target.js';

type WatchHit = NonNullable<MachineDebugView['machine']['exec']['watchHit']>;

/** A hit found by a reverse-continue search: where, and the watchpoint access when it was one. */
interface Hit {
  icount: number;
  watch: WatchHit | null;
}

/** Instructions per forward slice between looks at the event loop (Ctrl-C). */
const SLICE = 1 << 20;

export class ReplayTarget extends MachineDebugView {
  readonly canReverse = true;
  private interruptPending = false;
  private running = false;
  private armed = false;
  /** Diagnostics (a diverged replay). */
  log: (message: string) => void = () => {};
  /** GDB killed the program. */
  onKill: (() => void) | null = null;

  /**
   * yieldToHost: lets the host's event loop run between slices of a long
   * continue (so Ctrl-C arrives); timers are the host boundary's (src/cli/).
   * The default, a resolved promise, lets no socket data in.
   */
  constructor(readonly tt: TimeTravel, private readonly yieldToHost: () => Promise<void> = () => Promise.resolve()) {
    super(tt.machine);
  }

  // --- breakpoints: armed only while searching ---------------------------------

  protected override armBreakpoint(addr: number, on: boolean): void {
    if (this.armed) this.machine.exec.setBreakpoint(addr, on);
  }

  protected override armWatchpoints(on: boolean): void {
    if (this.armed) super.armWatchpoints(on);
  }

  private arm(on: boolean): void {
    if (this.armed === on) return;
    this.armed = on;
    for (const addr of this.bps.keys()) this.machine.exec.setBreakpoint(addr, on);
    if (this.watches.size > 0) super.armWatchpoints(on);
    this.machine.exec.watchHit = null;
  }

  /** seek() with no GDB breakpoints in the way. */
  private seekPlain(icount: number): TravelResult {
    this.arm(false);
    return this.tt.seek(icount);
  }

  // --- execution -----------------------------------------------------------------

  resume(action: ResumeAction): void {
    if (this.running) throw new Error('already running');
    this.interruptPending = false;
    if (action.kind === 'step') {
      this.report(action.reverse ? this.stepBackward() : this.stepForward());
      return;
    }
    this.running = true;
    const run = action.reverse ? this.continueBackward() : this.continueForward();
    run.then((reason) => {
      this.running = false;
      this.arm(false);
      this.report(reason);
    }, (err: unknown) => {
      this.running = false;
      this.arm(false);
      this.log(`gdb: replay failed: ${err instanceof Error ? err.message : String(err)}`);
      this.report({ signal: GdbSignal.SIGTRAP });
    });
  }

  private atEnd(): boolean {
    return this.tt.icount >= this.tt.length;
  }

  private stepForward(): StopReason {
    if (this.atEnd()) return { signal: GdbSignal.SIGTRAP, historyEnd: 'end' };
    return this.toStop(this.seekPlain(this.tt.icount + 1));
  }

  private stepBackward(): StopReason {
    if (this.tt.icount === 0) return { signal: GdbSignal.SIGTRAP, historyEnd: 'begin' };
    return this.toStop(this.seekPlain(this.tt.icount - 1));
  }

  private toStop(r: TravelResult): StopReason {
    switch (r.stop.kind) {
      case 'end': return { signal: GdbSignal.SIGTRAP, historyEnd: 'end' };
      case 'history-start': return { signal: GdbSignal.SIGTRAP, historyEnd: 'begin' };
      case 'diverged':
        this.log(`gdb: the replay diverged at icount ${r.icount}: ${r.stop.what}`);
        return { signal: GdbSignal.SIGTRAP };
      case 'breakpoint': return { signal: GdbSignal.SIGTRAP, swbreak: true };
      case 'watchpoint': return this.watchStop();
      case 'reached': return { signal: GdbSignal.SIGTRAP };
    }
  }

  private async continueForward(): Promise<StopReason> {
    const tt = this.tt;
    if (this.atEnd()) return { signal: GdbSignal.SIGTRAP, historyEnd: 'end' };
    this.arm(true);
    this.stepOverIfAtBreakpoint();
    const now = tt.icount;
    let next = Infinity;
    for (const b of tt.breakpoints) if (b > now && b < next) next = b;
    const goal = next >= tt.length ? Infinity : next;
    for (;;) {
      if (this.interruptPending) return { signal: GdbSignal.SIGINT };
      const step = Math.min(goal, tt.icount + SLICE);
      const r = tt.replayForward(step >= tt.length ? Infinity : step);
      if (r.stop.kind !== 'reached') return this.toStop(r);
      if (tt.icount >= goal) return { signal: GdbSignal.SIGTRAP }; // a replay breakpoint
      await this.yieldToHost();
    }
  }

  private async continueBackward(): Promise<StopReason> {
    const tt = this.tt;
    const now = tt.icount;
    let hi = now;
    while (hi > 0) {
      if (this.interruptPending) {
        this.seekPlain(now);
        return { signal: GdbSignal.SIGINT };
      }
      const snaps = tt.snapshotIcounts;
      let from = 0;
      for (const ic of snaps) if (ic < hi) from = ic;
      const last = this.lastHit(from, hi, now);
      if (last !== null) {
        this.seekPlain(last.icount);
        if (last.watch) {
          this.machine.exec.watchHit = last.watch;
          return this.watchStop();
        }
        return this.atBreakpoint() ? { signal: GdbSignal.SIGTRAP, swbreak: true } : { signal: GdbSignal.SIGTRAP };
      }
      hi = from;
      await this.yieldToHost();
    }
    this.seekPlain(0);
    return { signal: GdbSignal.SIGTRAP, historyEnd: 'begin' };
  }

  /**
   * Replays the instructions [from, hi) and returns the last hit among them:
   * a GDB breakpoint hit or a replay breakpoint at an icount in [from, hi), or
   * a GDB watchpoint hit, at the icount just after the accessing instruction
   * (in (from, hi], but before `now`), with the executor's watchHit for it.
   * Null if none.
   */
  private lastHit(from: number, hi: number, now: number): Hit | null {
    const tt = this.tt;
    let last: Hit | null = null;
    const note = (icount: number, watch: WatchHit | null) => {
      // At the same icount, a watchpoint hit (the instruction before) wins over a breakpoint there.
      if (last === null || icount > last.icount || (icount === last.icount && watch && !last.watch)) last = { icount, watch };
    };
    for (const b of tt.breakpoints) if (b >= from && b < hi) note(b, null);
    if (this.bps.size === 0 && this.watches.size === 0) return last;
    this.seekPlain(from);
    if (this.atBreakpoint()) note(from, null);
    this.arm(true);
    while (tt.icount < hi) {
      this.stepOverIfAtBreakpoint();
      const r = tt.replayForward(hi);
      if (r.stop.kind === 'watchpoint') {
        const watch = this.machine.exec.watchHit;
        this.machine.exec.watchHit = null;
        if (tt.icount < now && watch) note(tt.icount, watch);
        continue;
      }
      if (r.stop.kind !== 'breakpoint' || tt.icount >= hi) break;
      note(tt.icount, null);
    }
    this.arm(false);
    return last;
  }

  interrupt(): void {
    this.interruptPending = true;
  }

  detach(): void {
    this.reporter = null;
    this.interruptPending = true; // a search in progress ends; the replay stays where it is
  }

  kill(): void {
    this.reporter = null;
    this.interruptPending = true;
    this.onKill?.();
  }

  // --- monitor -----------------------------------------------------------------

  protected override monitorHelp(): string {
    return 'monitor commands:\n' +
      '  info replay       where the replay is: icount, recording length, snapshots, replay breakpoints\n' +
      '  replay_seek N     go to icount N (then `maintenance flush register-cache` so GDB rereads)\n' +
      '  replay_break N    a replay breakpoint at icount N (continue and reverse-continue stop there)\n' +
      '  replay_delete N   remove the replay breakpoint at icount N\n' +
      '  info icount       the current icount\n';
  }

  override monitor(command: string): string {
    const words = command.trim().split(/\s+/);
    const tt = this.tt;
    if (words[0] === 'info' && words[1] === 'replay' && words.length === 2) {
      const i = tt.info();
      const bps = tt.breakpoints;
      return `icount ${i.icount}\nrecording length ${i.length}\nsnapshots ${i.snapshots} (every ${i.interval} instructions, ${i.snapshotBytes} bytes)\n` +
        `replay breakpoints ${bps.length ? bps.join(' ') : 'none'}\n`;
    }
    if ((words[0] === 'replay_seek' || words[0] === 'replay_break' || words[0] === 'replay_delete') && words.length === 2) {
      if (!/^\d+$/.test(words[1]!)) return `${words[0]}: "${words[1]}" is not an instruction count\n`;
      const n = Number(words[1]);
      if (words[0] === 'replay_break') {
        tt.addBreakpoint(n);
        return `replay breakpoint at icount ${n}\n`;
      }
      if (words[0] === 'replay_delete') return tt.removeBreakpoint(n) ? `deleted replay breakpoint at icount ${n}\n` : `no replay breakpoint at icount ${n}\n`;
      const r = this.seekPlain(n);
      const why = r.stop.kind === 'end' ? ' (the end of the recording)' : r.stop.kind === 'diverged' ? ` (diverged: ${r.stop.what})` : '';
      return `at icount ${r.icount}${why}\n`;
    }
    return super.monitor(command);
  }
}
