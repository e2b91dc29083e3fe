// A National Semiconductor 16550A UART (PC16550D datasheet): the PC's COM
// ports. Registers at base+0..7, 16-byte receive FIFO, the five interrupt
// sources with their priorities, loopback, and the PC's OUT2 gate on the IRQ
// line. Written from the datasheet's register descriptions.
//
// Time. Nothing here reads host time. The only timed behaviour the guest can
// observe is the receiver's character timeout (4 character times without a
// receive or a read while the FIFO holds data); it runs on a VirtualClock
// Timer whose length is derived from the divisor latch and LCR, so it fires
// at the same icount on every run.
//
// Transmission is instant: a byte written to THR goes to the output callback
// (or, in loopback, into the receive FIFO) at once, and THRE/TEMT are set
// again before the OUT instruction retires. So the TX FIFO is empty at every
// instruction boundary and has no state to save. This is what QEMU does and
// what Linux's 8250 driver is happy with (its console polls LSR.THRE per
// character, its interrupt path refills on THRE); timing the line at the baud
// rate would only make the guest busy-wait ~87 us per character at 115200 baud
// (~1 ms at 9600) of virtual time, for every byte of every boot log. The THRE
// interrupt still behaves as on the chip: a THR write clears it and the
// (instantly) empty transmitter raises it again, so the IRQ line drops and
// rises, and an edge-triggered PIC sees a new request.
//
// Input from outside enters only through receive()/receiveBreak(), which the
// replay layer calls between blocks at an exact icount (DESIGN.md, time and
// determinism); rxSpace() lets it hold pasted input back instead of overrunning.
import { type IoBus } from '../runtime/index.js';
import { type Timer, type VirtualClock } from './clock.js';
import { checkStateVersion, type Device, type DeviceState, type IrqSink } from './device.js';
import { UserError } from './errors.js';

export const COM1_BASE = 0x3f8;
export const COM1_IRQ = 4;

/** Depth of the receive and transmit FIFOs. */
export const UART_FIFO_SIZE = 16;

// Interrupt Enable Register.
const IER_ERBFI = 0x01; // received data available (and character timeout)
const IER_ETBEI = 0x02; // transmitter holding register empty
const IER_ELSI = 0x04; // receiver line status
const IER_EDSSI = 0x08; // modem status
const IER_MASK = 0x0f; // bits 4-7 are always 0 on a 16550A

// Interrupt Identification Register (bit 0 = 1: nothing pending).
export const IIR_NONE = 0x01;
export const IIR_RLS = 0x06; // priority 1: receiver line status
export const IIR_RDA = 0x04; // priority 2: received data available
export const IIR_CTI = 0x0c; // priority 2: character timeout
export const IIR_THRE = 0x02; // priority 3: THR empty
export const IIR_MSI = 0x00; // priority 4: modem status
const IIR_FIFOS_ENABLED = 0xc0;

// FIFO Control Register (write only).
const FCR_ENABLE = 0x01;
const FCR_CLEAR_RX = 0x02;
const FCR_STORED = 0xc9; // enable, DMA mode, trigger level
const RX_TRIGGER_LEVELS = [1, 4, 8, 14] as const;

// Line Control Register.
const LCR_DLAB = 0x80;
const LCR_PARITY = 0x08;
const LCR_STOP2 = 0x04;
const LCR_WLEN = 0x03;

// Modem Control Register.
const MCR_DTR = 0x01;
const MCR_RTS = 0x02;
const MCR_OUT1 = 0x04;
const MCR_OUT2 = 0x08;
const MCR_LOOP = 0x10;
const MCR_MASK = 0x1f; // bits 5-7 are always 0 on a 16550A

// Line Status Register.
export const LSR_DR = 0x01;
export const LSR_OE = 0x02;
export const LSR_PE = 0x04;
export const LSR_FE = 0x08;
export const LSR_BI = 0x10;
export const LSR_THRE = 0x20;
export const LSR_TEMT = 0x40;
export const LSR_RX_FIFO_ERROR = 0x80;
const LSR_ERRORS = LSR_OE | LSR_PE | LSR_FE | LSR_BI;
const CHAR_ERRORS = LSR_PE | LSR_FE | LSR_BI;

// Modem Status Register.
const MSR_DCTS = 0x01;
const MSR_DDSR = 0x02;
const MSR_TERI = 0x04;
const MSR_DDCD = 0x08;
const MSR_CTS = 0x10;
const MSR_DSR = 0x20;
const MSR_RI = 0x40;
const MSR_DCD = 0x80;
/** No modem attached: the host side is always "ready" (CTS, DSR, DCD asserted, no ring). */
const MSR_NO_MODEM = MSR_CTS | MSR_DSR | MSR_DCD;

