/* irq: hardware interrupt delivery through the IDT.
 *
 * Loads its own GDT and an IDT with an interrupt gate at vector 0x20 and a
 * trap gate at 0x21. The handlers (stubs.S) record the vector, the saved
 * EIP/CS/EFLAGS, EFLAGS.IF inside the handler and the value of shadow_flag
 * when the handler began. Then:
 *   - software INT 0x20 / 0x21 reach the gates (IF: cleared in an interrupt
 *     gate, kept in a trap gate);
 *   - STI; HLT waits for an interrupt and wakes up on it (saved EIP: after
 *     HLT), on either gate, and when nothing was scheduled at all;
 *   - with IF=0 a pending interrupt is not taken during a busy loop; STI
 *     lets exactly one more instruction run before it (the STI shadow);
 *     POPF setting IF has no shadow; two pending interrupts are taken back
 *     to back (the second right after the first one's IRET);
 *   - an interrupt arrives in the middle of a busy loop with IF=1.
 * References: Intel SDM vol. 3A 6.8.1 (masking maskable interrupts), 6.8.3
 * (the STI and MOV SS shadows), 6.12.1.3 (interrupt vs trap gates and IF);
 * vol. 2 HLT, STI, POPF, IRET.
 *
 * Where the interrupts come from (kernel command line):
 *   (default) the rewind86 test's interrupt device at port 0xe0
 *             (test/irq.test.ts: reading 0xe0 gives 0x54515249 "IRQT";
 *             outl(0xe0, vector | delay << 8) raises `vector` once, `delay`
 *             instructions after the OUT, or with delay 0xffffff only when
 *             the CPU is halted and waiting; inl(0xe4) = number of raised
 *             interrupts not yet taken). Every case runs.
 *   pit       QEMU's (a PC's) 8254 PIT channel 0 in one-shot mode through
 *             the 8259 PIC remapped to 0x20: IRQ0 = vector 0x20 only, so
 *             the 0x21 and "nothing scheduled" cases are skipped.
 *   soft      no interrupt source: only the software INT cases run.
 * Prints one PASS/FAIL/SKIP line per case, then
 *     irq: hardware interrupts taken: N      (not in soft mode)
 *     irq: P passed, F failed, S skipped
 * and exits with F.
 */
#include "rt.h"
#include "desc.h"
#include "multiboot.h"

#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define EFLAGS_IF (1u << 9)

#define DEV_PORT 0xe0
#define DEV_QUEUED_PORT 0xe4
#define DEV_ID 0x54515249u          /* "IRQT" */
#define DEV_ON_IDLE 0xffffffu

enum mode { MODE_DEVICE, MODE_PIT, MODE_SOFT };
static enum mode mode;

/* ---------------- descriptor tables ---------------- */

static u64 gdt[3] __attribute__((aligned(8)));
static u64 idt[0x30] __attribute__((aligned(8)));

extern const u32 exc_stubs[32];
extern char irq_stub_20[], irq_stub_21[];

static void tables_init(void)
{
    gdt[0] = 0;
    gdt[1] = seg_desc(0, 0xfffff, 0x9a, 0xc);  /* 0x08 code, flat */
    gdt[2] = seg_desc(0, 0xfffff, 0x92, 0xc);  /* 0x10 data, flat */
    struct dtr g = { sizeof gdt - 1, (u32)gdt };
    __asm__ volatile("lgdt %0\n\t"
                     "ljmp %1, $1f\n"
                     "1:\n\t"
                     "movl %2, %%eax\n\t"
                     "movl %%eax, %%ds\n\t"
                     "movl %%eax, %%es\n\t"
                     "movl %%eax, %%fs\n\t"
                     "movl %%eax, %%gs\n\t"
                     "movl %%eax, %%ss"
                     : : "m"(g), "i"(KERNEL_CS), "i"(KERNEL_DS) : "eax", "memory");

    for (int v = 0; v < 32; v++)
        idt[v] = gate_desc(exc_stubs[v], KERNEL_CS, 0x8e);
    idt[0x20] = gate_desc((u32)irq_stub_20, KERNEL_CS, 0x8e);   /* 32-bit interrupt gate */
    idt[0x21] = gate_desc((u32)irq_stub_21, KERNEL_CS, 0x8f);   /* 32-bit trap gate */
    struct dtr i = { sizeof idt - 1, (u32)idt };
    __asm__ volatile("lidt %0" : : "m"(i) : "memory");
}

/* ---------------- the handlers' side ---------------- */

struct irq_frame {
    u32 flag, edx, ecx, vec, hflags, eax;   /* pushed by the stub */
    u32 eip, cs, eflags;                    /* pushed by the CPU */
};

