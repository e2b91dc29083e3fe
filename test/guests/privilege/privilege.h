/* Shared by the files of the privilege guest: privilege.c (descriptor
 * tables, TSSes, paging, the exception handler's C side, bookkeeping, main),
 * cases.c (the checks), stubs.S (entry stubs, the way into and out of ring
 * 3, the task bodies) and user.S (the ring-3 snippets and the ring-0 code
 * they reach). */
#ifndef PRIVILEGE_H
#define PRIVILEGE_H

/* GDT selectors (privilege.c: tables_init). SYSENTER assumes the first four
 * are consecutive: CS, CS+8 (SS), CS+16 (ring-3 CS), CS+24 (ring-3 SS). */
#define SEL_KCODE       0x08    /* ring-0 code, flat */
#define SEL_KDATA       0x10    /* ring-0 data, flat */
#define SEL_UCODE       0x18    /* ring-3 code (DPL 3), flat */
#define SEL_UDATA       0x20    /* ring-3 data (DPL 3), flat */
#define SEL_TSS         0x28    /* the main task: ring-0 stack, I/O bitmap */
#define SEL_TSS2        0x30    /* a task reached by ljmp */
#define SEL_TSS3        0x38    /* a task reached by lcall through SEL_TASKGATE */
#define SEL_TASKGATE    0x40    /* task gate -> SEL_TSS3 */
#define SEL_TSS_DF      0x48    /* the double-fault task (IDT vector 8: task gate) */
#define SEL_CALLGATE    0x50    /* 32-bit call gate, DPL 3, 2 parameters -> callgate_target */
#define SEL_CONFORMING  0x58    /* conforming code, DPL 0 */
#define SEL_CALLGATE_NULL 0x60  /* 32-bit call gate, DPL 3, no parameters -> null_lret_target */
#define SEL_CALLGATE_DPL0 0x68  /* 32-bit call gate, DPL 0 (ring 3 may not use it) */
#define GDT_ENTRIES     14
/* Only for the implicit-supervisor-access checks (cases.c), with the GDT
 * limit raised by one entry meanwhile: the LDT, which lies in the GDT's page
 * at offset LDT_OFFSET, and its one descriptor, a ring-3 data segment. */
#define SEL_LDT         0x70    /* LDT descriptor (GDT entry 14) */
#define SEL_LDT_UDATA   0x07    /* LDT entry 0, TI=1, RPL 3: ring-3 data (DPL 3), flat */
#define LDT_OFFSET      0x800

#define UCS (SEL_UCODE | 3)
#define UDS (SEL_UDATA | 3)

/* IDT (privilege.c). Vectors 0x00-0x1f: exceptions (8: task gate). */
#define VEC_DPL0        0x40    /* interrupt gate, DPL 0: INT from ring 3 -> #GP */
#define VEC_SYSCALL     0x80    /* interrupt gate, DPL 3: int80_handler */
#define VEC_EXIT        0x81    /* interrupt gate, DPL 3: user_exit (back to enter_user's caller) */
#define VEC_NULL_IRET   0x82    /* interrupt gate, DPL 3: null_iret_handler */
#define IDT_ENTRIES     0x83

#define EFLAGS_CF   (1u << 0)
#define EFLAGS_DF   (1u << 10)
#define EFLAGS_IF   (1u << 9)
#define EFLAGS_IOPL (3u << 12)
#define EFLAGS_NT   (1u << 14)
#define EFL_USER    0x00000202  /* ring-3 EFLAGS image: IF, IOPL 0 */
#define EFL_USER_IOPL3 0x00003202
#define EFL_TASK2   0x00000893  /* TSS2's EFLAGS: OF SF AF CF */

#define CR0_TS  (1u << 3)
#define CR0_WP  (1u << 16)

#define SYSENTER_CS_MSR  0x174
#define SYSENTER_ESP_MSR 0x175
#define SYSENTER_EIP_MSR 0x176

#define TSS_IOMAP_BYTES 64      /* ports 0x000-0x1ff; no trailing 0xff byte (see cases.c) */

#ifndef __ASSEMBLER__
#include "rt.h"
#include "check.h"

/* The 32-bit TSS (Intel SDM vol. 3A, 7.2.1, figure 7-2). */
struct tss32 {
    u16 link, r0;
    u32 esp0; u16 ss0, r1;
    u32 esp1; u16 ss1, r2;
    u32 esp2; u16 ss2, r3;
    u32 cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
    u16 es, r4, cs, r5, ss, r6, ds, r7, fs, r8, gs, r9, ldt, r10;
    u16 trap, iomap;
};
struct main_tss {
    struct tss32 t;
    u8 iomap[TSS_IOMAP_BYTES];
};
/* The GDT, the IDT and the main TSS each fill a page of their own, so that
 * paging can make exactly those pages supervisor-only (and the GDT page
 * read-only): privilege.c. */
union gdt_page { u64 e[GDT_ENTRIES]; u8 page[4096]; };
union idt_page { u64 e[IDT_ENTRIES]; u8 page[4096]; };
union tss_page { struct main_tss m; u8 page[4096]; };
extern union gdt_page gdt_page;
extern union idt_page idt_page;
extern union tss_page tss_page;
#define gdt (gdt_page.e)
#define idt (idt_page.e)
#define tss (tss_page.m)
extern struct tss32 tss2, tss3, tss_df;
#define TSS_LIMIT (sizeof(struct tss32) + TSS_IOMAP_BYTES - 1)

/* What isr_common (stubs.S) leaves: pushal, DS ES FS GS, vector, error
 * code, then the CPU's frame; ESP and SS only when it came from ring 3. */
