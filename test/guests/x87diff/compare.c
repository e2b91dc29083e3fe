/* x87diff: comparisons. FCOM FCOMP FUCOM FUCOMP (ST(i), m32fp, m64fp),
 * FCOMPP FUCOMPP, FICOM FICOMP (m16int, m32int), FTST, FXAM (C3 C2 C1 C0);
 * FCOMI FCOMIP FUCOMI FUCOMIP (EFLAGS ZF PF CF, OF SF AF cleared); FCMOVcc
 * (all eight conditions, EFLAGS in); and the classic FCOM; FNSTSW AX; SAHF. */
#include "x87diff.h"

STUB8(s_fcom_sti, ".byte 0xd8,0xd0+\\i")
STUB8(s_fcomp_sti, ".byte 0xd8,0xd8+\\i")
STUB8(s_fucom_sti, ".byte 0xdd,0xe0+\\i")
STUB8(s_fucomp_sti, ".byte 0xdd,0xe8+\\i")
STUB8(s_fcomi_sti, ".byte 0xdb,0xf0+\\i")
STUB8(s_fcomip_sti, ".byte 0xdf,0xf0+\\i")
STUB8(s_fucomi_sti, ".byte 0xdb,0xe8+\\i")
STUB8(s_fucomip_sti, ".byte 0xdf,0xe8+\\i")
STUB8(s_fcmovb, ".byte 0xda,0xc0+\\i")
STUB8(s_fcmove, ".byte 0xda,0xc8+\\i")
STUB8(s_fcmovbe, ".byte 0xda,0xd0+\\i")
STUB8(s_fcmovu, ".byte 0xda,0xd8+\\i")
STUB8(s_fcmovnb, ".byte 0xdb,0xc0+\\i")
STUB8(s_fcmovne, ".byte 0xdb,0xc8+\\i")
STUB8(s_fcmovnbe, ".byte 0xdb,0xd0+\\i")
STUB8(s_fcmovnu, ".byte 0xdb,0xd8+\\i")
STUB(s_fcompp, ".byte 0xde,0xd9")
STUB(s_fucompp, ".byte 0xda,0xe9")
STUB(s_fcom_m32, "fcoms x8_m")
STUB(s_fcomp_m32, "fcomps x8_m")
STUB(s_fcom_m64, "fcoml x8_m")
STUB(s_fcomp_m64, "fcompl x8_m")
STUB(s_ficom_m16, "ficoms x8_m")
STUB(s_ficomp_m16, "ficomps x8_m")
STUB(s_ficom_m32, "ficoml x8_m")
STUB(s_ficomp_m32, "ficompl x8_m")
STUB(s_ftst, ".byte 0xd9,0xe4")
STUB(s_fxam, ".byte 0xd9,0xe5")
STUB(s_fcom_sahf, ".byte 0xd8,0xd1\n\tfnstsw %ax\n\tsahf")

struct xform {
  const char *name;
  void (*const *stubs)(void);
  const char *text;
  int fl; /* EFLAGS in and out */
};

static const struct xform reg_forms[] = {
    {"fcom_sti", s_fcom_sti, "D8 D0+i  fcom st(i)", 0},
    {"fcomp_sti", s_fcomp_sti, "D8 D8+i  fcomp st(i)", 0},
    {"fucom_sti", s_fucom_sti, "DD E0+i  fucom st(i)", 0},
    {"fucomp_sti", s_fucomp_sti, "DD E8+i  fucomp st(i)", 0},
    {"fcomi_sti", s_fcomi_sti, "DB F0+i  fcomi st(0),st(i); EFLAGS", 1},
    {"fcomip_sti", s_fcomip_sti, "DF F0+i  fcomip st(0),st(i); EFLAGS", 1},
    {"fucomi_sti", s_fucomi_sti, "DB E8+i  fucomi st(0),st(i); EFLAGS", 1},
    {"fucomip_sti", s_fucomip_sti, "DF E8+i  fucomip st(0),st(i); EFLAGS", 1},
};

static const struct xform cmov_forms[] = {
    {"fcmovb_sti", s_fcmovb, "DA C0+i  fcmovb st(0),st(i): CF", 1},
    {"fcmove_sti", s_fcmove, "DA C8+i  fcmove st(0),st(i): ZF", 1},
    {"fcmovbe_sti", s_fcmovbe, "DA D0+i  fcmovbe st(0),st(i): CF|ZF", 1},
    {"fcmovu_sti", s_fcmovu, "DA D8+i  fcmovu st(0),st(i): PF", 1},
    {"fcmovnb_sti", s_fcmovnb, "DB C0+i  fcmovnb st(0),st(i): !CF", 1},
    {"fcmovne_sti", s_fcmovne, "DB C8+i  fcmovne st(0),st(i): !ZF", 1},
    {"fcmovnbe_sti", s_fcmovnbe, "DB D0+i  fcmovnbe st(0),st(i): !CF&!ZF", 1},
    {"fcmovnu_sti", s_fcmovnu, "DB D8+i  fcmovnu st(0),st(i): !PF", 1},
};

struct mform {
  const char *name;
  void (*stub)(void);
  const char *text;
  int bytes, isint;
};

