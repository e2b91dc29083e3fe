/* privilege: protected-mode privilege levels and task machinery.
 *
 * Builds its own GDT (ring-0 and ring-3 code/data, three TSSes and the
 * double-fault TSS, a task gate, call gates, a conforming code segment) and
 * IDT (exceptions, a DPL-0 and three DPL-3 interrupt gates, a task gate for
 * #DF), loads TR, and then runs the checks of cases.c: ring 3 entered by
 * IRET, INT from ring 3 (stack switch from the TSS), faults of privileged
 * and IOPL-sensitive instructions in ring 3, the I/O permission bitmap, a
 * call gate with parameters and the outer-privilege return, null data
 * segments after an outer return, a conforming code segment, segment loads
 * in ring 3, SYSENTER/SYSEXIT, hardware task switches (JMP, CALL through a
 * task gate, IRET with NT), U/S and R/W paging protection with CR0.WP, the
 * CPU's implicit supervisor-mode accesses to the GDT, an LDT, the IDT and
 * the TSS from ring 3 with those pages supervisor-only (the GDT's and IDT's
 * read-only, CR0.WP = 1), and last a double fault delivered through a task
 * gate, whose task reports and ends the run.
 *
 * Ring-3 code cannot print (COM1 needs I/O): each check runs a snippet of
 * user.S in ring 3 that records what it sees in ures[], comes back to
 * ring 0 with INT 0x81, and the C side judges. Prints one line per check,
 *     PASS name: key=value ...    or    FAIL name: expected key=value ... got key=value ...
 * then "privilege: N passed, M failed", and exits with M. Only values the
 * architecture defines are printed; addresses appear as names or as offsets.
 *
 * References: Intel SDM vol. 3A ch. 5 (protection), ch. 6 (interrupts and
 * exceptions), ch. 7 (task management), ch. 4 (paging); vol. 1, chapter
 * Input/Output (I/O privilege level, I/O permission bit map); vol. 2 (the
 * pseudo-code of IRET, RET, CALL, MOV Sreg, SYSENTER, SYSEXIT).
 */
#include "rt.h"
#include "desc.h"
#include "multiboot.h"
#include "privilege.h"

/* ---------------- descriptor tables ---------------- */

union gdt_page gdt_page __attribute__((aligned(4096)));    /* gdt: privilege.h */
union idt_page idt_page __attribute__((aligned(4096)));    /* idt */

union tss_page tss_page __attribute__((aligned(4096)));    /* tss */
struct tss32 tss2 __attribute__((aligned(128)));
struct tss32 tss3 __attribute__((aligned(128)));
struct tss32 tss_df __attribute__((aligned(128)));

/* Ports whose bitmap bit is clear (the rest of 0x000-0x1ff is set):
 * 0x80-0x82 and 0x84-0x87 (0x83 and 0x88 set, for accesses spanning them),
 * and 0x1ff, the last port of the map (its second bitmap byte lies past the
 * TSS limit). */
static void iomap_init(void)
{
    static const u16 open_ports[] = { 0x80, 0x81, 0x82, 0x84, 0x85, 0x86, 0x87, 0x1ff };
    for (u32 i = 0; i < TSS_IOMAP_BYTES; i++)
        tss.iomap[i] = 0xff;
    for (u32 i = 0; i < sizeof open_ports / sizeof open_ports[0]; i++)
        tss.iomap[open_ports[i] >> 3] &= (u8) ~(1u << (open_ports[i] & 7));
}

static void tss_task_init(struct tss32 *t, void (*eip)(void), u8 *stack_top, u32 eflags)
{
    u8 *p = (u8 *)t;
    for (u32 i = 0; i < sizeof *t; i++)
        p[i] = 0;
    t->cr3 = read_cr3();                        /* loaded on a switch only with paging on */
    t->eip = (u32)eip;
    t->eflags = eflags;
    t->esp = (u32)stack_top;
    t->cs = SEL_KCODE;
    t->ss = t->ds = t->es = t->fs = t->gs = SEL_KDATA;
    t->iomap = sizeof *t;                       /* >= limit: no I/O bitmap */
}

