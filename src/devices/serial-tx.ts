// A minimal COM1 (16550A register layout at 0x3f8): the transmitter only.
// Bytes written to THR go to the output sink; LSR always reports an empty
// transmitter. The full UART (receive, FIFOs, interrupts) replaces this with
// the record/replay issue.
import { type IoBus } from '../runtime/index.js';

export const COM1 = 0x3f8;

export class SerialTransmitter {
  private lcr = 0;
  private scratch = 0;
  private divisor = 1;

  constructor(private readonly output: (byte: number) => void) {}

  attach(io: IoBus, base = COM1): void {
    io.register(base, 8, {
      read: (port) => this.read(port - base),
      write: (port, _size, v) => this.write(port - base, v & 0xff),
    });
  }

  private dlab(): boolean { return (this.lcr & 0x80) !== 0; }

  private read(reg: number): number {
    switch (reg) {
      case 0: return this.dlab() ? this.divisor & 0xff : 0;
      case 1: return this.dlab() ? this.divisor >> 8 : 0;
      case 2: return 0xc1; // IIR: no interrupt pending, FIFOs enabled
      case 3: return this.lcr;
      case 5: return 0x60; // LSR: THR empty, transmitter empty
      case 6: return 0xb0; // MSR: CTS, DSR, DCD
      case 7: return this.scratch;
      default: return 0;
    }
  }

  private write(reg: number, v: number): void {
    switch (reg) {
      case 0:
        if (this.dlab()) this.divisor = (this.divisor & 0xff00) | v;
        else this.output(v);
        return;
      case 1: if (this.dlab()) this.divisor = (this.divisor & 0xff) | (v << 8); return;
      case 3: this.lcr = v; return;
      case 7: this.scratch = v; return;
    }
  }
}
