// The PC's pair of Intel 8259A programmable interrupt controllers: the
// master at 0x20-0x21 takes IRQ 0-7, the slave at 0xa0-0xa1 takes IRQ 8-15
// and drives the master's IR2 with its INT output. The edge/level control
// registers (ELCR) at 0x4d0-0x4d1 are those of the PIIX south bridge.
//
// Behaviour follows the 8259A datasheet (Intel 231468), where it speaks:
// - An edge-triggered request is latched on a rising edge of its IR input
//   and must stay high until INTA: a falling edge withdraws it (the
//   datasheet's "default IR7" case). After INTA the input must go low and
//   high again before it requests again. A level-triggered request follows
//   its input (IRR = input level, not cleared by INTA).
// - A line is level-triggered when ICW1's LTIM is set (the whole chip) or
//   when its ELCR bit is set. ELCR bits of IRQ 0, 1, 2, 8 and 13 read as 0.
// - The master's IR2 follows the slave's INT output as a level: the slave
//   holds INT high exactly while it has a request it would deliver, so the
//   master's IRR2 is that level. (Treating it as an edge loses a second
//   slave request when the slave runs in auto-EOI and INT never drops.)
// - INTA with nothing left to deliver is the spurious "default IR7": the
//   chip answers with its IR7 vector and sets no ISR bit. A slave that has
//   nothing when the master passes INTA on answers IRQ15's vector after the
//   master has set ISR2, so the guest must EOI the master only, as on real
//   hardware. Here INTA is atomic (nothing runs between its pulses) and the
//   master's IR2 follows the slave's INT, so a slave request that vanishes
//   before INTA drops IR2 too and reads as the master's spurious IRQ7, as it
//   does on hardware when the slave's INT falls before the first INTA.
// - Only 8086 mode is emulated: the vector is (ICW2 & 0xf8) | line even when
//   ICW4 leaves uPM clear; MCS-80/85 CALL sequences mean nothing to an x86.
//
// Choices where the datasheet is silent (documented so snapshots and guests
// can rely on them):
// - reset() (power-on): the 8259A has no reset pin and no defined power-on
//   state, and this machine has no BIOS. Both chips are left as a PC BIOS
//   programs them (ICW1 0x11, ICW2 0x08 / 0x70, ICW3 0x04 / 0x02, ICW4 0x01:
//   edge, cascade on IR2, 8086 mode, normal EOI), ready for OCWs (not waiting
//   for ICW2, so an early IMR write such as Linux's PIC probe lands in IMR),
//   with everything else as the datasheet lists after ICW1: IMR 0, ISR and
//   IRR 0, IR7 lowest priority, IRR selected for reading, no special mask
//   mode, no poll. ELCR 0 (PIIX's reset value: all edge). Input line levels
//   are wire state and survive reset; a line high at reset must go low and
//   high again to request (edge), or requests at once (level).
// - ICW1 also clears ISR, the poll command and rotate-in-auto-EOI.
// - The poll command answers the next read of either port of its chip with
//   0x80 | line, or 0x00 when nothing is requested, and acknowledges only
//   that chip (polling the master does not acknowledge the slave).
// - setIrq(2) has no effect: IR2 is the cascade input (ISA's IRQ2 pin is
//   wired to IRQ9 on a PC/AT).
// - A word or dword access is split into byte accesses of consecutive ports;
//   bytes beyond the chip's two ports read 0xff and are not written.
// - An INTA for a master line marked as cascaded in ICW3 where no slave
//   answers (the slave is on IR2 and answers to its ICW3 ID) reads 0xff, the
//   idle data bus.
import { type IoBus, type InterruptSource, type PortDevice } from '../runtime/index.js';
import { checkStateVersion, type Device, type DeviceState, type IrqSink } from './device.js';
import { UserError } from './errors.js';

export const PIC_MASTER_PORT = 0x20;
export const PIC_SLAVE_PORT = 0xa0;
export const ELCR_PORT = 0x4d0;
/** The master's input that the slave's INT output drives. */
export const PIC_CASCADE_IRQ = 2;