static u64 tss_desc(const void *t, u32 limit)
{
    return seg_desc((u32)t, limit, 0x89, 0x0);  /* present, DPL 0, 32-bit TSS available */
}

/* (Re)initializes the tasks of the task-switch checks: TSS2 with distinct
 * register values, TSS3 and the #DF task, and their descriptors (available). */
void tasks_init(void)
{
    tss_task_init(&tss2, task2_entry, task2_stack_top, EFL_TASK2);
    tss2.eax = 0x10000001; tss2.ecx = 0x10000002; tss2.edx = 0x10000003; tss2.ebx = 0x10000004;
    tss2.esi = 0x10000005; tss2.edi = 0x10000006; tss2.ebp = 0x10000007;
    tss_task_init(&tss3, task3_entry, task3_stack_top, 0x2);
    tss_task_init(&tss_df, df_task_entry, df_stack_top, 0x2);
    gdt[SEL_TSS2 >> 3] = tss_desc(&tss2, sizeof tss2 - 1);
    gdt[SEL_TSS3 >> 3] = tss_desc(&tss3, sizeof tss3 - 1);
    gdt[SEL_TSS_DF >> 3] = tss_desc(&tss_df, sizeof tss_df - 1);
}

static void tables_init(void)
{
    gdt[0] = 0;
    gdt[SEL_KCODE >> 3] = seg_desc(0, 0xfffff, 0x9a, 0xc);     /* P, DPL 0, code, readable */
    gdt[SEL_KDATA >> 3] = seg_desc(0, 0xfffff, 0x92, 0xc);     /* P, DPL 0, data, writable */
    gdt[SEL_UCODE >> 3] = seg_desc(0, 0xfffff, 0xfa, 0xc);     /* P, DPL 3, code, readable */
    gdt[SEL_UDATA >> 3] = seg_desc(0, 0xfffff, 0xf2, 0xc);     /* P, DPL 3, data, writable */
    gdt[SEL_TSS >> 3] = tss_desc(&tss, TSS_LIMIT);
    gdt[SEL_TASKGATE >> 3] = gate_desc_n(0, SEL_TSS3, 0x85, 0);   /* P, DPL 0, task gate */
    gdt[SEL_CALLGATE >> 3] = gate_desc_n((u32)callgate_target, SEL_KCODE, 0xec, 2);  /* P, DPL 3 */
    gdt[SEL_CONFORMING >> 3] = seg_desc(0, 0xfffff, 0x9e, 0xc); /* P, DPL 0, code, conforming, readable */
    gdt[SEL_CALLGATE_NULL >> 3] = gate_desc_n((u32)null_lret_target, SEL_KCODE, 0xec, 0);
    gdt[SEL_CALLGATE_DPL0 >> 3] = gate_desc_n((u32)callgate_target, SEL_KCODE, 0x8c, 2);  /* DPL 0 */
    tasks_init();

    /* The main task: the ring-0 stack for interrupts and call gates from
     * ring 3 (SS0:ESP0), and the I/O permission bitmap right after the
     * 104-byte TSS (vol. 3A 7.2.1; vol. 1, I/O permission bit map). */
    tss.t.ss0 = SEL_KDATA;
    tss.t.esp0 = (u32)ring0_stack_top;
    tss.t.cr3 = read_cr3();
    tss.t.iomap = sizeof tss.t;
    iomap_init();

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
        idt[v] = gate_desc_n(isr_stubs[v], SEL_KCODE, 0x8e, 0);      /* interrupt gate, DPL 0 */
    idt[8] = gate_desc_n(0, SEL_TSS_DF, 0x85, 0);                     /* task gate (vol. 3A 6.12.2) */
    idt[VEC_DPL0] = gate_desc_n((u32)isr64, SEL_KCODE, 0x8e, 0);
    idt[VEC_SYSCALL] = gate_desc_n((u32)int80_handler, SEL_KCODE, 0xee, 0);   /* DPL 3 */
    idt[VEC_EXIT] = gate_desc_n((u32)user_exit, SEL_KCODE, 0xee, 0);
    idt[VEC_NULL_IRET] = gate_desc_n((u32)null_iret_handler, SEL_KCODE, 0xee, 0);
    lidt_limit(sizeof idt - 1);
}

