/* x87diff: operand values. Every class of extended value, with extra weight
 * where rounding, overflow and underflow decide things (after
 * test/x87/vectors.ts), memory images of every class, integer edges, and the
 * control and status words a case starts with. No floating point here: values
 * are built from their bits. */
#include "x87diff.h"

#define TOPBIT (1ULL << 63)

f80 mkf(int sign, int exp, u64 m) {
  f80 v;
  v.se = (u16)((sign ? 0x8000 : 0) | (exp & 0x7fff));
  v.m = m;
  return v;
}

static int expo(f80 a) { return a.se & 0x7fff; }

/* A 64-bit significand: random, or near a rounding boundary at 24, 53 or 64 bits. */
u64 rand_mant(void) {
  int k = rn(10), p;
  u64 q, base, off;
  static const u8 prec[3] = {24, 53, 64};
  if (k < 4) return TOPBIT | rbits(63);
  if (k == 4) return TOPBIT | (rbits(63) & ~((1ULL << rn(63)) - 1)); /* few low bits */
  if (k == 5) return ~0ULL - rbits(rn(12));                            /* all ones, nearly */
  if (k == 6) return TOPBIT | rbits(rn(8));                            /* nearly a power of two */
  p = prec[k - 7];
  q = 1ULL << (64 - p);
  base = TOPBIT | (rbits(63) & ~(q - 1));
  switch (rn(4)) {
  case 0: off = 0; break;
  case 1: off = q / 2; break; /* halfway */
  case 2: off = q - 1; break;
  default: off = 1; break;
  }
  off += (u64)((int)rn(3) - 1);
  return (base + (q > 1 ? off : 0)) | TOPBIT;
}

/* A biased exponent for a normal: anywhere, near 1.0, or near the ends of the range. */
int rand_exp(void) {
  switch (rn(6)) {
  case 0: return 1 + rn(0x7ffe);
  case 1:
  case 2: return 0x3fff - 70 + rn(140);
  case 3: return 1 + rn(80);
  case 4: return 0x7ffe - rn(80);
  default: return 0x3fff - 20 + rn(40);
  }
}

f80 make(int want) {
  int sign = rn(2), bits;
  switch (want) {
  case W_NORMAL: return mkf(sign, rand_exp(), rand_mant());
  case W_DENORMAL:
    bits = 1 + rn(63);
    return mkf(sign, 0, (1ULL << (bits - 1)) | rbits(bits - 1));
  case W_PSEUDODEN: return mkf(sign, 0, TOPBIT | rbits(63));
  case W_ZERO: return mkf(sign, 0, 0);
  case W_INF: return mkf(sign, 0x7fff, TOPBIT);
  case W_QNAN: return mkf(sign, 0x7fff, TOPBIT | (1ULL << 62) | (rn(2) ? rbits(62) : 0));
  case W_SNAN: return mkf(sign, 0x7fff, TOPBIT | rbits(62) | 1);
  case W_UNNORMAL: return mkf(sign, rand_exp(), rbits(63));
  case W_PSEUDOINF: return mkf(sign, 0x7fff, 0);
  default: return mkf(sign, 0x7fff, rbits(63) | 1); /* pseudo-NaN */
  }
}

/* Mostly normals; every other class now and then. */
f80 rand_f80(void) {
  u32 x = rn(100);
  if (x < 70) return make(W_NORMAL);
  if (x < 76) return make(W_DENORMAL);
  if (x < 78) return make(W_PSEUDODEN);
  if (x < 83) return make(W_ZERO);
  if (x < 87) return make(W_INF);
  if (x < 91) return make(W_QNAN);
  if (x < 95) return make(W_SNAN);
  if (x < 97) return make(W_UNNORMAL);
  if (x < 98) return make(W_PSEUDOINF);
  return make(W_PSEUDONAN);
}

f80 normal_at(int exp) {
  if (exp < 1) exp = 1;
  if (exp > 0x7ffe) exp = 0x7ffe;
  return mkf(rn(2), exp, rand_mant());
}