struct record { u32 vec, eip, cs, eflags, hflags, flag; };

#define MAX_RECORDS 16
volatile u32 irq_count;                     /* every delivery (stubs.S reads it too) */
static struct record rec[MAX_RECORDS];
static u32 sw_ints;                         /* deliveries by INT n (the rest came from hardware) */
volatile u32 shadow_flag;
volatile u32 eflags_after;
static volatile int eoi_needed;

void irq_record(struct irq_frame *f)
{
    if (irq_count < MAX_RECORDS) {
        struct record *r = &rec[irq_count];
        r->vec = f->vec;
        r->eip = f->eip;
        r->cs = f->cs;
        r->eflags = f->eflags;
        r->hflags = f->hflags;
        r->flag = f->flag;
    }
    irq_count++;
    if (eoi_needed && f->vec == 0x20)
        outb(0x20, 0x20);                   /* non-specific EOI to the master PIC */
}

void irq_unexpected(u32 vec) __attribute__((noreturn));
void irq_unexpected(u32 vec)
{
    rt_printf("irq: UNEXPECTED exception %u\n", vec);
    rt_exit(124);
}

extern void sti_hlt_cli(void), sti_flag(void), popf_if(void), spin(u32 n), int20(void), int21(void);
extern u32 spin_until_irq(u32 limit);
extern char hlt_resume[], sti_flag_resume[], popf_resume[], spin_loop[], spin_done[], int20_resume[], int21_resume[];

static inline void cli(void) { __asm__ volatile("cli" : : : "memory"); }
static inline void sti(void) { __asm__ volatile("sti" : : : "memory"); }
static inline u32 eflags(void) { u32 f; __asm__ volatile("pushfl; popl %0" : "=r"(f)); return f; }

/* ---------------- interrupt sources ---------------- */

static void pic_init(u8 master_mask)
{
    outb(0x20, 0x11); outb(0xa0, 0x11);     /* ICW1: edge, cascade, ICW4 (also clears IRR) */
    outb(0x21, 0x20); outb(0xa1, 0x28);     /* ICW2: vector bases */
    outb(0x21, 0x04); outb(0xa1, 0x02);     /* ICW3: slave on IRQ2 */
    outb(0x21, 0x01); outb(0xa1, 0x01);     /* ICW4: 8086 mode */
    outb(0x21, master_mask); outb(0xa1, 0xff);
}

/* Raises `vec` once, `delay` instructions from now (device) or about
 * 1 ms / 170 us from now (PIT; delay 0 = the short one). Returns 0 when the
 * source cannot raise this vector (the case is skipped). Call with IF=0. */
static int raise(u32 vec, u32 delay)
{
    switch (mode) {
    case MODE_DEVICE:
        outl(DEV_PORT, vec | delay << 8);
        return 1;
    case MODE_PIT: {
        if (vec != 0x20 || delay == DEV_ON_IDLE)
            return 0;
        u16 ticks = delay ? 1193 : 200;     /* 1.193182 MHz */
        outb(0x21, 0xff);
        outb(0x43, 0x30);                   /* channel 0, lobyte/hibyte, mode 0 (one shot), binary */
        outb(0x40, ticks & 0xff);
        outb(0x40, ticks >> 8);             /* OUT low until the count expires, then one rising edge */
        pic_init(0xfe);                     /* drop stale requests; IRQ0 only */
        return 1;
    }
    default:
        return 0;
    }
}

/* 1 if the raised interrupt(s) are requested and not yet taken. */
static int still_pending(u32 n)
{
    switch (mode) {
    case MODE_DEVICE:
        return inl(DEV_QUEUED_PORT) == n;
    case MODE_PIT:
        outb(0x20, 0x0a);                   /* OCW3: read IRR */
        return (inb(0x20) & 1) != 0;
    default:
        return 0;
    }
}

/* Waits (IF=0) until the raised interrupt is pending at the CPU. */
static int wait_pending(u32 n)
{
    u32 tries = mode == MODE_DEVICE ? 1000 : 10000000;
    for (u32 i = 0; i < tries; i++)
        if (still_pending(n))
            return 1;
    return 0;
}

/* After a case: no interrupt may stay behind for the next one. The PIT
 * source is masked; the device's leftovers (a case that failed) are taken
 * here, with sti; hlt (as a deadline may still lie ahead). */
static void quiet(void)
{
    if (mode == MODE_PIT)
        outb(0x21, 0xff);
    for (int i = 0; mode == MODE_DEVICE && i < 8 && inl(DEV_QUEUED_PORT) != 0; i++)
        sti_hlt_cli();
}

