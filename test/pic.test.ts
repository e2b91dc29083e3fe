// The 8259A pair (src/devices/pic.ts), driven through its ports on an IoBus
// the way a guest drives it, with devices' IRQ lines set by setIrq() and the
// CPU's side played by pending()/acknowledge().
import { describe, expect, it } from 'vitest';
import { Pic, type PicState } from '../src/devices/pic.js';
import { UserError } from '../src/devices/errors.js';
import { IoBus } from '../src/runtime/index.js';

interface Rig {
  pic: Pic;
  io: IoBus;
  /** Every INTR level onIntr reported, in order. */
  intr: boolean[];
  out(port: number, value: number): void;
  inb(port: number): number;
}

function rig(pic = new Pic()): Rig {
  const io = new IoBus();
  pic.attach(io);
  const intr: boolean[] = [];
  pic.onIntr = (level) => intr.push(level);
  return {
    pic, io, intr,
    out: (port, value) => io.write(port, 1, value),
    inb: (port) => io.read(port, 1),
  };
}

/** Linux's init_8259A: vectors 0x20 / 0x28, slave on IR2, 8086 mode (ICW4 may add AEOI or SFNM). */
function linuxInit(r: Rig, icw4Master = 0x01, icw4Slave = 0x01): void {
  r.out(0x21, 0xff);
  r.out(0xa1, 0xff);
  r.out(0x20, 0x11); r.out(0x21, 0x20); r.out(0x21, 0x04); r.out(0x21, icw4Master);
  r.out(0xa0, 0x11); r.out(0xa1, 0x28); r.out(0xa1, 0x02); r.out(0xa1, icw4Slave);
  r.out(0x21, 0x00);
  r.out(0xa1, 0x00);
}

function linux(icw4Master = 0x01, icw4Slave = 0x01): Rig {
  const r = rig();
  linuxInit(r, icw4Master, icw4Slave);
  return r;
}

/** Raises and holds an edge-triggered line (a rising edge). */
function edge(r: Rig, irq: number): void {
  r.pic.setIrq(irq, false);
  r.pic.setIrq(irq, true);
}

function isr(r: Rig, base: number): number {
  r.out(base, 0x0b);
  const v = r.inb(base);
  r.out(base, 0x0a);
  return v;
}

const EOI = 0x20;

