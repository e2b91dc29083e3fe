/*
 * The x87 reference for test/x87-float80.test.ts: runs each test vector on the
 * host's own x87 (x86-64 Linux, gcc inline asm) and prints what it did.
 *
 * stdin, one vector a line:   OP CW A [B]
 *   OP  an operation name (see the table at the end of this file)
 *   CW  the control word, 4 hex digits
 *   A,B operands in hex, big-endian as one reads them:
 *       extended: 20 digits, SEEE then the 64-bit significand (e.g. 3fff8000000000000000 = 1.0)
 *       loads: the memory image of the source (8 digits f32/i32, 16 f64/i64,
 *       4 i16, 20 packed BCD with byte 9 first)
 * stdout, one line a vector:  R0 R1 SW
 *   register ops: R0 = ST(0) and R1 = ST(1) after the operation, as extended
 *   values (stored with all exceptions masked, so an empty register reads as
 *   the real indefinite), SW = the status word read with FNSTSW right after
 *   the operation (FNCLEX before it, so only this operation's flags show;
 *   TOP tells how many registers were pushed or popped).
 *   store ops: R0 = the memory image, R1 = 1 if it was written (the store runs
 *   twice over two different sentinels, so a value equal to a sentinel is
 *   still told apart), 0 if not.
 *
 * Operands are loaded with FLD m80 under a masked control word (it raises
 * nothing for extended operands), then CW is loaded and the instruction runs.
 * FNSTSW/FNCLEX do not wait, so an unmasked exception never reaches #MF.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { unsigned char b[16]; } buf16;

static buf16 A, B, R0, R1, MEM;
static uint16_t CW, MASKED = 0x037f, SW;

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Big-endian hex text of n bytes into a little-endian image. */
static void parse_hex(const char *s, buf16 *out, int n) {
  memset(out, 0, sizeof *out);
  int len = (int)strlen(s);
  for (int i = 0; i < n; i++) {
    int hi = 2 * (n - 1 - i);
    int v = 0;
    if (hi < len) v = hexval(s[hi]) * 16 + hexval(s[hi + 1]);
    out->b[i] = (unsigned char)v;
  }
}

static void print_hex(const buf16 *v, int n) {
  for (int i = n - 1; i >= 0; i--) printf("%02x", v->b[i]);
}

#define CLOB "memory", "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)", "st(7)"

/* ST(0) = A, ST(1) = B, then INSN under CW. */
#define RUN2(INSN)                                                              \
  __asm__ volatile("fninit\n\tfldcw %[m]\n\tfldt %[b]\n\tfldt %[a]\n\t"         \
                   "fldcw %[c]\n\t" INSN "\n\tfnstsw %[s]\n\tfnclex\n\t"        \
                   "fldcw %[m]\n\tfstpt %[r0]\n\tfstpt %[r1]\n\t"               \
                   : [s] "=m"(SW), [r0] "=m"(R0), [r1] "=m"(R1)                 \
                   : [a] "m"(A), [b] "m"(B), [c] "m"(CW), [m] "m"(MASKED)       \
                   : CLOB)

/* ST(0) = A only. */
#define RUN1(INSN)                                                              \
  __asm__ volatile("fninit\n\tfldcw %[m]\n\tfldt %[a]\n\t"                      \
                   "fldcw %[c]\n\t" INSN "\n\tfnstsw %[s]\n\tfnclex\n\t"        \
                   "fldcw %[m]\n\tfstpt %[r0]\n\tfstpt %[r1]\n\t"               \
                   : [s] "=m"(SW), [r0] "=m"(R0), [r1] "=m"(R1)                 \
                   : [a] "m"(A), [c] "m"(CW), [m] "m"(MASKED)                   \
                   : CLOB)

