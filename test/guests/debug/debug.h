/* Shared by the files of the debug guest: debug.c (descriptor tables, the
 * exception handlers' C side, bookkeeping, main), cases.c (the checks),
 * stubs.S (entry stubs, the INT 0x30 handler) and snippets.S (the code
 * sequences run under TF and the debug registers). */
#ifndef DEBUG_H
#define DEBUG_H

#define SEL_KCODE   0x08        /* ring-0 code, flat */
#define SEL_KDATA   0x10        /* ring-0 data, flat */
#define GDT_ENTRIES 3

#define VEC_DB      1
#define VEC_UD      6
#define VEC_SOFT    0x30        /* interrupt gate -> int30_handler (stubs.S) */
#define IDT_ENTRIES 0x31

#define EFLAGS_TF   (1u << 8)
#define EFLAGS_IF   (1u << 9)
#define EFLAGS_RF   (1u << 16)

#define CR4_DE      (1u << 3)

/* DR6 (Intel SDM vol. 3B 17.2.3): bits 4-11 and 16-31 read as 1, bit 12 as 0. */
#define DR6_FIXED   0xffff0ff0u
#define DR6_B0      (1u << 0)
#define DR6_B1      (1u << 1)
#define DR6_B2      (1u << 2)
#define DR6_B3      (1u << 3)
#define DR6_BS      (1u << 14)

/* DR7 (17.2.4): L0..L3 = bits 0,2,4,6; G0..G3 = 1,3,5,7; bit 10 reads as 1;
 * R/Wn at 16+4n, LENn at 18+4n. */
#define DR7_FIXED   0x00000400u
#define DR7_L(n)    (1u << (2 * (n)))
#define DR7_G(n)    (2u << (2 * (n)))
#define DR7_RW(n, rw)   ((u32)(rw) << (16 + 4 * (n)))
#define DR7_LEN(n, len) ((u32)(len) << (18 + 4 * (n)))
#define RW_EXEC     0
#define RW_WRITE    1
#define RW_ACCESS   3           /* read or write */
#define LEN_1       0
#define LEN_2       1
#define LEN_4       3

#ifndef __ASSEMBLER__
#include "rt.h"
#include "check.h"

/* What isr_common (stubs.S) leaves: pushal, vector, error code, then the
 * CPU's frame (same privilege: EIP CS EFLAGS). */
struct frame {
    u32 edi, esi, ebp, esp_pushal, ebx, edx, ecx, eax;
    u32 vec, err;
    u32 eip, cs, eflags;
};

/* One #DB as the handler saw it. */
struct db_entry {
    u32 eip;        /* saved EIP */
    u32 eflags;     /* saved EFLAGS */
    u32 dr6;        /* DR6 at entry */
    u32 probe;      /* *db_probe at entry (the watched dword), if db_probe */
};
#define DB_MAX 16
extern struct db_entry db_log[DB_MAX];
extern u32 db_n;                /* #DBs taken since db_arm (may exceed DB_MAX) */
extern u32 db_stray;            /* #DBs outside an armed run */
extern u32 db_handler_eflags;   /* EFLAGS inside the handler at the first #DB of a run */

/* How the next run's #DB handler behaves. */
struct db_mode {
    u32 stop_eip;               /* clear TF in the saved EFLAGS at a #DB with this EIP */
    int set_rf;                 /* set RF in the saved EFLAGS (instruction breakpoints) */
    int keep_dr6;               /* do not clear DR6 after each #DB */
    const volatile u32 *probe;  /* a dword to read at each #DB */
};

/* Runs fn (a snippet of snippets.S) with the #DB handler armed in `mode`;
 * DR0-DR3 and DR7 as given (DR7 = 0 afterwards, DR6 cleared before). */
void run_db(void (*fn)(void), const struct db_mode *mode, u32 dr7, const u32 dr[4]);

/* Non-#DB exceptions: the first one since expect_exc is recorded and the
 * IRET resumes at `after`. */
extern u32 exc_vec, exc_eip, exc_count;
void expect_exc(const void *after);
void expect_none(void);

/* Snippets: results in sres[]. */
extern u32 sres[8];
extern u32 i30res[8];           /* int30_handler: see stubs.S */
extern volatile u32 watch[16];  /* the watched data (snippets.S) */
#define WVAR   (&watch[4])      /* DR1's dword */
#define RWVAR  ((u32)watch + 0x26)  /* DR2's word (2-byte aligned) */

#define LABEL(x) extern char x[]
#define SNIP(x) void x(void)
SNIP(tf_straight); LABEL(ss_1); LABEL(ss_2); LABEL(ss_3); LABEL(ss_4); LABEL(ss_5); LABEL(ss_end);
SNIP(tf_popf_clear); LABEL(pc_1); LABEL(pc_2); LABEL(pc_3); LABEL(pc_4);
SNIP(tf_int); LABEL(in_1); LABEL(in_2); LABEL(in_3); LABEL(in_4); LABEL(in_5);
SNIP(tf_movss); LABEL(ms_1); LABEL(ms_2); LABEL(ms_3); LABEL(ms_4); LABEL(ms_5);
SNIP(tf_popss); LABEL(ps_1); LABEL(ps_2); LABEL(ps_3); LABEL(ps_4); LABEL(ps_5);
SNIP(ibp_once); LABEL(ib_target); LABEL(ib_after);
SNIP(ibp_loop); LABEL(il_target);
SNIP(dw_write); LABEL(dw_write_after);
SNIP(dw_read); LABEL(dw_read_after);
SNIP(dw_neighbours); LABEL(dw_neighbours_after);
SNIP(dw_byte1); LABEL(dw_byte1_after);
SNIP(dw_rmw); LABEL(dw_rmw_after);
SNIP(dw_straddle); LABEL(dw_straddle_after);
SNIP(rw_read_word); LABEL(rw_read_word_after);
SNIP(rw_write_byte); LABEL(rw_write_byte_after);
SNIP(rw_read_dword); LABEL(rw_read_dword_after);
SNIP(rw_outside); LABEL(rw_outside_after);
SNIP(dr6_sticky); LABEL(st_1); LABEL(st_2); LABEL(st_3);
SNIP(disabled); LABEL(dis_target);
SNIP(ud_dr4_read); LABEL(ud_dr4_read_at); LABEL(ud_dr4_read_after);
SNIP(ud_dr5_write); LABEL(ud_dr5_write_at); LABEL(ud_dr5_write_after);
SNIP(int30_handler);

/* stubs.S */
extern const u32 isr_stubs[32];


void run_register_checks(void);
void run_single_step_checks(void);
void run_insn_breakpoint_checks(void);
void run_data_breakpoint_checks(void);
void run_dr6_checks(void);
void run_disabled_checks(void);
void run_dr4_dr5_checks(void);
void run_stray_check(void);

#define WRITE_DR(n, v) __asm__ volatile("movl %0, %%dr" #n : : "r"((u32)(v)) : "memory")
#define READ_DR(n) ({ u32 v_; __asm__ volatile("movl %%dr" #n ", %0" : "=r"(v_)); v_; })
static inline u32 read_cr4(void) { u32 v; __asm__ volatile("movl %%cr4, %0" : "=r"(v)); return v; }
static inline void write_cr4(u32 v) { __asm__ volatile("movl %0, %%cr4" : : "r"(v) : "memory"); }
static inline u32 read_eflags(void) { u32 f; __asm__ volatile("pushfl; popl %0" : "=r"(f)); return f; }
#endif /* __ASSEMBLER__ */
#endif
