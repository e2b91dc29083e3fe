/* debug: the guest's own debug facilities (Intel SDM vol. 3B ch. 17).
 *
 * Loads its own GDT and IDT (exception stubs, an interrupt gate for
 * INT 0x30) and runs, all at CPL 0, the checks of cases.c: the debug
 * registers after reset and on readback, single-stepping with TF (a
 * straight sequence, a POPF that clears TF, stepping onto INT n, MOV SS and
 * POP SS holding the trap for one instruction), instruction breakpoints
 * (a fault before the instruction; RF lets it run once; 3 hits in a loop
 * of 3), data breakpoints (write-only and read/write, 4 and 2 bytes,
 * partial and straddling accesses, neighbours that must not hit), what DR6
 * reports and keeps, breakpoints left disabled in DR7, and DR4/DR5
 * (aliases of DR6/DR7 with CR4.DE=0, #UD with CR4.DE=1).
 *
 * The #DB handler (exc_dispatch) logs each #DB (saved EIP and EFLAGS, DR6,
 * optionally a watched dword), clears DR6 unless told not to, and clears
 * TF in the saved EFLAGS at a given EIP or sets RF, as the check asks.
 * Prints one line per check,
 *     PASS name: key=value ...    or    FAIL name: expected key=value ... got key=value ...
 * then "debug: N passed, M failed", and exits with M. Addresses appear as
 * the names of labels in snippets.S (name+0x.. when they miss).
 */
#include "rt.h"
#include "desc.h"
#include "multiboot.h"
#include "debug.h"

/* ---------------- descriptor tables ---------------- */

static u64 gdt[GDT_ENTRIES] __attribute__((aligned(8)));
static u64 idt[IDT_ENTRIES] __attribute__((aligned(8)));

static void tables_init(void)
{
    gdt[0] = 0;
    gdt[SEL_KCODE >> 3] = seg_desc(0, 0xfffff, 0x9a, 0xc);     /* P, DPL 0, code, readable */
    gdt[SEL_KDATA >> 3] = seg_desc(0, 0xfffff, 0x92, 0xc);     /* P, DPL 0, data, writable */
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
                     : : "m"(g), "i"(SEL_KCODE), "i"(SEL_KDATA) : "eax", "memory");

    for (int v = 0; v < 32; v++)
        idt[v] = gate_desc(isr_stubs[v], SEL_KCODE, 0x8e);     /* interrupt gate, DPL 0 */
    idt[VEC_SOFT] = gate_desc((u32)int30_handler, SEL_KCODE, 0x8e);
    struct dtr i = { sizeof idt - 1, (u32)idt };
    __asm__ volatile("lidt %0" : : "m"(i) : "memory");
}

/* ---------------- the exception handlers' C side ---------------- */

struct db_entry db_log[DB_MAX];
u32 db_n, db_stray, db_handler_eflags;
static struct db_mode db_cur;
static int db_armed;

u32 exc_vec = NO_VEC, exc_eip, exc_count;
static u32 resume_eip;

static void db_record(struct frame *f)
{
    u32 dr6 = READ_DR(6);
    if (!db_armed) {
        /* Not expected: stop whatever caused it, count it (run_stray_check). */
        db_stray++;
        f->eflags &= ~EFLAGS_TF;
        WRITE_DR(7, 0);
        WRITE_DR(6, 0);
        return;
    }
    u32 n = db_n++;
    if (n == 0)
        db_handler_eflags = read_eflags();
    if (n < DB_MAX) {
        db_log[n].eip = f->eip;
        db_log[n].eflags = f->eflags;
        db_log[n].dr6 = dr6;
        db_log[n].probe = db_cur.probe ? *db_cur.probe : 0;
    }
    if (!db_cur.keep_dr6)
        WRITE_DR(6, 0);
    if (f->eip == db_cur.stop_eip || db_n >= DB_MAX)
        f->eflags &= ~EFLAGS_TF;
    if (db_cur.set_rf)
        f->eflags |= EFLAGS_RF;     /* the faulting instruction runs once (17.3.1.1) */
    if (db_n >= 64) {               /* a breakpoint that keeps firing */
        WRITE_DR(7, 0);
        f->eflags &= ~EFLAGS_TF;
    }
}

void exc_dispatch(struct frame *f)
{
    if (f->vec == VEC_DB) {
        db_record(f);
        return;
    }
    if (++exc_count == 1) {
        exc_vec = f->vec;
        exc_eip = f->eip;
    }
    if (!resume_eip || exc_count > 4) {
        rt_printf("debug: UNEXPECTED exception vec=%u err=0x%x eip=0x%08x eflags=0x%08x\n", f->vec, f->err,
                  f->eip, f->eflags);
        rt_exit(127);
    }
    f->eip = resume_eip;
}

void expect_exc(const void *after)
{
    exc_vec = NO_VEC;
    exc_eip = 0;
    exc_count = 0;
    resume_eip = (u32)after;
}

void expect_none(void)
{
    resume_eip = 0;
}

void run_db(void (*fn)(void), const struct db_mode *mode, u32 dr7, const u32 dr[4])
{
    for (u32 i = 0; i < DB_MAX; i++)
        db_log[i].eip = db_log[i].eflags = db_log[i].dr6 = db_log[i].probe = 0;
    for (u32 i = 0; i < 8; i++)
        sres[i] = 0;
    db_n = 0;
    db_handler_eflags = 0;
    db_cur = *mode;
    WRITE_DR(7, 0);
    WRITE_DR(6, 0);
    if (dr) {
        WRITE_DR(0, dr[0]);
        WRITE_DR(1, dr[1]);
        WRITE_DR(2, dr[2]);
        WRITE_DR(3, dr[3]);
    }
    db_armed = 1;
    WRITE_DR(7, dr7);
    fn();
    WRITE_DR(7, 0);
    db_armed = 0;
    WRITE_DR(6, 0);
}

int main(void)
{
    outb(0x21, 0xff);           /* mask every 8259 IRQ */
    outb(0xa1, 0xff);
    rt_puts("debug: debug exceptions and debug registers\n");
    tables_init();

    run_register_checks();      /* first: the reset values */
    run_single_step_checks();
    run_insn_breakpoint_checks();
    run_data_breakpoint_checks();
    run_dr6_checks();
    run_disabled_checks();
    run_dr4_dr5_checks();
    run_stray_check();
    return finish("debug");
}
