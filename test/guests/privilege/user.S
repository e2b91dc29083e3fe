/* The privilege guest's ring-3 snippets, and the ring-0 code they reach
 * through gates and SYSENTER.
 *
 * A snippet u_<name> is entered by enter_user (stubs.S) at CPL 3 with
 * SS:ESP = UDS:user_stack_top and DS = ES = FS = GS = UDS, records what it
 * sees in ures[] and leaves with INT 0x81 (user_exit). at_<name> labels the
 * instruction under test, after_<name> the next one: an exception taken at
 * at_<name> resumes at after_<name> (exc_record returns it to the IRET).
 *
 * Most snippets follow one pattern:
 *   ures[0] = ESP at the instruction (what a ring-0 frame must hold),
 *   ures[1] = 1 once after_<name> ran, ures[2] = CS there (still ring 3).
 * Others say what they record next to them.
 */
#include "privilege.h"

.macro USER name
        .text
        .globl u_\name
        .type u_\name, @function
u_\name:
.endm

.macro UEND name
        int     $VEC_EXIT
        .size u_\name, . - u_\name
.endm

.macro AT name
        .globl at_\name
at_\name:
.endm

.macro AFTER name
        .globl after_\name
after_\name:
.endm

.macro PRE
        movl    %esp, ures+0
.endm

.macro POST
        movl    $1, ures+4
        movl    %cs, %eax
        movl    %eax, ures+8
.endm

/* A snippet around a single instruction. */
.macro SIMPLE name, insn:vararg
USER \name
        PRE
AT \name
        \insn
AFTER \name
        POST
UEND \name
.endm

/* ---------------- ring 3, entered by IRET (vol. 3A 5.5; vol. 2 IRET) ---------------- */

/* ures: 0 CS, 1 SS, 2 DS, 3 EFLAGS, 4 ESP */
USER ring3
AT ring3
        movl    %cs, %eax
        movl    %eax, ures+0
        movl    %ss, %eax
        movl    %eax, ures+4
        movl    %ds, %eax
        movl    %eax, ures+8
        pushfl
        popl    ures+12
        movl    %esp, ures+16
AFTER ring3
UEND ring3

/* ---------------- INT n from ring 3 (vol. 3A 6.12.1) ---------------- */

/* INT 0x80 through a DPL-3 interrupt gate; the handler adds 1 to EAX.
 * ures: 0 ESP before, 1 EAX after, 2 CS after, 3 ESP after, 4 EFLAGS after. */
USER int80
        PRE
        movl    $0x11223344, %eax
AT int80
        int     $VEC_SYSCALL
AFTER int80
        movl    %eax, ures+4
        movl    %cs, %eax
        movl    %eax, ures+8
        movl    %esp, ures+12
        pushfl
        popl    ures+16
UEND int80

/* Ring 0, on the TSS stack (SS0:ESP0). DS is still the caller's UDS, which
 * CPL 0 may use. kres: 0 ESP at entry, 1-5 the frame (EIP CS EFLAGS ESP
 * SS), 6 CS, 7 SS, 8 EFLAGS in the handler. */
        .globl int80_handler
int80_handler:
        movl    %esp, kres+0
        pushl   %ecx
        movl    4(%esp), %ecx
        movl    %ecx, kres+4
        movl    8(%esp), %ecx
        movl    %ecx, kres+8
        movl    12(%esp), %ecx
        movl    %ecx, kres+12
        movl    16(%esp), %ecx
        movl    %ecx, kres+16
        movl    20(%esp), %ecx
        movl    %ecx, kres+20
        movl    %cs, %ecx
        movl    %ecx, kres+24
        movl    %ss, %ecx
        movl    %ecx, kres+28
        pushfl
        popl    kres+32
        popl    %ecx
        incl    %eax                    /* the "system call" */
        iret

/* INT to a DPL-0 gate: #GP(vector*8+2) (vol. 3A 6.12.1, protection of handler
 * procedures; vol. 2 INT n). */
