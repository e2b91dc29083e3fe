/* jitter: a result that depends on exactly when interrupts arrive, for the
 * record/replay tests (test/record-replay.test.ts).
 *
 * Programs the PIC, the PIT (channel 0, mode 2, `hz` Hz, default 1000) and
 * COM1 as the echo guest does (../echo/pc.h). IRQ0 counts ticks and reads
 * the TSC; IRQ4 drains the receive FIFO into a ring, stamping each byte with
 * the tick count and TSC. The main loop, with interrupts on, counts busy-loop
 * iterations from one tick to the next and mixes each count and the TSC of
 * each tick (RDTSC in the handler) into an FNV-1a hash; so the hash changes
 * if any timer interrupt is taken one instruction earlier or later, or if the
 * TSC is not the same function of the instruction count. Received bytes are
 * mixed in with their tick and TSC and printed:
 *
 *     rx 1: byte=0x61 'a' tick=212 tsc=1234567
 *
 * Every 100 ticks, and at the end:
 *
 *     jitter: tick 100 iters=31234 hash=0x89abcdef
 *     jitter: 400 ticks, 2 bytes, hash=0x0123abcd
 *
 * then exit through isa-debug-exit with code 0. A byte 'q' ends the run
 * early the same way. Under rewind86 (instruction-counted time) the hash is
 * the same on every run without input; under QEMU without -icount it is not.
 *
 * Command line (`-append`): ticks=N (default 400; 0 = run until 'q'),
 * hz=N (default 1000). */
#include "../echo/pc.h"

#define RING 256

struct rx_entry { u32 byte, tick; u64 tsc; };

static struct rx_entry ring[RING];
static volatile u32 rx_head, rx_tail;
static volatile u32 ticks;
static volatile u64 tick_tsc;

static void on_timer(void)
{
    ticks++;
    tick_tsc = pc_rdtsc();
}

static void on_serial(void)
{
    while (inb(COM1 + UART_LSR) & LSR_DR) {
        u8 b = inb(COM1 + UART_RBR);
        if (rx_head - rx_tail >= RING)
            continue;
        struct rx_entry *e = &ring[rx_head % RING];
        e->byte = b;
        e->tick = ticks;
        e->tsc = pc_rdtsc();
        rx_head++;
    }
}

/* Iterations of a busy loop until the tick count moves on from `t`. */
static u32 spin_until_tick(u32 t)
{
    u32 n = 0;
    while (ticks == t)
        n++;
    return n;
}

int main(void)
{
    u32 total = pc_cmdline_num("ticks", 400);
    u32 hz = pc_cmdline_num("hz", 1000);
    if (hz < 19 || hz > 10000)
        hz = 1000;

    pc_cli();
    pc_tables_init();
    pc_irq_handler(0, on_timer);
    pc_irq_handler(4, on_serial);
    pc_pic_init((1u << 0) | (1u << 4));
    u32 div = pc_pit_init(hz, 2);
    pc_uart_init();
    rt_printf("jitter: PIT %u Hz (divisor %u), %u ticks\n", hz, div, total);
    rt_puts("jitter: ready\n");
    pc_sti();

    u32 h = PC_FNV_SEED, bytes = 0, k = 0, quit = 0;
    spin_until_tick(ticks);             /* start on a tick */
    while (!quit && (total == 0 || k < total)) {
        u32 iters = spin_until_tick(ticks);
        k++;
        pc_cli();
        u64 tsc = tick_tsc;
        pc_sti();
        h = pc_fnv(h, iters);
        h = pc_fnv(h, (u32)tsc);
        h = pc_fnv(h, (u32)(tsc >> 32));
        while (rx_head != rx_tail) {
            struct rx_entry e = ring[rx_tail % RING];
            rx_tail++;
            bytes++;
            h = pc_fnv(h, e.byte);
            h = pc_fnv(h, e.tick);
            h = pc_fnv(h, (u32)e.tsc);
            char shown = e.byte >= 0x20 && e.byte < 0x7f ? (char)e.byte : '.';
            rt_printf("rx %u: byte=0x%02x '%c' tick=%u tsc=%llu\n", bytes, e.byte, shown, e.tick, e.tsc);
            if (e.byte == 'q')
                quit = 1;
        }
        if (k % 100 == 0)
            rt_printf("jitter: tick %u iters=%u hash=0x%08x\n", k, iters, h);
    }
    pc_cli();
    rt_printf("jitter: %u ticks, %u bytes, hash=0x%08x\n", k, bytes, h);
    return 0;
}
