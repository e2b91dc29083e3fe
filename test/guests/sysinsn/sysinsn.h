/* Shared by the files of the sysinsn guest: sysinsn.c (descriptor tables,
 * the exception handler's C side, bookkeeping, main), the cases_*.c files
 * and stubs.S (entry stubs, catch_call, and the routines whose instructions
 * must sit at known addresses). */
#ifndef SYSINSN_H
#define SYSINSN_H

/* GDT selectors (sysinsn.c: gdt_init). */
#define SEL_CODE      0x08      /* flat 32-bit code */
#define SEL_DATA      0x10      /* flat data */
#define SEL_CODE2     0x18      /* a second flat 32-bit code segment (far call/jmp) */
#define SEL_CODE_HI   0x20      /* 32-bit code, base CODE_HI_BASE (16-bit frames need IP < 64K) */
#define SEL_LDT       0x28      /* LDT descriptor (type 2) */
#define SEL_TSS       0x30      /* 32-bit TSS (type 9; 0xB once loaded) */
#define SEL_LAR_CODE  0x38      /* code, never loaded: for lar/lsl/verr/verw */
#define SEL_LAR_DATA  0x40      /* data, never loaded */
#define SEL_XONLY     0x48      /* execute-only code */
#define SEL_RODATA    0x50      /* read-only data */
#define GDT_ENTRIES   11
#define IDT_ENTRIES   0x42      /* exceptions 0-31, 0x40 (int n), 0x41 (16-bit gate) */
#define SEL_BEYOND    0x100     /* past the GDT limit */
#define SEL_LDT_DATA  0x0c      /* LDT entry 1, TI=1, RPL 0: flat data */

#define CODE_HI_BASE  0x100000u /* where the kernel's .text starts (link.ld) */

#define EFLAGS_CF (1u << 0)
#define EFLAGS_PF (1u << 2)
#define EFLAGS_AF (1u << 4)
#define EFLAGS_ZF (1u << 6)
#define EFLAGS_SF (1u << 7)
#define EFLAGS_TF (1u << 8)
#define EFLAGS_IF (1u << 9)
#define EFLAGS_DF (1u << 10)
#define EFLAGS_OF (1u << 11)

#ifndef __ASSEMBLER__
#include "rt.h"

/* What isr_common (stubs.S) pushes: pushal, vector, error code, then the
 * CPU's EIP, CS, EFLAGS. */
struct exc_frame {
    u32 edi, esi, ebp, esp_pushal, ebx, edx, ecx, eax;
    u32 vec, err;
    u32 eip, cs, eflags;
};
extern struct exc_frame last_exc;       /* the most recent exception */
extern u32 exc_count;

/* Calls fn(a, b, c) so that an exception inside it returns here: 1 if one
 * was taken (last_exc says which), else 0 with fn's EDX:EAX in catch_ret_hi/lo. */
int trap(const void *fn, u32 a, u32 b, u32 c);
extern u32 catch_ret_lo, catch_ret_hi;

/* One case: begin(); expect()/show_*(); end(). skip() instead of all that.
 * Every case name is written CASE("...") in the source, in the order the
 * cases run, so that test/sysinsn.test.ts can list them. */
#define CASE(name) name
void begin(const char *name);
void expect(int cond, const char *what);
/* Expect no exception from the last trap(), naming it if there was one. */
void expect_no_exc(int took);
/* Expect exactly exception `vec` (error code `err`, or -1: none/any) at `eip`. */
void expect_exc(int took, u32 vec, int err, const void *eip);
void show_x(const char *key, u32 v);    /* key=0x... */
void show_u(const char *key, u32 v);    /* key=decimal */
void show_s(const char *key, const char *s);    /* key="..." */
void end(void);
void skip(const char *name, const char *why);
/* A case QEMU's TCG gets wrong: counts unless "strict" is off and it failed. */
void qemu_deviation(const char *why);

extern int have_dev;                    /* "dev" on the command line */
int cmdline_has(const char *word);

