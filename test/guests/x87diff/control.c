/* x87diff: the register stack and the control instructions. FXCH, FINCSTP,
 * FDECSTP, FFREE, FNOP; stack overflow (pushes onto a full stack) and
 * underflow (empty operands) in many instructions, masked (the indefinite,
 * SF, C1) and unmasked; FNSTENV/FLDENV and FNSAVE/FRSTOR in the 32- and
 * 16-bit layouts and round trips (printed without FIP FCS FOP FDP FDS, which
 * differ between the builds), FLDCW/FNSTCW (also a rounding change inside one
 * block), FNSTSW m16/AX, FNCLEX, FNINIT, FWAIT with nothing pending, and the
 * usual way to handle an unmasked exception: FNSTSW, FNCLEX, go on. */
#include "x87diff.h"

STUB8(s_fxch_sti, ".byte 0xd9,0xc8+\\i")
STUB8(s_ffree_sti, ".byte 0xdd,0xc0+\\i")
STUB8(s_fld_sti, ".byte 0xd9,0xc0+\\i")
STUB(s_fincstp, ".byte 0xd9,0xf7")
STUB(s_fdecstp, ".byte 0xd9,0xf6")
STUB(s_fnop, ".byte 0xd9,0xd0")

STUB(s_o_fld_m32, "flds x8_m")
STUB(s_o_fild_m32, "fildl x8_m")
STUB(s_o_fbld, "fbld x8_m")
STUB(s_o_fld1, ".byte 0xd9,0xe8")
STUB(s_o_fldz, ".byte 0xd9,0xee")
STUB(s_o_fxtract, ".byte 0xd9,0xf4")
STUB(s_o_fld_st1, ".byte 0xd9,0xc1")

STUB(s_u_fadd, ".byte 0xd8,0xc1")
STUB(s_u_faddp, ".byte 0xde,0xc1")
STUB(s_u_fmul_m64, "fmull x8_m")
STUB(s_u_fst_m32, "fsts x8_m")
STUB(s_u_fstp_m64, "fstpl x8_m")
STUB(s_u_fstp_m80, "fstpt x8_m")
STUB(s_u_fistp_m16, "fistps x8_m")
STUB(s_u_fist_m32, "fistl x8_m")
STUB(s_u_fbstp, "fbstp x8_m")
STUB(s_u_fxch, ".byte 0xd9,0xc9")
STUB(s_u_fcom, ".byte 0xd8,0xd1")
STUB(s_u_fucompp, ".byte 0xda,0xe9")
STUB(s_u_fcomi, ".byte 0xdb,0xf1")
STUB(s_u_fucomip, ".byte 0xdf,0xe9")
STUB(s_u_ftst, ".byte 0xd9,0xe4")
STUB(s_u_fsqrt, ".byte 0xd9,0xfa")
STUB(s_u_fchs, ".byte 0xd9,0xe0")
STUB(s_u_fprem, ".byte 0xd9,0xf8")
STUB(s_u_fscale, ".byte 0xd9,0xfd")
STUB(s_u_frndint, ".byte 0xd9,0xfc")
STUB(s_u_fcmovb, ".byte 0xda,0xc1")
STUB(s_u_fst_st3, ".byte 0xdd,0xd3")
STUB(s_u_fld_st3, ".byte 0xd9,0xc3")

#define N_STACK 150
#define N_OVF 40
#define N_UNF 30

