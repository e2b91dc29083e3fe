// A one-line progress bar on stderr (terminals only): icount of total, speed, ETA.
import { performance } from 'node:perf_hooks';

export class ProgressBar {
  private readonly t0 = performance.now();
  private last = 0;

  constructor(private readonly total: number) {}

  update(icount: number): void {
    const now = performance.now();
    if (now - this.last < 100) return;
    this.last = now;
    const s = (now - this.t0) / 1000;
    const frac = this.total > 0 ? Math.min(1, icount / this.total) : 0;
    const width = 30;
    const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '.');
    const mips = s > 0 ? icount / s / 1e6 : 0;
    const eta = frac > 0 ? (s / frac - s).toFixed(0) : '?';
    process.stderr.write(`\r[${bar}] ${icount}/${this.total} ${mips.toFixed(0)} MIPS ETA ${eta}s `);
  }

  done(): void {
    if (this.last > 0) process.stderr.write('\r\x1b[K');
  }
}
