/* pc.h: the PC hardware the echo and jitter guests program, as a header of
 * static functions (each guest is one translation unit plus this; jitter
 * includes it as "../echo/pc.h").
 *
 *   - a flat GDT and an IDT: exceptions 0-31 print their vector and end the
 *     run (exit code 124); IRQ 0-15 at vectors 0x20-0x2f go through one
 *     assembler stub per line (pushal, call pc_irq_dispatch, popal, iret) to
 *     the handler installed with pc_irq_handler(), and the dispatcher sends
 *     the EOIs (spurious IRQ 7/15 get none from the PIC that did not raise
 *     them, as the 8259A datasheet says);
 *   - the 8259A pair: ICW1-4, vector bases 0x20/0x28, slave on IRQ2;
 *   - the 8254 PIT channel 0 in mode 2 (rate generator) or 3 (square wave)
 *     at a given rate;
 *   - the MC146818 RTC: the time read per register B (BCD or binary, 12 or
 *     24 hour), waiting for UIP to clear and reading until two reads agree;
 *     the update-ended interrupt (IRQ 8) on or off;
 *   - the 16550A UART on COM1: 8N1 at 115200, FIFOs on (trigger level 4, so
 *     both the received-data and the character-timeout interrupt happen),
 *     the received-data interrupt enabled and OUT2 set (the PC's IRQ gate).
 * References: Intel 8259A, 8254 and PC16550D datasheets; Motorola MC146818A;
 * Intel SDM vol. 3A 6.11 (IDT descriptors), 6.12 (interrupt procedures). */
#ifndef GUEST_PC_H
#define GUEST_PC_H

#include "rt.h"
#include "multiboot.h"

/* Not every guest uses every function. */
#define PC_FN static __attribute__((unused))

#define PC_KERNEL_CS 0x08
#define PC_KERNEL_DS 0x10
#define PC_IRQ_BASE 0x20

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1
#define PIC_EOI 0x20

#define PIT_CH0 0x40
#define PIT_MODE 0x43
#define PIT_HZ 1193182u

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71

#define COM1 0x3f8
#define UART_RBR 0
#define UART_IER 1
#define UART_IIR 2
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LSR_DR 0x01
#define LSR_OE 0x02

static inline void pc_cli(void) { __asm__ volatile("cli" : : : "memory"); }
static inline void pc_sti(void) { __asm__ volatile("sti" : : : "memory"); }
/* Enables interrupts and waits for one: STI's shadow covers HLT, so an
 * interrupt already pending wakes the HLT instead of slipping in before it. */
static inline void pc_sti_hlt(void) { __asm__ volatile("sti; hlt" : : : "memory"); }
static inline u64 pc_rdtsc(void) { u32 lo, hi; __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi)); return (u64)hi << 32 | lo; }

/* ---------------- descriptor tables and stubs ---------------- */

static u64 pc_gdt[3] __attribute__((aligned(8)));
static u64 pc_idt[0x30] __attribute__((aligned(8)));
struct __attribute__((packed)) pc_dtr { u16 limit; u32 base; };

PC_FN u64 pc_seg_desc(u32 base, u32 limit, u8 access, u8 flags)
{
    return (u64)(limit & 0xffff) | ((u64)(base & 0xffffff) << 16) | ((u64)access << 40) |
           ((u64)((limit >> 16) & 0xf) << 48) | ((u64)(flags & 0xf) << 52) | ((u64)(base >> 24) << 56);
}

PC_FN u64 pc_gate_desc(u32 offset, u16 sel, u8 type_attr)
{
    return (u64)(offset & 0xffff) | ((u64)sel << 16) | ((u64)type_attr << 40) | ((u64)(offset >> 16) << 48);
}

/* One stub per vector: exceptions push the vector and call pc_exception
 * (which does not return); IRQs save the registers, call
 * pc_irq_dispatch(irq) with the direction flag clear, and IRET. */
__asm__(
    ".text\n"
    ".macro PC_EXC n\n"
    "pc_exc_\\n:\n\t"
    "pushl $\\n\n\t"
    "call pc_exception\n"
    ".endm\n"
    ".macro PC_IRQ n\n"
    "pc_irq_\\n:\n\t"
    "pushal\n\t"
    "cld\n\t"
    "pushl $\\n\n\t"
    "call pc_irq_dispatch\n\t"
    "addl $4, %esp\n\t"
    "popal\n\t"
    "iret\n"
    ".endm\n"
    ".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
    "PC_EXC \\n\n"
    ".endr\n"
    ".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
    "PC_IRQ \\n\n"
    ".endr\n"
    ".section .rodata\n"
    ".balign 4\n"
    "pc_exc_stubs:\n"
    ".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n\t"
    ".long pc_exc_\\n\n"
    ".endr\n"
    "pc_irq_stubs:\n"
    ".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n\t"
    ".long pc_irq_\\n\n"
    ".endr\n"
    ".text\n");
extern const u32 pc_exc_stubs[32], pc_irq_stubs[16];