export interface UartOptions {
  /** Device name, the key of its state in a snapshot (default 'com1'). */
  name?: string;
  /** First I/O port (default 0x3f8). */
  base?: number;
  /** IRQ line on the PIC (default 4). */
  irq?: number;
  /** Receives every byte the guest transmits (the host console). */
  output: (byte: number) => void;
}

export interface UartState extends DeviceState {
  version: 1;
  ier: number;
  lcr: number;
  mcr: number;
  scr: number;
  /** FCR bits 0, 3, 6, 7 as last programmed. */
  fcr: number;
  divisor: number;
  /** OE, PE, FE, BI as the guest will read them in LSR. */
  lsrErrors: number;
  /** LSR bit 7 (a character with PE/FE/BI entered the FIFO; sticky until an LSR read finds none left). */
  fifoError: boolean;
  /** MSR bits 0-3 (deltas) and 4-7 (line states). */
  msr: number;
  /** Receive FIFO, oldest first (at most 1 byte with FIFOs disabled). */
  rx: number[];
  /** PE/FE/BI of each byte of rx. */
  rxErrors: number[];
  /** What RBR reads while the FIFO is empty: the last byte read. */
  rbr: number;
  threPending: boolean;
  timeoutPending: boolean;
  /** Virtual ns of the armed character-timeout timer, or null. */
  timeoutDeadline: number | null;
}

export class Uart implements Device<UartState> {
  readonly name: string;
  readonly base: number;
  readonly irqNumber: number;

  private ier = 0;
  private lcr = 0;
  private mcr = 0;
  private scr = 0;
  private fcr = 0;
  private divisor = 1;
  private lsrErrors = 0;
  private fifoError = false;
  private msrLines = MSR_NO_MODEM;
  private msrDelta = 0;
  private rx: number[] = [];
  private rxErrors: number[] = [];
  private rbr = 0;
  private threPending = false;
  private timeoutPending = false;
  private irqLevel = false;

  private readonly output: (byte: number) => void;
  private readonly timeoutTimer: Timer;

  constructor(private readonly clock: VirtualClock, private readonly irq: IrqSink, opts: UartOptions) {
    this.name = opts.name ?? 'com1';
    this.base = opts.base ?? COM1_BASE;
    this.irqNumber = opts.irq ?? COM1_IRQ;
    this.output = opts.output;
    this.timeoutTimer = clock.newTimer(`${this.name}.rx-timeout`, () => this.characterTimeout());
    this.reset();
  }

  attach(io: IoBus): void {
    io.register(this.base, 8, {
      read: (port, size) => this.portRead(port - this.base, size),
      write: (port, size, value) => this.portWrite(port - this.base, size, value),
    });
  }

  /**
   * Master reset (the PC ties MR to system reset). SCR and the divisor latch
   * are not reset by the chip and undefined at power-on; rewind86 makes them
   * 0 and 1 (115200 baud) so every run starts alike.
   */
  reset(): void {
    this.ier = 0;
    this.lcr = 0;
    this.mcr = 0;
    this.scr = 0;
    this.fcr = 0;
    this.divisor = 1;
    this.lsrErrors = 0;
    this.fifoError = false;
    this.msrLines = MSR_NO_MODEM;
    this.msrDelta = 0;
    this.rx = [];
    this.rxErrors = [];
    this.rbr = 0;
    this.threPending = false;
    this.timeoutPending = false;
    this.timeoutTimer.cancel();
    this.irqLevel = false;
    this.irq.setIrq(this.irqNumber, false);
  }

  // ---------------------------------------------------------------- host side

  /**
   * Bytes arriving on the serial line now (called by the replay layer between
   * blocks). A byte that finds the FIFO full is lost and sets OE; with FIFOs
   * disabled it overwrites the unread RBR and sets OE. In loopback mode the
   * receiver is disconnected from the line and the bytes are lost.
   */
  receive(bytes: Uint8Array): void {
    if (this.mcr & MCR_LOOP) return;
    for (const b of bytes) this.receiveChar(b, 0);
    this.updateIrq();
  }

  /** A break condition on the line: one 0 character with BI (and FE: its stop bit is a space). */
  receiveBreak(): void {
    if (this.mcr & MCR_LOOP) return;
    this.receiveChar(0, LSR_BI | LSR_FE);
    this.updateIrq();
  }

  /** How many bytes receive() can take now without an overrun (0 in loopback: the line is disconnected). */
  rxSpace(): number {
    if (this.mcr & MCR_LOOP) return 0;
    return this.rxCapacity() - this.rx.length;
  }

