/* PUSH POP (registers, immediates, memory, ESP itself and ESP-relative
 * memory), PUSHA POPA, PUSHF POPF (32 and 16 bits), ENTER (levels 0-3 and a
 * level >= 32, which is taken mod 32) and LEAVE. Nothing printed is an
 * address: the stubs turn stack pointers into differences, without touching
 * EFLAGS (x - y = x + ~y + 1 with NOT and LEA). */
#include "dt.h"

/* a -= b, flags untouched; t is scratch and ends as 0 */
#define SUBNF(a, b, t) "movl %" b ",%" t "; notl %" t "; leal 1(%" a ",%" t "),%" a "; movl $0,%" t ";"

/* clang-format off */
#define STACK_FORMS(X) \
  X(push_r32, NONE, "movl %esp,%edi; pushl %ecx; movl (%esp),%ebx;" SUBNF("edi", "esp", "eax") "popl %edx", \
    8, L1(R_ecx), L4(EBX, EDX, EDI, EAX), FM_ALL, 0, G_DEF, 32) \
  X(push_r16, NONE, "movl %esp,%edi; pushw %cx; movzwl (%esp),%ebx;" SUBNF("edi", "esp", "eax") "popw %dx", \
    8, L2(R_cx, R_edx), L4(EBX, EDX, EDI, EAX), FM_ALL, 0, G_DEF, 16) \
  X(push_i8, S8, "movl %esp,%edi; pushl $\\imm;" SUBNF("edi", "esp", "eax") "popl %ebx", \
    1, L0, L3(EBX, EDI, EAX), FM_ALL, 4, G_DEF, 32) \
  X(push_i32, I32, "movl %esp,%edi; pushl $\\imm;" SUBNF("edi", "esp", "eax") "popl %ebx", \
    1, L0, L3(EBX, EDI, EAX), FM_ALL, 4, G_DEF, 32) \
  X(push_i16, I16, "movl %esp,%edi; pushw $\\imm;" SUBNF("edi", "esp", "eax") "popw %bx", \
    1, L1(R_ebx), L3(EBX, EDI, EAX), FM_ALL, 2, G_DEF, 16) \
  X(push_m32, NONE, "pushl " M1 "; popl %ebx", 6, L1(MD), L1(EBX), FM_ALL, 0, G_DEF, 32) \
  X(push_m16, NONE, "pushw " M2 "; popw %bx", 6, L2(R_bx, MW), L1(EBX), FM_ALL, 0, G_DEF, 16) \
  X(pop_m32, NONE, "pushl %ecx; popl " M3, 6, L2(MD, R_ecx), L1(MEM), FM_ALL, 0, G_DEF, 32) \
  X(pop_m16, NONE, "pushw %cx; popw " M4, 6, L2(MW, R_cx), L1(MEM), FM_ALL, 0, G_DEF, 16) \
  X(pop_r16, NONE, "pushl %ecx; popw %si; popw %di", 6, L3(R_ecx, R_esi, R_edi), L2(ESI, EDI), FM_ALL, 0, G_DEF, 32) \
  /* PUSH ESP pushes the value before the push; POP ESP loads ESP from the stack */ \
  X(push_esp, NONE, "pushl %esp; popl %ebx;" SUBNF("ebx", "esp", "eax"), 4, L0, L2(EBX, EAX), FM_ALL, 0, G_DEF, 32) \
  X(pop_esp, NONE, "movl %esp,%edi; leal -16(%esp),%ebx; pushl %ebx; popl %esp;" SUBNF("edi", "esp", "eax") \
    SUBNF("ebx", "esp", "eax") "leal 16(%esp),%esp", 4, L0, L3(EDI, EBX, EAX), FM_ALL, 0, G_DEF, 32) \
  /* ESP as the base of a memory operand: POP computes the address after incrementing ESP */ \
  X(pop_mesp, NONE, "pushl %ecx; pushl %edx; popl (%esp); popl %ebx", 6, L2(R_ecx, R_edx), L1(EBX), FM_ALL, 0, G_DEF, 32) \
  X(pop_mesp4, NONE, "pushl %ecx; pushl %esi; pushl %edx; popl 4(%esp); popl %ebx; popl %edi", 6, \
    L3(R_ecx, R_esi, R_edx), L2(EBX, EDI), FM_ALL, 0, G_DEF, 32) \
  X(push_mesp, NONE, "pushl %ecx; pushl (%esp); popl %ebx; popl %edx", 6, L1(R_ecx), L2(EBX, EDX), FM_ALL, 0, G_DEF, 32) \
  X(push_mesp4, NONE, "pushl %ecx; pushl %edx; pushl 4(%esp); popl %ebx; popl %edi; popl %esi", 6, \
    L2(R_ecx, R_edx), L3(EBX, EDI, ESI), FM_ALL, 0, G_DEF, 32) \
  /* PUSHF/POPF: only OSZAPC and DF compared (IF, IOPL, ... differ between the builds) */ \
  X(pushfl, NONE, "pushfl; popl %ebx", 24, L0, L1(EBX), FM_ALL, 0, G_PUSHF, 32) \
  X(pushfw, NONE, "pushfw; popw %bx", 12, L0, L1(EBX), FM_ALL, 0, G_PUSHF, 16) \
  X(popfl, NONE, "pushl %ebx; popfl", 24, L1(R_ebx), L0, FM_ALL, 0, G_POPF, 32) \
  X(popfw, NONE, "pushw %bx; popfw", 12, L1(R_bx), L0, FM_ALL, 0, G_POPF, 16) \
  X(leave, NONE, "movl %esp,%edi; pushl %ebp; movl %esp,%ebp; leal -24(%esp),%esp; leave;" \
    SUBNF("edi", "esp", "eax"), 4, L0, L2(EDI, EAX), FM_ALL, 0, G_DEF, 32)
