/* MUL, IMUL (one, two and three operands), DIV, IDIV at 8/16/32 bits.
 * Division inputs never fault (see G_DIV in forms.c). */
#include "dt.h"

/* clang-format off */
#define MULDIV_FORMS(X) \
  X(mul_r8, NONE, "mulb %bl", 72, L2(R_al, R_bl), L1(EAX), FM_MUL, 0, G_DEF, 8) \
  X(mul_r8h, NONE, "mulb %ah", 16, L1(R_ax), L1(EAX), FM_MUL, 0, G_DEF, 8) \
  X(mul_r8h2, NONE, "mulb %ch", 16, L2(R_al, R_ch), L1(EAX), FM_MUL, 0, G_DEF, 8) \
  X(mul_r16, NONE, "mulw %si", 72, L3(R_ax, R_si, R_dx), L2(EAX, EDX), FM_MUL, 0, G_DEF, 16) \
  X(mul_r32, NONE, "mull %edi", 72, L3(R_eax, R_edi, R_edx), L2(EAX, EDX), FM_MUL, 0, G_DEF, 32) \
  X(mul_r32a, NONE, "mull %eax", 12, L2(R_eax, R_edx), L2(EAX, EDX), FM_MUL, 0, G_DEF, 32) \
  X(mul_m8, NONE, "mulb " M1, 16, L2(R_al, MB), L1(EAX), FM_MUL, 0, G_DEF, 8) \
  X(mul_m16, NONE, "mulw " M2, 16, L3(R_ax, MW, R_dx), L2(EAX, EDX), FM_MUL, 0, G_DEF, 16) \
  X(mul_m32, NONE, "mull " M3, 16, L3(R_eax, MD, R_edx), L2(EAX, EDX), FM_MUL, 0, G_DEF, 32) \
  X(imul_r8, NONE, "imulb %dl", 72, L2(R_al, R_dl), L1(EAX), FM_MUL, 0, G_DEF, 8) \
  X(imul_r8h, NONE, "imulb %bh", 16, L2(R_al, R_bh), L1(EAX), FM_MUL, 0, G_DEF, 8) \
  X(imul_r16, NONE, "imulw %cx", 72, L3(R_ax, R_cx, R_dx), L2(EAX, EDX), FM_MUL, 0, G_DEF, 16) \
  X(imul_r32, NONE, "imull %ebp", 72, L3(R_eax, R_ebp, R_edx), L2(EAX, EDX), FM_MUL, 0, G_DEF, 32) \
  X(imul_r32d, NONE, "imull %edx", 12, L2(R_eax, R_edx), L2(EAX, EDX), FM_MUL, 0, G_DEF, 32) \
  X(imul_m8, NONE, "imulb " M4, 16, L2(R_al, MB), L1(EAX), FM_MUL, 0, G_DEF, 8) \
  X(imul_m16, NONE, "imulw " M5, 16, L3(R_ax, MW, R_dx), L2(EAX, EDX), FM_MUL, 0, G_DEF, 16) \
  X(imul_m32, NONE, "imull " M0, 16, L3(R_eax, MD, R_edx), L2(EAX, EDX), FM_MUL, 0, G_DEF, 32) \
  /* two and three operands: only the low half is kept */ \
  X(imul2_r16, NONE, "imulw %cx,%bx", 72, L2(R_bx, R_cx), L1(EBX), FM_MUL, 0, G_DEF, 16) \
  X(imul2_r32, NONE, "imull %esi,%edi", 72, L2(R_edi, R_esi), L1(EDI), FM_MUL, 0, G_DEF, 32) \
  X(imul2_r32s, NONE, "imull %eax,%eax", 12, L1(R_eax), L1(EAX), FM_MUL, 0, G_DEF, 32) \
  X(imul2_m16, NONE, "imulw " M1 ",%ax", 16, L2(R_ax, MW), L1(EAX), FM_MUL, 0, G_DEF, 16) \
  X(imul2_m32, NONE, "imull " M2 ",%edx", 16, L2(R_edx, MD), L1(EDX), FM_MUL, 0, G_DEF, 32) \
  X(imul3_r16s, S8, "imulw $\\imm,%dx,%bp", 4, L2(R_bp, R_dx), L1(EBP), FM_MUL, 2, G_DEF, 16) \
  X(imul3_r16, I16, "imulw $\\imm,%si,%si", 4, L1(R_si), L1(ESI), FM_MUL, 2, G_DEF, 16) \
  X(imul3_r32s, S8, "imull $\\imm,%ecx,%ebx", 5, L2(R_ebx, R_ecx), L1(EBX), FM_MUL, 4, G_DEF, 32) \
  X(imul3_r32, I32, "imull $\\imm,%edi,%eax", 5, L2(R_eax, R_edi), L1(EAX), FM_MUL, 4, G_DEF, 32) \
  X(imul3_m32s, S8, "imull $\\imm," M3 ",%ecx", 2, L2(R_ecx, MD), L1(ECX), FM_MUL, 4, G_DEF, 32) \
  X(imul3_m32, I32, "imull $\\imm," M4 ",%edx", 2, L2(R_edx, MD), L1(EDX), FM_MUL, 4, G_DEF, 32) \
  X(imul3_m16, I16, "imulw $\\imm," M5 ",%bx", 2, L2(R_bx, MW), L1(EBX), FM_MUL, 2, G_DEF, 16) \
  /* division: ins[0] is the divisor; all status flags undefined */ \
  X(div_r8, NONE, "divb %bl", 72, L2(R_bl, R_eax), L1(EAX), FM_NONE, 0, G_DIV, 8) \
  X(div_r8h, NONE, "divb %ch", 24, L2(R_ch, R_eax), L1(EAX), FM_NONE, 0, G_DIV, 8) \
  X(div_r16, NONE, "divw %si", 72, L3(R_si, R_eax, R_edx), L2(EAX, EDX), FM_NONE, 0, G_DIV, 16) \
  X(div_r32, NONE, "divl %edi", 72, L3(R_edi, R_eax, R_edx), L2(EAX, EDX), FM_NONE, 0, G_DIV, 32) \
  X(div_m8, NONE, "divb " M1, 16, L2(MB, R_eax), L1(EAX), FM_NONE, 0, G_DIV, 8) \
  X(div_m16, NONE, "divw " M2, 16, L3(MW, R_eax, R_edx), L2(EAX, EDX), FM_NONE, 0, G_DIV, 16) \
  X(div_m32, NONE, "divl " M3, 16, L3(MD, R_eax, R_edx), L2(EAX, EDX), FM_NONE, 0, G_DIV, 32) \
  X(idiv_r8, NONE, "idivb %cl", 72, L2(R_cl, R_eax), L1(EAX), FM_NONE, 0, G_IDIV, 8) \
  X(idiv_r8h, NONE, "idivb %bh", 24, L2(R_bh, R_eax), L1(EAX), FM_NONE, 0, G_IDIV, 8) \
  X(idiv_r16, NONE, "idivw %bp", 72, L3(R_bp, R_eax, R_edx), L2(EAX, EDX), FM_NONE, 0, G_IDIV, 16) \
  X(idiv_r32, NONE, "idivl %ebx", 72, L3(R_ebx, R_eax, R_edx), L2(EAX, EDX), FM_NONE, 0, G_IDIV, 32) \
  X(idiv_m8, NONE, "idivb " M4, 16, L2(MB, R_eax), L1(EAX), FM_NONE, 0, G_IDIV, 8) \
  X(idiv_m16, NONE, "idivw " M5, 16, L3(MW, R_eax, R_edx), L2(EAX, EDX), FM_NONE, 0, G_IDIV, 16) \
  X(idiv_m32, NONE, "idivl " M0, 16, L3(MD, R_eax, R_edx), L2(EAX, EDX), FM_NONE, 0, G_IDIV, 32)
/* clang-format on */

FORM_TABLE(muldiv_forms, MULDIV_FORMS)

void test_muldiv(void) {
  dt_group("muldiv");
  run_forms(muldiv_forms, NELEM(muldiv_forms));
}
