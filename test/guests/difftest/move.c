/* MOV (register, immediate, memory with every addressing form, moffs),
 * MOVZX MOVSX, LEA (32- and 16-bit addressing), XCHG XADD CMPXCHG
 * CMPXCHG8B. */
#include "dt.h"

/* clang-format off */
#define MOV_FORMS(X) \
  X(mov_rr32, NONE, "movl %ecx,%ebx", 6, L1(R_ecx), L1(EBX), FM_ALL, 0, G_DEF, 32) \
  X(mov_rr32r, NONE, "{load} movl %esi,%edi", 6, L1(R_esi), L1(EDI), FM_ALL, 0, G_DEF, 32) \
  X(mov_rr16, NONE, "movw %si,%di", 6, L2(R_di, R_si), L1(EDI), FM_ALL, 0, G_DEF, 16) \
  X(mov_rr8, NONE, "movb %cl,%dl", 6, L2(R_dl, R_cl), L1(EDX), FM_ALL, 0, G_DEF, 8) \
  X(mov_rr8h, NONE, "movb %ah,%bl", 6, L2(R_bl, R_ah), L1(EBX), FM_ALL, 0, G_DEF, 8) \
  X(mov_rr8h2, NONE, "movb %dl,%ch", 6, L2(R_ch, R_dl), L1(ECX), FM_ALL, 0, G_DEF, 8) \
  X(mov_rr8hh, NONE, "movb %bh,%dh", 6, L2(R_dh, R_bh), L1(EDX), FM_ALL, 0, G_DEF, 8) \
  X(mov_ri32, I32, "movl $\\imm,%esi", 1, L0, L1(ESI), FM_ALL, 4, G_DEF, 32) \
  X(mov_ri16, I16, "movw $\\imm,%bp", 2, L1(R_bp), L1(EBP), FM_ALL, 2, G_DEF, 16) \
  X(mov_ri8, I8, "movb $\\imm,%dl", 2, L1(R_dl), L1(EDX), FM_ALL, 1, G_DEF, 8) \
  X(mov_ri8h, I8, "movb $\\imm,%ch", 2, L1(R_ch), L1(ECX), FM_ALL, 1, G_DEF, 8) \
  X(mov_c7r32, I32, ".byte 0xc7,0xc3; .long \\imm", 1, L0, L1(EBX), FM_ALL, 4, G_DEF, 32) \
  X(mov_c7r16, I16, ".byte 0x66,0xc7,0xc6; .word \\imm", 2, L1(R_si), L1(ESI), FM_ALL, 2, G_DEF, 16) \
  X(mov_c6r8h, I8, ".byte 0xc6,0xc7,\\imm", 2, L1(R_bh), L1(EBX), FM_ALL, 1, G_DEF, 8) \
  X(mov_rm32_0, NONE, "movl " M0 ",%eax", 8, L1(MD), L1(EAX), FM_ALL, 0, G_DEF, 32) \
  X(mov_rm32_1, NONE, "movl " M1 ",%ebx", 8, L1(MD), L1(EBX), FM_ALL, 0, G_DEF, 32) \
  X(mov_rm32_2, NONE, "movl " M2 ",%ecx", 8, L1(MD), L1(ECX), FM_ALL, 0, G_DEF, 32) \
  X(mov_rm32_3, NONE, "movl " M3 ",%edx", 8, L1(MD), L1(EDX), FM_ALL, 0, G_DEF, 32) \
  X(mov_rm32_4, NONE, "movl " M4 ",%eax", 8, L1(MD), L1(EAX), FM_ALL, 0, G_DEF, 32) \
  X(mov_rm32_5, NONE, "movl " M5 ",%ebx", 8, L1(MD), L1(EBX), FM_ALL, 0, G_DEF, 32) \
  X(mov_mr32_0, NONE, "movl %ecx," M0, 8, L2(MD, R_ecx), L1(MEM), FM_ALL, 0, G_DEF, 32) \
  X(mov_mr32_1, NONE, "movl %edx," M1, 8, L2(MD, R_edx), L1(MEM), FM_ALL, 0, G_DEF, 32) \
  X(mov_mr32_2, NONE, "movl %eax," M2, 8, L2(MD, R_eax), L1(MEM), FM_ALL, 0, G_DEF, 32) \
  X(mov_mr32_3, NONE, "movl %ebx," M3, 8, L2(MD, R_ebx), L1(MEM), FM_ALL, 0, G_DEF, 32) \
  X(mov_mr32_4, NONE, "movl %ecx," M4, 8, L2(MD, R_ecx), L1(MEM), FM_ALL, 0, G_DEF, 32) \
  X(mov_mr32_5, NONE, "movl %edx," M5, 8, L2(MD, R_edx), L1(MEM), FM_ALL, 0, G_DEF, 32) \
  X(mov_rm16, NONE, "movw " M1 ",%cx", 8, L2(R_cx, MW), L1(ECX), FM_ALL, 0, G_DEF, 16) \
  X(mov_mr16, NONE, "movw %dx," M4, 8, L2(MW, R_dx), L1(MEM), FM_ALL, 0, G_DEF, 16) \
  X(mov_rm8, NONE, "movb " M3 ",%bl", 8, L2(R_bl, MB), L1(EBX), FM_ALL, 0, G_DEF, 8) \
  X(mov_rm8h, NONE, "movb " M5 ",%ah", 8, L2(R_ah, MB), L1(EAX), FM_ALL, 0, G_DEF, 8) \
  X(mov_mr8, NONE, "movb %cl," M2, 8, L2(MB, R_cl), L1(MEM), FM_ALL, 0, G_DEF, 8) \
  X(mov_mr8h, NONE, "movb %dh," M0, 8, L2(MB, R_dh), L1(MEM), FM_ALL, 0, G_DEF, 8) \
  /* moffs forms A0-A3 */ \
  X(mov_a0, NONE, "movb dt_m+8,%al", 6, L2(R_al, MB), L1(EAX), FM_ALL, 0, G_DEF, 8) \
  X(mov_a1, NONE, "movl dt_m+8,%eax", 6, L1(MD), L1(EAX), FM_ALL, 0, G_DEF, 32) \
  X(mov_a1w, NONE, "movw dt_m+8,%ax", 6, L2(R_ax, MW), L1(EAX), FM_ALL, 0, G_DEF, 16) \
  X(mov_a2, NONE, "movb %al,dt_m+8", 6, L2(MB, R_al), L1(MEM), FM_ALL, 0, G_DEF, 8) \
  X(mov_a3, NONE, "movl %eax,dt_m+8", 6, L2(MD, R_eax), L1(MEM), FM_ALL, 0, G_DEF, 32) \
  X(mov_a3w, NONE, "movw %ax,dt_m+8", 6, L2(MW, R_ax), L1(MEM), FM_ALL, 0, G_DEF, 16) \
  X(mov_mi32, I32, "movl $\\imm," M1, 1, L1(MD), L1(MEM), FM_ALL, 4, G_DEF, 32) \
  X(mov_mi16, I16, "movw $\\imm," M2, 1, L1(MW), L1(MEM), FM_ALL, 2, G_DEF, 16) \
  X(mov_mi8, I8, "movb $\\imm," M3, 1, L1(MB), L1(MEM), FM_ALL, 1, G_DEF, 8) \
  /* MOVZX / MOVSX */ \
  X(movzbl, NONE, "movzbl %bl,%eax", 16, L1(R_bl), L1(EAX), FM_ALL, 0, G_DEF, 8) \
  X(movzbl_h, NONE, "movzbl %ah,%ecx", 16, L1(R_ah), L1(ECX), FM_ALL, 0, G_DEF, 8) \
  X(movzbl_s, NONE, "movzbl %al,%eax", 8, L1(R_al), L1(EAX), FM_ALL, 0, G_DEF, 8) \
  X(movzwl, NONE, "movzwl %si,%edx", 16, L1(R_si), L1(EDX), FM_ALL, 0, G_DEF, 16) \
  X(movzbw, NONE, "movzbw %dh,%di", 16, L2(R_di, R_dh), L1(EDI), FM_ALL, 0, G_DEF, 8) \
  X(movsbl, NONE, "movsbl %cl,%ebx", 16, L1(R_cl), L1(EBX), FM_ALL, 0, G_DEF, 8) \
  X(movsbl_h, NONE, "movsbl %bh,%esi", 16, L1(R_bh), L1(ESI), FM_ALL, 0, G_DEF, 8) \
  X(movswl, NONE, "movswl %dx,%ebp", 16, L1(R_dx), L1(EBP), FM_ALL, 0, G_DEF, 16) \
  X(movswl_s, NONE, "movswl %ax,%eax", 8, L1(R_ax), L1(EAX), FM_ALL, 0, G_DEF, 16) \
  X(movsbw, NONE, "movsbw %al,%si", 16, L2(R_si, R_al), L1(ESI), FM_ALL, 0, G_DEF, 8) \
  X(movzbl_m, NONE, "movzbl " M0 ",%eax", 12, L1(MB), L1(EAX), FM_ALL, 0, G_DEF, 8) \
  X(movzwl_m, NONE, "movzwl " M1 ",%ebx", 12, L1(MW), L1(EBX), FM_ALL, 0, G_DEF, 16) \
  X(movsbl_m, NONE, "movsbl " M2 ",%ecx", 12, L1(MB), L1(ECX), FM_ALL, 0, G_DEF, 8) \
  X(movswl_m, NONE, "movswl " M3 ",%edx", 12, L1(MW), L1(EDX), FM_ALL, 0, G_DEF, 16) \
  X(movsbw_m, NONE, "movsbw " M4 ",%ax", 12, L2(R_ax, MB), L1(EAX), FM_ALL, 0, G_DEF, 8) \
  X(movzbw_m, NONE, "movzbw " M5 ",%dx", 12, L2(R_dx, MB), L1(EDX), FM_ALL, 0, G_DEF, 8)