/* clang-format on */

FORM_TABLE(stack_forms, STACK_FORMS)

/* PUSHA: the eight slots (EDI first) are popped into dt_m[0..7]; the ESP
 * slot becomes its difference from ESP after the pops (0). */
STUB(stub_pushal, "pushal; popl dt_m; popl dt_m+4; popl dt_m+8; popl dt_m+12; popl dt_m+16;"
                  "popl dt_m+20; popl dt_m+24; popl dt_m+28;"
                  "movl dt_m+12,%ebx;" SUBNF("ebx", "esp", "eax") "movl %ebx,dt_m+12;"
                  "movl dt_m+28,%eax; movl dt_m+16,%ebx")
STUB(stub_pushaw, "movl %eax,dt_m+16; movl %ebx,dt_m+20; pushaw;"
                  "popw dt_m; popw dt_m+2; popw dt_m+4; popw dt_m+6; popw dt_m+8;"
                  "popw dt_m+10; popw dt_m+12; popw dt_m+14;"
                  "movzwl dt_m+6,%ebx;" SUBNF("ebx", "esp", "eax") "movw %bx,dt_m+6;"
                  "movl dt_m+16,%eax; movl dt_m+20,%ebx")
/* POPA: loads dt_m[7] into EDI ... dt_m[0] into EAX, skipping the ESP slot. */
STUB(stub_popal, "pushl dt_m; pushl dt_m+4; pushl dt_m+8; pushl dt_m+12; pushl dt_m+16;"
                 "pushl dt_m+20; pushl dt_m+24; pushl dt_m+28; popal")
STUB(stub_popaw, "pushw dt_m; pushw dt_m+2; pushw dt_m+4; pushw dt_m+6; pushw dt_m+8;"
                 "pushw dt_m+10; pushw dt_m+12; pushw dt_m+14; popaw")

/* ENTER $size, $level from ESP0 with EBP pointing into a fake frame; dt_m
 * gets: [0] old EBP minus slot 0 (0), then the slots below it: copies of
 * the outer frame pointers (values from the fake frame) and, for a level
 * > 0, the frame pointer pushed last as ESP0 minus it (4). Registers: EDI =
 * bytes allocated, EDX = ESP0 - new EBP; after LEAVE, ESI = ESP0 - ESP (0)
 * and ECX = old EBP - EBP (0). */
#define ENTER_PRE "movl %esp,%esi; movl %ebp,%ecx; enter $\\imm,$"
#define ENTER_POST                                                                      \
  "movl %esi,%edi;" SUBNF("edi", "esp", "eax") "movl %esi,%edx;" SUBNF("edx", "ebp", "eax") \
  "movl -4(%esi),%eax; notl %eax; leal 1(%ecx,%eax),%eax; movl %eax,dt_m;"
