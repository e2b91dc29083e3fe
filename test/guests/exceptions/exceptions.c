/* exceptions: protected-mode exception and interrupt delivery.
 *
 * Loads its own GDT and IDT, then runs the cases of cases.c, each one a
 * small routine in triggers.S, and checks what the CPU delivered: vector, error code, saved
 * EIP (fault: the instruction itself; trap: the next one), saved CS and
 * EFLAGS, and where it matters general registers, CR2 and memory. Prints
 * one PASS/FAIL/SKIP line per case and
 *     exceptions: N passed, M failed, K skipped
 * and exits with code M.
 *
 * SKIP: QEMU's TCG does not check segment limits, access rights or null
 * selectors on ordinary data accesses. The guest probes this once (a load
 * past a 4 KiB DS limit); if that does not fault, the cases of that class
 * are reported as SKIP. With "strict" on the kernel command line they count
 * as failures instead.
 *
 * References: Intel SDM vol. 3A ch. 6 (interrupt and exception handling,
 * error codes 6.13), ch. 3/5 (segment descriptors and protection checks),
 * ch. 4 (paging, #PF error code 4.7); vol. 2 for MOV Sreg, BOUND, INTO.
 */
#include "rt.h"
#include "desc.h"
#include "multiboot.h"
#include "exceptions.h"

/* ---------------- descriptor tables ---------------- */

#define GDT_ENTRIES 9
#define IDT_ENTRIES 0x50                /* vectors 0x00..0x4f: 0x80 lies beyond the limit */

static u64 gdt[GDT_ENTRIES] __attribute__((aligned(8)));
static u64 idt[IDT_ENTRIES] __attribute__((aligned(8)));

u8 ss_stack[4096] __attribute__((aligned(4096)));
u8 pf_pages[3][4096] __attribute__((aligned(4096)));
static u32 page_dir[1024] __attribute__((aligned(4096)));
static u32 page_tables[2][1024] __attribute__((aligned(4096)));   /* 0..8 MiB */

extern const u32 isr_stubs_low[32], isr_stubs_soft[4];

static void gdt_init(void)
{
    gdt[0] = 0;
    gdt[1] = seg_desc(0, 0xfffff, 0x9a, 0xc);  /* 0x08 code, flat, execute/read */
    gdt[2] = seg_desc(0, 0xfffff, 0x92, 0xc);  /* 0x10 data, flat, read/write */
    gdt[3] = seg_desc(0, 0xfffff, 0x12, 0xc);  /* 0x18 data, not present */
    gdt[4] = seg_desc(0, 0xfff, 0x92, 0x4);    /* 0x20 data, limit 0xfff (byte granular) */
    gdt[5] = seg_desc(0, 0xfffff, 0x98, 0xc);  /* 0x28 code, execute-only */
    /* 0x30 stack: base 0, 4 KiB granular, limit = last byte of ss_stack */
    gdt[6] = seg_desc(0, (u32)ss_stack >> 12, 0x92, 0xc);
    gdt[7] = seg_desc(0, 0xfff, 0x9a, 0x4);    /* 0x38 code, limit 0xfff */
    gdt[8] = seg_desc(0, 0xfffff, 0x90, 0xc);  /* 0x40 data, read-only */

    struct dtr d = { sizeof gdt - 1, (u32)gdt };
    __asm__ volatile("lgdt %0\n\t"
                     "ljmp %1, $1f\n"
                     "1:\n\t"
                     "movl %2, %%eax\n\t"
                     "movl %%eax, %%ds\n\t"
                     "movl %%eax, %%es\n\t"
                     "movl %%eax, %%fs\n\t"
                     "movl %%eax, %%gs\n\t"
                     "movl %%eax, %%ss"
                     : : "m"(d), "i"(KERNEL_CS), "i"(KERNEL_DS) : "eax", "memory");
}

static void idt_init(void)
{
    for (int v = 0; v < 32; v++)
        idt[v] = gate_desc(isr_stubs_low[v], KERNEL_CS, 0x8e);      /* interrupt gate */
    idt[0x40] = gate_desc(isr_stubs_soft[0], KERNEL_CS, 0x8e);      /* interrupt gate */
    idt[0x41] = gate_desc(isr_stubs_soft[1], KERNEL_CS, 0x8f);      /* trap gate */
    idt[0x42] = gate_desc(isr_stubs_soft[2], KERNEL_CS, 0x0e);      /* not present */
    idt[0x43] = gate_desc(isr_stubs_soft[3], KERNEL_CS, 0x80);      /* present, reserved type 0 */

    struct dtr d = { sizeof idt - 1, (u32)idt };
    __asm__ volatile("lidt %0" : : "m"(d) : "memory");
}

