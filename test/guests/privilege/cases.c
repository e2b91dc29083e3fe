/* The checks of the privilege guest, in the order they run. Each check runs
 * a ring-3 snippet (user.S) or a ring-0 routine (stubs.S), then compares
 * what was recorded with what the Intel SDM says, one line per check. */
#include "rt.h"
#include "privilege.h"

#define GP 13
#define PF 14

/* The exception frame of a fault at at_x in ring 3: vector, error code,
 * saved EIP = the instruction, the ring-3 CS and SS:ESP (vol. 3A 6.12.1,
 * figure 6-4: the stack switch pushes SS and ESP). */
static void want_user_exc(u32 vec, u32 err, const void *at)
{
    want_vec(vec, last.vec);
    want_x("err", err, last.err);
    want_sym("eip", "at", (u32)at, last.eip);
    want_x("cs", UCS, last.cs & 0xffff);
    want_x("ss", UDS, last.ss3 & 0xffff);
    want_sym("esp", "user", ures[0], last.esp3);
    want_u("exceptions", 1, exc_count);
}

/* The snippet went on after the instruction, still at CPL 3. */
static void want_resumed(void)
{
    want_u("resumed", 1, ures[1]);
    want_x("cs-after", UCS, ures[2] & 0xffff);
}

static void user_fault(const char *name, void (*fn)(void), const void *at, const void *after, u32 eflags,
                       u32 vec, u32 err)
{
    run_user(fn, eflags, after);
    begin(name);
    want_user_exc(vec, err, at);
    want_resumed();
    end();
}

static void user_ok(const char *name, void (*fn)(void), const void *after, u32 eflags)
{
    run_user(fn, eflags, after);
    begin(name);
    want_vec(NO_VEC, last.vec);
    want_resumed();
    end();
}

#define UFAULT(name, x, efl, vec, err) user_fault(name, u_##x, at_##x, after_##x, efl, vec, err)
#define UOK(name, x, efl) user_ok(name, u_##x, after_##x, efl)

static u32 lar_type_of(u32 ar) { return (ar >> 8) & 0xf; }

/* ---------------- 1. setup ---------------- */

void run_setup_checks(void)
{
    struct __attribute__((packed)) { u16 limit; u32 base; } g, i;
    u32 lim = 0, cs, ss;
    __asm__ volatile("sgdt %0\n\tsidt %1" : "=m"(g), "=m"(i));
    __asm__ volatile("lsll %1, %0" : "+r"(lim) : "r"((u32)SEL_TSS) : "cc");
    __asm__ volatile("movl %%cs, %0\n\tmovl %%ss, %1" : "=r"(cs), "=r"(ss));

    begin("setup-gdt-idt-tss");
    want_u("gdt-limit", GDT_ENTRIES * 8 - 1, g.limit);
    want_u("idt-limit", IDT_ENTRIES * 8 - 1, i.limit);
    want_x("cs", SEL_KCODE, cs & 0xffff);
    want_x("ss", SEL_KDATA, ss & 0xffff);
    want_x("tr", SEL_TSS, read_tr());
    want_x("tss-type", 0xb, lar_type(SEL_TSS));         /* LTR marks it busy (vol. 3A 7.2.4) */
    want_u("tss-limit", TSS_LIMIT, lim);
    want_u("iomap-base", 104, tss.t.iomap);
    end();
}

/* ---------------- 2-5. ring 3, INT n, privileged instructions ---------------- */