#define LEA_FORMS(X) \
  X(lea_b, NONE, "leal (%ebx),%eax", 8, L1(R_ebx), L1(EAX), FM_ALL, 0, G_DEF, 32) \
  X(lea_bd8, NONE, "leal 0x7f(%ecx),%edx", 12, L1(R_ecx), L1(EDX), FM_ALL, 0, G_DEF, 32) \
  X(lea_bd8n, NONE, "leal -0x80(%esi),%edi", 12, L1(R_esi), L1(EDI), FM_ALL, 0, G_DEF, 32) \
  X(lea_bd32, NONE, "leal 0x12345678(%edi),%ebp", 12, L1(R_edi), L1(EBP), FM_ALL, 0, G_DEF, 32) \
  X(lea_bi, NONE, "leal (%eax,%ebx),%ecx", 12, L2(R_eax, R_ebx), L1(ECX), FM_ALL, 0, G_DEF, 32) \
  X(lea_bis2, NONE, "leal (%ecx,%edx,2),%esi", 12, L2(R_ecx, R_edx), L1(ESI), FM_ALL, 0, G_DEF, 32) \
  X(lea_bis4d8, NONE, "leal 4(%esi,%edi,4),%eax", 12, L2(R_esi, R_edi), L1(EAX), FM_ALL, 0, G_DEF, 32) \
  X(lea_bis8d32, NONE, "leal -0x1000(%ebp,%eax,8),%ebx", 12, L2(R_ebp, R_eax), L1(EBX), FM_ALL, 0, G_DEF, 32) \
  X(lea_is8d32, NONE, "leal 0x100(,%ecx,8),%edx", 12, L1(R_ecx), L1(EDX), FM_ALL, 0, G_DEF, 32) \
  X(lea_is1, NONE, "leal (,%ebx,1),%esi", 8, L1(R_ebx), L1(ESI), FM_ALL, 0, G_DEF, 32) \
  X(lea_ebp, NONE, "leal (%ebp),%ecx", 8, L1(R_ebp), L1(ECX), FM_ALL, 0, G_DEF, 32) \
  X(lea_ebpebp, NONE, "leal (%ebp,%ebp,1),%eax", 8, L1(R_ebp), L1(EAX), FM_ALL, 0, G_DEF, 32) \
  X(lea_d32, NONE, "leal 0x89abcdef,%esi", 4, L0, L1(ESI), FM_ALL, 0, G_DEF, 32) \
  X(lea_self, NONE, "leal (%eax,%eax,2),%eax", 8, L1(R_eax), L1(EAX), FM_ALL, 0, G_DEF, 32) \
  X(lea_noindex, NONE, ".byte 0x8d,0x44,0x65,0x08", 8, L1(R_ebp), L1(EAX), FM_ALL, 0, G_DEF, 32) \
  X(lea_w, NONE, "leaw 4(%ebx,%esi,2),%ax", 12, L3(R_ax, R_ebx, R_esi), L1(EAX), FM_ALL, 0, G_DEF, 32) \
  X(lea_esp, NONE, "leal 12(%esp,%ecx,2),%eax; movl %esp,%edx; notl %edx; leal 1(%eax,%edx),%eax; movl $0,%edx", \
    12, L1(R_ecx), L2(EAX, EDX), FM_ALL, 0, G_DEF, 32) \
  /* 16-bit addressing (0x67 prefix): the offset wraps at 64 KiB */ \
  X(lea16_bxsi, NONE, "leal (%bx,%si),%eax", 12, L2(R_bx, R_si), L1(EAX), FM_ALL, 0, G_DEF, 16) \
  X(lea16_bxdi, NONE, "leal -5(%bx,%di),%edx", 12, L2(R_bx, R_di), L1(EDX), FM_ALL, 0, G_DEF, 16) \
  X(lea16_bpsi, NONE, "leal 0x1234(%bp,%si),%ecx", 12, L2(R_bp, R_si), L1(ECX), FM_ALL, 0, G_DEF, 16) \
  X(lea16_bpdi, NONE, "leal (%bp,%di),%ebx", 12, L2(R_bp, R_di), L1(EBX), FM_ALL, 0, G_DEF, 16) \
  X(lea16_si, NONE, "leal (%si),%edi", 8, L1(R_si), L1(EDI), FM_ALL, 0, G_DEF, 16) \
  X(lea16_di, NONE, "leal 0x7f(%di),%esi", 8, L1(R_di), L1(ESI), FM_ALL, 0, G_DEF, 16) \
  X(lea16_bp, NONE, "leal 3(%bp),%eax", 8, L1(R_bp), L1(EAX), FM_ALL, 0, G_DEF, 16) \
  X(lea16_bx, NONE, "leal 0x8000(%bx),%ebp", 8, L1(R_bx), L1(EBP), FM_ALL, 0, G_DEF, 16) \
  X(lea16_d16, NONE, "addr16 leal 0xfedc,%edx", 4, L1(R_edx), L1(EDX), FM_ALL, 0, G_DEF, 16) \
  X(lea16_w, NONE, "leaw 0x10(%bx,%si),%ax", 12, L3(R_ax, R_bx, R_si), L1(EAX), FM_ALL, 0, G_DEF, 16)