static const struct mform mem_forms[] = {
    {"fcom_m32", s_fcom_m32, "D8 /2  fcom m32fp", 4, 0},
    {"fcomp_m32", s_fcomp_m32, "D8 /3  fcomp m32fp", 4, 0},
    {"fcom_m64", s_fcom_m64, "DC /2  fcom m64fp", 8, 0},
    {"fcomp_m64", s_fcomp_m64, "DC /3  fcomp m64fp", 8, 0},
    {"ficom_m16", s_ficom_m16, "DE /2  ficom m16int", 2, 1},
    {"ficomp_m16", s_ficomp_m16, "DE /3  ficomp m16int", 2, 1},
    {"ficom_m32", s_ficom_m32, "DA /2  ficom m32int", 4, 1},
    {"ficomp_m32", s_ficomp_m32, "DA /3  ficomp m32int", 4, 1},
};

/* Same value, negated, related or any. */
static f80 comparand(f80 a) {
  u32 x = rn(10);
  if (x < 2) return a;
  if (x < 3) return mkf(!(a.se >> 15), a.se & 0x7fff, a.m);
  return partner(a, K_ADD);
}

#define N_CMP 200
#define N_CMOV 80

void test_compare(void) {
  int f, k;
  struct cs c;
  char nm[32];
  f80 a;
  group("compare");

  for (f = 0; f < NELEM(reg_forms); f++) {
    const struct xform *r = &reg_forms[f];
    form(r->name, r->text);
    for (k = 0; k < N_CMP; k++) {
      int i = rn(3) ? 1 : rn(8);
      cs_init(&c, with_index(nm, r->name, i), r->stubs[i], case_cw(k, 12), CC_NONE);
      cs_stack(&c, i + 1 > 2 ? i + 1 : 2);
      a = rand_f80();
      c.st[0] = a;
      if (i) c.st[i] = comparand(a);
      c.fl = r->fl;
      c.eflags = rand_eflags();
      x8_run(&c);
    }
  }

  form("fcompp", "DE D9  fcompp");
  for (k = 0; k < N_CMP; k++) {
    cs_init(&c, "fcompp", s_fcompp, case_cw(k, 12), CC_NONE);
    cs_stack(&c, 2);
    c.st[1] = comparand(c.st[0]);
    x8_run(&c);
  }
  form("fucompp", "DA E9  fucompp");
  for (k = 0; k < N_CMP; k++) {
    cs_init(&c, "fucompp", s_fucompp, case_cw(k, 12), CC_NONE);
    cs_stack(&c, 2);
    c.st[1] = comparand(c.st[0]);
    x8_run(&c);
  }

  for (f = 0; f < NELEM(mem_forms); f++) {
    const struct mform *m = &mem_forms[f];
    form(m->name, m->text);
    for (k = 0; k < N_CMP * 2 / 3; k++) {
      cs_init(&c, m->name, m->stub, case_cw(k, 12), CC_NONE);
      cs_stack(&c, 1);
      c.min = m->bytes;
      if (m->isint) {
        s64 v = int_edge(m->bytes * 8);
        if (m->bytes == 2)
          put16(c.mem, (u16)v);
        else
          put32(c.mem, (u32)v);
        if (rn(3) == 0) c.st[0] = f80_int(v + (s64)rn(3) - 1);
      } else if (m->bytes == 4)
        put32(c.mem, m32_near(c.st[0]));
      else
        put64(c.mem, m64_near(c.st[0]));
      x8_run(&c);
    }
  }

  form("ftst", "D9 E4  ftst: compare st(0) with 0.0");
  for (k = 0; k < N_CMP; k++) {
    cs_init(&c, "ftst", s_ftst, case_cw(k, 12), CC_NONE);
    cs_stack(&c, 1);
    x8_run(&c);
  }

  form("fxam", "D9 E5  fxam: class of st(0) in C3 C2 C0, sign in C1");
  for (k = 0; k < N_CMP; k++) {
    cs_init(&c, "fxam", s_fxam, case_cw(k, 12), CC_NONE);
    cs_stack(&c, 1);
    if (rn(8) == 0) c.empty |= 1; /* empty: C3 C0, C1 the sign of what the register holds */
    x8_run(&c);
  }

  form("fcom_sahf", "D8 D1; DF E0; 9E  fcom st(1); fnstsw ax; sahf");
  for (k = 0; k < N_CMP; k++) {
    cs_init(&c, "fcom_sahf", s_fcom_sahf, case_cw(k, 0), CC_NONE);
    cs_stack(&c, 2);
    c.st[1] = comparand(c.st[0]);
    c.fl = 1;
    c.eflags = rand_eflags();
    x8_run(&c);
  }

  for (f = 0; f < NELEM(cmov_forms); f++) {
    const struct xform *r = &cmov_forms[f];
    form(r->name, r->text);
    for (k = 0; k < N_CMOV; k++) {
      int i = rn(8);
      cs_init(&c, with_index(nm, r->name, i), r->stubs[i], case_cw(k, 12), CC_ARITH);
      cs_stack(&c, i + 1 > 2 ? i + 1 : 2);
      c.fl = 1;
      c.eflags = rand_eflags();
      x8_run(&c);
    }
  }
}
