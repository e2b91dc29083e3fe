// The 16550A UART (src/devices/uart.ts) on a real IoBus with a fake clock:
// virtual time is the fake CPU's icount (shift 0: 1 ns per instruction),
// moved forward by the test, and timers fire when the test calls runDue(),
// as the execution loop does between blocks.
import { describe, expect, it } from 'vitest';
import { IoBus, type Cpu } from '../src/runtime/index.js';
import { VirtualClock } from '../src/devices/clock.js';
import { type IrqSink } from '../src/devices/device.js';
import { UserError } from '../src/devices/errors.js';
import { Uart, type UartState } from '../src/devices/uart.js';

// Register offsets.
const RBR = 0, THR = 0, DLL = 0, IER = 1, DLM = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7;
// IIR values with FIFOs enabled.
const NONE = 0xc1, RLS = 0xc6, RDA = 0xc4, CTI = 0xcc, THRI = 0xc2, MSI = 0xc0;

function rig(opts: { base?: number; irq?: number; icount?: number } = {}) {
  const cpu = { icount: opts.icount ?? 0, ioInsn: 0 };
  const clock = new VirtualClock(cpu as unknown as Cpu, 0);
  const base = opts.base ?? 0x3f8;
  const line = opts.irq ?? 4;
  const irqEvents: Array<[number, boolean]> = [];
  let level = false;
  let risingEdges = 0;
  const sink: IrqSink = {
    setIrq(irq, l) {
      irqEvents.push([irq, l]);
      if (irq !== line) return;
      if (l && !level) risingEdges++;
      level = l;
    },
  };
  const out: number[] = [];
  const uart = new Uart(clock, sink, { base: opts.base, irq: opts.irq, output: (b) => out.push(b) });
  const io = new IoBus();
  uart.attach(io);
  return {
    cpu, clock, uart, io, out, irqEvents,
    inb: (reg: number) => io.read(base + reg, 1),
    outb: (reg: number, v: number) => io.write(base + reg, 1, v),
    level: () => level,
    edges: () => risingEdges,
    /** Moves virtual time forward by `ns` and fires what is due. */
    advance(ns: number) {
      cpu.icount += ns;
      clock.runDue();
    },
  };
}
type Rig = ReturnType<typeof rig>;

/** What Linux's serial8250_set_termios does for 8N1 at 115200/divisor, with FIFOs at trigger `fcrTrigger`. */
function program(r: Rig, divisor: number, fcr = 0x01, lcr = 0x03) {
  r.outb(LCR, 0x80 | lcr);
  r.outb(DLL, divisor & 0xff);
  r.outb(DLM, divisor >> 8);
  r.outb(LCR, lcr);
  r.outb(FCR, fcr);
}

const bytes = (...b: number[]) => Uint8Array.from(b);
const range = (n: number, from = 0) => Uint8Array.from({ length: n }, (_, i) => (from + i) & 0xff);

