/* ROL ROR RCL RCR SHL SHR SAR by 1, by imm8 and by CL at 8/16/32 bits
 * (register and memory), SHLD/SHRD by imm8 and CL at 16/32 bits.
 * The imm8 register forms are written as bytes so that a count of 1 really
 * is C0/C1 ib (the assembler would pick D0/D1). */
#include "dt.h"

/* modrm for a register operand: 0xc0 | digit<<3 | rm (rm 4..7 = AH CH DH BH at 8 bits) */
/* clang-format off */
#define SH(X, op, dg, fm, r8, n8, h8, nh8, r16, n16, r32, n32, M) \
  X(op##_1r8, NONE, #op "b %" #r8, 24, L1(R_##r8), L1(LOC(R_##r8)), fm, 0, G_DEF, 8) \
  X(op##_1r16, NONE, #op "w %" #r16, 24, L1(R_##r16), L1(LOC(R_##r16)), fm, 0, G_DEF, 16) \
  X(op##_1r32, NONE, #op "l %" #r32, 24, L1(R_##r32), L1(LOC(R_##r32)), fm, 0, G_DEF, 32) \
  X(op##_clr8, NONE, #op "b %cl,%" #h8, 64, L2(R_##h8, CNT(ECX)), L1(LOC(R_##h8)), fm, 0, G_DEF, 8) \
  X(op##_clr16, NONE, #op "w %cl,%" #r16, 64, L2(R_##r16, CNT(ECX)), L1(LOC(R_##r16)), fm, 0, G_DEF, 16) \
  X(op##_clr32, NONE, #op "l %cl,%" #r32, 64, L2(R_##r32, CNT(ECX)), L1(LOC(R_##r32)), fm, 0, G_DEF, 32) \
  X(op##_ir8, CNT, ".byte 0xc0,0xc0+8*" #dg "+" #n8 ",\\imm", 3, L1(R_##r8), L1(LOC(R_##r8)), fm, 1, G_DEF, 8) \
  X(op##_ir8h, CNT, ".byte 0xc0,0xc0+8*" #dg "+" #nh8 ",\\imm", 2, L1(R_##h8), L1(LOC(R_##h8)), fm, 1, G_DEF, 8) \
  X(op##_ir16, CNT, ".byte 0x66,0xc1,0xc0+8*" #dg "+" #n16 ",\\imm", 3, L1(R_##r16), L1(LOC(R_##r16)), fm, 1, G_DEF, 16) \
  X(op##_ir32, CNT, ".byte 0xc1,0xc0+8*" #dg "+" #n32 ",\\imm", 3, L1(R_##r32), L1(LOC(R_##r32)), fm, 1, G_DEF, 32) \
  X(op##_clm32, NONE, #op "l %cl," M, 16, L2(MD, CNT(ECX)), L1(MEM), fm, 0, G_DEF, 32) \
  X(op##_clm8, NONE, #op "b %cl," M, 12, L2(MB, CNT(ECX)), L1(MEM), fm, 0, G_DEF, 8) \
  X(op##_1m16, NONE, #op "w " M, 8, L1(MW), L1(MEM), fm, 0, G_DEF, 16) \
  X(op##_1m8, NONE, #op "b " M, 8, L1(MB), L1(MEM), fm, 0, G_DEF, 8) \
  X(op##_im16, CNT, #op "w $\\imm," M, 1, L1(MW), L1(MEM), fm, 1, G_DEF, 16) \
  X(op##_im32, CNT, #op "l $\\imm," M, 1, L1(MD), L1(MEM), fm, 1, G_DEF, 32)

/* op  /digit  flag-mask   r8 n8  h8 nh8  r16 n16  r32 n32  mem */
#define SHIFT_FORMS(X) \
  SH(X, rol, 0, FM_ROT, al, 0, ah, 4, bx, 3, edx, 2, M0) \
  SH(X, ror, 1, FM_ROT, bl, 3, dh, 6, si, 6, ebx, 3, M1) \
  SH(X, rcl, 2, FM_ROT, dl, 2, bh, 7, di, 7, esi, 6, M2) \
  SH(X, rcr, 3, FM_ROT, al, 0, ch, 5, bp, 5, edi, 7, M3) \
  SH(X, shl, 4, FM_SHL, bl, 3, ah, 4, ax, 0, ebp, 5, M4) \
  SH(X, shr, 5, FM_SHR, dl, 2, dh, 6, dx, 2, eax, 0, M5) \
  SH(X, sar, 7, FM_SAR, al, 0, bh, 7, si, 6, ebx, 3, M0)

/* SHLD/SHRD: 16-bit counts 17..31 leave the result undefined (SDM): skipped. */
#define SHXD_FORMS(X) \
  X(shld_clr32, NONE, "shldl %cl,%esi,%ebx", 96, L3(R_ebx, R_esi, CNT(ECX)), L1(EBX), FM_SHXD, 0, G_DEF, 32) \
  X(shld_ir32, CNT, "shldl $\\imm,%edx,%eax", 4, L2(R_eax, R_edx), L1(EAX), FM_SHXD, 1, G_DEF, 32) \
  X(shld_clr16, NONE, "shldw %cl,%di,%dx", 120, L3(R_dx, R_di, CNT(ECX)), L1(EDX), FM_SHXD, 0, G_SHXD16, 16) \
  X(shld_ir16, CNT, "shldw $\\imm,%bx,%bp", 4, L2(R_bp, R_bx), L1(EBP), FM_SHXD, 1, G_SHXD16, 16) \
  X(shld_clm32, NONE, "shldl %cl,%edx," M1, 16, L3(MD, R_edx, CNT(ECX)), L1(MEM), FM_SHXD, 0, G_DEF, 32) \
  X(shld_im16, CNT, "shldw $\\imm,%ax," M3, 1, L2(MW, R_ax), L1(MEM), FM_SHXD, 1, G_SHXD16, 16) \
  X(shrd_clr32, NONE, "shrdl %cl,%eax,%edi", 96, L3(R_edi, R_eax, CNT(ECX)), L1(EDI), FM_SHXD, 0, G_DEF, 32) \
  X(shrd_ir32, CNT, "shrdl $\\imm,%ebp,%esi", 4, L2(R_esi, R_ebp), L1(ESI), FM_SHXD, 1, G_DEF, 32) \
  X(shrd_clr16, NONE, "shrdw %cl,%si,%ax", 120, L3(R_ax, R_si, CNT(ECX)), L1(EAX), FM_SHXD, 0, G_SHXD16, 16) \
  X(shrd_ir16, CNT, "shrdw $\\imm,%dx,%bx", 4, L2(R_bx, R_dx), L1(EBX), FM_SHXD, 1, G_SHXD16, 16) \
  X(shrd_clm32, NONE, "shrdl %cl,%ebx," M4, 16, L3(MD, R_ebx, CNT(ECX)), L1(MEM), FM_SHXD, 0, G_DEF, 32) \
  X(shrd_im16, CNT, "shrdw $\\imm,%dx," M0, 1, L2(MW, R_dx), L1(MEM), FM_SHXD, 1, G_SHXD16, 16)
/* clang-format on */

FORM_TABLE(shift_forms, SHIFT_FORMS)
FORM_TABLE(shxd_forms, SHXD_FORMS)

void test_shift(void) {
  dt_group("shift");
  run_forms(shift_forms, NELEM(shift_forms));
  dt_group("shld-shrd");
  run_forms(shxd_forms, NELEM(shxd_forms));
}
