export { Machine, type MachineOptions, type RunResult, type MachineStop, type MachineStopKind } from './machine.js';
export { VirtualClock, Timer, DEFAULT_ICOUNT_SHIFT } from './clock.js';
export { type Device, type DeviceState, type IrqSink, checkStateVersion } from './device.js';
export { UserError } from './errors.js';
export { loadMultiboot, BOOTLOADER_MAGIC } from './multiboot.js';
export { parseElf32 } from './elf.js';