describe('initialization and acknowledge', () => {
  it('delivers IRQ0 as vector 0x20 after a Linux-style init and holds a second edge until EOI', () => {
    const r = linux();
    expect(r.pic.pending()).toBe(false);
    r.pic.setIrq(0, true);
    expect(r.pic.pending()).toBe(true);
    expect(r.pic.acknowledge()).toBe(0x20);
    expect(isr(r, 0x20)).toBe(0x01);
    expect(r.pic.pending()).toBe(false);
    // A second edge while IRQ0 is in service: latched in IRR, held off by ISR0.
    r.pic.setIrq(0, false);
    r.pic.setIrq(0, true);
    expect(r.inb(0x20)).toBe(0x01); // IRR
    expect(r.pic.pending()).toBe(false);
    r.out(0x20, EOI);
    expect(isr(r, 0x20)).toBe(0);
    expect(r.pic.pending()).toBe(true);
    expect(r.pic.acknowledge()).toBe(0x20);
  });

  it('needs a new rising edge: a line held high requests once', () => {
    const r = linux();
    r.pic.setIrq(4, true);
    expect(r.pic.acknowledge()).toBe(0x24);
    r.out(0x20, EOI);
    r.pic.setIrq(4, true); // still high: no edge
    expect(r.pic.pending()).toBe(false);
    r.pic.setIrq(4, false);
    r.pic.setIrq(4, true);
    expect(r.pic.pending()).toBe(true);
    expect(r.pic.acknowledge()).toBe(0x24);
  });

  it('resets the edge sense on ICW1: a line high during init must rise again', () => {
    const r = rig();
    r.pic.setIrq(1, true);
    linuxInit(r);
    expect(r.pic.pending()).toBe(false);
    expect(r.inb(0x20)).toBe(0);
    edge(r, 1);
    expect(r.pic.acknowledge()).toBe(0x21);
  });

  it('takes ICW2 and ICW4 without ICW3 in single mode, and stops after ICW3 without IC4', () => {
    const r = rig();
    r.out(0x20, 0x13); r.out(0x21, 0x40); r.out(0x21, 0x01); // single, IC4
    r.out(0x21, 0xfe); // OCW1
    expect(r.inb(0x21)).toBe(0xfe);
    r.pic.setIrq(0, true);
    expect(r.pic.acknowledge()).toBe(0x40);

    const s = rig();
    s.out(0x20, 0x10); s.out(0x21, 0x50); s.out(0x21, 0x04); // cascade, no ICW4
    s.out(0x21, 0x12); // OCW1 already
    expect(s.inb(0x21)).toBe(0x12);

    // ICW1 without IC4 clears every ICW4 function: auto-EOI set before is gone.
    const t = linux(0x03);
    t.out(0x20, 0x10); t.out(0x21, 0x20); t.out(0x21, 0x04);
    t.pic.setIrq(6, true);
    expect(t.pic.acknowledge()).toBe(0x26);
    expect(isr(t, 0x20)).toBe(0x40);
  });

  it('starts as a PC BIOS leaves it: vectors 0x08 / 0x70, IMR 0, ready for OCW1', () => {
    const r = rig();
    expect(r.inb(0x21)).toBe(0);
    expect(r.inb(0xa1)).toBe(0);
    r.pic.setIrq(0, true);
    expect(r.pic.acknowledge()).toBe(0x08);
    r.pic.setIrq(8, true);
    r.out(0x20, EOI);
    expect(r.pic.acknowledge()).toBe(0x70);
    // Linux's PIC probe: an IMR write before any ICW reads back.
    r.out(0x21, 0xa5);
    expect(r.inb(0x21)).toBe(0xa5);
    r.out(0x20, EOI);
    r.out(0xa0, EOI);
    r.pic.reset();
    expect(r.inb(0x21)).toBe(0);
    expect(isr(r, 0x20)).toBe(0);
    expect(r.pic.pending()).toBe(false);
  });

  it('ignores IRQ2 (the cascade input) and rejects lines outside 0..15', () => {
    const r = linux();
    r.pic.setIrq(2, true);
    expect(r.pic.pending()).toBe(false);
    expect(() => r.pic.setIrq(16, true)).toThrow(RangeError);
    expect(() => r.pic.setIrq(-1, true)).toThrow(RangeError);
  });

  it('reads 0xff from the data bus when ICW3 names a slave that does not answer', () => {
    const r = rig();
    linuxInit(r);
    r.out(0xa0, 0x11); r.out(0xa1, 0x28); r.out(0xa1, 0x05); r.out(0xa1, 0x01); // slave ID 5, master cascades IR2
    r.out(0xa1, 0);
    r.pic.setIrq(9, true);
    expect(r.pic.pending()).toBe(true);
    expect(r.pic.acknowledge()).toBe(0xff);
  });
});

