/* tracecmp: the workload routines (cdecl, called from tracecmp.c).
 * Deterministic: they read only their arguments and the guest's own memory.
 */
        .text

/* u32 arith(u32 seed, u32 rounds): integer arithmetic, shifts, rotates, bit
 * operations, setcc and cmov on a pseudo-random sequence (LCG). Divisors are
 * chosen so that neither division faults. */
        .globl arith
        .type arith, @function
arith:
        pushl   %ebx
        pushl   %esi
        pushl   %edi
        pushl   %ebp
        movl    20(%esp), %eax          /* x = seed */
        movl    24(%esp), %ebp          /* rounds */
        movl    $0x9e3779b9, %esi
        movl    $0x12345678, %edi
1:      imull   $1103515245, %eax, %eax
        addl    $12345, %eax
        movl    %eax, %ebx              /* ebx = x */
        addl    %ebx, %esi
        adcl    %eax, %edi
        subl    $0x1111, %esi
        sbbl    $0, %edi
        adcb    %bl, %dh
        sbbw    %si, %dx
        /* mul, imul */
        pushl   %eax
        mull    %edi                    /* edx:eax = x * edi */
        xorl    %edx, %esi
        addl    %eax, %edi
        movl    %ebx, %eax
        imull   %ebx                    /* edx:eax = x * x, signed */
        xorl    %eax, %edi
        addl    %edx, %esi
        imull   %esi, %edx
        imulw   $-7, %dx, %dx
        xorl    %edx, %edi
        /* div: edx < 0x10000 <= divisor */
        movl    %esi, %edx
        andl    $0xffff, %edx
        movl    %ebx, %ecx
        orl     $0x10000, %ecx
        movl    %edi, %eax
        divl    %ecx
        addl    %eax, %esi
        xorl    %edx, %edi
        /* idiv: divisor even and non-zero (never -1), |divisor| < 2^11 */
        movl    %edi, %eax
        cltd
        movl    %esi, %ecx
        sarl    $20, %ecx
        orl     $2, %ecx
        idivl   %ecx
        addl    %eax, %edi
        subl    %edx, %esi
        movl    %esi, %eax
        andl    $0x1fff, %eax           /* AX < 37 * 256: the quotient fits AL */
        movb    $37, %cl
        divb    %cl
        addw    %ax, %di
        popl    %eax
        /* shifts and rotates, by 1, by an immediate and by CL (count from x, may be 0) */
        movl    %eax, %ecx
        shrl    $24, %ecx
        movl    %esi, %edx
        shll    %cl, %edx
        xorl    %edx, %edi
        movl    %edi, %edx
        shrl    $3, %edx
        addl    %edx, %esi
        sarl    %cl, %edi
        sarl    $1, %edx
        roll    $7, %esi
        rorl    %cl, %ebx
        rcll    $1, %esi
        rcrl    $1, %edi                /* not by CL: see tracecmp.c (OF for counts > 1) */
        rolw    %cl, %dx
        rcrb    $1, %dl                 /* not by 3: same reason */
        shldl   %cl, %esi, %edi
        shrdl   $5, %edi, %esi
        addl    %edx, %ebx
        /* bit tests and scans */
        btl     %ecx, %esi
        adcl    $0, %edi
        btsl    $3, %edi
        btrl    %ecx, %esi
        btcl    $17, %ebx
        sbbl    %ebx, %esi
        movl    %esi, %edx
        orl     $0x10, %edx
        bsfl    %edx, %edx
        addl    %edx, %edi
        movl    %edi, %edx
        orl     $1, %edx
        bsrl    %edx, %edx
        xorl    %edx, %esi
        /* setcc, cmov */
        cmpl    %esi, %edi
        setb    %dl
        setg    %dh
        movzwl  %dx, %edx
        addl    %edx, %esi
        testl   %ebx, %eax
        sete    %dl
        setp    %dh
        sets    %cl
        xorl    %edx, %edi
        cmpl    %ebx, %eax
        cmovl   %ebx, %edx
        cmovae  %esi, %ecx
        addl    %edx, %edi
        xorl    %ecx, %esi
        negl    %ecx
        notl    %edx
        incl    %edx
        decl    %ecx
        xchgl   %ecx, %edx
        addl    %ecx, %ebx
        andl    %edx, %esi
        orl     %ebx, %edi
        decl    %ebp
        jnz     1b
        movl    %esi, %eax
        xorl    %edi, %eax
        addl    %ebx, %eax
        popl    %ebp
        popl    %edi
        popl    %esi
        popl    %ebx
        ret
        .size arith, . - arith

