/* Entry point of every multiboot (v1) test guest.
 *
 * The kernel is an ELF32 i386 image linked at 1 MiB (link.ld). The header
 * below does not set flag bit 16 (the "a.out kludge"), so a multiboot loader
 * (QEMU's -kernel, rewind86's -kernel) loads the ELF program headers.
 *
 * Machine state on entry (Multiboot Specification 0.6.96, section 3.2):
 * 32-bit protected mode, paging off, flat CS/DS/ES/FS/GS/SS, interrupts
 * disabled, EAX = 0x2BADB002, EBX = physical address of the multiboot info.
 * ESP, GDTR and IDTR are undefined, so we set up our own stack here; guests
 * that reload segment registers must load their own GDT first.
 */

#define MB_MAGIC   0x1BADB002
#define MB_FLAGS   0x00000003          /* bit 0: align modules on pages; bit 1: mem_* fields */
#define STACK_SIZE 0x10000             /* 64 KiB */

        .section .multiboot, "a"
        .balign 4
        .long MB_MAGIC
        .long MB_FLAGS
        .long -(MB_MAGIC + MB_FLAGS)

        .text
        .globl _start
        .type _start, @function
_start:
        cli
        cld
        /* Zero .bss (the loader already does; this keeps us honest with
         * loaders that do not). EAX/EBX must survive: stosb needs EAX. */
        movl    %eax, %esi
        movl    $__bss_start, %edi
        movl    $__bss_end, %ecx
        subl    %edi, %ecx
        xorl    %eax, %eax
        rep stosb
        movl    %esi, rt_mb_magic
        movl    %ebx, rt_mb_info

        movl    $rt_stack_top, %esp    /* 16-byte aligned, as the i386 psABI wants at a call */
        xorl    %ebp, %ebp
        call    main

        subl    $12, %esp
        pushl   %eax
        call    rt_exit
1:      cli
        hlt
        jmp     1b
        .size _start, . - _start

        .bss
        .balign 16
        .globl rt_stack_bottom, rt_stack_top
rt_stack_bottom:
        .skip STACK_SIZE
rt_stack_top:

        .section .note.GNU-stack, "", @progbits