describe('priority and masking', () => {
  it('serves IRQ1 before IRQ3, and IRQ3 only after IRQ1 ends', () => {
    const r = linux();
    r.pic.setIrq(3, true);
    r.pic.setIrq(1, true);
    expect(r.pic.acknowledge()).toBe(0x21);
    expect(r.pic.pending()).toBe(false); // IRQ3 is lower than IRQ1 in service
    r.out(0x20, EOI);
    expect(r.pic.acknowledge()).toBe(0x23);
  });

  it('places the slave IRQ8-15 between IRQ1 and IRQ3 (through IRQ2)', () => {
    const r = linux();
    r.pic.setIrq(3, true);
    r.pic.setIrq(10, true);
    r.pic.setIrq(1, true);
    r.pic.setIrq(12, true);
    expect(r.pic.acknowledge()).toBe(0x21);
    r.out(0x20, EOI);
    expect(r.pic.acknowledge()).toBe(0x2a);
    expect(isr(r, 0x20)).toBe(0x04);
    expect(isr(r, 0xa0)).toBe(0x04);
    expect(r.pic.pending()).toBe(false); // IRQ12 below IRQ10 on the slave, IRQ3 below IRQ2 on the master
    r.out(0xa0, EOI);
    expect(r.pic.pending()).toBe(false); // master ISR2 still holds the slave and IRQ3
    r.out(0x20, EOI);
    expect(r.pic.acknowledge()).toBe(0x2c);
    r.out(0xa0, EOI);
    r.out(0x20, EOI);
    expect(r.pic.acknowledge()).toBe(0x23);
  });

  it('lets a higher master line nest inside a slave interrupt', () => {
    const r = linux();
    r.pic.setIrq(10, true);
    expect(r.pic.acknowledge()).toBe(0x2a);
    r.pic.setIrq(1, true);
    expect(r.pic.pending()).toBe(true);
    expect(r.pic.acknowledge()).toBe(0x21);
    expect(isr(r, 0x20)).toBe(0x06);
  });

  it('masks lines with IMR (and the whole slave with master IMR bit 2) without losing the request', () => {
    const r = linux();
    r.out(0x21, 0x01);
    r.pic.setIrq(0, true);
    expect(r.pic.pending()).toBe(false);
    expect(r.inb(0x20)).toBe(0x01); // IRR still holds it
    r.out(0x21, 0x04);
    expect(r.pic.pending()).toBe(true);
    expect(r.pic.acknowledge()).toBe(0x20);
    r.out(0x20, EOI);
    r.pic.setIrq(14, true);
    expect(r.pic.pending()).toBe(false);
    expect(r.inb(0xa0)).toBe(0x40);
    r.out(0xa1, 0x40);
    r.out(0x21, 0x00);
    expect(r.pic.pending()).toBe(false);
    r.out(0xa1, 0x00);
    expect(r.pic.pending()).toBe(true);
    expect(r.pic.acknowledge()).toBe(0x2e);
    expect(r.inb(0x21)).toBe(0x00);
  });
});

describe('end of interrupt', () => {
  it('clears the highest in-service level with a non-specific EOI and a named one with a specific EOI', () => {
    const r = linux();
    r.pic.setIrq(5, true);
    expect(r.pic.acknowledge()).toBe(0x25);
    r.pic.setIrq(3, true);
    expect(r.pic.acknowledge()).toBe(0x23);
    r.pic.setIrq(1, true);
    expect(r.pic.acknowledge()).toBe(0x21);
    expect(isr(r, 0x20)).toBe(0x2a);
    r.out(0x20, 0x63); // specific EOI, level 3
    expect(isr(r, 0x20)).toBe(0x22);
    r.out(0x20, EOI); // non-specific: the highest, IRQ1
    expect(isr(r, 0x20)).toBe(0x20);
    r.out(0x20, EOI);
    expect(isr(r, 0x20)).toBe(0);
    r.out(0x20, EOI); // nothing in service: no effect
    expect(isr(r, 0x20)).toBe(0);
  });

  it('sets no ISR bit in auto-EOI mode', () => {
    const r = linux(0x03, 0x03);
    r.pic.setIrq(0, true);
    r.pic.setIrq(9, true);
    expect(r.pic.acknowledge()).toBe(0x20);
    expect(isr(r, 0x20)).toBe(0);
    expect(r.pic.pending()).toBe(true);
    expect(r.pic.acknowledge()).toBe(0x29);
    expect(isr(r, 0x20)).toBe(0);
    expect(isr(r, 0xa0)).toBe(0);
    r.pic.setIrq(9, false);
    r.pic.setIrq(9, true);
    expect(r.pic.acknowledge()).toBe(0x29);
  });

  it('keeps delivering slave requests in auto-EOI while the slave INT stays high', () => {
    const r = linux(0x03, 0x03);
    r.pic.setIrq(9, true);
    r.pic.setIrq(11, true);
    expect(r.pic.acknowledge()).toBe(0x29);
    expect(r.pic.pending()).toBe(true);
    expect(r.pic.acknowledge()).toBe(0x2b);
    expect(r.pic.pending()).toBe(false);
  });
});

