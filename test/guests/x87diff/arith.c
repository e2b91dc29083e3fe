/* x87diff: the basic arithmetic (FADD FSUB FSUBR FMUL FDIV FDIVR) in every
 * register form (D8 ST(0),ST(i); DC ST(i),ST(0); DE ...P ST(i),ST(0)) and
 * memory form (m32fp D8, m64fp DC, m32int DA, m16int DE), and the other
 * operations on ST(0)/ST(1): FSQRT FRNDINT FABS FCHS FXTRACT FSCALE FPREM
 * FPREM1. Register forms are written as bytes: the AT&T mnemonics of the DC
 * and DE subtract/divide forms are reversed (the "UnixWare" convention), the
 * bytes are not. Names follow Intel's syntax. */
#include "x87diff.h"

STUB8(s_fadd_st0_sti, ".byte 0xd8,0xc0+\\i")
STUB8(s_fmul_st0_sti, ".byte 0xd8,0xc8+\\i")
STUB8(s_fsub_st0_sti, ".byte 0xd8,0xe0+\\i")
STUB8(s_fsubr_st0_sti, ".byte 0xd8,0xe8+\\i")
STUB8(s_fdiv_st0_sti, ".byte 0xd8,0xf0+\\i")
STUB8(s_fdivr_st0_sti, ".byte 0xd8,0xf8+\\i")
STUB8(s_fadd_sti_st0, ".byte 0xdc,0xc0+\\i")
STUB8(s_fmul_sti_st0, ".byte 0xdc,0xc8+\\i")
STUB8(s_fsubr_sti_st0, ".byte 0xdc,0xe0+\\i")
STUB8(s_fsub_sti_st0, ".byte 0xdc,0xe8+\\i")
STUB8(s_fdivr_sti_st0, ".byte 0xdc,0xf0+\\i")
STUB8(s_fdiv_sti_st0, ".byte 0xdc,0xf8+\\i")
STUB8(s_faddp_sti_st0, ".byte 0xde,0xc0+\\i")
STUB8(s_fmulp_sti_st0, ".byte 0xde,0xc8+\\i")
STUB8(s_fsubrp_sti_st0, ".byte 0xde,0xe0+\\i")
STUB8(s_fsubp_sti_st0, ".byte 0xde,0xe8+\\i")
STUB8(s_fdivrp_sti_st0, ".byte 0xde,0xf0+\\i")
STUB8(s_fdivp_sti_st0, ".byte 0xde,0xf8+\\i")

struct rform {
  const char *name; /* with "sti": the index replaces the i */
  void (*const *stubs)(void);
  const char *text;
  int kind; /* K_ADD K_MUL K_DIV: how the operands are related */
};

static const struct rform reg_forms[] = {
    {"fadd_st0_sti", s_fadd_st0_sti, "D8 C0+i  fadd st(0),st(i)", K_ADD},
    {"fmul_st0_sti", s_fmul_st0_sti, "D8 C8+i  fmul st(0),st(i)", K_MUL},
    {"fsub_st0_sti", s_fsub_st0_sti, "D8 E0+i  fsub st(0),st(i): st(0)-st(i)", K_ADD},
    {"fsubr_st0_sti", s_fsubr_st0_sti, "D8 E8+i  fsubr st(0),st(i): st(i)-st(0)", K_ADD},
    {"fdiv_st0_sti", s_fdiv_st0_sti, "D8 F0+i  fdiv st(0),st(i): st(0)/st(i)", K_DIV},
    {"fdivr_st0_sti", s_fdivr_st0_sti, "D8 F8+i  fdivr st(0),st(i): st(i)/st(0)", K_DIV},
    {"fadd_sti_st0", s_fadd_sti_st0, "DC C0+i  fadd st(i),st(0)", K_ADD},
    {"fmul_sti_st0", s_fmul_sti_st0, "DC C8+i  fmul st(i),st(0)", K_MUL},
    {"fsubr_sti_st0", s_fsubr_sti_st0, "DC E0+i  fsubr st(i),st(0): st(0)-st(i)", K_ADD},
    {"fsub_sti_st0", s_fsub_sti_st0, "DC E8+i  fsub st(i),st(0): st(i)-st(0)", K_ADD},
    {"fdivr_sti_st0", s_fdivr_sti_st0, "DC F0+i  fdivr st(i),st(0): st(0)/st(i)", K_DIV},
    {"fdiv_sti_st0", s_fdiv_sti_st0, "DC F8+i  fdiv st(i),st(0): st(i)/st(0)", K_DIV},
    {"faddp_sti_st0", s_faddp_sti_st0, "DE C0+i  faddp st(i),st(0)", K_ADD},
    {"fmulp_sti_st0", s_fmulp_sti_st0, "DE C8+i  fmulp st(i),st(0)", K_MUL},
    {"fsubrp_sti_st0", s_fsubrp_sti_st0, "DE E0+i  fsubrp st(i),st(0): st(0)-st(i), pop", K_ADD},
    {"fsubp_sti_st0", s_fsubp_sti_st0, "DE E8+i  fsubp st(i),st(0): st(i)-st(0), pop", K_ADD},
    {"fdivrp_sti_st0", s_fdivrp_sti_st0, "DE F0+i  fdivrp st(i),st(0): st(0)/st(i), pop", K_DIV},
    {"fdivp_sti_st0", s_fdivp_sti_st0, "DE F8+i  fdivp st(i),st(0): st(i)/st(0), pop", K_DIV},
};

