/* difftest: shared declarations.
 *
 * Every test case runs one small assembly "stub" (the instruction under test,
 * then `ret`) through dt_exec(), which loads all general registers and EFLAGS
 * from a struct st, calls the stub, and stores registers and EFLAGS back.
 * The same source is built as a Linux program and as a multiboot kernel; the
 * two must print identical text, so nothing printed may depend on where the
 * stack or the data lives (print values, deltas, offsets). */
#ifndef DIFFTEST_DT_H
#define DIFFTEST_DT_H

#include "../lib/rt.h"

typedef signed char s8;
typedef signed short s16;
typedef signed long long s64;

/* Register numbers as in ModRM; MEM names the memory operand dt_m[2]. */
enum { EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI, MEM, MEMHI };

/* EFLAGS bits (Intel SDM vol. 1, 3.4.3). */
#define F_CF 0x001u
#define F_PF 0x004u
#define F_AF 0x010u
#define F_ZF 0x040u
#define F_SF 0x080u
#define F_DF 0x400u
#define F_OF 0x800u
#define F_OSZAPC 0x8d5u
#define F_ALL (F_OSZAPC | F_DF) /* every flag a test may set or compare */

struct st {
  u32 r[8]; /* eax ecx edx ebx (esp: unused) ebp esi edi */
  u32 fl;   /* EFLAGS in/out */
};

/* The stub dt_exec calls. */
extern void *dt_target;
void dt_exec(struct st *s);

/* Memory operand area. Memory forms address dt_m[2] (see dt_memsetup). */
extern u32 dt_m[8];

/* Stub generation. STUBS(sym, LIST, text) emits one stub per value of the
 * immediate list IMMS_<LIST> (the text refers to the value as \imm) and a
 * table sym[] of their addresses. A stub is the text followed by `ret`. */
