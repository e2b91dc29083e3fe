// Guest serial output to a host file descriptor, buffered by line; a partial
// line (a shell prompt, an echoed keystroke) goes out as soon as the host gets
// control back from the emulator.
import { writeSync } from 'node:fs';

export class LineWriter {
  private buf: number[] = [];
  private flushQueued = false;
  constructor(private readonly fd: number) {}

  byte = (b: number): void => {
    this.buf.push(b);
    if (b === 10 || this.buf.length >= 4096) this.flush();
    else if (!this.flushQueued) {
      this.flushQueued = true;
      setImmediate(() => { this.flushQueued = false; this.flush(); });
    }
  };

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
