// The PCI configuration mechanism #1 (src/devices/pci.ts) through the
// machine's I/O ports, as Linux's pci_check_type1 and bus scan use it.
import { describe, expect, it } from 'vitest';
import { Machine, UserError } from '../src/devices/index.js';

function machine() {
  return new Machine({ memoryMiB: 2, serialOut: () => {} });
}

const addr = (dev: number, fn: number, reg: number, bus = 0) => (0x80000000 | (bus << 16) | (dev << 11) | (fn << 8) | reg) | 0;

function readConfig(m: Machine, dev: number, fn: number, reg: number, size = 4, bus = 0): number {
  m.io.write(0xcf8, 4, addr(dev, fn, reg & 0xfc, bus));
  return m.io.read(0xcfc + (reg & 3), size);
}

function writeConfig(m: Machine, dev: number, fn: number, reg: number, size: number, value: number): void {
  m.io.write(0xcf8, 4, addr(dev, fn, reg & 0xfc));
  m.io.write(0xcfc + (reg & 3), size, value);
}

describe('PCI configuration mechanism #1', () => {
  it('CONFIG_ADDRESS reads back what a 32-bit write put there (Linux pci_check_type1), low two bits and reserved bits clear', () => {
    const m = machine();
    m.io.write(0xcfb, 1, 0x01); // a byte write there is not CONFIG_ADDRESS
    m.io.write(0xcf8, 4, 0x80000000 | 0);
    expect(m.io.read(0xcf8, 4) >>> 0).toBe(0x80000000);
    m.io.write(0xcf8, 4, 0x8f123457 | 0);
    expect(m.io.read(0xcf8, 4) >>> 0).toBe(0x80123454);
    expect(m.io.read(0xcf8, 1)).toBe(0xff);
  });

  it('bus 0 holds an i440FX host bridge at 00:00.0 and a PIIX3 ISA bridge at 00:01.0; every other slot is absent', () => {
    const m = machine();
    expect(readConfig(m, 0, 0, 0) >>> 0).toBe(0x12378086);
    expect(readConfig(m, 0, 0, 8) >>> 8).toBe(0x060000); // class: host bridge
    expect(readConfig(m, 1, 0, 0) >>> 0).toBe(0x70008086);
    expect(readConfig(m, 1, 0, 8) >>> 8).toBe(0x060100); // class: ISA bridge
    expect(readConfig(m, 1, 0, 0x0e, 1)).toBe(0x80); // multi-function header
    for (const [dev, fn, bus] of [[2, 0, 0], [1, 1, 0], [31, 7, 0], [0, 0, 1]]) {
      expect(readConfig(m, dev!, fn!, 0, 4, bus) >>> 0, `${bus}:${dev}.${fn}`).toBe(0xffffffff);
    }
    // With bit 31 clear, no configuration cycle: all ones.
    m.io.write(0xcf8, 4, 0);
    expect(m.io.read(0xcfc, 4)).toBe(-1);
    // Byte and word reads of the data port at an offset.
    expect(readConfig(m, 1, 0, 2, 2)).toBe(0x7000);
    expect(readConfig(m, 1, 0, 1, 1)).toBe(0x80);
  });

  it('writes reach only the writable registers: command, latency timer, interrupt line, device-specific space', () => {
    const m = machine();
    writeConfig(m, 1, 0, 0, 4, 0x12345678); // IDs are read-only
    expect(readConfig(m, 1, 0, 0) >>> 0).toBe(0x70008086);
    writeConfig(m, 1, 0, 0x3c, 1, 0x0b);
    writeConfig(m, 1, 0, 0x0d, 1, 0x40);
    writeConfig(m, 1, 0, 0x82, 1, 0x02); // PIIX3 DLC (Linux's passive-release quirk)
    writeConfig(m, 1, 0, 0x10, 4, -1); // no BARs
    expect(readConfig(m, 1, 0, 0x3c, 1)).toBe(0x0b);
    expect(readConfig(m, 1, 0, 0x0d, 1)).toBe(0x40);
    expect(readConfig(m, 1, 0, 0x82, 1)).toBe(0x02);
    expect(readConfig(m, 1, 0, 0x10)).toBe(0);
    // The other function kept its own space.
    expect(readConfig(m, 0, 0, 0x3c, 1)).toBe(0);
  });

  it('reset restores the power-on configuration; save and load carry it; a corrupt state is a UserError', () => {
    const m = machine();
    writeConfig(m, 0, 0, 0x59, 1, 0x30); // an i440FX PAM register
    const state = m.pci.save();
    const n = machine();
    n.pci.load(JSON.parse(JSON.stringify(state)));
    expect(readConfig(n, 0, 0, 0x59, 1)).toBe(0x30);
    n.pci.reset();
    expect(n.io.read(0xcf8, 4)).toBe(0);
    expect(readConfig(n, 0, 0, 0x59, 1)).toBe(0);
    expect(() => n.pci.load({ ...state, functions: ['zz'] })).toThrow(UserError);
    expect(() => n.pci.load({ ...state, version: 2 } as never)).toThrow(UserError);
  });
});
