/* The debug guest's exception entry stubs and the INT 0x30 handler.
 *
 * Every stub (vectors 0-31) leaves
 *   [pushal: edi esi ebp esp ebx edx ecx eax] vec err eip cs eflags
 * and jumps to isr_common, which calls exc_dispatch(frame) (debug.c). That
 * may change the saved EIP and EFLAGS in the frame (#DB: clear TF, set RF;
 * other exceptions: resume at the check's recovery label); the IRET then
 * uses them. Everything runs at CPL 0 on one stack.
 */
#include "debug.h"

        .text

#include "isr-stubs.inc"

        .type isr_common, @function
isr_common:
        pushal
        cld
        pushl   %esp                    /* struct frame * */
        call    exc_dispatch
        addl    $4, %esp
        popal
        addl    $8, %esp                /* vec, err */
        iret

/* INT 0x30 (interrupt gate), stepped onto with TF set (cases.c, tf-int-*).
 * i30res: 0 EFLAGS in the handler (TF must be clear: vol. 3A 6.12.1.2),
 * 1 the saved EFLAGS (TF set), 2 #DBs taken before the handler's first
 * instruction, 3 #DBs taken by its last, 4 number of calls. The nops are
 * instructions that would trap if TF were still set. */
        .globl int30_handler
        .type int30_handler, @function
int30_handler:
        pushfl
        popl    i30res+0
        pushl   %eax
        movl    12(%esp), %eax          /* eax, EIP, CS, EFLAGS */
        movl    %eax, i30res+4
        movl    db_n, %eax
        movl    %eax, i30res+8
        nop
        nop
        movl    db_n, %eax
        movl    %eax, i30res+12
        incl    i30res+16
        popl    %eax
        iret
        .size int30_handler, . - int30_handler

        .section .rodata
        .balign 4
        .globl isr_stubs
isr_stubs:
        .long isr0, isr1, isr2, isr3, isr4, isr5, isr6, isr7
        .long isr8, isr9, isr10, isr11, isr12, isr13, isr14, isr15
        .long isr16, isr17, isr18, isr19, isr20, isr21, isr22, isr23
        .long isr24, isr25, isr26, isr27, isr28, isr29, isr30, isr31

        .bss
        .balign 4
        .globl i30res
i30res: .skip 32

        .section .note.GNU-stack, "", @progbits
