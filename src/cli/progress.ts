// A one-line progress bar on stderr (terminals only): done of total, speed, ETA.
import { performance } from 'node:perf_hooks';

/** What the numbers after the bar say: by default "icount/total N MIPS". */
export type ProgressLabel = (done: number, total: number, seconds: number) => string;

const instructions: ProgressLabel = (done, total, s) => `${done}/${total} ${(s > 0 ? done / s / 1e6 : 0).toFixed(0)} MIPS`;

/** For a fraction of the work, given in thousandths. */
export const percent: ProgressLabel = (done) => `${(done / 10).toFixed(1)}%`;

export class ProgressBar {
  private readonly t0 = performance.now();
  private last = 0;

  constructor(private readonly total: number, private readonly label: ProgressLabel = instructions) {}

  update(done: number): void {
    const now = performance.now();
    if (now - this.last < 100) return;
    this.last = now;
    const s = (now - this.t0) / 1000;
    const frac = this.total > 0 ? Math.min(1, done / this.total) : 0;
    const width = 30;
    const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '.');
    const eta = frac > 0 ? (s / frac - s).toFixed(0) : '?';
    process.stderr.write(`\r[${bar}] ${this.label(done, this.total, s)} ETA ${eta}s `);
  }

  done(): void {
    if (this.last > 0) process.stderr.write('\r\x1b[K');
  }
}
