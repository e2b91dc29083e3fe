/* The generic form runner: random register file, operand values placed in
 * their lanes, one dt_exec, one printed line per case:
 *   name in... [imm] flags-in : out... flags-out-masked [!reg=value ...]
 * Every register not listed as an output must come back unchanged; a
 * difference is printed (it never happens natively). */
#include "dt.h"

static u8 xlat_table[256];

void dt_memsetup(struct st *s) {
  int i;
  for (i = 0; i < 8; i++) dt_m[i] = rnd();
  s->r[ESI] = (u32)dt_m;
  s->r[EDI] = (u32)&dt_m[2] + 0x200;
  s->r[EBP] = 1;
}

static u32 loc_get(const struct st *s, int loc) {
  if (loc == MEM) return dt_m[2];
  if (loc == MEMHI) return dt_m[3];
  return s->r[loc];
}

static inline void opd_set(struct st *s, u32 d, u32 v) {
  int loc = d & 15, lane = (d >> 4) & 3, sh = lane_shift(lane);
  u32 m = lane_mask(lane) << sh;
  u32 *p = loc == MEM ? &dt_m[2] : loc == MEMHI ? &dt_m[3] : &s->r[loc];
  *p = (*p & ~m) | ((v << sh) & m);
}

static u32 opd_get(const struct st *s, u32 d) {
  int lane = (d >> 4) & 3;
  return (loc_get(s, d & 15) >> lane_shift(lane)) & lane_mask(lane);
}

u32 flag_mask(const struct form *f, u32 count) {
  u32 c = count & 31, m;
  switch (f->fm) {
  case FM_ALL: return F_ALL;
  case FM_LOGIC: return F_ALL & ~F_AF;       /* SDM AND/OR/XOR/TEST: AF undefined */
  case FM_MUL: return F_OF | F_CF | F_DF;    /* SDM MUL/IMUL: SF ZF AF PF undefined */
  case FM_NONE: return F_DF;                 /* SDM DIV/IDIV: all undefined */
  case FM_BT: return F_CF | F_ZF | F_DF;     /* SDM BT*: OF SF AF PF undefined */
  case FM_BSF: return F_ZF | F_DF;           /* SDM BSF/BSR: CF OF SF AF PF undefined */
  case FM_DAA: return F_ALL & ~F_OF;         /* SDM DAA/DAS: OF undefined */
  case FM_AAA: return F_AF | F_CF | F_DF;    /* SDM AAA/AAS: OF SF ZF PF undefined */
  case FM_AAM: return F_SF | F_ZF | F_PF | F_DF; /* SDM AAM/AAD: OF AF CF undefined */
  default: break;
  }
  if (c == 0) return F_ALL; /* masked count 0: flags unaffected */
  switch (f->fm) {
  case FM_SHL:
  case FM_SHR: /* SDM SAL/SAR/SHL/SHR: AF undefined; OF only for 1-bit shifts;
                  CF undefined for SHL/SHR when count >= operand size */
    m = F_SF | F_ZF | F_PF | F_DF;
    if (c < f->csz) m |= F_CF;
    break;
  case FM_SAR: m = F_SF | F_ZF | F_PF | F_DF | F_CF; break;
  case FM_ROT: /* SDM RCL/RCR/ROL/ROR: SF ZF AF PF unaffected, OF only for 1-bit */
    m = F_SF | F_ZF | F_AF | F_PF | F_DF | F_CF;
    break;
  case FM_SHXD: /* SDM SHLD/SHRD: AF undefined, OF only for 1-bit */
    m = F_SF | F_ZF | F_PF | F_DF | F_CF;
    break;
  default: m = F_ALL; break;
  }
  if (c == 1) m |= F_OF;
  return m;
}

void print_regs_changed(const struct st *in, const struct st *out, u32 outmask) {
  int i;
  u32 d = 0;
  for (i = 0; i < 8; i++) d |= (in->r[i] ^ out->r[i]) & ((outmask >> i & 1) - 1);
  if (!(d | (in->r[ESP] ^ out->r[ESP]))) return;
  for (i = 0; i < 8; i++) {
    if (i == ESP || (outmask >> i & 1)) continue;
    if (in->r[i] != out->r[i]) {
      ln_str(" !r");
      ln_hex(i, 1);
      ln_hex(out->r[i], 8);
    }
  }
}