/* A second operand related to the first so the result lands somewhere
 * interesting: close exponents (cancellation, alignment, near-equal
 * significands), or a result exponent near the ends of the range. */
f80 partner(f80 a, int kind) {
  u32 x = rn(100);
  int target, e, d;
  f80 b;
  if (x < 35 || expo(a) == 0 || expo(a) == 0x7fff) return rand_f80();
  if (kind == K_ADD || kind == K_ANY || x < 50) {
    d = rn(3) ? (int)rn(70) - 35 : (int)rn(400) - 200;
    b = normal_at(expo(a) + d);
    if (rn(4) == 0) b.m = a.m ^ rbits(rn(30)); /* near-equal */
    return b;
  }
  target = rn(2) ? (int)rn(140) - 70 : 0x7ffe - 70 + (int)rn(140);
  e = kind == K_MUL ? target - expo(a) + 0x3fff : expo(a) - target + 0x3fff;
  return normal_at(e);
}

f80 f80_fixed(int sign, u64 v, int frac_bits) {
  int clz = 0;
  if (!v) return mkf(sign, 0, 0);
  while (!(v & TOPBIT)) v <<= 1, clz++;
  return mkf(sign, 0x3fff + 63 - clz - frac_bits, v);
}

f80 f80_int(s64 v) {
  return v < 0 ? f80_fixed(1, 0 - (u64)v, 0) : f80_fixed(0, (u64)v, 0);
}

/* Control words: PC 24/53/64 bits x RC nearest/down/up/zero in turn by k
 * (case k), all exceptions masked except in unmask_pct percent of the cases. */
u16 case_cw(int k, int unmask_pct) {
  static const u8 pcs[3] = {0, 2, 3};
  u16 masks = rn(100) < (u32)unmask_pct ? rn(64) : 0x3f;
  return 0x40 | masks | pcs[k % 3] << 8 | ((k / 3) % 4) << 10;
}

/* A status word to start from: random C0-C3 and TOP, now and then sticky
 * exception flags (masked ones only, so nothing is pending). */
u16 case_sw(u16 cw) {
  u16 sw = (rnd() & (SW_C0 | SW_C1 | SW_C2 | SW_C3)) | rn(8) << 11;
  if (rn(4) == 0) {
    u16 f = rnd() & 0x3f & cw;
    if ((f & SW_IE) && rn(2)) f |= SW_SF;
    sw |= f;
  }
  return sw;
}

/* Also unmasked flags, with ES and B as the hardware keeps them (pending). */
u16 pending_sw(u16 cw) {
  u16 sw = (rnd() & (SW_C0 | SW_C1 | SW_C2 | SW_C3)) | rn(8) << 11;
  u16 f = rnd() & 0x3f;
  if (rn(2)) f &= cw;
  if ((f & SW_IE) && rn(2)) f |= SW_SF;
  sw |= f;
  if (f & ~cw & 0x3f) sw |= SW_ES | SW_B;
  return sw;
}

u32 rand_eflags(void) { return rnd() & F_OSZAPC; }

/* The tag of a value (SDM vol. 1, 8.1.7): 0 valid, 1 zero, 2 special. */
int tag_of(f80 v) {
  int e = expo(v);
  if (e == 0x7fff) return 2;
  if (e == 0) return v.m ? 2 : 1;
  return (v.m & TOPBIT) ? 0 : 2;
}

/* float32 and float64 images of every class. */
u32 m32_image(void) {
  u32 v = rnd(), clear = v & ~(0xffu << 23);
  switch (rn(5)) {
  case 0: return clear;                        /* zero or denormal */
  case 1: return clear | 0xffu << 23;          /* infinity or NaN */
  case 2: return (clear | 0xffu << 23) & ~0x7fffffu; /* infinity */
  default: return v;
  }
}

u64 m64_image(void) {
  u64 v = rbits(64), e = 0x7ffULL << 52, clear = v & ~e;
  switch (rn(5)) {
  case 0: return clear;
  case 1: return clear | e;
  case 2: return (clear | e) & ~((1ULL << 52) - 1);
  default: return v;
  }
}

