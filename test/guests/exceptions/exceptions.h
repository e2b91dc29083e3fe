/* Shared between exceptions.c (descriptor tables, paging, the handler's C
 * side, bookkeeping, main) and cases.c (the test cases). */
#ifndef EXCEPTIONS_H
#define EXCEPTIONS_H
#include "rt.h"

#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define NOERR (-1)

/* What isr_common (stubs.S) pushes: pushal, vector, error code, then the
 * CPU's own EIP, CS, EFLAGS. */
struct exc_frame {
    u32 edi, esi, ebp, esp_pushal, ebx, edx, ecx, eax;  /* pushal */
    u32 vec, err;
    u32 eip, cs, eflags;                                /* pushed by the CPU */
};

extern struct exc_frame last;           /* the most recent exception */
extern u32 last_cr2, last_handler_eflags, exc_count;
/* Shared with triggers.S. */
extern u32 fell_through, eflags_after, probe, probe_copy, probe_ro;
extern u8 pf_pages[3][4096];

void paging_on(void);
void paging_off(void);

enum kind {
    FAULT,      /* exception; saved EIP = the instruction; the next one never runs */
    TRAP,       /* exception; saved EIP = the next instruction, which then runs */
    NONE,       /* no exception */
};

#define EFLAGS_IF (1u << 9)
#define EFLAGS_OF (1u << 11)

/* One case: begin() states the expectation and clears the record, the
 * caller runs trig_<name>() and adds expect()s, end() checks and prints. */
void begin(const char *tag, const char *desc, enum kind kind, int vec, int err, const void *eip);
void limit_class(void);
void expect(int cond, const char *what);
void end(void);

void run_divide_and_traps(void);
void run_segment_loads(void);
void run_data_access_checks(void);
void run_far_jumps_and_gates(void);
void run_page_faults(void);

/* triggers.S: trig_<name> runs the case, at_<name> labels the instruction
 * under test and after_<name> the one after it. */
#define DECLARE(name) extern void trig_##name(void); extern char at_##name[]
#define DECLARE_AFTER(name) DECLARE(name); extern char after_##name[]
DECLARE(de_div); DECLARE(de_idiv); DECLARE(de_div_ovf); DECLARE(de_idiv8); DECLARE(de_aam0);
DECLARE_AFTER(bp_int3); DECLARE_AFTER(bp_int_3); DECLARE_AFTER(of_into); DECLARE_AFTER(of_into_clear);
DECLARE(br_above); DECLARE(br_below); DECLARE(br_inside);
DECLARE(ud_ud2); DECLARE(ud_lock_nop); DECLARE(ud_lock_reg);
DECLARE(np_ds); DECLARE(np_gs); DECLARE(gp_ds_rpl_np); DECLARE(gp_ds_rpl);
DECLARE(ss_np); DECLARE(gp_ss_code); DECLARE(gp_ss_ro); DECLARE(gp_ss_null); DECLARE(gp_ss_rpl);
DECLARE(gp_ds_gdt_limit); DECLARE(gp_ds_gdt_limit_rpl); DECLARE(gp_ds_exec_only);
DECLARE(ok_ds_code_readable); DECLARE(ok_ds_null); DECLARE(gp_ldt_null);
DECLARE(gp_ds_limit); DECLARE(ok_ds_limit_edge); DECLARE(gp_ds_limit_straddle);
DECLARE(gp_ds_readonly_write); DECLARE(gp_ds_null_access); DECLARE(ss_limit);
DECLARE(gp_ljmp_limit); DECLARE_AFTER(gp_ljmp_data);
DECLARE(gp_int_idt_limit); DECLARE(np_int_gate); DECLARE(gp_int_bad_gate);
DECLARE_AFTER(int_gate); DECLARE_AFTER(trap_gate);
DECLARE(pf_read_np); DECLARE(pf_write_np); DECLARE(pf_write_ro); DECLARE(pf_read_straddle);
DECLARE(pf_write_straddle); DECLARE(pf_rep_movsd); DECLARE(pf_fetch);
extern u32 pf_src[8];

#endif