describe('Linux 8250 probe (autoconfig)', () => {
  it('passes the IER, scratch and loopback tests and is detected as a 16550A', () => {
    const r = rig();
    // IER test: bits 0-3 read back, bits 4-7 (e.g. the XScale UUE bit 6) do not stick.
    const saved = r.inb(IER);
    r.outb(IER, 0);
    expect(r.inb(IER) & 0x0f).toBe(0);
    r.outb(IER, 0x0f);
    expect(r.inb(IER) & 0x0f).toBe(0x0f);
    r.outb(IER, 0x4f);
    expect(r.inb(IER)).toBe(0x0f);
    r.outb(IER, saved);

    // Scratch register.
    r.outb(SCR, 0xa5);
    expect(r.inb(SCR)).toBe(0xa5);
    r.outb(SCR, 0x5a);
    expect(r.inb(SCR)).toBe(0x5a);

    // Loopback: MCR = LOOP | OUT2 | RTS must give MSR & 0xf0 = DCD | CTS.
    const saveMcr = r.inb(MCR);
    r.outb(MCR, 0x10 | 0x0a);
    expect(r.inb(MSR) & 0xf0).toBe(0x90);
    r.outb(MCR, 0x10 | 0x05); // DTR, OUT1 -> DSR, RI
    expect(r.inb(MSR) & 0xf0).toBe(0x60);
    r.outb(MCR, 0x1f);
    expect(r.inb(MSR) & 0xf0).toBe(0xf0);
    r.outb(MCR, 0x10);
    expect(r.inb(MSR) & 0xf0).toBe(0x00);
    r.outb(MCR, saveMcr);
    // No modem attached: CTS, DSR, DCD asserted.
    expect(r.inb(MSR) & 0xf0).toBe(0xb0);
    // MCR bits 5-7 do not exist on a 16550A.
    r.outb(MCR, 0xe0);
    expect(r.inb(MCR)).toBe(0);

    // No EFR (16650): with LCR = 0xbf, offset 2 is still IIR/FCR.
    r.outb(LCR, 0xbf);
    r.outb(2, 0);
    r.outb(LCR, 0);
    // FIFO detection: IIR bits 6-7 = 11 after enabling the FIFOs.
    r.outb(FCR, 0x01);
    expect(r.inb(IIR) >> 6).toBe(3);
    // autoconfig_16550a: not a 16750 (IIR bit 5 never set, with or without DLAB).
    r.outb(LCR, 0x80);
    r.outb(FCR, 0x21);
    expect(r.inb(IIR) >> 5).toBe(6);
    r.outb(FCR, 0x01);
    r.outb(LCR, 0);
    r.outb(FCR, 0x21);
    expect(r.inb(IIR) >> 5).toBe(6);
    // Not an NS SuperIO: IIR bit 4 never follows MCR LOOP.
    r.outb(LCR, 0xe0);
    expect(r.inb(2) & 0x10).toBe(0);
    r.outb(LCR, 0);
    r.outb(MCR, 0x10);
    r.outb(LCR, 0xe0);
    expect(r.inb(2) & 0x10).toBe(0);
    r.outb(LCR, 0);
    r.outb(MCR, 0);

    // serial8250_clear_fifos, then the startup reads; LSR must not read 0xff.
    r.outb(FCR, 0x01);
    r.outb(FCR, 0x07);
    r.outb(FCR, 0);
    expect(r.inb(IIR) >> 6).toBe(0);
    r.inb(LSR); r.inb(RBR); r.inb(IIR); r.inb(MSR);
    expect(r.inb(LSR)).toBe(0x60);
  });

  it('programs the divisor latch through DLAB, which hides RBR/THR and IER', () => {
    const r = rig();
    r.outb(IER, 0x05);
    r.outb(LCR, 0x83);
    r.outb(DLL, 0x0c);
    r.outb(DLM, 0x01);
    expect(r.inb(DLL)).toBe(0x0c);
    expect(r.inb(DLM)).toBe(0x01);
    expect(r.io.read(0x3f8, 2)).toBe(0x010c); // a word access is two byte cycles
    expect(r.out).toEqual([]); // DLL writes are not transmitted
    r.outb(LCR, 0x03);
    expect(r.inb(LCR)).toBe(0x03);
    expect(r.inb(IER)).toBe(0x05);
    // 8N1 at divisor 0x10c = 268: 10 bits * 268 * 16 / 1.8432 MHz.
    expect(r.uart.characterTimeNs()).toBe(Math.ceil((10 * 268 * 16 * 1e9) / 1_843_200));
    r.outb(LCR, 0x80);
    r.outb(DLL, 1);
    r.outb(DLM, 0);
    r.outb(LCR, 0x03);
    expect(r.uart.characterTimeNs()).toBe(86806); // 115200 baud, 8N1
    r.outb(LCR, 0x1f); // 8 bits, even parity, 2 stop bits: 12 bits
    expect(r.uart.characterTimeNs()).toBe(Math.ceil((12 * 16 * 1e9) / 1_843_200));
    r.outb(LCR, 0x04); // 5 bits, 1.5 stop bits: 7.5 bits
    expect(r.uart.characterTimeNs()).toBe(Math.ceil((7.5 * 16 * 1e9) / 1_843_200));
  });
});

