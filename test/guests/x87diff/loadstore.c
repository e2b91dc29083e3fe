/* x87diff: loads and stores. FLD m32fp/m64fp/m80fp/ST(i), FILD m16/m32/m64,
 * FBLD, the constants (FLD1 FLDL2T FLDL2E FLDPI FLDLG2 FLDLN2 FLDZ), FST/FSTP
 * m32fp/m64fp/ST(i), FSTP m80fp, FIST/FISTP m16/m32, FISTP m64, FBSTP. Loads
 * see a full stack now and then (masked overflow: the indefinite, SF, C1=1);
 * stores print the memory image (0x5a bytes where nothing was written). */
#include "x87diff.h"

STUB(s_fld_m32, "flds x8_m")
STUB(s_fld_m64, "fldl x8_m")
STUB(s_fld_m80, "fldt x8_m")
STUB8(s_fld_sti, ".byte 0xd9,0xc0+\\i")
STUB(s_fild_m16, "filds x8_m")
STUB(s_fild_m32, "fildl x8_m")
STUB(s_fild_m64, "fildll x8_m")
STUB(s_fbld, "fbld x8_m")
STUB(s_fld1, ".byte 0xd9,0xe8")
STUB(s_fldl2t, ".byte 0xd9,0xe9")
STUB(s_fldl2e, ".byte 0xd9,0xea")
STUB(s_fldpi, ".byte 0xd9,0xeb")
STUB(s_fldlg2, ".byte 0xd9,0xec")
STUB(s_fldln2, ".byte 0xd9,0xed")
STUB(s_fldz, ".byte 0xd9,0xee")

STUB(s_fst_m32, "fsts x8_m")
STUB(s_fst_m64, "fstl x8_m")
STUB(s_fstp_m32, "fstps x8_m")
STUB(s_fstp_m64, "fstpl x8_m")
STUB(s_fstp_m80, "fstpt x8_m")
STUB8(s_fst_sti, ".byte 0xdd,0xd0+\\i")
STUB8(s_fstp_sti, ".byte 0xdd,0xd8+\\i")
STUB(s_fist_m16, "fists x8_m")
STUB(s_fist_m32, "fistl x8_m")
STUB(s_fistp_m16, "fistps x8_m")
STUB(s_fistp_m32, "fistpl x8_m")
STUB(s_fistp_m64, "fistpll x8_m")
STUB(s_fbstp, "fbstp x8_m")

#define N_LOAD 300
#define N_STORE 320

/* Packed BCD with valid digits (invalid digits give undefined results). */
void rand_bcd(u8 *b) {
  int digits, d;
  memset(b, 0, 10);
  switch (rn(8)) {
  case 0: digits = 18; break;
  case 1: digits = 0; break;
  default: digits = rn(19); break;
  }
  for (d = 0; d < digits; d++) b[d >> 1] |= (u8)((rn(8) == 0 && digits == 18 ? 9 : rn(10)) << ((d & 1) * 4));
  if (rn(8) == 0 && digits == 18) memset(b, 0x99, 9);
  b[9] = rn(2) ? 0x80 : 0;
  if (rn(8) == 0) b[9] |= rn(128); /* bits 72-78: ignored */
}

static void push_case(struct cs *c) {
  if (rn(16) == 0) cs_full(c);
  x8_run(c);
}

