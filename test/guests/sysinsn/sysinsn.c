/* sysinsn: the system instructions the user-mode differential test cannot
 * reach (it runs at CPL 3 under Linux), at CPL 0 in 32-bit protected mode.
 *
 * Loads its own GDT (two extra code segments, an LDT, a TSS and descriptors
 * that are only inspected) and IDT, then runs the cases of cases_*.c:
 *   cases_io.c    in/out (imm8 and DX, 8/16/32 bits), ins/outs with and
 *                 without rep, DF=0/1, through the test device of
 *                 test/sysinsn.test.ts (command line "dev"; else SKIP), and
 *                 an unclaimed port (all ones);
 *   cases_cpu.c   cpuid, rdtsc, rdmsr/wrmsr;
 *   cases_sys.c   control and debug registers, smsw/lmsw/clts,
 *                 lgdt/sgdt/lidt/sidt (16- and 32-bit operand size),
 *                 lldt/sldt/ltr/str, lar/lsl/verr/verw, arpl;
 *   cases_flow.c  invd/wbinvd/invlpg (with paging: the TLB), cli/sti and
 *                 pushf/popf, lock on memory and on a register, far
 *                 call/ret/jmp, int n/iret, iret with a 16-bit frame and a
 *                 16-bit interrupt gate.
 * Prints one PASS/FAIL/SKIP line per case (values as key=value), then
 *     sysinsn: N passed, M failed, K skipped
 * and exits with M. Values that depend on the emulator (CPUID vendor and
 * feature bits, the exact TSC difference) are printed, not judged here:
 * the rewind86 test judges them, and the guest passes under QEMU too.
 *
 * Command line: "dev" = the test device is at ports 0xe0-0xe7 (read 0xe7 =
 * 0xa5); "strict" = cases where QEMU's TCG is known to differ from the
 * SDM count as failures instead of SKIP.
 *
 * References: Intel SDM vol. 2 (each instruction), vol. 3A ch. 2 (control
 * registers), 3 and 5 (descriptors, protection), 6 (interrupts), 7 (TSS),
 * 17.2 (debug registers).
 */
#include "rt.h"
#include "desc.h"
#include "multiboot.h"
#include "sysinsn.h"

/* ---------------- descriptor tables ---------------- */

u64 gdt[GDT_ENTRIES] __attribute__((aligned(8)));
u64 ldt[2] __attribute__((aligned(8)));
u32 tss[26] __attribute__((aligned(8)));        /* 104 bytes, all zero: only loaded, never switched to */
u64 idt[IDT_ENTRIES] __attribute__((aligned(8)));

static void tables_init(void)
{
    gdt[0] = 0;
    gdt[SEL_CODE >> 3] = seg_desc(0, 0xfffff, 0x9a, 0xc);
    gdt[SEL_DATA >> 3] = seg_desc(0, 0xfffff, 0x92, 0xc);
    gdt[SEL_CODE2 >> 3] = seg_desc(0, 0xfffff, 0x9a, 0xc);
    gdt[SEL_CODE_HI >> 3] = seg_desc(CODE_HI_BASE, 0xfffff, 0x9a, 0xc);
    gdt[SEL_LDT >> 3] = seg_desc((u32)ldt, sizeof ldt - 1, 0x82, 0x0);
    gdt[SEL_TSS >> 3] = seg_desc((u32)tss, sizeof tss - 1, 0x89, 0x0);
    /* accessed bit already set: nothing can change these descriptors */
    gdt[SEL_LAR_CODE >> 3] = seg_desc(0x12345678, 0xabcde, 0x9b, 0xd);  /* G, D, AVL */
    gdt[SEL_LAR_DATA >> 3] = seg_desc(0x00400000, 0x12345, 0x93, 0x4);  /* byte granular, B */
    gdt[SEL_XONLY >> 3] = seg_desc(0, 0xfffff, 0x99, 0xc);
    gdt[SEL_RODATA >> 3] = seg_desc(0, 0xfffff, 0x91, 0xc);
    ldt[0] = 0;
    ldt[1] = seg_desc(0, 0xfffff, 0x93, 0xc);

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
                     : : "m"(g), "i"(SEL_CODE), "i"(SEL_DATA) : "eax", "memory");

    for (int v = 0; v < 32; v++)
        idt[v] = gate_desc(isr_stubs[v], SEL_CODE, 0x8e);               /* 32-bit interrupt gates */
    idt[0x40] = gate_desc((u32)int40_handler, SEL_CODE, 0x8e);
    /* 16-bit interrupt gate into the code segment based at the kernel's .text */
    idt[0x41] = gate_desc((u32)gate16_handler - CODE_HI_BASE, SEL_CODE_HI, 0x86);
    struct dtr i = { sizeof idt - 1, (u32)idt };
    __asm__ volatile("lidt %0" : : "m"(i) : "memory");
}

