/* The sysinsn guest's assembly: exception entry stubs, catch_call (calls a
 * routine so that an exception inside it returns to the caller), and the
 * routines whose instructions must sit at known addresses or in another
 * code segment. at_<name> labels an instruction under test.
 *
 * Exception path: every stub (vectors 0-31) leaves
 *   [pushal] vec err eip cs eflags
 * and jumps to isr_common, which calls exc_record (sysinsn.c); that returns
 * catch_call's recovery label, and the IRET goes there with CS = SEL_CODE
 * (the fault may have happened in another code segment). The recovery
 * reloads flat data segments and catch_call's ESP and returns 1.
 */
#include "sysinsn.h"

        .text

#include "isr-stubs.inc"

isr_common:
        pushal
        movl    $SEL_DATA, %eax
        movl    %eax, %ds
        movl    %eax, %es
        cld
        pushl   %esp                    /* struct exc_frame * */
        call    exc_record              /* returns the recovery EIP (or does not return) */
        addl    $4, %esp
        movl    %eax, 40(%esp)          /* saved EIP: 32 (pushal) + 4 (vec) + 4 (err) */
        movl    $SEL_CODE, 44(%esp)     /* saved CS */
        popal
        addl    $8, %esp
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
        movl    %eax, catch_ret_lo
        movl    %edx, catch_ret_hi
        xorl    %eax, %eax
        jmp     1f
.Lcaught:
        movl    $SEL_DATA, %eax
        movl    %eax, %ds
        movl    %eax, %es
        movl    %eax, %fs
        movl    %eax, %gs
        movl    %eax, %ss
        movl    catch_esp, %esp         /* in the MOV SS shadow */
        movl    $1, %eax
1:      movl    $0, recover_eip
        cld
        popl    %edi
        popl    %esi
        popl    %ebx
        popl    %ebp
        ret
        .size catch_call, . - catch_call

/* ---------------- MSRs and the TSC ---------------- */

        .globl do_rdmsr, at_rdmsr, do_wrmsr, at_wrmsr
do_rdmsr:                               /* u64 do_rdmsr(u32 msr) */
        movl    4(%esp), %ecx
at_rdmsr:
        rdmsr
        ret

do_wrmsr:                               /* void do_wrmsr(u32 msr, u32 lo, u32 hi) */
        movl    4(%esp), %ecx
        movl    8(%esp), %eax
        movl    12(%esp), %edx
at_wrmsr:
        wrmsr
        ret

/* u32 rdtsc_span(void): the TSC difference between two RDTSCs that are
 * RDTSC_SPAN (11) instructions apart: the first RDTSC and 10 more. */
        .globl rdtsc_span
rdtsc_span:
        pushl   %ebx
        pushl   %esi
        pushl   %edi
        rdtsc                           /* 1 */
        movl    %eax, %esi              /* 2 */
        movl    %edx, %edi              /* 3 */
        xorl    %ebx, %ebx              /* 4 */
        addl    $5, %ebx                /* 5 */
        leal    7(%ebx), %ecx           /* 6 */
        imull   %ecx, %ebx              /* 7 */
        nop                             /* 8 */
        nop                             /* 9 */
        shll    $2, %ebx                /* 10 */
        movl    %ebx, rdtsc_scratch     /* 11 */
        rdtsc
        subl    %esi, %eax
        sbbl    %edi, %edx
        popl    %edi
        popl    %esi
        popl    %ebx
        ret

/* tsc_msr_probe: RDTSC, then RDMSR 0x10 three instructions later, then
 * RDTSC two after that; the three low halves go to tsc_msr_sample. */
        .globl tsc_msr_probe
tsc_msr_probe:
        pushl   %ebx
        pushl   %esi
        rdtsc
        movl    %eax, %esi
        movl    $0x10, %ecx
        rdmsr
        movl    %eax, %ebx
        rdtsc
        movl    %esi, tsc_msr_sample
        movl    %ebx, tsc_msr_sample+4
        movl    %eax, tsc_msr_sample+8
        popl    %esi
        popl    %ebx
        ret

/* ---------------- descriptor instructions ---------------- */

        .globl do_ltr, at_ltr, do_lldt, at_lldt
do_ltr:
        movl    4(%esp), %eax
at_ltr:
        ltr     %ax
        ret

do_lldt:
        movl    4(%esp), %eax
at_lldt:
        lldt    %ax
        ret