void test_load(void) {
  int k, i;
  struct cs c;
  char nm[16];
  group("load");

  form("fld_m32", "D9 /0  fld m32fp");
  for (k = 0; k < N_LOAD; k++) {
    cs_init(&c, "fld_m32", s_fld_m32, case_cw(k, 25), CC_ARITH);
    cs_stack(&c, 0);
    put32(c.mem, rn(4) ? m32_image() : m32_near(rand_f80()));
    c.min = 4;
    push_case(&c);
  }

  form("fld_m64", "DD /0  fld m64fp");
  for (k = 0; k < N_LOAD; k++) {
    cs_init(&c, "fld_m64", s_fld_m64, case_cw(k, 25), CC_ARITH);
    cs_stack(&c, 0);
    put64(c.mem, rn(4) ? m64_image() : m64_near(rand_f80()));
    c.min = 8;
    push_case(&c);
  }

  form("fld_m80", "DB /5  fld m80fp");
  for (k = 0; k < N_LOAD / 2; k++) {
    cs_init(&c, "fld_m80", s_fld_m80, case_cw(k, 25), CC_ARITH);
    cs_stack(&c, 0);
    put80(c.mem, rand_f80());
    c.min = 10;
    push_case(&c);
  }

  form("fld_sti", "D9 C0+i  fld st(i)");
  for (k = 0; k < N_LOAD / 2; k++) {
    i = rn(8);
    cs_init(&c, with_index(nm, "fld_sti", i), s_fld_sti[i], case_cw(k, 25), CC_ARITH);
    cs_stack(&c, i + 1);
    push_case(&c);
  }

  form("fild_m16", "DF /0  fild m16int");
  for (k = 0; k < N_LOAD / 2; k++) {
    cs_init(&c, "fild_m16", s_fild_m16, case_cw(k, 12), CC_ARITH);
    cs_stack(&c, 0);
    put16(c.mem, (u16)int_edge(16));
    c.min = 2;
    push_case(&c);
  }
  form("fild_m32", "DB /0  fild m32int");
  for (k = 0; k < N_LOAD / 2; k++) {
    cs_init(&c, "fild_m32", s_fild_m32, case_cw(k, 12), CC_ARITH);
    cs_stack(&c, 0);
    put32(c.mem, (u32)int_edge(32));
    c.min = 4;
    push_case(&c);
  }
  form("fild_m64", "DF /5  fild m64int");
  for (k = 0; k < N_LOAD / 2; k++) {
    cs_init(&c, "fild_m64", s_fild_m64, case_cw(k, 12), CC_ARITH);
    cs_stack(&c, 0);
    put64(c.mem, (u64)int_edge(64));
    c.min = 8;
    push_case(&c);
  }

  form("fbld", "DF /4  fbld m80bcd");
  for (k = 0; k < N_LOAD; k++) {
    cs_init(&c, "fbld", s_fbld, case_cw(k, 12), CC_ARITH);
    cs_stack(&c, 0);
    rand_bcd(c.mem);
    c.min = 10;
    push_case(&c);
  }

  {
    static const struct {
      const char *name, *text;
      void (*stub)(void);
    } consts[] = {
        {"fld1", "D9 E8  fld1", s_fld1},       {"fldl2t", "D9 E9  fldl2t", s_fldl2t},
        {"fldl2e", "D9 EA  fldl2e", s_fldl2e}, {"fldpi", "D9 EB  fldpi", s_fldpi},
        {"fldlg2", "D9 EC  fldlg2", s_fldlg2}, {"fldln2", "D9 ED  fldln2", s_fldln2},
        {"fldz", "D9 EE  fldz", s_fldz},
    };
    for (i = 0; i < NELEM(consts); i++) {
      form(consts[i].name, consts[i].text);
      for (k = 0; k < 36; k++) {
        cs_init(&c, consts[i].name, consts[i].stub, case_cw(k, 15), CC_ARITH);
        cs_stack(&c, 0);
        push_case(&c);
      }
    }
  }
}

/* Values near the ranges of the destination formats, and every class. */
static f80 store_operand(void) {
  static const s16 edges[] = {127, 128, -126, -127, -149, -150, 1023, 1024, -1022, -1023, -1074, -1075};
  switch (rn(6)) {
  case 0: return rand_f80();
  case 1: return normal_at(0x3fff + edges[rn(NELEM(edges))] + (int)rn(5) - 2);
  case 2: return normal_at(0x3fff + (int)rn(70) - 3); /* integers at the format limits */
  case 3: return normal_at(0x3fff + (int)rn(2200) - 1100);
  default: return normal_at(0x3fff + (int)rn(300) - 150);
  }
}