  /** The IRQ line as the PIC sees it. */
  get irqAsserted(): boolean { return this.irqLevel; }

  /**
   * One character on the line (start bit, data bits, parity, stop bits) in
   * virtual ns at the programmed divisor and LCR. A divisor of 0 counts as
   * 65536 (the 16-bit counter wraps).
   */
  characterTimeNs(): number {
    const wordLength = 5 + (this.lcr & LCR_WLEN);
    const parity = this.lcr & LCR_PARITY ? 1 : 0;
    // In half bits, because 5-bit words with "2 stop bits" get 1.5.
    const stopHalfBits = this.lcr & LCR_STOP2 ? (wordLength === 5 ? 3 : 4) : 2;
    const halfBits = 2 * (1 + wordLength + parity) + stopHalfBits;
    const div = this.divisor || 0x10000;
    // A PC's UART clock is 1.8432 MHz, 16 clocks per bit, so
    // ns = halfBits/2 * 16 * div * 1e9 / 1843200 = halfBits * div * 1953125 / 450,
    // with every operand an exact integer below 2^53.
    return Math.ceil((halfBits * div * 1_953_125) / 450);
  }

  // ---------------------------------------------------------------- registers

  private portRead(offset: number, size: number): number {
    if (size === 1) return this.readRegister(offset);
    // The ISA bus splits a wider access into byte cycles at consecutive ports.
    let v = 0;
    for (let i = 0; i < size; i++) v |= (offset + i < 8 ? this.readRegister(offset + i) : 0xff) << (8 * i);
    return size === 4 ? v | 0 : v;
  }

  private portWrite(offset: number, size: number, value: number): void {
    for (let i = 0; i < size && offset + i < 8; i++) this.writeRegister(offset + i, (value >>> (8 * i)) & 0xff);
  }

  private readRegister(reg: number): number {
    const dlab = (this.lcr & LCR_DLAB) !== 0;
    switch (reg) {
      case 0: return dlab ? this.divisor & 0xff : this.readRbr();
      case 1: return dlab ? this.divisor >> 8 : this.ier;
      case 2: return this.readIir();
      case 3: return this.lcr;
      case 4: return this.mcr;
      case 5: return this.readLsr();
      case 6: return this.readMsr();
      default: return this.scr;
    }
  }

  private writeRegister(reg: number, v: number): void {
    const dlab = (this.lcr & LCR_DLAB) !== 0;
    switch (reg) {
      case 0:
        if (dlab) this.divisor = (this.divisor & 0xff00) | v;
        else this.writeThr(v);
        return;
      case 1:
        if (dlab) this.divisor = (this.divisor & 0x00ff) | (v << 8);
        else this.writeIer(v);
        return;
      case 2: this.writeFcr(v); return;
      case 3: this.lcr = v; return;
      case 4: this.writeMcr(v); return;
      case 7: this.scr = v; return;
      // LSR and MSR writes are for factory test only (datasheet): ignored.
      default: return;
    }
  }

  private fifoMode(): boolean { return (this.fcr & FCR_ENABLE) !== 0; }

  private rxCapacity(): number { return this.fifoMode() ? UART_FIFO_SIZE : 1; }

  private rxTrigger(): number { return RX_TRIGGER_LEVELS[this.fcr >> 6]; }

  private readRbr(): number {
    if (this.rx.length === 0) return this.rbr;
    this.rbr = this.rx.shift()!;
    this.rxErrors.shift();
    // The next character's PE/FE/BI show in LSR once it is at the top of the FIFO.
    if (this.rx.length) this.lsrErrors |= this.rxErrors[0];
    // A read clears a timeout interrupt and restarts the timer (datasheet, FIFO interrupt mode).
    this.timeoutPending = false;
    if (this.fifoMode() && this.rx.length) this.armTimeout();
    else this.timeoutTimer.cancel();
    this.updateIrq();
    return this.rbr;
  }

  private writeThr(v: number): void {
    // Writing THR clears the THRE interrupt...
    this.threPending = false;
    this.updateIrq();
    if (this.mcr & MCR_LOOP) {
      this.receiveChar(v, 0);
    } else {
      this.output(v);
    }
    // ...and the transmitter, done at once, is empty again: THRE rises anew.
    this.threPending = true;
    this.updateIrq();
  }

