/* Interrupt/exception entry stubs for the exceptions guest.
 *
 * Every stub leaves the same frame on the stack and jumps to isr_common:
 *   [pushal: edi esi ebp esp ebx edx ecx eax] vec err eip cs eflags
 * Vectors for which the CPU pushes an error code (8, 10-14, 17; Intel SDM
 * vol. 3A, 6.13 and table 6-1) push only the vector number; the others push
 * a dummy 0 first. A software INT n never pushes an error code.
 *
 * isr_common loads flat DS/ES (the fault may have happened with DS holding
 * a small-limit or null segment), calls exc_record(frame), and if that
 * returns non-zero, replaces the saved EIP with it: the IRET then resumes at
 * the test's recovery address instead of the faulting instruction.
 * Same-privilege IRET pops EIP, CS and EFLAGS only; SS:ESP stay as they are,
 * which is why every recovery path reloads SS and ESP itself (triggers.S).
 */
#define KERNEL_DS 0x10

        .text

#include "isr-stubs.inc"
/* Software-interrupt test vectors (see exceptions.c: idt_init). */
ISR_NOERR 64
ISR_NOERR 65
ISR_NOERR 66
ISR_NOERR 67

        .type isr_common, @function
isr_common:
        pushal
        movl    $KERNEL_DS, %eax
        movl    %eax, %ds
        movl    %eax, %es
        cld
        pushl   %esp                    /* struct exc_frame * (SS base is 0 in every test) */
        call    exc_record
        addl    $4, %esp
        testl   %eax, %eax
        jz      1f
        movl    %eax, 40(%esp)          /* saved EIP: 32 (pushal) + 4 (vec) + 4 (err) */
1:      popal
        addl    $8, %esp                /* vec, err */
        iret

        .section .rodata
        .balign 4
        .globl isr_stubs_low, isr_stubs_soft
isr_stubs_low:                          /* vectors 0..31 */
        .long isr0, isr1, isr2, isr3, isr4, isr5, isr6, isr7
        .long isr8, isr9, isr10, isr11, isr12, isr13, isr14, isr15
        .long isr16, isr17, isr18, isr19, isr20, isr21, isr22, isr23
        .long isr24, isr25, isr26, isr27, isr28, isr29, isr30, isr31
isr_stubs_soft:                         /* vectors 0x40..0x43 */
        .long isr64, isr65, isr66, isr67

        .section .note.GNU-stack, "", @progbits