/* Around +-2^(bits-1): integers and halves/quarters next to the limit. */
static f80 near_limit(int bits) {
  int fb = rn(3), sign = rn(2);
  s64 delta = (s64)rn(9) - 4;
  u64 v;
  if (bits == 64) {
    if (fb == 0)
      v = (1ULL << 63) + (u64)delta;
    else
      fb = 1, v = 0 - (u64)(rn(4) + 1); /* 2^63 - d/2 */
  } else
    v = ((1ULL << (bits - 1)) << fb) + (u64)delta;
  return f80_fixed(sign, v, fb);
}

/* An operand for an integer store of the given width. */
static f80 int_operand(int bits) {
  switch (rn(5)) {
  case 0: return store_operand();
  case 1:
  case 2: return near_limit(bits);
  case 3: return f80_int(int_edge(bits));
  default: return f80_fixed(rn(2), rbits(rn(24)) | 1, rn(4)); /* small, with a fraction: ties */
  }
}

/* An operand for FBSTP: near +-10^18 (the limit of 18 digits), any integer, or any value. */
static f80 bcd_operand(void) {
  const u64 e18 = 1000000000000000000ULL;
  int fb;
  switch (rn(4)) {
  case 0:
  case 1:
    fb = rn(4);
    return f80_fixed(rn(2), (e18 << fb) + (u64)((s64)rn(9) - 4), fb);
  case 2: return f80_fixed(rn(2), rbits(rn(60)) | 1, rn(3));
  default: return store_operand();
  }
}

struct sform {
  const char *name, *text;
  void (*stub)(void);
  int bytes, kind; /* kind: 0 float, 16/32/64 integer, 1 bcd */
};

static const struct sform stores[] = {
    {"fst_m32", "D9 /2  fst m32fp", s_fst_m32, 4, 0},
    {"fst_m64", "DD /2  fst m64fp", s_fst_m64, 8, 0},
    {"fstp_m32", "D9 /3  fstp m32fp", s_fstp_m32, 4, 0},
    {"fstp_m64", "DD /3  fstp m64fp", s_fstp_m64, 8, 0},
    {"fstp_m80", "DB /7  fstp m80fp", s_fstp_m80, 10, 0},
    {"fist_m16", "DF /2  fist m16int", s_fist_m16, 2, 16},
    {"fist_m32", "DB /2  fist m32int", s_fist_m32, 4, 32},
    {"fistp_m16", "DF /3  fistp m16int", s_fistp_m16, 2, 16},
    {"fistp_m32", "DB /3  fistp m32int", s_fistp_m32, 4, 32},
    {"fistp_m64", "DF /7  fistp m64int", s_fistp_m64, 8, 64},
    {"fbstp", "DF /6  fbstp m80bcd", s_fbstp, 10, 1},
};

void test_store(void) {
  int f, k, i;
  struct cs c;
  char nm[16];
  group("store");
  for (f = 0; f < NELEM(stores); f++) {
    const struct sform *s = &stores[f];
    form(s->name, s->text);
    for (k = 0; k < N_STORE; k++) {
      cs_init(&c, s->name, s->stub, case_cw(k, 25), CC_ARITH);
      cs_stack(&c, 1);
      c.st[0] = s->kind == 0 ? store_operand() : s->kind == 1 ? bcd_operand() : int_operand(s->kind);
      c.mout = s->bytes;
      c.mprint = MP_BYTES;
      x8_run(&c);
    }
  }

  form("fst_sti", "DD D0+i  fst st(i)");
  for (k = 0; k < N_STORE / 3; k++) {
    i = rn(8);
    cs_init(&c, with_index(nm, "fst_sti", i), s_fst_sti[i], case_cw(k, 12), CC_ARITH);
    cs_stack(&c, i + 1 > 2 ? i + 1 : 2);
    x8_run(&c);
  }
  form("fstp_sti", "DD D8+i  fstp st(i)");
  for (k = 0; k < N_STORE / 3; k++) {
    i = rn(8);
    cs_init(&c, with_index(nm, "fstp_sti", i), s_fstp_sti[i], case_cw(k, 12), CC_ARITH);
    cs_stack(&c, i + 1 > 2 ? i + 1 : 2);
    x8_run(&c);
  }
}
