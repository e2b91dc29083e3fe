/* realmode.S: the reset vector, the reset-state checks and the real-mode
 * checks (addressing, the IVT, exceptions, operand/address-size prefixes).
 * The protected-mode round trip and unreal mode are in pmode.S.
 *
 * Every check prints "PASS name" or "FAIL name: got 0x... want 0x...";
 * names are grouped by prefix: reset.* (check 1), rm.* (2), ivt.* (3),
 * exc.* (4), pm.* and rmback.* (5), unreal.* (6), pfx.* (7). The summary
 * line is "realmode: P passed, F failed, S skipped"; the exit code is F.
 */
        .include "rom.inc"

/* The reset vector: the last 16 bytes of the image, at 0xFFFFFFF0 (CS=F000,
 * base 0xFFFF0000, IP=FFF0). A near jump keeps that CS. */
        .section .reset, "ax"
        .code16
        .globl  reset_vector
reset_vector:
        jmp     reset_entry
        .org    16, 0xf4

        .section .text16, "ax"
        .code16

/* Still at CS base 0xFFFF0000: save the reset state before anything changes
 * it. DS (base 0, limit 0xFFFF) reaches RAM at 0x500. ESP first: the pushfl
 * that reads EFLAGS uses the stack (SS:SP = 0:0, it wraps to 0:FFFC). */
reset_entry:
        movl    %esp, SAVE_ESP
        movl    %eax, SAVE_EAX
        pushfl
        popl    %eax
        movl    %eax, SAVE_EFLAGS
        movl    %ebx, SAVE_EBX
        movl    %ecx, SAVE_ECX
        movl    %edx, SAVE_EDX
        xorl    %edx, %edx              /* model-specific: zeroed, so QEMU's and
                                           rewind86's traces agree from here */
        movl    %esi, SAVE_ESI
        movl    %edi, SAVE_EDI
        movl    %ebp, SAVE_EBP
        movw    %cs, SAVE_CS
        movw    %ds, SAVE_DS
        movw    %es, SAVE_ES
        movw    %ss, SAVE_SS
        movw    %fs, SAVE_FS
        movw    %gs, SAVE_GS
        movl    %cr0, %eax
        movl    %eax, SAVE_CR0
        movl    %cr2, %eax
        movl    %eax, SAVE_CR2
        movl    %cr3, %eax
        movl    %eax, SAVE_CR3
        movl    %cr4, %eax
        movl    %eax, SAVE_CR4
        movl    %dr6, %eax
        movl    %eax, SAVE_DR6
        movl    %dr7, %eax
        movl    %eax, SAVE_DR7
        /* Check 2 starts here: into the alias below 1 MiB. */
        ljmp    $0xf000, $start16

start16:
        cli
        cld
        xorw    %ax, %ax
        movw    %ax, %ds
        movw    %ax, %es
        movw    %ax, %ss
        movl    $STACK_TOP, %esp
        /* Mask both PICs (OCW1), so IF=1 in check 3 lets nothing in. */
        movb    $0xff, %al
        outb    %al, $0x21
        outb    %al, $0xa1
        movl    $0, PASSES
        movl    $0, FAILS
        movl    $0, SKIPS
        movb    $0, LIMITS
        DISARM
        call    init_ivt
        PUTS16  "realmode: rewind86 firmware test ROM, real mode from the reset vector\n"

        call    check_reset
        call    check_addressing
        call    check_ivt
        call    check_exceptions
        call    pm_tests                /* pmode.S: checks 5 and 6 */
        call    check_prefixes
        jmp     finish16

/* init_ivt: every vector -> its rm_stubs entry (F000:rm_stubs+8v), every
 * record zeroed with EXC_FMASK = 0xFFFF (vector 1: clear TF on return). */
init_ivt:
        xorw    %di, %di
        movw    $rm_stubs, %ax
        movw    $256, %cx
1:      movw    %ax, (%di)
        movw    $0xf000, 2(%di)
        addw    $8, %ax
        addw    $4, %di
        loop    1b
        movw    $EXC_BASE, %di
        movw    $256, %cx