/* void copy_dwords(void *dst, const void *src, u32 ndwords): rep movsd */
        .globl copy_dwords
        .type copy_dwords, @function
copy_dwords:
        pushl   %esi
        pushl   %edi
        movl    12(%esp), %edi
        movl    16(%esp), %esi
        movl    20(%esp), %ecx
        rep movsl
        popl    %edi
        popl    %esi
        ret
        .size copy_dwords, . - copy_dwords

/* void fill_bytes(void *dst, int c, u32 n): rep stosb */
        .globl fill_bytes
        .type fill_bytes, @function
fill_bytes:
        pushl   %edi
        movl    8(%esp), %edi
        movl    12(%esp), %eax
        movl    16(%esp), %ecx
        rep stosb
        popl    %edi
        ret
        .size fill_bytes, . - fill_bytes

/* u32 scan_byte(const void *p, int c, u32 n): repne scasb; returns the
 * count left in ECX (0 if not found) */
        .globl scan_byte
        .type scan_byte, @function
scan_byte:
        pushl   %edi
        movl    8(%esp), %edi
        movl    12(%esp), %eax
        movl    16(%esp), %ecx
        repne scasb
        movl    %ecx, %eax
        popl    %edi
        ret
        .size scan_byte, . - scan_byte

/* u32 movsb_none(void *dst, const void *src): rep movsb with ECX = 0 (moves
 * nothing); returns EDI - dst (0) + ESI - src (0) */
        .globl movsb_none
        .type movsb_none, @function
movsb_none:
        pushl   %esi
        pushl   %edi
        movl    12(%esp), %edi
        movl    16(%esp), %esi
        xorl    %ecx, %ecx
        rep movsb
        movl    %edi, %eax
        subl    12(%esp), %eax
        addl    %esi, %eax
        subl    16(%esp), %eax
        popl    %edi
        popl    %esi
        ret
        .size movsb_none, . - movsb_none

/* u32 compare_bytes(const void *a, const void *b, u32 n): repe cmpsb;
 * returns ECX left << 8 | (CF << 1 | ZF) */
        .globl compare_bytes
        .type compare_bytes, @function
compare_bytes:
        pushl   %esi
        pushl   %edi
        movl    12(%esp), %esi
        movl    16(%esp), %edi
        movl    20(%esp), %ecx
        xorl    %eax, %eax              /* also sets ZF: n = 0 compares nothing */
        repe cmpsb
        setz    %al
        setc    %ah
        shlb    $1, %ah
        orb     %ah, %al
        movzbl  %al, %eax
        shll    $8, %ecx
        orl     %ecx, %eax
        popl    %edi
        popl    %esi
        ret
        .size compare_bytes, . - compare_bytes

/* u32 loop_sum(u32 n): sum of i * i for i = n..1 with `loop` (n > 0) */
        .globl loop_sum
        .type loop_sum, @function
loop_sum:
        movl    4(%esp), %ecx
        xorl    %eax, %eax
1:      movl    %ecx, %edx
        imull   %ecx, %edx
        addl    %edx, %eax
        loop    1b
        ret
        .size loop_sum, . - loop_sum

/* ---- exception triggers ---- */

/* u32 do_int3(u32 a): returns a + 1 after int3 (#BP, a trap) */
        .globl do_int3
        .type do_int3, @function
do_int3:
        movl    4(%esp), %eax
        int3
        incl    %eax
        ret
        .size do_int3, . - do_int3

/* u32 do_ud2(u32 a): ud2 (#UD, the handler skips it); returns a ^ 0x55 */
        .globl do_ud2
        .type do_ud2, @function
do_ud2:
        movl    4(%esp), %eax
        ud2
        xorl    $0x55, %eax
        ret
        .size do_ud2, . - do_ud2

/* u32 do_div0(u32 a): divl by zero (#DE, the handler skips the 2-byte
 * divl); EAX and EDX are left as they were: returns a + 7 */
        .globl do_div0
        .type do_div0, @function
do_div0:
        movl    4(%esp), %eax
        xorl    %edx, %edx
        xorl    %ecx, %ecx
        divl    %ecx                    /* f7 f1 */
        addl    $7, %eax
        addl    %edx, %eax
        ret
        .size do_div0, . - do_div0

/* u32 do_int80(u32 a): int 0x80, the handler returns 3 * a + 1 */
        .globl do_int80
        .type do_int80, @function
do_int80:
        movl    4(%esp), %eax
        int     $0x80
        ret
        .size do_int80, . - do_int80

        .section .note.GNU-stack, "", @progbits
