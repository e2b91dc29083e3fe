/* pmode.S: check 5 (protected mode and back, SDM vol. 3, 9.9.1 and 9.9.2)
 * and check 6 (unreal mode: FS keeps the 4 GiB limit it was given in
 * protected mode after a real-mode `mov %ax,%fs`). Called from real mode
 * (near call, SS:SP = 0:7xxx) and returns there, with DS=ES=FS=GS=SS=0. */
        .include "rom.inc"

        .section .rodata
        .balign 8
/* In the ROM: the accessed bits are preset, so loading a selector does not
 * try to write the descriptor. */
gdt:
        .quad   0
        .quad   0x00cf9b000000ffff      /* 0x08: code, base 0, 4 GiB, 32-bit */
        .quad   0x00cf93000000ffff      /* 0x10: data, base 0, 4 GiB */
        .quad   0x00009b0f0000ffff      /* 0x18: code, base 0xF0000, limit 0xFFFF, 16-bit */
        .quad   0x000093000000ffff      /* 0x20: data, base 0, limit 0xFFFF, byte granular */
gdt_end:
        .balign 4
gdtr:
        .word   gdt_end - gdt - 1
        .long   ROMBASE + gdt           /* linear: through the F0000 alias */
rmback_ds_name:
        .asciz  "rmback.ds-limit-gp"
pm_idtr:
        .word   32 * 8 - 1
        .long   IDT_PM
rm_idtr:
        .word   0x3ff
        .long   0

        .section .text16, "ax"
        .code16
        .globl  pm_tests
pm_tests:
        cli
        /* The protected-mode IDT: 32 interrupt gates to pm_stubs (fatal). */
        movw    $IDT_PM, %di
        movw    $pm_stubs, %ax
        movw    $32, %cx
1:      movw    %ax, (%di)              /* offset 15:0 (ROMBASE's are 0) */
        movw    $SEL_CODE32, 2(%di)
        movw    $0x8e00, 4(%di)         /* present, DPL 0, 32-bit interrupt gate */
        movw    $ROMBASE >> 16, 6(%di)  /* offset 31:16 */
        addw    $8, %ax
        addw    $8, %di
        loop    1b

        lidtl   %cs:pm_idtr
        lgdtl   %cs:gdtr
        movl    %cr0, %eax
        orl     $1, %eax
        movl    %eax, %cr0
        ljmpl   $SEL_CODE32, $ROMBASE + pm32_entry

        .code32
pm32_entry:
        movw    $SEL_DATA32, %ax
        movw    %ax, %ds
        movw    %ax, %es
        movw    %ax, %fs                /* the flat descriptor FS keeps (check 6) */
        movw    %ax, %gs
        movw    %ax, %ss
        movzwl  %sp, %esp
        PUTS32  "protected mode: printing from 32-bit code, CS=0x"
        movw    %cs, %ax
        movzwl  %ax, %eax
        call    puthex32
        call    newline32

        movl    %cr0, %eax
        andl    $1, %eax
        CHK32   pm.cr0-pe, %eax, $1
        movw    %cs, %ax
        movzwl  %ax, %eax
        CHK32   pm.cs, %eax, $SEL_CODE32
        movw    %ss, %ax
        movzwl  %ax, %eax
        CHK32   pm.ss, %eax, $SEL_DATA32
        call    1f
1:      popl    %eax
        CHK32   pm.eip, %eax, $ROMBASE+1b

        /* 32-bit arithmetic. */
        movl    $0x7fffffff, %eax
        addl    $0x7fffffff, %eax
        CHK32   pm.add32, %eax, $0xfffffffe
        movl    $0xffffffff, %eax
        addl    $2, %eax
        setc    %cl
        movzbl  %cl, %ecx
        CHK32   pm.add32-carry-result, %eax, $1
        CHK32   pm.add32-carry-flag, %ecx, $1
        movl    $0x12345678, %eax
        movl    $0x9abcdef0, %edx
        mull    %edx
        CHK32   pm.mul32-low, %eax, $0x242d2080
        CHK32   pm.mul32-high, %edx, $0x0b00ea4e

        /* Above 1 MiB (HIMEM = 0x200000, A20-independent). Check 6 reads
         * these from real mode. */
        movl    $HIMEM_VAL, HIMEM
        movl    $HIMEM_VAL2, HIMEM + 4
        movl    HIMEM, %eax
        CHK32   pm.himem-write-read, %eax, $HIMEM_VAL
        movl    HIMEM + 4, %eax
        CHK32   pm.himem-write-read2, %eax, $HIMEM_VAL2
        /* The IVT entry for vector 0, untouched by those writes. */
        movl    0, %eax
        CHK32   pm.low-ram-intact, %eax, $0xf0000000+rm_stubs
        /* A stack above 1 MiB. */
        movl    %esp, %ebp
        movl    $HIMEM + 0x1000, %esp
        pushl   $0x5eed5eed
        movl    %esp, %eax
        movl    HIMEM + 0xffc, %edx
        movl    %ebp, %esp
        CHK32   pm.push-himem-esp, %eax, $HIMEM+0xffc
        CHK32   pm.push-himem-value, %edx, $0x5eed5eed

        /* The ROM at the top of 4 GiB: its last 16 bytes are the reset
         * vector (e9 = jmp), and all 64 KiB equal the F0000 alias. */
        movzbl  0xfffffff0, %eax
        CHK32   pm.rom-top-reset-vector, %eax, $0xe9
        cld
        movl    $0xffff0000, %esi
        movl    $ROMBASE, %edi
        movl    $0x4000, %ecx
        repe cmpsl
        movl    $0, %eax
        je      2f
        leal    -4(%esi), %eax          /* the first differing dword */