2:      movl    $0, (%di)
        movl    $0, 4(%di)
        movl    $0, 8(%di)
        movl    $0xffff0000, 12(%di)    /* EXC_SKIP = 0, EXC_FMASK = 0xFFFF */
        addw    $16, %di
        loop    2b
        movw    $0xfeff, EXC_BASE + 16*1 + EXC_FMASK
        ret

/* ------------------------------------------- check 1: the reset state */
/* SDM vol. 3, 9.1.1, table 9-1. EDX (the CPU signature) is model-specific:
 * saved, neither printed nor checked. */
check_reset:
        CHK     reset.cr0, SAVE_CR0, $0x60000010
        CHK     reset.eflags, SAVE_EFLAGS, $0x00000002
        CHKW    reset.cs, SAVE_CS, $0xf000
        CHKW    reset.ds, SAVE_DS, $0
        CHKW    reset.es, SAVE_ES, $0
        CHKW    reset.ss, SAVE_SS, $0
        CHKW    reset.fs, SAVE_FS, $0
        CHKW    reset.gs, SAVE_GS, $0
        CHK     reset.esp, SAVE_ESP, $0
        CHK     reset.eax, SAVE_EAX, $0
        CHK     reset.ebx, SAVE_EBX, $0
        CHK     reset.ecx, SAVE_ECX, $0
        CHK     reset.esi, SAVE_ESI, $0
        CHK     reset.edi, SAVE_EDI, $0
        CHK     reset.ebp, SAVE_EBP, $0
        CHK     reset.cr2, SAVE_CR2, $0
        CHK     reset.cr3, SAVE_CR3, $0
        CHK     reset.cr4, SAVE_CR4, $0
        CHK     reset.dr6, SAVE_DR6, $0xffff0ff0
        CHK     reset.dr7, SAVE_DR7, $0x00000400
        ret

/* ------------------------------------- check 2: real-mode addressing */
check_addressing:
        movw    %cs, %ax
        CHKW    rm.cs-alias, %ax, $0xf000
        call    1f
1:      popw    %ax                     /* IP of 1: in the F000 segment */
        CHKW    rm.ip-alias, %ax, $1b
        /* The image's last 16 bytes through the alias: the reset vector's jmp. */
        movzbl  %cs:0xfff0, %eax
        CHK     rm.alias-reset-vector, %eax, $0xe9
        /* The stack at 0:7000. */
        movw    %sp, %ax
        CHKW    rm.sp, %ax, $STACK_TOP-2
        pushw   $0xa55a
        movw    STACK_TOP - 4, %ax      /* DS = SS = 0 */
        addw    $2, %sp
        CHKW    rm.push-at-0-6ffc, %ax, $0xa55a
        /* Writes through 1000:0010, reads through 1001:0000 and 0FFF:0020
         * (linear 0x10010 all three). */
        movw    $0x1000, %ax
        movw    %ax, %es
        movw    $0x1001, %ax
        movw    %ax, %fs
        movw    $0x0fff, %ax
        movw    %ax, %gs
        movl    $0xcafebabe, %es:0x0010
        movl    %fs:0x0000, %eax
        CHK     rm.alias-1001-0000, %eax, $0xcafebabe
        movl    %gs:0x0020, %eax
        CHK     rm.alias-0fff-0020, %eax, $0xcafebabe
        movw    $0x5678, %fs:0x0002
        movl    %es:0x0010, %eax
        CHK     rm.alias-write-back, %eax, $0x5678babe
        /* A 16-bit effective address wraps at 64 KiB: ES:(BX+1) with
         * BX=FFFF is ES:0000 = linear 0x10000. */
        movb    $0x3c, %es:0x0000
        movw    $0xffff, %bx
        movzbl  %es:1(%bx), %eax
        CHK     rm.ea16-wrap, %eax, $0x3c
        xorw    %ax, %ax
        movw    %ax, %es
        movw    %ax, %fs
        movw    %ax, %gs
        ret

/* ------------------------------------------------- check 3: the IVT */
/* int60_handler: records its frame, the FLAGS it runs with and its entry SP
 * in I60_*, returns CX = 0x6060. */