#define XCHG_FORMS(X) \
  X(xchg_eax, NONE, "xchgl %eax,%ecx", 8, L2(R_eax, R_ecx), L2(EAX, ECX), FM_ALL, 0, G_DEF, 32) \
  X(xchg_rr32, NONE, "xchgl %ebx,%edx", 8, L2(R_ebx, R_edx), L2(EBX, EDX), FM_ALL, 0, G_DEF, 32) \
  X(xchg_ax16, NONE, "xchgw %ax,%si", 8, L2(R_ax, R_si), L2(EAX, ESI), FM_ALL, 0, G_DEF, 16) \
  X(xchg_rr16, NONE, "xchgw %cx,%di", 8, L2(R_cx, R_di), L2(ECX, EDI), FM_ALL, 0, G_DEF, 16) \
  X(xchg_rr8, NONE, "xchgb %ah,%bl", 8, L2(R_ah, R_bl), L2(EAX, EBX), FM_ALL, 0, G_DEF, 8) \
  X(xchg_rr8b, NONE, "xchgb %cl,%ch", 8, L2(R_cl, R_ch), L1(ECX), FM_ALL, 0, G_DEF, 8) \
  X(xchg_m32, NONE, "xchgl %ecx," M1, 8, L2(MD, R_ecx), L2(MEM, ECX), FM_ALL, 0, G_DEF, 32) \
  X(xchg_m16, NONE, "xchgw %dx," M2, 8, L2(MW, R_dx), L2(MEM, EDX), FM_ALL, 0, G_DEF, 16) \
  X(xchg_m8, NONE, "xchgb %bh," M3, 8, L2(MB, R_bh), L2(MEM, EBX), FM_ALL, 0, G_DEF, 8) \
  X(xadd_r32, NONE, "xaddl %ecx,%ebx", 48, L2(R_ebx, R_ecx), L2(EBX, ECX), FM_ALL, 0, G_DEF, 32) \
  X(xadd_r16, NONE, "xaddw %si,%di", 24, L2(R_di, R_si), L2(EDI, ESI), FM_ALL, 0, G_DEF, 16) \
  X(xadd_r8, NONE, "xaddb %ah,%bl", 24, L2(R_bl, R_ah), L2(EBX, EAX), FM_ALL, 0, G_DEF, 8) \
  X(xadd_r8b, NONE, "xaddb %dl,%dh", 16, L2(R_dh, R_dl), L1(EDX), FM_ALL, 0, G_DEF, 8) \
  X(xadd_same, NONE, "xaddl %eax,%eax", 8, L1(R_eax), L1(EAX), FM_ALL, 0, G_DEF, 32) \
  X(xadd_m32, NONE, "xaddl %edx," M4, 16, L2(MD, R_edx), L2(MEM, EDX), FM_ALL, 0, G_DEF, 32) \
  X(xadd_m16, NONE, "xaddw %cx," M5, 12, L2(MW, R_cx), L2(MEM, ECX), FM_ALL, 0, G_DEF, 16) \
  X(xadd_m8, NONE, "xaddb %bh," M0, 12, L2(MB, R_bh), L2(MEM, EBX), FM_ALL, 0, G_DEF, 8) \
  /* CMPXCHG: ins = destination, source, accumulator; odd cases take the equal path */ \
  X(cmpxchg_r32, NONE, "cmpxchgl %ecx,%ebx", 48, L3(R_ebx, R_ecx, R_eax), L2(EBX, EAX), FM_ALL, 0, G_CMPXCHG, 32) \
  X(cmpxchg_r16, NONE, "cmpxchgw %si,%di", 24, L3(R_di, R_si, R_ax), L2(EDI, EAX), FM_ALL, 0, G_CMPXCHG, 16) \
  X(cmpxchg_r8, NONE, "cmpxchgb %dh,%bl", 24, L3(R_bl, R_dh, R_al), L2(EBX, EAX), FM_ALL, 0, G_CMPXCHG, 8) \
  X(cmpxchg_r8h, NONE, "cmpxchgb %bh,%ah", 16, L3(R_ah, R_bh, R_al), L1(EAX), FM_ALL, 0, G_CMPXCHG, 8) \
  X(cmpxchg_acc, NONE, "cmpxchgl %ecx,%eax", 8, L3(R_eax, R_ecx, R_eax), L1(EAX), FM_ALL, 0, G_CMPXCHG, 32) \
  X(cmpxchg_m32, NONE, "cmpxchgl %edx," M1, 24, L3(MD, R_edx, R_eax), L2(MEM, EAX), FM_ALL, 0, G_CMPXCHG, 32) \
  X(cmpxchg_m16, NONE, "cmpxchgw %cx," M2, 16, L3(MW, R_cx, R_ax), L2(MEM, EAX), FM_ALL, 0, G_CMPXCHG, 16) \
  X(cmpxchg_m8, NONE, "cmpxchgb %ch," M3, 16, L3(MB, R_ch, R_al), L2(MEM, EAX), FM_ALL, 0, G_CMPXCHG, 8)