/* ---------------- paging (identity 0-8 MiB; page_dir[2] is free for tests) ---------------- */

u32 page_dir[1024] __attribute__((aligned(4096)));
static u32 page_tables[2][1024] __attribute__((aligned(4096)));

void paging_on(void)
{
    for (u32 i = 0; i < 2 * 1024; i++)
        page_tables[i / 1024][i % 1024] = (i << 12) | 3;
    page_dir[0] = (u32)page_tables[0] | 3;
    page_dir[1] = (u32)page_tables[1] | 3;
    __asm__ volatile("movl %0, %%cr3\n\t"
                     "movl %%cr0, %%eax\n\t"
                     "orl $0x80000000, %%eax\n\t"
                     "movl %%eax, %%cr0\n\t"
                     "jmp 1f\n1:"
                     : : "r"(page_dir) : "eax", "memory");
}

void paging_off(void)
{
    __asm__ volatile("movl %%cr0, %%eax\n\t"
                     "andl $0x7fffffff, %%eax\n\t"
                     "movl %%eax, %%cr0\n\t"
                     "jmp 1f\n1:\n\t"
                     "xorl %%eax, %%eax\n\t"
                     "movl %%eax, %%cr3"
                     : : : "eax", "memory");
}

/* ---------------- the exception handler's side ---------------- */

struct exc_frame last_exc;
u32 exc_count;
u32 recover_eip;                /* stubs.S: catch_call's recovery label while it runs */

/* Called by isr_common; returns the EIP to resume at. */
u32 exc_record(struct exc_frame *f)
{
    last_exc = *f;
    if (++exc_count > 3) {
        rt_printf("sysinsn: runaway exceptions (vec=%u eip=0x%08x), giving up\n", f->vec, f->eip);
        rt_exit(126);
    }
    if (recover_eip)
        return recover_eip;
    rt_printf("sysinsn: UNEXPECTED exception vec=%u err=0x%x eip=0x%08x cs=0x%x eflags=0x%08x\n",
              f->vec, f->err, f->eip, f->cs, f->eflags);
    rt_exit(127);
}

extern int catch_call(const void *fn, u32 a, u32 b, u32 c);

int trap(const void *fn, u32 a, u32 b, u32 c)
{
    exc_count = 0;
    last_exc.vec = ~0u;
    last_exc.err = last_exc.eip = last_exc.cs = last_exc.eflags = 0;
    return catch_call(fn, a, b, c);
}

/* ---------------- bookkeeping ---------------- */

static int n_pass, n_fail, n_skip, strict;
int have_dev;

#define MAX_SHOW 16
static struct {
    const char *name;
    int ok, deviation;
    const char *deviation_why;
    char why[200];
    int why_len;
    int n_show;
    struct { const char *key; char kind; u32 v; const char *s; } show[MAX_SHOW];
    char strbuf[4][40];
    int n_str;
} cur;

static void why_append(const char *s)
{
    if (cur.why_len && cur.why_len < (int)sizeof cur.why - 2)
        cur.why[cur.why_len++] = ';', cur.why[cur.why_len++] = ' ';
    while (*s && cur.why_len < (int)sizeof cur.why - 1)
        cur.why[cur.why_len++] = *s++;
    cur.why[cur.why_len] = 0;
}

void begin(const char *name)
{
    cur.name = name;
    cur.ok = 1;
    cur.deviation = 0;
    cur.why_len = 0;
    cur.why[0] = 0;
    cur.n_show = 0;
    cur.n_str = 0;
}

