// Guest serial output to a host file descriptor, buffered by line; a partial
// line (a shell prompt, an echoed keystroke) goes out as soon as the host gets
// control back from the emulator.
import { writeSync } from 'node:fs';
import { type MachineStopKind } from '../devices/index.js';

/** Console lines kept for an abnormal end (see lastLines), and the most characters kept of each. */
const KEPT_LINES = 25;
const KEPT_LINE_CHARS = 200;

export class LineWriter {
  private buf: number[] = [];
  private flushQueued = false;
  private recent: string[] = [];
  private partial = '';
  constructor(private readonly fd: number) {}

  byte = (b: number): void => {
    this.keep(b);
    this.buf.push(b);
    if (b === 10 || this.buf.length >= 4096) this.flush();
    else if (!this.flushQueued) {
      this.flushQueued = true;
      setImmediate(() => { this.flushQueued = false; this.flush(); });
    }
  };

  /** The guest's last lines of output (the unfinished one last), carriage returns and escape sequences left out. */
  lastLines(): string[] {
    return (this.partial === '' ? this.recent : [...this.recent, this.partial]).map((l) => l.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, ''));
  }

  private keep(b: number): void {
    if (b === 10) {
      this.recent.push(this.partial);
      if (this.recent.length > KEPT_LINES) this.recent.shift();
      this.partial = '';
    } else if (b !== 13 && this.partial.length < KEPT_LINE_CHARS) {
      this.partial += String.fromCharCode(b);
    }
  }

  flush(): void {
    if (this.buf.length === 0) return;
    const bytes = Uint8Array.from(this.buf);
    this.buf = [];
    let off = 0;
    while (off < bytes.length) {
      try {
        off += writeSync(this.fd, bytes, off);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
        if ((e as NodeJS.ErrnoException).code === 'EPIPE') return;
        throw e;
      }
    }
  }
}

/**
 * After a run that ended badly (a triple fault, a reset with --no-reboot: a
 * kernel panic with panic=-1 ends that way), repeats the guest's last lines
 * on stderr when its output went elsewhere than a terminal, so the one-line
 * message comes with what the guest said last.
 */
export function reportLastLines(out: LineWriter, stopKind: MachineStopKind): void {
  if (stopKind !== 'triple-fault' && stopKind !== 'reset') return;
  if (process.stdout.isTTY) return;
  const lines = out.lastLines().filter((l) => l.trim() !== '');
  if (lines.length === 0) return;
  process.stderr.write(`rewind86: the guest's last console lines:\n${lines.map((l) => `  ${l}\n`).join('')}`);
}
