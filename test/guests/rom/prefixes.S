/* prefixes.S: check 7, operand-size (66) and address-size (67) prefixes in
 * real mode, where the default size is 16 bits: 32-bit arithmetic, carries
 * into the high word, movzx/movsx, lea with 32-bit and 16-bit addressing,
 * SIB addressing, 32-bit push/pop/call/ret, jcxz/jecxz, loop with CX/ECX. */
        .include "rom.inc"

        .section .text16, "ax"
        .code16
        .globl  check_prefixes

/* A 32-bit near call in real mode (66 e8): pushes a dword; retl pops one. */
call32_target:
        movw    %sp, %ax
        movl    (%esp), %edx            /* the pushed return EIP */
        retl

check_prefixes:
        /* add: 16-bit leaves the high word alone, 32-bit carries into it. */
        movl    $0x1234ffff, %eax
        addw    $1, %ax
        setc    %cl
        CHK     pfx.add16-keeps-high-word, %eax, $0x12340000
        movzbl  %cl, %eax
        CHK     pfx.add16-carry, %eax, $1
        movl    $0x0000ffff, %eax
        addl    $1, %eax
        setc    %cl
        CHK     pfx.add32-carry-into-high-word, %eax, $0x00010000
        movzbl  %cl, %eax
        CHK     pfx.add32-no-carry-out, %eax, $0
        movl    $0xffffffff, %eax
        addl    $1, %eax
        setc    %cl
        setz    %ch
        movzwl  %cx, %eax
        CHK     pfx.add32-carry-out-zf, %eax, $0x0101
        /* 64-bit add with add/adc: 1_FFFFFFFF + 1 = 2_00000000. */
        movl    $0xffffffff, %eax
        movl    $1, %edx
        addl    $1, %eax
        adcl    $0, %edx
        CHK     pfx.adc32-low, %eax, $0
        CHK     pfx.adc32-high, %edx, $2
        /* sub with borrow out of the high word. */
        movl    $0x00010000, %eax
        subl    $1, %eax
        CHK     pfx.sub32-borrow, %eax, $0x0000ffff
        /* 32-bit multiply and divide. */
        movl    $0x00010000, %eax
        movl    $0x00010000, %ebx
        mull    %ebx
        CHK     pfx.mul32-low, %eax, $0
        CHK     pfx.mul32-high, %edx, $1
        movl    $0x00000003, %edx
        movl    $0x00000007, %eax       /* EDX:EAX = 3_00000007 */
        movl    $0x00010000, %ebx
        divl    %ebx
        CHK     pfx.div32-quotient, %eax, $0x00030000
        CHK     pfx.div32-remainder, %edx, $7
        movl    $0xfffffffd, %ebx       /* -3 */
        imull   $-7, %ebx, %eax
        CHK     pfx.imul32-imm, %eax, $21
        movl    $0x89abcdef, %eax
        movl    $0x01234567, %ebx
        shldl   $8, %ebx, %eax
        CHK     pfx.shld32, %eax, $0xabcdef01

        /* movzx / movsx. */
        movl    $0xffffffff, %ecx
        movb    $0x80, %bl
        movzbl  %bl, %ecx
        CHK     pfx.movzbl, %ecx, $0x00000080
        movsbl  %bl, %ecx
        CHK     pfx.movsbl, %ecx, $0xffffff80
        movl    $0x12345678, %ecx
        movsbw  %bl, %cx                /* 16-bit destination: high word kept */
        CHK     pfx.movsbw, %ecx, $0x1234ff80
        movl    $0x12345678, %ecx
        movzbw  %bl, %cx
        CHK     pfx.movzbw, %ecx, $0x12340080
        movw    $0x8001, %bx
        movzwl  %bx, %ecx
        CHK     pfx.movzwl, %ecx, $0x00008001
        movswl  %bx, %ecx
        CHK     pfx.movswl, %ecx, $0xffff8001
        movw    $0xfedc, SCRATCH
        movswl  SCRATCH, %ecx           /* memory source, 16-bit address */
        CHK     pfx.movswl-mem, %ecx, $0xfffffedc
        movl    $SCRATCH, %esi
        movzwl  (%esi), %ecx            /* memory source, 32-bit address */
        CHK     pfx.movzwl-mem-addr32, %ecx, $0x0000fedc

        /* lea. */
        movl    $0x12340000, %eax
        movl    $0x00001000, %ebx
        leal    0x10(%eax,%ebx,4), %ecx
        CHK     pfx.lea32-sib, %ecx, $0x12344010
        movl    $0x12340000, %eax       /* CHK clobbers EAX and EBX */
        movl    $0x00001000, %ebx
        movl    $0xffffffff, %ecx
        leaw    0x10(%eax,%ebx,4), %cx  /* 32-bit address, 16-bit result */
        CHK     pfx.lea32-into-16, %ecx, $0xffff4010
        movl    $0x80000000, %eax
        leal    -1(%eax), %ecx          /* no 64 KiB wrap with a 32-bit address */
        CHK     pfx.lea32-disp-neg, %ecx, $0x7fffffff
        movl    $0xaaaaffff, %ebx
        movl    $0xbbbb0002, %esi
        movl    $0x12345678, %eax
        leaw    0x10(%bx,%si), %ax      /* 16-bit address wraps */
        CHK     pfx.lea16-wrap, %eax, $0x12340011
        movl    $0xaaaaffff, %ebx
        movl    $0xbbbb0002, %esi
        leal    0x10(%bx,%si), %eax     /* 16-bit address, zero-extended */
        CHK     pfx.lea16-into-32, %eax, $0x00000011
        movl    $0x00010000, %ebx
        leal    (%ebx,%ebx,2), %eax     /* beyond 64 KiB: fine for lea */
        CHK     pfx.lea32-beyond-64k, %eax, $0x00030000

        /* SIB memory operands within the segment. */
        movl    $0x11112222, SCRATCH + 0x10
        movl    $0x33334444, SCRATCH + 0x14
        movl    $SCRATCH, %ebx
        movl    $5, %ecx
        movl    (%ebx,%ecx,4), %eax     /* SCRATCH + 0x14 */
        CHK     pfx.sib-load, %eax, $0x33334444
        movl    $SCRATCH, %ebx
        movw    -2(%ebx,%ecx,4), %ax    /* SCRATCH + 0x12 */
        movzwl  %ax, %eax
        CHK     pfx.sib-load16, %eax, $0x1111
        movl    $SCRATCH, %ebx
        movl    $0x55556666, 0x10(%ebx,%ecx,2)
        movl    SCRATCH + 0x1a, %eax
        CHK     pfx.sib-store, %eax, $0x55556666
        /* A 32-bit address through SS: ESP-based, default SS. */
        pushl   $0x77778888
        movl    (%esp), %eax
        popl    %ecx
        CHK     pfx.esp-based-load, %eax, $0x77778888

        /* push/pop sizes. */
        movw    %sp, %bx
        pushl   $0x12345678
        movw    %sp, %dx
        movw    (%esp), %ax             /* low word first */
        popl    %ecx
        subw    %dx, %bx
        movzwl  %bx, %ebx
        movl    %ebx, TMP0
        CHK     pfx.pushl-sp-delta, TMP0, $4
        CHK     pfx.pushl-popl, %ecx, $0x12345678
        movzwl  %ax, %eax
        CHK     pfx.pushl-low-word-first, %eax, $0x5678
        movw    %sp, %bx
        pushw   $0xabcd
        movw    %sp, %dx
        popw    %cx
        subw    %dx, %bx
        movzwl  %bx, %eax
        CHK     pfx.pushw-sp-delta, %eax, $2
        movw    %sp, TMP0               /* popal restores BX and DX: SPs in memory */
        pushal
        movw    %sp, TMP1
        popal
        movw    TMP0, %ax
        subw    TMP1, %ax
        movzwl  %ax, %eax
        CHK     pfx.pushal-sp-delta, %eax, $32
        movl    $0x11111111, %eax
        movl    $0x22222222, %ecx
        movl    $0x33333333, %edx
        movl    $0x44444444, %ebx
        movl    $0x55555555, %ebp
        movl    $0x66666666, %esi
        movl    $0x77777777, %edi
        movzwl  %sp, %eax
        movl    %eax, TMP3              /* ESP before pushal */
        movl    $0x11111111, %eax
        pushal
        movl    (%esp), %eax            /* EDI, pushed last */
        movl    %eax, TMP0
        movl    28(%esp), %eax          /* EAX, pushed first */
        movl    %eax, TMP1
        movl    12(%esp), %eax          /* the ESP before pushal */
        movl    %eax, TMP2
        movl    $0, (%esp)
        movl    $0, 28(%esp)
        popal
        CHK     pfx.popal-loads-eax, %eax, $0
        CHK     pfx.popal-loads-edi, %edi, $0
        CHK     pfx.pushal-edi-at-esp, TMP0, $0x77777777
        CHK     pfx.pushal-eax-at-esp28, TMP1, $0x11111111
        CHK     pfx.pushal-saved-esp, TMP2, TMP3
        CHK     pfx.popal-loads-ebp, %ebp, $0x55555555
        xorl    %ebp, %ebp
        movw    %sp, %bx
        pushfl
        popl    %eax
        movw    %sp, %dx
        subw    %dx, %bx
        movzwl  %bx, %eax
        CHK     pfx.pushfl-popl-balanced, %eax, $0

        /* call/ret with a 32-bit operand size. */
        movw    %sp, %bx
        calll   call32_target