/* LOCK on read-modify-write memory forms; segment overrides (DS, ES, SS are
 * flat in both builds); prefixes in a non-canonical order. */
#define PREFIX_FORMS(X) \
  X(lock_add_m32, NONE, "lock addl %ecx," M1, 12, L2(MD, R_ecx), L1(MEM), FM_ALL, 0, G_DEF, 32) \
  X(lock_or_m8, NONE, "lock orb %ah," M0, 12, L2(MB, R_ah), L1(MEM), FM_LOGIC, 0, G_DEF, 8) \
  X(lock_sub_mi16, I16, "lock subw $\\imm," M2, 2, L1(MW), L1(MEM), FM_ALL, 2, G_DEF, 16) \
  X(lock_inc_m32, NONE, "lock incl " M3, 8, L1(MD), L1(MEM), FM_ALL, 0, G_DEF, 32) \
  X(lock_neg_m16, NONE, "lock negw " M4, 8, L1(MW), L1(MEM), FM_ALL, 0, G_DEF, 16) \
  X(lock_not_m8, NONE, "lock notb " M5, 8, L1(MB), L1(MEM), FM_ALL, 0, G_DEF, 8) \
  X(lock_xadd_m32, NONE, "lock xaddl %edx," M1, 12, L2(MD, R_edx), L2(MEM, EDX), FM_ALL, 0, G_DEF, 32) \
  X(lock_xchg_m16, NONE, "lock xchgw %cx," M2, 8, L2(MW, R_cx), L2(MEM, ECX), FM_ALL, 0, G_DEF, 16) \
  X(lock_cmpxchg_m32, NONE, "lock cmpxchgl %ecx," M3, 12, L3(MD, R_ecx, R_eax), L2(MEM, EAX), FM_ALL, 0, G_CMPXCHG, 32) \
  X(lock_bts_mi32, BIT, "lock btsl $\\imm," M4, 2, L1(MD), L1(MEM), FM_BT, 1, G_DEF, 32) \
  X(lock_btc_mr32, NONE, "lock btcl %ecx," M0, 8, L2(MD, OPD(ECX, LD, KS)), L1(MEM), FM_BT, 0, G_DEF, 32) \
  X(seg_ss_rm32, NONE, "addl %ss:8(%esi),%ecx", 8, L2(R_ecx, MD), L1(ECX), FM_ALL, 0, G_DEF, 32) \
  X(seg_es_rm32, NONE, "movl %es:-0x200(%edi),%ebx", 6, L1(MD), L1(EBX), FM_ALL, 0, G_DEF, 32) \
  X(seg_ds_mr32, NONE, ".byte 0x3e; subl %edx,(%esi,%ebp,8)", 8, L2(MD, R_edx), L1(MEM), FM_ALL, 0, G_DEF, 32) \
  X(seg_ss_moffs, NONE, "movb %ss:dt_m+8,%al", 6, L2(R_al, MB), L1(EAX), FM_ALL, 0, G_DEF, 8) \
  X(seg_es_rm16, NONE, "cmpw %es:4(%esi,%ebp,4),%bx", 8, L2(R_bx, MW), L0, FM_ALL, 0, G_DEF, 16) \
  X(prefix_ds_66, NONE, ".byte 0x3e,0x66; addl %ecx," M1, 8, L2(MW, R_cx), L1(MEM), FM_ALL, 0, G_DEF, 16) \
  X(prefix_66_f0, NONE, ".byte 0x66,0xf0; addl %ecx," M2, 8, L2(MW, R_cx), L1(MEM), FM_ALL, 0, G_DEF, 16)