void run_ring3_checks(void)
{
    /* 2. IRET to CPL 3 (vol. 2 IRET: RETURN-TO-OUTER-PRIVILEGE-LEVEL). */
    run_user(u_ring3, EFL_USER, after_ring3);
    begin("iret-to-ring3");
    want_vec(NO_VEC, last.vec);
    want_x("cs", UCS, ures[0] & 0xffff);
    want_u("cpl", 3, ures[0] & 3);
    want_x("ss", UDS, ures[1] & 0xffff);
    want_u("ss.rpl", 3, ures[1] & 3);
    want_x("ds", UDS, ures[2] & 0xffff);
    want_x("eflags", EFL_USER, ures[3]);
    want_sym("esp", "user_stack_top", (u32)user_stack_top, ures[4]);
    end();

    /* 3. INT 0x80 through a DPL-3 interrupt gate: CPL 0 on SS0:ESP0 from
     * the TSS, the frame holds the ring-3 SS:ESP (vol. 3A 6.12.1). */
    run_user(u_int80, EFL_USER, after_int80);
    begin("int80-ring3-to-ring0");
    want_vec(NO_VEC, last.vec);
    want_sym("handler-esp", "esp0-20", tss.t.esp0 - 20, kres[0]);
    want_x("handler-cs", SEL_KCODE, kres[6] & 0xffff);
    want_x("handler-ss", SEL_KDATA, kres[7] & 0xffff);
    want_x("handler-if", 0, kres[8] & EFLAGS_IF);
    want_sym("frame-eip", "after", (u32)after_int80, kres[1]);
    want_x("frame-cs", UCS, kres[2] & 0xffff);
    want_x("frame-eflags", EFL_USER, kres[3]);
    want_sym("frame-esp", "user", ures[0], kres[4]);
    want_x("frame-ss", UDS, kres[5] & 0xffff);
    end();

    begin("int80-iret-to-ring3");
    want_x("eax", 0x11223345, ures[1]);
    want_x("cs", UCS, ures[2] & 0xffff);
    want_sym("esp", "user", ures[0], ures[3]);
    want_x("eflags", EFL_USER, ures[4]);
    end();

    /* 4. INT n to a gate with DPL < CPL: #GP(vector*8+2), IDT bit set. */
    UFAULT("int-dpl0-gate-from-ring3-gp", int_dpl0, EFL_USER, GP, VEC_DPL0 * 8 + 2);

    /* 5. Privileged (vol. 3A 5.9) and IOPL-sensitive instructions at CPL 3. */
    user_cr0_image = read_cr0();
    UFAULT("cli-ring3-iopl0-gp", cli, EFL_USER, GP, 0);
    UFAULT("sti-ring3-iopl0-gp", sti, EFL_USER, GP, 0);
    UFAULT("hlt-ring3-gp", hlt, EFL_USER, GP, 0);
    UFAULT("mov-from-cr0-ring3-gp", mov_cr0_read, EFL_USER, GP, 0);
    UFAULT("mov-to-cr0-ring3-gp", mov_cr0_write, EFL_USER, GP, 0);

    run_user(u_popf, EFL_USER, after_popf);
    begin("popf-ring3-keeps-iopl-and-if");
    want_vec(NO_VEC, last.vec);
    want_x("eflags", EFL_USER, ures[3]);
    want_resumed();
    end();
}

/* ---------------- 6. the I/O permission bitmap (vol. 1, Input/Output: I/O protection) ---------------- */

void run_io_checks(void)
{
    /* Open: 0x80-0x82, 0x84-0x87, 0x1ff. TSS limit = 104 + 64 - 1: the map
     * covers ports 0x000-0x1ff, with no trailing 0xff byte. */
    UOK("io-inb-0x80-bit-clear", inb_80, EFL_USER);
    UOK("io-outb-0x80-bit-clear", outb_80, EFL_USER);
    UOK("io-inw-0x80-bits-clear", inw_80, EFL_USER);
    UOK("io-inl-0x84-bits-clear", inl_84, EFL_USER);
    UFAULT("io-inb-0x83-bit-set-gp", inb_83, EFL_USER, GP, 0);
    UFAULT("io-inw-0x82-spans-set-bit-gp", inw_82, EFL_USER, GP, 0);
    UFAULT("io-inw-0x87-spans-into-next-byte-gp", inw_87, EFL_USER, GP, 0);
    UFAULT("io-inl-0x80-spans-set-bit-gp", inl_80, EFL_USER, GP, 0);
    UFAULT("io-inb-dx-0x400-beyond-tss-limit-gp", inb_dx_400, EFL_USER, GP, 0);
    /* The CPU always reads two bitmap bytes; the second one for port 0x1ff
     * lies past the limit, hence the trailing 0xff byte the SDM asks for. */
    UFAULT("io-inb-dx-0x1ff-second-byte-past-limit-gp", inb_dx_1ff, EFL_USER, GP, 0);

    /* CPL <= IOPL: no bitmap check, CLI/STI allowed. */
    UOK("iopl3-inb-0x83-allowed", inb_83, EFL_USER_IOPL3);
    UOK("iopl3-inl-0x80-allowed", inl_80, EFL_USER_IOPL3);
    UOK("iopl3-inb-dx-0x400-allowed", inb_dx_400, EFL_USER_IOPL3);
    UOK("iopl3-cli-allowed", cli, EFL_USER_IOPL3);
    UOK("iopl3-sti-allowed", sti, EFL_USER_IOPL3);
}

