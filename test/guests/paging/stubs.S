/* The paging guest's assembly: exception entry stubs, catch_call, memory
 * access routines whose faulting instruction sits at a known label, rep
 * movsd, and the code pages of the self-modifying-code check.
 *
 * Exception path: every stub (vectors 0-31) leaves
 *   [pushal] vec err eip cs eflags
 * and jumps to isr_common, which calls exc_record (paging.c). That returns
 * 0 to IRET back to the faulting instruction (demand paging: the handler
 * has mapped the page and the instruction restarts, SDM vol. 3A 6.5), or
 * catch_call's recovery label, which reloads catch_call's ESP and returns 1.
 */
#include "paging.h"

        .text

#include "isr-stubs.inc"

isr_common:
        pushal
        cld
        pushl   %esp                    /* struct exc_frame * */
        call    exc_record
        addl    $4, %esp
        testl   %eax, %eax
        jz      1f
        movl    %eax, 40(%esp)          /* saved EIP: 32 (pushal) + 4 (vec) + 4 (err) */
1:      popal
        addl    $8, %esp                /* vec, err */
        iret

/* int catch_call(const void *fn, u32 a, u32 b, u32 c) */
        .globl catch_call
        .type catch_call, @function
catch_call:
        pushl   %ebp
        pushl   %ebx
        pushl   %esi
        pushl   %edi
        movl    %esp, catch_esp
        movl    $.Lcaught, recover_eip
        pushl   32(%esp)                /* c */
        pushl   32(%esp)                /* b */
        pushl   32(%esp)                /* a */
        call    *32(%esp)               /* fn */
        addl    $12, %esp
        movl    %eax, catch_ret
        xorl    %eax, %eax
        jmp     1f
.Lcaught:
        movl    catch_esp, %esp
        movl    $1, %eax
1:      movl    $0, recover_eip
        cld
        popl    %edi
        popl    %esi
        popl    %ebx
        popl    %ebp
        ret
        .size catch_call, . - catch_call

/* u32 rd32(u32 addr), void wr32(u32 addr, u32 v) */
        .globl rd32, at_rd32, wr32, at_wr32
rd32:
        movl    4(%esp), %edx
at_rd32:
        movl    (%edx), %eax
        ret

wr32:
        movl    4(%esp), %edx
        movl    8(%esp), %eax
at_wr32:
        movl    %eax, (%edx)
        ret

/* void rep_movsd_run(u32 src, u32 dst, u32 count): ECX, ESI, EDI after
 * the copy go to rep_out[0..2]. */
        .globl rep_movsd_run, at_rep_movsd
rep_movsd_run:
        pushl   %esi
        pushl   %edi
        movl    12(%esp), %esi
        movl    16(%esp), %edi
        movl    20(%esp), %ecx
        cld
at_rep_movsd:
        rep movsl
        movl    %ecx, rep_out
        movl    %esi, rep_out + 4
        movl    %edi, rep_out + 8
        popl    %edi
        popl    %esi
        ret

/* Two code pages for the self-modifying-code check (cases_code.c).
 * smc_func starts 8 bytes before the page boundary; the MOV's opcode is at
 * offset 4093 of the first page, its imm32 at 4094..4097: two bytes in
 * each page. The rest is filled with INT3. */
        .balign 4096
        .globl smc_area, smc_func, smc_mov
smc_area:
        .org    smc_area + 4096 - 8, 0xcc
smc_func:
        nop
        nop
        nop
        nop
        nop
smc_mov:
        movl    $0x11111111, %eax
        ret
        .org    smc_area + 8192, 0xcc

        .data
        .balign 4
        .globl catch_ret, rep_out
catch_esp:      .long 0
catch_ret:      .long 0
rep_out:        .long 0, 0, 0

        .section .rodata
        .balign 4
        .globl isr_stubs
isr_stubs:
        .long isr0, isr1, isr2, isr3, isr4, isr5, isr6, isr7
        .long isr8, isr9, isr10, isr11, isr12, isr13, isr14, isr15
        .long isr16, isr17, isr18, isr19, isr20, isr21, isr22, isr23
        .long isr24, isr25, isr26, isr27, isr28, isr29, isr30, isr31

        .section .note.GNU-stack, "", @progbits
