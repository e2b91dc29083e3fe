// The keyboard controller and port 0x92 as the kernel uses them: the
// controller's self tests and command byte, a keyboard that acknowledges,
// the aux port's loopback and IRQ 12, an empty aux port that times out,
// the A20 gate (output port bit 1, port 0x92 bit 1) and the reset line
// (command 0xFE, port 0x92 bit 0): a reset restarts the machine, or with
// --no-reboot ends the run.
import { describe, expect, it } from 'vitest';
import { Machine } from '../src/devices/index.js';
import { multibootKernel } from './support/elf.js';

function machine(noReboot = true): Machine {
  return new Machine({ memoryMiB: 8, serialOut: () => {}, noReboot });
}

describe('i8042 and port 0x92', () => {
  it('answers the controller commands the kernel sends', () => {
    const m = machine(), io = m.io;
    const cmd = (c: number) => io.write(0x64, 1, c);
    const read = () => io.read(0x60, 1);
    expect(io.read(0x64, 1) & 0x01).toBe(0); // output buffer empty
    cmd(0xaa);
    expect(io.read(0x64, 1) & 0x01).toBe(1);
    expect(read()).toBe(0x55); // self test passed
    cmd(0x20);
    const ccb = read();
    cmd(0x60); io.write(0x60, 1, ccb & ~0x01); // keyboard interrupt off
    cmd(0x20);
    expect(read()).toBe(ccb & ~0x01);
    io.write(0x60, 1, 0xff); // keyboard reset: ACK, then self test passed
    expect([read(), read()]).toEqual([0xfa, 0xaa]);
    io.write(0x60, 1, 0xf2); // identify: an MF2 keyboard
    expect([read(), read(), read()]).toEqual([0xfa, 0xab, 0x83]);
  });

  it('loops a byte back through the aux port, flagged as aux data, on IRQ 12 when enabled', () => {
    // Linux's i8042_check_aux: without the loopback it waits 10000 x 50 us for the byte, then probes on.
    const m = machine(), io = m.io;
    const irqs: Array<[number, boolean]> = [];
    const setIrq = m.pic.setIrq.bind(m.pic);
    m.pic.setIrq = (irq, level) => { irqs.push([irq, level]); setIrq(irq, level); };
    io.write(0x64, 1, 0xd3); io.write(0x60, 1, 0x5a);
    expect(io.read(0x64, 1) & 0x21).toBe(0x21); // output buffer full, from the aux port
    expect(irqs.some(([irq, level]) => irq === 12 && level)).toBe(false); // aux interrupt off in the command byte
    expect(io.read(0x60, 1)).toBe(0x5a);
    expect(io.read(0x64, 1) & 0x21).toBe(0);
    io.write(0x64, 1, 0x20);
    const ccb = io.read(0x60, 1);
    io.write(0x64, 1, 0x60); io.write(0x60, 1, ccb | 0x02); // aux interrupt on
    irqs.length = 0;
    io.write(0x64, 1, 0xd3); io.write(0x60, 1, 0xa5);
    expect(irqs).toContainEqual([12, true]);
    expect(irqs).not.toContainEqual([1, true]);
    expect(io.read(0x60, 1)).toBe(0xa5);
    expect(irqs.at(-1)).toEqual([12, false]);
  });

  it('reports a timeout for a byte sent to the aux port, where no mouse is plugged in', () => {
    const m = machine(), io = m.io;
    io.write(0x64, 1, 0xd4); io.write(0x60, 1, 0xf2); // to the aux device: identify
    expect(io.read(0x64, 1) & 0x61).toBe(0x61); // full, aux, timeout
    expect(io.read(0x60, 1)).toBe(0xfe);
    expect(io.read(0x64, 1) & 0x61).toBe(0);
  });

  it('keeps aux bytes in its saved state and reads the state of an older version', () => {
    const m = machine(), io = m.io;
    io.write(0x64, 1, 0xd3); io.write(0x60, 1, 0x33);
    const saved = m.kbc.save();
    const m2 = machine();
    m2.kbc.load(saved);
    expect(m2.io.read(0x64, 1) & 0x21).toBe(0x21);
    expect(m2.io.read(0x60, 1)).toBe(0x33);
    m2.kbc.load({ ...saved, version: 1, out: [0x44] });
    expect(m2.io.read(0x64, 1) & 0x21).toBe(0x01); // a keyboard byte
    expect(m2.io.read(0x60, 1)).toBe(0x44);
    expect(() => m2.kbc.load({ ...saved, version: 3 })).toThrow(/version 3/);
  });

  it('drives A20 from the output port and port 0x92 (the gate is open when either opens it)', () => {
    const m = machine();
    expect(m.mem.a20).toBe(true);
    m.io.write(0x64, 1, 0xd1); m.io.write(0x60, 1, 0x01); // output port: A20 off, reset line high
    expect(m.mem.a20).toBe(true); // port 0x92 still has it open
    m.io.write(0x92, 1, 0x00);
    expect(m.mem.a20).toBe(false);
    expect(m.mem.translate(0x300004)).toBe(0x200004); // bit 20 forced to 0
    m.io.write(0x92, 1, 0x02);
    expect(m.mem.a20).toBe(true);
    expect(m.mem.translate(0x300004)).toBe(0x300004);
    m.io.write(0x92, 1, 0x00);
    m.io.write(0x64, 1, 0xd1); m.io.write(0x60, 1, 0x03);
    expect(m.mem.a20).toBe(true);
  });

  // mov al, 0xfe; out 0x64, al; then an isa-debug-exit that must not be reached.
  const RESET = [0xb0, 0xfe, 0xe6, 0x64, 0xb8, 0x07, 0, 0, 0, 0xe7, 0xf4, 0xf4];

  it('command 0xFE with --no-reboot ends the run, saying so', () => {
    const m = machine(true);
    m.loadMultiboot('kbc', multibootKernel(RESET), '');
    const r = m.run();
    expect(r.status).toBe(0);
    expect(r.message).toMatch(/reset the machine/);
    expect(m.resets).toBe(0);
  });

  it('command 0xFE restarts the machine otherwise (the kernel loaded again)', () => {
    const m = machine(false);
    m.loadMultiboot('kbc', multibootKernel(RESET), '');
    const r = m.run(10_000);
    expect(r.message).toMatch(/stopped at icount 10000/);
    expect(m.resets).toBeGreaterThan(100); // it resets, boots, resets...
  });
});