/* ---------------- 7-9. call gates, outer returns, conforming code ---------------- */

void run_gate_checks(void)
{
    /* 7. Call gate, 2 parameters: the new stack (vol. 3A 5.8.5, figure
     * 5-13) holds SS, ESP, the parameters and CS, EIP of the caller; LRET 8
     * pops the parameters from both stacks (5.8.6). */
    run_user(u_callgate, EFL_USER, after_callgate);
    begin("callgate-ring3-to-ring0");
    want_vec(NO_VEC, last.vec);
    want_sym("new-esp", "esp0-24", tss.t.esp0 - 24, kres[0]);
    want_x("cs", SEL_KCODE, kres[7] & 0xffff);
    want_x("ss", SEL_KDATA, kres[8] & 0xffff);
    want_sym("saved-eip", "after", (u32)after_callgate, kres[1]);
    want_x("saved-cs", UCS, kres[2] & 0xffff);
    want_x("param0", 0xbbbb2222, kres[3]);
    want_x("param1", 0xaaaa1111, kres[4]);
    want_sym("saved-esp", "caller", ures[3], kres[5]);
    want_x("saved-ss", UDS, kres[6] & 0xffff);
    end();

    begin("callgate-lret8-to-ring3");
    want_x("cs", UCS, ures[2] & 0xffff);
    want_sym("esp", "caller+8", ures[3] + 8, ures[4]);
    want_sym("esp-vs-before-pushes", "same", ures[0], ures[4]);
    end();

    UFAULT("callgate-dpl0-from-ring3-gp", callgate_dpl0, EFL_USER, GP, SEL_CALLGATE_DPL0);
    UFAULT("lcall-ring0-code-from-ring3-gp", lcall_kcode, EFL_USER, GP, SEL_KCODE);

    /* 8. RET/IRET to an outer level load null into ES, DS, FS, GS when they
     * hold data or non-conforming code with DPL < the new CPL (vol. 2 RET,
     * IRET: RETURN-TO-OUTER-PRIVILEGE-LEVEL). */
    run_user(u_null_lret, EFL_USER, after_null_lret);
    begin("outer-lret-nulls-dpl0-ds-es");
    want_vec(NO_VEC, last.vec);
    want_x("ds", 0, ures[3] & 0xffff);
    want_x("es", 0, ures[4] & 0xffff);
    want_x("fs", UDS, ures[5] & 0xffff);
    want_x("gs", UDS, ures[6] & 0xffff);
    want_resumed();
    end();

    run_user(u_null_iret, EFL_USER, after_null_iret);
    begin("outer-iret-nulls-dpl0-data-and-code");
    want_vec(NO_VEC, last.vec);
    want_x("ds", 0, ures[3] & 0xffff);                 /* ring-0 data */
    want_x("es", UDS, ures[4] & 0xffff);               /* ring-3 data */
    want_x("fs", SEL_CONFORMING, ures[5] & 0xffff);    /* conforming code: kept */
    want_x("gs", 0, ures[6] & 0xffff);                 /* ring-0 non-conforming code */
    want_resumed();
    end();

    /* 9. A conforming segment runs at the caller's CPL (vol. 3A 5.8.1.2). */
    run_user(u_conforming, EFL_USER, after_conforming);
    begin("conforming-lcall-stays-cpl3");
    want_vec(NO_VEC, last.vec);
    want_x("cs", SEL_CONFORMING | 3, ures[4] & 0xffff);
    want_x("ss", UDS, ures[5] & 0xffff);
    want_sym("esp", "user-8", ures[0] - 8, ures[6]);
    want_sym("saved-eip", "after", (u32)after_conforming, ures[7]);
    want_x("saved-cs", UCS, ures[8] & 0xffff);
    want_sym("esp-after", "user", ures[0], ures[3]);
    want_resumed();
    end();
}