#define N_REG 280

void test_arith(void) {
  int f, k;
  struct cs c;
  char nm[32];
  group("arith");
  for (f = 0; f < NELEM(reg_forms); f++) {
    const struct rform *r = &reg_forms[f];
    form(r->name, r->text);
    for (k = 0; k < N_REG; k++) {
      int i = rn(3) ? 1 : rn(8);
      f80 a = rand_f80(), b = partner(a, r->kind);
      cs_init(&c, with_index(nm, r->name, i), r->stubs[i], case_cw(k, 12), CC_ARITH);
      cs_stack(&c, i + 1 > 2 ? i + 1 : 2);
      if (rn(2)) {
        f80 t = a;
        a = b, b = t;
      }
      c.st[i] = b;
      c.st[0] = a;
      x8_run(&c);
    }
  }
}

/* ---- memory operands ------------------------------------------------------- */
STUB(s_fadd_m32, "fadds x8_m")
STUB(s_fmul_m32, "fmuls x8_m")
STUB(s_fsub_m32, "fsubs x8_m")
STUB(s_fsubr_m32, "fsubrs x8_m")
STUB(s_fdiv_m32, "fdivs x8_m")
STUB(s_fdivr_m32, "fdivrs x8_m")
STUB(s_fadd_m64, "faddl x8_m")
STUB(s_fmul_m64, "fmull x8_m")
STUB(s_fsub_m64, "fsubl x8_m")
STUB(s_fsubr_m64, "fsubrl x8_m")
STUB(s_fdiv_m64, "fdivl x8_m")
STUB(s_fdivr_m64, "fdivrl x8_m")
STUB(s_fiadd_m16, "fiadds x8_m")
STUB(s_fimul_m16, "fimuls x8_m")
STUB(s_fisub_m16, "fisubs x8_m")
STUB(s_fisubr_m16, "fisubrs x8_m")
STUB(s_fidiv_m16, "fidivs x8_m")
STUB(s_fidivr_m16, "fidivrs x8_m")
STUB(s_fiadd_m32, "fiaddl x8_m")
STUB(s_fimul_m32, "fimull x8_m")
STUB(s_fisub_m32, "fisubl x8_m")
STUB(s_fisubr_m32, "fisubrl x8_m")
STUB(s_fidiv_m32, "fidivl x8_m")
STUB(s_fidivr_m32, "fidivrl x8_m")

enum { M_F32, M_F64, M_I16, M_I32 };

struct mform {
  const char *name;
  void (*stub)(void);
  const char *text;
  int fmt, kind;
};

