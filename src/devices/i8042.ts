// The 8042 keyboard controller as a PC's firmware and Linux use it, with a
// keyboard that answers commands but never has keys pressed, and an
// auxiliary (mouse) port with nothing plugged in: the controller commands
// (read/write the command byte, self tests, enable and disable, read/write
// the output port: A20 and the CPU reset line, pulse the reset line, the aux
// port's loopback), the status register, IRQ 1 for the keyboard's bytes and
// IRQ 12 for the aux port's; and port 0x92, the PS/2 "fast A20 and reset"
// register.
import { type IoBus } from '../runtime/index.js';
import { checkStateVersion, type Device, type DeviceState, type IrqSink } from './device.js';

const DATA = 0x60, STATUS = 0x64, PORT92 = 0x92;
const OBF = 0x01, SYS = 0x04, CMD = 0x08, KEYLOCK = 0x10, AUXB = 0x20, TIMEOUT = 0x40;
const KBD_IRQ = 1, AUX_IRQ = 12;
/** Command byte bits: interrupts for keyboard and aux bytes. */
const CCB_KBD_INT = 0x01, CCB_AUX_INT = 0x02;
/** Flags kept above a queued byte's value: it came from the aux port; the controller timed out sending to the aux device. */
const FROM_AUX = 0x100, TIMED_OUT = 0x200;
/** Answer of a device that does not answer (the controller's timeout). */
const NO_DEVICE = 0xfe;

interface I8042State extends DeviceState {
  out: number[];
  ccb: number;
  pending: number;
  outputPort: number;
  lastWasCommand: boolean;
  port92: number;
}

/** What the machine does for the controller: drive A20, reset the CPU. */
export interface ResetLines {
  setA20(on: boolean): void;
  reset(): void;
}

export class I8042 implements Device<I8042State> {
  readonly name = 'i8042';
  /** Bytes for the CPU, oldest first, each with its FROM_AUX/TIMED_OUT flags. */
  private out: number[] = [];
  /** Command byte: bit 0 keyboard interrupt, bit 2 system flag, bit 4 keyboard disabled, bit 5 aux disabled, bit 6 translation. */
  private ccb = 0x45;
  /** A command waiting for its data byte on port 0x60 (0: none). */
  private pending = 0;
  /** Output port: bit 0 reset line (1 = running), bit 1 A20. */
  private outputPort = 0x03;
  private lastWasCommand = false;
  private port92 = 0x02;

  constructor(private readonly irq: IrqSink, private readonly lines: ResetLines) {}

  attach(io: IoBus): void {
    io.register(DATA, 1, { read: () => this.readData(), write: (_p, _s, v) => this.writeData(v & 0xff) });
    io.register(STATUS, 1, { read: () => this.status(), write: (_p, _s, v) => this.command(v & 0xff) });
    io.register(PORT92, 1, {
      read: () => this.port92,
      write: (_p, _s, v) => {
        this.port92 = v & 0x02;
        this.driveA20();
        if (v & 0x01) this.lines.reset();
      },
    });
  }

  /** The A20 gate: open when either the output port or port 0x92 opens it. */
  private driveA20(): void {
    this.lines.setA20((this.outputPort & 0x02) !== 0 || (this.port92 & 0x02) !== 0);
  }

  private status(): number {
    const head = this.out.length ? this.out[0] : 0;
    return (this.out.length ? OBF : 0) | SYS | (this.lastWasCommand ? CMD : 0) | KEYLOCK |
      (head & FROM_AUX ? AUXB : 0) | (head & TIMED_OUT ? TIMEOUT : 0);
  }

  private readData(): number {
    const v = this.out.shift() ?? 0;
    this.updateIrq();
    return v & 0xff;
  }

  /** Bytes for the CPU (with their FROM_AUX/TIMED_OUT flags). */
  private push(...bytes: number[]): void {
    this.out.push(...bytes);
    this.updateIrq();
  }

  /** The byte at the head of the output buffer raises IRQ 1, or IRQ 12 if it came from the aux port, when the command byte enables it. */
  private updateIrq(): void {
    const head = this.out.length ? this.out[0] : -1;
    this.irq.setIrq(KBD_IRQ, head >= 0 && !(head & FROM_AUX) && (this.ccb & CCB_KBD_INT) !== 0);
    this.irq.setIrq(AUX_IRQ, head >= 0 && (head & FROM_AUX) !== 0 && (this.ccb & CCB_AUX_INT) !== 0);
  }

  private command(c: number): void {
    this.lastWasCommand = true;
    switch (c) {
      case 0x20: this.push(this.ccb); break; // read command byte
      case 0x60: case 0xd1: case 0xd2: case 0xd3: case 0xd4: this.pending = c; break; // the data byte follows
      case 0xa7: this.ccb |= 0x20; break; // disable aux
      case 0xa8: this.ccb &= ~0x20; break;
      case 0xa9: this.push(0x00); break; // aux interface test passed (the port works; nothing is plugged in)
      case 0xaa: this.push(0x55); break; // self test passed
      case 0xab: this.push(0x00); break; // keyboard interface test passed
      case 0xad: this.ccb |= 0x10; break; // disable keyboard
      case 0xae: this.ccb &= ~0x10; break;
      case 0xd0: this.push(this.outputPort); break;
      default:
        // F0-FF pulse output-port lines low; bit 0 clear pulses the reset line.
        if ((c & 0xf0) === 0xf0 && !(c & 0x01)) this.lines.reset();
    }
  }

  private writeData(v: number): void {
    this.lastWasCommand = false;
    const pending = this.pending;
    this.pending = 0;
    switch (pending) {
      case 0x60: this.ccb = v; this.updateIrq(); return;
      case 0xd1:
        this.outputPort = v;
        this.driveA20();
        if (!(v & 0x01)) this.lines.reset();
        return;
      case 0xd2: this.push(v); return; // as if the keyboard sent it
      case 0xd3: this.push(v | FROM_AUX); return; // loopback: as if the aux device sent it
      case 0xd4: this.push(NO_DEVICE | FROM_AUX | TIMED_OUT); return; // nothing on the aux port answers
    }
    // A command for the keyboard: it acknowledges; reset answers with its self test, identify with its id.
    if (v === 0xff) this.push(0xfa, 0xaa);
    else if (v === 0xf2) this.push(0xfa, 0xab, 0x83);
    else if (v === 0xee) this.push(0xee);
    else this.push(0xfa);
  }

  reset(): void {
    this.out = [];
    this.ccb = 0x45;
    this.pending = 0;
    this.outputPort = 0x03;
    this.lastWasCommand = false;
    this.port92 = 0x02;
    this.updateIrq();
    this.driveA20();
  }

  save(): I8042State {
    return { version: 2, out: [...this.out], ccb: this.ccb, pending: this.pending, outputPort: this.outputPort, lastWasCommand: this.lastWasCommand, port92: this.port92 };
  }

  load(s: I8042State): void {
    // Version 1 had no aux port: its bytes carry no flags.
    if (s?.version !== 1) checkStateVersion(this.name, s, 2);
    this.out = Array.isArray(s.out) ? s.out.map((b) => b & (0xff | FROM_AUX | TIMED_OUT)) : [];
    this.ccb = s.ccb & 0xff;
    this.pending = s.pending & 0xff;
    this.outputPort = s.outputPort & 0xff;
    this.lastWasCommand = s.lastWasCommand === true;
    this.port92 = s.port92 & 0x02;
    this.updateIrq();
    this.driveA20();
  }
}