/* ---------------- 10. segment loads at CPL 3 ---------------- */

static void load_fault(const char *name, void (*fn)(void), const void *at, const void *after, u32 err, u32 keep)
{
    run_user(fn, EFL_USER, after);
    begin(name);
    want_user_exc(GP, err, at);
    want_x("sreg-after", keep, ures[3] & 0xffff);
    want_resumed();
    end();
}

static void load_ok(const char *name, void (*fn)(void), const void *after, u32 value)
{
    run_user(fn, EFL_USER, after);
    begin(name);
    want_vec(NO_VEC, last.vec);
    want_x("sreg-after", value, ures[3] & 0xffff);
    want_resumed();
    end();
}

#define LFAULT(name, x, err) load_fault(name, u_##x, at_##x, after_##x, err, UDS)
#define LOK(name, x, v) load_ok(name, u_##x, after_##x, v)

void run_segment_checks(void)
{
    /* DS: DPL >= max(CPL, RPL) (vol. 3A 5.6); SS: RPL = DPL = CPL (5.7).
     * The error code is the selector without its RPL (6.13). */
    LFAULT("mov-ds-dpl0-data-ring3-gp", ld_ds_kdata, SEL_KDATA);
    LFAULT("mov-ds-rpl3-dpl0-data-ring3-gp", ld_ds_kdata3, SEL_KDATA);
    LOK("mov-ds-null-ring3-ok", ld_ds_null, 0);
    LFAULT("mov-ss-null-ring3-gp", ld_ss_null, 0);
    LFAULT("mov-ss-rpl0-ring3-gp", ld_ss_rpl0, SEL_UDATA);
    LFAULT("mov-ss-dpl0-ring3-gp", ld_ss_kdata3, SEL_KDATA);
    LOK("mov-ss-ring3-data-ok", ld_ss_udata, UDS);
}

/* ---------------- 11. SYSENTER / SYSEXIT (vol. 3A 5.8.7) ---------------- */

void run_sysenter_checks(void)
{
    wrmsr(SYSENTER_CS_MSR, SEL_KCODE, 0);
    wrmsr(SYSENTER_ESP_MSR, (u32)sysenter_stack_top, 0);
    wrmsr(SYSENTER_EIP_MSR, (u32)sysenter_handler, 0);

    begin("sysenter-msrs");
    want_x("cs", SEL_KCODE, rdmsr_lo(SYSENTER_CS_MSR));
    want_sym("esp", "sysenter_stack_top", (u32)sysenter_stack_top, rdmsr_lo(SYSENTER_ESP_MSR));
    want_sym("eip", "sysenter_handler", (u32)sysenter_handler, rdmsr_lo(SYSENTER_EIP_MSR));
    end();

    run_user(u_sysenter, EFL_USER, after_sysenter);
    begin("sysenter-ring3-to-ring0");
    want_vec(NO_VEC, last.vec);
    want_x("cs", SEL_KCODE, kres[1] & 0xffff);
    want_x("ss", SEL_KCODE + 8, kres[2] & 0xffff);
    want_sym("esp", "msr", (u32)sysenter_stack_top, kres[0]);
    want_x("eflags", 0x2, kres[3]);                     /* IF (and VM, RF) cleared */
    end();

    begin("sysexit-to-ring3");
    want_x("cs", (SEL_KCODE + 16) | 3, ures[3] & 0xffff);
    want_x("ss", (SEL_KCODE + 24) | 3, ures[4] & 0xffff);
    want_sym("esp", "ecx", ures[0] - 16, ures[5]);
    want_x("eflags", 0x2, ures[6]);                     /* SYSEXIT leaves EFLAGS alone */
    want_resumed();
    end();

    /* SYSENTER with IA32_SYSENTER_CS = 0: #GP(0). */
    wrmsr(SYSENTER_CS_MSR, 0, 0);
    UFAULT("sysenter-cs-msr-zero-gp", sysenter, EFL_USER, GP, 0);
    wrmsr(SYSENTER_CS_MSR, SEL_KCODE, 0);
}

