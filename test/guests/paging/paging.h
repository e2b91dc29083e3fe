/* Shared by the files of the paging guest: paging.c (descriptor tables, the
 * exception handler's C side, the page structures, bookkeeping, main), the
 * cases_*.c files, and stubs.S (entry stubs, catch_call, and the routines
 * whose instructions must sit at known addresses). */
#ifndef PAGING_H
#define PAGING_H

#define SEL_CODE 0x08
#define SEL_DATA 0x10

#ifndef __ASSEMBLER__
#include "rt.h"
#include "check.h"

/* Paging-structure entry bits: 32-bit paging, Intel SDM vol. 3A 4.3
 * (tables 4-4 to 4-6); the low dword of a PAE entry is the same, 4.4
 * (tables 4-8 to 4-11). */
#define PTE_P   0x001u          /* present */
#define PTE_RW  0x002u          /* writable */
#define PTE_A   0x020u          /* accessed */
#define PTE_D   0x040u          /* dirty (only in entries that map a page) */
#define PDE_PS  0x080u          /* the PDE maps a 4 MiB (PAE: 2 MiB) page */
#define PTE_G   0x100u          /* global (with CR4.PGE) */

/* #PF error code bits (4.7). */
#define PF_P    0x1u            /* 0: not present; 1: protection or reserved bit */
#define PF_W    0x2u            /* the access was a write */
#define PF_RSVD 0x8u            /* a reserved bit was set in a paging-structure entry */

#define CR0_WP  (1u << 16)
#define CR0_PG  (1u << 31)
#define CR4_PSE (1u << 4)
#define CR4_PAE (1u << 5)
#define CR4_PGE (1u << 7)

/* Linear addresses the cases use. Below 8 MiB everything is identity-mapped
 * (the kernel, its .bss with the frames below, and the scratch 4-8 MiB). */
#define TEST_VA 0x10000000u     /* test page table: VA(n) = its n-th 4 KiB page */
#define VA(n)   (TEST_VA + (u32)(n) * 0x1000u)
#define BIG_VA  0x40000000u     /* PSE 4 MiB pages, PAE 2 MiB pages */
#define BIG_PA  0x00400000u     /* scratch physical memory, 4-8 MiB, past the kernel image */

/* Scratch physical pages (in .bss, identity-mapped: linear = physical). */
#define NFRAMES 32
extern u8 frames[NFRAMES][4096];
#define FRAME(n) ((u32)frames[n])

/* 32-bit paging (paging.c): identity 0-8 MiB through pt32_low, TEST_VA
 * through pt32_test; every other PDE is free for the cases. */
#define PDI(va) ((u32)(va) >> 22)
extern volatile u32 pd32[1024];
extern volatile u32 pt32_test[1024];
void paging32_build(void);
/* PG off, then CR4 and CR3, then PG (and WP) on: the way into and out of
 * PAE paging (4.1.2). */
void switch_paging(u32 cr3, u32 cr4);

/* ---- exceptions ---- */
/* What isr_common (stubs.S) pushes: pushal, vector, error code, then the
 * CPU's EIP, CS, EFLAGS. */
struct exc_frame {
    u32 edi, esi, ebp, esp_pushal, ebx, edx, ecx, eax;
    u32 vec, err;
    u32 eip, cs, eflags;
};
extern struct exc_frame last_exc;       /* the most recent exception */
extern u32 last_cr2, exc_count;

/* Calls fn(a, b, c); returns 1 if an exception inside it was caught (and
 * fn abandoned), else 0 with fn's EAX in catch_ret. Resets exc_count. */
int trap(const void *fn, u32 a, u32 b, u32 c);
extern u32 catch_ret;

/* Demand paging: the next #PF on linear page `page` is handled by storing
 * `val` into *pte and restarting the faulting instruction. One-shot. */
void demand_arm(u32 page, volatile u32 *pte, u32 val);

/* ---- one check per line: lib/check.h, and ---- */
void want_eip(u32 got, const void *insn);          /* eip=insn */
/* Exactly one #PF with this error code, CR2 and saved EIP. */
void want_pf(u32 err, u32 cr2, u32 eip);
/* The same for a reserved-bit fault (err has PF_RSVD | PF_P). QEMU's TCG
 * (7.x and later) delivers RSVD with P clear; SDM 4.7 says P is set. By
 * default P is not judged here (the line shows err|P); with "strict" on
 * the command line it is (the line shows err). */
void want_pf_rsvd(u32 err, u32 cr2, u32 eip);
extern int strict;

/* ---- control registers, TLB ---- */
static inline u32 read_cr0(void) { u32 v; __asm__ volatile("movl %%cr0, %0" : "=r"(v)); return v; }
static inline void write_cr0(u32 v) { __asm__ volatile("movl %0, %%cr0" : : "r"(v) : "memory"); }
static inline u32 read_cr3(void) { u32 v; __asm__ volatile("movl %%cr3, %0" : "=r"(v)); return v; }
static inline void write_cr3(u32 v) { __asm__ volatile("movl %0, %%cr3" : : "r"(v) : "memory"); }
static inline u32 read_cr4(void) { u32 v; __asm__ volatile("movl %%cr4, %0" : "=r"(v)); return v; }
static inline void write_cr4(u32 v) { __asm__ volatile("movl %0, %%cr4" : : "r"(v) : "memory"); }
static inline void invlpg(u32 va) { __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory"); }
static inline void reload_cr3(void) { write_cr3(read_cr3()); }
static inline u32 peek(u32 a) { return *(volatile u32 *)a; }
static inline void poke(u32 a, u32 v) { *(volatile u32 *)a = v; }
static inline u32 bit(u32 v, u32 mask) { return (v & mask) != 0; }

/* ---- stubs.S ---- */
#define LABEL(x) extern char x[]
u32 rd32(u32 addr);                     /* the load is at at_rd32 */
void wr32(u32 addr, u32 v);             /* the store is at at_wr32 */
LABEL(at_rd32); LABEL(at_wr32);
/* rep movsd of `count` dwords; ECX, ESI, EDI afterwards in rep_out[] */
void rep_movsd_run(u32 src, u32 dst, u32 count);
LABEL(at_rep_movsd);
extern volatile u32 rep_out[3];
/* Two page-aligned code pages; smc_func starts 8 bytes before the second,
 * and its MOV EAX, imm32 (at smc_mov) has two immediate bytes in each. */
u32 smc_func(void);
LABEL(smc_area); LABEL(smc_mov);

void run_pg32_cases(void);
void run_pse_pge_cases(void);
void run_code_cases(void);
void run_pae_cases(void);

#endif /* __ASSEMBLER__ */
#endif
