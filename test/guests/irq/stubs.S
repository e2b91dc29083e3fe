/* Interrupt entry stubs and the instruction sequences whose interrupt
 * timing the irq guest checks (see irq.c). The labels *_resume mark where
 * an interrupt is expected to return to (the EIP the CPU saves). */

        .text

/* ---- exceptions 0..31: none is expected; report and stop ---- */

.macro EXC n
        .type exc\n, @function
exc\n:
        pushl   $\n
        call    irq_unexpected          /* noreturn; the argument is the vector */
.endm
        .globl exc_stubs
        .section .rodata
        .balign 4
exc_stubs:
        .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        .long exc\n
        .endr
        .text
        .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        EXC \n
        .endr

/* ---- vectors 0x20 (interrupt gate) and 0x21 (trap gate) ----
 *
 * Frame handed to irq_record (struct irq_frame in irq.c), lowest address
 * first: flag (shadow_flag when the handler started), EDX, ECX, vector,
 * EFLAGS inside the handler, EAX, then the CPU's EIP, CS, EFLAGS. */
        .globl irq_stub_20, irq_stub_21
        .type irq_stub_20, @function
irq_stub_20:
        pushl   %eax
        pushfl                          /* EFLAGS as the handler sees it (IF) */
        pushl   $0x20
        jmp     irq_common
        .type irq_stub_21, @function
irq_stub_21:
        pushl   %eax
        pushfl
        pushl   $0x21
        jmp     irq_common

irq_common:
        pushl   %ecx
        pushl   %edx
        pushl   shadow_flag
        pushl   %esp                    /* struct irq_frame * */
        cld
        call    irq_record
        addl    $8, %esp                /* the pointer, flag */
        popl    %edx
        popl    %ecx
        addl    $8, %esp                /* vector, handler EFLAGS */
        popl    %eax
        iret

/* ---- sequences ---- */

        /* void sti_hlt_cli(void): enable interrupts and wait for one. The
         * STI shadow covers HLT, so an interrupt already pending is taken
         * after HLT: the saved EIP is always hlt_resume. */
        .globl sti_hlt_cli, hlt_resume
        .type sti_hlt_cli, @function
sti_hlt_cli:
        sti
        hlt
hlt_resume:
        cli
        ret

        /* void sti_flag(void): with an interrupt pending, STI lets exactly
         * one more instruction run first (SDM vol. 2, STI): the handler
         * sees shadow_flag == 1 and the saved EIP is sti_flag_resume. */
        .globl sti_flag, sti_flag_resume, eflags_after
        .type sti_flag, @function
sti_flag:
        movl    $0, shadow_flag
        sti
        movl    $1, shadow_flag
sti_flag_resume:
        pushfl
        popl    eflags_after            /* IF as restored by IRET */
        movl    $2, shadow_flag
        cli
        ret

        /* void popf_if(void): POPF that sets IF has no shadow: a pending
         * interrupt is taken right after it (saved EIP popf_resume, the
         * handler sees shadow_flag == 0). */
        .globl popf_if, popf_resume
        .type popf_if, @function
popf_if:
        movl    $0, shadow_flag
        pushfl
        orl     $0x200, (%esp)
        popfl
popf_resume:
        movl    $1, shadow_flag
        cli
        ret

        /* u32 spin_until_irq(u32 limit): with IF as the caller left it,
         * counts iterations until irq_count changes or `limit` is reached;
         * returns the count. An interrupt lands between spin_loop and
         * spin_done. */
        .globl spin_until_irq, spin_loop, spin_done
        .type spin_until_irq, @function
spin_until_irq:
        movl    4(%esp), %edx
        movl    irq_count, %ecx
        xorl    %eax, %eax
spin_loop:
        incl    %eax
        cmpl    irq_count, %ecx
        jne     spin_done
        cmpl    %edx, %eax
        jb      spin_loop
spin_done:
        ret

        /* void spin(u32 n): n iterations of a busy loop. */
        .globl spin
        .type spin, @function
spin:
        movl    4(%esp), %ecx
1:      decl    %ecx
        jnz     1b
        ret

        /* void int20(void), int21(void): software interrupts; the saved EIP
         * is int20_resume / int21_resume. */
        .globl int20, int20_resume, int21, int21_resume
        .type int20, @function
int20:
        int     $0x20
int20_resume:
        ret
        .type int21, @function
int21:
        int     $0x21
int21_resume:
        ret

        .section .note.GNU-stack, "", @progbits