describe('transmitter', () => {
  it('sends THR writes to the output at once, with THRE and TEMT set', () => {
    const r = rig();
    program(r, 1);
    for (const c of 'hi\n') r.outb(THR, c.charCodeAt(0));
    expect(Buffer.from(r.out).toString()).toBe('hi\n');
    expect(r.inb(LSR) & 0x60).toBe(0x60);
  });

  it('in loopback sends nothing out and receives what it transmits', () => {
    const r = rig();
    program(r, 1);
    r.outb(MCR, 0x10);
    r.outb(THR, 0x41);
    r.outb(THR, 0x42);
    expect(r.out).toEqual([]);
    expect(r.inb(LSR) & 0x61).toBe(0x61);
    expect(r.inb(RBR)).toBe(0x41);
    expect(r.inb(RBR)).toBe(0x42);
    expect(r.inb(LSR) & 1).toBe(0);
    // The line is disconnected in loopback: the host must hold its input back.
    expect(r.uart.rxSpace()).toBe(0);
    r.uart.receive(bytes(1, 2, 3));
    expect(r.inb(LSR) & 0x03).toBe(0);
    r.outb(MCR, 0);
    expect(r.uart.rxSpace()).toBe(16);
  });
});

describe('THRE interrupt', () => {
  it('is raised by enabling ETBEI while THR is empty and cleared by reading IIR', () => {
    const r = rig();
    program(r, 1);
    r.outb(MCR, 0x0b); // DTR, RTS, OUT2
    expect(r.level()).toBe(false);
    r.outb(IER, 0x02);
    expect(r.level()).toBe(true);
    expect(r.inb(IIR)).toBe(THRI);
    expect(r.level()).toBe(false);
    expect(r.inb(IIR)).toBe(NONE);
    // Rewriting IER without a 0 -> 1 change of ETBEI does not raise it again...
    r.outb(IER, 0x02);
    expect(r.inb(IIR)).toBe(NONE);
    // ...toggling it does (Linux's UART_BUG_THRE test: iir1 and iir both pending).
    r.outb(IER, 0);
    r.outb(IER, 0x02);
    expect(r.level()).toBe(true);
    expect(r.inb(IIR)).toBe(THRI);
  });

  it('is cleared by a THR write and raised again by the empty transmitter, an edge per write', () => {
    const r = rig();
    program(r, 1);
    r.outb(MCR, 0x08);
    r.outb(IER, 0x02);
    expect(r.edges()).toBe(1);
    r.outb(THR, 0x61);
    expect(r.edges()).toBe(2);
    expect(r.level()).toBe(true);
    r.inb(IIR);
    r.outb(THR, 0x62);
    expect(r.edges()).toBe(3);
    expect(r.out).toEqual([0x61, 0x62]);
    // Disabling ETBEI drops it.
    r.outb(IER, 0);
    expect(r.level()).toBe(false);
    expect(r.inb(IIR)).toBe(NONE);
  });
});

describe('IRQ line', () => {
  it('is OUT2 && an enabled interrupt pending, and low in loopback (OUT2 pin forced inactive)', () => {
    const r = rig({ base: 0x2f8, irq: 3 });
    expect(r.uart.name).toBe('com1');
    program(r, 1);
    r.outb(IER, 0x02);
    expect(r.level()).toBe(false); // pending, but OUT2 = 0
    expect(r.inb(IIR)).toBe(THRI);
    r.outb(IER, 0);
    r.outb(IER, 0x02);
    r.outb(MCR, 0x08);
    expect(r.level()).toBe(true);
    expect(r.uart.irqAsserted).toBe(true);
    r.outb(MCR, 0x00);
    expect(r.level()).toBe(false);
    r.outb(MCR, 0x18); // OUT2 | LOOP
    expect(r.level()).toBe(false);
    r.outb(MCR, 0x08);
    expect(r.level()).toBe(true);
    // Every call went to the configured line.
    expect(r.irqEvents.every(([irq]) => irq === 3)).toBe(true);
  });
});