SIMPLE int_dpl0, int $VEC_DPL0

/* ---------------- privileged and IOPL-sensitive instructions (vol. 3A 5.9) ---------------- */

SIMPLE cli, cli
SIMPLE sti, sti
SIMPLE hlt, hlt
SIMPLE mov_cr0_read, movl %cr0, %eax

USER mov_cr0_write                      /* writes CR0's own value: harmless if it were allowed */
        movl    user_cr0_image, %eax
        PRE
AT mov_cr0_write
        movl    %eax, %cr0
AFTER mov_cr0_write
        POST
UEND mov_cr0_write

/* POPF at CPL 3 > IOPL leaves IOPL and IF alone, without a fault (vol. 1,
 * I/O privilege level; vol. 2 POPF). ures[3] = EFLAGS after. */
USER popf
        PRE
        pushl   $0x00003002             /* IOPL 3, IF 0 */
AT popf
        popfl
AFTER popf
        pushfl
        popl    ures+12
        POST
UEND popf

/* ---------------- the I/O permission bitmap (vol. 1, I/O permission bit map) ---------------- */

SIMPLE inb_80, inb $0x80, %al
SIMPLE inw_80, inw $0x80, %ax
SIMPLE inl_84, inl $0x84, %eax
SIMPLE inb_83, inb $0x83, %al
SIMPLE inw_82, inw $0x82, %ax
SIMPLE inw_87, inw $0x87, %ax
SIMPLE inl_80, inl $0x80, %eax

USER outb_80
        movb    $0x5a, %al
        PRE
AT outb_80
        outb    %al, $0x80
AFTER outb_80
        POST
UEND outb_80

USER inb_dx_400
        movl    $0x400, %edx
        PRE
AT inb_dx_400
        inb     %dx, %al
AFTER inb_dx_400
        POST
UEND inb_dx_400

USER inb_dx_1ff
        movl    $0x1ff, %edx
        PRE
AT inb_dx_1ff
        inb     %dx, %al
AFTER inb_dx_1ff
        POST
UEND inb_dx_1ff

/* ---------------- call gates (vol. 3A 5.8.3-5.8.6) ---------------- */

/* Two parameters through a DPL-3 call gate with count 2; lret $8 back.
 * ures: 0 ESP before the pushes, 1 resumed, 2 CS after, 3 ESP at the
 * lcall, 4 ESP after. */
USER callgate
        movl    %esp, ures+0
        pushl   $0xaaaa1111
        pushl   $0xbbbb2222
        movl    %esp, ures+12
AT callgate
        lcall   $(SEL_CALLGATE | 3), $0
AFTER callgate
        movl    %esp, ures+16
        movl    $1, ures+4
        movl    %cs, %eax
        movl    %eax, ures+8
        movl    ures+0, %esp            /* if the lret left ESP wrong */
UEND callgate

/* Ring 0 through SEL_CALLGATE, on the TSS stack. kres: 0 ESP at entry, 1-6
 * the new stack (EIP CS param param ESP SS), 7 CS, 8 SS. */
        .globl callgate_target
callgate_target:
        movl    %esp, kres+0
        movl    0(%esp), %eax
        movl    %eax, kres+4
        movl    4(%esp), %eax
        movl    %eax, kres+8
        movl    8(%esp), %eax
        movl    %eax, kres+12
        movl    12(%esp), %eax
        movl    %eax, kres+16
        movl    16(%esp), %eax
        movl    %eax, kres+20
        movl    20(%esp), %eax
        movl    %eax, kres+24
        movl    %cs, %eax
        movl    %eax, kres+28
        movl    %ss, %eax
        movl    %eax, kres+32
        lret    $8                      /* outer return: pops 8 bytes on both stacks */

/* A call gate of DPL 0 used from ring 3: #GP(gate selector). */
SIMPLE callgate_dpl0, lcall $(SEL_CALLGATE_DPL0 | 3), $0