/* u32 do_arpl_reg(u32 dst, u32 src, u32 zf_in): EAX = the destination after
 * ARPL (its upper half untouched), EDX = ZF after. ZF is set beforehand
 * when zf_in == 1, so the instruction must write it either way. */
        .globl do_arpl_reg, at_arpl_reg, do_arpl_mem, at_arpl_mem
do_arpl_reg:
        movl    4(%esp), %eax
        movl    8(%esp), %ecx
        cmpl    $1, 12(%esp)
at_arpl_reg:
        arpl    %cx, %ax
        setz    %dl
        movzbl  %dl, %edx
        ret

do_arpl_mem:                            /* (u16 *ptr, u32 src, u32 zf_in) */
        movl    4(%esp), %eax
        movl    8(%esp), %ecx
        cmpl    $1, 12(%esp)
at_arpl_mem:
        arpl    %cx, (%eax)
        setz    %dl
        movzbl  %dl, %edx
        ret

/* ---------------- #UD cases ---------------- */

        .globl lock_xchg_reg, at_lock_xchg_reg, lock_cmpxchg_reg, at_lock_cmpxchg_reg
lock_xchg_reg:
        movl    $0x11111111, %eax
        movl    $0x22222222, %ecx
at_lock_xchg_reg:
        .byte   0xf0, 0x87, 0xc8        /* lock xchg %ecx, %eax */
        ret

lock_cmpxchg_reg:
        movl    $0x33333333, %eax
        movl    $0x33333333, %edx
        movl    $0x44444444, %ecx
at_lock_cmpxchg_reg:
        .byte   0xf0, 0x0f, 0xb1, 0xca  /* lock cmpxchg %ecx, %edx */
        ret

        .globl mov_dr4_read, at_mov_dr4, mov_cr1_read, at_mov_cr1
mov_dr4_read:
at_mov_dr4:
        .byte   0x0f, 0x21, 0xe0        /* mov %dr4, %eax */
        ret

mov_cr1_read:
at_mov_cr1:
        .byte   0x0f, 0x20, 0xc8        /* mov %cr1, %eax */
        ret

/* ---------------- far call / ret / jmp ---------------- */
/* far_res: cs_in (CS inside the target), eip_in (the target's own offset of
 * far_callee_here), cs_after, esp_delta (ESP after - ESP before), arg. */

        .globl far_call_mem, far_call_direct, far_call_based, far_jmp_mem, far_jmp_direct
far_call_mem:
        pushl   %ebx
        movl    %esp, %ebx
        lcall   *far_ptr_call
        jmp     far_done

far_call_based:
        pushl   %ebx
        movl    %esp, %ebx
        lcall   $SEL_CODE_HI, $(far_callee - CODE_HI_BASE)
        jmp     far_done

far_call_direct:
        pushl   %ebx
        movl    %esp, %ebx
        pushl   $0x11111111
        pushl   $0x22222222
        lcall   $SEL_CODE2, $far_callee_args   /* lret $8 pops both */
        movl    %ecx, far_res+16
        jmp     far_done

far_jmp_mem:
        pushl   %ebx
        movl    %esp, %ebx
        ljmp    *far_ptr_jmp

far_jmp_direct:
        pushl   %ebx
        movl    %esp, %ebx
        ljmp    $SEL_CODE2, $far_jmp_target

far_jmp_back:
far_done:
        movl    %eax, far_res
        movl    %edx, far_res+4
        xorl    %eax, %eax
        movw    %cs, %ax
        movl    %eax, far_res+8
        movl    %esp, %eax
        subl    %ebx, %eax
        movl    %eax, far_res+12
        popl    %ebx
        ret

/* Far call targets: EAX = CS, EDX = offset of far_callee_here in CS. */
        .globl far_callee_here
far_callee:
        xorl    %eax, %eax
        movw    %cs, %ax
        call    far_callee_here
far_callee_here:
        popl    %edx
        lret

far_callee_args:
        xorl    %eax, %eax
        movw    %cs, %ax
        call    1f
1:      popl    %edx
        movl    8(%esp), %ecx           /* the argument pushed last: EIP, CS, then it */
        lret    $8

far_jmp_target:
        xorl    %eax, %eax
        movw    %cs, %ax
        call    1f
1:      popl    %edx
        ljmp    $SEL_CODE, $far_jmp_back

        .section .rodata
        .balign 4
far_ptr_call:                           /* m16:32 */
        .long   far_callee
        .word   SEL_CODE2
        .balign 4
far_ptr_jmp:
        .long   far_jmp_target
        .word   SEL_CODE2
        .text

