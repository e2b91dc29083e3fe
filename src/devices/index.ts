export { Machine, type MachineOptions, type RunResult } from './machine.js';
export { UserError } from './errors.js';
export { loadMultiboot, BOOTLOADER_MAGIC } from './multiboot.js';
export { parseElf32 } from './elf.js';
