/* The debug guest's code under test: short sequences run with TF set or
 * with breakpoints in DR0-DR3 (cases.c says which). Each is a cdecl
 * function that uses only EAX, ECX, EDX and leaves results in sres[].
 * Labels name the instructions whose addresses a #DB must report: a
 * single-step or data-breakpoint trap saves the EIP of the next
 * instruction, an instruction-breakpoint fault the EIP of the instruction
 * itself (Intel SDM vol. 3B 17.3.1). */
#include "debug.h"

.macro SNIP name
        .text
        .globl \name
        .type \name, @function
\name:
.endm

.macro L name
        .globl \name
\name:
.endm

/* POPF setting TF: no trap after the POPF itself (17.3.1.4). */
.macro SET_TF
        pushfl
        orl     $EFLAGS_TF, (%esp)
        popfl
.endm

/* ---------------- single-step (17.3.1.4) ---------------- */

/* Five instructions stepped; the handler clears TF at ss_end. */
SNIP tf_straight
        SET_TF
L ss_1
        movl    $1, %eax
L ss_2
        addl    $2, %eax
L ss_3
        movl    %eax, %ecx
L ss_4
        addl    %ecx, %eax
L ss_5
        movl    $0x5a, %edx
L ss_end
        movl    %eax, sres+0
        movl    %edx, sres+4
        ret

/* A POPF that clears TF: TF was set when it began, so it still traps. */
SNIP tf_popf_clear
        pushfl
        popl    %ecx                    /* an EFLAGS image with TF clear */
        SET_TF
L pc_1
        pushl   %ecx
L pc_2
        popfl
L pc_3
        movl    $1, %eax
L pc_4
        nop
        ret

/* Stepping onto INT 0x30 (stubs.S: int30_handler). */
SNIP tf_int
        SET_TF
L in_1
        movl    $VEC_SOFT, %eax
L in_2
        int     $VEC_SOFT
L in_3
        movl    $1, %ecx
L in_4
        nop
L in_5
        ret

/* MOV SS: the trap of the MOV is held until after the next instruction
 * (vol. 3A 6.8.3; vol. 2 MOV). */
SNIP tf_movss
        movl    %ss, %eax
        SET_TF
L ms_1
        nop
L ms_2
        movw    %ax, %ss
L ms_3
        movl    $7, %ecx
L ms_4
        nop
L ms_5
        ret

/* POP SS: the same. */
SNIP tf_popss
        pushl   %ss
        SET_TF
L ps_1
        nop
L ps_2
        popl    %ss
L ps_3
        movl    $7, %ecx
L ps_4
        nop
L ps_5
        ret

/* ---------------- instruction breakpoints (17.3.1.1) ---------------- */

/* DR0 = ib_target: one fault before the INC, which then runs once. */
SNIP ibp_once
        xorl    %eax, %eax
        nop
L ib_target
        incl    %eax
L ib_after
        movl    %eax, sres+0
        ret

/* DR0 = il_target inside a loop of 3 iterations. */
SNIP ibp_loop
        xorl    %eax, %eax
        movl    $3, %ecx
L il_target
        incl    %eax
        decl    %ecx
        jnz     il_target
        movl    %eax, sres+0
        ret

/* ---------------- data breakpoints (17.3.1.2, 17.2.5) ---------------- */

/* DR1 = watch+16 (WVAR), write, 4 bytes. */
SNIP dw_write
        movl    $0x11111111, watch+16
L dw_write_after
        ret

SNIP dw_read
        movl    watch+16, %eax
L dw_read_after
        movl    %eax, sres+0
        ret

/* The dwords on either side of WVAR. */
SNIP dw_neighbours
        movl    $0x22222222, watch+20
        movl    $0x33333333, watch+12
L dw_neighbours_after
        ret

/* One byte, the second of WVAR. */
SNIP dw_byte1
        movb    $0xab, watch+17
L dw_byte1_after
        ret

/* A read-modify-write. */
SNIP dw_rmw
        addl    $1, watch+16
L dw_rmw_after
        ret

/* A word straddling WVAR's last byte and the next dword's first. */
SNIP dw_straddle
        movw    $0xcdef, watch+19
L dw_straddle_after
        ret

/* DR2 = watch+0x26 (RWVAR), read or write, 2 bytes. */
SNIP rw_read_word
        movw    watch+0x26, %ax
L rw_read_word_after
        movzwl  %ax, %eax
        movl    %eax, sres+0
        ret

SNIP rw_write_byte
        movb    $0x5c, watch+0x27
L rw_write_byte_after
        ret

/* A dword read that covers the word. */
SNIP rw_read_dword
        movl    watch+0x24, %eax
L rw_read_dword_after
        movl    %eax, sres+0
        ret

/* The bytes just outside the word: no access touches 0x26-0x27. */
SNIP rw_outside
        movb    watch+0x25, %al
        movb    watch+0x28, %al
        movw    $0x1234, watch+0x28
        movb    $0x56, watch+0x25
L rw_outside_after
        ret

/* ---------------- DR6 (17.2.3) ---------------- */

/* One step (the handler clears TF at st_2 and leaves DR6 alone), then a
 * write to WVAR (DR1): DR6 keeps BS and adds B1. */
SNIP dr6_sticky
        SET_TF
L st_1
        nop
L st_2
        movl    $0x44444444, watch+16
L st_3
        ret

/* ---------------- DR7 enables (17.2.4) ---------------- */

/* DR0 = dis_target (execute), DR1 = WVAR (write), neither enabled. */
SNIP disabled
        xorl    %eax, %eax
L dis_target
        incl    %eax
        movl    $0x55555555, watch+16
        movl    watch+16, %ecx
        movl    %eax, sres+0
        ret

/* ---------------- DR4/DR5 with CR4.DE=1: #UD (17.2.2) ---------------- */

SNIP ud_dr4_read
        xorl    %eax, %eax
L ud_dr4_read_at
        movl    %dr4, %eax
L ud_dr4_read_after
        ret

SNIP ud_dr5_write
        xorl    %eax, %eax
L ud_dr5_write_at
        movl    %eax, %dr5
L ud_dr5_write_after
        ret

        .data
        .balign 64
        .globl watch, sres
watch:  .skip 64                        /* alone in its 64 bytes */
sres:   .skip 32

        .section .note.GNU-stack, "", @progbits
