/* segments: protected-mode segment limits and access rights on data
 * accesses (Intel SDM vol. 3A 3.4.5, 5.3 limit checking, 5.4-5.5 type
 * checking; vol. 2 for the string instructions, PUSH, PUSHA, CALL, ENTER).
 *
 * Loads its own GDT (test data segments with small limits: expand-up with
 * G=0 and G=1, expand-down with B=1 and B=0 and G=1, read-only data,
 * readable and execute-only code; TSSes), its own IDT (interrupt gates, and
 * task gates for #DF and, while the stack checks run, #SS) and runs, at
 * CPL 0, the checks of cases.c: accesses of 1, 2 and 4 bytes just inside,
 * straddling and past the limits of each segment through DS, ES, FS, GS
 * and SS (#GP(0), and #SS(0) for SS), pushes, CALL, PUSHA and ENTER at the
 * bottom of an expand-down stack segment (through the #SS task, so the
 * fault is not delivered onto that stack), string instructions that run
 * past a limit after k iterations (ECX, ESI, EDI show exactly k; the
 * handler can raise the limit and the instruction completes), null
 * selectors, read-only and code segments.
 *
 * Prints one line per check,
 *     PASS name: key=value ...    or    FAIL name: expected key=value ... got key=value ...
 * (SKIP name: ... see below), then "segments: N passed, M failed, K skipped",
 * and exits with M. EIPs appear as the labels of access.S (at_<routine>),
 * data offsets in hex (for the base-0 stack segment: ss_area+0x..).
 *
 * SKIP: QEMU's TCG does not check segment limits, access rights or null
 * selectors on data accesses (stack operations included). The guest probes
 * once (a read past a 4 KiB DS limit); if that does not fault, a check that
 * expects such a fault and got none prints SKIP. With "strict" on the
 * kernel command line they count as failures instead.
 */
#include "rt.h"
#include "desc.h"
#include "multiboot.h"
#include "segments.h"

/* ---------------- descriptor tables and tasks ---------------- */

static u64 gdt[GDT_ENTRIES] __attribute__((aligned(8)));
static u64 idt[32] __attribute__((aligned(8)));

u8 arena[ARENA_SIZE] __attribute__((aligned(4096)));
u8 ss_area[SS_AREA] __attribute__((aligned(4096)));
struct tss32 tss_main, tss_ss, tss_df __attribute__((aligned(128)));

extern const u32 isr_stubs[32];
extern char ss_task_entry[], df_task_entry[], ss_task_stack_top[], df_task_stack_top[];

static void tss_task_init(struct tss32 *t, const void *eip, const void *stack_top)
{
    u8 *p = (u8 *)t;
    for (u32 i = 0; i < sizeof *t; i++)
        p[i] = 0;
    t->cr3 = read_cr3();
    t->eip = (u32)eip;
    t->eflags = 0x2;
    t->esp = (u32)stack_top;
    t->cs = SEL_KCODE;
    t->ss = t->ds = t->es = t->fs = t->gs = SEL_KDATA;
    t->iomap = sizeof *t;
}

u8 gdt_access_byte(u32 sel)
{
    return (u8)(gdt[sel >> 3] >> 40);
}

/* Access bytes: 0x80 P | 0x10 S | type (vol. 3A 3.4.5.1, table 3-1);
 * flags: 0x8 G, 0x4 D/B. */