void expect(int cond, const char *what)
{
    if (!cond) {
        cur.ok = 0;
        why_append(what);
    }
}

static const char *vec_name(u32 v)
{
    static const char *names[] = { "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "?9",
                                   "#TS", "#NP", "#SS", "#GP", "#PF" };
    return v < sizeof names / sizeof names[0] ? names[v] : "exception";
}

void expect_no_exc(int took)
{
    if (took) {
        cur.ok = 0;
        why_append("unexpected exception");
        why_append(vec_name(last_exc.vec));
        show_u("vec", last_exc.vec);
        show_x("err", last_exc.err);
        show_x("at", last_exc.eip);
    }
}

void expect_exc(int took, u32 vec, int err, const void *eip)
{
    if (!took) {
        expect(0, "no exception");
        return;
    }
    show_u("vec", last_exc.vec);
    if (last_exc.vec == 8 || (last_exc.vec >= 10 && last_exc.vec <= 14) || last_exc.vec == 17)
        show_x("err", last_exc.err);
    expect(exc_count == 1, "more than one exception");
    expect(last_exc.vec == vec, "wrong vector");
    if (err >= 0)
        expect(last_exc.err == (u32)err, "wrong error code");
    expect(last_exc.eip == (u32)eip, "saved EIP is not the instruction");
    expect(last_exc.cs == SEL_CODE, "wrong saved CS");
}

static void add_show(const char *key, char kind, u32 v, const char *s)
{
    if (cur.n_show < MAX_SHOW) {
        cur.show[cur.n_show].key = key;
        cur.show[cur.n_show].kind = kind;
        cur.show[cur.n_show].v = v;
        cur.show[cur.n_show].s = s;
        cur.n_show++;
    }
}

void show_x(const char *key, u32 v) { add_show(key, 'x', v, 0); }
void show_u(const char *key, u32 v) { add_show(key, 'u', v, 0); }

void show_s(const char *key, const char *s)
{
    if (cur.n_str >= 4)
        return;
    char *b = cur.strbuf[cur.n_str++];
    int i = 0;
    while (s[i] && i < 39) {
        b[i] = s[i];
        i++;
    }
    b[i] = 0;
    add_show(key, 's', 0, b);
}

void qemu_deviation(const char *why)
{
    cur.deviation = 1;
    cur.deviation_why = why;
}

void end(void)
{
    const char *verdict = cur.ok ? "PASS" : "FAIL";
    if (!cur.ok && cur.deviation && !strict) {
        verdict = "SKIP";
        n_skip++;
    } else if (cur.ok) {
        n_pass++;
    } else {
        n_fail++;
    }
    rt_printf("%s %s", verdict, cur.name);
    for (int i = 0; i < cur.n_show; i++) {
        rt_puts(i ? " " : ": ");
        if (cur.show[i].kind == 'x')
            rt_printf("%s=0x%x", cur.show[i].key, cur.show[i].v);
        else if (cur.show[i].kind == 'u')
            rt_printf("%s=%u", cur.show[i].key, cur.show[i].v);
        else
            rt_printf("%s=\"%s\"", cur.show[i].key, cur.show[i].s);
    }
    if (!cur.ok)
        rt_printf(" -- %s", cur.why);
    if (!cur.ok && cur.deviation && !strict)
        rt_printf(" (%s)", cur.deviation_why);
    rt_putc('\n');
}

void skip(const char *name, const char *why)
{
    n_skip++;
    rt_printf("SKIP %s: %s\n", name, why);
}

int cmdline_has(const char *word)
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
    outb(0x21, 0xff);           /* mask every 8259 IRQ: the STI cases must not let one in */
    outb(0xa1, 0xff);
    have_dev = cmdline_has("dev");
    strict = cmdline_has("strict");
    rt_printf("sysinsn: system instruction tests (test device: %s%s)\n", have_dev ? "yes" : "no",
              strict ? ", strict" : "");
    tables_init();

    run_io_cases();
    run_cpuid_tsc_msr_cases();
    run_cr_dr_cases();
    run_descriptor_cases();
    run_flow_cases();

    rt_printf("sysinsn: %d passed, %d failed, %d skipped\n", n_pass, n_fail, n_skip);
    return n_fail;
}