int60_handler:
        pushfw
        pushw   %bp
        movw    %sp, %bp                /* bp+2 FLAGS in here, +4 IP, +6 CS, +8 FLAGS */
        pushw   %ax
        incw    I60_COUNT
        movw    2(%bp), %ax
        movw    %ax, I60_HFLAGS
        movw    4(%bp), %ax
        movw    %ax, I60_IP
        movw    6(%bp), %ax
        movw    %ax, I60_CS
        movw    8(%bp), %ax
        movw    %ax, I60_FLAGS
        leaw    4(%bp), %ax
        movw    %ax, I60_SP
        movw    $0x6060, %cx
        popw    %ax
        popw    %bp
        popfw
        iret

check_ivt:
        movw    $int60_handler, 0x180   /* vector 0x60 at 0:0180 */
        movw    $0xf000, 0x182
        movw    $0, I60_COUNT
        /* TF=1 IF=1 before the int: the handler must run with both clear,
         * iret restores them, and the single-step trap (#DB, vector 1)
         * comes after the first instruction that follows the iret. */
        EXPECT  1, $0
        pushfw
        popw    %ax
        orw     $0x0300, %ax
        movw    %ax, TMP0               /* FLAGS before */
        movw    %sp, TMP1               /* SP before */
        xorw    %cx, %cx
        pushw   %ax
        popfw                           /* TF, IF on (no trap after popf itself) */
        int     $0x60
int60_ret:
        pushfw                          /* #DB after this one */
int60_trap:
        popw    %dx                     /* FLAGS after */
        cli
        pushfw                          /* make sure TF is off whatever happened */
        andw    $0xfeff, (%esp)
        popfw
        DISARM
        CHKW    ivt.int60-ran, I60_COUNT, $1
        CHKW    ivt.int60-cx, %cx, $0x6060
        CHKW    ivt.int60-frame-ip, I60_IP, $int60_ret
        CHKW    ivt.int60-frame-cs, I60_CS, $0xf000
        movzwl  TMP0, %ebx
        CHKW    ivt.int60-frame-flags, I60_FLAGS, %ebx
        movzwl  TMP1, %ebx
        subl    $6, %ebx
        CHKW    ivt.int60-frame-sp, I60_SP, %ebx
        movw    I60_HFLAGS, %ax
        andw    $0x0300, %ax
        CHKW    ivt.int60-if-tf-cleared, %ax, $0
        movzwl  TMP0, %ebx
        CHKW    ivt.iret-flags-restored, %dx, %ebx
        CHKW    ivt.tf-trap-count, EXC_BASE+16*1+EXC_COUNT, $1
        CHKW    ivt.tf-trap-ip, EXC_BASE+16*1+EXC_IP, $int60_trap
        /* Plain again, IF=0 TF=0: the flags come back unchanged. */
        movw    $0, I60_COUNT
        pushfw
        popw    %bx
        int     $0x60
        pushfw
        popw    %ax
        CHKW    ivt.int60-flags-unchanged, %ax, %ebx
        CHKW    ivt.int60-second-run, I60_COUNT, $1
        ret

/* ------------------------------- check 4: exceptions through the IVT */
/* Each case: EXPECT arms the vector and sets how far its handler moves the
 * saved IP; SNAP, right before the instruction, saves SP and FLAGS (it
 * changes neither); then count, saved IP (faults: the faulting instruction,
 * prefixes included; traps: the next one), saved CS, saved FLAGS, and the
 * SP at handler entry (3 words pushed: real mode pushes no error code). */
        .macro  SNAP
        movw    %sp, TMP1
        pushfw
        popw    TMP0
        .endm

        .macro  EXC_VERIFY name, vec, ip
        DISARM
        CHKW    exc.\name\()-count, EXC_BASE+16*(\vec)+EXC_COUNT, $1
        CHKW    exc.\name\()-ip, EXC_BASE+16*(\vec)+EXC_IP, \ip
        CHKW    exc.\name\()-cs, EXC_BASE+16*(\vec)+EXC_CS, $0xf000
        movzwl  TMP0, %ebx
        CHKW    exc.\name\()-flags, EXC_BASE+16*(\vec)+EXC_FLAGS, %ebx
        movzwl  TMP1, %ebx
        subl    $6, %ebx
        CHKW    exc.\name\()-sp, EXC_BASE+16*(\vec)+EXC_SP, %ebx
        .endm