9:      subw    %ax, %bx                /* AX = SP inside */
        movzwl  %bx, %eax
        CHK     pfx.calll-pushes-4, %eax, $4
        CHK     pfx.calll-return-eip, %edx, $9b

        /* jcxz tests CX, jecxz (67 e3) ECX. */
        movl    $0x00010000, %ecx
        xorw    %ax, %ax
        jcxz    1f
        movb    $1, %al
1:      jecxz   2f
        movb    $2, %ah
2:      movzwl  %ax, %eax
        CHK     pfx.jcxz-jecxz, %eax, $0x0200

        /* loop: 16-bit CX (high word of ECX kept), addr32 loop: ECX. */
        movl    $0x00030005, %ecx
        xorl    %edx, %edx
1:      incl    %edx
        loop    1b
        CHK     pfx.loop-cx-count, %edx, $5
        CHK     pfx.loop-cx-keeps-high, %ecx, $0x00030000
        movl    $0x00010003, %ecx
        xorl    %edx, %edx
1:      incl    %edx
        addr32 loop 1b
        CHK     pfx.loop-ecx-count, %edx, $0x00010003
        CHK     pfx.loop-ecx-end, %ecx, $0

        /* String ops: 16-bit SI/DI vs 32-bit ESI/EDI with addr32. */
        movl    $0xabcd0000 + SCRATCH + 0x40, %edi
        movl    $0x01020304, %eax
        stosl                           /* 16-bit address: ES:DI, DI += 4 */
        movl    %edi, %ecx
        CHK     pfx.stosl-di16, %ecx, $0xabcd0000+SCRATCH+0x44
        movl    SCRATCH + 0x40, %eax
        CHK     pfx.stosl-value, %eax, $0x01020304
        movl    $SCRATCH + 0x48, %edi
        movl    $0x05060708, %eax
        addr32 stosl                    /* ES:EDI, EDI += 4 */
        CHK     pfx.stosl-edi32, %edi, $SCRATCH+0x4c
        movl    SCRATCH + 0x48, %eax
        CHK     pfx.stosl-edi32-value, %eax, $0x05060708
        ret