describe('rotation', () => {
  it('rotates on non-specific EOI: the line just served becomes the lowest', () => {
    const r = linux();
    r.pic.setIrq(0, true);
    expect(r.pic.acknowledge()).toBe(0x20);
    r.out(0x20, 0xa0); // rotate on non-specific EOI
    edge(r, 0);
    r.pic.setIrq(5, true);
    expect(r.pic.acknowledge()).toBe(0x25); // 0 is now the lowest priority
    r.out(0x20, 0xa0); // 5 is now the lowest: order 6,7,0,1,...
    expect(r.pic.acknowledge()).toBe(0x20);
  });

  it('sets the priority and rotates on a specific EOI', () => {
    const r = linux();
    r.out(0x20, 0xc3); // set priority: IR3 lowest, IR4 highest
    r.pic.setIrq(3, true);
    r.pic.setIrq(4, true);
    r.pic.setIrq(0, true);
    expect(r.pic.acknowledge()).toBe(0x24);
    r.out(0x20, 0xe4); // rotate on specific EOI 4: IR4 lowest, IR5 highest
    expect(isr(r, 0x20)).toBe(0);
    edge(r, 4);
    expect(r.pic.acknowledge()).toBe(0x20);
    r.out(0x20, 0x60); // specific EOI 0
    expect(r.pic.acknowledge()).toBe(0x23);
    expect(isr(r, 0x20)).toBe(0x08);
    r.out(0x20, 0x63);
    expect(r.pic.acknowledge()).toBe(0x24); // the lowest, last
  });

  it('rotates in auto-EOI mode once set, and not after it is cleared', () => {
    const r = linux(0x03);
    r.out(0x20, 0x80); // rotate in AEOI: set
    r.pic.setIrq(1, true);
    expect(r.pic.acknowledge()).toBe(0x21); // IR1 becomes lowest
    edge(r, 1);
    r.pic.setIrq(6, true);
    expect(r.pic.acknowledge()).toBe(0x26); // order 2..7,0,1: IR6 first; IR6 becomes lowest
    r.out(0x20, 0x00); // rotate in AEOI: clear
    edge(r, 6);
    expect(r.pic.acknowledge()).toBe(0x21); // order 7,0,1..6: IR1 before IR6
    expect(r.pic.acknowledge()).toBe(0x26);
    edge(r, 6);
    edge(r, 1);
    expect(r.pic.acknowledge()).toBe(0x21); // priorities unchanged since the clear
  });
});