/* LIMIT_VERIFY: EXC_VERIFY, or one SKIP line if limits are not checked. */
        .macro  LIMIT_VERIFY name, vec, ip
        DISARM
        cmpb    $0, LIMITS
        jne     1f
        .pushsection .rodata
.Lskip\@: .asciz "exc.\name"
        .popsection
        movw    $.Lskip\@, %si
        call    skip_limit16
        jmp     2f
1:      EXC_VERIFY \name, \vec, \ip
2:
        .endm

check_exceptions:
        /* #DE: div %bx with BX = 0 (f7 f3). AX, DX unchanged. */
        movw    $0x1234, %ax
        movw    $0x5678, %dx
        xorw    %bx, %bx
        EXPECT  0, $(9f-8f)
        SNAP
8:      divw    %bx
9:      shll    $16, %edx
        movw    %ax, %dx
        movl    %edx, TMP2
        EXC_VERIFY de-div16, 0, $8b
        CHK     exc.de-div16-regs, TMP2, $0x56781234

        /* #DE: 32-bit divide in real mode (66 f7 f3): IP at the prefix. */
        movl    $1, %eax
        xorl    %edx, %edx
        xorl    %ebx, %ebx
        EXPECT  0, $(9f-8f)
        SNAP
8:      divl    %ebx
9:      EXC_VERIFY de-div32, 0, $8b

        /* #DE: quotient overflow, AX=1000h / BL=1. AX unchanged. */
        movw    $0x1000, %ax
        movb    $1, %bl
        EXPECT  0, $(9f-8f)
        SNAP
8:      divb    %bl
9:      movw    %ax, TMP2
        EXC_VERIFY de-overflow, 0, $8b
        CHKW    exc.de-overflow-ax, TMP2, $0x1000

        /* Segment limits in real mode (SDM vol. 3, 20.1.1 / 6.15): an access
         * past a 64 KiB limit raises #GP (#SS through SS), with no error
         * code. QEMU's TCG does not check limits: if this first case does
         * not fault, it and the other limit cases print SKIP and do not
         * count; if it faults, all of them must pass. */
        movl    $0x10000, %esi
        EXPECT  13, $(9f-8f)
        SNAP
8:      addr32 movb (%esi), %al
9:      movw    EXC_BASE+16*13+EXC_COUNT, %ax
        movb    %al, LIMITS
        LIMIT_VERIFY gp-addr32-limit, 13, $8b

        /* #GP: a dword at DS:FFFE straddles the limit. */
        movl    $0xfffe, %esi
        EXPECT  13, $(9f-8f)
        SNAP
8:      addr32 movl (%esi), %eax
9:      LIMIT_VERIFY gp-straddle, 13, $8b

        /* #SS: the same through SS (EBP-based): vector 12. */
        movl    $0x10000, %ebp
        EXPECT  12, $(9f-8f)
        SNAP
8:      addr32 movb (%ebp), %al
9:      xorl    %ebp, %ebp
        LIMIT_VERIFY ss-addr32-limit, 12, $8b

        /* #UD: ud2 (0f 0b). */
        EXPECT  6, $2
        SNAP
8:      ud2
        EXC_VERIFY ud-ud2, 6, $8b

        /* #BP: int3 is a trap, the saved IP is the next instruction. */
        EXPECT  3, $0
        SNAP
        int3
8:      EXC_VERIFY bp-int3, 3, $8b

        /* #OF: into with OF=1 (trap). FLAGS saved with OF set. */
        movw    $0x7fff, %ax
        EXPECT  4, $0
        incw    %ax                     /* OF=1 */
        SNAP
        into
8:      EXC_VERIFY of-into, 4, $8b

        /* #BR: bound with an index above the upper bound (fault). */
        movw    $10, SCRATCH
        movw    $20, SCRATCH + 2
        movw    $21, %ax
        EXPECT  5, $(9f-8f)
        SNAP
8:      boundw  %ax, SCRATCH
9:      EXC_VERIFY br-bound, 5, $8b
        ret