void paging_on(void);
void paging_off(void);
extern u32 page_dir[1024];

void run_io_cases(void);
void run_cpuid_tsc_msr_cases(void);
void run_cr_dr_cases(void);
void run_descriptor_cases(void);
void run_flow_cases(void);

static inline u32 read_eflags(void) { u32 f; __asm__ volatile("pushfl; popl %0" : "=r"(f)); return f; }
static inline void write_eflags(u32 f) { __asm__ volatile("pushl %0; popfl" : : "r"(f) : "cc", "memory"); }
static inline u32 read_cr0(void) { u32 v; __asm__ volatile("movl %%cr0, %0" : "=r"(v)); return v; }
static inline void write_cr0(u32 v) { __asm__ volatile("movl %0, %%cr0" : : "r"(v) : "memory"); }
static inline u32 read_cr4(void) { u32 v; __asm__ volatile("movl %%cr4, %0" : "=r"(v)); return v; }
static inline void write_cr4(u32 v) { __asm__ volatile("movl %0, %%cr4" : : "r"(v) : "memory"); }
static inline u16 read_cs(void) { u16 v; __asm__ volatile("movw %%cs, %0" : "=r"(v)); return v; }

/* stubs.S routines. Labels at_X mark an instruction under test, after_X the next one. */
#define LABEL(x) extern char x[]
u32 do_rdmsr(u32 msr);                  /* EDX:EAX; at_rdmsr */
void do_wrmsr(u32 msr, u32 lo, u32 hi); /* at_wrmsr */
LABEL(at_rdmsr); LABEL(at_wrmsr);
u32 rdtsc_span(void);                   /* TSC difference over RDTSC_SPAN instructions */
#define RDTSC_SPAN 11
extern u32 tsc_msr_sample[3];
void tsc_msr_probe(void);               /* rdtsc, rdmsr 0x10 (3 insns later), rdtsc (5 insns later) */
void do_ltr(u32 sel);  LABEL(at_ltr);
void do_lldt(u32 sel); LABEL(at_lldt);
u32 do_arpl_reg(u32 dst, u32 src, u32 zf_in);  /* EAX = new dst, EDX = ZF after */
u32 do_arpl_mem(u32 ptr, u32 src, u32 zf_in);  /* EDX = ZF after */
LABEL(at_arpl_reg); LABEL(at_arpl_mem);
void lock_xchg_reg(void);    LABEL(at_lock_xchg_reg);
void lock_cmpxchg_reg(void); LABEL(at_lock_cmpxchg_reg);
u32 mov_dr4_read(void);      LABEL(at_mov_dr4);
void mov_cr1_read(void);     LABEL(at_mov_cr1);
/* far control transfers: results in far_res */
struct far_result { u32 cs_in, eip_in, cs_after, esp_delta, arg; };
extern struct far_result far_res;
void far_call_mem(void);                /* lcall *m16:32 -> SEL_CODE2, lret */
void far_call_direct(void);             /* lcall $SEL_CODE2 -> lret $8 with 2 args */
void far_call_based(void);              /* lcall $SEL_CODE_HI (base CODE_HI_BASE) -> lret */
void far_jmp_mem(void);                 /* ljmp *m16:32 -> SEL_CODE2, ljmp back direct */
void far_jmp_direct(void);              /* ljmp $SEL_CODE2, ljmp back direct */
LABEL(far_callee_here);
/* int n / iret */
struct int_result { u32 eip, cs, eflags, handler_eflags, count, flags_after, esp_delta; };
extern struct int_result int_res;
u32 int40_test(u32 flags_in);           LABEL(after_int40);
void iret16_test(u32 flags16);          LABEL(iret16_target); LABEL(iret16_here);
void gate16_test(u32 flags_in);                LABEL(after_int41); LABEL(gate16_handler);
LABEL(stubs_text_end);
extern const u32 isr_stubs[32];
void int40_handler(void);

#endif /* __ASSEMBLER__ */
#endif
