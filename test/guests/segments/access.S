/* The instructions under test of the segments guest.
 *
 * Every routine is C-callable (cdecl), saves the callee-saved registers
 * and ESP (trig_esp), sets recover_eip to acc_recover, loads the segment
 * register(s) under test and runs the instruction under test at the global
 * label at_<name>. If it faults, the handler (segments.c: exc_dispatch for
 * an interrupt gate, ss_task_record for the #SS task) records the exception
 * and resumes at acc_recover, which reloads flat segments and ESP and
 * returns to C. If it does not, the routine reloads flat segments, sets
 * fell_through = 1 and returns.
 *
 *  - op routines, u32 op(u32 sel, u32 off, u32 val): one access through
 *    the segment register loaded with sel, at offset off (EAX = val for
 *    writes); return EAX after the instruction. The ss_* ops first switch
 *    to SS = sel, ESP = ss_esp.
 *  - STR routines (string instructions): DF, FS, ES, ECX, ESI, EDI, EAX and
 *    DS from struct sargs (segments.h); sres[0..4] = ECX ESI EDI EAX
 *    EFLAGS after the instruction.
 *  - STK routines (stack operations): SS = SEL_SSDN (expand-down, limit
 *    ss_area + 0xfff), ESP = ss_esp, EBP = 0x0eb90eb9; sres[0..2] = ESP EBP
 *    EAX after the instruction.
 */
#include "segments.h"

        .text

.macro ENTER_TEST name
        .globl \name
        .type \name, @function
\name:
        pushl   %ebp
        pushl   %ebx
        pushl   %esi
        pushl   %edi
        movl    %esp, trig_esp
        movl    $acc_recover, recover_eip
        movl    20(%esp), %edx          /* sel */
        movl    24(%esp), %ecx          /* off */
        movl    28(%esp), %eax          /* val */
.endm

.macro AT name
        .globl at_\name
at_\name:
.endm

.macro LEAVE_TEST name
        jmp     acc_done
        .size \name, . - \name
.endm

/* One access through DS, ES, FS or GS. */
.macro OP name, sreg, insn:vararg
ENTER_TEST \name
        movl    %edx, %\sreg
AT \name
        \insn
LEAVE_TEST \name
.endm

/* One access with SS = sel, ESP = ss_esp (EBP = ESI = off). */
.macro SSOP name, insn:vararg
ENTER_TEST \name
        movl    ss_esp, %ebx
        movl    %ecx, %ebp
        movl    %ecx, %esi
        movl    %edx, %ss
        movl    %ebx, %esp              /* in the MOV SS shadow */
AT \name
        \insn
        movl    $SEL_KDATA, %edx
        movl    %edx, %ss
        movl    trig_esp, %esp
LEAVE_TEST \name
.endm

OP ds_rd1, ds, movzbl (%ecx), %eax
OP ds_rd2, ds, movzwl (%ecx), %eax
OP ds_rd4, ds, movl (%ecx), %eax
OP ds_wr1, ds, movb %al, (%ecx)
OP ds_wr2, ds, movw %ax, (%ecx)
OP ds_wr4, ds, movl %eax, (%ecx)
OP ds_rmw4, ds, addl %eax, (%ecx)
OP es_rd1, es, movzbl %es:(%ecx), %eax
OP es_rd4, es, movl %es:(%ecx), %eax
OP es_wr1, es, movb %al, %es:(%ecx)
OP es_wr4, es, movl %eax, %es:(%ecx)
OP fs_rd1, fs, movzbl %fs:(%ecx), %eax
OP fs_rd4, fs, movl %fs:(%ecx), %eax
OP fs_wr4, fs, movl %eax, %fs:(%ecx)
OP gs_rd1, gs, movzbl %gs:(%ecx), %eax
OP gs_rd4, gs, movl %gs:(%ecx), %eax
OP gs_wr4, gs, movl %eax, %gs:(%ecx)

/* DS = sel, but an EBP base selects SS (flat): no DS check. */
ENTER_TEST ds_ebp_rd4
        movl    %ecx, %ebp
        movl    %edx, %ds
AT ds_ebp_rd4
        movl    (%ebp), %eax
LEAVE_TEST ds_ebp_rd4

/* Through DS while FS holds an expand-down segment (an emulator may take
 * another path for every segment then). */
.macro OP_XD name, insn:vararg
ENTER_TEST \name
        movl    $SEL_DN32, %ebx
        movl    %ebx, %fs
        movl    %edx, %ds
AT \name
        \insn
LEAVE_TEST \name
.endm

OP_XD ds_rd4_xd, movl (%ecx), %eax
OP_XD ds_wr4_xd, movl %eax, (%ecx)

/* Through CS (SEL_KCODE, execute/read; sel is not used). */
ENTER_TEST cs_rd4
AT cs_rd4
        movl    %cs:(%ecx), %eax
LEAVE_TEST cs_rd4

ENTER_TEST cs_wr4
AT cs_wr4
        movl    %eax, %cs:(%ecx)
LEAVE_TEST cs_wr4

/* Running in SEL_CODE_XO (execute-only, flat): a read through CS, and
 * one through DS (sel is not used). The handler returns to SEL_KCODE. */
ENTER_TEST xo_cs_rd4
        ljmp    $SEL_CODE_XO, $1f
1:
AT xo_cs_rd4
        movl    %cs:(%ecx), %eax
        ljmp    $SEL_KCODE, $2f