void pc_exception(u32 vec) __attribute__((noreturn, used));
void pc_exception(u32 vec)
{
    rt_printf("UNEXPECTED exception %u\n", vec);
    rt_exit(124);
}

typedef void (*pc_irq_fn)(void);
static pc_irq_fn pc_irq_handlers[16];
static volatile u32 pc_spurious;

PC_FN u8 pc_pic_isr(u16 cmd)
{
    outb(cmd, 0x0b);                    /* OCW3: read ISR */
    return inb(cmd);
}

void pc_irq_dispatch(u32 irq) __attribute__((used));
void pc_irq_dispatch(u32 irq)
{
    /* A spurious IRQ 7/15 (the request went away before INTA) is not in
     * service: it gets no EOI from its own PIC (IRQ 15 still needs one on
     * the master, which did see IRQ 2). */
    if (irq == 7 && !(pc_pic_isr(PIC1_CMD) & 0x80)) {
        pc_spurious++;
        return;
    }
    if (irq == 15 && !(pc_pic_isr(PIC2_CMD) & 0x80)) {
        pc_spurious++;
        outb(PIC1_CMD, PIC_EOI);
        return;
    }
    if (pc_irq_handlers[irq])
        pc_irq_handlers[irq]();
    if (irq >= 8)
        outb(PIC2_CMD, PIC_EOI);
    outb(PIC1_CMD, PIC_EOI);
}

PC_FN void pc_tables_init(void)
{
    pc_gdt[0] = 0;
    pc_gdt[1] = pc_seg_desc(0, 0xfffff, 0x9a, 0xc);    /* 0x08 code, flat */
    pc_gdt[2] = pc_seg_desc(0, 0xfffff, 0x92, 0xc);    /* 0x10 data, flat */
    struct pc_dtr g = { sizeof pc_gdt - 1, (u32)pc_gdt };
    __asm__ volatile("lgdt %0\n\t"
                     "ljmp %1, $1f\n"
                     "1:\n\t"
                     "movl %2, %%eax\n\t"
                     "movl %%eax, %%ds\n\t"
                     "movl %%eax, %%es\n\t"
                     "movl %%eax, %%fs\n\t"
                     "movl %%eax, %%gs\n\t"
                     "movl %%eax, %%ss"
                     : : "m"(g), "i"(PC_KERNEL_CS), "i"(PC_KERNEL_DS) : "eax", "memory");
    for (int v = 0; v < 32; v++)
        pc_idt[v] = pc_gate_desc(pc_exc_stubs[v], PC_KERNEL_CS, 0x8e);
    for (int i = 0; i < 16; i++)
        pc_idt[PC_IRQ_BASE + i] = pc_gate_desc(pc_irq_stubs[i], PC_KERNEL_CS, 0x8e);  /* interrupt gates */
    struct pc_dtr d = { sizeof pc_idt - 1, (u32)pc_idt };
    __asm__ volatile("lidt %0" : : "m"(d) : "memory");
}

PC_FN void pc_irq_handler(int irq, pc_irq_fn fn) { pc_irq_handlers[irq] = fn; }

/* ---------------- 8259A PIC pair ---------------- */

/* Remaps the PICs to 0x20/0x28 and unmasks the IRQs whose bits are set in
 * `enabled` (IRQ 2, the cascade, is unmasked when any slave IRQ is). */
PC_FN void pc_pic_init(u16 enabled)
{
    if (enabled & 0xff00)
        enabled |= 1u << 2;
    outb(PIC1_CMD, 0x11); outb(PIC2_CMD, 0x11);     /* ICW1: edge, cascade, ICW4 follows */
    outb(PIC1_DATA, PC_IRQ_BASE); outb(PIC2_DATA, PC_IRQ_BASE + 8);  /* ICW2: vector bases */
    outb(PIC1_DATA, 0x04); outb(PIC2_DATA, 0x02);   /* ICW3: slave on IRQ2 */
    outb(PIC1_DATA, 0x01); outb(PIC2_DATA, 0x01);   /* ICW4: 8086 mode, normal EOI */
    outb(PIC1_DATA, (u8)~enabled); outb(PIC2_DATA, (u8)~(enabled >> 8));   /* OCW1: masks */
}

/* ---------------- 8254 PIT ---------------- */

/* Channel 0 in mode 2 (rate generator) or 3 (square wave, as a PC BIOS leaves
 * it): IRQ0 `hz` times a second. Returns the divisor. */
PC_FN u32 pc_pit_init(u32 hz, u32 mode)
{
    u32 div = (PIT_HZ + hz / 2) / hz;
    if (div > 65535)
        div = 0;                        /* 65536 */
    outb(PIT_MODE, mode == 3 ? 0x36 : 0x34);    /* channel 0, lobyte/hibyte, mode 3 or 2, binary */
    outb(PIT_CH0, div & 0xff);
    outb(PIT_CH0, (div >> 8) & 0xff);
    return div ? div : 65536;
}