void test_stack(void) {
  int k, i, f;
  struct cs c;
  char nm[16];
  group("stack");

  form("fxch_sti", "D9 C8+i  fxch st(i)");
  for (k = 0; k < N_STACK; k++) {
    i = rn(8);
    cs_init(&c, with_index(nm, "fxch_sti", i), s_fxch_sti[i], case_cw(k, 12), CC_ARITH);
    cs_stack(&c, i + 1 > 2 ? i + 1 : 2);
    x8_run(&c);
  }

  form("fincstp", "D9 F7  fincstp");
  for (k = 0; k < N_STACK / 3; k++) {
    cs_init(&c, "fincstp", s_fincstp, case_cw(k, 12), CC_ARITH);
    cs_stack(&c, rn(9));
    x8_run(&c);
  }
  form("fdecstp", "D9 F6  fdecstp");
  for (k = 0; k < N_STACK / 3; k++) {
    cs_init(&c, "fdecstp", s_fdecstp, case_cw(k, 12), CC_ARITH);
    cs_stack(&c, rn(9));
    x8_run(&c);
  }
  form("ffree_sti", "DD C0+i  ffree st(i)");
  for (k = 0; k < N_STACK * 2 / 3; k++) {
    i = rn(8);
    cs_init(&c, with_index(nm, "ffree_sti", i), s_ffree_sti[i], case_cw(k, 12), CC_ALL);
    cs_stack(&c, i + 1 + rn(8 - i));
    x8_run(&c);
  }
  form("fnop", "D9 D0  fnop");
  for (k = 0; k < 24; k++) {
    cs_init(&c, "fnop", s_fnop, case_cw(k, 0), CC_ALL);
    cs_stack(&c, rn(4));
    x8_run(&c);
  }

  {
    static const struct {
      const char *name, *text;
      void (*stub)(void);
      int mem; /* 4: an m32fp, 5: an m32int, 10: packed BCD */
    } ovf[] = {
        {"ovf_fld_m32", "D9 /0  fld m32fp onto a full stack", s_o_fld_m32, 4},
        {"ovf_fild_m32", "DB /0  fild m32int onto a full stack", s_o_fild_m32, 5},
        {"ovf_fbld", "DF /4  fbld onto a full stack", s_o_fbld, 10},
        {"ovf_fld1", "D9 E8  fld1 onto a full stack", s_o_fld1, 0},
        {"ovf_fldz", "D9 EE  fldz onto a full stack", s_o_fldz, 0},
        {"ovf_fxtract", "D9 F4  fxtract on a full stack", s_o_fxtract, 0},
        {"ovf_fld_st1", "D9 C1  fld st(1) onto a full stack", s_o_fld_st1, 0},
    };
    for (f = 0; f < NELEM(ovf); f++) {
      form(ovf[f].name, ovf[f].text);
      for (k = 0; k < N_OVF; k++) {
        cs_init(&c, ovf[f].name, ovf[f].stub, case_cw(k, 25), CC_ARITH);
        cs_stack(&c, 8);
        cs_full(&c);
        if (ovf[f].mem == 4) put32(c.mem, m32_image()), c.min = 4;
        if (ovf[f].mem == 5) put32(c.mem, (u32)int_edge(32)), c.min = 4;
        if (ovf[f].mem == 10) rand_bcd(c.mem), c.min = 10;
        x8_run(&c);
      }
    }
  }

  {
    static const struct {
      const char *name, *text;
      void (*stub)(void);
      int nst, mout, fl;
      u16 cc;
    } unf[] = {
        {"unf_fadd", "D8 C1  fadd st(0),st(1) with an empty operand", s_u_fadd, 2, 0, 0, CC_ARITH},
        {"unf_faddp", "DE C1  faddp st(1),st(0) with an empty operand", s_u_faddp, 2, 0, 0, CC_ARITH},
        {"unf_fmul_m64", "DC /1  fmul m64fp with st(0) empty", s_u_fmul_m64, 1, 0, 0, CC_ARITH},
        {"unf_fst_m32", "D9 /2  fst m32fp from an empty st(0)", s_u_fst_m32, 1, 4, 0, CC_ARITH},
        {"unf_fstp_m64", "DD /3  fstp m64fp from an empty st(0)", s_u_fstp_m64, 1, 8, 0, CC_ARITH},
        {"unf_fstp_m80", "DB /7  fstp m80fp from an empty st(0)", s_u_fstp_m80, 1, 10, 0, CC_ARITH},
        {"unf_fistp_m16", "DF /3  fistp m16int from an empty st(0)", s_u_fistp_m16, 1, 2, 0, CC_ARITH},
        {"unf_fist_m32", "DB /2  fist m32int from an empty st(0)", s_u_fist_m32, 1, 4, 0, CC_ARITH},
        {"unf_fbstp", "DF /6  fbstp from an empty st(0)", s_u_fbstp, 1, 10, 0, CC_ARITH},
        {"unf_fxch", "D9 C9  fxch st(1) with an empty register", s_u_fxch, 2, 0, 0, CC_ARITH},
        {"unf_fcom", "D8 D1  fcom st(1) with an empty register", s_u_fcom, 2, 0, 0, CC_NONE},
        {"unf_fucompp", "DA E9  fucompp with an empty register", s_u_fucompp, 2, 0, 0, CC_NONE},
        {"unf_fcomi", "DB F1  fcomi st(0),st(1) with an empty register", s_u_fcomi, 2, 0, 1, CC_NONE},
        {"unf_fucomip", "DF E9  fucomip st(0),st(1) with an empty register", s_u_fucomip, 2, 0, 1, CC_NONE},
        {"unf_ftst", "D9 E4  ftst on an empty st(0)", s_u_ftst, 1, 0, 0, CC_NONE},
        {"unf_fsqrt", "D9 FA  fsqrt on an empty st(0)", s_u_fsqrt, 1, 0, 0, CC_ARITH},
        {"unf_fchs", "D9 E0  fchs on an empty st(0)", s_u_fchs, 1, 0, 0, CC_ARITH},
        {"unf_fprem", "D9 F8  fprem with an empty register", s_u_fprem, 2, 0, 0, CC_NONE},
        {"unf_fscale", "D9 FD  fscale with an empty register", s_u_fscale, 2, 0, 0, CC_ARITH},
        {"unf_frndint", "D9 FC  frndint on an empty st(0)", s_u_frndint, 1, 0, 0, CC_ARITH},
        {"unf_fcmovb", "DA C1  fcmovb st(0),st(1) with an empty register", s_u_fcmovb, 2, 0, 1, CC_ARITH},
        {"unf_fst_st3", "DD D3  fst st(3) from an empty st(0)", s_u_fst_st3, 4, 0, 0, CC_ARITH},
        {"unf_fld_st3", "D9 C3  fld st(3) from an empty st(3)", s_u_fld_st3, 4, 0, 0, CC_ARITH},
    };
    for (f = 0; f < NELEM(unf); f++) {
      form(unf[f].name, unf[f].text);
      for (k = 0; k < N_UNF; k++) {
        cs_init(&c, unf[f].name, unf[f].stub, case_cw(k, 25), unf[f].cc);
        cs_stack(&c, unf[f].nst);
        if (unf[f].stub == s_u_fld_st3)
          c.empty |= 8;
        else if (unf[f].nst == 2)
          c.empty |= 1 + rn(3); /* st(0), st(1) or both */
        else
          c.empty |= 1;
        if (unf[f].stub == s_u_fmul_m64) put64(c.mem, m64_image()), c.min = 8;
        if (unf[f].mout) c.mout = unf[f].mout, c.mprint = MP_BYTES;
        c.fl = unf[f].fl;
        c.eflags = rand_eflags();
        x8_run(&c);
      }
    }
  }
}