/* ---------------- 12. hardware task switches (vol. 3A 7.3, 7.4, table 7-2) ---------------- */

void run_task_checks(void)
{
    tasks_init();
    run_kernel_prepare(after_task_ljmp);               /* a fault instead of a switch: FAIL, go on */
    task_jump();
    resume_eip = 0;
    u32 tr_after = read_tr(), main_type = lar_type(SEL_TSS), t2_type = lar_type(SEL_TSS2);
    __asm__ volatile("clts");

    begin("task-jmp-loads-new-task");
    want_vec(NO_VEC, last.vec);
    want_x("tr", SEL_TSS2, t2res[9] & 0xffff);
    want_x("eflags", EFL_TASK2, t2res[0]);
    want_x("eax", 0x10000001, t2res[1]);
    want_x("ecx", 0x10000002, t2res[2]);
    want_x("edx", 0x10000003, t2res[3]);
    want_x("ebx", 0x10000004, t2res[4]);
    want_x("esi", 0x10000005, t2res[5]);
    want_x("edi", 0x10000006, t2res[6]);
    want_x("ebp", 0x10000007, t2res[7]);
    want_sym("esp", "task2_stack_top", (u32)task2_stack_top, t2res[8]);
    want_x("cs", SEL_KCODE, t2res[10] & 0xffff);
    want_x("ss", SEL_KDATA, t2res[11] & 0xffff);
    want_x("ds", SEL_KDATA, t2res[12] & 0xffff);
    want_x("old-tss-type", 0x9, lar_type_of(t2res[13]));   /* JMP clears the old busy bit */
    want_x("new-tss-type", 0xb, lar_type_of(t2res[14]));
    end();

    begin("task-jmp-back-restores-caller");
    want_x("tr", SEL_TSS, tr_after);
    want_x("ebx", 0xb1b2b3b4, kres[1]);
    want_x("esi", 0x51525354, kres[2]);
    want_x("edi", 0xd1d2d3d4, kres[3]);
    want_x("ebp", 0xe1e2e3e4, kres[4]);
    want_sym("esp", "same", kres[0], kres[5]);
    want_x("df", EFLAGS_DF, kres[6] & EFLAGS_DF);
    want_x("cr0.ts", CR0_TS, kres[7] & CR0_TS);
    want_x("tss-type", 0xb, main_type);
    want_x("tss2-type", 0x9, t2_type);
    want_x("tss2-saved-ebx", 0xdead0001, tss2.ebx);
    end();

    run_kernel_prepare(after_task_lcall);
    task_call();
    resume_eip = 0;
    tr_after = read_tr();
    main_type = lar_type(SEL_TSS);
    u32 t3_type = lar_type(SEL_TSS3);
    __asm__ volatile("clts");

    begin("task-gate-lcall-nests");
    want_vec(NO_VEC, last.vec);
    want_x("tr", SEL_TSS3, t3res[1] & 0xffff);
    want_x("nt", EFLAGS_NT, t3res[0] & EFLAGS_NT);
    want_x("link", SEL_TSS, t3res[4]);
    want_x("caller-tss-type", 0xb, lar_type_of(t3res[2]));   /* CALL keeps the caller busy */
    want_x("new-tss-type", 0xb, lar_type_of(t3res[3]));
    end();

    begin("task-iret-nt-returns-to-caller");
    want_x("tr", SEL_TSS, tr_after);
    want_x("ebx", 0xc1c2c3c4, kres[0]);
    want_x("esi", 0x61626364, kres[1]);
    want_x("nt", 0, kres[2] & EFLAGS_NT);
    want_x("tss-type", 0xb, main_type);
    want_x("tss3-type", 0x9, t3_type);                     /* IRET clears the busy bit */
    want_x("tss3-saved-nt", 0, tss3.eflags & EFLAGS_NT);   /* ... and NT in the old task's image */
    want_x("tss3-saved-ebx", 0xdead0005, tss3.ebx);
    end();
}