describe('receiver', () => {
  it.each([[0x00, 1], [0x40, 4], [0x80, 8], [0xc0, 14]])('FCR %i: data-available interrupt at trigger level %i', (bits, trigger) => {
    const r = rig();
    program(r, 1, 0x07 | bits);
    r.outb(MCR, 0x08);
    r.outb(IER, 0x01);
    r.uart.receive(range(trigger - 1));
    expect(r.inb(IIR)).toBe(NONE);
    expect(r.level()).toBe(false);
    expect(r.inb(LSR) & 1).toBe(trigger > 1 ? 1 : 0);
    r.uart.receive(bytes(0x99));
    expect(r.inb(IIR)).toBe(RDA);
    expect(r.level()).toBe(true);
    expect(r.uart.rxSpace()).toBe(16 - trigger);
    // Reading one byte takes the FIFO below the trigger level.
    expect(r.inb(RBR)).toBe(trigger > 1 ? 0 : 0x99);
    expect(r.inb(IIR)).toBe(NONE);
    expect(r.level()).toBe(false);
  });

  it('raises a character timeout after 4 character times without a read, in virtual time', () => {
    const r = rig();
    program(r, 12, 0x81); // 9600 baud, trigger 8
    r.outb(MCR, 0x08);
    r.outb(IER, 0x01);
    const ct = r.uart.characterTimeNs();
    expect(ct).toBe(1041667);
    r.advance(1000);
    r.uart.receive(bytes(0x31, 0x32));
    r.advance(4 * ct - 1);
    expect(r.inb(IIR)).toBe(NONE);
    // A new character restarts the timer.
    r.uart.receive(bytes(0x33));
    r.advance(4 * ct - 1);
    expect(r.inb(IIR)).toBe(NONE);
    r.advance(1);
    expect(r.inb(IIR)).toBe(CTI);
    expect(r.level()).toBe(true);
    // Reading a character clears it and restarts the timer, as data remains.
    expect(r.inb(RBR)).toBe(0x31);
    expect(r.inb(IIR)).toBe(NONE);
    expect(r.level()).toBe(false);
    r.advance(4 * ct - 1);
    expect(r.inb(IIR)).toBe(NONE);
    r.advance(1);
    expect(r.inb(IIR)).toBe(CTI);
    // While a timeout is pending, new characters do not clear it.
    r.uart.receive(bytes(0x34));
    expect(r.inb(IIR)).toBe(CTI);
    expect(r.inb(RBR)).toBe(0x32);
    expect(r.inb(RBR)).toBe(0x33);
    expect(r.inb(RBR)).toBe(0x34);
    // Empty: no timer, no interrupt, ever.
    expect(r.clock.nextDeadline()).toBe(Infinity);
    r.advance(100 * ct);
    expect(r.inb(IIR)).toBe(NONE);
    // The timeout is not visible with ERBFI off, and no timeout in 16450 mode.
    r.outb(FCR, 0);
    r.uart.receive(bytes(0x35));
    expect(r.clock.nextDeadline()).toBe(Infinity);
    expect(r.inb(IIR)).toBe(0x04);
  });

  it('sets OE and raises a line status interrupt on overflow, dropping the byte', () => {
    const r = rig();
    program(r, 1, 0xc7); // trigger 14
    r.outb(MCR, 0x08);
    r.outb(IER, 0x05);
    expect(r.uart.rxSpace()).toBe(16);
    r.uart.receive(range(16, 0x40));
    expect(r.uart.rxSpace()).toBe(0);
    expect(r.inb(IIR)).toBe(RDA);
    r.uart.receive(bytes(0xee));
    expect(r.inb(IIR)).toBe(RLS);
    expect(r.level()).toBe(true);
    expect(r.inb(LSR)).toBe(0x63); // DR, OE, THRE, TEMT
    expect(r.inb(LSR)).toBe(0x61); // OE cleared by the read
    expect(r.inb(IIR)).toBe(RDA);
    const got: number[] = [];
    while (r.inb(LSR) & 1) got.push(r.inb(RBR));
    expect(got).toEqual([...range(16, 0x40)]);
    expect(r.inb(IIR)).toBe(NONE);
    expect(r.level()).toBe(false);
  });

  it('in 16450 mode holds one byte, which a new one overwrites with OE', () => {
    const r = rig();
    program(r, 1, 0x00);
    r.outb(IER, 0x05);
    expect(r.uart.rxSpace()).toBe(1);
    r.uart.receive(bytes(0x10));
    expect(r.uart.rxSpace()).toBe(0);
    expect(r.inb(IIR)).toBe(0x04);
    r.uart.receive(bytes(0x20));
    expect(r.inb(IIR)).toBe(0x06);
    expect(r.inb(LSR)).toBe(0x63);
    expect(r.inb(RBR)).toBe(0x20);
    expect(r.inb(IIR)).toBe(0x01);
  });

  it('reports a break as a 0 character with BI at the top of the FIFO, and LSR bit 7 while it is queued', () => {
    const r = rig();
    program(r, 1, 0x01);
    r.outb(MCR, 0x08);
    r.outb(IER, 0x04); // line status only
    r.uart.receive(bytes(0x61));
    r.uart.receiveBreak();
    r.uart.receive(bytes(0x62));
    expect(r.inb(IIR)).toBe(NONE); // the break is not at the top yet
    expect(r.inb(LSR)).toBe(0xe1); // FIFO error, DR
    expect(r.inb(RBR)).toBe(0x61);
    expect(r.inb(IIR)).toBe(RLS);
    expect(r.level()).toBe(true);
    expect(r.inb(LSR)).toBe(0xf9); // FIFO error, BI, FE, DR
    expect(r.inb(IIR)).toBe(NONE);
    expect(r.inb(RBR)).toBe(0);
    // Bit 7 is sticky: the first LSR read that finds no error left in the FIFO clears it.
    expect(r.inb(LSR)).toBe(0xe1);
    expect(r.inb(LSR)).toBe(0x61);
    expect(r.inb(RBR)).toBe(0x62);
  });

  it('empties the receive FIFO on an FCR reset and on a FIFO enable change', () => {
    const r = rig();
    program(r, 1, 0x41); // trigger 4
    r.outb(MCR, 0x08);
    r.outb(IER, 0x01);
    r.uart.receive(range(5));
    expect(r.inb(IIR)).toBe(RDA);
    r.outb(FCR, 0x43); // reset RX
    expect(r.inb(LSR) & 1).toBe(0);
    expect(r.uart.rxSpace()).toBe(16);
    expect(r.inb(IIR)).toBe(NONE);
    expect(r.level()).toBe(false);
    expect(r.clock.nextDeadline()).toBe(Infinity); // no timeout for the flushed bytes
    r.uart.receive(range(2));
    r.outb(FCR, 0x45); // reset TX only: RX kept, trigger kept
    expect(r.inb(LSR) & 1).toBe(1);
    r.outb(FCR, 0x00); // FIFOs off: both cleared
    expect(r.inb(LSR) & 1).toBe(0);
    expect(r.inb(IIR)).toBe(0x01);
    r.uart.receive(range(2));
    r.outb(FCR, 0x01);
    expect(r.inb(LSR) & 1).toBe(0);
  });
});

