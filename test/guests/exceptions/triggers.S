/* One small routine per test case of the exceptions guest.
 *
 * trig_<name> is a C-callable function (cdecl, no arguments) that saves the
 * callee-saved registers and ESP, sets recover_eip to its recovery label,
 * and runs the instruction under test, which sits at the global label
 * at_<name>; after_<name>, where present, marks the next instruction.
 *   - If the instruction faults, the handler (stubs.S, exceptions.c:
 *     exc_record) redirects the IRET to the recovery label, which reloads
 *     flat segments and the saved ESP and returns to C.
 *   - If it traps (INT3, INTO, INT n with exceptions.c's natural_vec set),
 *     the IRET resumes after it, and execution falls into the same exit
 *     path, setting fell_through = 1 on the way.
 *   - If nothing happens, the same: fell_through = 1.
 */
#define KERNEL_CS 0x08
#define KERNEL_DS 0x10

.macro CASE name
        .text
        .globl trig_\name
        .type trig_\name, @function
trig_\name:
        pushl   %ebp
        pushl   %ebx
        pushl   %esi
        pushl   %edi
        movl    %esp, trig_esp
        movl    $.Lrecover_\name, recover_eip
.endm

.macro AT name
        .globl at_\name
at_\name:
.endm

.macro AFTER name
        .globl after_\name
after_\name:
.endm

.macro ENDCASE name
        movl    $KERNEL_DS, %eax        /* the case may have left DS unusable for a write */
        movl    %eax, %ds
        movl    $1, fell_through
.Lrecover_\name:
        movl    $KERNEL_DS, %eax
        movl    %eax, %ds
        movl    %eax, %es
        movl    %eax, %fs
        movl    %eax, %gs
        movl    %eax, %ss
        movl    trig_esp, %esp          /* in the MOV SS shadow: no interrupt in between */
        movl    $0, recover_eip
        popl    %edi
        popl    %esi
        popl    %ebx
        popl    %ebp
        ret
        .size trig_\name, . - trig_\name
.endm

/* ---- #DE (vector 0, fault) ---- */
CASE de_div                     /* divide by zero */
        movl    $1, %eax
        xorl    %edx, %edx
        xorl    %ecx, %ecx
AT de_div
        divl    %ecx
ENDCASE de_div

CASE de_idiv                    /* INT_MIN / -1 does not fit */
        movl    $0x80000000, %eax
        cltd
        movl    $-1, %ecx
AT de_idiv
        idivl   %ecx
ENDCASE de_idiv

CASE de_div_ovf                 /* 2^32 / 1: quotient too large */
        movl    $1, %edx
        xorl    %eax, %eax
        movl    $1, %ecx
AT de_div_ovf
        divl    %ecx
ENDCASE de_div_ovf

CASE de_idiv8                   /* -32768 / -1 in AL */
        movl    $0x8000, %eax
        movb    $-1, %cl
AT de_idiv8
        idivb   %cl
ENDCASE de_idiv8

CASE de_aam0                    /* AAM with base 0 */
AT de_aam0
        .byte   0xd4, 0x00
ENDCASE de_aam0

/* ---- #BP (vector 3, trap) ---- */
CASE bp_int3
AT bp_int3
        int3                    /* CC */
AFTER bp_int3
ENDCASE bp_int3

CASE bp_int_3
AT bp_int_3
        .byte   0xcd, 0x03      /* INT 3, the two-byte form */
AFTER bp_int_3
ENDCASE bp_int_3

/* ---- #OF (vector 4, trap) ---- */
CASE of_into
        movl    $0x7fffffff, %eax
        addl    $1, %eax        /* OF = 1 */
AT of_into
        into
AFTER of_into
ENDCASE of_into

CASE of_into_clear
        xorl    %eax, %eax      /* OF = 0 */
AT of_into_clear
        into
AFTER of_into_clear
ENDCASE of_into_clear

/* ---- #BR (vector 5, fault) ---- */
CASE br_above
        movl    $11, %eax
AT br_above
        bound   %eax, bounds
ENDCASE br_above

CASE br_below
        movl    $-1, %eax       /* signed compare: -1 < 0 */
AT br_below
        bound   %eax, bounds
ENDCASE br_below

CASE br_inside
        movl    $10, %eax       /* bounds are inclusive */
AT br_inside
        bound   %eax, bounds
ENDCASE br_inside

/* ---- #UD (vector 6, fault) ---- */
CASE ud_ud2
AT ud_ud2
        ud2
