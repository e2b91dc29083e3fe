/* ADD ADC SUB SBB CMP AND OR XOR TEST in every operand form and size;
 * INC DEC NEG NOT; ADC/SBB chains. */
#include "dt.h"

/* One binary ALU operation in all its forms. Parameters: mnemonic, flag
 * mask kind, writes-destination, registers for each form (AT&T names), the
 * memory addressing mode, and the /digit (for the 0x82 alias of 0x80).
 *  rr32  01/r (or 29, 31, ...)   rr32r 03/r ({load})   rr32z  same register
 *  rr16  66 01/r   rr8 00/r   rr8h  00/r with AH..BH
 *  ri8   80/d ib   ri8a 04 ib (AL)   ri8x 82/d ib (alias of 80)
 *  ri16  66 81/d iw   ri16s 66 83/d ib   ri16a 66 05 iw (AX)
 *  ri32  81/d id   ri32s 83/d ib   ri32a 05 id (EAX)
 *  rm*   op r, r/m (memory source)   mr*  op r/m, r (memory destination)
 *  mi*   op r/m, imm */
#define ALU(X, op, fm, w, s32, d32, s16, d16, s8, d8, h8s, h8d, z32, i8r, i16r, i32r, m32, m16, \
            m8, M, dg)                                                                           \
  X(op##_rr32, NONE, #op "l %" #s32 ",%" #d32, 72, L2(R_##d32, R_##s32), OUT(w, R_##d32), fm,  \
    0, G_DEF, 32)                                                                                \
  X(op##_rr32r, NONE, "{load} " #op "l %" #s32 ",%" #d32, 12, L2(R_##d32, R_##s32),            \
    OUT(w, R_##d32), fm, 0, G_DEF, 32)                                                           \
  X(op##_rr32z, NONE, #op "l %" #z32 ",%" #z32, 8, L1(R_##z32), OUT(w, R_##z32), fm, 0, G_DEF, \
    32)                                                                                          \
  X(op##_rr16, NONE, #op "w %" #s16 ",%" #d16, 40, L2(R_##d16, R_##s16), OUT(w, R_##d16), fm,   \
    0, G_DEF, 16)                                                                                \
  X(op##_rr8, NONE, #op "b %" #s8 ",%" #d8, 40, L2(R_##d8, R_##s8), OUT(w, R_##d8), fm, 0,      \
    G_DEF, 8)                                                                                    \
  X(op##_rr8h, NONE, #op "b %" #h8s ",%" #h8d, 32, L2(R_##h8d, R_##h8s), OUT(w, R_##h8d), fm,   \
    0, G_DEF, 8)                                                                                 \
  X(op##_ri8, I8, #op "b $\\imm,%" #i8r, 3, L1(R_##i8r), OUT(w, R_##i8r), fm, 1, G_DEF, 8)      \
  X(op##_ri8a, I8, #op "b $\\imm,%al", 2, L1(R_al), OUT(w, R_al), fm, 1, G_DEF, 8)              \
  X(op##_ri8x, I8, ".byte 0x82,0xc3+8*" #dg ",\\imm", 1, L1(R_bl), OUT(w, R_bl), fm, 1, G_DEF,  \
    8)                                                                                           \
  X(op##_ri16, I16, #op "w $\\imm,%" #i16r, 3, L1(R_##i16r), OUT(w, R_##i16r), fm, 2, G_DEF,    \
    16)                                                                                          \
  X(op##_ri16s, S8, #op "w $\\imm,%" #i16r, 3, L1(R_##i16r), OUT(w, R_##i16r), fm, 2, G_DEF,    \
    16)                                                                                          \
  X(op##_ri16a, I16, #op "w $\\imm,%ax", 2, L1(R_ax), OUT(w, R_ax), fm, 2, G_DEF, 16)           \
  X(op##_ri32, I32, #op "l $\\imm,%" #i32r, 3, L1(R_##i32r), OUT(w, R_##i32r), fm, 4, G_DEF,    \
    32)                                                                                          \
  X(op##_ri32s, S8, #op "l $\\imm,%" #i32r, 3, L1(R_##i32r), OUT(w, R_##i32r), fm, 4, G_DEF,    \
    32)                                                                                          \
  X(op##_ri32a, I32, #op "l $\\imm,%eax", 2, L1(R_eax), OUT(w, R_eax), fm, 4, G_DEF, 32)        \
  X(op##_rm32, NONE, #op "l " M ",%" #m32, 16, L2(R_##m32, MD), OUT(w, R_##m32), fm, 0, G_DEF,  \
    32)                                                                                          \
  X(op##_rm16, NONE, #op "w " M ",%" #m16, 12, L2(R_##m16, MW), OUT(w, R_##m16), fm, 0, G_DEF,  \
    16)                                                                                          \
  X(op##_rm8, NONE, #op "b " M ",%" #m8, 12, L2(R_##m8, MB), OUT(w, R_##m8), fm, 0, G_DEF, 8)   \
  X(op##_mr32, NONE, #op "l %" #m32 "," M, 16, L2(MD, R_##m32), OUT(w, MEM), fm, 0, G_DEF, 32)  \
  X(op##_mr16, NONE, #op "w %" #m16 "," M, 12, L2(MW, R_##m16), OUT(w, MEM), fm, 0, G_DEF, 16)  \
  X(op##_mr8, NONE, #op "b %" #m8 "," M, 12, L2(MB, R_##m8), OUT(w, MEM), fm, 0, G_DEF, 8)      \
  X(op##_mi32, I32, #op "l $\\imm," M, 2, L1(MD), OUT(w, MEM), fm, 4, G_DEF, 32)                \
  X(op##_mi32s, S8, #op "l $\\imm," M, 2, L1(MD), OUT(w, MEM), fm, 4, G_DEF, 32)                \
  X(op##_mi16, I16, #op "w $\\imm," M, 2, L1(MW), OUT(w, MEM), fm, 2, G_DEF, 16)                \
  X(op##_mi16s, S8, #op "w $\\imm," M, 2, L1(MW), OUT(w, MEM), fm, 2, G_DEF, 16)                \
  X(op##_mi8, I8, #op "b $\\imm," M, 2, L1(MB), OUT(w, MEM), fm, 1, G_DEF, 8)

/* clang-format off */
#define ALU_FORMS(X) \
  /*       op   fm        w  s32  d32  s16 d16 s8 d8 h8s h8d z32  i8r i16r i32r m32  m16 m8  M  dg */ \
  ALU(X, add, FM_ALL,   1, ecx, ebx, si, di, cl, bl, ah, dh, eax, dh, bp, esi, ebx, cx, bh, M0, 0) \
  ALU(X, adc, FM_ALL,   1, edx, eax, bp, ax, dl, al, bh, ch, edx, cl, bx, edi, ecx, dx, ah, M1, 2) \
  ALU(X, sub, FM_ALL,   1, esi, edi, cx, si, bl, dl, ch, al, ecx, bh, di, ebp, edx, bx, dl, M2, 5) \
  ALU(X, sbb, FM_ALL,   1, edi, ebp, di, bx, al, cl, dl, ah, ebx, ah, si, ebx, eax, ax, ch, M3, 3) \
  ALU(X, cmp, FM_ALL,   0, ebp, esi, ax, bp, cl, al, dh, bh, esi, dl, cx, ecx, ebx, dx, al, M4, 7) \
  ALU(X, and, FM_LOGIC, 1, eax, ecx, dx, cx, dl, bl, al, ch, edi, ch, si, edx, edx, bx, cl, M5, 4) \
  ALU(X, or,  FM_LOGIC, 1, ebx, edx, bx, dx, bl, cl, bh, dl, ebp, bl, di, ebp, eax, ax, dh, M0, 1) \
  ALU(X, xor, FM_LOGIC, 1, ecx, edi, di, ax, dl, dl, ah, ah, eax, dh, bp, ebx, ecx, cx, bl, M2, 6)

/* TEST has no reg,r/m direction and no sign-extended imm8 form. */
#define TEST_FORMS(X) \
  X(test_rr32, NONE, "testl %ecx,%ebx", 64, L2(R_ebx, R_ecx), L0, FM_LOGIC, 0, G_DEF, 32) \
  X(test_rr32z, NONE, "testl %esi,%esi", 8, L1(R_esi), L0, FM_LOGIC, 0, G_DEF, 32) \
  X(test_rr16, NONE, "testw %di,%bp", 32, L2(R_bp, R_di), L0, FM_LOGIC, 0, G_DEF, 16) \
  X(test_rr8, NONE, "testb %dl,%al", 24, L2(R_al, R_dl), L0, FM_LOGIC, 0, G_DEF, 8) \
  X(test_rr8h, NONE, "testb %ch,%bh", 16, L2(R_bh, R_ch), L0, FM_LOGIC, 0, G_DEF, 8) \
  X(test_ri8, I8, "testb $\\imm,%dh", 2, L1(R_dh), L0, FM_LOGIC, 1, G_DEF, 8) \
  X(test_ri8a, I8, "testb $\\imm,%al", 2, L1(R_al), L0, FM_LOGIC, 1, G_DEF, 8) \
  X(test_ri16, I16, "testw $\\imm,%si", 2, L1(R_si), L0, FM_LOGIC, 2, G_DEF, 16) \
  X(test_ri16a, I16, "testw $\\imm,%ax", 2, L1(R_ax), L0, FM_LOGIC, 2, G_DEF, 16) \
  X(test_ri32, I32, "testl $\\imm,%edi", 2, L1(R_edi), L0, FM_LOGIC, 4, G_DEF, 32) \
  X(test_ri32b, I8, "testl $\\imm,%ecx", 2, L1(R_ecx), L0, FM_LOGIC, 4, G_DEF, 32) \
  X(test_ri32a, I32, "testl $\\imm,%eax", 2, L1(R_eax), L0, FM_LOGIC, 4, G_DEF, 32) \
  X(test_mr32, NONE, "testl %edx," M1, 12, L2(MD, R_edx), L0, FM_LOGIC, 0, G_DEF, 32) \
  X(test_mr16, NONE, "testw %cx," M3, 12, L2(MW, R_cx), L0, FM_LOGIC, 0, G_DEF, 16) \
  X(test_mr8, NONE, "testb %ah," M0, 12, L2(MB, R_ah), L0, FM_LOGIC, 0, G_DEF, 8) \
  X(test_mi32, I32, "testl $\\imm," M4, 2, L1(MD), L0, FM_LOGIC, 4, G_DEF, 32) \
  X(test_mi16, I16, "testw $\\imm," M5, 2, L1(MW), L0, FM_LOGIC, 2, G_DEF, 16) \
  X(test_mi8, I8, "testb $\\imm," M2, 2, L1(MB), L0, FM_LOGIC, 1, G_DEF, 8)

/* INC/DEC (CF unchanged, so every flag is defined), NEG, NOT (no flags). */
#define UNARY_FORMS(X) \
  X(inc_r32, NONE, "incl %ecx", 32, L1(R_ecx), L1(ECX), FM_ALL, 0, G_DEF, 32) \
  X(inc_r32l, NONE, ".byte 0xff,0xc6", 12, L1(R_esi), L1(ESI), FM_ALL, 0, G_DEF, 32) \
  X(inc_r16, NONE, "incw %di", 24, L1(R_di), L1(EDI), FM_ALL, 0, G_DEF, 16) \
  X(inc_r8, NONE, "incb %bl", 24, L1(R_bl), L1(EBX), FM_ALL, 0, G_DEF, 8) \
  X(inc_r8h, NONE, "incb %ah", 16, L1(R_ah), L1(EAX), FM_ALL, 0, G_DEF, 8) \
  X(inc_m32, NONE, "incl " M1, 12, L1(MD), L1(MEM), FM_ALL, 0, G_DEF, 32) \
  X(inc_m16, NONE, "incw " M3, 12, L1(MW), L1(MEM), FM_ALL, 0, G_DEF, 16) \
  X(inc_m8, NONE, "incb " M0, 12, L1(MB), L1(MEM), FM_ALL, 0, G_DEF, 8) \
  X(dec_r32, NONE, "decl %ebp", 32, L1(R_ebp), L1(EBP), FM_ALL, 0, G_DEF, 32) \
  X(dec_r32l, NONE, ".byte 0xff,0xcb", 12, L1(R_ebx), L1(EBX), FM_ALL, 0, G_DEF, 32) \
  X(dec_r16, NONE, "decw %ax", 24, L1(R_ax), L1(EAX), FM_ALL, 0, G_DEF, 16) \
  X(dec_r8, NONE, "decb %cl", 24, L1(R_cl), L1(ECX), FM_ALL, 0, G_DEF, 8) \
  X(dec_r8h, NONE, "decb %dh", 16, L1(R_dh), L1(EDX), FM_ALL, 0, G_DEF, 8) \
  X(dec_m32, NONE, "decl " M2, 12, L1(MD), L1(MEM), FM_ALL, 0, G_DEF, 32) \
  X(dec_m16, NONE, "decw " M4, 12, L1(MW), L1(MEM), FM_ALL, 0, G_DEF, 16) \
  X(dec_m8, NONE, "decb " M5, 12, L1(MB), L1(MEM), FM_ALL, 0, G_DEF, 8) \
  X(neg_r32, NONE, "negl %edx", 32, L1(R_edx), L1(EDX), FM_ALL, 0, G_DEF, 32) \
  X(neg_r16, NONE, "negw %si", 24, L1(R_si), L1(ESI), FM_ALL, 0, G_DEF, 16) \
  X(neg_r8, NONE, "negb %al", 24, L1(R_al), L1(EAX), FM_ALL, 0, G_DEF, 8) \
  X(neg_r8h, NONE, "negb %bh", 16, L1(R_bh), L1(EBX), FM_ALL, 0, G_DEF, 8) \
  X(neg_m32, NONE, "negl " M3, 12, L1(MD), L1(MEM), FM_ALL, 0, G_DEF, 32) \
  X(neg_m16, NONE, "negw " M1, 8, L1(MW), L1(MEM), FM_ALL, 0, G_DEF, 16) \
  X(neg_m8, NONE, "negb " M4, 8, L1(MB), L1(MEM), FM_ALL, 0, G_DEF, 8) \
  X(not_r32, NONE, "notl %edi", 16, L1(R_edi), L1(EDI), FM_ALL, 0, G_DEF, 32) \
  X(not_r16, NONE, "notw %cx", 12, L1(R_cx), L1(ECX), FM_ALL, 0, G_DEF, 16) \
  X(not_r8, NONE, "notb %dl", 12, L1(R_dl), L1(EDX), FM_ALL, 0, G_DEF, 8) \
  X(not_r8h, NONE, "notb %ch", 12, L1(R_ch), L1(ECX), FM_ALL, 0, G_DEF, 8) \
  X(not_m32, NONE, "notl " M5, 8, L1(MD), L1(MEM), FM_ALL, 0, G_DEF, 32) \
  X(not_m16, NONE, "notw " M2, 8, L1(MW), L1(MEM), FM_ALL, 0, G_DEF, 16) \
  X(not_m8, NONE, "notb " M1, 8, L1(MB), L1(MEM), FM_ALL, 0, G_DEF, 8) \
  /* multi-word arithmetic: carry/borrow propagated through ADC/SBB */ \
  X(adc_chain96, NONE, "addl %ecx,%eax; adcl %esi,%edx; adcl %edi,%ebx", 64, \
    L4(R_eax, R_edx, R_ebx, R_ecx), L3(EAX, EDX, EBX), FM_ALL, 0, G_DEF, 32) \
  X(sbb_chain96, NONE, "subl %ecx,%eax; sbbl %esi,%edx; sbbl %edi,%ebx", 64, \
    L4(R_eax, R_edx, R_ebx, R_ecx), L3(EAX, EDX, EBX), FM_ALL, 0, G_DEF, 32) \
  X(adc_chain_cf, NONE, "adcb %cl,%al; adcw %si,%dx; adcl %edi,%ebx", 48, \
    L4(R_eax, R_edx, R_ebx, R_ecx), L3(EAX, EDX, EBX), FM_ALL, 0, G_DEF, 32) \
  X(sbb_chain_cf, NONE, "sbbb %cl,%al; sbbw %si,%dx; sbbl %edi,%ebx", 48, \
    L4(R_eax, R_edx, R_ebx, R_ecx), L3(EAX, EDX, EBX), FM_ALL, 0, G_DEF, 32) \
  X(adc_chain_m64, NONE, "addl %ecx,dt_m+8; adcl %edx,dt_m+12", 32, \
    L4(MD, OPD(MEMHI, LD, KV), R_ecx, R_edx), L2(MEM, MEMHI), FM_ALL, 0, G_DEF, 32) \
  X(sbb_chain_m64, NONE, "subl %ecx,8(%esi); sbbl %edx,12(%esi)", 32, \
    L4(MD, OPD(MEMHI, LD, KV), R_ecx, R_edx), L2(MEM, MEMHI), FM_ALL, 0, G_DEF, 32)
/* clang-format on */

FORM_TABLE(alu_forms, ALU_FORMS)
FORM_TABLE(test_forms, TEST_FORMS)
FORM_TABLE(unary_forms, UNARY_FORMS)

void test_alu(void) {
  dt_group("alu");
  run_forms(alu_forms, NELEM(alu_forms));
  dt_group("test");
  run_forms(test_forms, NELEM(test_forms));
}

void test_unary(void) {
  dt_group("unary");
  run_forms(unary_forms, NELEM(unary_forms));
}