2:
LEAVE_TEST xo_cs_rd4

ENTER_TEST xo_ds_rd4
        ljmp    $SEL_CODE_XO, $1f
1:
AT xo_ds_rd4
        movl    (%ecx), %eax
        ljmp    $SEL_KCODE, $2f
2:
LEAVE_TEST xo_ds_rd4

/* Segment loads: MOV DS and MOV SS themselves (off, val not used). */
ENTER_TEST load_ds
AT load_ds
        movl    %edx, %ds
LEAVE_TEST load_ds

ENTER_TEST load_ss
AT load_ss
        movl    %edx, %ss
        movl    $SEL_KDATA, %edx
        movl    %edx, %ss
        movl    trig_esp, %esp
LEAVE_TEST load_ss

SSOP ss_rd1, movzbl %ss:(%ecx), %eax
SSOP ss_rd2, movzwl %ss:(%ecx), %eax
SSOP ss_rd4, movl %ss:(%ecx), %eax
SSOP ss_wr1, movb %al, %ss:(%ecx)
SSOP ss_wr2, movw %ax, %ss:(%ecx)
SSOP ss_wr4, movl %eax, %ss:(%ecx)
SSOP ss_ebp_rd4, movl (%ebp), %eax              /* EBP base: SS by default */
SSOP ss_ds_ebp_rd4, movl %ds:(%ebp), %eax       /* ... unless overridden (DS flat) */
SSOP ss_lods4, lodsl %ss:(%esi), %eax

/* ---- string instructions ---- */
.macro STR name, insn:vararg
ENTER_TEST \name
        cmpl    $0, sargs+0             /* df */
        je      1f
        std
1:      movl    sargs+4, %eax
        movl    %eax, %fs
        movl    sargs+8, %eax
        movl    %eax, %es
        movl    sargs+12, %ecx
        movl    sargs+16, %esi
        movl    sargs+20, %edi
        movl    sargs+28, %ebx
        movl    sargs+24, %eax
        movl    %ebx, %ds
AT \name
        \insn
        jmp     str_done
        .size \name, . - \name
.endm

STR s_rep_movsb, rep movsb
STR s_rep_movsd, rep movsl
STR s_rep_movsb_fs, rep movsb %fs:(%esi), %es:(%edi)
STR s_movsb, movsb
STR s_rep_stosb, rep stosb
STR s_rep_stosd, rep stosl
STR s_stosb, stosb
STR s_lodsb, lodsb
STR s_rep_lodsd, rep lodsl
STR s_repne_scasb, repne scasb
STR s_repe_cmpsb, repe cmpsb

str_done:
        pushfl
        popl    %ebx
        movl    $SEL_KDATA, %edx
        movl    %edx, %ds
        movl    %edx, %es
        movl    %edx, %fs
        movl    %edx, %gs
        cld
        movl    %ecx, sres+0
        movl    %esi, sres+4
        movl    %edi, sres+8
        movl    %eax, sres+12
        movl    %ebx, sres+16
        movl    $1, fell_through
        jmp     acc_exit

/* ---- stack operations on the expand-down stack segment ---- */
.macro STK name
ENTER_TEST \name
        movl    $0x0eb90eb9, %ebp
        movl    $0x0ea90ea9, %eax
        movl    ss_esp, %ebx
        movl    $SEL_SSDN, %edx
        movl    %edx, %ss
        movl    %ebx, %esp              /* in the MOV SS shadow */
.endm

.macro STK_END name
        movl    %esp, %ebx
        movl    $SEL_KDATA, %edx
        movl    %edx, %ss
        movl    trig_esp, %esp
        movl    %ebx, sres+0
        movl    %ebp, sres+4
        movl    %eax, sres+8
        cld
        LEAVE_TEST \name
.endm

STK k_push3                             /* two pushes fit, the third does not */
        pushl   $0x11111111
        pushl   $0x22222222
AT k_push3
        pushl   $0x33333333
STK_END k_push3

STK k_push
AT k_push
        pushl   $0x44444444
STK_END k_push

STK k_pushw
AT k_pushw
        pushw   $0x5555
STK_END k_pushw

STK k_call
AT k_call
        call    1f
1:
STK_END k_call

STK k_pushal
AT k_pushal
        pushal
STK_END k_pushal

STK k_enter
AT k_enter
        enter   $8, $0
STK_END k_enter

STK k_pop
AT k_pop
        popl    %eax
STK_END k_pop

/* ---- the common exits ---- */
acc_done:
        movl    $SEL_KDATA, %edx
        movl    %edx, %ds
        movl    %edx, %es
        movl    %edx, %fs
        movl    %edx, %gs
        movl    $1, fell_through
acc_exit:
        movl    $0, recover_eip
        popl    %edi
        popl    %esi
        popl    %ebx
        popl    %ebp
        ret

/* The handler resumes here (CS = SEL_KCODE) after a fault. */
        .globl acc_recover
acc_recover:
        movl    $SEL_KDATA, %edx
        movl    %edx, %ds
        movl    %edx, %es
        movl    %edx, %fs
        movl    %edx, %gs
        movl    %edx, %ss
        movl    trig_esp, %esp          /* in the MOV SS shadow */
        cld
        jmp     acc_exit

        .data
        .balign 4
        .globl trig_esp
trig_esp:
        .long   0

        .section .note.GNU-stack, "", @progbits