struct frame {
    u32 edi, esi, ebp, esp_pushal, ebx, edx, ecx, eax;
    u32 gs, fs, es, ds;
    u32 vec, err;
    u32 eip, cs, eflags, esp3, ss3;
};
extern struct frame last;               /* the first exception since run_user/run_kernel */
extern u32 last_cr2, exc_count, resume_eip;

/* stubs.S */
void enter_user(void (*fn)(void), u32 eflags); /* runs fn at CPL 3 until it does INT 0x81 */
void task_jump(void);                   /* ljmp to SEL_TSS2 and back (results in kres) */
void task_call(void);                   /* lcall SEL_TASKGATE; the task IRETs back */
void task2_entry(void), task3_entry(void), df_task_entry(void);
extern u8 ring0_stack_top[], user_stack_top[], sysenter_stack_top[];
extern u8 task2_stack_top[], task3_stack_top[], df_stack_top[];
void isr_common(void);
extern const u32 isr_stubs[32];
void isr64(void);

/* user.S */
void int80_handler(void), user_exit(void), null_iret_handler(void), sysenter_handler(void);
void callgate_target(void), null_lret_target(void);
extern char conforming_target[];
u32 k_write(u32 value, u32 addr);       /* ring 0: *addr = value, at_k_write */

/* Results: ures is written by ring-3 code, kres by ring-0 code and tasks. */
extern u32 ures[16], kres[16], t2res[16], t3res[16], dfres[16];
extern u32 user_cr0_image;              /* what u_mov_cr0_write writes */

#define LABEL(x) extern char x[]
#define SNIPPET(x) void u_##x(void); LABEL(at_##x); LABEL(after_##x)
SNIPPET(ring3); SNIPPET(int80); SNIPPET(int_dpl0); SNIPPET(cli); SNIPPET(sti); SNIPPET(hlt);
SNIPPET(mov_cr0_read); SNIPPET(mov_cr0_write); SNIPPET(popf);
SNIPPET(inb_80); SNIPPET(outb_80); SNIPPET(inw_80); SNIPPET(inl_84); SNIPPET(inb_83);
SNIPPET(inw_82); SNIPPET(inw_87); SNIPPET(inl_80); SNIPPET(inb_dx_400); SNIPPET(inb_dx_1ff);
SNIPPET(callgate); SNIPPET(callgate_dpl0); SNIPPET(null_lret); SNIPPET(null_iret);
SNIPPET(conforming); SNIPPET(lcall_kcode);
SNIPPET(ld_ds_kdata); SNIPPET(ld_ds_kdata3); SNIPPET(ld_ds_null); SNIPPET(ld_ss_null);
SNIPPET(ld_ss_rpl0); SNIPPET(ld_ss_kdata3); SNIPPET(ld_ss_udata);
SNIPPET(sysenter);
SNIPPET(pf_read_sup); SNIPPET(pf_write_sup); SNIPPET(pf_write_ro); SNIPPET(pf_read_ro); SNIPPET(pf_write_np);
SNIPPET(df);
SNIPPET(ld_ds_udata); SNIPPET(ld_ds_ldt); SNIPPET(pf_read_gdt); SNIPPET(pf_read_idt); SNIPPET(pf_read_tss);
LABEL(at_k_write); LABEL(after_k_write); LABEL(after_task_ljmp); LABEL(after_task_lcall); LABEL(sysexit_target);

/* privilege.c */
extern u8 sup_page[4096], ro_page[4096], np_page[4096];
void paging_on(void);
void paging_off(void);
void set_wp(int on);
void protect_tables(void);             /* GDT page: supervisor, read-only; IDT, TSS pages: supervisor */
u32 pte_of(const void *page);
void ldt_on(void);                      /* accessed bits, the LDT, GDT limit + 8, LLDT SEL_LDT */
void ldt_off(void);                     /* LLDT 0, the normal GDT limit */
void tasks_init(void);
void lidt_limit(u32 limit);
void wrmsr(u32 msr, u32 lo, u32 hi);
u32 rdmsr_lo(u32 msr);

/* Runs a ring-3 snippet (a fault in it resumes at `after`) / clears the
 * exception record for ring-0 code that may fault. */
void run_user(void (*fn)(void), u32 eflags, const void *after);
void run_kernel_prepare(const void *after);

void run_setup_checks(void);
void run_ring3_checks(void);
void run_io_checks(void);
void run_gate_checks(void);
void run_segment_checks(void);
void run_sysenter_checks(void);
void run_task_checks(void);
void run_paging_checks(void);
void run_implicit_supervisor_checks(void);
void run_double_fault_check(void);      /* does not return */
void df_report(void);                   /* the #DF task's C side; does not return */

static inline u32 read_eflags(void) { u32 f; __asm__ volatile("pushfl; popl %0" : "=r"(f)); return f; }
static inline u32 read_cr0(void) { u32 v; __asm__ volatile("movl %%cr0, %0" : "=r"(v)); return v; }
static inline u32 read_cr2(void) { u32 v; __asm__ volatile("movl %%cr2, %0" : "=r"(v)); return v; }
static inline u32 read_cr3(void) { u32 v; __asm__ volatile("movl %%cr3, %0" : "=r"(v)); return v; }
static inline u32 read_tr(void) { u32 v = 0; __asm__ volatile("strw %w0" : "+r"(v)); return v; }
/* LAR's access rights: the descriptor type is bits 8-11 (0x9 available TSS, 0xB busy). */
static inline u32 lar_type(u32 sel)
{
    u32 ar = 0;
    __asm__ volatile("larl %1, %0" : "+r"(ar) : "r"(sel) : "cc");
    return (ar >> 8) & 0xf;
}
#endif /* __ASSEMBLER__ */
#endif