ENDCASE ud_ud2

CASE ud_lock_nop
AT ud_lock_nop
        .byte   0xf0, 0x90      /* LOCK NOP */
ENDCASE ud_lock_nop

CASE ud_lock_reg
AT ud_lock_reg
        .byte   0xf0, 0x01, 0xc3 /* LOCK ADD %eax, %ebx: register destination */
ENDCASE ud_lock_reg

/* ---- segment register loads (MOV Sreg; Intel SDM vol. 2B, MOV) ---- */
CASE np_ds                      /* not-present data segment: #NP(sel) */
        movl    $0x18, %eax
AT np_ds
        movl    %eax, %ds
ENDCASE np_ds

CASE np_gs
        movl    $0x18, %eax
AT np_gs
        movl    %eax, %gs
ENDCASE np_gs

CASE gp_ds_rpl_np               /* RPL 3 > DPL 0 is checked before presence: #GP */
        movl    $0x1b, %eax
AT gp_ds_rpl_np
        movl    %eax, %ds
ENDCASE gp_ds_rpl_np

CASE gp_ds_rpl
        movl    $0x13, %eax
AT gp_ds_rpl
        movl    %eax, %ds
ENDCASE gp_ds_rpl

CASE ss_np                      /* not-present stack segment: #SS(sel) */
        movl    $0x18, %eax
AT ss_np
        movl    %eax, %ss
ENDCASE ss_np

CASE gp_ss_code                 /* SS must be a writable data segment */
        movl    $0x08, %eax
AT gp_ss_code
        movl    %eax, %ss
ENDCASE gp_ss_code

CASE gp_ss_ro
        movl    $0x40, %eax
AT gp_ss_ro
        movl    %eax, %ss
ENDCASE gp_ss_ro

CASE gp_ss_null                 /* null SS in protected mode: #GP(0) */
        xorl    %eax, %eax
AT gp_ss_null
        movl    %eax, %ss
ENDCASE gp_ss_null

CASE gp_ss_rpl                  /* SS needs RPL = CPL */
        movl    $0x13, %eax
AT gp_ss_rpl
        movl    %eax, %ss
ENDCASE gp_ss_rpl

CASE gp_ds_gdt_limit            /* selector beyond the GDT limit */
        movl    $0x48, %eax
AT gp_ds_gdt_limit
        movl    %eax, %ds
ENDCASE gp_ds_gdt_limit

CASE gp_ds_gdt_limit_rpl        /* the error code drops the RPL */
        movl    $0x103, %eax
AT gp_ds_gdt_limit_rpl
        movl    %eax, %ds
ENDCASE gp_ds_gdt_limit_rpl

CASE gp_ds_exec_only            /* execute-only code cannot be a data segment */
        movl    $0x28, %eax
AT gp_ds_exec_only
        movl    %eax, %ds
ENDCASE gp_ds_exec_only

CASE ok_ds_code_readable        /* readable code can be: no exception */
        movl    $KERNEL_CS, %eax
        movl    %eax, %ds
AT ok_ds_code_readable
        movl    probe, %eax
        movl    %eax, %ss:probe_copy
ENDCASE ok_ds_code_readable

CASE ok_ds_null                 /* loading a null selector into DS is allowed */
        xorl    %eax, %eax
AT ok_ds_null
        movl    %eax, %ds
        movl    %eax, %es
ENDCASE ok_ds_null

CASE gp_ldt_null                /* TI = 1 with a null LDTR */
        xorl    %eax, %eax
        lldt    %ax
        movl    $0x0c, %eax
AT gp_ldt_null
        movl    %eax, %ds
ENDCASE gp_ldt_null

/* ---- segment limits and access rights on data accesses ---- */
CASE gp_ds_limit                /* DS limit 0xfff, access at 0x2000: #GP(0) */
        movl    $0x20, %eax
        movl    %eax, %ds
AT gp_ds_limit
        movl    0x2000, %eax
ENDCASE gp_ds_limit

CASE ok_ds_limit_edge           /* the last dword inside the limit */
        movl    $0x20, %eax
        movl    %eax, %ds
AT ok_ds_limit_edge
        movl    0xffc, %eax
ENDCASE ok_ds_limit_edge

CASE gp_ds_limit_straddle       /* a dword whose last byte is past the limit */
        movl    $0x20, %eax
        movl    %eax, %ds