#define DT_STR(...) #__VA_ARGS__
#define DT_XSTR(...) DT_STR(__VA_ARGS__)
#define STUBS(sym, list, text)                                              \
  extern void *const sym[];                                                 \
  __asm__(".pushsection .rodata\n\t.p2align 2\n" #sym ":\n\t.popsection\n"  \
          ".irp imm," DT_XSTR(IMMS_##list) "\n"                             \
          "\t.pushsection .text\n7777:\n\t" text "\n\tret\n\t.popsection\n" \
          "\t.pushsection .rodata\n\t.long 7777b\n\t.popsection\n"          \
          ".endr\n");
/* A single stub (no immediate list): a function named sym. */
#define STUB(sym, text)                                                 \
  void sym(void);                                                       \
  __asm__(".pushsection .text\n" #sym ":\n\t" text "\n\tret\n\t.popsection\n");

/* Immediate lists (C array imms_<LIST>[] and the assembler list share them). */
#define IMMS_NONE 0
#define IMMS_I8 0, 1, 0x7f, 0x80, 0xff, 0x5a
#define IMMS_S8 0, 1, 0x7f, -128, -1, -0x5b            /* sign-extended imm8 */
#define IMMS_I16 0x80, 0xff, 0x7fff, 0x8000, 0xff7f, 0x1234 /* need imm16 */
#define IMMS_I32 0x80, 0xff, 0x7fffffff, 0x80000000, 0xffffff7f, 0x12345678
#define IMMS_CNT 0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 0x80, 255 /* shift counts */
#define IMMS_BIT 0, 1, 7, 8, 15, 16, 31, 32, 33, 255       /* bt offsets */
#define IMMS_CC 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 /* cond codes */
#define IMMS_BASE 10, 7, 16, 1, 2, 255, 0x80              /* aam bases (0 faults) */
#define IMMS_BASE0 10, 7, 16, 0, 1, 255, 0x80             /* aad bases */
#define IMMS_RET 0, 2, 4, 8, 12
#define IMMS_ENTER 0, 4, 6, 16, 0x101
extern const u32 imms_NONE[], imms_I8[], imms_S8[], imms_I16[], imms_I32[], imms_CNT[],
    imms_BIT[], imms_CC[], imms_BASE[], imms_BASE0[], imms_RET[], imms_ENTER[];
#define NIMM(list) ((u16)(sizeof((u32[]){IMMS_##list}) / sizeof(u32)))

/* Operand descriptors: location (reg 0-7, MEM), lane and value kind. */
enum { LB = 0, LH = 1, LW = 2, LD = 3 };       /* low byte, high byte, word, dword */
enum { KV = 0, KC = 1, KX = 2, KS = 3 };      /* value, shift count, raw (no lane edge), small */
#define OPD(loc, lane, kind) ((u32)((loc) | ((lane) << 4) | ((kind) << 6)))
#define B(r) OPD(r, LB, KV)
#define H(r) OPD(r, LH, KV)
#define W(r) OPD(r, LW, KV)
#define D(r) OPD(r, LD, KV)
#define CNT(r) OPD(r, LB, KC)
#define MB OPD(MEM, LB, KV)
#define MW OPD(MEM, LW, KV)
#define MD OPD(MEM, LD, KV)
#define NO 0xffu
#define L1(a) ((u32)(a) | 0xffffff00u)
#define L2(a, b) ((u32)(a) | ((u32)(b) << 8) | 0xffff0000u)
#define L3(a, b, c) ((u32)(a) | ((u32)(b) << 8) | ((u32)(c) << 16) | 0xff000000u)
#define L4(a, b, c, d) ((u32)(a) | ((u32)(b) << 8) | ((u32)(c) << 16) | ((u32)(d) << 24))
#define L0 0xffffffffu
/* Register operands by assembler name: R_eax, R_ax, R_al, R_ah, ... */
enum {
  R_eax = D(EAX), R_ecx = D(ECX), R_edx = D(EDX), R_ebx = D(EBX),
  R_ebp = D(EBP), R_esi = D(ESI), R_edi = D(EDI),
  R_ax = W(EAX), R_cx = W(ECX), R_dx = W(EDX), R_bx = W(EBX),
  R_bp = W(EBP), R_si = W(ESI), R_di = W(EDI),
  R_al = B(EAX), R_cl = B(ECX), R_dl = B(EDX), R_bl = B(EBX),
  R_ah = H(EAX), R_ch = H(ECX), R_dh = H(EDX), R_bh = H(EBX),
};
/* Output locations (printed after the run; anything else must be unchanged). */
#define LOC(opd) ((opd) & 15)
#define OUT(w, opd) ((w) ? L1(LOC(opd)) : L0)

/* The memory operand dt_m[2], addressed in different ways; dt_memsetup sets
 * ESI = &dt_m[0], EDI = &dt_m[2] + 0x200, EBP = 1. */
#define M0 "dt_m+8"         /* disp32 */
#define M1 "8(%esi)"        /* base + disp8 */
#define M2 "-0x200(%edi)"   /* base + disp32 */
#define M3 "(%esi,%ebp,8)"  /* SIB, no displacement */
#define M4 "4(%esi,%ebp,4)" /* SIB + disp8 */
#define M5 "dt_m(,%ebp,8)"  /* SIB, no base, disp32 */

/* Flag-mask kinds: which flags the SDM defines after the instruction. */
enum {
  FM_ALL,   /* every status flag defined (or unchanged) */
  FM_LOGIC, /* AND/OR/XOR/TEST: AF undefined */
  FM_MUL,   /* MUL/IMUL: only CF, OF defined */
  FM_NONE,  /* DIV/IDIV: all status flags undefined */
  FM_BT,    /* BT*: CF defined, ZF unchanged, rest undefined */
  FM_BSF,   /* BSF/BSR: only ZF defined */
  FM_DAA,   /* DAA/DAS: OF undefined */
  FM_AAA,   /* AAA/AAS: only AF, CF defined */
  FM_AAM,   /* AAM/AAD: only SF, ZF, PF defined */
  FM_SHL,   /* SHL/SAL by count */
  FM_SHR,   /* SHR by count */
  FM_SAR,   /* SAR by count */
  FM_ROT,   /* ROL/ROR/RCL/RCR by count */
  FM_SHXD,  /* SHLD/SHRD by count */
};

/* Special input generation. */
enum {
  G_DEF,
  G_CMPXCHG, /* ins = dest, src, accumulator: odd cases take the equal path */
  G_BSF,     /* ins[0] is the source; zero source: destination not printed */
  G_DAA,     /* exhaustive AL x {CF,AF} */
  G_AAA,     /* exhaustive AL x AF */
  G_AL,      /* AL = case number */
  G_CC,      /* flags = case number's 5 bits over OF SF ZF PF CF */
  G_SHXD16,  /* 16-bit SHLD/SHRD: skip counts 17..31 (undefined result) */
  G_XLAT,    /* EBX -> translation table */
  G_POPF,    /* ins[0] = a value for EFLAGS (status flags and DF only) */
  G_LOOP,    /* ins[0] = ECX/CX 1..40, ins[1] = a small value or a single bit */
  G_JCXZ,    /* odd cases: ins[0] = 0 */
  G_DIV,     /* ins[0] = divisor; EAX/EDX = a dividend that does not fault */
  G_IDIV,
  G_IND,     /* ECX = path 0..3, EAX = dt_targets[ECX], ESI = &dt_targets[ECX] */
  G_PUSHF,   /* outs[0] holds pushed EFLAGS: compare OSZAPC, DF and bit 1 only */
};
extern void *const dt_targets[4];

struct form {
  const char *name, *text;
  void *const *stubs;
  const u32 *imms;
  u16 nimm;
  u16 n;    /* cases per stub */
  u32 ins;  /* input operands */
  u32 outs; /* output locations */
  u8 fm;    /* flag-mask kind */
  u8 isz;   /* immediate size in bytes (0: no immediate shown) */
  u8 gen;   /* special input generation */
  u8 csz;   /* FM_SH*: operand size in bits, FM_ROT: op (0 rol/ror, 1 rcl/rcr) */
};

/* Declare a form table: list(X) invokes X(name, LIST, text, n, ins, outs, fm, isz, gen, csz). */
#define DT_XSTUB(name, list, text, ...) STUBS(stub_##name, list, text)
#define DT_XFORM(name, list, text, n, ins, outs, fm, isz, gen, csz) \
  {#name, text, stub_##name, imms_##list, NIMM(list), n, ins, outs, fm, isz, gen, csz},
#define FORM_TABLE(tab, list) \
  list(DT_XSTUB) static const struct form tab[] = {list(DT_XFORM)};

/* PRNG (xorshift32) and generators (difftest.c). */
extern u32 dt_seed;
static inline u32 rnd(void) {
  u32 x = dt_seed;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return dt_seed = x;
}
void dt_group(const char *name);
u32 gval(int lane);     /* an operand value for a lane: edges, small, random */
u32 gedge(int lane, unsigned i, unsigned *n); /* i-th edge value, *n = count */
u32 gcount(unsigned c); /* shift count for case c: all of 0..33 and more, then random */
u32 gflags(void);       /* random OSZAPC and DF */
u32 lane_mask(int lane);
int lane_shift(int lane);
int lane_bits(int lane);

/* Line output (difftest.c). */
void ln_name(const char *s);
void ln_str(const char *s);
void ln_hex(u32 v, int digits); /* " %0*x" */
void ln_end(void);
void ln_comment(const char *a, const char *b); /* "# a: b\n" */

/* Form runner (forms.c). */
void dt_memsetup(struct st *s);
void run_forms(const struct form *f, int n);
u32 flag_mask(const struct form *f, u32 count);
void print_regs_changed(const struct st *in, const struct st *out, u32 outmask);

/* Groups. */
void test_alu(void);
void test_unary(void);
void test_shift(void);
void test_bits(void);
void test_muldiv(void);
void test_bcd(void);
void test_move(void);
void test_string(void);
void test_stack(void);
void test_control(void);

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

#endif
