/* x87diff: the transcendental instructions FSIN FCOS FSINCOS FPTAN FPATAN
 * F2XM1 FYL2X FYL2XP1. Their results need not be bit-exact between
 * implementations: test/x87diff.test.ts compares this group's values within
 * one unit in the last place, and PE and C1 (which follow the rounding) may
 * differ; everything else must match. Operands stay inside the documented
 * domains where the SDM calls the result undefined outside (F2XM1: |x| <= 1;
 * FYL2XP1: |x| < 1 - sqrt(2)/2); FSIN/FCOS/FSINCOS/FPTAN also get
 * |x| >= 2^63 (C2 = 1, operand unchanged). */
#include "x87diff.h"

STUB(s_fsin, ".byte 0xd9,0xfe")
STUB(s_fcos, ".byte 0xd9,0xff")
STUB(s_fsincos, ".byte 0xd9,0xfb")
STUB(s_fptan, ".byte 0xd9,0xf2")
STUB(s_fpatan, ".byte 0xd9,0xf3")
STUB(s_f2xm1, ".byte 0xd9,0xf0")
STUB(s_fyl2x, ".byte 0xd9,0xf1")
STUB(s_fyl2xp1, ".byte 0xd9,0xf9")

/* m * pi/2 (pi/2 to 66 bits: 0xc90fdaa22168c234 * 4 + 3, times 2^-65), rounded
 * down to 64 bits and nudged by a few ulps. */
static f80 near_pi2_multiple(u32 m) {
  const u64 p = 0xc90fdaa22168c234ULL;
  const u32 p0 = (u32)(p << 2) | 3, p1 = (u32)(p >> 30), p2 = (u32)(p >> 62);
  u32 r[4];
  u64 t, hi, lo;
  int n, sh;
  t = (u64)p0 * m;
  r[0] = (u32)t;
  t = (t >> 32) + (u64)p1 * m;
  r[1] = (u32)t;
  t = (t >> 32) + (u64)p2 * m;
  r[2] = (u32)t;
  r[3] = (u32)(t >> 32);
  hi = (u64)r[3] << 32 | r[2];
  lo = (u64)r[1] << 32 | r[0];
  /* bit length n of hi:lo (hi != 0: m >= 1 and p2 = 3) */
  n = 64;
  while (n < 128 && (hi >> (n - 64)) != 0) n++;
  /* top 64 bits */
  sh = n - 64;
  if (sh == 0)
    t = lo;
  else
    t = hi << (64 - sh) | lo >> sh;
  t += (u64)((s64)rn(5) - 2);
  if (!(t >> 63)) t |= 1ULL << 63;
  return mkf(rn(2), n - 1 - 65 + 0x3fff, t);
}

/* Arguments for the trigonometric functions. */
static f80 trig_operand(void) {
  u32 k = rn(100);
  if (k < 20) return rand_f80();
  if (k < 45) return near_pi2_multiple(1 + rn(rn(2) ? 8 : 1u << 20));
  if (k < 55) return normal_at(0x3fff + 40 + (int)rn(24)); /* large, some >= 2^63 */
  if (k < 65) return normal_at(0x3fff - 30 - (int)rn(16400));
  return normal_at(0x3fff + (int)rn(12) - 8);
}

/* Finite and at least 1.0 in magnitude (excluding exactly 1.0). */
static int beyond_one(f80 x) {
  int e = x.se & 0x7fff;
  if (e < 0x3fff || e == 0x7fff || !(x.m >> 63)) return 0;
  return !(e == 0x3fff && x.m == 1ULL << 63);
}

#define N_TRANS 500

