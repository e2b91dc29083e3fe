// Host input for a live run: the process's stdin, in raw mode on a terminal
// (Ctrl-A x quits; Ctrl-A Ctrl-A sends a Ctrl-A), as a HostInput for the
// replay layer. This file is host boundary: it sees host events and timers.
import { type HostInput } from '../replay/index.js';

const CTRL_A = 0x01;

export class StdinInput implements HostInput {
  private queue: number[] = [];
  private waiter: (() => void) | null = null;
  private escape = false;
  ended = false;
  quit = false;
  private readonly tty: boolean;
  private readonly onData = (chunk: Buffer) => this.push(chunk);
  private readonly onEnd = () => { this.ended = true; this.wake(); };

  constructor(private readonly stdin: NodeJS.ReadStream = process.stdin) {
    this.tty = !!stdin.isTTY;
    if (this.tty) stdin.setRawMode(true);
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
    if (this.tty) this.stdin.setRawMode(false);
    this.stdin.pause();
  }

  private push(chunk: Buffer): void {
    for (const b of chunk) {
      if (this.tty && this.escape) {
        this.escape = false;
        if (b === 0x78 /* x */) { this.quit = true; continue; }
        if (b === CTRL_A) { this.queue.push(CTRL_A); continue; }
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