static void gen_special(const struct form *f, struct st *s, unsigned c, const u32 *ops, int nops) {
  u32 v;
  switch (f->gen) {
  case G_CMPXCHG: /* odd cases: accumulator equals destination */
    if ((c & 1) && nops >= 3) opd_set(s, ops[2], opd_get(s, ops[0]));
    break;
  case G_BSF:
    if ((c & 7) == 0) opd_set(s, ops[0], 0);
    break;
  case G_DAA:
    s->r[EAX] = (s->r[EAX] & ~0xffu) | (c & 0xff);
    s->fl = (s->fl & ~(F_CF | F_AF)) | ((c >> 8) & 1 ? F_CF : 0) | ((c >> 9) & 1 ? F_AF : 0);
    break;
  case G_AAA:
    s->r[EAX] = (s->r[EAX] & ~0xffu) | (c & 0xff);
    s->fl = (s->fl & ~F_AF) | ((c >> 8) & 1 ? F_AF : 0);
    break;
  case G_AL: /* every AL when there are 256 cases, else a random AL */
    s->r[EAX] = (s->r[EAX] & ~0xffu) | ((f->n >= 256 ? c : rnd()) & 0xff);
    break;
  case G_CC: /* bits of c: CF PF ZF SF OF; AF and DF stay random */
    if (f->n < 32) c = rnd();
    s->fl = (s->fl & (F_AF | F_DF)) | 2 | (c & 1 ? F_CF : 0) | (c & 2 ? F_PF : 0) |
            (c & 4 ? F_ZF : 0) | (c & 8 ? F_SF : 0) | (c & 16 ? F_OF : 0);
    break;
  case G_XLAT: s->r[EBX] = (u32)xlat_table; break;
  case G_POPF: /* the value popped into EFLAGS: status flags and DF only */
    opd_set(s, ops[0], (rnd() & F_ALL) | 2);
    break;
  case G_LOOP: /* ECX (or CX) = 1..40: never 0, which would mean 2^32 iterations */
    opd_set(s, ops[0], 1 + c % 40);
    if (nops > 1) opd_set(s, ops[1], (c & 1) ? rnd() % 48 : 1u << (rnd() % 7));
    break;
  case G_JCXZ:
    if (c & 1) opd_set(s, ops[0], 0);
    break;
  case G_DIV:
  case G_IDIV: {
    /* dividend = q*d + r with |r| < |d|, sign(r) = sign(q*d): never faults */
    int bits = f->csz;
    u32 m = bits == 32 ? 0xffffffffu : (1u << bits) - 1, d, q, r;
    s64 dd;
    do d = gval(bits == 32 ? LD : bits == 16 ? LW : LB) & m; while (d == 0);
    q = gval(bits == 32 ? LD : bits == 16 ? LW : LB) & m;
    if (c % 8 == 1) q = f->gen == G_DIV ? m : (m >> 1) + 1; /* largest / most negative quotient */
    if (c % 8 == 2) q = m >> 1;                                /* largest positive quotient */
    r = rnd();
    if (f->gen == G_DIV) {
      r %= d;
      dd = (s64)((u64)q * d + r);
    } else {
      s32 sd = bits == 32 ? (s32)d : bits == 16 ? (s16)d : (s8)d;
      s32 sq = bits == 32 ? (s32)q : bits == 16 ? (s16)q : (s8)q;
      u32 ad = sd < 0 ? 0u - (u32)sd : (u32)sd;
      s64 p = (s64)sq * sd;
      s32 sr = (s32)(r % ad);
      if (p < 0 || (p == 0 && (rnd() & 1))) sr = -sr;
      dd = p + sr;
    }
    opd_set(s, ops[0], d);
    if (bits == 8) {
      s->r[EAX] = (s->r[EAX] & 0xffff0000u) | ((u32)dd & 0xffff);
    } else if (bits == 16) {
      s->r[EAX] = (s->r[EAX] & 0xffff0000u) | ((u32)dd & 0xffff);
      s->r[EDX] = (s->r[EDX] & 0xffff0000u) | (((u32)dd >> 16) & 0xffff);
    } else {
      s->r[EAX] = (u32)dd;
      s->r[EDX] = (u32)((u64)dd >> 32);
    }
    break;
  }
  case G_IND: /* ECX = path 0..3; EAX and ESI point at the target / its table slot */
    v = c & 3;
    s->r[ECX] = v;
    s->r[EAX] = (u32)dt_targets[v];
    s->r[ESI] = (u32)&dt_targets[v];
    break;
  default: break;
  }
}

