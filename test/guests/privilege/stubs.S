/* The privilege guest's ring-0 machinery: exception entry stubs, the way
 * into ring 3 (enter_user) and back (user_exit, INT 0x81), the stacks, and
 * the bodies of the tasks of the task-switch and double-fault checks.
 *
 * Exception path: every stub (vectors 0-31, 0x40) leaves
 *   [pushal] gs fs es ds vec err eip cs eflags [esp ss: from ring 3 only]
 * and jumps to isr_common, which calls exc_record (privilege.c). That
 * returns the EIP to resume at (the after_ label of the snippet under test)
 * and the IRET goes there at the privilege level the exception came from:
 * to ring 3 on the ring-3 stack (the frame's SS:ESP), or to ring 0 on the
 * same stack. The data segment registers are saved and restored, since an
 * IRET to ring 3 would null a DS holding the ring-0 data selector (vol. 2,
 * IRET: RETURN-TO-OUTER-PRIVILEGE-LEVEL).
 */
#include "privilege.h"

        .text

#include "isr-stubs.inc"
ISR_NOERR 64                            /* VEC_DPL0: never reached from ring 3 */

        .globl isr_common
isr_common:
        pushl   %ds
        pushl   %es
        pushl   %fs
        pushl   %gs
        pushal
        movl    $SEL_KDATA, %eax
        movl    %eax, %ds
        movl    %eax, %es
        cld
        pushl   %esp                    /* struct frame * */
        call    exc_record              /* returns the resume EIP (or does not return) */
        addl    $4, %esp
        movl    %eax, 56(%esp)          /* saved EIP: 32 (pushal) + 16 (segments) + 8 (vec, err) */
        popal
        popl    %gs
        popl    %fs
        popl    %es
        popl    %ds
        addl    $8, %esp
        iret

/* void enter_user(void (*fn)(void), u32 eflags): IRET to fn at CPL 3 with
 * SS:ESP = UDS:user_stack_top and the given EFLAGS image (CPL 0 may set
 * IOPL through it); data segments UDS. Returns when the ring-3 code
 * executes INT 0x81 (user_exit). */
        .globl enter_user
        .type enter_user, @function
enter_user:
        pushl   %ebp
        pushl   %ebx
        pushl   %esi
        pushl   %edi
        movl    20(%esp), %ecx          /* fn */
        movl    24(%esp), %edx          /* eflags */
        movl    %esp, kernel_esp
        movl    $UDS, %eax
        movl    %eax, %ds
        movl    %eax, %es
        movl    %eax, %fs
        movl    %eax, %gs
        pushl   $UDS                    /* SS */
        pushl   $user_stack_top         /* ESP */
        pushl   %edx                    /* EFLAGS */
        pushl   $UCS                    /* CS */
        pushl   %ecx                    /* EIP */
        iret
        .size enter_user, . - enter_user

/* INT 0x81 (interrupt gate, DPL 3): drop the ring-0 frame (on the TSS's
 * ESP0 stack) and return from enter_user on the kernel stack. */
        .globl user_exit
user_exit:
        movl    $SEL_KDATA, %eax
        movl    %eax, %ds
        movl    %eax, %es
        movl    %eax, %fs
        movl    %eax, %gs
        movl    kernel_esp, %esp        /* SS is SEL_KDATA already (TSS SS0) */
        cld
        popl    %edi
        popl    %esi
        popl    %ebx
        popl    %ebp
        ret

/* ---------------- hardware task switches (vol. 3A 7.3, 7.4) ---------------- */

/* task_jump: with known EBX ESI EDI EBP and DF=1, ljmp to TSS2's selector
 * (the offset is ignored). task2_entry ljmps back to SEL_TSS, which resumes
 * here after the ljmp with this task's registers reloaded from its TSS.
 * kres: 0 ESP before, 1-4 EBX ESI EDI EBP after, 5 ESP after, 6 EFLAGS
 * after, 7 CR0 after (TS set by the switches). An exception instead of
 * the switch resumes at after_task_ljmp (cases.c: run_kernel_prepare). */
        .globl task_jump, after_task_ljmp
task_jump:
        pushl   %ebp
        pushl   %ebx
        pushl   %esi
        pushl   %edi
        movl    %esp, kres+0
        movl    $0xb1b2b3b4, %ebx
        movl    $0x51525354, %esi
        movl    $0xd1d2d3d4, %edi
        movl    $0xe1e2e3e4, %ebp
        std
        ljmp    $SEL_TSS2, $0
after_task_ljmp:
        pushfl
        popl    kres+24
        cld
        movl    %ebx, kres+4
        movl    %esi, kres+8
        movl    %edi, kres+12
        movl    %ebp, kres+16
        movl    %esp, kres+20
        movl    %cr0, %eax
        movl    %eax, kres+28
        popl    %edi
        popl    %esi
        popl    %ebx
        popl    %ebp
        ret