describe('interrupt priority', () => {
  it('reports line status, then received data, then THRE, then modem status', () => {
    const r = rig();
    program(r, 1, 0x01); // FIFOs, trigger 1
    r.outb(MCR, 0x18); // loopback, OUT2: MSR sees DCD; CTS/DSR go away
    r.outb(IER, 0x0f);
    // 17 characters through the loop: 16 in the FIFO, the 17th overruns.
    for (let i = 0; i < 17; i++) r.outb(THR, 0x30 + i);
    expect(r.level()).toBe(false); // loopback: the IRQ pin is off
    expect(r.inb(IIR)).toBe(RLS);
    expect(r.inb(LSR) & 0x03).toBe(0x03);
    expect(r.inb(IIR)).toBe(RDA);
    for (let i = 0; i < 16; i++) expect(r.inb(RBR)).toBe(0x30 + i);
    expect(r.inb(IIR)).toBe(THRI);
    expect(r.inb(IIR)).toBe(MSI); // reading IIR cleared THRE
    expect(r.inb(MSR)).toBe(0x80 | 0x03); // DCD (OUT2, as before); DCTS, DDSR (RTS, DTR off)
    expect(r.inb(IIR)).toBe(NONE);
    // A trailing edge of RI (OUT1 1 -> 0 in loopback) is a modem status event; its leading edge is not.
    r.outb(MCR, 0x1c);
    expect(r.inb(IIR)).toBe(NONE);
    r.outb(MCR, 0x18);
    expect(r.inb(IIR)).toBe(MSI);
    expect(r.inb(MSR)).toBe(0x84);
    // Leaving loopback brings back the no-modem lines (CTS, DSR rise) and the IRQ.
    r.outb(MCR, 0x08);
    expect(r.inb(IIR)).toBe(MSI);
    expect(r.level()).toBe(true);
    expect(r.inb(MSR)).toBe(0xb3);
    expect(r.level()).toBe(false);
  });
});