  private writeIer(v: number): void {
    const changed = (this.ier ^ v) & IER_ETBEI;
    this.ier = v & IER_MASK;
    // Enabling ETBEI while THR is empty raises the THRE interrupt at once,
    // even if an IIR read cleared it before; Linux's 8250 startup tests for
    // this (UART_BUG_THRE), and its TX start relies on it.
    if (changed) this.threPending = (this.ier & IER_ETBEI) !== 0;
    this.updateIrq();
  }

  private readIir(): number {
    const id = this.interruptId();
    // Reading IIR clears the THRE interrupt when it is the one reported.
    if (id === IIR_THRE) {
      this.threPending = false;
      this.updateIrq();
    }
    return id | (this.fifoMode() ? IIR_FIFOS_ENABLED : 0);
  }

  private writeFcr(v: number): void {
    const enable = v & FCR_ENABLE;
    // Changing FCR0 clears both FIFOs; with FCR0 = 0 the other bits are not programmed.
    if (enable !== (this.fcr & FCR_ENABLE)) this.clearRx();
    if (enable) {
      if (v & FCR_CLEAR_RX) this.clearRx();
      // FCR bit 2 (clear TX FIFO) has nothing to do: the TX FIFO is always empty.
      this.fcr = v & FCR_STORED;
    } else {
      this.fcr = 0;
    }
    this.updateIrq();
  }

  private readLsr(): number {
    const v = (this.rx.length ? LSR_DR : 0) | this.lsrErrors | LSR_THRE | LSR_TEMT
      | (this.fifoMode() && this.fifoError ? LSR_RX_FIFO_ERROR : 0);
    // Reading LSR clears OE, PE, FE, BI (and the line status interrupt); bit 7
    // stays only while characters with errors remain in the FIFO.
    this.lsrErrors = 0;
    this.fifoError = this.rxErrors.some((e) => e !== 0);
    this.updateIrq();
    return v;
  }

  private writeMcr(v: number): void {
    this.mcr = v & MCR_MASK;
    this.updateModemLines();
    this.updateIrq();
  }

  private readMsr(): number {
    const v = this.msrLines | this.msrDelta;
    this.msrDelta = 0;
    this.updateIrq();
    return v;
  }

  /** In loopback the MCR outputs drive the MSR inputs (RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD). */
  private updateModemLines(): void {
    const m = this.mcr;
    const lines = m & MCR_LOOP
      ? (m & MCR_RTS ? MSR_CTS : 0) | (m & MCR_DTR ? MSR_DSR : 0) | (m & MCR_OUT1 ? MSR_RI : 0) | (m & MCR_OUT2 ? MSR_DCD : 0)
      : MSR_NO_MODEM;
    const changed = lines ^ this.msrLines;
    if (changed & MSR_CTS) this.msrDelta |= MSR_DCTS;
    if (changed & MSR_DSR) this.msrDelta |= MSR_DDSR;
    if (this.msrLines & MSR_RI && !(lines & MSR_RI)) this.msrDelta |= MSR_TERI; // trailing edge only
    if (changed & MSR_DCD) this.msrDelta |= MSR_DDCD;
    this.msrLines = lines;
  }

  // ---------------------------------------------------------------- receiver

  private receiveChar(byte: number, errors: number): void {
    if (!this.fifoMode()) {
      // 16450 mode: one holding register; a new character overwrites an unread one.
      if (this.rx.length) {
        this.lsrErrors |= LSR_OE;
        this.rx[0] = byte;
        this.rxErrors[0] = errors;
      } else {
        this.rx.push(byte);
        this.rxErrors.push(errors);
      }
      this.lsrErrors |= errors;
      return;
    }
    if (this.rx.length >= UART_FIFO_SIZE) {
      // FIFO full: the character in the shift register is lost.
      this.lsrErrors |= LSR_OE;
      return;
    }
    this.rx.push(byte);
    this.rxErrors.push(errors);
    if (errors) this.fifoError = true;
    if (this.rx.length === 1) this.lsrErrors |= errors;
    // A received character restarts the timeout timer unless a timeout is already pending.
    if (!this.timeoutPending) this.armTimeout();
  }

  private clearRx(): void {
    this.rx = [];
    this.rxErrors = [];
    this.fifoError = false;
    this.timeoutPending = false;
    this.timeoutTimer.cancel();
  }

  private armTimeout(): void {
    this.timeoutTimer.set(this.clock.nowNs() + 4 * this.characterTimeNs());
  }

  private characterTimeout(): void {
    if (!this.fifoMode() || this.rx.length === 0) return;
    this.timeoutPending = true;
    this.updateIrq();
  }

  // ---------------------------------------------------------------- interrupts