/* ---------------- 14. paging: U/S, R/W, CR0.WP (vol. 3A 4.6, 4.7) ---------------- */

static void user_pf(const char *name, void (*fn)(void), const void *at, const void *after, u32 err,
                    const char *cr2_sym, u32 cr2)
{
    run_user(fn, EFL_USER, after);
    begin(name);
    want_user_exc(PF, err, at);
    want_sym("cr2", cr2_sym, cr2, last_cr2);
    want_resumed();
    end();
}

#define UPF(name, x, err, sym, addr) user_pf(name, u_##x, at_##x, after_##x, err, sym, (u32)(addr))

static void kernel_write(const char *name, u32 value, void *addr, int fault, const char *cr2_sym)
{
    volatile u32 *p = addr;
    u32 before = *p;
    run_kernel_prepare(after_k_write);
    k_write(value, (u32)addr);
    resume_eip = 0;
    begin(name);
    if (fault) {
        want_vec(PF, last.vec);
        want_x("err", 3, last.err);                     /* present, write, supervisor */
        want_sym("eip", "at", (u32)at_k_write, last.eip);
        want_x("cs", SEL_KCODE, last.cs & 0xffff);
        want_sym("cr2", cr2_sym, (u32)addr, last_cr2);
        want_x("memory", before, *p);
    } else {
        want_vec(NO_VEC, last.vec);
        want_x("memory", value, *p);
    }
    end();
}

void run_paging_checks(void)
{
    *(volatile u32 *)(ro_page + 0x30) = 0x600dda7a;
    *(volatile u32 *)(ro_page + 0x38) = 0x600dda7b;    /* must survive the faulting write */
    paging_on();                                        /* CR0.WP = 0 */

    UPF("pf-ring3-read-supervisor-page", pf_read_sup, 5, "sup_page+0x10", sup_page + 0x10);
    UPF("pf-ring3-write-supervisor-page", pf_write_sup, 7, "sup_page+0x20", sup_page + 0x20);
    UPF("pf-ring3-write-readonly-page", pf_write_ro, 7, "ro_page+0x30", ro_page + 0x30);
    UPF("pf-ring3-write-not-present-page", pf_write_np, 6, "np_page+0x40", np_page + 0x40);

    run_user(u_pf_read_ro, EFL_USER, after_pf_read_ro);
    begin("ring3-read-readonly-user-page-ok");
    want_vec(NO_VEC, last.vec);
    want_x("value", 0x600dda7a, ures[3]);
    want_resumed();
    end();

    kernel_write("ring0-write-supervisor-page-ok", 0x5afe0001, sup_page + 0x50, 0, 0);
    kernel_write("ring0-write-readonly-page-wp0-ok", 0x5afe0002, ro_page + 0x34, 0, 0);
    set_wp(1);
    kernel_write("ring0-write-readonly-page-wp1-pf", 0x5afe0003, ro_page + 0x38, 1, "ro_page+0x38");
    set_wp(0);

    paging_off();
}

/* ---------------- 15. implicit supervisor-mode accesses (vol. 3A 4.6) ---------------- */

/* The CPU's own accesses to the GDT, the LDT, the IDT and the TSS are
 * supervisor-mode accesses whatever the CPL (vol. 3A 4.6, "implicit
 * supervisor-mode accesses"). With the pages of the GDT (and the LDT in
 * it) and the IDT supervisor-only and read-only under CR0.WP = 1 (as Linux
 * maps its GDT), and the TSS page supervisor-only, ring 3 still gets
 * through gates, returns, segment loads, the I/O bitmap and exception
 * delivery, without a #PF; its own reads of those pages do fault. */
