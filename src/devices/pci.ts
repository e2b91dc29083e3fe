// PCI bus 0 through configuration mechanism #1 (CONFIG_ADDRESS at 0xcf8,
// CONFIG_DATA at 0xcfc-0xcff; PCI Local Bus Specification 3.0, 3.2.2.3.2),
// with the two functions a legacy PC chipset shows there, as under QEMU's
// `-M pc`: an i440FX host bridge (00:00.0, 8086:1237) and a PIIX3 PCI-to-ISA
// bridge (00:01.0, 8086:7000). Neither has BARs; their device-specific
// registers (0x40-0xff) hold what software writes, and the rest of the
// header is read-only but for the command register, cache line size, latency
// timer and interrupt line. Every other slot reads as absent (vendor 0xffff).
import { type IoBus } from '../runtime/index.js';
import { checkStateVersion, type Device, type DeviceState } from './device.js';
import { UserError } from './errors.js';

const CONFIG_ADDRESS = 0xcf8;
const CONFIG_DATA = 0xcfc;

export interface PciState extends DeviceState {
  version: 1;
  address: number;
  /** Configuration space of each function, as hex. */
  functions: string[];
}

interface Function {
  /** Bus 0: device << 3 | function. */
  devfn: number;
  config: Uint8Array;
  initial: Uint8Array;
}

/** A type 0 header: IDs, class, header type; command 0x0007 (I/O, memory, bus master), status 0x0200 (medium DEVSEL). */
function header(vendor: number, device: number, classCode: number, revision: number, headerType: number): Uint8Array {
  const c = new Uint8Array(256);
  const dv = new DataView(c.buffer);
  dv.setUint16(0x00, vendor, true);
  dv.setUint16(0x02, device, true);
  dv.setUint16(0x04, 0x0007, true);
  dv.setUint16(0x06, 0x0200, true);
  c[0x08] = revision;
  c[0x09] = classCode & 0xff;
  c[0x0a] = (classCode >> 8) & 0xff;
  c[0x0b] = (classCode >> 16) & 0xff;
  c[0x0e] = headerType;
  return c;
}

/** Which bits of each configuration byte software may write. */
function writableMask(offset: number): number {
  if (offset === 0x04) return 0xff; // command (low byte)
  if (offset === 0x05) return 0x07; // command (high byte: SERR#, fast back-to-back, interrupt disable)
  if (offset === 0x0c || offset === 0x0d || offset === 0x3c) return 0xff; // cache line size, latency timer, interrupt line
  return offset >= 0x40 ? 0xff : 0;
}

export class PciBus implements Device<PciState> {
  readonly name = 'pci';
  private address = 0;
  private readonly functions: Function[];

  constructor() {
    const hostBridge = header(0x8086, 0x1237, 0x060000, 0x02, 0x00);
    // PIIX3 function 0: multi-function header; its IRQ routing registers (PIRQRC, 0x60-0x63) disabled (bit 7), as after reset.
    const isaBridge = header(0x8086, 0x7000, 0x060100, 0x00, 0x80);
    isaBridge.fill(0x80, 0x60, 0x64);
    this.functions = [
      { devfn: 0 << 3, config: hostBridge.slice(), initial: hostBridge },
      { devfn: 1 << 3, config: isaBridge.slice(), initial: isaBridge },
    ];
  }

  attach(io: IoBus): void {
    io.register(CONFIG_ADDRESS, 4, {
      // Only a 32-bit access is CONFIG_ADDRESS; byte and word accesses there are other (absent) registers.
      read: (port, size) => (port === CONFIG_ADDRESS && size === 4 ? this.address : size === 2 ? 0xffff : 0xff),
      write: (port, size, value) => { if (port === CONFIG_ADDRESS && size === 4) this.address = value & 0x80fffffc; },
    });
    io.register(CONFIG_DATA, 4, {
      read: (port, size) => this.readData(port - CONFIG_DATA, size),
      write: (port, size, value) => this.writeData(port - CONFIG_DATA, size, value),
    });
  }

  /** The function CONFIG_ADDRESS selects (enabled, bus 0), or null. */
  private selected(): Function | null {
    if (this.address >= 0) return null; // bit 31 clear: configuration cycles disabled
    if (((this.address >> 16) & 0xff) !== 0) return null;
    const devfn = (this.address >> 8) & 0xff;
    return this.functions.find((f) => f.devfn === devfn) ?? null;
  }

  private readData(offset: number, size: number): number {
    const f = this.selected();
    const reg = (this.address & 0xfc) + offset;
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = (v << 8) | (f && reg + i < 256 ? f.config[reg + i] : 0xff);
    return size === 4 ? v | 0 : v;
  }

  private writeData(offset: number, size: number, value: number): void {
    const f = this.selected();
    if (!f) return;
    const reg = (this.address & 0xfc) + offset;
    for (let i = 0; i < size && reg + i < 256; i++) {
      const mask = writableMask(reg + i);
      f.config[reg + i] = (f.config[reg + i] & ~mask) | ((value >>> (8 * i)) & mask);
    }
  }

  reset(): void {
    this.address = 0;
    for (const f of this.functions) f.config.set(f.initial);
  }

  save(): PciState {
    return { version: 1, address: this.address, functions: this.functions.map((f) => Buffer.from(f.config).toString('hex')) };
  }

  load(state: PciState): void {
    checkStateVersion(this.name, state, 1);
    this.address = state.address | 0;
    this.functions.forEach((f, i) => {
      const hex = state.functions?.[i];
      if (typeof hex !== 'string' || !/^[0-9a-f]{512}$/.test(hex)) throw new UserError(`snapshot: corrupt state of device ${this.name}`);
      f.config.set(Buffer.from(hex, 'hex'));
    });
  }
}