  /** The highest-priority enabled source, as IIR bits 0-3. */
  private interruptId(): number {
    const ier = this.ier;
    if (ier & IER_ELSI && this.lsrErrors & LSR_ERRORS) return IIR_RLS;
    if (ier & IER_ERBFI) {
      if (this.rx.length >= (this.fifoMode() ? this.rxTrigger() : 1)) return IIR_RDA;
      if (this.timeoutPending) return IIR_CTI;
    }
    if (ier & IER_ETBEI && this.threPending) return IIR_THRE;
    if (ier & IER_EDSSI && this.msrDelta) return IIR_MSI;
    return IIR_NONE;
  }

  /**
   * On a PC the INTR pin reaches the PIC through a buffer enabled by OUT2. In
   * loopback mode the chip forces its modem control output pins, OUT2 among
   * them, inactive (datasheet, MCR bit 4), so the IRQ line is then low.
   */
  private lineLevel(): boolean {
    return (this.mcr & (MCR_OUT2 | MCR_LOOP)) === MCR_OUT2 && this.interruptId() !== IIR_NONE;
  }

  private updateIrq(): void {
    const level = this.lineLevel();
    if (level !== this.irqLevel) {
      this.irqLevel = level;
      this.irq.setIrq(this.irqNumber, level);
    }
  }

  // ---------------------------------------------------------------- snapshots

  save(): UartState {
    return {
      version: 1,
      ier: this.ier,
      lcr: this.lcr,
      mcr: this.mcr,
      scr: this.scr,
      fcr: this.fcr,
      divisor: this.divisor,
      lsrErrors: this.lsrErrors,
      fifoError: this.fifoError,
      msr: this.msrLines | this.msrDelta,
      rx: [...this.rx],
      rxErrors: [...this.rxErrors],
      rbr: this.rbr,
      threPending: this.threPending,
      timeoutPending: this.timeoutPending,
      timeoutDeadline: this.timeoutTimer.armed ? this.timeoutTimer.deadline : null,
    };
  }

  /**
   * Restores a save()d state and drives the IRQ line to the level it implies
   * (load the PIC after the devices, so that its own saved state wins).
   */
  load(state: UartState): void {
    checkStateVersion(this.name, state, 1);
    const bad = (field: string, what: string): never => {
      throw new UserError(`snapshot: device ${this.name} state field ${field} ${what}`);
    };
    const byte = (field: keyof UartState, max = 0xff): number => {
      const v = state[field];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) bad(field, `is ${JSON.stringify(v)}, not an integer 0..${max}`);
      return v as number;
    };
    const flag = (field: keyof UartState): boolean => {
      const v = state[field];
      if (typeof v !== 'boolean') bad(field, `is ${JSON.stringify(v)}, not a boolean`);
      return v as boolean;
    };
    const fcr = byte('fcr');
    const capacity = fcr & FCR_ENABLE ? UART_FIFO_SIZE : 1;
    const rx = state.rx, rxErrors = state.rxErrors;
    if (!Array.isArray(rx) || rx.length > capacity || !rx.every((b) => Number.isInteger(b) && b >= 0 && b <= 0xff)) {
      bad('rx', `must be an array of at most ${capacity} bytes`);
    }
    if (!Array.isArray(rxErrors) || rxErrors.length !== rx.length || !rxErrors.every((e) => Number.isInteger(e) && (e & ~CHAR_ERRORS) === 0)) {
      bad('rxErrors', 'must hold PE/FE/BI bits for each byte of rx');
    }
    const deadline = state.timeoutDeadline;
    if (deadline !== null && !(typeof deadline === 'number' && Number.isFinite(deadline) && deadline >= 0)) {
      bad('timeoutDeadline', `is ${JSON.stringify(deadline)}, not null or a virtual time in ns`);
    }

    this.ier = byte('ier', IER_MASK);
    this.lcr = byte('lcr');
    this.mcr = byte('mcr', MCR_MASK);
    this.scr = byte('scr');
    this.fcr = fcr & FCR_STORED;
    this.divisor = byte('divisor', 0xffff);
    this.lsrErrors = byte('lsrErrors') & LSR_ERRORS;
    this.fifoError = flag('fifoError');
    const msr = byte('msr');
    this.msrLines = msr & 0xf0;
    this.msrDelta = msr & 0x0f;
    this.rx = [...rx];
    this.rxErrors = [...rxErrors];
    this.rbr = byte('rbr');
    this.threPending = flag('threPending');
    this.timeoutPending = flag('timeoutPending');
    if (deadline === null) this.timeoutTimer.cancel();
    else this.timeoutTimer.set(deadline);
    this.irqLevel = this.lineLevel();
    this.irq.setIrq(this.irqNumber, this.irqLevel);
  }
}
