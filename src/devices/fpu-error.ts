// The PC's FERR# path for x87 errors with CR0.NE clear (the DOS-compatible
// mode): when a waiting x87 instruction finds an unmasked exception pending,
// the FERR# latch drives IRQ 13; a write to port 0xF0 clears it (the
// handler's acknowledgement on AT-class machines). The CPU goes on with the
// instruction, as with IGNNE# asserted. With CR0.NE set (what every
// protected-mode OS uses) the CPU raises #MF instead and this stays idle.
import { type IoBus } from '../runtime/index.js';
import { checkStateVersion, type Device, type DeviceState, type IrqSink } from './device.js';

export const FERR_IRQ = 13;
export const FERR_CLEAR_PORT = 0xf0;

interface FerrState extends DeviceState { asserted: boolean }

export class FpuErrorLatch implements Device<FerrState> {
  readonly name = 'ferr';
  private asserted = false;

  constructor(private readonly irq: IrqSink) {}

  attach(io: IoBus): void {
    io.register(FERR_CLEAR_PORT, 1, {
      read: () => 0xff,
      write: () => this.set(false),
    });
  }

  /** FERR# asserted by the CPU (cpu.onFpuError). */
  signal(): void { this.set(true); }

  private set(on: boolean): void {
    if (on === this.asserted) return;
    this.asserted = on;
    this.irq.setIrq(FERR_IRQ, on);
  }

  reset(): void { this.set(false); }

  save(): FerrState { return { version: 1, asserted: this.asserted }; }

  load(state: FerrState): void {
    checkStateVersion(this.name, state, 1);
    this.asserted = state.asserted === true;
    this.irq.setIrq(FERR_IRQ, this.asserted);
  }
}