/** ELCR bits that can be set: IRQ 0, 1, 2 (master) and 8, 13 (slave) stay edge-triggered. */
const ELCR_WRITABLE = [0xf8, 0xde] as const;

const ICW1_IC4 = 0x01;
const ICW1_SNGL = 0x02;
const ICW1_LTIM = 0x08;
const ICW4_AEOI = 0x02;
const ICW4_SFNM = 0x10;

/** Where a chip is in its initialization sequence. */
const enum Step {
  Ready = 0,
  Icw2 = 2,
  Icw3 = 3,
  Icw4 = 4,
}

/** The state of one 8259A (every register and latch). */
export interface PicChipState {
  /** Levels of the eight IR inputs (bit n = IRn high). */
  lines: number;
  irr: number;
  isr: number;
  imr: number;
  /** This chip's ELCR byte (bits set = level-triggered). */
  elcr: number;
  /** 0 when ready for OCWs, else the ICW (2, 3, 4) the next odd-port write is. */
  initStep: number;
  icw1: number;
  icw2: number;
  icw3: number;
  icw4: number;
  /** The line with the lowest priority (7 unless rotated). */
  lowestPriority: number;
  /** OCW3 RR/RIS: the even port reads ISR (true) or IRR (false). */
  readIsr: boolean;
  /** OCW3 P: the next read is a poll. */
  poll: boolean;
  specialMask: boolean;
  rotateInAutoEoi: boolean;
}

export interface PicState extends DeviceState {
  version: 1;
  master: PicChipState;
  slave: PicChipState;
}

/** One 8259A. */
class Chip {
  lines = 0;
  irr = 0;
  isr = 0;
  imr = 0;
  elcr = 0;
  initStep: Step = Step.Ready;
  icw1 = 0;
  icw2 = 0;
  icw3 = 0;
  icw4 = 0;
  lowestPriority = 7;
  readIsr = false;
  poll = false;
  specialMask = false;
  rotateInAutoEoi = false;

  /**
   * @param cascadeLevel inputs that are always level-triggered (the master's IR2, driven by the slave's INT)
   */
  constructor(readonly isMaster: boolean, private readonly cascadeLevel: number) {}

  /** Power-on state (see the file comment). */
  reset(icw2: number, icw3: number): void {
    this.elcr = 0;
    this.initialize(0x11);
    this.icw2 = icw2;
    this.icw3 = icw3;
    this.icw4 = 0x01;
    this.initStep = Step.Ready;
  }

  /** Inputs whose requests follow the input level. */
  levelLines(): number {
    return (this.icw1 & ICW1_LTIM ? 0xff : this.elcr) | this.cascadeLevel;
  }

  /** The datasheet's effects of ICW1 (plus ISR, poll and rotate-in-AEOI cleared). */
  initialize(icw1: number): void {
    this.icw1 = icw1;
    this.initStep = Step.Icw2;
    if (!(icw1 & ICW1_IC4)) this.icw4 = 0;
    this.imr = 0;
    this.isr = 0;
    this.lowestPriority = 7;
    this.readIsr = false;
    this.poll = false;
    this.specialMask = false;
    this.rotateInAutoEoi = false;
    // The edge sense latches are reset: an edge input must rise again.
    this.irr = this.lines & this.levelLines();
  }

  /** Changes one IR input level. */
  setLine(line: number, high: boolean): void {
    const bit = 1 << line;
    if (high) {
      const rising = (this.lines & bit) === 0;
      this.lines |= bit;
      if (rising || (this.levelLines() & bit)) this.irr |= bit;
    } else {
      // An edge request must stay high until INTA; a level request follows the input.
      this.lines &= ~bit;
      this.irr &= ~bit;
    }
  }

  setElcr(value: number, writable: number): void {
    this.elcr = value & writable;
    // Inputs now level-triggered request while high; edge inputs keep a latched request.
    const level = this.levelLines();
    this.irr = (this.irr & ~level) | (this.lines & level);
  }