#define ENTER_RAW(n) "movl -" #n "(%esi),%eax; movl %eax,dt_m+" #n "-4;"
#define ENTER_FT(n) "movl -" #n "(%esi),%eax; notl %eax; leal 1(%esi,%eax),%eax; movl %eax,dt_m+" #n "-4;"
#define ENTER_END "leave;" SUBNF("esi", "esp", "eax") SUBNF("ecx", "ebp", "eax")
STUBS(stub_enter0, ENTER, ENTER_PRE "0;" ENTER_POST ENTER_END)
STUBS(stub_enter1, ENTER, ENTER_PRE "1;" ENTER_POST ENTER_FT(8) ENTER_END)
STUBS(stub_enter2, ENTER, ENTER_PRE "2;" ENTER_POST ENTER_RAW(8) ENTER_FT(12) ENTER_END)
STUBS(stub_enter3, ENTER, ENTER_PRE "3;" ENTER_POST ENTER_RAW(8) ENTER_RAW(12) ENTER_FT(16) ENTER_END)
STUBS(stub_enter33, ENTER, ".byte 0x89,0xe6,0x89,0xe9,0xc8; .word \\imm; .byte 33;" ENTER_POST ENTER_FT(8) ENTER_END)

static u32 frame[32];

static void begin_case(struct st *in) {
  int j;
  for (j = 0; j < 8; j++) in->r[j] = rnd();
  in->r[ESP] = 0;
  in->fl = gflags();
  for (j = 0; j < 8; j++) dt_m[j] = rnd();
}

static void test_pusha_popa(void) {
  static const char *const names[4] = {"pushal", "pushaw", "popal", "popaw"};
  void (*const stubs[4])(void) = {stub_pushal, stub_pushaw, stub_popal, stub_popaw};
  int v, c, j;
  struct st in, out;
  for (v = 0; v < 4; v++) {
    ln_comment(names[v], v < 2 ? "push all, pop the slots into dt_m" : "push dt_m, pop all");
    dt_target = (void *)stubs[v];
    for (c = 0; c < 8; c++) {
      begin_case(&in);
      ln_name(names[v]);
      for (j = 0; j < 8; j++) {
        if (v == 3) ln_hex((dt_m[j / 2] >> (16 * (j & 1))) & 0xffff, 4);
        else if (j != ESP) ln_hex(v < 2 ? in.r[j] : dt_m[j], 8);
      }
      ln_hex(in.fl, 3);
      ln_str(" :");
      out = in;
      dt_exec(&out);
      for (j = 0; j < 8; j++) {
        if (v < 2) ln_hex(v == 0 ? dt_m[j] : (dt_m[j / 2] >> (16 * (j & 1))) & 0xffff, v == 0 ? 8 : 4);
        else if (j != ESP) ln_hex(out.r[j], 8);
      }
      ln_hex(out.fl & F_ALL, 3);
      print_regs_changed(&in, &out, v < 2 ? 0 : 0xef);
      ln_end();
    }
  }
}

static void test_enter(void) {
  static const char *const names[5] = {"enter_l0", "enter_l1", "enter_l2", "enter_l3", "enter_l33"};
  void *const *const stubs[5] = {stub_enter0, stub_enter1, stub_enter2, stub_enter3, stub_enter33};
  int v, k, c, j;
  struct st in, out;
  for (j = 0; j < 32; j++) frame[j] = rnd();
  for (v = 0; v < 5; v++) {
    ln_comment(names[v], "enter $size,$level; leave");
    for (k = 0; k < NIMM(ENTER); k++) {
      dt_target = stubs[v][k];
      for (c = 0; c < 2; c++) {
        begin_case(&in);
        in.r[EBP] = (u32)&frame[16];
        for (j = 0; j < 4; j++) dt_m[j] = 0;
        ln_name(names[v]);
        ln_hex(imms_ENTER[k], 4);
        ln_hex(in.fl, 3);
        ln_str(" :");
        out = in;
        dt_exec(&out);
        ln_hex(out.r[EDI], 8), ln_hex(out.r[EDX], 8), ln_hex(out.r[ESI], 8), ln_hex(out.r[ECX], 8);
        for (j = 0; j < 4; j++) ln_hex(dt_m[j], 8);
        ln_hex(out.fl & F_ALL, 3);
        print_regs_changed(&in, &out, 1u << EAX | 1u << ECX | 1u << EDX | 1u << ESI | 1u << EDI);
        ln_end();
      }
    }
  }
}

void test_stack(void) {
  dt_group("stack");
  run_forms(stack_forms, NELEM(stack_forms));
  test_pusha_popa();
  test_enter();
}