void paging_on(void)
{
    for (u32 i = 0; i < 2 * 1024; i++)
        page_tables[i / 1024][i % 1024] = (i << 12) | 3;          /* present, writable */
    u32 p1 = (u32)pf_pages[1] >> 12, p2 = (u32)pf_pages[2] >> 12;
    page_tables[p1 / 1024][p1 % 1024] = 0;                      /* not present */
    page_tables[p2 / 1024][p2 % 1024] = (p2 << 12) | 1;         /* read-only */
    page_dir[0] = (u32)page_tables[0] | 3;
    page_dir[1] = (u32)page_tables[1] | 3;
    __asm__ volatile("movl %0, %%cr3\n\t"
                     "movl %%cr0, %%eax\n\t"
                     "orl $0x80010000, %%eax\n\t"                /* PG | WP */
                     "movl %%eax, %%cr0\n\t"
                     "jmp 1f\n1:"
                     : : "r"(page_dir) : "eax", "memory");
}

void paging_off(void)
{
    __asm__ volatile("movl %%cr0, %%eax\n\t"
                     "andl $0x7ffeffff, %%eax\n\t"
                     "movl %%eax, %%cr0\n\t"
                     "jmp 1f\n1:"
                     : : : "eax", "memory");
}

/* ---------------- the exception handler's side ---------------- */

struct exc_frame last;          /* the most recent exception */
u32 last_cr2, last_handler_eflags;
u32 exc_count;
u32 natural_vec = ~0u;          /* this vector IRETs back to where it was raised */

/* Shared with triggers.S. */
u32 recover_eip, trig_esp, fell_through, eflags_after;
u32 probe = 0xc0ffee11, probe_copy, probe_ro = 0x600dda7a;

/* Called by isr_common with the frame; returns the EIP to resume at, or 0
 * to IRET back to the saved one. */
u32 exc_record(struct exc_frame *f)
{
    u32 cr2, efl;
    __asm__ volatile("movl %%cr2, %0" : "=r"(cr2));
    __asm__ volatile("pushfl; popl %0" : "=r"(efl));
    last = *f;
    last_cr2 = cr2;
    last_handler_eflags = efl;
    if (++exc_count > 3) {
        rt_printf("exceptions: runaway exceptions (vec=%u eip=0x%08x), giving up\n", f->vec, f->eip);
        rt_exit(126);
    }
    if (f->vec == natural_vec)
        return 0;
    if (recover_eip)
        return recover_eip;
    rt_printf("exceptions: UNEXPECTED exception vec=%u err=0x%x eip=0x%08x cs=0x%x eflags=0x%08x\n",
              f->vec, f->err, f->eip, f->cs, f->eflags);
    rt_exit(127);
}

/* ---------------- bookkeeping ---------------- */

static int n_pass, n_fail, n_skip;
static int strict, checks_enforced;

static struct {
    const char *tag, *desc;
    enum kind kind;
    int vec, err, limit_class;
    u32 eip;
    int ok;
    char why[160];
    int why_len;
} cur;

static int vec_has_error_code(u32 v)
{
    return v == 8 || (v >= 10 && v <= 14) || v == 17;
}

static void why_append(const char *s)
{
    if (cur.why_len && cur.why_len < (int)sizeof cur.why - 2)
        cur.why[cur.why_len++] = ';', cur.why[cur.why_len++] = ' ';
    while (*s && cur.why_len < (int)sizeof cur.why - 1)
        cur.why[cur.why_len++] = *s++;
    cur.why[cur.why_len] = 0;
}

/* Prepares the globals for one case: what is expected, and a clean record. */
void begin(const char *tag, const char *desc, enum kind kind, int vec, int err, const void *eip)
{
    cur.tag = tag;
    cur.desc = desc;
    cur.kind = kind;
    cur.vec = vec;
    cur.err = err;
    cur.eip = (u32)eip;
    cur.limit_class = 0;
    cur.ok = 1;
    cur.why_len = 0;
    cur.why[0] = 0;
    exc_count = 0;
    fell_through = 0;
    eflags_after = 0;
    last_cr2 = 0;
    last.vec = ~0u;
    last.err = last.eip = last.cs = last.eflags = 0;
    natural_vec = kind == TRAP ? (u32)vec : ~0u;
}