/* Empty stack; INSN loads from A (memory) or is a constant load. */
#define RUN0(INSN)                                                              \
  __asm__ volatile("fninit\n\tfldcw %[c]\n\t" INSN "\n\tfnstsw %[s]\n\t"        \
                   "fnclex\n\tfldcw %[m]\n\tfstpt %[r0]\n\tfstpt %[r1]\n\t"     \
                   : [s] "=m"(SW), [r0] "=m"(R0), [r1] "=m"(R1)                 \
                   : [a] "m"(A), [c] "m"(CW), [m] "m"(MASKED)                   \
                   : CLOB)

/* ST(0) = A, then the store INSN to MEM under CW. */
#define RUNST(INSN)                                                             \
  __asm__ volatile("fninit\n\tfldcw %[m]\n\tfldt %[a]\n\t"                      \
                   "fldcw %[c]\n\t" INSN "\n\tfnstsw %[s]\n\tfnclex\n\t"        \
                   "fldcw %[m]\n\t"                                             \
                   : [s] "=m"(SW), [mem] "+m"(MEM)                              \
                   : [a] "m"(A), [c] "m"(CW), [m] "m"(MASKED)                   \
                   : CLOB)

enum kind { K2, K1, K0, KST };

static void op_add(void) { RUN2("fadd %%st(1), %%st"); }
static void op_sub(void) { RUN2("fsub %%st(1), %%st"); }
static void op_mul(void) { RUN2("fmul %%st(1), %%st"); }
static void op_div(void) { RUN2("fdiv %%st(1), %%st"); }
static void op_prem(void) { RUN2("fprem"); }
static void op_prem1(void) { RUN2("fprem1"); }
static void op_scale(void) { RUN2("fscale"); }
static void op_com(void) { RUN2("fcom %%st(1)"); }
static void op_ucom(void) { RUN2("fucom %%st(1)"); }
static void op_patan(void) { RUN2("fpatan"); }
static void op_yl2x(void) { RUN2("fyl2x"); }
static void op_yl2xp1(void) { RUN2("fyl2xp1"); }
static void op_sqrt(void) { RUN1("fsqrt"); }
static void op_rndint(void) { RUN1("frndint"); }
static void op_xtract(void) { RUN1("fxtract"); }
static void op_xam(void) { RUN1("fxam"); }
static void op_tst(void) { RUN1("ftst"); }
static void op_sin(void) { RUN1("fsin"); }
static void op_cos(void) { RUN1("fcos"); }
static void op_sincos(void) { RUN1("fsincos"); }
static void op_ptan(void) { RUN1("fptan"); }
static void op_f2xm1(void) { RUN1("f2xm1"); }
static void op_ld32(void) { RUN0("flds %[a]"); }
static void op_ld64(void) { RUN0("fldl %[a]"); }
static void op_ild16(void) { RUN0("filds %[a]"); }
static void op_ild32(void) { RUN0("fildl %[a]"); }
static void op_ild64(void) { RUN0("fildll %[a]"); }
static void op_bld(void) { RUN0("fbld %[a]"); }
static void op_ld1(void) { RUN0("fld1"); }
static void op_ldl2t(void) { RUN0("fldl2t"); }
static void op_ldl2e(void) { RUN0("fldl2e"); }
static void op_ldpi(void) { RUN0("fldpi"); }
static void op_ldlg2(void) { RUN0("fldlg2"); }
static void op_ldln2(void) { RUN0("fldln2"); }
static void op_ldz(void) { RUN0("fldz"); }
static void op_st32(void) { RUNST("fsts %[mem]"); }
static void op_st64(void) { RUNST("fstl %[mem]"); }
static void op_ist16(void) { RUNST("fists %[mem]"); }
static void op_ist32(void) { RUNST("fistl %[mem]"); }
static void op_ist64(void) { RUNST("fistpll %[mem]"); }
static void op_bst(void) { RUNST("fbstp %[mem]"); }