static void lgdt_limit(u32 limit)
{
    struct dtr g = { (u16)limit, (u32)gdt };
    __asm__ volatile("lgdt %0" : : "m"(g) : "memory");
}

/* Before the GDT page becomes read-only: every code and data descriptor
 * the checks load gets its accessed bit now, so that the CPU never needs
 * to write one (vol. 3A 3.4.5.1); the LDT (in the GDT's page, at
 * LDT_OFFSET) with a ring-3 data segment, its descriptor in GDT entry 14
 * behind a limit raised by 8, and LLDT. */
void ldt_on(void)
{
    static const u16 used[] = { SEL_KCODE, SEL_KDATA, SEL_UCODE, SEL_UDATA, SEL_CONFORMING };
    u64 *ldt = (u64 *)(gdt_page.page + LDT_OFFSET);
    for (u32 i = 0; i < sizeof used / sizeof used[0]; i++)
        gdt[used[i] >> 3] |= 1ull << 40;
    ldt[0] = seg_desc(0, 0xfffff, 0xf3, 0xc);                   /* P, DPL 3, data, writable, accessed */
    ((u64 *)gdt_page.page)[SEL_LDT >> 3] = seg_desc((u32)ldt, 7, 0x82, 0x0);   /* P, DPL 0, LDT */
    lgdt_limit((SEL_LDT | 7));
    __asm__ volatile("lldt %w0" : : "r"(SEL_LDT) : "memory");
}

void ldt_off(void)
{
    __asm__ volatile("lldt %w0" : : "r"(0) : "memory");
    lgdt_limit(GDT_ENTRIES * 8 - 1);
}

void lidt_limit(u32 limit)
{
    struct dtr i = { (u16)limit, (u32)idt };
    __asm__ volatile("lidt %0" : : "m"(i) : "memory");
}

void wrmsr(u32 msr, u32 lo, u32 hi)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"(lo), "d"(hi));
}

u32 rdmsr_lo(u32 msr)
{
    u32 lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return lo;
}

/* ---------------- paging: identity 0-8 MiB, user pages but three (six: protect_tables) ---------------- */

u8 sup_page[4096] __attribute__((aligned(4096)));       /* present, writable, supervisor */
u8 ro_page[4096] __attribute__((aligned(4096)));        /* present, read-only, user */
u8 np_page[4096] __attribute__((aligned(4096)));        /* not present */
static u32 page_dir[1024] __attribute__((aligned(4096)));
static u32 page_tables[2][1024] __attribute__((aligned(4096)));

#define PTE_P 1u
#define PTE_W 2u
#define PTE_U 4u

static void set_pte(const void *page, u32 flags)
{
    u32 n = (u32)page >> 12;
    page_tables[n / 1024][n % 1024] = (n << 12) | flags;
}

void paging_on(void)
{
    for (u32 i = 0; i < 2 * 1024; i++)
        page_tables[i / 1024][i % 1024] = (i << 12) | PTE_P | PTE_W | PTE_U;
    set_pte(sup_page, PTE_P | PTE_W);
    set_pte(ro_page, PTE_P | PTE_U);
    set_pte(np_page, 0);
    page_dir[0] = (u32)page_tables[0] | PTE_P | PTE_W | PTE_U;
    page_dir[1] = (u32)page_tables[1] | PTE_P | PTE_W | PTE_U;
    __asm__ volatile("movl %0, %%cr3\n\t"
                     "movl %%cr0, %%eax\n\t"
                     "orl $0x80000000, %%eax\n\t"               /* PG, WP stays 0 */
                     "andl $0xfffeffff, %%eax\n\t"
                     "movl %%eax, %%cr0\n\t"
                     "jmp 1f\n1:"
                     : : "r"(page_dir) : "eax", "memory");
}

