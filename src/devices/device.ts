// What every device of the machine provides: reset, and save/load of its
// whole state as a plain, versioned, JSON-able object (for snapshots).
import { UserError } from './errors.js';

export interface DeviceState {
  version: number;
}

export interface Device<S extends DeviceState = DeviceState> {
  /** Unique within the machine: the key of its state in a snapshot. */
  readonly name: string;
  reset(): void;
  save(): S;
  /** Restores a state from save(); throws UserError on an unknown version. */
  load(state: S): void;
}

/** Where devices send interrupt requests: the PIC pair (IRQ 0-15). */
export interface IrqSink {
  /** Sets the level of an IRQ line; edge-triggered inputs react to a rising edge. */
  setIrq(irq: number, level: boolean): void;
}

export function checkStateVersion(device: string, state: DeviceState, version: number): void {
  if (!state || typeof state !== 'object' || state.version !== version) {
    throw new UserError(`snapshot: device ${device} state has version ${state?.version}, this rewind86 reads version ${version}`);
  }
}