static const struct mform mem_forms[] = {
    {"fadd_m32", s_fadd_m32, "D8 /0  fadd m32fp", M_F32, K_ADD},
    {"fmul_m32", s_fmul_m32, "D8 /1  fmul m32fp", M_F32, K_MUL},
    {"fsub_m32", s_fsub_m32, "D8 /4  fsub m32fp: st(0)-m", M_F32, K_ADD},
    {"fsubr_m32", s_fsubr_m32, "D8 /5  fsubr m32fp: m-st(0)", M_F32, K_ADD},
    {"fdiv_m32", s_fdiv_m32, "D8 /6  fdiv m32fp: st(0)/m", M_F32, K_DIV},
    {"fdivr_m32", s_fdivr_m32, "D8 /7  fdivr m32fp: m/st(0)", M_F32, K_DIV},
    {"fadd_m64", s_fadd_m64, "DC /0  fadd m64fp", M_F64, K_ADD},
    {"fmul_m64", s_fmul_m64, "DC /1  fmul m64fp", M_F64, K_MUL},
    {"fsub_m64", s_fsub_m64, "DC /4  fsub m64fp", M_F64, K_ADD},
    {"fsubr_m64", s_fsubr_m64, "DC /5  fsubr m64fp", M_F64, K_ADD},
    {"fdiv_m64", s_fdiv_m64, "DC /6  fdiv m64fp", M_F64, K_DIV},
    {"fdivr_m64", s_fdivr_m64, "DC /7  fdivr m64fp", M_F64, K_DIV},
    {"fiadd_m16", s_fiadd_m16, "DE /0  fiadd m16int", M_I16, K_ADD},
    {"fimul_m16", s_fimul_m16, "DE /1  fimul m16int", M_I16, K_MUL},
    {"fisub_m16", s_fisub_m16, "DE /4  fisub m16int", M_I16, K_ADD},
    {"fisubr_m16", s_fisubr_m16, "DE /5  fisubr m16int", M_I16, K_ADD},
    {"fidiv_m16", s_fidiv_m16, "DE /6  fidiv m16int", M_I16, K_DIV},
    {"fidivr_m16", s_fidivr_m16, "DE /7  fidivr m16int", M_I16, K_DIV},
    {"fiadd_m32", s_fiadd_m32, "DA /0  fiadd m32int", M_I32, K_ADD},
    {"fimul_m32", s_fimul_m32, "DA /1  fimul m32int", M_I32, K_MUL},
    {"fisub_m32", s_fisub_m32, "DA /4  fisub m32int", M_I32, K_ADD},
    {"fisubr_m32", s_fisubr_m32, "DA /5  fisubr m32int", M_I32, K_ADD},
    {"fidiv_m32", s_fidiv_m32, "DA /6  fidiv m32int", M_I32, K_DIV},
    {"fidivr_m32", s_fidivr_m32, "DA /7  fidivr m32int", M_I32, K_DIV},
};

#define N_MEM 200

/* A first operand for an integer memory operand: any value, or one of integer size. */
static f80 int_partner(int bits) {
  if (rn(2)) return rand_f80();
  if (rn(2)) return f80_int(int_edge(bits));
  return normal_at(0x3fff + (int)rn(bits + 8) - 4);
}

void test_arith_mem(void) {
  int f, k;
  struct cs c;
  group("arith-mem");
  for (f = 0; f < NELEM(mem_forms); f++) {
    const struct mform *m = &mem_forms[f];
    form(m->name, m->text);
    for (k = 0; k < N_MEM; k++) {
      f80 a;
      cs_init(&c, m->name, m->stub, case_cw(k, 12), CC_ARITH);
      cs_stack(&c, 1);
      switch (m->fmt) {
      case M_F32:
        a = rand_f80();
        put32(c.mem, m32_near(a));
        c.min = 4;
        break;
      case M_F64:
        a = rand_f80();
        put64(c.mem, m64_near(a));
        c.min = 8;
        break;
      case M_I16:
        a = int_partner(16);
        put16(c.mem, (u16)int_edge(16));
        c.min = 2;
        break;
      default:
        a = int_partner(32);
        put32(c.mem, (u32)int_edge(32));
        c.min = 4;
        break;
      }
      c.st[0] = a;
      x8_run(&c);
    }
  }
}

/* ---- ST(0) (and ST(1)) operations ------------------------------------------ */
STUB(s_fsqrt, ".byte 0xd9,0xfa")
STUB(s_frndint, ".byte 0xd9,0xfc")
STUB(s_fabs, ".byte 0xd9,0xe1")
STUB(s_fchs, ".byte 0xd9,0xe0")
STUB(s_fxtract, ".byte 0xd9,0xf4")
STUB(s_fscale, ".byte 0xd9,0xfd")
STUB(s_fprem, ".byte 0xd9,0xf8")
STUB(s_fprem1, ".byte 0xd9,0xf5")

/* n + f with n an integer (|n| < 2^31) and f in [0.5, 1): a scale factor with a fraction to truncate. */
static f80 int_plus_fraction(int n) {
  u64 f = (rbits(31) | 1u << 31);
  if (n >= 0) return f80_fixed(0, (u64)(u32)n << 32 | f, 32);
  return f80_fixed(1, ((u64)(u32)-n << 32) - f, 32);
}