/* ---------------- reporting ---------------- */

static int passed, failed, skipped;
static u32 count0;
static const char *why;

static void begin(void)
{
    cli();
    shadow_flag = 0;
    count0 = irq_count;
    why = 0;
}

static void expect(int cond, const char *what)
{
    if (!cond && !why)
        why = what;
}

static const struct record *nth(u32 k) { return &rec[count0 + k]; }

/* The k-th delivery of this case: vector, saved EIP, IF in the handler and in the saved EFLAGS. */
static void expect_record(u32 k, u32 vec, const void *eip, int handler_if, int saved_if)
{
    if (count0 + k >= MAX_RECORDS) {
        expect(0, "too many interrupts for the record");
        return;
    }
    const struct record *r = nth(k);
    expect(r->vec == vec, "wrong vector");
    expect(r->eip == (u32)eip, "wrong saved EIP");
    expect(r->cs == KERNEL_CS, "wrong saved CS");
    expect(((r->hflags & EFLAGS_IF) != 0) == handler_if, handler_if ? "IF=0 in the handler" : "IF=1 in the handler");
    expect(((r->eflags & EFLAGS_IF) != 0) == saved_if, saved_if ? "saved EFLAGS.IF=0" : "saved EFLAGS.IF=1");
}

static void end(const char *name)
{
    cli();
    quiet();
    if (why) {
        failed++;
        rt_printf("FAIL %s: %s (interrupts %u", name, why, irq_count - count0);
        for (u32 k = 0; k < irq_count - count0 && count0 + k < MAX_RECORDS; k++)
            rt_printf("; vec=0x%x eip=0x%08x eflags=0x%x handler-eflags=0x%x flag=%u", nth(k)->vec, nth(k)->eip,
                      nth(k)->eflags, nth(k)->hflags, nth(k)->flag);
        rt_puts(")\n");
    } else {
        passed++;
        rt_printf("PASS %s\n", name);
    }
}

static void skip(const char *name)
{
    skipped++;
    rt_printf("SKIP %s\n", name);
}

/* ---------------- the cases ---------------- */

static void soft_cases(void)
{
    begin();
    int20();
    sti();
    int20();
    u32 f = eflags();
    expect(irq_count - count0 == 2, "not 2 interrupts");
    expect_record(0, 0x20, int20_resume, 0, 0);
    expect_record(1, 0x20, int20_resume, 0, 1);
    expect((f & EFLAGS_IF) != 0, "IF not restored by IRET");
    sw_ints += 2;
    end("int 0x20 reaches the interrupt gate (IF=0 inside)");

    begin();
    sti();
    int21();
    cli();
    int21();
    expect(irq_count - count0 == 2, "not 2 interrupts");
    expect_record(0, 0x21, int21_resume, 1, 1);
    expect_record(1, 0x21, int21_resume, 0, 0);
    sw_ints += 2;
    end("int 0x21 reaches the trap gate (IF unchanged inside)");
}

static void hlt_cases(void)
{
    const char *name = "sti; hlt waits for interrupt 0x20 (interrupt gate), 3 times";
    begin();
    if (!raise(0x20, 3000)) {
        skip(name);
    } else {
        sti_hlt_cli();
        for (int i = 1; i < 3; i++) {
            raise(0x20, 3000);
            sti_hlt_cli();
        }
        expect(irq_count - count0 == 3, "not 3 interrupts");
        for (u32 k = 0; k < 3; k++)
            expect_record(k, 0x20, hlt_resume, 0, 1);
        end(name);
    }

    name = "sti; hlt waits for interrupt 0x21 (trap gate, IF=1 inside)";
    begin();
    if (!raise(0x21, 3000)) {
        skip(name);
    } else {
        sti_hlt_cli();
        expect(irq_count - count0 == 1, "not 1 interrupt");
        expect_record(0, 0x21, hlt_resume, 1, 1);
        end(name);
    }

    name = "sti; hlt with nothing scheduled, woken when an interrupt comes";
    begin();
    if (!raise(0x20, DEV_ON_IDLE)) {
        skip(name);
    } else {
        sti_hlt_cli();
        expect(irq_count - count0 == 1, "not 1 interrupt");
        expect_record(0, 0x20, hlt_resume, 0, 1);
        end(name);
    }
}