static void tables_init(void)
{
    gdt[0] = 0;
    gdt[SEL_KCODE >> 3] = seg_desc(0, 0xfffff, 0x9a, 0xc);
    gdt[SEL_KDATA >> 3] = seg_desc(0, 0xfffff, 0x92, 0xc);
    gdt[SEL_UP >> 3] = seg_desc(BASE_A, 0xfff, 0x92, 0x4);
    gdt[SEL_UP_G >> 3] = seg_desc(BASE_A, 0, 0x92, 0xc);
    gdt[SEL_DN32 >> 3] = seg_desc(BASE_A, 0xfff, 0x96, 0x4);
    gdt[SEL_DN16 >> 3] = seg_desc(BASE_A, 0xfff, 0x97, 0x0);
    gdt[SEL_DN_G >> 3] = seg_desc(BASE_A, 0, 0x96, 0xc);
    gdt[SEL_RO >> 3] = seg_desc(BASE_A, 0xffff, 0x90, 0x4);
    gdt[SEL_CODE_R >> 3] = seg_desc(BASE_A, 0xffff, 0x9a, 0x4);
    gdt[SEL_CODE_XO >> 3] = seg_desc(0, 0xfffff, 0x98, 0xc);
    gdt[SEL_UP_B >> 3] = seg_desc(BASE_B, 0xfff, 0x92, 0x4);
    gdt[SEL_BIG >> 3] = seg_desc(BASE_A, 0xffff, 0x92, 0x4);
    gdt[SEL_BIG_B >> 3] = seg_desc(BASE_B, 0xffff, 0x92, 0x4);
    /* ss_area is page aligned: limit (x << 12) | 0xfff = ss_area + 0xfff. */
    gdt[SEL_SSDN >> 3] = seg_desc(0, SSDN_LIMIT >> 12, 0x96, 0xc);
    gdt[SEL_ACC >> 3] = seg_desc(0, 0xfffff, 0x92, 0xc);
    gdt[SEL_NP >> 3] = seg_desc(0, 0xfffff, 0x12, 0xc);
    tss_task_init(&tss_ss, ss_task_entry, ss_task_stack_top);
    tss_task_init(&tss_df, df_task_entry, df_task_stack_top);
    tss_main.cr3 = read_cr3();
    tss_main.iomap = sizeof tss_main;
    gdt[SEL_TSS >> 3] = seg_desc((u32)&tss_main, sizeof tss_main - 1, 0x89, 0);
    gdt[SEL_TSS_SS >> 3] = seg_desc((u32)&tss_ss, sizeof tss_ss - 1, 0x89, 0);
    gdt[SEL_TSS_DF >> 3] = seg_desc((u32)&tss_df, sizeof tss_df - 1, 0x89, 0);

    struct dtr g = { sizeof gdt - 1, (u32)gdt };
    __asm__ volatile("lgdt %0\n\t"
                     "ljmp %1, $1f\n"
                     "1:\n\t"
                     "movl %2, %%eax\n\t"
                     "movl %%eax, %%ds\n\t"
                     "movl %%eax, %%es\n\t"
                     "movl %%eax, %%fs\n\t"
                     "movl %%eax, %%gs\n\t"
                     "movl %%eax, %%ss\n\t"
                     "movl %3, %%eax\n\t"
                     "ltr %%ax"
                     : : "m"(g), "i"(SEL_KCODE), "i"(SEL_KDATA), "i"(SEL_TSS) : "eax", "memory");

    for (int v = 0; v < 32; v++)
        idt[v] = gate_desc(isr_stubs[v], SEL_KCODE, 0x8e);    /* interrupt gate, DPL 0 */
    idt[8] = gate_desc(0, SEL_TSS_DF, 0x85);                  /* task gate (vol. 3A 6.12.2) */
    struct dtr i = { sizeof idt - 1, (u32)idt };
    __asm__ volatile("lidt %0" : : "m"(i) : "memory");
}

void ss_gate_task(int on)
{
    idt[VEC_SS] = on ? gate_desc(0, SEL_TSS_SS, 0x85) : gate_desc(isr_stubs[VEC_SS], SEL_KCODE, 0x8e);
}

/* ---------------- the exception handlers' C side ---------------- */

struct exc_record exc;
u32 exc_count;
u32 recover_eip, fell_through, ss_esp, restart_sreg, restart_sel;
u32 sres[8];
struct sargs sargs;
extern u32 trig_esp;

void arm(void)
{
    exc_count = 0;
    fell_through = 0;
    struct exc_record z = { 0 };
    exc = z;
    exc.vec = NO_VEC;
    for (int i = 0; i < 8; i++)
        sres[i] = 0;
}