  private singleMode(): boolean { return (this.icw1 & ICW1_SNGL) !== 0; }

  /** Master lines with a slave behind them (ICW3), in cascade mode. */
  slaveLines(): number {
    return this.isMaster && !this.singleMode() ? this.icw3 & 0xff : 0;
  }

  /** Whether this chip, as a slave, answers the master's cascade address `line`. */
  answersCascade(line: number): boolean {
    return !this.isMaster && !this.singleMode() && (this.icw3 & 7) === line;
  }

  /** In-service bits that block lower priorities (special mask mode ignores masked ones). */
  private blockingIsr(): number {
    return this.specialMask ? this.isr & ~this.imr : this.isr;
  }

  /** The line the priority resolver would deliver now, or -1 (this is also the INT output). */
  resolve(): number {
    const requests = this.irr & ~this.imr;
    if (requests === 0) return -1;
    const blocking = this.blockingIsr();
    // Special fully nested mode: a slave's own in-service bit does not lock out its further (higher) requests.
    const nested = this.icw4 & ICW4_SFNM ? this.slaveLines() : 0;
    for (let i = 1; i <= 8; i++) {
      const line = (this.lowestPriority + i) & 7;
      const bit = 1 << line;
      const inService = (blocking & bit) !== 0;
      if ((requests & bit) && (!inService || (nested & bit))) return line;
      if (inService) return -1;
    }
    return -1;
  }

  /** The highest-priority in-service line, as a non-specific EOI sees it, or -1. */
  private highestInService(): number {
    const isr = this.blockingIsr();
    for (let i = 1; i <= 8; i++) {
      const line = (this.lowestPriority + i) & 7;
      if (isr & (1 << line)) return line;
    }
    return -1;
  }

  /** The chip's part of INTA (or a poll): returns the line acknowledged, or -1 when nothing was requested. */
  acknowledge(): number {
    const line = this.resolve();
    if (line < 0) return -1;
    const bit = 1 << line;
    if (!(this.levelLines() & bit)) this.irr &= ~bit; // the edge latch is consumed
    if (this.icw4 & ICW4_AEOI) {
      if (this.rotateInAutoEoi) this.lowestPriority = line;
    } else {
      this.isr |= bit;
    }
    return line;
  }

  vector(line: number): number {
    return (this.icw2 & 0xf8) | line;
  }

  /** A read of port A0 = `a0` (0 even, 1 odd). */
  read(a0: number): number {
    if (this.poll) {
      this.poll = false;
      const line = this.acknowledge();
      return line < 0 ? 0 : 0x80 | line;
    }
    if (a0) return this.imr;
    return this.readIsr ? this.isr : this.irr;
  }

  write(a0: number, v: number): void {
    if (!a0) {
      if (v & 0x10) this.initialize(v);
      else if (v & 0x08) this.ocw3(v);
      else this.ocw2(v);
      return;
    }
    switch (this.initStep) {
      case Step.Icw2:
        this.icw2 = v;
        this.initStep = this.singleMode() ? this.afterIcw3() : Step.Icw3;
        return;
      case Step.Icw3:
        this.icw3 = v;
        this.initStep = this.afterIcw3();
        return;
      case Step.Icw4:
        this.icw4 = v;
        this.initStep = Step.Ready;
        return;
      case Step.Ready:
        this.imr = v; // OCW1
        return;
    }
  }

  private afterIcw3(): Step {
    return this.icw1 & ICW1_IC4 ? Step.Icw4 : Step.Ready;
  }

