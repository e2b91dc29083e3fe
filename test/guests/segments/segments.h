/* Shared by the files of the segments guest: segments.c (descriptor tables,
 * tasks, the exception handlers' C side, bookkeeping, main), cases.c (the
 * checks), stubs.S (exception entry, the #SS and #DF tasks) and access.S
 * (the instructions under test). */
#ifndef SEGMENTS_H
#define SEGMENTS_H

/* GDT (segments.c: tables_init). "Base A" = arena + ARENA_A, "base B" =
 * arena + ARENA_B; every test data segment is DPL 0. */
#define SEL_KCODE   0x08        /* code, flat, execute/read */
#define SEL_KDATA   0x10        /* data, flat, read/write */
#define SEL_UP      0x18        /* data RW expand-up, base A, limit 0xfff, G=0 */
#define SEL_UP_G    0x20        /* data RW expand-up, base A, limit 0 with G=1: 0xfff */
#define SEL_DN32    0x28        /* data RW expand-down (type 0x16), base A, limit 0xfff, B=1 */
#define SEL_DN16    0x30        /* data RW expand-down (type 0x17), base A, limit 0xfff, B=0 */
#define SEL_DN_G    0x38        /* data RW expand-down, base A, limit 0 with G=1: 0xfff, B=1 */
#define SEL_RO      0x40        /* data read-only (type 0x10), base A, limit 0xffff */
#define SEL_CODE_R  0x48        /* code execute/read (type 0x1a), base A, limit 0xffff */
#define SEL_CODE_XO 0x50        /* code execute-only (type 0x18), flat */
#define SEL_UP_B    0x58        /* data RW expand-up, base B, limit 0xfff */
#define SEL_BIG     0x60        /* data RW expand-up, base A, limit 0xffff */
#define SEL_BIG_B   0x68        /* data RW expand-up, base B, limit 0xffff */
#define SEL_SSDN    0x70        /* data RW expand-down, base 0, G=1, B=1: valid ss_area+0x1000.. */
#define SEL_ACC     0x78        /* data RW flat, accessed bit clear (type 0x12) */
#define SEL_TSS     0x80        /* the main task */
#define SEL_TSS_SS  0x88        /* the #SS task (IDT vector 12 while a task gate) */
#define SEL_TSS_DF  0x90        /* the #DF task (IDT vector 8) */
#define SEL_NP      0x98        /* data RW, not present */
#define GDT_ENTRIES 20

#define VEC_SS      12
#define VEC_GP      13

#define ARENA_SIZE  0x12000
#define ARENA_A     0x100
#define ARENA_B     0x9000
#define SS_AREA     0x3000      /* page 0: at or below SEL_SSDN's limit; pages 1-2: its stack */

#ifndef __ASSEMBLER__
#include "rt.h"
#include "check.h"

extern u8 arena[ARENA_SIZE];
extern u8 ss_area[SS_AREA];
#define BASE_A ((u32)arena + ARENA_A)
#define BASE_B ((u32)arena + ARENA_B)
#define SSDN_LIMIT ((u32)ss_area + 0xfff)

/* What isr_common (stubs.S) leaves: the interrupted DS ES FS GS (restored
 * by the IRET path, so the handler may change them), pushal, vector, error
 * code, then the CPU's frame (same privilege: EIP CS EFLAGS). */
struct frame {
    u32 gs, fs, es, ds;
    u32 edi, esi, ebp, esp_pushal, ebx, edx, ecx, eax;
    u32 vec, err;
    u32 eip, cs, eflags;
};

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
extern struct tss32 tss_main, tss_ss, tss_df;

/* The first exception since arm(): from an interrupt gate's frame or, for
 * #SS through the task gate, from the main task's TSS. */
struct exc_record {
    u32 vec, err, eip, cs, eflags;
    u32 eax, ecx, esi, edi, ebp;
    u32 esp, ss;            /* task gate only: the faulting task's ESP and SS */
    u32 ds, es;
};
extern struct exc_record exc;
extern u32 exc_count;

