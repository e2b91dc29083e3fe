/* Code that the smc guest executes and then rewrites (see smc.c).
 *
 * Everything here is called from C with the i386 cdecl convention (arguments
 * on the stack; EAX, ECX, EDX are the caller's to lose). Labels named
 * smc_<case>_imm / _insn mark the bytes that get rewritten.
 *
 * No paging is enabled, so these pages are writable although link.ld puts
 * .text into an R+X program header: the multiboot loader only copies the
 * bytes, and without CR0.PG every RAM page is writable.
 *
 * MARK K: "movb $K, %al; outb %al, $0xe8" right before a self-modifying
 * sequence. Port 0xe8 is unassigned (QEMU ignores the write, as does
 * rewind86 unless a test claims it); test/smc.test.ts claims it in one run
 * to stop the machine there and then run exactly K more instructions, so
 * that the store and the instruction it rewrites end up in one block that
 * the icount budget cut short (an uncached translation). K counts the
 * instructions after the OUT up to and including the rewritten one.
 */
#define MARK_PORT 0xe8
.macro MARK k
        movb    $\k, %al
        outb    %al, $MARK_PORT
.endm

        /* Page-aligned and padded to a page, so that nothing else shares
         * these pages: stores from C come from other pages. */
        .section .text.smc, "ax"
        .balign 4096

/* ---- (a) patch the imm32 of a function that already ran ---- */

        /* u32 smc_a_fn(void): returns the imm32 (unaligned: at offset 1). */
        .globl smc_a_fn, smc_a_imm
        .type smc_a_fn, @function
smc_a_fn:
        movl    $0x11111111, %eax
smc_a_imm = . - 4
        ret
        .size smc_a_fn, . - smc_a_fn

        /* u32 smc_a2_fn(void): the same with a 4-byte aligned imm32. */
        .balign 16
        .globl smc_a2_fn, smc_a2_imm
        .type smc_a2_fn, @function
smc_a2_fn:
        nop
        nop
        nop
        movl    $0x22222222, %eax       /* opcode at +3, imm32 at +4 */
smc_a2_imm = . - 4
        ret
        .size smc_a2_fn, . - smc_a2_fn

        /* u32 smc_i_entry(void): jumps (a constant, same-page target that
         * the emulator may chain to) to a block whose imm8 C rewrites. */
        .balign 16
        .globl smc_i_entry, smc_i_imm
        .type smc_i_entry, @function
smc_i_entry:
        xorl    %eax, %eax
        jmp     smc_i_target
        .balign 16
smc_i_target:
        addl    $0x11, %eax             /* 83 c0 ib */
smc_i_imm = . - 1
        ret
        .size smc_i_entry, . - smc_i_entry

/* ---- (b) a store that rewrites a later instruction of its own block ---- */

        /* u32 smc_b1(u32 v): writes v's low byte over the imm8 of an add
         * three instructions later; returns 2 + (s8)v. */
        .balign 16
        .globl smc_b1
        .type smc_b1, @function
smc_b1:
        MARK    6
        movl    4(%esp), %ecx
        xorl    %eax, %eax
        movb    %cl, smc_b1_imm
        incl    %eax
        incl    %eax
        addl    $0x01, %eax             /* 83 c0 ib */
smc_b1_imm = . - 1
        ret
        .size smc_b1, . - smc_b1

        /* u32 smc_b2(u32 bytes): writes the dword `bytes` over the next
         * instruction and the one after: 83 c0 7f 90 (add $0x7f,%eax; nop)
         * returns 0x80, 90 90 90 90 (four nops) returns 1. */
        .balign 16
        .globl smc_b2
        .type smc_b2, @function
smc_b2:
        MARK    4
        movl    4(%esp), %ecx
        movl    $1, %eax
        movl    %ecx, smc_b2_insn
smc_b2_insn:
        addl    $0x7f, %eax
        nop
        ret
        .size smc_b2, . - smc_b2

        /* u32 smc_b3(u32 v): the store rewrites the imm32 of the very next
         * instruction (add $imm32, %eax with EAX = 0); returns v. */
        .balign 16
        .globl smc_b3
        .type smc_b3, @function
smc_b3:
        MARK    5
        movl    4(%esp), %ecx
        movl    $smc_b3_next, %edx
        xorl    %eax, %eax
        movl    %ecx, 1(%edx)
smc_b3_next:
        .byte   0x05                    /* add $imm32, %eax */
        .long   0xdeadbeef
        ret
        .size smc_b3, . - smc_b3

/* ---- (c) loops ---- */

        /* u32 smc_c_loop(u32 n): n times EAX += imm8 (C rewrites the imm8). */
        .balign 16
        .globl smc_c_loop, smc_c_imm
        .type smc_c_loop, @function
smc_c_loop:
        movl    4(%esp), %ecx
        xorl    %eax, %eax
1:      addl    $3, %eax                /* 83 c0 ib */
smc_c_imm = . - 1
        decl    %ecx
        jnz     1b
        ret
        .size smc_c_loop, . - smc_c_loop

        /* u32 smc_c_self(u32 n): iteration k = 1..n writes k into the
         * imm32 of the add that follows, so EAX = n(n+1)/2. The loop body
         * is one block that jumps to its own start. */
        .balign 16
        .globl smc_c_self
        .type smc_c_self, @function
