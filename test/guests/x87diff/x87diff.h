/* x87diff: shared declarations (see README.md).
 *
 * Every case loads a whole x87 state with FRSTOR (control word, status word
 * with random condition codes and TOP, tag word, the eight registers), sets
 * EFLAGS and a memory operand, calls a stub (the instruction under test, then
 * `ret`) and saves the whole x87 state again with FNSAVE, which neither waits
 * nor checks for pending exceptions, so a case that leaves an unmasked
 * exception pending never reaches #MF (or SIGFPE in the Linux build): FNSAVE
 * reinitialises the FPU. The C code itself uses no floating point. */
#ifndef X87DIFF_H
#define X87DIFF_H

#include "../lib/rt.h"

typedef signed short s16;
typedef signed long long s64;

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* An extended-precision value: sign and biased exponent, 64-bit significand. */
typedef struct {
  u64 m;
  u16 se;
} f80;

/* Status word bits (Intel SDM vol. 1, 8.1.3). */
#define SW_IE 0x0001
#define SW_DE 0x0002
#define SW_ZE 0x0004
#define SW_OE 0x0008
#define SW_UE 0x0010
#define SW_PE 0x0020
#define SW_SF 0x0040
#define SW_ES 0x0080
#define SW_C0 0x0100
#define SW_C1 0x0200
#define SW_C2 0x0400
#define SW_C3 0x4000
#define SW_B 0x8000

/* Condition codes an instruction class leaves undefined (the "FPU Flags
 * Affected" section of each instruction in the SDM vol. 2): masked out of the
 * status word printed after the instruction. */
#define CC_NONE 0                              /* all defined (compares, fxam, fprem, env) */
#define CC_ARITH (SW_C0 | SW_C2 | SW_C3)        /* C1 defined (round up / stack fault) */
#define CC_TRIG (SW_C0 | SW_C3)                 /* C1 and C2 (out of range) defined */
#define CC_ALL (SW_C0 | SW_C1 | SW_C2 | SW_C3) /* ffree, fnclex, fldcw, fnstsw: all undefined */

/* EFLAGS bits. */
#define F_CF 0x001u
#define F_PF 0x004u
#define F_AF 0x010u
#define F_ZF 0x040u
#define F_SF 0x080u
#define F_OF 0x800u
#define F_OSZAPC 0x8d5u

/* How the memory operand is printed after the case. */
enum { MP_NONE, MP_BYTES, MP_ENV32, MP_ENV16, MP_SAVE32, MP_SAVE16 };

/* One case. */
struct cs {
  const char *name;
  void (*stub)(void);
  u16 cw, sw;      /* control word; status word in (CC, TOP, sticky flags, ES, B) */
  int nst;         /* ST(0)..ST(nst-1) are printed as inputs */
  u8 empty;        /* bit i: ST(i) is empty (its contents are still loaded) */
  int rawtags;     /* 1: tw is the tag word to load as is (else computed) */
  u16 tw;
  f80 st[8];       /* ST(i) (all eight are loaded, empty or not) */
  int min;         /* memory input: bytes at x8_m printed as an input */
  int miprint;     /* MP_*: how (MP_NONE: as bytes) */
  int mout;        /* memory output: bytes at x8_m printed after the case */
  int mprint;      /* MP_*: how */
  u8 mem[112];     /* memory input image */
  int fl;          /* 1: EFLAGS (OSZAPC) printed before and after */
  u32 eflags;
  u16 ccmask;      /* undefined condition codes of the output status word */
  int showcw;      /* 1: the control word after the case is printed */
};

void *memset(void *dst, int c, unsigned n);
void *memcpy(void *dst, const void *src, unsigned n);
int memcmp(const void *a, const void *b, unsigned n);

/* The harness (x87diff.c). */
extern void (*x8_target)(void);
extern u8 x8_m[128];
void x8_run(struct cs *c);
/* 0: an output register that still holds its input value prints as "=";
 * 1: every register prints in full (the transcendental group). */
extern int x8_full_regs;
void form(const char *name, const char *text); /* a "# name: text" header line */
const char *with_index(char *buf, const char *name, int i); /* "fadd_st0_sti", 3 -> "fadd_st0_st3" */

/* Stubs. STUB(sym, text): a function `text; ret`. STUB8(sym, text): eight
 * stubs, one per register index \i (0..7) in text, and a table sym[8]. */
#define X8_STR(...) #__VA_ARGS__
#define STUB(sym, text)                                                 \
  void sym(void);                                                       \
  __asm__(".pushsection .text\n" #sym ":\n\t" text "\n\tret\n\t.popsection\n");
#define STUB8(sym, text)                                                    \
  extern void (*const sym[8])(void);                                        \
  __asm__(".pushsection .rodata\n\t.p2align 2\n" #sym ":\n\t.popsection\n"  \
          ".irp i,0,1,2,3,4,5,6,7\n"                                        \
          "\t.pushsection .text\n7777:\n\t" text "\n\tret\n\t.popsection\n" \
          "\t.pushsection .rodata\n\t.long 7777b\n\t.popsection\n"          \
          ".endr\n");

/* PRNG: xorshift32, reseeded per group from the group's name. */
extern u32 x8_seed;
static inline u32 rnd(void) {
  u32 x = x8_seed;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return x8_seed = x;
}
static inline u32 rn(u32 n) { return rnd() % n; }
u64 rbits(int n);
void group(const char *name);

/* Values (values.c). */
enum { W_NORMAL, W_DENORMAL, W_PSEUDODEN, W_ZERO, W_INF, W_QNAN, W_SNAN, W_UNNORMAL, W_PSEUDOINF, W_PSEUDONAN };
f80 mkf(int sign, int exp, u64 m);
f80 make(int want);
f80 rand_f80(void);
f80 normal_at(int exp);
u64 rand_mant(void);
int rand_exp(void);
enum { K_ADD, K_MUL, K_DIV, K_ANY };
f80 partner(f80 a, int kind);
f80 f80_fixed(int sign, u64 v, int frac_bits); /* v / 2^frac_bits, exactly (v != 0) */
f80 f80_int(s64 v);
u16 case_cw(int k, int unmask_pct);            /* PC and RC by k (all 12 in turn), masks */
u16 case_sw(u16 cw);                           /* random C0-C3, TOP, masked sticky flags */
u16 pending_sw(u16 cw);                        /* also unmasked flags, with ES and B */
u32 rand_eflags(void);
int tag_of(f80 v);
u32 m32_image(void);                           /* float32 images of every class */
u64 m64_image(void);
u32 m32_near(f80 a);                           /* a float32 near a, or any */
u64 m64_near(f80 a);
s64 int_edge(int bits);                        /* edges of a bits-wide integer, or random */
void put16(u8 *p, u16 v);
void put32(u8 *p, u32 v);
void put64(u8 *p, u64 v);
void put80(u8 *p, f80 v);
void rand_bcd(u8 *b);                          /* packed BCD, valid digits */
f80 get80(const u8 *p);

/* Case setup helpers (x87diff.c). */
void cs_init(struct cs *c, const char *name, void (*stub)(void), u16 cw, u16 ccmask);
void cs_stack(struct cs *c, int nst);          /* random ST(0..nst-1), some empty now and then */
void cs_full(struct cs *c);                    /* all eight registers full */

/* Groups. */
void test_arith(void);
void test_arith_mem(void);
void test_unary(void);
void test_compare(void);
void test_load(void);
void test_store(void);
void test_stack(void);
void test_env(void);
void test_transcendental(void);

#endif