/* Called by isr_common (interrupt gates). */
void exc_dispatch(struct frame *f)
{
    if (++exc_count == 1) {
        exc.vec = f->vec;
        exc.err = f->err;
        exc.eip = f->eip;
        exc.cs = f->cs & 0xffff;
        exc.eflags = f->eflags;
        exc.eax = f->eax;
        exc.ecx = f->ecx;
        exc.esi = f->esi;
        exc.edi = f->edi;
        exc.ebp = f->ebp;
        exc.esp = 0;
        exc.ss = 0;
        exc.ds = f->ds & 0xffff;
        exc.es = f->es & 0xffff;
    }
    if (exc_count > 4 || !recover_eip) {
        rt_printf("segments: UNEXPECTED exception vec=%u err=0x%x eip=0x%08x cs=0x%x eflags=0x%08x\n", f->vec,
                  f->err, f->eip, f->cs & 0xffff, f->eflags);
        rt_exit(127);
    }
    if (restart_sreg && exc_count == 1 && f->vec == VEC_GP) {
        /* Raise the limit and let the instruction run again from where it
         * stopped (vol. 2, REP: the registers allow it to be resumed). */
        if (restart_sreg == 1)
            f->ds = restart_sel;
        else
            f->es = restart_sel;
        return;
    }
    f->eip = recover_eip;
    f->cs = SEL_KCODE;
    f->eflags &= ~0x400u;                   /* DF */
    f->ds = f->es = f->fs = f->gs = SEL_KDATA;
}

/* Called in the #SS task (stubs.S: ss_task_entry) with the error code; the
 * faulting task's state is in tss_main. */
void ss_task_record(u32 err)
{
    if (++exc_count == 1) {
        exc.vec = VEC_SS;
        exc.err = err;
        exc.eip = tss_main.eip;
        exc.cs = tss_main.cs;
        exc.eflags = tss_main.eflags;
        exc.eax = tss_main.eax;
        exc.ecx = tss_main.ecx;
        exc.esi = tss_main.esi;
        exc.edi = tss_main.edi;
        exc.ebp = tss_main.ebp;
        exc.esp = tss_main.esp;
        exc.ss = tss_main.ss;
        exc.ds = tss_main.ds;
        exc.es = tss_main.es;
    }
    if (exc_count > 4 || !recover_eip) {
        rt_printf("segments: UNEXPECTED #SS (task gate) err=0x%x eip=0x%08x esp=0x%08x ss=0x%x\n", err,
                  tss_main.eip, tss_main.esp, tss_main.ss);
        rt_exit(127);
    }
    tss_main.eip = recover_eip;
    tss_main.cs = SEL_KCODE;
    tss_main.eflags &= ~0x400u;
    tss_main.ss = tss_main.ds = tss_main.es = tss_main.fs = tss_main.gs = SEL_KDATA;
    tss_main.esp = trig_esp;
}

void df_task_report(void)
{
    rt_printf("segments: UNEXPECTED #DF: eip=0x%08x esp=0x%08x ss=0x%x ds=0x%x es=0x%x eflags=0x%08x\n",
              tss_main.eip, tss_main.esp, tss_main.ss, tss_main.ds, tss_main.es, tss_main.eflags);
    rt_exit(126);
}

/* ---------------- checks (lib/check.c) ---------------- */

static int strict, enforced;

int checks_enforced(void) { return enforced; }

void limit_class(void) { skippable(); }

/* A check expecting a fault from a limit or rights check that got no exception where QEMU's TCG does not enforce them. */
static const char *skip_unenforced(void)
{
    return exc_count == 0 && !enforced && !strict ? "no exception (segment limit/rights checks on data accesses not enforced)" : 0;
}

void want_exc(u32 vec, u32 err, const char *sym, const void *at)
{
    u32 got_vec = exc_count ? exc.vec : NO_VEC;
    want_vec(vec, got_vec);
    if (vec != NO_VEC) {
        want_err(err, exc_count ? exc.err : NO_VEC);
        want_sym("eip", sym, (u32)at, exc_count ? exc.eip : 0);
    } else if (exc_count) {
        want_err(NO_VEC, exc.err);
        want_no_addr("eip", sym, (u32)at, exc.eip);      /* where the unexpected one was */
    }
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

void run_probe(void)
{
    arm();
    ds_rd1(SEL_UP, 0x1000, 0);
    enforced = exc_count == 1 && exc.vec == VEC_GP;
    rt_printf("segment limit/rights checks on data accesses: %s%s\n",
              enforced ? "enforced" : "not enforced (as in QEMU TCG)", strict ? ", strict mode: required" : "");
}

int main(void)
{
    outb(0x21, 0xff);           /* mask every 8259 IRQ */
    outb(0xa1, 0xff);
    rt_puts("segments: protected-mode segment limits and access rights\n");
    tables_init();
    strict = cmdline_has("strict");
    check_skip = skip_unenforced;

    run_probe();
    run_expand_up_checks();
    run_expand_down_checks();
    run_stack_segment_checks();
    run_string_checks();
    run_null_checks();
    run_rights_checks();

    return finish("segments");
}