/* ---- environment ------------------------------------------------------------ */
STUB(s_fnstenv32, "fnstenv x8_m")
STUB(s_fnstenv16, ".byte 0x66\n\tfnstenv x8_m")
STUB(s_fldenv32, "fldenv x8_m")
STUB(s_fldenv16, ".byte 0x66\n\tfldenv x8_m")
STUB(s_fnstenv_fldenv, "fnstenv x8_m\n\tfldenv x8_m")
STUB(s_fnsave32, "fnsave x8_m")
STUB(s_fnsave16, ".byte 0x66\n\tfnsave x8_m")
STUB(s_frstor32, "frstor x8_m")
STUB(s_frstor16, ".byte 0x66\n\tfrstor x8_m")
STUB(s_fnsave_frstor32, "fnsave x8_m\n\tfrstor x8_m")
STUB(s_fnsave_frstor16, ".byte 0x66\n\tfnsave x8_m\n\t.byte 0x66\n\tfrstor x8_m")
STUB(s_fldcw_fnstcw, "fldcw x8_m\n\tfnstcw x8_m+2")
STUB(s_fnstcw, "fnstcw x8_m")
STUB(s_fldcw_fadd, "fldcw x8_m\n\t.byte 0xd8,0xc1\n\tfldcw x8_m+2\n\t.byte 0xdc,0xc9")
STUB(s_fnstsw_m16, "fnstsw x8_m")
STUB(s_fnstsw_ax, "fnstsw %ax\n\tmovw %ax,x8_m")
STUB(s_fnclex, ".byte 0xdb,0xe2")
STUB(s_fninit, ".byte 0xdb,0xe3")
STUB(s_fwait, "fwait")
STUB(s_fstsw_ax, "fwait\n\tfnstsw %ax\n\tmovw %ax,x8_m")
/* An operation that may raise an unmasked exception, then what a handler does:
 * FNSTSW AX (C0 C2 C3 masked: undefined after fdiv), FNCLEX, and a waiting
 * instruction that must now run normally. */
