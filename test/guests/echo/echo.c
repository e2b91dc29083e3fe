/* echo: a serial console that idles on a PC's timer, for the record/replay
 * tests (test/record-replay.test.ts).
 *
 * Programs the hardware itself (pc.h): the 8259A pair (vectors 0x20/0x28),
 * the 8254 PIT channel 0 in mode 2 (or 3) at `hz` (default 100) Hz, the MC146818
 * RTC (its time read per register B, and the update-ended interrupt on
 * IRQ 8 counting seconds), and the 16550A on COM1 (8N1, FIFOs, received-data
 * interrupt, OUT2). IRQ0 counts ticks; IRQ4 drains the receive FIFO into a
 * ring, stamping each byte with the tick count and TSC at which it arrived.
 * The main loop waits with `sti; hlt` and prints one line per byte:
 *
 *     rx 1: byte=0x61 'a' tick=123 rtc=2025-01-31 12:34:56 upd=1 tsc=98765432
 *
 * (tick = PIT ticks since the timer started, rtc = the RTC's time when the
 * line was printed, upd = update-ended interrupts so far, tsc = RDTSC in the
 * interrupt handler.) A byte 'q' ends the run:
 *
 *     echo: 5 bytes, ticks=456, updates=4, overruns=0, checksum=0x1234abcd
 *
 * and exits through isa-debug-exit with code 0. The checksum is FNV-1a over
 * every byte with its tick and TSC, so it differs whenever input arrived at
 * another point. Before the first byte can be taken it prints
 * `echo: ready`; input sent earlier is dropped (the UART is reset then).
 *
 * Command line (`-append`): hz=N (PIT rate, default 100), pitmode=3 (PIT
 * in mode 3, square wave, instead of 2, rate generator), uie=0 (no RTC
 * interrupt), limit=N (end with exit code 2 after N ticks without a 'q';
 * default 0: never), spin=N (first busy N million loop iterations, with
 * interrupts off: virtual time runs ahead of the host's while the guest
 * computes). */
#include "pc.h"

#define RING 256

struct rx_entry { u32 byte, tick; u64 tsc; };

static struct rx_entry ring[RING];
static volatile u32 rx_head, rx_tail;          /* written by IRQ4 / by main */
static volatile u32 ticks, updates, overruns, dropped;

static void on_timer(void) { ticks++; }

static void on_serial(void)
{
    for (;;) {
        u8 lsr = inb(COM1 + UART_LSR);
        if (lsr & LSR_OE)
            overruns++;
        if (!(lsr & LSR_DR))
            break;
        u8 b = inb(COM1 + UART_RBR);
        if (rx_head - rx_tail >= RING) {
            dropped++;
            continue;
        }
        struct rx_entry *e = &ring[rx_head % RING];
        e->byte = b;
        e->tick = ticks;
        e->tsc = pc_rdtsc();
        rx_head++;
    }
}

static void on_rtc(void)
{
    if (pc_cmos_read(0x0c) & 0x10)      /* register C: UF (reading acknowledges) */
        updates++;
}

int main(void)
{
    u32 hz = pc_cmdline_num("hz", 100);
    u32 uie = pc_cmdline_num("uie", 1);
    u32 limit = pc_cmdline_num("limit", 0);
    u32 mode = pc_cmdline_num("pitmode", 2) == 3 ? 3 : 2;
    u32 spin = pc_cmdline_num("spin", 0);
    if (hz < 19 || hz > 10000)
        hz = 100;
    for (volatile u32 i = 0; i < spin * 1000000u; i++)
        ;

    pc_cli();
    pc_tables_init();
    pc_irq_handler(0, on_timer);
    pc_irq_handler(4, on_serial);
    pc_irq_handler(8, on_rtc);
    pc_pic_init((1u << 0) | (1u << 4) | (uie ? 1u << 8 : 0));
    u32 div = pc_pit_init(hz, mode);
    u8 regb = pc_cmos_read(0x0b);
    pc_rtc_uie(uie != 0);
    pc_uart_init();

    struct pc_time t;
    pc_rtc_read(&t);
    rt_printf("echo: PIT mode %u, %u Hz (divisor %u), COM1 8N1 115200 FIFO, RTC register B=0x%02x (%s, %s)\n", mode, hz, div,
              regb, (regb & 0x04) ? "binary" : "BCD", (regb & 0x02) ? "24-hour" : "12-hour");
    rt_printf("echo: RTC %04u-%02u-%02u %02u:%02u:%02u\n", t.year, t.month, t.day, t.hour, t.min, t.sec);
    rt_puts("echo: ready\n");

    u32 n = 0, sum = PC_FNV_SEED;
    for (;;) {
        pc_cli();
        while (rx_head == rx_tail) {
            if (limit && ticks >= limit) {
                pc_sti();
                rt_printf("echo: no 'q' after %u ticks: %u bytes, checksum=0x%08x\n", limit, n, sum);
                return 2;
            }
            pc_sti_hlt();
            pc_cli();
        }
        struct rx_entry e = ring[rx_tail % RING];
        rx_tail++;
        pc_sti();

        n++;
        sum = pc_fnv(sum, e.byte);
        sum = pc_fnv(sum, e.tick);
        sum = pc_fnv(sum, (u32)e.tsc);
        sum = pc_fnv(sum, (u32)(e.tsc >> 32));
        pc_rtc_read(&t);
        char shown = e.byte >= 0x20 && e.byte < 0x7f ? (char)e.byte : '.';
        rt_printf("rx %u: byte=0x%02x '%c' tick=%u rtc=%04u-%02u-%02u %02u:%02u:%02u upd=%u tsc=%llu\n", n, e.byte,
                  shown, e.tick, t.year, t.month, t.day, t.hour, t.min, t.sec, updates, e.tsc);
        if (e.byte == 'q')
            break;
    }
    pc_cli();
    rt_printf("echo: %u bytes, ticks=%u, updates=%u, overruns=%u, dropped=%u, checksum=0x%08x\n", n, ticks, updates,
              overruns, dropped, sum);
    return 0;
}