void run_forms(const struct form *f, int nf) {
  int i, k, j, nops, nouts, usesmem, skip, nv;
  unsigned c, ne;
  u32 ops[4], outs[4], outmask, memout, imm, count, mo[8], keep[8];
  struct st in, out;

  for (i = 0; i < 256; i++) xlat_table[i] = (u8)(i * 0x9d + 0x35);
  for (; nf > 0; nf--, f++) {
    ln_comment(f->name, f->text);
    nops = nouts = usesmem = 0;
    outmask = memout = 0;
    for (j = 0; j < 4; j++) {
      u32 d = (f->ins >> (8 * j)) & 0xff;
      if (d != NO) {
        ops[nops++] = d;
        if ((d & 15) >= MEM) usesmem = 1;
      }
      d = (f->outs >> (8 * j)) & 0xff;
      if (d != NO) {
        outs[nouts++] = d;
        if (d >= MEM) usesmem = 1, memout |= d == MEM ? 4 : 8;
        else outmask |= 1u << d;
      }
    }
    nv = 0;
    for (j = 0; j < nops; j++) nv += (ops[j] >> 6) == KV;
    for (j = 0; j < 8; j++) keep[j] = (outmask >> j & 1) ? 0 : 0xffffffffu;
    for (k = 0; k < f->nimm; k++) {
      dt_target = f->stubs[k];
      imm = f->imms[k];
      for (c = 0; c < f->n; c++) {
        for (j = 0; j < 8; j++) in.r[j] = rnd();
        in.r[ESP] = 0;
        in.fl = gflags();
        if (usesmem) dt_memsetup(&in);
        /* operand values: a sweep over edge pairs first, then random */
        count = f->isz ? imm : 1;
        for (j = 0; j < nops; j++) {
          int lane = (ops[j] >> 4) & 3, kind = ops[j] >> 6;
          unsigned pair = nv >= 2 && j < 2; /* sweep pairs of edges, or one operand's edges */
          u32 v;
          if (kind == KC) {
            v = gcount(c + k * 7);
            count = v;
          } else if (kind == KX) {
            v = rnd();
          } else if (kind == KS) {
            v = rnd() & 7;
          } else if (pair && f->n >= 72 && c < 36) {
            v = gedge(lane, j == 0 ? c / 6 : c % 6, &ne);
          } else if (j == 0 && f->n >= 8 && c < (f->n >= 24 ? 12u : 6u)) {
            v = gedge(lane, c + k, &ne);
          } else {
            v = gval(lane);
          }
          opd_set(&in, ops[j], v);
        }
        gen_special(f, &in, c, ops, nops);
        if (f->gen == G_SHXD16 && (count & 31) > 16) continue; /* undefined result */
        if (usesmem)
          for (j = 0; j < 8; j++) mo[j] = dt_m[j];
        ln_name(f->name);
        for (j = 0; j < nops; j++) ln_hex(loc_get(&in, ops[j] & 15), 8);
        if (f->isz) ln_hex(imm & (f->isz == 4 ? 0xffffffffu : (1u << (8 * f->isz)) - 1), 2 * f->isz);
        ln_hex(in.fl, 3);
        ln_str(" :");
        out = in;
        dt_exec(&out);
        skip = f->gen == G_BSF && opd_get(&in, ops[0]) == 0;
        for (j = 0; j < nouts; j++) {
          if (skip && j == 0) ln_str(" --------"); /* destination undefined */
          else if (f->gen == G_PUSHF && j == 0) ln_hex(loc_get(&out, outs[j]) & (F_ALL | 2), 8);
          else ln_hex(loc_get(&out, outs[j]), 8);
        }
        ln_hex(out.fl & flag_mask(f, count), 3);
        if (((in.r[EAX] ^ out.r[EAX]) & keep[EAX]) | ((in.r[ECX] ^ out.r[ECX]) & keep[ECX]) |
            ((in.r[EDX] ^ out.r[EDX]) & keep[EDX]) | ((in.r[EBX] ^ out.r[EBX]) & keep[EBX]) |
            ((in.r[EBP] ^ out.r[EBP]) & keep[EBP]) | ((in.r[ESI] ^ out.r[ESI]) & keep[ESI]) |
            ((in.r[EDI] ^ out.r[EDI]) & keep[EDI]))
          print_regs_changed(&in, &out, outmask);
        if (usesmem) {
          for (j = 0; j < 8; j++)
            if (!(memout >> j & 1) && dt_m[j] != mo[j]) ln_str(" !mem");
        }
        ln_end();
      }
    }
  }
}