smc_c_self:
        movl    4(%esp), %ecx
        xorl    %eax, %eax
        xorl    %edx, %edx
1:      incl    %edx
        movl    %edx, smc_c_self_imm
        .byte   0x05                    /* add $imm32, %eax */
smc_c_self_imm:
        .long   0
        cmpl    %ecx, %edx
        jne     1b
        ret
        .size smc_c_self, . - smc_c_self

/* ---- (f) string instructions and push rewriting the next instruction ---- */

        /* u32 smc_f_stosb(u32 v): a single stosb writes v's low byte over
         * the imm8 of an add two instructions later; returns 2 + (s8)v. */
        .balign 16
        .globl smc_f_stosb
        .type smc_f_stosb, @function
smc_f_stosb:
        pushl   %edi
        MARK    5
        movl    8(%esp), %eax
        movl    $smc_f_stosb_imm, %edi
        stosb
        movl    $2, %eax
        addl    $0x01, %eax             /* 83 c0 ib */
smc_f_stosb_imm = . - 1
        popl    %edi
        ret
        .size smc_f_stosb, . - smc_f_stosb

        /* u32 smc_f_repstos(u32 v): rep stosb (ECX = 4) writes v's low byte
         * into the four bytes of the next mov's imm32; returns
         * (v & 0xff) * 0x01010101. */
        .balign 16
        .globl smc_f_repstos
        .type smc_f_repstos, @function
smc_f_repstos:
        pushl   %edi
        MARK    5
        movl    8(%esp), %eax
        movl    $smc_f_repstos_imm, %edi
        movl    $4, %ecx
        rep stosb
        .byte   0xb8                    /* mov $imm32, %eax */
smc_f_repstos_imm:
        .long   0
        popl    %edi
        ret
        .size smc_f_repstos, . - smc_f_repstos

        /* u32 smc_f_repmovs(const u32 *src): rep movsb copies *src over
         * the next mov's imm32; returns *src. */
        .balign 16
        .globl smc_f_repmovs
        .type smc_f_repmovs, @function
smc_f_repmovs:
        pushl   %esi
        pushl   %edi
        MARK    5
        movl    12(%esp), %esi
        movl    $smc_f_repmovs_imm, %edi
        movl    $4, %ecx
        rep movsb
        .byte   0xb8                    /* mov $imm32, %eax */
smc_f_repmovs_imm:
        .long   0
        popl    %edi
        popl    %esi
        ret
        .size smc_f_repmovs, . - smc_f_repmovs

        /* u32 smc_g_push(u32 v): with ESP pointed just past the next
         * instruction's imm32, a push writes v there; returns v. */
        .balign 16
        .globl smc_g_push
        .type smc_g_push, @function
smc_g_push:
        MARK    5
        movl    4(%esp), %ecx
        movl    %esp, %edx
        movl    $smc_g_end, %esp
        pushl   %ecx                    /* writes smc_g_end-4 .. smc_g_end-1 */
        .byte   0xb8                    /* mov $imm32, %eax */
        .long   0
smc_g_end:
        movl    %edx, %esp
        ret
        .size smc_g_push, . - smc_g_push

/* ---- (d) templates copied into a data buffer and run there ---- */

        /* u32 tmpl_a(u32 x) = x + 0xa0a0a0a0 */
        .globl tmpl_a, tmpl_a_end
tmpl_a:
        movl    $0xa0a0a0a0, %eax
        addl    4(%esp), %eax
        ret
tmpl_a_end:
        /* u32 tmpl_b(u32 x) = (x * 3) ^ 0xb0b0b0b0 */
        .globl tmpl_b, tmpl_b_end
tmpl_b:
        movl    4(%esp), %eax
        leal    (%eax,%eax,2), %eax
        xorl    $0xb0b0b0b0, %eax
        ret
tmpl_b_end:

        .balign 4096                    /* the rest of the page: no one else's code */

/* ---- (e) stores that cross a page boundary into code ---- */

        /* Three pages: P0 is never executed (filler), P1 starts with
         * smc_e_fn and ends with the first bytes of smc_e2_fn, whose imm32
         * continues into P2. */
        .section .text.smc_cross, "ax"
        .balign 4096
        .globl smc_e_page0
smc_e_page0:
        .fill   4096, 1, 0xcc

        /* u32 smc_e_fn(void) at P1+0: mov $imm32, %eax; ret. A dword
         * store at P0+0xffe writes the opcode byte and the imm32's low byte. */
        .globl smc_e_fn
        .type smc_e_fn, @function
smc_e_fn:
        movl    $0, %eax
        ret
        .size smc_e_fn, . - smc_e_fn

        .fill   4096 - 6 - 3, 1, 0xcc
        /* u32 smc_e2_fn(void) at P1+0xffd: b8 at P1+0xffd, imm32 bytes at
         * P1+0xffe, P1+0xfff, P2+0, P2+1; ret at P2+2. One block, two pages. */
        .globl smc_e2_fn
        .type smc_e2_fn, @function
smc_e2_fn:
        movl    $0x04030201, %eax
        ret
        .size smc_e2_fn, . - smc_e2_fn
        .balign 4096

        .section .note.GNU-stack, "", @progbits