  /** OCW2: R SL EOI 0 0 L2 L1 L0. */
  private ocw2(v: number): void {
    const level = v & 7;
    switch (v >> 5) {
      case 0b001: { // non-specific EOI
        const line = this.highestInService();
        if (line >= 0) this.isr &= ~(1 << line);
        return;
      }
      case 0b011: // specific EOI
        this.isr &= ~(1 << level);
        return;
      case 0b101: { // rotate on non-specific EOI
        const line = this.highestInService();
        if (line >= 0) {
          this.isr &= ~(1 << line);
          this.lowestPriority = line;
        }
        return;
      }
      case 0b100: // rotate in automatic EOI mode (set)
        this.rotateInAutoEoi = true;
        return;
      case 0b000: // rotate in automatic EOI mode (clear)
        this.rotateInAutoEoi = false;
        return;
      case 0b111: // rotate on specific EOI
        this.isr &= ~(1 << level);
        this.lowestPriority = level;
        return;
      case 0b110: // set priority
        this.lowestPriority = level;
        return;
      default: // 0b010: no operation
        return;
    }
  }

  /** OCW3: 0 ESMM SMM 0 1 P RR RIS. */
  private ocw3(v: number): void {
    if (v & 0x40) this.specialMask = (v & 0x20) !== 0;
    if (v & 0x04) this.poll = true;
    if (v & 0x02) this.readIsr = (v & 0x01) !== 0;
  }

  save(): PicChipState {
    return {
      lines: this.lines, irr: this.irr, isr: this.isr, imr: this.imr, elcr: this.elcr,
      initStep: this.initStep, icw1: this.icw1, icw2: this.icw2, icw3: this.icw3, icw4: this.icw4,
      lowestPriority: this.lowestPriority, readIsr: this.readIsr, poll: this.poll,
      specialMask: this.specialMask, rotateInAutoEoi: this.rotateInAutoEoi,
    };
  }

  /** Validates a saved chip state; returns the function that applies it (so nothing changes unless both chips are valid). */
  prepareLoad(s: PicChipState, where: string): () => void {
    const byte = (field: keyof PicChipState, max = 0xff): number => {
      const v = s?.[field];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) {
        throw new UserError(`snapshot: device pic state field ${where}.${field} is ${JSON.stringify(v)}, expected an integer 0..${max}`);
      }
      return v;
    };
    const flag = (field: keyof PicChipState): boolean => {
      const v = s?.[field];
      if (typeof v !== 'boolean') throw new UserError(`snapshot: device pic state field ${where}.${field} is ${JSON.stringify(v)}, expected a boolean`);
      return v;
    };
    const step = byte('initStep', 4);
    if (step === 1) throw new UserError(`snapshot: device pic state field ${where}.initStep is 1, expected 0, 2, 3 or 4`);
    // Validate everything before changing anything.
    const next = {
      lines: byte('lines'), irr: byte('irr'), isr: byte('isr'), imr: byte('imr'), elcr: byte('elcr'),
      icw1: byte('icw1'), icw2: byte('icw2'), icw3: byte('icw3'), icw4: byte('icw4'),
      lowestPriority: byte('lowestPriority', 7), readIsr: flag('readIsr'), poll: flag('poll'),
      specialMask: flag('specialMask'), rotateInAutoEoi: flag('rotateInAutoEoi'),
    };
    return (): void => {
      Object.assign(this, next);
      this.initStep = step as Step;
    };
  }
}

/**
 * The 8259A pair of a PC, with PIIX's ELCR. Devices drive IRQ lines through
 * setIrq(); the execution loop asks pending() between blocks and takes the
 * vector from acknowledge(); onIntr reports every change of the INTR output.
 */
export class Pic implements Device<PicState>, IrqSink, InterruptSource {
  readonly name = 'pic';
  /** Called whenever the INTR output to the CPU changes (never when it stays the same). */
  onIntr: (level: boolean) => void = () => {};
  private readonly master = new Chip(true, 1 << PIC_CASCADE_IRQ);
  private readonly slave = new Chip(false, 0);
  /** The INTR output as last reported (a function of the registers, kept current after every change). */
  private intr = false;

  constructor() {
    this.master.reset(0x08, 0x04);
    this.slave.reset(0x70, 0x02);
  }

