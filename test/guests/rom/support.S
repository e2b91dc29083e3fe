/* support.S: COM1 output, the PASS/FAIL checks, the summary and exit, and
 * the catch-all exception stubs, in a real-mode (16-bit) and a
 * protected-mode (32-bit) flavour.
 *
 * Output: each byte is written to COM1's THR (port 0x3f8) with `outb`;
 * QEMU and rewind86 need no UART setup for that. The end: the number of
 * failures goes to port 0xf4 with a 32-bit `out` (isa-debug-exit: the
 * emulator exits with (code << 1) | 1), then `cli; hlt`.
 */
        .include "rom.inc"

        .section .text16, "ax"
        .code16

/* ---------------------------------------------------------------- 16-bit */

        .globl  putc16, puts16, puthex16, putdec16, newline16
/* putc16: AL to COM1. */
putc16:
        pushw   %dx
        movw    $COM1, %dx
        outb    %al, %dx
        popw    %dx
        ret

/* puts16: the zero-terminated string at CS:SI. */
puts16:
        pushw   %ax
        pushw   %si
1:      movb    %cs:(%si), %al
        incw    %si
        testb   %al, %al
        jz      2f
        call    putc16
        jmp     1b
2:      popw    %si
        popw    %ax
        ret

/* puthex16: EAX as 8 hex digits. */
puthex16:
        pushal
        movw    $8, %cx
1:      roll    $4, %eax
        pushl   %eax
        andb    $0xf, %al
        addb    $'0', %al
        cmpb    $'9', %al
        jbe     2f
        addb    $'a' - '0' - 10, %al
2:      call    putc16
        popl    %eax
        loop    1b
        popal
        ret

/* putdec16: EAX in decimal. */
putdec16:
        pushal
        xorw    %cx, %cx
        movl    $10, %ebx
1:      xorl    %edx, %edx
        divl    %ebx
        pushw   %dx
        incw    %cx
        testl   %eax, %eax
        jnz     1b
2:      popw    %ax
        addb    $'0', %al
        call    putc16
        loop    2b
        popal
        ret

newline16:
        pushw   %ax
        movb    $'\n', %al
        call    putc16
        popw    %ax
        ret

/* check_eq16: EAX = got, EBX = want, CS:SI = name. Counts in PASSES/FAILS
 * (linear, through DS = 0). Preserves every register. */
        .globl  check_eq16
check_eq16:
        pushal
        pushw   %ds
        pushw   $0
        popw    %ds
        cmpl    %ebx, %eax
        jne     1f
        incl    PASSES
        PUTS16  "PASS "
        call    puts16
        call    newline16
        jmp     2f
1:      incl    FAILS
        PUTS16  "FAIL "
        call    puts16
        PUTS16  ": got 0x"
        call    puthex16
        PUTS16  " want 0x"
        movl    %ebx, %eax
        call    puthex16
        call    newline16
2:      popw    %ds
        popal
        ret

/* skip_limit16: CS:SI = name; prints "SKIP name: ..." and counts it. For
 * the checks that need real-mode segment limits when the first of them
 * (exc.gp-addr32-limit) did not fault: the emulator does not check them. */
        .globl  skip_limit16
skip_limit16:
        pushw   %ds
        pushw   $0
        popw    %ds
        incl    SKIPS
        PUTS16  "SKIP "
        call    puts16
        PUTS16  ": segment limits are not checked here (no #GP in exc.gp-addr32-limit)\n"
        popw    %ds
        ret

/* finish16: the summary line, exit code = failures, halt. */
        .globl  finish16
finish16:
        xorw    %ax, %ax
        movw    %ax, %ds
        PUTS16  "realmode: "
        movl    PASSES, %eax
        call    putdec16
        PUTS16  " passed, "
        movl    FAILS, %eax
        call    putdec16
        PUTS16  " failed, "
        movl    SKIPS, %eax
        call    putdec16
        PUTS16  " skipped\n"
        movl    FAILS, %eax
        outl    %eax, $EXIT_PORT
1:      cli
        hlt
        jmp     1b

/* The real-mode catch-all: 256 stubs, 8 bytes apart (init_ivt points every
 * IVT entry at one), push the vector and go to rm_exc_common. */
        .balign 8
        .globl  rm_stubs
rm_stubs:
        .set    vec, 0
        .rept   256
        .balign 8
        pushw   $vec
        jmp     rm_exc_common
        .set    vec, vec + 1
        .endr

/* rm_exc_common: records the delivery in the vector's record (EXC_BASE +
 * 16*v), adds its EXC_SKIP to the saved IP (faults: to step over the
 * faulting instruction), ANDs EXC_FMASK into the saved FLAGS, and returns
 * with iret. A vector that is not armed (ARMED0/ARMED1) is a failure that
 * ends the run. */