/* ---------------- int n / iret ---------------- */
/* int_res: eip, cs, eflags (the frame the handler found, or what the 16-bit
 * IRET produced), handler_eflags, count, flags_after, esp_delta. */

        .globl int40_handler, int40_test, after_int40
int40_handler:                          /* 32-bit interrupt gate, vector 0x40 */
        pushl   %eax
        movl    4(%esp), %eax
        movl    %eax, int_res           /* saved EIP */
        movl    8(%esp), %eax
        movl    %eax, int_res+4         /* saved CS */
        movl    12(%esp), %eax
        movl    %eax, int_res+8         /* saved EFLAGS */
        pushfl
        popl    int_res+12              /* EFLAGS in the handler */
        incl    int_res+16
        xorl    %eax, %eax              /* ZF=1, CF=SF=OF=0 ... */
        std                             /* ... and DF=1: IRET must undo all that */
        popl    %eax
        iret

int40_test:                             /* u32 int40_test(u32 flags_in) */
        pushl   %ebx
        pushfl
        movl    %esp, %ebx
        pushl   12(%esp)
        popfl
        int     $0x40
after_int40:
        pushfl
        popl    int_res+20
        movl    %esp, %eax
        subl    %ebx, %eax
        movl    %eax, int_res+24
        popfl
        popl    %ebx
        ret

/* iret16_test(u32 flags16): a 16-bit IRET (66 CF) through a frame built
 * here: IP, CS = SEL_CODE_HI, FLAGS. It lands at iret16_target (an
 * offset below 64K in a segment based at the start of .text), which
 * records CS, EFLAGS, its own offset and ESP, and jumps back. */
        .globl iret16_test, iret16_target, iret16_here
iret16_test:
        pushl   %ebx
        pushfl
        movl    %esp, %ebx
        movl    12(%esp), %eax
        pushw   %ax                                     /* FLAGS */
        pushw   $SEL_CODE_HI                            /* CS */
        movl    $(iret16_target - CODE_HI_BASE), %eax
        testl   $0xffff0000, %eax                       /* the offset must fit in the 16-bit frame */
        jnz     1f
        pushw   %ax                                     /* IP */
        iretw
1:      movl    %ebx, %esp                              /* no: leave CS, EFLAGS untouched */
        movl    $0xbad, int_res+4
        popfl
        popl    %ebx
        ret
iret16_target:
        pushfl
        popl    int_res+8
        xorl    %eax, %eax
        movw    %cs, %ax
        movl    %eax, int_res+4
        call    iret16_here
iret16_here:
        popl    int_res
        movl    %esp, %eax
        subl    %ebx, %eax
        movl    %eax, int_res+24
        ljmp    $SEL_CODE, $2f
2:      popfl
        popl    %ebx
        ret

/* gate16_test(flags_in): INT 0x41 through a 16-bit interrupt gate, executed
 * in SEL_CODE_HI so that the return IP fits in the 16-bit frame, with
 * EFLAGS = flags_in. */
        .globl gate16_test, after_int41, gate16_handler
gate16_test:                            /* void gate16_test(u32 flags_in) */
        pushl   %ebx
        pushfl
        movl    %esp, %ebx
        pushl   12(%esp)
        popfl
        ljmp    $SEL_CODE_HI, $(gate16_in - CODE_HI_BASE)
gate16_in:
        int     $0x41
after_int41:
        pushfl
        popl    int_res+20
        movl    %esp, %eax
        subl    %ebx, %eax
        movl    %eax, int_res+24
        ljmp    $SEL_CODE, $1f
1:      popfl
        popl    %ebx
        ret

gate16_handler:                         /* in SEL_CODE_HI; frame: IP, CS, FLAGS (16 bits each) */
        pushl   %eax
        movzwl  4(%esp), %eax
        movl    %eax, int_res
        movzwl  6(%esp), %eax
        movl    %eax, int_res+4
        movzwl  8(%esp), %eax
        movl    %eax, int_res+8
        pushfl
        popl    int_res+12
        incl    int_res+16
        popl    %eax
        iretw

        .globl stubs_text_end
stubs_text_end:

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
        .globl catch_ret_lo, catch_ret_hi, tsc_msr_sample, far_res, int_res
catch_esp:      .skip 4
catch_ret_lo:   .skip 4
catch_ret_hi:   .skip 4
rdtsc_scratch:  .skip 4
tsc_msr_sample: .skip 12
far_res:        .skip 20
int_res:        .skip 28

        .section .note.GNU-stack, "", @progbits
