/* The segments guest's exception entry: stubs for vectors 0-31 (interrupt
 * gates), and the entries of the #SS task and the #DF task (task gates).
 *
 * Every stub leaves
 *   GS FS ES DS [pushal: edi esi ebp esp ebx edx ecx eax] vec err eip cs eflags
 * (struct frame, segments.h) and isr_common calls exc_dispatch(frame)
 * (segments.c) with flat DS/ES/FS/GS. exc_dispatch may change the saved
 * EIP, CS, EFLAGS and DS..GS in the frame; the IRET path reloads DS..GS from
 * it (a selector the test had loaded, or the one of the restart mode).
 * The frame lies on SS:ESP of the interrupted code and is addressed through
 * DS: every test that can fault through an interrupt gate runs with an SS
 * of base 0 and an ESP inside it.
 */
#include "segments.h"

        .text

#include "isr-stubs.inc"

        .type isr_common, @function
isr_common:
        pushal
        pushl   %ds
        pushl   %es
        pushl   %fs
        pushl   %gs
        movl    $SEL_KDATA, %eax
        movl    %eax, %ds
        movl    %eax, %es
        movl    %eax, %fs
        movl    %eax, %gs
        cld
        pushl   %esp                    /* struct frame * */
        call    exc_dispatch
        addl    $4, %esp
        popl    %gs
        popl    %fs
        popl    %es
        popl    %ds
        popal
        addl    $8, %esp                /* vec, err */
        iret
        .size isr_common, . - isr_common

/* The #SS task: IDT vector 12 is a task gate to SEL_TSS_SS while the stack
 * checks run, so a fault of a push at the bottom of an expand-down stack
 * segment is not delivered onto that same stack (which would fault again:
 * #DF). The CPU saves the faulting task's state in tss_main (EIP of the
 * faulting instruction, ESP from before it), switches to this task and
 * pushes the error code on its stack. ss_task_record (segments.c) records
 * them and points tss_main at the test's recovery code; IRET (NT=1) goes
 * back to the main task, and the next #SS enters this task after the IRET
 * (its state was saved there), hence the loop. */
        .globl ss_task_entry
        .type ss_task_entry, @function
ss_task_entry:
        call    ss_task_record          /* (error code on the stack: its argument) */
        addl    $4, %esp
        iret
        jmp     ss_task_entry
        .size ss_task_entry, . - ss_task_entry

/* The #DF task: a double fault means a check went badly wrong (an
 * exception while delivering one); df_task_report prints what tss_main
 * holds and ends the run. */
        .globl df_task_entry
        .type df_task_entry, @function
df_task_entry:
        call    df_task_report
1:      cli
        hlt
        jmp     1b
        .size df_task_entry, . - df_task_entry

        .section .rodata
        .balign 4
        .globl isr_stubs
isr_stubs:
        .long isr0, isr1, isr2, isr3, isr4, isr5, isr6, isr7
        .long isr8, isr9, isr10, isr11, isr12, isr13, isr14, isr15
        .long isr16, isr17, isr18, isr19, isr20, isr21, isr22, isr23
        .long isr24, isr25, isr26, isr27, isr28, isr29, isr30, isr31

        .bss
        .balign 4096
        .globl ss_task_stack_top, df_task_stack_top
        .skip   4096
ss_task_stack_top:
        .skip   4096
df_task_stack_top:

        .section .note.GNU-stack, "", @progbits