describe('poll and special modes', () => {
  it('answers a poll with 0x80|level on the next read and acknowledges it', () => {
    const r = linux();
    r.pic.setIrq(6, true);
    r.pic.setIrq(3, true);
    r.out(0x20, 0x0c); // OCW3 poll
    expect(r.inb(0x20)).toBe(0x83);
    expect(isr(r, 0x20)).toBe(0x08);
    expect(r.inb(0x20)).toBe(0x40); // one read only: IRR again
    r.out(0x20, 0x0c);
    expect(r.inb(0x21)).toBe(0x00); // nothing above IRQ3 in service: no interrupt
    r.out(0x20, EOI);
    r.out(0xa0, 0x0c);
    expect(r.inb(0xa0)).toBe(0x00);
    r.out(0x20, 0x0c);
    expect(r.inb(0x21)).toBe(0x86); // the odd port polls too
  });

  it('polls the slave on its own ports', () => {
    const r = linux();
    r.pic.setIrq(13, true);
    r.out(0xa0, 0x0c);
    expect(r.inb(0xa0)).toBe(0x85);
    expect(isr(r, 0xa0)).toBe(0x20);
    expect(r.pic.pending()).toBe(false);
  });

  it('in special mask mode lets lower levels through while the served level is masked', () => {
    const r = linux();
    r.pic.setIrq(3, true);
    expect(r.pic.acknowledge()).toBe(0x23);
    r.pic.setIrq(5, true);
    expect(r.pic.pending()).toBe(false);
    r.out(0x21, 0x08); // mask IR3
    r.out(0x20, 0x68); // set special mask mode
    expect(r.pic.pending()).toBe(true);
    r.out(0x20, 0x48); // reset special mask mode
    expect(r.pic.pending()).toBe(false);
    r.out(0x20, 0x68);
    expect(r.pic.acknowledge()).toBe(0x25);
    expect(isr(r, 0x20)).toBe(0x28);
    // A non-specific EOI in special mask mode passes over the masked IR3.
    r.out(0x20, EOI);
    expect(isr(r, 0x20)).toBe(0x08);
    r.out(0x20, 0x63);
    r.out(0x20, 0x48);
    r.out(0x21, 0x00);
    expect(isr(r, 0x20)).toBe(0);
  });

  it('in special fully nested mode lets a higher slave request through while the slave is in service', () => {
    for (const sfnm of [false, true]) {
      const r = linux(sfnm ? 0x11 : 0x01);
      r.pic.setIrq(10, true);
      expect(r.pic.acknowledge()).toBe(0x2a);
      r.pic.setIrq(12, true); // lower on the slave: never through
      expect(r.pic.pending()).toBe(false);
      r.pic.setIrq(9, true); // higher on the slave
      expect(r.pic.pending()).toBe(sfnm);
      if (sfnm) {
        expect(r.pic.acknowledge()).toBe(0x29);
        expect(isr(r, 0xa0)).toBe(0x06);
      }
    }
  });
});

describe('level-triggered inputs and spurious interrupts', () => {
  it('keeps an ELCR level input pending while high and drops it when low', () => {
    const r = linux();
    r.out(0x4d1, 0x04); // IRQ10 level-triggered
    r.pic.setIrq(10, true);
    expect(r.pic.acknowledge()).toBe(0x2a);
    expect(r.inb(0xa0)).toBe(0x04); // IRR follows the line, even in service
    r.out(0xa0, EOI);
    r.out(0x20, EOI);
    expect(r.pic.pending()).toBe(true); // still high: requests again
    expect(r.pic.acknowledge()).toBe(0x2a);
    r.pic.setIrq(10, false);
    expect(r.inb(0xa0)).toBe(0);
    r.out(0xa0, EOI);
    r.out(0x20, EOI);
    expect(r.pic.pending()).toBe(false);
  });

  it('makes the whole chip level-triggered with LTIM', () => {
    const r = rig();
    r.out(0x20, 0x19); r.out(0x21, 0x20); r.out(0x21, 0x04); r.out(0x21, 0x01);
    r.pic.setIrq(0, true);
    expect(r.pic.acknowledge()).toBe(0x20);
    r.out(0x20, EOI);
    expect(r.pic.acknowledge()).toBe(0x20);
    r.out(0x20, EOI);
    r.pic.setIrq(0, false);
    expect(r.pic.pending()).toBe(false);
  });

  it('answers INTA with the master IRQ7 vector and no ISR bit when the request vanished', () => {
    const r = linux();
    r.pic.setIrq(3, true);
    expect(r.pic.pending()).toBe(true);
    r.pic.setIrq(3, false); // an edge request must stay high until INTA
    expect(r.pic.pending()).toBe(false);
    expect(r.pic.acknowledge()).toBe(0x27);
    expect(isr(r, 0x20)).toBe(0);
    // A real IRQ7 does set ISR7.
    r.pic.setIrq(7, true);
    expect(r.pic.acknowledge()).toBe(0x27);
    expect(isr(r, 0x20)).toBe(0x80);
  });

  it('answers with the master IRQ7 vector when a slave level request vanishes before INTA', () => {
    const r = linux();
    r.out(0x4d1, 0x08); // IRQ11 level
    r.pic.setIrq(11, true);
    expect(r.pic.pending()).toBe(true);
    expect(r.inb(0x20)).toBe(0x04); // master IRR2 follows the slave INT
    r.pic.setIrq(11, false);
    expect(r.pic.pending()).toBe(false);
    expect(r.pic.acknowledge()).toBe(0x27);
    expect(isr(r, 0x20)).toBe(0);
    expect(isr(r, 0xa0)).toBe(0);
  });
});