STUB(s_unmasked_seq, ".byte 0xd8,0xf1\n\tfnstsw %ax\n\tandw $0xbaff,%ax\n\tmovw %ax,x8_m\n\t"
                     ".byte 0xdb,0xe2\n\t.byte 0xd9,0xe8\n\t.byte 0xde,0xc1")

/* A tag word for the registers of c: empty per c->empty, the class tag, or (raw) any tag for a non-empty register. */
static u16 tags_for(const struct cs *c, int raw) {
  u16 tw = 0;
  int i, top = (c->sw >> 11) & 7;
  for (i = 0; i < 8; i++) {
    int t = (c->empty >> i) & 1 ? 3 : raw ? (int)rn(3) : tag_of(c->st[i]);
    tw |= t << (2 * ((top + i) & 7));
  }
  return tw;
}

/* An environment image (28 or 14 bytes) with cw, sw, tw and random pointers. */
static void put_env(u8 *m, int o32, u16 cw, u16 sw, u16 tw) {
  int i, w = o32 ? 4 : 2;
  for (i = 0; i < 7 * w; i++) m[i] = (u8)rnd();
  put16(m, cw);
  put16(m + w, sw);
  put16(m + 2 * w, tw);
  if (o32) { /* reserved halves: ones, as FNSTENV writes them on some processors */
    put16(m + 2, 0xffff);
    put16(m + 6, 0xffff);
    put16(m + 10, 0xffff);
  }
}

/* A state with any pending exceptions (allowed: nothing here waits before FNSAVE). */
static void pending_state(struct cs *c, int k) {
  c->cw = case_cw(k, 50);
  c->sw = pending_sw(c->cw);
}

#define N_ENV 60

