// Host input for a live run: the process's stdin, in raw mode on a terminal,
// as a HostInput for the replay layer, with QEMU-style escapes after Ctrl-A:
// x quits, h lists the escapes, c is kept for the monitor, Ctrl-A sends a
// Ctrl-A. The terminal is restored however the run ends (close(), process
// exit, SIGTERM/SIGHUP). This file is host boundary: it sees host events and timers.
import { type HostInput } from '../replay/index.js';

const CTRL_A = 0x01;

/** What Ctrl-A h prints (the terminal is raw: lines end in CR LF). */
export const ESCAPE_HELP = [
  '', 'rewind86 escapes (after Ctrl-A):',
  '  Ctrl-A x      quit',
  '  Ctrl-A h      this help',
  '  Ctrl-A c      the monitor (not there yet)',
  '  Ctrl-A Ctrl-A send Ctrl-A to the guest', '',
].join('\r\n');

export class StdinInput implements HostInput {
  private queue: number[] = [];
  private waiter: (() => void) | null = null;
  private escape = false;
  ended = false;
  quit = false;
  private readonly tty: boolean;
  private readonly onData = (chunk: Buffer) => this.push(chunk);
  private readonly onEnd = () => { this.ended = true; this.wake(); };

  private readonly restore = () => { if (this.tty && this.raw) { this.raw = false; this.stdin.setRawMode(false); } };
  private readonly onSignal = (signal: NodeJS.Signals) => {
    this.restore();
    process.exit(signal === 'SIGHUP' ? 129 : 143);
  };
  private raw = false;

  constructor(private readonly stdin: NodeJS.ReadStream = process.stdin, private readonly say: (line: string) => void = (l) => process.stderr.write(l)) {
    this.tty = !!stdin.isTTY;
    if (this.tty) {
      stdin.setRawMode(true);
      this.raw = true;
      process.on('exit', this.restore);
      process.on('SIGTERM', this.onSignal);
      process.on('SIGHUP', this.onSignal);
    }
    stdin.on('data', this.onData);
    stdin.on('end', this.onEnd);
    stdin.on('error', this.onEnd);
    stdin.resume();
  }

  get available(): number { return this.queue.length; }

  take(max: number): Uint8Array {
    const n = Math.min(max, this.queue.length);
    return Uint8Array.from(this.queue.splice(0, n));
  }

  wait(ms: number): Promise<void> {
    if (this.ended || this.quit) return Promise.resolve();
    return new Promise((resolve) => {
      // A wait given up on (a debugger woke the caller) must not clear a newer wait's waiter.
      const waiter = () => { if (timer) clearTimeout(timer); resolve(); };
      const timer = ms === Infinity ? null : setTimeout(() => { if (this.waiter === waiter) this.waiter = null; resolve(); }, ms);
      this.waiter = waiter;
    });
  }

  /** Restores the terminal and stops reading. */
  close(): void {
    this.stdin.off('data', this.onData);
    this.stdin.off('end', this.onEnd);
    this.stdin.off('error', this.onEnd);
    this.restore();
    process.off('exit', this.restore);
    process.off('SIGTERM', this.onSignal);
    process.off('SIGHUP', this.onSignal);
    this.stdin.pause();
  }

  private push(chunk: Buffer): void {
    for (const b of chunk) {
      if (this.tty && this.escape) {
        this.escape = false;
        if (b === 0x78 /* x */) { this.quit = true; continue; }
        if (b === CTRL_A) { this.queue.push(CTRL_A); continue; }
        if (b === 0x68 /* h */) { this.say(ESCAPE_HELP); continue; }
        if (b === 0x63 /* c */) { this.say('\r\n[rewind86: the monitor (Ctrl-A c) is not there yet]\r\n'); continue; }
        continue;
      }
      if (this.tty && b === CTRL_A) { this.escape = true; continue; }
      this.queue.push(b);
    }
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }
}