/* A direct far call to non-conforming ring-0 code: #GP(selector). */
SIMPLE lcall_kcode, lcall $SEL_KCODE, $conforming_target

/* ---------------- outer returns null data segments (vol. 2 RET, IRET) ---------------- */

/* ures: 3 DS, 4 ES, 5 FS, 6 GS after the return (read before DS is reloaded) */
.macro NULL_CHECK name, insn:vararg
USER \name
        PRE
AT \name
        \insn
AFTER \name
        movl    %ds, %eax
        movl    %es, %ecx
        movl    %fs, %edx
        movl    %gs, %ebx
        movl    $UDS, %esi
        movl    %esi, %ds
        movl    %esi, %es
        movl    %esi, %fs
        movl    %esi, %gs
        movl    %eax, ures+12
        movl    %ecx, ures+16
        movl    %edx, ures+20
        movl    %ebx, ures+24
        POST
UEND \name
.endm

NULL_CHECK null_lret, lcall $(SEL_CALLGATE_NULL | 3), $0
NULL_CHECK null_iret, int $VEC_NULL_IRET

/* Through SEL_CALLGATE_NULL: DS, ES = ring-0 data (DPL 0 < 3: nulled by the
 * lret), FS, GS = UDS (DPL 3: kept). */
        .globl null_lret_target
null_lret_target:
        movl    $SEL_KDATA, %eax
        movl    %eax, %ds
        movl    %eax, %es
        movl    $UDS, %eax
        movl    %eax, %fs
        movl    %eax, %gs
        lret

/* INT 0x82: DS = ring-0 data (nulled), ES = UDS (kept), FS = the
 * conforming code segment (kept: only data and non-conforming code are
 * nulled), GS = ring-0 non-conforming code, readable (nulled). */
        .globl null_iret_handler
null_iret_handler:
        movl    $SEL_KDATA, %eax
        movl    %eax, %ds
        movl    $UDS, %eax
        movl    %eax, %es
        movl    $SEL_CONFORMING, %eax
        movl    %eax, %fs
        movl    $SEL_KCODE, %eax
        movl    %eax, %gs
        iret

/* ---------------- conforming code (vol. 3A 5.8.1.2) ---------------- */

/* lcall to the DPL-0 conforming segment with an RPL-0 selector: no
 * privilege change, CS.RPL = CPL = 3, same stack. ures: 3 ESP after the
 * return, 4 CS, 5 SS, 6 ESP in the target, 7 return EIP, 8 return CS. */
USER conforming
        PRE
AT conforming
        lcall   $SEL_CONFORMING, $conforming_target
AFTER conforming
        movl    %esp, ures+12
        POST
UEND conforming

        .globl conforming_target
conforming_target:
        movl    %cs, %eax
        movl    %eax, ures+16
        movl    %ss, %eax
        movl    %eax, ures+20
        movl    %esp, ures+24
        movl    0(%esp), %eax
        movl    %eax, ures+28
        movl    4(%esp), %eax
        movl    %eax, ures+32
        lret

/* ---------------- segment loads at CPL 3 (vol. 3A 5.6, 5.7; vol. 2 MOV) ---------------- */

.macro LOAD name, sel, sreg
USER \name
        movl    $\sel, %eax
        PRE
AT \name
        movl    %eax, \sreg
AFTER \name
        movl    \sreg, %ecx             /* ures[3]: the register afterwards */
        movl    $UDS, %eax
        movl    %eax, %ds
        movl    %ecx, ures+12
        POST
UEND \name
.endm