describe('reset', () => {
  it('returns to the power-on registers and lowers the line', () => {
    const r = rig();
    program(r, 12, 0xc1);
    r.outb(MCR, 0x0b);
    r.outb(IER, 0x0f);
    r.outb(SCR, 0x77);
    r.uart.receive(range(3));
    expect(r.level()).toBe(true);
    r.uart.reset();
    expect(r.level()).toBe(false);
    expect([r.inb(IER), r.inb(IIR), r.inb(LCR), r.inb(MCR), r.inb(LSR), r.inb(MSR), r.inb(SCR)])
      .toEqual([0, 0x01, 0, 0, 0x60, 0xb0, 0]);
    expect(r.clock.nextDeadline()).toBe(Infinity);
    // Divisor 1, LCR 0 (5 bits, no parity, 1 stop bit): 7 bits at 115200 baud.
    expect(r.uart.characterTimeNs()).toBe(Math.ceil((7 * 16 * 1e9) / 1_843_200));
  });
});

describe('snapshots', () => {
  /** A trace of what the guest sees from here on: reads, interrupts, output. */
  function trace(r: Rig): string[] {
    const log: string[] = [];
    const note = (what: string) => log.push(`${what} irq=${r.level()} iir=${r.inb(IIR).toString(16)} lsr=${r.inb(LSR).toString(16)}`);
    note('start');
    const ct = r.uart.characterTimeNs();
    for (let i = 0; i < 6; i++) {
      r.advance(ct);
      note(`t+${i}`);
    }
    r.outb(THR, 0x21);
    note('thr');
    for (let i = 0; i < 20 && r.inb(LSR) & 1; i++) {
      log.push(`rbr=${r.inb(RBR)} irq=${r.level()}`);
      r.advance(5 * ct); // long enough for a character timeout
      note(`read${i}`);
    }
    log.push(`out=${r.out.join(',')}`);
    return log;
  }

  function busy(): Rig {
    const r = rig({ icount: 5000 });
    program(r, 3, 0x81); // 38400 baud, trigger 8
    r.outb(MCR, 0x0b);
    r.outb(IER, 0x07);
    r.outb(SCR, 0x5c);
    r.uart.receive(range(5, 0x61));
    r.uart.receiveBreak();
    r.uart.receive(range(3, 0x71));
    r.advance(r.uart.characterTimeNs());
    return r;
  }

  it('round-trips through JSON with identical subsequent reads and interrupts', () => {
    const a = busy();
    const state = JSON.parse(JSON.stringify(a.uart.save())) as UartState;
    expect(state.version).toBe(1);
    expect(state.rx.length).toBe(9);
    expect(state.timeoutDeadline).not.toBeNull();

    const b = rig({ icount: a.cpu.icount });
    b.uart.load(state);
    expect(b.level()).toBe(a.level());
    expect(b.clock.nextDeadline()).toBe(a.clock.nextDeadline());
    expect(b.uart.save()).toEqual(state);
    expect(trace(b)).toEqual(trace(a));
  });

  it('a loaded state replaces whatever the device held', () => {
    const a = rig();
    program(a, 1);
    const clean = a.uart.save();
    const b = busy();
    b.uart.load(clean);
    expect(b.clock.nextDeadline()).toBe(Infinity);
    expect(b.inb(LSR)).toBe(0x60);
    expect(b.level()).toBe(false);
  });

  it('rejects a wrong version or a corrupt field, naming the device', () => {
    const r = rig();
    const good = r.uart.save();
    expect(() => r.uart.load({ ...good, version: 2 } as unknown as UartState)).toThrow(UserError);
    expect(() => r.uart.load({ ...good, version: 2 } as unknown as UartState)).toThrow(/device com1 .*version 2/);
    const named = new Uart(r.clock, { setIrq() {} }, { name: 'com2', output() {} });
    expect(() => named.load({ version: 7 } as unknown as UartState)).toThrow(/com2/);
    expect(() => r.uart.load({ ...good, rx: [1, 2, 300], rxErrors: [0, 0, 0] })).toThrow(/com1 state field rx/);
    expect(() => r.uart.load({ ...good, fcr: 1, rx: range(17).reduce<number[]>((a, x) => [...a, x], []), rxErrors: new Array(17).fill(0) }))
      .toThrow(/field rx/);
    expect(() => r.uart.load({ ...good, ier: 'x' } as unknown as UartState)).toThrow(/field ier/);
  });
});