void test_transcendental(void) {
  int k;
  struct cs c;
  f80 x, y;
  group("transcendental");
  x8_full_regs = 1; /* values are compared within one ulp: no "=" */

  form("fsin", "D9 FE  fsin");
  for (k = 0; k < N_TRANS; k++) {
    cs_init(&c, "fsin", s_fsin, case_cw(k, 10), CC_TRIG);
    cs_stack(&c, 1);
    c.st[0] = trig_operand();
    x8_run(&c);
  }
  form("fcos", "D9 FF  fcos");
  for (k = 0; k < N_TRANS; k++) {
    cs_init(&c, "fcos", s_fcos, case_cw(k, 10), CC_TRIG);
    cs_stack(&c, 1);
    c.st[0] = trig_operand();
    x8_run(&c);
  }
  form("fsincos", "D9 FB  fsincos: st(0) := sin, push cos");
  for (k = 0; k < N_TRANS; k++) {
    cs_init(&c, "fsincos", s_fsincos, case_cw(k, 10), CC_TRIG);
    cs_stack(&c, 1);
    c.st[0] = trig_operand();
    if (rn(32) == 0) cs_full(&c);
    x8_run(&c);
  }
  form("fptan", "D9 F2  fptan: st(0) := tan, push 1.0");
  for (k = 0; k < N_TRANS; k++) {
    cs_init(&c, "fptan", s_fptan, case_cw(k, 10), CC_TRIG);
    cs_stack(&c, 1);
    c.st[0] = trig_operand();
    if (rn(32) == 0) cs_full(&c);
    x8_run(&c);
  }

  form("fpatan", "D9 F3  fpatan: st(1) := arctan(st(1)/st(0)), pop");
  for (k = 0; k < N_TRANS; k++) {
    cs_init(&c, "fpatan", s_fpatan, case_cw(k, 10), CC_ARITH);
    cs_stack(&c, 2);
    x = rn(10) < 3 ? rand_f80() : normal_at(0x3fff + (int)rn(40) - 20);
    if (rn(10) < 3)
      y = rand_f80();
    else if (rn(10) == 0)
      y = mkf(rn(2), x.se & 0x7fff, x.m);
    else
      y = partner(x, K_DIV);
    c.st[0] = x;
    c.st[1] = y;
    x8_run(&c);
  }

  form("f2xm1", "D9 F0  f2xm1: 2^st(0) - 1, |st(0)| <= 1");
  for (k = 0; k < N_TRANS; k++) {
    u32 w;
    cs_init(&c, "f2xm1", s_f2xm1, case_cw(k, 10), CC_ARITH);
    cs_stack(&c, 1);
    do {
      w = rn(10);
      if (w < 2)
        x = rand_f80();
      else if (w < 3)
        x = mkf(rn(2), 0x3fff, 1ULL << 63);
      else
        x = normal_at(0x3ffe - (int)(rn(10) < 7 ? rn(70) : rn(16000)));
    } while (beyond_one(x));
    c.st[0] = x;
    x8_run(&c);
  }

  form("fyl2x", "D9 F1  fyl2x: st(1) := st(1) * log2(st(0)), pop");
  for (k = 0; k < N_TRANS; k++) {
    cs_init(&c, "fyl2x", s_fyl2x, case_cw(k, 10), CC_ARITH);
    cs_stack(&c, 2);
    y = rn(10) < 3 ? rand_f80() : normal_at(0x3fff + (int)rn(40) - 20);
    if (rn(4) == 0)
      x = rand_f80();
    else {
      x = rn(2) ? normal_at(rand_exp()) : mkf(0, 0x3ffe + rn(2), rand_mant());
      x.se &= 0x7fff;
    }
    c.st[0] = x;
    c.st[1] = y;
    x8_run(&c);
  }

  form("fyl2xp1", "D9 F9  fyl2xp1: st(1) := st(1) * log2(st(0) + 1), pop, |st(0)| < 1 - sqrt(2)/2");
  for (k = 0; k < N_TRANS; k++) {
    cs_init(&c, "fyl2xp1", s_fyl2xp1, case_cw(k, 10), CC_ARITH);
    cs_stack(&c, 2);
    y = rn(10) < 3 ? rand_f80() : normal_at(0x3fff + (int)rn(40) - 20);
    x = rn(100) < 15 ? rand_f80() : normal_at(0x3ffc - (int)(rn(2) ? rn(70) : rn(16000)));
    /* keep |x| < 0.25 where the SDM defines the result */
    if ((x.se & 0x7fff) > 0x3ffc && (x.se & 0x7fff) < 0x7fff && (x.m >> 63)) x = normal_at(0x3ffc - (int)rn(70));
    c.st[0] = x;
    c.st[1] = y;
    x8_run(&c);
  }
}