void run_implicit_supervisor_checks(void)
{
    ldt_on();
    paging_on();
    protect_tables();
    set_wp(1);

    u32 gdtr_limit = 0, ldtr = 0;
    struct __attribute__((packed)) { u16 limit; u32 base; } g;
    __asm__ volatile("sgdt %0\n\tsldt %w1" : "=m"(g), "+r"(ldtr));
    gdtr_limit = g.limit;
    begin("sup-tables-setup");
    want_x("gdt-pte", 0x1, pte_of(gdt_page.page) & 7);     /* present, read-only, supervisor */
    want_x("idt-pte", 0x1, pte_of(idt_page.page) & 7);
    want_x("tss-pte", 0x3, pte_of(tss_page.page) & 7);     /* present, writable, supervisor */
    want_x("cr0.wp", CR0_WP, read_cr0() & CR0_WP);
    want_u("gdt-limit", (GDT_ENTRIES + 1) * 8 - 1, gdtr_limit);
    want_x("ldtr", SEL_LDT, ldtr);
    end();

    /* IRET to CPL 3: CS and SS descriptors read from the GDT. */
    run_user(u_ring3, EFL_USER, after_ring3);
    begin("sup-tables-iret-to-ring3");
    want_vec(NO_VEC, last.vec);
    want_x("cs", UCS, ures[0] & 0xffff);
    want_x("ss", UDS, ures[1] & 0xffff);
    want_x("ds", UDS, ures[2] & 0xffff);
    want_sym("esp", "user_stack_top", (u32)user_stack_top, ures[4]);
    want_u("exceptions", 0, exc_count);
    end();

    /* INT 0x80: the IDT gate, the CS descriptor, SS0:ESP0 from the TSS. */
    run_user(u_int80, EFL_USER, after_int80);
    begin("sup-tables-int80-ring3-to-ring0");
    want_vec(NO_VEC, last.vec);
    want_sym("handler-esp", "esp0-20", tss.t.esp0 - 20, kres[0]);
    want_x("handler-cs", SEL_KCODE, kres[6] & 0xffff);
    want_x("handler-ss", SEL_KDATA, kres[7] & 0xffff);
    want_sym("frame-eip", "after", (u32)after_int80, kres[1]);
    want_x("frame-cs", UCS, kres[2] & 0xffff);
    want_sym("frame-esp", "user", ures[0], kres[4]);
    want_x("frame-ss", UDS, kres[5] & 0xffff);
    want_u("exceptions", 0, exc_count);
    end();

    begin("sup-tables-int80-iret-to-ring3");
    want_x("eax", 0x11223345, ures[1]);
    want_x("cs", UCS, ures[2] & 0xffff);
    want_sym("esp", "user", ures[0], ures[3]);
    want_x("eflags", EFL_USER, ures[4]);
    end();

    /* The gate is read (as a supervisor access) and refused: #GP, not #PF. */
    UFAULT("sup-tables-int-dpl0-gate-gp", int_dpl0, EFL_USER, GP, VEC_DPL0 * 8 + 2);

    /* Call gate with 2 parameters: the gate, the target CS, SS0:ESP0; LRET 8. */
    run_user(u_callgate, EFL_USER, after_callgate);
    begin("sup-tables-callgate-ring3-to-ring0");
    want_vec(NO_VEC, last.vec);
    want_sym("new-esp", "esp0-24", tss.t.esp0 - 24, kres[0]);
    want_x("cs", SEL_KCODE, kres[7] & 0xffff);
    want_x("ss", SEL_KDATA, kres[8] & 0xffff);
    want_sym("saved-eip", "after", (u32)after_callgate, kres[1]);
    want_x("saved-cs", UCS, kres[2] & 0xffff);
    want_x("param0", 0xbbbb2222, kres[3]);
    want_x("param1", 0xaaaa1111, kres[4]);
    want_sym("saved-esp", "caller", ures[3], kres[5]);
    want_x("saved-ss", UDS, kres[6] & 0xffff);
    want_u("exceptions", 0, exc_count);
    end();

    begin("sup-tables-callgate-lret8-to-ring3");
    want_x("cs", UCS, ures[2] & 0xffff);
    want_sym("esp", "caller+8", ures[3] + 8, ures[4]);
    end();

    /* LRET to CPL 3 checks DS/ES against their descriptors (and nulls them). */
    run_user(u_null_lret, EFL_USER, after_null_lret);
    begin("sup-tables-outer-lret-nulls-dpl0-ds-es");
    want_vec(NO_VEC, last.vec);
    want_x("ds", 0, ures[3] & 0xffff);
    want_x("es", 0, ures[4] & 0xffff);
    want_x("fs", UDS, ures[5] & 0xffff);
    want_x("gs", UDS, ures[6] & 0xffff);
    want_resumed();
    end();

    /* The I/O bitmap in the TSS. */
    UOK("sup-tables-io-inb-0x80-bit-clear", inb_80, EFL_USER);
    UOK("sup-tables-io-outb-0x80-bit-clear", outb_80, EFL_USER);
    UFAULT("sup-tables-io-inb-0x83-bit-set-gp", inb_83, EFL_USER, GP, 0);
    UFAULT("sup-tables-io-inw-0x87-spans-into-next-byte-gp", inw_87, EFL_USER, GP, 0);

    /* MOV to DS/SS at CPL 3: descriptors from the GDT and the LDT. */
    LOK("sup-tables-mov-ds-ring3-data-ok", ld_ds_udata, UDS);
    LOK("sup-tables-mov-ds-ldt-ring3-data-ok", ld_ds_ldt, SEL_LDT_UDATA);
    LOK("sup-tables-mov-ss-ring3-data-ok", ld_ss_udata, UDS);
    LFAULT("sup-tables-mov-ds-dpl0-data-ring3-gp", ld_ds_kdata, SEL_KDATA);

    /* A fault in ring 3 delivered to ring 0 (IDT, CS, TSS). */
    UFAULT("sup-tables-hlt-ring3-gp", hlt, EFL_USER, GP, 0);

    /* The pages really are supervisor-only (and the GDT's read-only). */
    UPF("sup-tables-pf-ring3-read-gdt-page", pf_read_gdt, 5, "gdt_page+0x20", gdt_page.page + SEL_UDATA);
    UPF("sup-tables-pf-ring3-read-idt-page", pf_read_idt, 5, "idt_page+0x400", idt_page.page + VEC_SYSCALL * 8);
    UPF("sup-tables-pf-ring3-read-tss-page", pf_read_tss, 5, "tss_page+4", tss_page.page + 4);
    kernel_write("sup-tables-ring0-write-gdt-page-wp1-pf", 0x5afe0004, gdt_page.page + 0x100, 1,
                 "gdt_page+0x100");

    set_wp(0);
    paging_off();
    ldt_off();
}