/* ---------------- MC146818 RTC ---------------- */

struct pc_time { u32 year, month, day, hour, min, sec; };

PC_FN u8 pc_cmos_read(u8 reg) { outb(CMOS_INDEX, reg); return inb(CMOS_DATA); }
PC_FN void pc_cmos_write(u8 reg, u8 v) { outb(CMOS_INDEX, reg); outb(CMOS_DATA, v); }

PC_FN u32 pc_bcd(u8 v) { return (v >> 4) * 10 + (v & 0x0f); }

PC_FN void pc_rtc_raw(u8 r[7])
{
    while (pc_cmos_read(0x0a) & 0x80)   /* UIP: an update is about to happen */
        ;
    r[0] = pc_cmos_read(0x00);
    r[1] = pc_cmos_read(0x02);
    r[2] = pc_cmos_read(0x04);
    r[3] = pc_cmos_read(0x07);
    r[4] = pc_cmos_read(0x08);
    r[5] = pc_cmos_read(0x09);
    r[6] = pc_cmos_read(0x32);
}

/* The time, decoded as register B says (DM bit 2: binary; 24/12 bit 1: 24-hour). */
PC_FN void pc_rtc_read(struct pc_time *t)
{
    u8 a[7], b[7];
    int same;
    pc_rtc_raw(a);
    do {                                /* two reads in a row that agree: no update in between */
        for (int i = 0; i < 7; i++)
            b[i] = a[i];
        pc_rtc_raw(a);
        same = 1;
        for (int i = 0; i < 7; i++)
            if (a[i] != b[i])
                same = 0;
    } while (!same);
    u8 regb = pc_cmos_read(0x0b);
    int binary = regb & 0x04, h24 = regb & 0x02;
    u8 hour = a[2];
    int pm = !h24 && (hour & 0x80);
    hour &= 0x7f;
    t->sec = binary ? a[0] : pc_bcd(a[0]);
    t->min = binary ? a[1] : pc_bcd(a[1]);
    t->hour = binary ? hour : pc_bcd(hour);
    t->day = binary ? a[3] : pc_bcd(a[3]);
    t->month = binary ? a[4] : pc_bcd(a[4]);
    u32 century = binary ? a[6] : pc_bcd(a[6]);
    t->year = (century ? century : 20) * 100 + (binary ? a[5] : pc_bcd(a[5]));
    if (!h24) {                         /* 12-hour: 12 AM is 0, 12 PM is 12 */
        if (t->hour == 12)
            t->hour = 0;
        if (pm)
            t->hour += 12;
    }
}

/* Update-ended interrupt (UIE, register B bit 4) on or off; reading register C acknowledges. */
PC_FN void pc_rtc_uie(int on)
{
    u8 b = pc_cmos_read(0x0b);
    pc_cmos_write(0x0b, on ? (b | 0x10) : (b & ~0x10));
    (void)pc_cmos_read(0x0c);
}

/* ---------------- 16550A UART (COM1) ---------------- */

PC_FN void pc_uart_init(void)
{
    outb(COM1 + UART_IER, 0x00);        /* no interrupts while programming */
    outb(COM1 + UART_LCR, 0x80);        /* DLAB */
    outb(COM1 + 0, 1);                  /* divisor 1: 115200 baud */
    outb(COM1 + 1, 0);
    outb(COM1 + UART_LCR, 0x03);        /* 8 data bits, no parity, 1 stop bit */
    outb(COM1 + UART_FCR, 0x47);        /* FIFOs on, clear both, RX trigger level 4 */
    outb(COM1 + UART_MCR, 0x0b);        /* DTR, RTS, OUT2 (gates the IRQ line on a PC) */
    while (inb(COM1 + UART_LSR) & LSR_DR)   /* drop anything left over */
        (void)inb(COM1 + UART_RBR);
    (void)inb(COM1 + UART_IIR);
    outb(COM1 + UART_IER, 0x01);        /* received data available (and character timeout) */
}

/* ---------------- the command line ---------------- */

/* The value of `key=` on the command line as a number, or `dflt`. */
PC_FN u32 pc_cmdline_num(const char *key, u32 dflt)
{
    const char *s = rt_cmdline();
    while (*s) {
        while (*s == ' ')
            s++;
        const char *a = s, *k = key;
        while (*k && *a == *k)
            a++, k++;
        if (*k == 0 && *a == '=') {
            u32 v = 0;
            int digits = 0;
            for (a++; *a >= '0' && *a <= '9'; a++, digits++)
                v = v * 10 + (u32)(*a - '0');
            return digits ? v : dflt;
        }
        while (*s && *s != ' ')
            s++;
    }
    return dflt;
}

/* FNV-1a over a 32-bit word. */
PC_FN u32 pc_fnv(u32 h, u32 w)
{
    for (int i = 0; i < 4; i++) {
        h ^= (w >> (8 * i)) & 0xff;
        h *= 16777619u;
    }
    return h;
}

#define PC_FNV_SEED 2166136261u

#endif