static void masking_cases(void)
{
    const char *name = "cli holds a pending interrupt off; sti lets one more instruction run first";
    begin();
    if (!raise(0x20, 0)) {
        skip(name);
    } else {
        expect(wait_pending(1), "the interrupt never became pending");
        spin(200000);
        expect(irq_count == count0, "taken while IF=0");
        expect(still_pending(1), "no longer pending after the busy loop");
        sti_flag();
        expect(irq_count - count0 == 1, "not 1 interrupt");
        expect_record(0, 0x20, sti_flag_resume, 0, 1);
        expect(count0 < MAX_RECORDS && nth(0)->flag == 1, "the instruction after sti had not run (no STI shadow)");
        expect((eflags_after & EFLAGS_IF) != 0, "IF not restored by IRET");
        end(name);
    }

    name = "popf setting IF lets a pending interrupt in right after it";
    begin();
    if (!raise(0x20, 0)) {
        skip(name);
    } else {
        expect(wait_pending(1), "the interrupt never became pending");
        popf_if();
        expect(irq_count - count0 == 1, "not 1 interrupt");
        expect_record(0, 0x20, popf_resume, 0, 1);
        expect(count0 < MAX_RECORDS && nth(0)->flag == 0, "the instruction after popf ran first");
        end(name);
    }

    name = "two pending interrupts (0x20, 0x21) taken back to back after sti + 1";
    begin();
    if (mode != MODE_DEVICE || !raise(0x20, 0) || !raise(0x21, 0)) {
        skip(name);
    } else {
        expect(wait_pending(2), "the interrupts never became pending");
        spin(1000);
        expect(irq_count == count0, "taken while IF=0");
        sti_flag();
        expect(irq_count - count0 == 2, "not 2 interrupts");
        expect_record(0, 0x20, sti_flag_resume, 0, 1);
        expect_record(1, 0x21, sti_flag_resume, 1, 1);
        expect(count0 + 1 < MAX_RECORDS && nth(0)->flag == 1 && nth(1)->flag == 1, "the instruction after sti had not run");
        end(name);
    }
}

static void busy_loop_cases(void)
{
    static const u32 vecs[2] = { 0x20, 0x21 };
    static const char *names[2] = {
        "interrupt 0x20 arrives in a busy loop with IF=1",
        "interrupt 0x21 (trap gate) arrives in a busy loop with IF=1",
    };
    u32 limit = mode == MODE_DEVICE ? 1000000 : 200000000;
    for (int i = 0; i < 2; i++) {
        begin();
        if (!raise(vecs[i], 5000)) {
            skip(names[i]);
            continue;
        }
        sti();
        u32 spins = spin_until_irq(limit);
        cli();
        expect(irq_count - count0 == 1, "not 1 interrupt");
        expect(spins < limit, "the loop ran to its limit");
        if (count0 < MAX_RECORDS) {
            const struct record *r = nth(0);
            expect(r->eip >= (u32)spin_loop && r->eip < (u32)spin_done, "saved EIP outside the loop");
            expect(r->vec == vecs[i], "wrong vector");
            expect(((r->hflags & EFLAGS_IF) != 0) == (vecs[i] == 0x21), "wrong IF in the handler");
            expect((r->eflags & EFLAGS_IF) != 0, "saved EFLAGS.IF=0");
        }
        end(names[i]);
    }
}

static int has_word(const char *s, const char *w)
{
    while (*s) {
        while (*s == ' ')
            s++;
        const char *a = s, *b = w;
        while (*a && *a != ' ' && *a == *b)
            a++, b++;
        if (*b == 0 && (*a == 0 || *a == ' '))
            return 1;
        while (*s && *s != ' ')
            s++;
    }
    return 0;
}

int main(void)
{
    const char *cmd = rt_cmdline();
    mode = has_word(cmd, "soft") ? MODE_SOFT : has_word(cmd, "pit") ? MODE_PIT : MODE_DEVICE;
    if (mode == MODE_DEVICE && inl(DEV_PORT) != DEV_ID) {
        rt_puts("irq: no interrupt test device at port 0xe0 (under QEMU: -append soft, or -append pit)\n");
        return 125;
    }
    tables_init();
    if (mode == MODE_PIT) {
        eoi_needed = 1;
        pic_init(0xff);
    }
    rt_printf("irq: interrupt delivery tests, source: %s\n",
              mode == MODE_DEVICE ? "test device" : mode == MODE_PIT ? "PIT+PIC" : "none (software interrupts only)");

    soft_cases();
    hlt_cases();
    masking_cases();
    busy_loop_cases();

    if (mode != MODE_SOFT)
        rt_printf("irq: hardware interrupts taken: %u\n", irq_count - sw_ints);
    rt_printf("irq: %d passed, %d failed, %d skipped\n", passed, failed, skipped);
    return failed;
}
