/* tracecmp: the alignment point and the exception handlers.
 *
 * trace_begin (called by main, executed once) puts the machine into a state
 * that does not depend on the loader: its own GDT (lgdt, far jump to reload
 * CS, then DS/ES/FS/GS/SS), its own IDT (lidt), CR0 = 0x11 (PE, ET) and
 * CR2/CR3/CR4 = 0, a fixed stack, EAX..EBP = 0 and EFLAGS = 0x2. LDTR and TR
 * stay 0. QEMU's multiboot loader (CS=0x08, DS=0x10, EBX=0x9500, GDT at
 * 0xcb2b8, scratch ECX/EDX/EDI/ESP) and rewind86's (CS=0x10, DS=0x18,
 * EBX=0x9000, GDT at 0x500) differ before this point and agree after it:
 * `trace_aligned` is the first instruction with the normalized state, the
 * address to give `rewind86 trace-diff --align-at`.
 *
 * The handlers (interrupt gates, vectors 0 #DE, 3 #BP, 6 #UD, 0x80) fold the
 * vector and the saved EIP into exc_hash, count in exc_count and return
 * after the instruction: #DE and #UD are faults (saved EIP = the faulting
 * instruction), so their handlers skip it; the triggers in work.S make both
 * 2 bytes long (divl %ecx = f7 f1, ud2 = 0f 0b). int3 and int 0x80 are traps.
 * int 0x80 returns EAX = 3 * EAX + 1.
 */
#define CODE_SEL 0x08
#define DATA_SEL 0x10
#define STACK_SIZE 0x4000

        .text
        .globl trace_begin, trace_aligned
        .type trace_begin, @function
trace_begin:
        cli
        cld
        /* Fill the IDT gates from gate_list (vector, handler; vector -1 ends). */
        movl    $gate_list, %esi
1:      movl    (%esi), %ecx
        cmpl    $-1, %ecx
        je      2f
        movl    4(%esi), %eax
        leal    idt(,%ecx,8), %edi
        movw    %ax, (%edi)
        movw    $CODE_SEL, 2(%edi)
        movw    $0x8e00, 4(%edi)        /* present, DPL 0, 32-bit interrupt gate */
        shrl    $16, %eax
        movw    %ax, 6(%edi)
        addl    $8, %esi
        jmp     1b
2:      lgdt    gdt_desc
        lidt    idt_desc
        ljmp    $CODE_SEL, $3f
3:      movl    $DATA_SEL, %eax
        movl    %eax, %ds
        movl    %eax, %es
        movl    %eax, %fs
        movl    %eax, %gs
        movl    %eax, %ss
        movl    $tc_stack_top, %esp
        movl    $0x11, %eax             /* PE | ET; CD, NW, WP, PG clear */
        movl    %eax, %cr0
        xorl    %eax, %eax
        movl    %eax, %cr2
        movl    %eax, %cr3
        movl    %eax, %cr4
        xorl    %ebx, %ebx
        xorl    %ecx, %ecx
        xorl    %edx, %edx
        xorl    %esi, %esi
        xorl    %edi, %edi
        xorl    %ebp, %ebp
        pushl   $0x2
        popfl
trace_aligned:
        call    tracecmp_main
        pushl   %eax
        call    rt_exit
        .size trace_begin, . - trace_begin

/* ---- exception handlers ---- */
        .type isr_de, @function
isr_de: addl    $2, (%esp)              /* skip the 2-byte divl */
        pushl   $0
        jmp     isr_common
        .type isr_bp, @function
isr_bp: pushl   $3
        jmp     isr_common
        .type isr_ud, @function
isr_ud: addl    $2, (%esp)              /* skip ud2 */
        pushl   $6
        jmp     isr_common
        .type isr_80, @function
isr_80: leal    1(%eax,%eax,2), %eax    /* the "system call": EAX = 3 * EAX + 1 */
        pushl   $0x80
        /* fall through */
        .type isr_common, @function
isr_common:                             /* stack: vector, eip, cs, eflags */
        pushl   %edx
        movl    exc_hash, %edx
        roll    $5, %edx
        xorl    4(%esp), %edx
        xorl    8(%esp), %edx
        movl    %edx, exc_hash
        incl    exc_count
        popl    %edx
        addl    $4, %esp
        iret

/* ---- tables ---- */
        .section .rodata
        .balign 4
gate_list:
        .long 0x00, isr_de
        .long 0x03, isr_bp
        .long 0x06, isr_ud
        .long 0x80, isr_80
        .long -1, 0

        .data
        .balign 8
gdt:    .quad 0
        .quad 0x00cf9b000000ffff        /* 0x08 code: base 0, limit 4 GiB, 32-bit, accessed */
        .quad 0x00cf93000000ffff        /* 0x10 data: base 0, limit 4 GiB, read/write, accessed */
gdt_end:
        .balign 4
        .word 0
gdt_desc:
        .word gdt_end - gdt - 1
        .long gdt
        .word 0
idt_desc:
        .word 256 * 8 - 1
        .long idt

        .globl exc_hash, exc_count
        .bss
        .balign 8
idt:    .skip 256 * 8
exc_hash:  .skip 4
exc_count: .skip 4
        .balign 16
tc_stack:
        .skip STACK_SIZE
tc_stack_top:

        .section .note.GNU-stack, "", @progbits