/* f80 -> float32 by truncation (an operand generator, not a conversion under test). */
static u32 f32_of(f80 b) {
  u32 s = (u32)(b.se >> 15) << 31;
  int e = expo(b), ue;
  u32 frac = (u32)(b.m >> 40) & 0x7fffff;
  if (e == 0x7fff) return s | 0x7f800000 | ((b.m << 1) ? (frac ? frac : 1) : 0);
  if (e == 0 || !(b.m & TOPBIT)) return s | (u32)(b.m >> 41);
  ue = e - 0x3fff;
  if (ue > 127) return s | 0x7f7fffff;
  if (ue >= -126) return s | (u32)(ue + 127) << 23 | frac;
  if (ue >= -149) return s | (u32)(b.m >> (-86 - ue));
  return s;
}

static u64 f64_of(f80 b) {
  u64 s = (u64)(b.se >> 15) << 63;
  int e = expo(b), ue;
  u64 frac = (b.m >> 11) & ((1ULL << 52) - 1);
  if (e == 0x7fff) return s | 0x7ffULL << 52 | ((b.m << 1) ? (frac ? frac : 1) : 0);
  if (e == 0 || !(b.m & TOPBIT)) return s | (b.m >> 12);
  ue = e - 0x3fff;
  if (ue > 1023) return s | 0x7fefffffffffffffULL;
  if (ue >= -1022) return s | (u64)(ue + 1023) << 52 | frac;
  if (ue >= -1074) return s | (b.m >> (-1011 - ue));
  return s;
}

u32 m32_near(f80 a) {
  f80 b;
  if (rn(4) == 0) return m32_image();
  b = expo(a) > 0 && expo(a) < 0x7fff && rn(2) ? mkf(rn(2), 0x3fff + (int)rn(300) - 150, rand_mant()) : a;
  return f32_of(partner(b, rn(3)));
}

u64 m64_near(f80 a) {
  f80 b;
  if (rn(4) == 0) return m64_image();
  b = expo(a) > 0 && expo(a) < 0x7fff && rn(2) ? mkf(rn(2), 0x3fff + (int)rn(2400) - 1200, rand_mant()) : a;
  return f64_of(partner(b, rn(3)));
}

/* Integers: the edges of a bits-wide signed integer, narrow values, or random. */
s64 int_edge(int bits) {
  u64 lim = 1ULL << (bits - 1), v;
  int w;
  switch (rn(4)) {
  case 0:
    switch (rn(6)) {
    case 0: return 0;
    case 1: return -1;
    case 2: return 1;
    case 3: return (s64)(lim - 1);
    case 4: return -(s64)(lim - 1) - 1;
    default: return -(s64)(lim - 1);
    }
  case 1:
    w = rn(bits) + 1;
    v = rbits(w);
    break;
  default:
    w = bits;
    v = rbits(bits);
    break;
  }
  /* sign-extend from w bits */
  if (w < 64 && (v >> (w - 1)) & 1) v |= ~0ULL << w;
  /* and keep the value within the bits-wide range */
  if (bits < 64) {
    v &= (1ULL << bits) - 1;
    if (v & lim) v |= ~0ULL << bits;
  }
  return (s64)v;
}

void put16(u8 *p, u16 v) {
  p[0] = (u8)v;
  p[1] = (u8)(v >> 8);
}

void put32(u8 *p, u32 v) {
  put16(p, (u16)v);
  put16(p + 2, (u16)(v >> 16));
}

void put64(u8 *p, u64 v) {
  put32(p, (u32)v);
  put32(p + 4, (u32)(v >> 32));
}

void put80(u8 *p, f80 v) {
  put64(p, v.m);
  put16(p + 8, v.se);
}

f80 get80(const u8 *p) {
  f80 v;
  int i;
  v.m = 0;
  for (i = 7; i >= 0; i--) v.m = v.m << 8 | p[i];
  v.se = (u16)(p[8] | p[9] << 8);
  return v;
}