AT gp_ds_limit_straddle
        movl    0xffd, %eax
ENDCASE gp_ds_limit_straddle

CASE gp_ds_readonly_write       /* write through a read-only data segment */
        movl    $0x40, %eax
        movl    %eax, %ds
        movl    $0x5a5a5a5a, %eax
AT gp_ds_readonly_write
        movl    %eax, probe_ro
ENDCASE gp_ds_readonly_write

CASE gp_ds_null_access          /* any access through a null DS: #GP(0) */
        xorl    %eax, %eax
        movl    %eax, %ds
AT gp_ds_null_access
        movl    probe, %eax
ENDCASE gp_ds_null_access

CASE ss_limit                   /* SS limit ends at ss_stack + 4095: #SS(0) */
        movl    $0x30, %eax
        movl    %eax, %ss
        movl    $ss_stack + 4096 - 64, %esp
AT ss_limit
        movl    128(%esp), %eax
ENDCASE ss_limit

/* ---- far jumps ---- */
CASE gp_ljmp_limit              /* CS limit 0xfff, EIP 0x2000: #GP(0) */
AT gp_ljmp_limit
        ljmp    $0x38, $0x2000
ENDCASE gp_ljmp_limit

CASE gp_ljmp_data               /* a data segment is no code segment: #GP(sel) */
AT gp_ljmp_data
        ljmp    $0x10, $after_gp_ljmp_data
AFTER gp_ljmp_data
ENDCASE gp_ljmp_data

/* ---- INT n through the IDT ---- */
CASE gp_int_idt_limit           /* vector 0x80 is past the IDT limit: #GP(0x80*8+2) */
AT gp_int_idt_limit
        int     $0x80
ENDCASE gp_int_idt_limit

CASE np_int_gate                /* gate 0x42 is not present: #NP(0x42*8+2) */
AT np_int_gate
        int     $0x42
ENDCASE np_int_gate

CASE gp_int_bad_gate            /* gate 0x43 has a reserved type: #GP(0x43*8+2) */
AT gp_int_bad_gate
        int     $0x43
ENDCASE gp_int_bad_gate

CASE int_gate                   /* interrupt gate: IF cleared in the handler */
        movl    $0x12345678, %eax
        sti
AT int_gate
        int     $0x40
AFTER int_gate
        pushfl
        popl    eflags_after
        cli
ENDCASE int_gate

CASE trap_gate                  /* trap gate: IF left alone */
        movl    $0x12345678, %eax
        sti
AT trap_gate
        int     $0x41
AFTER trap_gate
        pushfl
        popl    eflags_after
        cli
ENDCASE trap_gate

/* ---- #PF (vector 14, fault); exceptions.c turns paging on first ----
 * pf_pages: page 0 present and writable, page 1 not present, page 2
 * present and read-only (CR0.WP = 1). */
CASE pf_read_np
AT pf_read_np
        movl    pf_pages + 4096, %eax
ENDCASE pf_read_np

CASE pf_write_np
AT pf_write_np
        movl    $1, pf_pages + 4096 + 4
ENDCASE pf_write_np

CASE pf_write_ro
AT pf_write_ro
        movl    $1, pf_pages + 8192
ENDCASE pf_write_ro

CASE pf_read_straddle           /* bytes 4094..4097: the fault is on page 1 */
AT pf_read_straddle
        movl    pf_pages + 4096 - 2, %eax
ENDCASE pf_read_straddle

CASE pf_write_straddle          /* and no byte may reach page 0 */
AT pf_write_straddle
        movl    $0xdeadbeef, pf_pages + 4096 - 2
ENDCASE pf_write_straddle

CASE pf_rep_movsd               /* 2 of 8 dwords fit: ECX/ESI/EDI show progress */
        cld
        movl    $pf_src, %esi
        movl    $pf_pages + 4096 - 8, %edi
        movl    $8, %ecx
AT pf_rep_movsd
        rep movsl
ENDCASE pf_rep_movsd

CASE pf_fetch                   /* instruction fetch from page 1 */
        movl    $pf_pages + 4096, %eax
AT pf_fetch
        jmp     *%eax
ENDCASE pf_fetch

        .data
        .balign 8
        .globl bounds, pf_src
bounds: .long   0, 10
pf_src: .long   0x11111111, 0x22222222, 0x33333333, 0x44444444
        .long   0x55555555, 0x66666666, 0x77777777, 0x88888888

        .section .note.GNU-stack, "", @progbits