static const struct {
  const char *name;
  enum kind kind;
  int in_bytes; /* operand image size (A; B is always extended) */
  int out_bytes; /* store ops: memory image size */
  void (*run)(void);
} OPS[] = {
  {"add", K2, 10, 0, op_add},       {"sub", K2, 10, 0, op_sub},
  {"mul", K2, 10, 0, op_mul},       {"div", K2, 10, 0, op_div},
  {"prem", K2, 10, 0, op_prem},     {"prem1", K2, 10, 0, op_prem1},
  {"scale", K2, 10, 0, op_scale},   {"com", K2, 10, 0, op_com},
  {"ucom", K2, 10, 0, op_ucom},     {"patan", K2, 10, 0, op_patan},
  {"yl2x", K2, 10, 0, op_yl2x},     {"yl2xp1", K2, 10, 0, op_yl2xp1},
  {"sqrt", K1, 10, 0, op_sqrt},     {"rndint", K1, 10, 0, op_rndint},
  {"xtract", K1, 10, 0, op_xtract}, {"xam", K1, 10, 0, op_xam},
  {"tst", K1, 10, 0, op_tst},       {"sin", K1, 10, 0, op_sin},
  {"cos", K1, 10, 0, op_cos},       {"sincos", K1, 10, 0, op_sincos},
  {"ptan", K1, 10, 0, op_ptan},     {"f2xm1", K1, 10, 0, op_f2xm1},
  {"ld32", K0, 4, 0, op_ld32},      {"ld64", K0, 8, 0, op_ld64},
  {"ild16", K0, 2, 0, op_ild16},    {"ild32", K0, 4, 0, op_ild32},
  {"ild64", K0, 8, 0, op_ild64},    {"bld", K0, 10, 0, op_bld},
  {"ld1", K0, 0, 0, op_ld1},        {"ldl2t", K0, 0, 0, op_ldl2t},
  {"ldl2e", K0, 0, 0, op_ldl2e},    {"ldpi", K0, 0, 0, op_ldpi},
  {"ldlg2", K0, 0, 0, op_ldlg2},    {"ldln2", K0, 0, 0, op_ldln2},
  {"ldz", K0, 0, 0, op_ldz},        {"st32", KST, 10, 4, op_st32},
  {"st64", KST, 10, 8, op_st64},    {"ist16", KST, 10, 2, op_ist16},
  {"ist32", KST, 10, 4, op_ist32},  {"ist64", KST, 10, 8, op_ist64},
  {"bst", KST, 10, 10, op_bst},
};

int main(void) {
  char line[256], name[32], cw[16], a[64], b[64];
  setvbuf(stdout, NULL, _IOFBF, 1 << 16);
  while (fgets(line, sizeof line, stdin)) {
    a[0] = b[0] = 0;
    int n = sscanf(line, "%31s %15s %63s %63s", name, cw, a, b);
    if (n < 2) continue;
    size_t i;
    for (i = 0; i < sizeof OPS / sizeof OPS[0]; i++)
      if (strcmp(OPS[i].name, name) == 0) break;
    if (i == sizeof OPS / sizeof OPS[0]) {
      fprintf(stderr, "ref: unknown op '%s'\n", name);
      return 2;
    }
    CW = (uint16_t)strtoul(cw, NULL, 16);
    parse_hex(a, &A, OPS[i].in_bytes ? OPS[i].in_bytes : 10);
    parse_hex(b, &B, 10);
    if (OPS[i].kind == KST) {
      int nb = OPS[i].out_bytes;
      buf16 first;
      memset(&MEM, 0xa5, sizeof MEM);
      OPS[i].run();
      first = MEM;
      memset(&MEM, 0x5a, sizeof MEM);
      OPS[i].run();
      int written = memcmp(first.b, MEM.b, nb) == 0;
      print_hex(&MEM, nb);
      printf(" %d %04x\n", written, SW);
    } else {
      OPS[i].run();
      print_hex(&R0, 10);
      putchar(' ');
      print_hex(&R1, 10);
      printf(" %04x\n", SW);
    }
  }
  return 0;
}