/* A case that only faults where data accesses are checked against segment
 * limits and access rights (not under QEMU TCG). */
void limit_class(void)
{
    cur.limit_class = 1;
}

void expect(int cond, const char *what)
{
    if (!cond) {
        cur.ok = 0;
        why_append(what);
    }
}

void end(void)
{
    int took = exc_count != 0;
    int eip_ok = took && last.eip == cur.eip;

    if (cur.limit_class && !took && fell_through && !checks_enforced && !strict) {
        n_skip++;
        rt_printf("SKIP %-4s %s: no exception (segment checks on data accesses not enforced)\n", cur.tag,
                  cur.desc);
        natural_vec = ~0u;
        return;
    }
    if (cur.kind == NONE) {
        expect(!took, "unexpected exception");
        expect(fell_through == 1, "did not run to the end");
    } else {
        expect(exc_count == 1, exc_count ? "more than one exception" : "no exception");
        if (took) {
            expect(last.vec == (u32)cur.vec, "wrong vector");
            if (cur.err != NOERR)
                expect(last.err == (u32)cur.err, "wrong error code");
            expect(eip_ok, "wrong saved EIP");
            expect((last.cs & 0xffff) == KERNEL_CS, "wrong saved CS");
            expect((last.eflags & 0x2) != 0, "saved EFLAGS bit 1 clear");
            if (cur.kind == TRAP)
                expect(fell_through == 1, "did not resume after the instruction");
            else
                expect(fell_through == 0, "the next instruction ran");
        }
    }
    natural_vec = ~0u;

    if (cur.ok)
        n_pass++;
    else
        n_fail++;
    rt_printf("%s %-4s %s: ", cur.ok ? "PASS" : "FAIL", cur.tag, cur.desc);
    if (!took) {
        rt_puts("vec=- err=- eip=-");
    } else {
        rt_printf("vec=%u ", last.vec);
        if (vec_has_error_code(last.vec))
            rt_printf("err=0x%x ", last.err);
        else
            rt_puts("err=- ");
        rt_puts(eip_ok ? "eip=OK" : "eip=BAD");
    }
    if (!cur.ok) {
        rt_printf(" -- %s; want", cur.why);
        if (cur.kind == NONE)
            rt_puts(" no exception");
        else {
            rt_printf(" vec=%d", cur.vec);
            if (cur.err != NOERR)
                rt_printf(" err=0x%x", cur.err);
            rt_printf(" eip=0x%08x", cur.eip);
        }
        if (took)
            rt_printf("; got eip=0x%08x cs=0x%x eflags=0x%08x", last.eip, last.cs, last.eflags);
    }
    rt_putc('\n');
}

static int cmdline_has(const char *word)
{
    const char *s = rt_cmdline();
    while (*s) {
        while (*s == ' ')
            s++;
        const char *w = word;
        const char *t = s;
        while (*w && *t == *w)
            t++, w++;
        if (!*w && (*t == ' ' || *t == 0))
            return 1;
        while (*s && *s != ' ')
            s++;
    }
    return 0;
}

int main(void)
{
    rt_puts("exceptions: protected-mode exception tests\n");
    outb(0x21, 0xff);           /* mask every 8259 IRQ: STI below must not let one in */
    outb(0xa1, 0xff);
    gdt_init();
    idt_init();

    strict = cmdline_has("strict");
    begin("", "", FAULT, 13, 0, at_gp_ds_limit);
    trig_gp_ds_limit();
    checks_enforced = exc_count == 1 && last.vec == 13;
    rt_printf("segment limit/rights checks on data accesses: %s%s\n",
              checks_enforced ? "enforced" : "not enforced (as in QEMU TCG)",
              strict ? ", strict mode: required" : "");

    run_divide_and_traps();
    run_segment_loads();
    run_data_access_checks();
    run_far_jumps_and_gates();
    run_page_faults();

    rt_printf("exceptions: %d passed, %d failed, %d skipped\n", n_pass, n_fail, n_skip);
    return n_fail;
}