void test_env(void) {
  int k, i, o32;
  struct cs c;
  group("env");

  for (o32 = 1; o32 >= 0; o32--) {
    form(o32 ? "fnstenv32" : "fnstenv16", o32 ? "D9 /6  fnstenv m28 (then all exceptions masked)"
                                             : "66 D9 /6  fnstenv m14");
    for (k = 0; k < N_ENV; k++) {
      cs_init(&c, o32 ? "fnstenv32" : "fnstenv16", o32 ? s_fnstenv32 : s_fnstenv16, 0, CC_ALL);
      pending_state(&c, k);
      cs_stack(&c, rn(9));
      c.mout = o32 ? 28 : 14;
      c.mprint = o32 ? MP_ENV32 : MP_ENV16;
      c.showcw = 1;
      x8_run(&c);
    }
  }

  for (o32 = 1; o32 >= 0; o32--) {
    form(o32 ? "fldenv32" : "fldenv16", o32 ? "D9 /4  fldenv m28 (tags: empty kept, the rest recomputed)"
                                           : "66 D9 /4  fldenv m14");
    for (k = 0; k < N_ENV; k++) {
      struct cs e;
      u16 cw;
      cs_init(&c, o32 ? "fldenv32" : "fldenv16", o32 ? s_fldenv32 : s_fldenv16, case_cw(k, 0), CC_NONE);
      cs_stack(&c, rn(9));
      /* the environment loaded: another stack shape, any pending exceptions, tags of either kind */
      cs_init(&e, "", 0, 0, 0);
      pending_state(&e, k + 5);
      for (i = 0; i < 8; i++) e.st[i] = c.st[(i + ((e.sw >> 11) & 7) - ((c.sw >> 11) & 7)) & 7];
      e.empty = rnd();
      cw = e.cw;
      if (k % 4 == 3) cw |= rnd() & 0xf080; /* the reserved bits 7 and 13-15, and IC (bit 12) */
      put_env(c.mem, o32, cw, e.sw, tags_for(&e, k & 1));
      c.min = o32 ? 28 : 14;
      c.miprint = o32 ? MP_ENV32 : MP_ENV16;
      c.showcw = 1;
      x8_run(&c);
    }
  }

  form("fnstenv_fldenv", "D9 /6; D9 /4  fnstenv m28 then fldenv m28: nothing changes");
  for (k = 0; k < N_ENV; k++) {
    cs_init(&c, "fnstenv_fldenv", s_fnstenv_fldenv, 0, CC_NONE);
    pending_state(&c, k);
    cs_stack(&c, rn(9));
    c.mout = 28;
    c.mprint = MP_ENV32;
    c.showcw = 1;
    x8_run(&c);
  }

  for (o32 = 1; o32 >= 0; o32--) {
    form(o32 ? "fnsave32" : "fnsave16", o32 ? "DD /6  fnsave m108 (then fninit)" : "66 DD /6  fnsave m94");
    for (k = 0; k < N_ENV / 2; k++) {
      cs_init(&c, o32 ? "fnsave32" : "fnsave16", o32 ? s_fnsave32 : s_fnsave16, 0, CC_NONE);
      pending_state(&c, k);
      cs_stack(&c, rn(9));
      c.mout = o32 ? 108 : 94;
      c.mprint = o32 ? MP_SAVE32 : MP_SAVE16;
      c.showcw = 1;
      x8_run(&c);
    }
  }

  for (o32 = 1; o32 >= 0; o32--) {
    form(o32 ? "frstor32" : "frstor16", o32 ? "DD /4  frstor m108 (tags: empty kept, the rest recomputed)"
                                           : "66 DD /4  frstor m94");
    for (k = 0; k < N_ENV; k++) {
      struct cs e;
      int base = o32 ? 28 : 14;
      cs_init(&c, o32 ? "frstor32" : "frstor16", o32 ? s_frstor32 : s_frstor16, case_cw(k, 0), CC_NONE);
      cs_stack(&c, rn(4));
      cs_init(&e, "", 0, 0, 0);
      pending_state(&e, k + 7);
      cs_stack(&e, rn(9));
      put_env(c.mem, o32, k % 4 == 3 ? e.cw | (rnd() & 0xf080) : e.cw, e.sw, tags_for(&e, k & 1));
      for (i = 0; i < 8; i++) put80(&c.mem[base + 10 * i], e.st[i]);
      c.min = base + 80;
      c.miprint = o32 ? MP_SAVE32 : MP_SAVE16;
      c.showcw = 1;
      x8_run(&c);
    }
  }

  for (o32 = 1; o32 >= 0; o32--) {
    form(o32 ? "fnsave_frstor32" : "fnsave_frstor16",
         o32 ? "DD /6; DD /4  fnsave then frstor: the state comes back" : "66 DD /6; 66 DD /4  the same, 16-bit layout");
    for (k = 0; k < N_ENV; k++) {
      cs_init(&c, o32 ? "fnsave_frstor32" : "fnsave_frstor16", o32 ? s_fnsave_frstor32 : s_fnsave_frstor16, 0, CC_NONE);
      pending_state(&c, k);
      cs_stack(&c, rn(9));
      if (k & 1) c.rawtags = 1, c.tw = tags_for(&c, 1); /* loaded by the harness's FRSTOR with any class tags */
      c.mout = o32 ? 108 : 94;
      c.mprint = o32 ? MP_SAVE32 : MP_SAVE16;
      c.showcw = 1;
      x8_run(&c);
    }
  }

  form("fldcw_fnstcw", "D9 /5; D9 /7  fldcw m16 (any bits) then fnstcw m16");
  for (k = 0; k < N_ENV; k++) {
    cs_init(&c, "fldcw_fnstcw", s_fldcw_fnstcw, case_cw(k, 0), CC_ALL);
    cs_stack(&c, rn(3));
    put16(c.mem, (u16)(k < 16 ? 0x037f ^ (1u << k) : rnd()));
    c.min = 2;
    c.mout = 2;
    c.mprint = MP_BYTES;
    c.showcw = 1;
    x8_run(&c);
  }

  form("fnstcw", "D9 /7  fnstcw m16");
  for (k = 0; k < N_ENV / 3; k++) {
    cs_init(&c, "fnstcw", s_fnstcw, 0, CC_ALL);
    pending_state(&c, k);
    cs_stack(&c, rn(3));
    c.mout = 2;
    c.mprint = MP_BYTES;
    x8_run(&c);
  }

  form("fldcw_fadd", "fldcw m16; fadd st(0),st(1); fldcw m16+2; fmul st(1),st(0): new rounding inside one block");
  for (k = 0; k < N_ENV * 2; k++) {
    cs_init(&c, "fldcw_fadd", s_fldcw_fadd, case_cw(k, 0), CC_ARITH);
    cs_stack(&c, 2);
    c.st[1] = partner(c.st[0], K_ADD);
    put16(c.mem, case_cw(k + 1 + rn(11), 0));
    put16(c.mem + 2, case_cw(k + 1 + rn(11), 0));
    c.min = 4;
    x8_run(&c);
  }

  form("fnstsw_m16", "DD /7  fnstsw m16");
  for (k = 0; k < N_ENV / 2; k++) {
    cs_init(&c, "fnstsw_m16", s_fnstsw_m16, 0, CC_ALL);
    pending_state(&c, k);
    cs_stack(&c, rn(3));
    c.mout = 2;
    c.mprint = MP_BYTES;
    x8_run(&c);
  }
  form("fnstsw_ax", "DF E0  fnstsw ax");
  for (k = 0; k < N_ENV / 2; k++) {
    cs_init(&c, "fnstsw_ax", s_fnstsw_ax, 0, CC_ALL);
    pending_state(&c, k);
    cs_stack(&c, rn(3));
    c.mout = 2;
    c.mprint = MP_BYTES;
    x8_run(&c);
  }
  form("fnclex", "DB E2  fnclex");
  for (k = 0; k < N_ENV / 2; k++) {
    cs_init(&c, "fnclex", s_fnclex, 0, CC_ALL);
    pending_state(&c, k);
    cs_stack(&c, rn(3));
    x8_run(&c);
  }
  form("fninit", "DB E3  fninit");
  for (k = 0; k < N_ENV / 3; k++) {
    cs_init(&c, "fninit", s_fninit, 0, CC_NONE);
    pending_state(&c, k);
    cs_stack(&c, rn(9));
    c.showcw = 1;
    x8_run(&c);
  }
  form("fwait", "9B  fwait, nothing pending");
  for (k = 0; k < N_ENV / 3; k++) {
    cs_init(&c, "fwait", s_fwait, case_cw(k, 30), CC_ALL);
    cs_stack(&c, rn(3));
    x8_run(&c);
  }
  form("fstsw_ax", "9B DF E0  fstsw ax, nothing pending");
  for (k = 0; k < N_ENV / 3; k++) {
    cs_init(&c, "fstsw_ax", s_fstsw_ax, case_cw(k, 30), CC_ALL);
    cs_stack(&c, rn(3));
    c.mout = 2;
    c.mprint = MP_BYTES;
    x8_run(&c);
  }

  form("unmasked_seq", "fdiv st(0),st(1); fnstsw ax; fnclex; fld1; faddp st(1),st(0)");
  for (k = 0; k < N_ENV * 2; k++) {
    cs_init(&c, "unmasked_seq", s_unmasked_seq, case_cw(k, 100), CC_ARITH);
    cs_stack(&c, 2);
    c.st[1] = partner(c.st[0], K_DIV);
    if (rn(4) == 0) c.st[1] = mkf(rn(2), 0, 0);
    c.mout = 2;
    c.mprint = MP_BYTES;
    x8_run(&c);
  }
}