void paging_off(void)
{
    __asm__ volatile("movl %%cr0, %%eax\n\t"
                     "andl $0x7ffeffff, %%eax\n\t"              /* PG and WP off */
                     "movl %%eax, %%cr0\n\t"
                     "jmp 1f\n1:\n\t"
                     "xorl %%eax, %%eax\n\t"
                     "movl %%eax, %%cr3"
                     : : : "eax", "memory");
}

u32 pte_of(const void *page)
{
    u32 n = (u32)page >> 12;
    return page_tables[n / 1024][n % 1024];
}

/* For the implicit-supervisor-access checks (cases.c), with paging on: the
 * GDT page supervisor and read-only (as Linux maps its GDT), the IDT page
 * too, the TSS page supervisor and writable; CR3 reloaded (TLB flush). */
void protect_tables(void)
{
    set_pte(gdt_page.page, PTE_P);
    set_pte(idt_page.page, PTE_P);
    set_pte(tss_page.page, PTE_P | PTE_W);
    __asm__ volatile("movl %%cr3, %%eax\n\t"
                     "movl %%eax, %%cr3" : : : "eax", "memory");
}

void set_wp(int on)
{
    u32 cr0 = read_cr0();
    cr0 = on ? cr0 | CR0_WP : cr0 & ~CR0_WP;
    __asm__ volatile("movl %0, %%cr0" : : "r"(cr0) : "memory");
}

/* ---------------- the exception handler's side ---------------- */

struct frame last;
u32 last_cr2, exc_count, resume_eip;

/* Called by isr_common; returns the EIP the IRET resumes at (the snippet's
 * after_ label, at the privilege level the exception came from). */
u32 exc_record(struct frame *f)
{
    u32 cr2 = read_cr2();
    if (++exc_count == 1) {
        last = *f;
        last_cr2 = cr2;
    }
    if (exc_count > 4 || !resume_eip) {
        rt_printf("privilege: UNEXPECTED exception vec=%u err=0x%x eip=0x%08x cs=0x%x eflags=0x%08x\n", f->vec,
                  f->err, f->eip, f->cs & 0xffff, f->eflags);
        rt_exit(127);
    }
    return resume_eip;
}

static void clear_record(const void *after)
{
    u8 *p = (u8 *)&last;
    for (u32 i = 0; i < sizeof last; i++)
        p[i] = 0;
    last.vec = NO_VEC;
    last_cr2 = 0;
    exc_count = 0;
    resume_eip = (u32)after;
    for (int i = 0; i < 16; i++)
        ures[i] = kres[i] = 0;
}

void run_user(void (*fn)(void), u32 eflags, const void *after)
{
    clear_record(after);
    enter_user(fn, eflags);
    resume_eip = 0;
}

void run_kernel_prepare(const void *after)
{
    clear_record(after);
}

int main(void)
{
    outb(0x21, 0xff);           /* mask every 8259 IRQ: ring 3 runs with IF=1 */
    outb(0xa1, 0xff);
    rt_puts("privilege: protection and task tests\n");
    tables_init();

    run_setup_checks();
    run_ring3_checks();
    run_io_checks();
    run_gate_checks();
    run_segment_checks();
    run_sysenter_checks();
    run_task_checks();
    run_paging_checks();
    run_implicit_supervisor_checks();
    run_double_fault_check();   /* last: the #DF task ends the run */
    return finish("privilege");
}