rm_exc_common:
        pushw   %bp
        movw    %sp, %bp                /* bp+2 vector, +4 IP, +6 CS, +8 FLAGS */
        pushfw                          /* bp-2: FLAGS in the handler */
        pushw   %ds
        pushw   %ax
        pushw   %bx
        xorw    %ax, %ax
        movw    %ax, %ds
        movw    2(%bp), %bx
        andw    $0xff, %bx
        cmpb    ARMED0, %bl
        je      1f
        cmpb    ARMED1, %bl
        jne     rm_unexpected
1:      shlw    $4, %bx
        addw    $EXC_BASE, %bx
        incw    EXC_COUNT(%bx)
        movw    4(%bp), %ax
        movw    %ax, EXC_IP(%bx)
        movw    6(%bp), %ax
        movw    %ax, EXC_CS(%bx)
        movw    8(%bp), %ax
        movw    %ax, EXC_FLAGS(%bx)
        leaw    4(%bp), %ax
        movw    %ax, EXC_SP(%bx)
        movw    -2(%bp), %ax
        movw    %ax, EXC_HFLAGS(%bx)
        movw    EXC_SKIP(%bx), %ax
        addw    %ax, 4(%bp)
        movw    EXC_FMASK(%bx), %ax
        andw    %ax, 8(%bp)
        popw    %bx
        popw    %ax
        popw    %ds
        popfw
        popw    %bp
        addw    $2, %sp
        iret

rm_unexpected:
        incl    FAILS
        PUTS16  "FAIL unexpected interrupt in real mode: vector 0x"
        movzwl  2(%bp), %eax
        call    puthex16
        PUTS16  " at "
        movzwl  6(%bp), %eax
        call    puthex16
        PUTS16  ":"
        movzwl  4(%bp), %eax
        call    puthex16
        PUTS16  " flags 0x"
        movzwl  8(%bp), %eax
        call    puthex16
        call    newline16
        jmp     finish16

/* ---------------------------------------------------------------- 32-bit */
        .code32

        .globl  putc32, puts32, puthex32, newline32, check_eq32, finish32
putc32:
        pushl   %edx
        movw    $COM1, %dx
        outb    %al, %dx
        popl    %edx
        ret

/* puts32: the zero-terminated string at DS:ESI (flat). */
puts32:
        pushl   %eax
        pushl   %esi
1:      movb    (%esi), %al
        incl    %esi
        testb   %al, %al
        jz      2f
        call    putc32
        jmp     1b
2:      popl    %esi
        popl    %eax
        ret

puthex32:
        pushal
        movl    $8, %ecx
1:      roll    $4, %eax
        pushl   %eax
        andb    $0xf, %al
        addb    $'0', %al
        cmpb    $'9', %al
        jbe     2f
        addb    $'a' - '0' - 10, %al
2:      call    putc32
        popl    %eax
        loop    1b
        popal
        ret

putdec32:
        pushal
        xorl    %ecx, %ecx
        movl    $10, %ebx
1:      xorl    %edx, %edx
        divl    %ebx
        pushl   %edx
        incl    %ecx
        testl   %eax, %eax
        jnz     1b
2:      popl    %eax
        addb    $'0', %al
        call    putc32
        loop    2b
        popal
        ret

newline32:
        pushl   %eax
        movb    $'\n', %al
        call    putc32
        popl    %eax
        ret

/* check_eq32: EAX = got, EBX = want, ESI = name (linear). */
check_eq32:
        pushal
        cmpl    %ebx, %eax
        jne     1f
        incl    PASSES
        PUTS32  "PASS "
        call    puts32
        call    newline32
        jmp     2f
1:      incl    FAILS
        PUTS32  "FAIL "
        call    puts32
        PUTS32  ": got 0x"
        call    puthex32
        PUTS32  " want 0x"
        movl    %ebx, %eax
        call    puthex32
        call    newline32
2:      popal
        ret

finish32:
        PUTS32  "realmode: "
        movl    PASSES, %eax
        call    putdec32
        PUTS32  " passed, "
        movl    FAILS, %eax
        call    putdec32
        PUTS32  " failed, "
        movl    SKIPS, %eax
        call    putdec32
        PUTS32  " skipped\n"
        movl    FAILS, %eax
        outl    %eax, $EXIT_PORT
1:      cli
        hlt
        jmp     1b

/* Protected-mode catch-all for vectors 0-31 (pmode.S fills the IDT with
 * these): nothing is expected to fault there, so any exception prints what
 * it can and ends the run. */
        .balign 8
        .globl  pm_stubs
pm_stubs:
        .set    vec, 0
        .rept   32
        .balign 8
        pushl   $vec
        jmp     pm_exc_common
        .set    vec, vec + 1
        .endr

pm_exc_common:
        movl    $SEL_DATA32, %eax
        movw    %ax, %ds
        incl    FAILS
        PUTS32  "FAIL unexpected exception in protected mode: vector 0x"
        movl    (%esp), %eax
        call    puthex32
        PUTS32  ", stack 0x"
        movl    4(%esp), %eax
        call    puthex32
        PUTS32  " 0x"
        movl    8(%esp), %eax
        call    puthex32
        PUTS32  " 0x"
        movl    12(%esp), %eax
        call    puthex32
        call    newline32
        jmp     finish32