2:      CHK32   pm.rom-top-equals-f0000, %eax, $0
        CHK32   pm.rep-cmpsl-ecx, %ecx, $0

        /* Back to real mode, SDM vol. 3, 9.9.2: interrupts are off, no
         * paging; far jump to a 16-bit code segment with limit 0xFFFF. */
        PUTS32  "protected mode: returning to real mode\n"
        ljmp    $SEL_CODE16, $rm16_back

        .code16
rm16_back:
        /* 64 KiB data segments for SS, DS, ES, GS. Not FS: it keeps the flat
         * 4 GiB descriptor into real mode (unreal mode, check 6). */
        movw    $SEL_DATA16, %ax
        movw    %ax, %ds
        movw    %ax, %es
        movw    %ax, %gs
        movw    %ax, %ss
        lidtl   %cs:rm_idtr             /* the IVT at 0, limit 0x3FF */
        movl    %cr0, %eax
        andl    $0xfffffffe, %eax
        movl    %eax, %cr0
        ljmp    $0xf000, $rm_again
rm_again:
        xorw    %ax, %ax
        movw    %ax, %ds
        movw    %ax, %es
        movw    %ax, %ss
        movw    %ax, %gs
        movw    %ax, %fs                /* real mode: base 0, the limit stays */
        movzwl  %sp, %esp

        movl    %cr0, %eax
        CHK     rmback.cr0, %eax, $0x60000010
        movw    %cs, %ax
        CHKW    rmback.cs, %ax, $0xf000
        call    1f
1:      popw    %ax
        CHKW    rmback.ip, %ax, $1b
        movw    $0, I60_COUNT
        movw    $0, %cx
        int     $0x60
7:      CHKW    rmback.ivt-int60-count, I60_COUNT, $1
        CHKW    rmback.ivt-int60-cx, %cx, $0x6060
        CHKW    rmback.ivt-int60-frame-ip, I60_IP, $7b
        /* DS was reloaded in protected mode with a 64 KiB descriptor: a
         * 32-bit address past it still raises #GP. */
        movl    $0x10000, %esi
        EXPECT  13, $(9f-8f)
8:      addr32 movb (%esi), %al
9:      DISARM
        cmpb    $0, LIMITS
        jne     1f
        movw    $rmback_ds_name, %si
        call    skip_limit16
        jmp     2f
1:      CHKW    rmback.ds-limit-gp, EXC_BASE+16*13+EXC_COUNT, $1
2:

        /* Check 6, unreal mode: FS (selector 0, base 0, limit 4 GiB). A #GP
         * (vector 13) would be counted and skipped, not fatal. */
        movw    %fs, %ax
        CHKW    unreal.fs-selector, %ax, $0
        movl    $HIMEM, %esi
        xorl    %eax, %eax
        EXPECT  13, $(9f-8f)
8:      addr32 movl %fs:(%esi), %eax
9:      DISARM
        CHK     unreal.fs-read-himem, %eax, $HIMEM_VAL
        CHKW    unreal.fs-read-himem-no-gp, EXC_BASE+16*13+EXC_COUNT, $0

        movl    $HIMEM, %esi
        EXPECT  13, $(9f-8f)
8:      addr32 movl $0x600df00d, %fs:8(%esi)
9:      DISARM
        xorl    %eax, %eax
        EXPECT  13, $(9f-8f)
8:      addr32 movl %fs:8(%esi), %eax
9:      DISARM
        CHK     unreal.fs-write-read-himem, %eax, $0x600df00d
        CHKW    unreal.fs-write-read-himem-no-gp, EXC_BASE+16*13+EXC_COUNT, $0

        movl    $0xfffffff0, %esi
        xorl    %eax, %eax
        EXPECT  13, $(9f-8f)
8:      addr32 movzbl %fs:(%esi), %eax
9:      DISARM
        CHK     unreal.fs-read-rom-top, %eax, $0xe9

        /* A real-mode FS load changes the base (0x10000), not the limit. */
        movw    $0x1000, %ax
        movw    %ax, %fs
        movl    $HIMEM - 0x10000, %esi
        xorl    %eax, %eax
        EXPECT  13, $(9f-8f)
8:      addr32 movl %fs:4(%esi), %eax
9:      DISARM
        CHK     unreal.fs-base-1000-read, %eax, $HIMEM_VAL2
        CHKW    unreal.fs-base-1000-no-gp, EXC_BASE+16*13+EXC_COUNT, $0
        xorw    %ax, %ax
        movw    %ax, %fs
        ret