/* ---------------- 13. #DF through a task gate (vol. 3A 6.15, table 6-5; 7.3) ---------------- */

static int df_expected;

void run_double_fault_check(void)
{
    tasks_init();
    df_expected = 1;
    /* Vectors 0-12 only: the #GP from CLI cannot be delivered (vector 13
     * past the limit raises #GP), and #GP during #GP delivery is a #DF. */
    lidt_limit(13 * 8 - 1);
    run_user(u_df, EFL_USER, after_df);
    lidt_limit(IDT_ENTRIES * 8 - 1);
    begin("double-fault-task-gate");
    want_u("df-task-ran", 1, 0);
    want_vec(NO_VEC, last.vec);
    end();
    rt_exit(finish("privilege"));
}

/* Runs in the #DF task (stubs.S: df_task_entry), on its own stack. */
void df_report(void)
{
    if (!df_expected) {
        rt_printf("privilege: UNEXPECTED double fault (TR=0x%x)\n", dfres[3]);
        rt_exit(127);
    }
    begin("double-fault-task-gate");
    want_x("tr", SEL_TSS_DF, dfres[3]);
    want_x("err", 0, dfres[1]);
    want_sym("esp", "df_stack_top-4", (u32)df_stack_top - 4, dfres[0]);
    want_x("nt", EFLAGS_NT, dfres[2] & EFLAGS_NT);
    want_x("link", SEL_TSS, tss_df.link);
    want_x("interrupted-tss-type", 0xb, lar_type_of(dfres[4]));
    want_x("df-tss-type", 0xb, lar_type_of(dfres[5]));
    want_u("handled-exceptions", 0, exc_count);          /* no #GP reached a handler */
    end();
    rt_exit(finish("privilege"));
}