  /** Claims the master's, the slave's and the ELCR ports. */
  attach(io: IoBus): void {
    io.register(PIC_MASTER_PORT, 2, this.chipPorts(this.master, PIC_MASTER_PORT));
    io.register(PIC_SLAVE_PORT, 2, this.chipPorts(this.slave, PIC_SLAVE_PORT));
    io.register(ELCR_PORT, 2, {
      read: (port, size) => bytesRead(port, size, ELCR_PORT, (i) => (i ? this.slave : this.master).elcr),
      write: (port, size, value) => bytesWrite(port, size, value, ELCR_PORT, (i, v) => {
        (i ? this.slave : this.master).setElcr(v, ELCR_WRITABLE[i]);
        this.update();
      }),
    });
  }

  private chipPorts(chip: Chip, base: number): PortDevice {
    return {
      read: (port: number, size: number): number => bytesRead(port, size, base, (a0) => {
        const v = chip.read(a0);
        this.update(); // a poll acknowledges
        return v;
      }),
      write: (port: number, size: number, value: number): void => bytesWrite(port, size, value, base, (a0, v) => {
        chip.write(a0, v);
        this.update();
      }),
    };
  }

  setIrq(irq: number, level: boolean): void {
    if (!(Number.isInteger(irq) && irq >= 0 && irq <= 15)) throw new RangeError(`pic: IRQ ${irq} is outside 0..15`);
    if (irq === PIC_CASCADE_IRQ) return; // the cascade input is the slave's INT
    if (irq < 8) this.master.setLine(irq, level);
    else this.slave.setLine(irq - 8, level);
    this.update();
  }

  pending(): boolean {
    return this.intr;
  }

  /** The INTA sequence: the vector of the highest-priority request, or a spurious IRQ7/IRQ15 vector. */
  acknowledge(): number {
    const master = this.master, slave = this.slave;
    const line = master.acknowledge();
    let vector: number;
    if (line < 0) {
      vector = master.vector(7); // spurious: no ISR bit is set
    } else if (master.slaveLines() & (1 << line)) {
      if (line === PIC_CASCADE_IRQ && slave.answersCascade(line)) {
        const sline = slave.acknowledge();
        // Spurious IRQ15: the master's ISR2 stays set, the slave's ISR7 does not.
        vector = slave.vector(sline < 0 ? 7 : sline);
      } else {
        vector = 0xff; // no slave drives the data bus
      }
    } else {
      vector = master.vector(line);
    }
    this.update();
    return vector;
  }

  reset(): void {
    this.master.reset(0x08, 0x04);
    this.slave.reset(0x70, 0x02);
    this.update();
  }

  save(): PicState {
    return { version: 1, master: this.master.save(), slave: this.slave.save() };
  }

  load(state: PicState): void {
    checkStateVersion(this.name, state, 1);
    const applyMaster = this.master.prepareLoad(state.master, 'master');
    const applySlave = this.slave.prepareLoad(state.slave, 'slave');
    applyMaster();
    applySlave();
    this.update();
  }

  /** Propagates the slave's INT to the master's IR2 and the master's INT to the CPU. */
  private update(): void {
    this.master.setLine(PIC_CASCADE_IRQ, this.slave.resolve() >= 0);
    const intr = this.master.resolve() >= 0;
    if (intr !== this.intr) {
      this.intr = intr;
      this.onIntr(intr);
    }
  }
}

/** A `size`-byte read from `port` as byte reads of the two ports at `base` (0xff beyond them). */
function bytesRead(port: number, size: number, base: number, readByte: (index: number) => number): number {
  let value = 0;
  for (let i = 0; i < size; i++) {
    const index = port + i - base;
    const b = index >= 0 && index < 2 ? readByte(index) & 0xff : 0xff;
    value |= b << (8 * i);
  }
  return size === 4 ? value | 0 : value;
}

/** A `size`-byte write to `port` as byte writes to the two ports at `base` (bytes beyond them are dropped). */
function bytesWrite(port: number, size: number, value: number, base: number, writeByte: (index: number, v: number) => void): void {
  for (let i = 0; i < size; i++) {
    const index = port + i - base;
    if (index >= 0 && index < 2) writeByte(index, (value >>> (8 * i)) & 0xff);
  }
}