/* Shared with access.S. */
extern u32 recover_eip;     /* where a faulting test resumes (access.S: acc_recover) */
extern u32 fell_through;    /* the test ran to its end */
extern u32 ss_esp;          /* ESP for the tests that load SS */
extern u32 sres[8];         /* results a test leaves (see access.S) */
/* Operands of the string tests (access.S: STR): loaded in this order. */
struct sargs { u32 df, fs, es, ecx, esi, edi, eax, ds; };
extern struct sargs sargs;
/* The restart mode of the exception handler: at the first #GP, load this
 * selector into the interrupted DS (1) or ES (2) and IRET to the faulting
 * instruction, which then runs to completion. */
extern u32 restart_sreg, restart_sel;

void arm(void);             /* clears exc/exc_count/fell_through/sres */
void ss_gate_task(int on);  /* IDT vector 12: task gate (1) or interrupt gate (0) */

/* access.S: u32 op(u32 sel, u32 off, u32 val) loads sel into the segment
 * register under test and runs one instruction at at_<op> on offset off
 * (the SS ops switch to SS:ss_esp first). Returns EAX after it. */
typedef u32 op_fn(u32 sel, u32 off, u32 val);
#define OPDECL(x) op_fn x; extern char at_##x[]
OPDECL(ds_rd1); OPDECL(ds_rd2); OPDECL(ds_rd4); OPDECL(ds_wr1); OPDECL(ds_wr2); OPDECL(ds_wr4);
OPDECL(ds_rmw4); OPDECL(ds_ebp_rd4); OPDECL(ds_rd4_xd); OPDECL(ds_wr4_xd);
OPDECL(es_rd1); OPDECL(es_rd4); OPDECL(es_wr1); OPDECL(es_wr4);
OPDECL(fs_rd1); OPDECL(fs_rd4); OPDECL(fs_wr4);
OPDECL(gs_rd1); OPDECL(gs_rd4); OPDECL(gs_wr4);
OPDECL(cs_rd4); OPDECL(cs_wr4); OPDECL(xo_cs_rd4); OPDECL(xo_ds_rd4);
OPDECL(ss_rd1); OPDECL(ss_rd2); OPDECL(ss_rd4); OPDECL(ss_wr1); OPDECL(ss_wr2); OPDECL(ss_wr4);
OPDECL(ss_ebp_rd4); OPDECL(ss_ds_ebp_rd4); OPDECL(ss_lods4);
OPDECL(load_ds); OPDECL(load_ss);

/* String tests (access.S): operands from sargs, results in sres[0..4]:
 * ECX ESI EDI EAX EFLAGS after the instruction. */
typedef void str_fn(void);
#define STRDECL(x) str_fn x; extern char at_##x[]
STRDECL(s_rep_movsb); STRDECL(s_rep_movsd); STRDECL(s_rep_movsb_fs); STRDECL(s_movsb);
STRDECL(s_rep_stosb); STRDECL(s_rep_stosd); STRDECL(s_stosb);
STRDECL(s_lodsb); STRDECL(s_rep_lodsd); STRDECL(s_repne_scasb); STRDECL(s_repe_cmpsb);

/* Stack tests (access.S): SS = SEL_SSDN, ESP = ss_esp, EBP = 0x0eb90eb9;
 * sres[0] ESP, sres[1] EBP, sres[2] EAX after the sequence. */
typedef void stk_fn(void);
#define STKDECL(x) stk_fn x; extern char at_##x[]
STKDECL(k_push3); STKDECL(k_push); STKDECL(k_pushw); STKDECL(k_call); STKDECL(k_pushal);
STKDECL(k_enter); STKDECL(k_pop);

/* Checks: lib/check.h. limit_class(): the check expects a fault from a
 * limit or rights check on a data access; where those are not enforced
 * (QEMU TCG) and none came, it prints SKIP instead. */
void limit_class(void);

/* The common keys of a check that expects exception vec (err 0) at label
 * sym, or (vec == NO_VEC) none. */
void want_exc(u32 vec, u32 err, const char *sym, const void *at);

u8 gdt_access_byte(u32 sel);
extern u32 trig_esp;
void run_probe(void);
void run_expand_up_checks(void);
void run_expand_down_checks(void);
void run_stack_segment_checks(void);
void run_string_checks(void);
void run_null_checks(void);
void run_rights_checks(void);
int checks_enforced(void);

static inline u32 read_cr3(void) { u32 v; __asm__ volatile("movl %%cr3, %0" : "=r"(v)); return v; }
#endif /* __ASSEMBLER__ */
#endif