describe('register reads', () => {
  it('reads IRR or ISR per OCW3 and IMR on the odd port, also as word accesses', () => {
    const r = linux();
    r.pic.setIrq(4, true);
    r.pic.setIrq(6, true);
    expect(r.inb(0x20)).toBe(0x50);
    expect(r.pic.acknowledge()).toBe(0x24);
    expect(r.inb(0x20)).toBe(0x40);
    r.out(0x20, 0x0b);
    expect(r.inb(0x20)).toBe(0x10);
    expect(r.inb(0x20)).toBe(0x10); // the selection stays
    r.out(0x20, 0x08); // RR=0: no change
    expect(r.inb(0x20)).toBe(0x10);
    r.out(0x20, 0x0a);
    expect(r.inb(0x20)).toBe(0x40);
    r.out(0x21, 0x9c);
    expect(r.inb(0x21)).toBe(0x9c);
    expect(r.io.read(0x20, 2)).toBe(0x9c40);
    r.io.write(0xa0, 2, 0x3b0b); // OCW3 read ISR, then IMR 0x3b
    expect(r.inb(0xa1)).toBe(0x3b);
    expect(r.io.read(0xa1, 2)).toBe(0xff3b);
  });

  it('masks ELCR writes: IRQ 0, 1, 2, 8 and 13 stay edge-triggered', () => {
    const r = linux();
    expect(r.inb(0x4d0)).toBe(0);
    expect(r.inb(0x4d1)).toBe(0);
    r.out(0x4d0, 0xff);
    r.out(0x4d1, 0xff);
    expect(r.inb(0x4d0)).toBe(0xf8);
    expect(r.inb(0x4d1)).toBe(0xde);
    expect(r.io.read(0x4d0, 2)).toBe(0xdef8);
    r.io.write(0x4d0, 2, 0x0c20);
    expect(r.inb(0x4d0)).toBe(0x20);
    expect(r.inb(0x4d1)).toBe(0x0c);
    // IRQ8 stays edge even with every ELCR bit written.
    r.out(0x4d1, 0xff);
    r.pic.setIrq(8, true);
    expect(r.pic.acknowledge()).toBe(0x28);
    r.out(0xa0, EOI);
    r.out(0x20, EOI);
    expect(r.pic.pending()).toBe(false);
  });
});

describe('onIntr', () => {
  it('reports exactly the changes of INTR', () => {
    const r = rig();
    linuxInit(r);
    expect(r.intr).toEqual([]);
    r.pic.setIrq(0, true);
    expect(r.intr).toEqual([true]);
    r.pic.setIrq(1, true); // already high
    r.pic.setIrq(9, true);
    expect(r.intr).toEqual([true]);
    expect(r.pic.acknowledge()).toBe(0x20);
    expect(r.intr).toEqual([true, false]); // everything else is below IRQ0 in service
    r.out(0x21, 0x02); // mask IRQ1: still nothing
    expect(r.intr).toEqual([true, false]);
    r.out(0x20, EOI);
    expect(r.intr).toEqual([true, false, true]); // IRQ2 (IRQ9) now
    r.out(0x21, 0x06);
    expect(r.intr).toEqual([true, false, true, false]);
    r.out(0x21, 0x00);
    expect(r.intr).toEqual([true, false, true, false, true]);
    r.pic.setIrq(1, false);
    r.pic.setIrq(9, false);
    expect(r.intr).toEqual([true, false, true, false, true, false]);
    r.pic.reset();
    expect(r.intr).toEqual([true, false, true, false, true, false]);
  });
});