#define N_UNARY 500

void test_unary(void) {
  int k;
  struct cs c;
  f80 a, b;
  group("unary");

  form("fsqrt", "D9 FA  fsqrt");
  for (k = 0; k < N_UNARY; k++) {
    cs_init(&c, "fsqrt", s_fsqrt, case_cw(k, 12), CC_ARITH);
    cs_stack(&c, 1);
    a = rand_f80();
    if (rn(10) < 7) a.se &= 0x7fff;
    c.st[0] = a;
    x8_run(&c);
  }

  form("frndint", "D9 FC  frndint");
  for (k = 0; k < N_UNARY; k++) {
    cs_init(&c, "frndint", s_frndint, case_cw(k, 12), CC_ARITH);
    cs_stack(&c, 1);
    c.st[0] = rn(2) ? rand_f80() : normal_at(0x3fff + (int)rn(80) - 8);
    x8_run(&c);
  }

  form("fabs", "D9 E1  fabs");
  for (k = 0; k < N_UNARY / 4; k++) {
    cs_init(&c, "fabs", s_fabs, case_cw(k, 12), CC_ARITH);
    cs_stack(&c, 1);
    x8_run(&c);
  }

  form("fchs", "D9 E0  fchs");
  for (k = 0; k < N_UNARY / 4; k++) {
    cs_init(&c, "fchs", s_fchs, case_cw(k, 12), CC_ARITH);
    cs_stack(&c, 1);
    x8_run(&c);
  }

  form("fxtract", "D9 F4  fxtract: st(0) := exponent, push significand");
  for (k = 0; k < N_UNARY; k++) {
    cs_init(&c, "fxtract", s_fxtract, case_cw(k, 15), CC_ARITH);
    cs_stack(&c, 1);
    c.st[0] = rn(2) ? rand_f80() : normal_at(0x3fff + (int)rn(80) - 8);
    if (rn(16) == 0) cs_full(&c);
    x8_run(&c);
  }

  form("fscale", "D9 FD  fscale: st(0) * 2^trunc(st(1))");
  for (k = 0; k < N_UNARY; k++) {
    u32 x;
    cs_init(&c, "fscale", s_fscale, case_cw(k, 20), CC_ARITH);
    cs_stack(&c, 2);
    a = rand_f80();
    x = rn(10);
    if (x < 3)
      b = rand_f80();
    else if (x < 6)
      b = f80_int((s64)(int)rn(140000) - 70000);
    else if (x < 8 && (a.se & 0x7fff) > 0 && (a.se & 0x7fff) < 0x7fff) {
      /* land near the ends of the range, with a fraction to truncate */
      int target = rn(2) ? (int)rn(140) - 70 : 0x7ffe - 70 + (int)rn(140);
      b = int_plus_fraction(target - (a.se & 0x7fff));
    } else
      b = normal_at(0x3fff + (int)rn(20) - 3);
    c.st[0] = a;
    c.st[1] = b;
    x8_run(&c);
  }

  form("fprem", "D9 F8  fprem: partial remainder of st(0)/st(1), C0 C3 C1 = Q2 Q1 Q0, C2 = incomplete");
  for (k = 0; k < N_UNARY; k++) {
    cs_init(&c, "fprem", s_fprem, case_cw(k, 12), CC_NONE);
    cs_stack(&c, 2);
    a = rand_f80();
    b = partner(a, K_ADD);
    if (rn(10) < 3 && (a.se & 0x7fff) > 0 && (a.se & 0x7fff) < 0x7fff)
      b = normal_at((a.se & 0x7fff) - (int)rn(rn(2) ? 70 : 3000));
    c.st[0] = a;
    c.st[1] = b;
    x8_run(&c);
  }

  form("fprem1", "D9 F5  fprem1: IEEE partial remainder, C0 C3 C1 = Q2 Q1 Q0, C2 = incomplete");
  for (k = 0; k < N_UNARY; k++) {
    cs_init(&c, "fprem1", s_fprem1, case_cw(k, 12), CC_NONE);
    cs_stack(&c, 2);
    a = rand_f80();
    b = partner(a, K_ADD);
    if (rn(10) < 3 && (a.se & 0x7fff) > 0 && (a.se & 0x7fff) < 0x7fff)
      b = normal_at((a.se & 0x7fff) - (int)rn(rn(2) ? 70 : 3000));
    c.st[0] = a;
    c.st[1] = b;
    x8_run(&c);
  }
}
