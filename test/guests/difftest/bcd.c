/* DAA DAS AAA AAS AAM AAD (also with bases other than 10), CBW CWDE CWD
 * CDQ, LAHF SAHF, CLC STC CMC CLD STD, NOP PAUSE and long NOPs, XLAT. */
#include "dt.h"

/* clang-format off */
#define BCD_FORMS(X) \
  /* exhaustive: every AL with every CF/AF (DAA/DAS) or AF (AAA/AAS) */ \
  X(daa, NONE, "daa", 1024, L1(R_eax), L1(EAX), FM_DAA, 0, G_DAA, 8) \
  X(das, NONE, "das", 1024, L1(R_eax), L1(EAX), FM_DAA, 0, G_DAA, 8) \
  X(aaa, NONE, "aaa", 512, L1(R_eax), L1(EAX), FM_AAA, 0, G_AAA, 8) \
  X(aas, NONE, "aas", 512, L1(R_eax), L1(EAX), FM_AAA, 0, G_AAA, 8) \
  X(aam, NONE, "aam", 128, L1(R_eax), L1(EAX), FM_AAM, 0, G_AL, 8) \
  X(aam_base, BASE, ".byte 0xd4,\\imm", 16, L1(R_ax), L1(EAX), FM_AAM, 1, G_DEF, 8) \
  X(aad, NONE, "aad", 128, L1(R_ax), L1(EAX), FM_AAM, 0, G_DEF, 8) \
  X(aad_base, BASE0, ".byte 0xd5,\\imm", 16, L1(R_ax), L1(EAX), FM_AAM, 1, G_DEF, 8)

#define MISC_FORMS(X) \
  X(cbw, NONE, "cbtw", 24, L1(R_al), L1(EAX), FM_ALL, 0, G_DEF, 8) \
  X(cwde, NONE, "cwtl", 24, L1(R_ax), L1(EAX), FM_ALL, 0, G_DEF, 16) \
  X(cwd, NONE, "cwtd", 24, L2(R_ax, R_edx), L1(EDX), FM_ALL, 0, G_DEF, 16) \
  X(cdq, NONE, "cltd", 24, L2(R_eax, R_edx), L1(EDX), FM_ALL, 0, G_DEF, 32) \
  X(lahf, NONE, "lahf", 48, L1(R_eax), L1(EAX), FM_ALL, 0, G_DEF, 32) \
  X(sahf, NONE, "sahf", 48, L1(R_ah), L0, FM_ALL, 0, G_DEF, 8) \
  X(clc, NONE, "clc", 8, L0, L0, FM_ALL, 0, G_DEF, 32) \
  X(stc, NONE, "stc", 8, L0, L0, FM_ALL, 0, G_DEF, 32) \
  X(cmc, NONE, "cmc", 8, L0, L0, FM_ALL, 0, G_DEF, 32) \
  X(cld, NONE, "cld", 4, L0, L0, FM_ALL, 0, G_DEF, 32) \
  X(std, NONE, "std", 4, L0, L0, FM_ALL, 0, G_DEF, 32) \
  X(nop, NONE, ".byte 0x90", 4, L0, L0, FM_ALL, 0, G_DEF, 32) \
  X(nop66, NONE, ".byte 0x66,0x90", 4, L0, L0, FM_ALL, 0, G_DEF, 32) \
  X(pause, NONE, "pause", 4, L0, L0, FM_ALL, 0, G_DEF, 32) \
  X(nopl, NONE, ".byte 0x0f,0x1f,0x44,0x00,0x00", 4, L0, L0, FM_ALL, 0, G_DEF, 32) \
  X(nopw, NONE, ".byte 0x66,0x0f,0x1f,0x84,0x00,0x00,0x00,0x00,0x00", 4, L0, L0, FM_ALL, 0, G_DEF, 32) \
  X(xlat, NONE, "xlat", 48, L1(R_al), L1(EAX), FM_ALL, 0, G_XLAT, 8)
/* clang-format on */

FORM_TABLE(bcd_forms, BCD_FORMS)
FORM_TABLE(misc_forms, MISC_FORMS)

void test_bcd(void) {
  dt_group("bcd");
  run_forms(bcd_forms, NELEM(bcd_forms));
  dt_group("misc");
  run_forms(misc_forms, NELEM(misc_forms));
}