/* Task 2 (TSS2: CS/SS/DS = ring 0, EFLAGS = EFL_TASK2, registers
 * 0x10000001..7). t2res: 0 EFLAGS, 1-7 EAX ECX EDX EBX ESI EDI EBP, 8 ESP,
 * 9 TR, 10 CS, 11 SS, 12 DS, 13 LAR type of SEL_TSS, 14 of SEL_TSS2. */
        .globl task2_entry
task2_entry:
        pushfl                          /* first, before anything changes a flag */
        popl    t2res+0
        movl    %eax, t2res+4
        movl    %ecx, t2res+8
        movl    %edx, t2res+12
        movl    %ebx, t2res+16
        movl    %esi, t2res+20
        movl    %edi, t2res+24
        movl    %ebp, t2res+28
        movl    %esp, t2res+32
        xorl    %eax, %eax
        strw    %ax
        movl    %eax, t2res+36
        movl    %cs, %eax
        movl    %eax, t2res+40
        movl    %ss, %eax
        movl    %eax, t2res+44
        movl    %ds, %eax
        movl    %eax, t2res+48
        movl    $SEL_TSS, %ecx
        larl    %ecx, %eax
        movl    %eax, t2res+52
        movl    $SEL_TSS2, %ecx
        larl    %ecx, %eax
        movl    %eax, t2res+56
        movl    $0xdead0001, %ebx       /* clobber what the main task must get back */
        movl    $0xdead0002, %esi
        movl    $0xdead0003, %edi
        movl    $0xdead0004, %ebp
        ljmp    $SEL_TSS, $0
1:      jmp     1b                      /* a JMP back here would need a fresh TSS2 */

/* task_call: lcall through the task gate SEL_TASKGATE (-> TSS3); task 3
 * returns with IRET (NT=1: back to the previous task link). kres: 0 EBX,
 * 1 ESI after, 2 EFLAGS after, 3 TR after. */
        .globl task_call, after_task_lcall
task_call:
        pushl   %ebp
        pushl   %ebx
        pushl   %esi
        pushl   %edi
        movl    $0xc1c2c3c4, %ebx
        movl    $0x61626364, %esi
        lcall   $SEL_TASKGATE, $0
after_task_lcall:
        pushfl
        popl    kres+8
        movl    %ebx, kres+0
        movl    %esi, kres+4
        xorl    %eax, %eax
        strw    %ax
        movl    %eax, kres+12
        popl    %edi
        popl    %esi
        popl    %ebx
        popl    %ebp
        ret

/* Task 3. t3res: 0 EFLAGS (NT set by the CALL), 1 TR, 2 LAR SEL_TSS,
 * 3 LAR SEL_TSS3, 4 the previous task link of TSS3. */
        .globl task3_entry
task3_entry:
        pushfl
        popl    t3res+0
        xorl    %eax, %eax
        strw    %ax
        movl    %eax, t3res+4
        movl    $SEL_TSS, %ecx
        larl    %ecx, %eax
        movl    %eax, t3res+8
        movl    $SEL_TSS3, %ecx
        larl    %ecx, %eax
        movl    %eax, t3res+12
        movzwl  tss3, %eax
        movl    %eax, t3res+16
        movl    $0xdead0005, %ebx
        movl    $0xdead0006, %esi
        iret                            /* NT=1: task return */
1:      jmp     1b

/* The #DF task (IDT vector 8 is a task gate). The error code is on its
 * stack. dfres: 0 ESP at entry, 1 error code, 2 EFLAGS, 3 TR, 4 LAR
 * SEL_TSS, 5 LAR SEL_TSS_DF. Program state after a #DF is undefined
 * (vol. 3A 6.15, interrupt 8): df_report reports and ends the run. */
        .globl df_task_entry
df_task_entry:
        movl    %esp, dfres+0
        popl    dfres+4
        pushfl
        popl    dfres+8
        xorl    %eax, %eax
        strw    %ax
        movl    %eax, dfres+12
        movl    $SEL_TSS, %ecx
        larl    %ecx, %eax
        movl    %eax, dfres+16
        movl    $SEL_TSS_DF, %ecx
        larl    %ecx, %eax
        movl    %eax, dfres+20
        call    df_report
1:      cli
        hlt
        jmp     1b

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
        .globl ring0_stack_top, user_stack_top, sysenter_stack_top
        .globl task2_stack_top, task3_stack_top, df_stack_top
        .skip   4096
ring0_stack_top:                        /* TSS ESP0 */
        .skip   4096
user_stack_top:                         /* ring 3 */
        .skip   4096
sysenter_stack_top:                     /* IA32_SYSENTER_ESP */
        .skip   4096
task2_stack_top:
        .skip   4096
task3_stack_top:
        .skip   8192
df_stack_top:                           /* the #DF task calls C (rt_printf) */

        .balign 4
        .globl ures, kres, t2res, t3res, dfres
kernel_esp:     .skip 4
ures:           .skip 64
kres:           .skip 64
t2res:          .skip 64
t3res:          .skip 64
dfres:          .skip 64

        .section .note.GNU-stack, "", @progbits