/* clang-format on */

FORM_TABLE(mov_forms, MOV_FORMS)
FORM_TABLE(prefix_forms, PREFIX_FORMS)
FORM_TABLE(lea_forms, LEA_FORMS)
FORM_TABLE(xchg_forms, XCHG_FORMS)

/* CMPXCHG8B: EDX:EAX == m64 ? (ZF=1, m64 = ECX:EBX) : (ZF=0, EDX:EAX = m64);
 * the other status flags are unaffected (SDM CMPXCHG8B). */
STUB(stub_cmpxchg8b_a, "cmpxchg8b dt_m+8")
STUB(stub_cmpxchg8b_b, "cmpxchg8b 4(%esi,%ebp,4)")
STUB(stub_cmpxchg8b_c, "lock cmpxchg8b 8(%esi)")

static void test_cmpxchg8b(void) {
  static const char *const names[3] = {"cmpxchg8b_d32", "cmpxchg8b_sib", "cmpxchg8b_lock"};
  static const char *const texts[3] = {"cmpxchg8b dt_m+8", "cmpxchg8b 4(%esi,%ebp,4)",
                                       "lock cmpxchg8b 8(%esi)"};
  void (*const stubs[3])(void) = {stub_cmpxchg8b_a, stub_cmpxchg8b_b, stub_cmpxchg8b_c};
  int v, c, j;
  struct st in, out;
  for (v = 0; v < 3; v++) {
    ln_comment(names[v], texts[v]);
    dt_target = (void *)stubs[v];
    for (c = 0; c < (v == 2 ? 16 : 32); c++) {
      for (j = 0; j < 8; j++) in.r[j] = rnd();
      in.r[ESP] = 0;
      in.fl = gflags();
      dt_memsetup(&in);
      if (c & 1) { /* equal, or equal in one half only */
        dt_m[2] = in.r[EAX], dt_m[3] = in.r[EDX];
        if (c & 2) dt_m[2 + ((c >> 2) & 1)] ^= 1u << (rnd() & 31);
      }
      ln_name(names[v]);
      ln_hex(in.r[EDX], 8), ln_hex(in.r[EAX], 8), ln_hex(in.r[ECX], 8), ln_hex(in.r[EBX], 8);
      ln_hex(dt_m[3], 8), ln_hex(dt_m[2], 8), ln_hex(in.fl, 3);
      ln_str(" :");
      out = in;
      dt_exec(&out);
      ln_hex(out.r[EDX], 8), ln_hex(out.r[EAX], 8), ln_hex(dt_m[3], 8), ln_hex(dt_m[2], 8);
      ln_hex(out.fl & F_ALL, 3);
      print_regs_changed(&in, &out, 1u << EAX | 1u << EDX);
      ln_end();
    }
  }
}

void test_move(void) {
  dt_group("mov");
  run_forms(mov_forms, NELEM(mov_forms));
  dt_group("lea");
  run_forms(lea_forms, NELEM(lea_forms));
  dt_group("xchg");
  run_forms(xchg_forms, NELEM(xchg_forms));
  test_cmpxchg8b();
  dt_group("prefix");
  run_forms(prefix_forms, NELEM(prefix_forms));
}