describe('snapshots', () => {
  /** A fixed sequence of guest and device actions; returns everything observable. */
  function continueRun(r: Rig): unknown[] {
    const log: unknown[] = [];
    const note = (what: string, v: unknown): void => { log.push([what, v, r.pic.pending(), [...r.intr]]); };
    // Finish the ICW sequence (a no-op write to IMR if it was finished).
    r.out(0x21, 0x04); note('icw3?', r.inb(0x21));
    r.out(0x21, 0x01); note('icw4?', r.inb(0x21));
    r.out(0x21, 0x00);
    r.pic.setIrq(0, true); // high since before the save: no new edge
    r.pic.setIrq(1, true);
    note('held', r.inb(0x20));
    r.pic.setIrq(3, true); note('irq3', r.inb(0x20));
    r.pic.setIrq(5, true); // edge line already high when saved in the second case: no new edge
    r.pic.setIrq(10, true);
    note('ack', r.pic.acknowledge());
    note('ack', r.pic.acknowledge());
    note('isr', isr(r, 0x20));
    r.out(0x20, EOI);
    note('ack', r.pic.acknowledge());
    r.out(0xa0, EOI);
    r.out(0x20, EOI);
    r.out(0x20, 0x0c); note('poll', r.inb(0x20));
    r.out(0x20, EOI);
    for (let i = 0; i < 4; i++) note('ack', r.pic.acknowledge());
    edge(r, 5); note('ack5', r.pic.acknowledge());
    note('imr', [r.inb(0x21), r.inb(0xa1), r.inb(0x4d0), r.inb(0x4d1)]);
    return log;
  }

  function roundTrip(setup: (r: Rig) => void): void {
    const a = rig();
    setup(a);
    const saved = JSON.parse(JSON.stringify(a.pic.save())) as PicState;
    expect(saved.version).toBe(1);
    const b = rig(); // a machine in another state entirely, then loaded
    b.pic.setIrq(7, true);
    b.out(0x21, 0x55);
    b.pic.load(saved);
    expect(b.pic.pending()).toBe(a.pic.pending());
    a.intr.length = 0;
    b.intr.length = 0;
    const expected = continueRun(a);
    expect(continueRun(b)).toEqual(expected);
    expect(b.pic.save()).toEqual(a.pic.save());
  }

  it('continues identically when saved in the middle of the ICW sequence', () => {
    roundTrip((r) => {
      r.pic.setIrq(0, true);
      r.out(0x20, 0x11);
      r.out(0x21, 0x20); // ICW2 done; ICW3 and ICW4 to come
    });
  });

  it('continues identically when saved with requests pending, in service, latched and polled', () => {
    roundTrip((r) => {
      linuxInit(r);
      r.out(0x4d1, 0x0c);
      r.pic.setIrq(11, true); // level, pending
      r.pic.setIrq(5, true); // edge, latched
      r.pic.setIrq(1, true);
      expect(r.pic.acknowledge()).toBe(0x21);
      r.out(0x20, 0xc6); // set priority
      r.out(0x20, 0x0b); // read ISR
      r.out(0xa0, 0x0c); // a poll waiting on the slave
      r.out(0x21, 0x80);
    });
  });

  it('refuses a state of another version, naming the device', () => {
    const r = linux();
    const state = { ...r.pic.save(), version: 2 } as unknown as PicState;
    expect(() => r.pic.load(state)).toThrow(UserError);
    expect(() => r.pic.load(state)).toThrow(/device pic/);
  });

  it('refuses a corrupt state, naming the field, and changes nothing', () => {
    const r = linux();
    r.pic.setIrq(3, true);
    const before = r.pic.save();
    const bad = JSON.parse(JSON.stringify(before)) as PicState;
    bad.master.imr = 0x5a;
    (bad.slave as unknown as Record<string, unknown>).isr = 'x';
    expect(() => r.pic.load(bad)).toThrow(/pic .*slave\.isr/);
    expect(r.pic.save()).toEqual(before);
  });
});
