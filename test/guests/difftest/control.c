/* Jcc (short and near, forward and backward, all 16 conditions against all
 * 32 combinations of OF SF ZF PF CF), JMP rel8/rel32, CALL rel32, RET,
 * RET imm16, near indirect CALL/JMP through a register and through memory,
 * LOOP LOOPE LOOPNE (ECX and, with an 0x67 prefix, CX), JECXZ JCXZ. */
#include "dt.h"

/* Indirect branch targets: each records which path ran in EBX and returns
 * (for an indirect JMP straight back to dt_exec). */
__asm__(".pushsection .text\n"
        "dt_tgt0: movl $0x100,%ebx; ret\n"
        "dt_tgt1: movl $0x101,%ebx; ret\n"
        "dt_tgt2: movl $0x102,%ebx; ret\n"
        "dt_tgt3: movl $0x103,%ebx; ret\n"
        ".popsection\n");
void dt_tgt0(void), dt_tgt1(void), dt_tgt2(void), dt_tgt3(void);
void *const dt_targets[4] = {(void *)dt_tgt0, (void *)dt_tgt1, (void *)dt_tgt2, (void *)dt_tgt3};

#define SUBNF(a, b, t) "movl %" b ",%" t "; notl %" t "; leal 1(%" a ",%" t "),%" a "; movl $0,%" t ";"

/* AL = 1 if the forward short jump was not taken, AH likewise for the near
 * one; DL = 1 if the backward short jump was taken, DH likewise (near). */
#define JCC_TEXT                                                       \
  "movl $0,%eax; movl $0,%edx;"                                        \
  ".byte 0x70+\\imm,1f-0f; 0: movb $1,%al; 1:"                         \
  ".byte 0x0f,0x80+\\imm; .long 3f-2f; 2: movb $1,%ah; 3:"             \
  ".byte 0xeb,5f-4f; 4:"                                               \
  "6: movb $1,%dl; .byte 0xeb,7f-8f; 8:"                               \
  "5: .byte 0x70+\\imm,6b-9f; 9: 7:"                                   \
  ".byte 0xeb,11f-10f; 10:"                                            \
  "12: movb $1,%dh; .byte 0xeb,13f-14f; 14:"                           \
  "11: .byte 0x0f,0x80+\\imm; .long 12b-15f; 15: 13:"

/* CALL rel32 / RET: EBX = return address - label 1 (0), ECX = ESP inside
 * the callee - ESP before the call (-4), EDI = ESP after - before (0). */
#define CALL_TEXT                                                              \
  "movl %esp,%edi; call 2f;"                                                   \
  "1:" SUBNF("edi", "esp", "eax") ".byte 0xe9; .long 3f-4f; 4:"                \
  "2: movl (%esp),%ebx; movl $1b,%eax; notl %eax; leal 1(%ebx,%eax),%ebx;"     \
  "movl %esp,%ecx; movl %edi,%eax; notl %eax; leal 1(%ecx,%eax),%ecx; movl $0,%eax; ret;" \
  "3:"

/* clang-format off */
#define CONTROL_FORMS(X) \
  X(jcc, CC, JCC_TEXT, 32, L0, L2(EAX, EDX), FM_ALL, 1, G_CC, 32) \
  X(call_rel, NONE, CALL_TEXT, 2, L0, L4(EAX, EBX, ECX, EDI), FM_ALL, 0, G_DEF, 32) \
  X(ret_imm, RET, "movl %esp,%edi; leal -\\imm(%esp),%esp; call 1f; .byte 0xeb,2f-3f; 3: 1: ret $\\imm; 2:" \
    SUBNF("edi", "esp", "eax"), 2, L0, L2(EDI, EAX), FM_ALL, 2, G_DEF, 32) \
  /* indirect: ECX = path; EAX = target address, ESI = its table slot (not printed) */ \
  X(call_ind_reg, NONE, "call *%eax", 8, L1(R_ecx), L1(EBX), FM_ALL, 0, G_IND, 32) \
  X(call_ind_mem, NONE, "call *dt_targets(,%ecx,4)", 8, L1(R_ecx), L1(EBX), FM_ALL, 0, G_IND, 32) \
  X(call_ind_mbase, NONE, "call *(%esi)", 4, L1(R_ecx), L1(EBX), FM_ALL, 0, G_IND, 32) \
  X(jmp_ind_reg, NONE, "jmp *%eax", 8, L1(R_ecx), L1(EBX), FM_ALL, 0, G_IND, 32) \
  X(jmp_ind_mem, NONE, "jmp *dt_targets(,%ecx,4)", 8, L1(R_ecx), L1(EBX), FM_ALL, 0, G_IND, 32) \
  X(jmp_ind_mbase, NONE, "jmp *(%esi)", 4, L1(R_ecx), L1(EBX), FM_ALL, 0, G_IND, 32) \
  /* LOOPcc: EAX counts iterations; LEA keeps the flags of the last TEST/CMP */ \
  X(loop, NONE, "movl $0,%eax; 1: leal 1(%eax),%eax; loop 1b", 12, L1(R_ecx), L2(EAX, ECX), FM_ALL, 0, G_LOOP, 32) \
  X(loopw, NONE, "movl $0,%eax; 1: leal 1(%eax),%eax; loopw 1b", 8, L1(R_cx), L2(EAX, ECX), FM_ALL, 0, G_LOOP, 16) \
  X(loope, NONE, "movl $0,%eax; 1: leal 1(%eax),%eax; testl %edx,%eax; loope 1b", 12, L2(R_ecx, R_edx), \
    L2(EAX, ECX), FM_LOGIC, 0, G_LOOP, 32) \
  X(loopne, NONE, "movl $0,%eax; 1: leal 1(%eax),%eax; cmpl %eax,%edx; loopne 1b", 12, L2(R_ecx, R_edx), \
    L2(EAX, ECX), FM_ALL, 0, G_LOOP, 32) \
  X(loopew, NONE, "movl $0,%eax; 1: leal 1(%eax),%eax; testl %edx,%eax; loopew 1b", 8, L2(R_cx, R_edx), \
    L2(EAX, ECX), FM_LOGIC, 0, G_LOOP, 16) \
  X(jecxz, NONE, "movl $0,%eax; jecxz 1f; movb $1,%al; 1:", 8, L1(R_ecx), L1(EAX), FM_ALL, 0, G_JCXZ, 32) \
  X(jcxz, NONE, "movl $0,%eax; jcxz 1f; movb $1,%al; 1:", 8, L1(R_cx), L1(EAX), FM_ALL, 0, G_JCXZ, 16)
/* clang-format on */

FORM_TABLE(control_forms, CONTROL_FORMS)

void test_control(void) {
  dt_group("control");
  run_forms(control_forms, NELEM(control_forms));
}