LOAD ld_ds_kdata,  SEL_KDATA,       %ds     /* DPL 0 < CPL: #GP(0x10) */
LOAD ld_ds_kdata3, (SEL_KDATA | 3), %ds     /* RPL 3 does not help: #GP(0x10) */
LOAD ld_ds_null,   0,               %ds     /* null into DS: allowed */
LOAD ld_ss_null,   0,               %ss     /* null into SS: #GP(0) */
LOAD ld_ss_rpl0,   SEL_UDATA,       %ss     /* RPL 0 != CPL: #GP(0x20) */
LOAD ld_ss_kdata3, (SEL_KDATA | 3), %ss     /* DPL 0 != CPL: #GP(0x10) */
LOAD ld_ss_udata,  UDS,             %ss     /* allowed */

/* ---------------- SYSENTER / SYSEXIT (vol. 3A 5.8.7) ---------------- */

/* ures: 3 CS, 4 SS, 5 ESP, 6 EFLAGS after SYSEXIT (at sysexit_target,
 * which is also after_sysenter in case SYSENTER faults). */
USER sysenter
        PRE
AT sysenter
        sysenter
AFTER sysenter
        .globl sysexit_target
sysexit_target:
        movl    %cs, %eax
        movl    %eax, ures+12
        movl    %ss, %eax
        movl    %eax, ures+16
        movl    %esp, ures+20
        pushfl
        popl    ures+24
        POST
UEND sysenter

/* CS = IA32_SYSENTER_CS, SS = +8, ESP = IA32_SYSENTER_ESP. kres: 0 ESP,
 * 1 CS, 2 SS, 3 EFLAGS. Returns with EDX = EIP, ECX = ESP (16 below the
 * ring-3 ESP at the SYSENTER, so that the change shows). */
        .globl sysenter_handler
sysenter_handler:
        movl    %esp, kres+0
        movl    %cs, %eax
        movl    %eax, kres+4
        movl    %ss, %eax
        movl    %eax, kres+8
        pushfl
        popl    kres+12
        movl    $sysexit_target, %edx
        movl    ures+0, %ecx
        leal    -16(%ecx), %ecx         /* (LEA: no flags change) */
        sysexit

/* ---------------- paging: U/S and R/W (vol. 3A 4.6, 4.7) ---------------- */

SIMPLE pf_read_sup, movl sup_page+0x10, %eax
SIMPLE pf_write_sup, movl %eax, sup_page+0x20
SIMPLE pf_write_ro, movl %eax, ro_page+0x30
SIMPLE pf_write_np, movl %eax, np_page+0x40

USER pf_read_ro                         /* ures[3] = the dword read */
        PRE
AT pf_read_ro
        movl    ro_page+0x30, %eax
AFTER pf_read_ro
        movl    %eax, ures+12
        POST
UEND pf_read_ro

/* ---------------- implicit supervisor accesses (vol. 3A 4.6) ---------------- */

LOAD ld_ds_udata,  UDS,             %ds     /* ring-3 data from the GDT: allowed */
LOAD ld_ds_ldt,    SEL_LDT_UDATA,   %ds     /* ring-3 data from the LDT: allowed */

/* Explicit ring-3 reads of the system-structure pages: #PF(5). */
SIMPLE pf_read_gdt, movl gdt_page+SEL_UDATA, %eax
SIMPLE pf_read_idt, movl idt_page+VEC_SYSCALL*8, %eax
SIMPLE pf_read_tss, movl tss_page+4, %eax

/* u32 k_write(u32 value, u32 addr): a ring-0 write that may fault. */
        .text
        .globl k_write
k_write:
        movl    4(%esp), %eax
        movl    8(%esp), %ecx
AT k_write
        movl    %eax, (%ecx)
AFTER k_write
        ret

/* ---------------- the double fault (vol. 3A 6.15, interrupt 8) ---------------- */

/* CLI at CPL 3 raises #GP; with the IDT limit below vector 13, delivering
 * it raises #GP again: contributory + contributory = #DF (table 6-5). */
SIMPLE df, cli

        .data
        .balign 4
        .globl user_cr0_image
user_cr0_image: .long 0

        .section .note.GNU-stack, "", @progbits
