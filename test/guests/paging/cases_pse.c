/* 4 MiB pages (CR4.PSE, Intel SDM vol. 3A 4.3 table 4-4) and global pages
 * (CR4.PGE, 4.10.2.4). Entered with 32-bit paging on and CR4 = 0; leaves
 * CR4 = 0 again. */
#include "paging.h"

/* With CR4.PSE = 0 the PS bit of a PDE is ignored: the PDE references a
 * page table (4.3: "If CR4.PSE = 1 and PS = 1 ... otherwise ... page
 * table"). Frame 10 is that page table, its entry 0 maps frame 11. */
static void check_ps_ignored(void)
{
    u32 va = BIG_VA + 0x800000;
    volatile u32 *pt = (volatile u32 *)FRAME(10);
    for (int i = 0; i < 1024; i++)
        pt[i] = 0;
    pt[0] = FRAME(11) | PTE_RW | PTE_P;
    poke(FRAME(11) + 0x10, 0x0ddba11);
    pd32[PDI(va)] = FRAME(10) | PDE_PS | PTE_RW | PTE_P;
    invlpg(va);
    begin("pse.ps_ignored_when_cr4_pse_0");
    int took = trap(rd32, va + 0x10, 0, 0);
    want_b("fault", 0, took);
    want_x("value", 0x0ddba11, catch_ret);
    end();
    pd32[PDI(va)] = 0;
    invlpg(va);
}

static void check_pse(void)
{
    volatile u32 *pde = &pd32[PDI(BIG_VA)];

    write_cr4(read_cr4() | CR4_PSE);
    /* BIG_VA .. +4 MiB -> physical BIG_PA (4 MiB aligned), A = D = 0. */
    *pde = BIG_PA | PDE_PS | PTE_RW | PTE_P;
    invlpg(BIG_VA);

    poke(BIG_PA + 0x1230, 0x4a4a0001);
    poke(BIG_PA + 0x3ffffc, 0x4a4a0002);
    begin("pse.read_4m");
    want_b("cr4.pse", 1, read_cr4() & CR4_PSE);
    want_x("first_page", 0x4a4a0001, peek(BIG_VA + 0x1230));
    want_x("last_dword", 0x4a4a0002, peek(BIG_VA + 0x3ffffc));
    end();

    begin("pse.write_4m");
    poke(BIG_VA + 0x2a5a4, 0x4a4a0003);
    poke(BIG_VA + 0x3ff000, 0x4a4a0004);
    want_x("phys1", 0x4a4a0003, peek(BIG_PA + 0x2a5a4));
    want_x("phys2", 0x4a4a0004, peek(BIG_PA + 0x3ff000));
    end();

    /* A and D live in the PDE that maps the page (4.8). */
    begin("pse.accessed_dirty");
    *pde &= ~(PTE_A | PTE_D);
    invlpg(BIG_VA);
    (void)peek(BIG_VA + 0x100);
    want_u("read:pde.A", 1, bit(*pde, PTE_A));
    want_u("read:pde.D", 0, bit(*pde, PTE_D));
    poke(BIG_VA + 0x100, 5);
    want_u("write:pde.D", 1, bit(*pde, PTE_D));
    *pde &= ~(PTE_A | PTE_D);
    invlpg(BIG_VA);
    poke(BIG_VA + 0x104, 6);
    want_u("again:pde.A", 1, bit(*pde, PTE_A));
    want_u("again:pde.D", 1, bit(*pde, PTE_D));
    end();

    /* Bit 21 of a 4 MiB PDE is reserved whatever the physical-address
     * width (4.3 table 4-4: bits 21:(M-19) with M <= 40; without PSE-36
     * bits 21:13): #PF with P and RSVD (4.7). */
    u32 va = BIG_VA + 0x400000;
    pd32[PDI(va)] = BIG_PA | (1u << 21) | PDE_PS | PTE_RW | PTE_P;
    invlpg(va);
    begin("pse.rsvd_bit21");
    trap(rd32, va + 0x10, 0, 0);
    want_pf_rsvd(PF_RSVD | PF_P, va + 0x10, (u32)at_rd32);
    end();
    begin("pse.rsvd_bit21_write");
    trap(wr32, va + 0x3ffffc, 0, 0);
    want_pf_rsvd(PF_RSVD | PF_W | PF_P, va + 0x3ffffc, (u32)at_wr32);
    end();
    pd32[PDI(va)] = 0;

    /* Turning PSE off: the 4 MiB PDE would now be read as a page table
     * pointer, so drop it first. MOV to CR4 changing PSE flushes the TLB. */
    *pde = 0;
    write_cr4(read_cr4() & ~CR4_PSE);
}

/* Global pages (4.10.2.4): a G = 1 translation may survive MOV to CR3,
 * so whether it does is not checked; INVLPG, or clearing CR4.PGE, must
 * drop it (4.10.4.1). */
static void check_pge(void)
{
    poke(FRAME(6), 0x66666666);
    poke(FRAME(7), 0x77777777);
    poke(FRAME(8), 0x88888888);
    write_cr4(read_cr4() | CR4_PGE);
    pt32_test[8] = FRAME(6) | PTE_G | PTE_RW | PTE_P;
    invlpg(VA(8));
    begin("pge.global_read");
    want_b("cr4.pge", 1, read_cr4() & CR4_PGE);
    want_x("value", 0x66666666, peek(VA(8)));
    end();

    begin("pge.invlpg_global");
    pt32_test[8] = FRAME(7) | PTE_G | PTE_RW | PTE_P;
    reload_cr3();                                       /* may or may not drop it */
    invlpg(VA(8));
    want_x("value", 0x77777777, peek(VA(8)));
    end();

    begin("pge.cr4_pge_toggle");
    (void)peek(VA(8));
    pt32_test[8] = FRAME(8) | PTE_G | PTE_RW | PTE_P;
    reload_cr3();
    write_cr4(read_cr4() & ~CR4_PGE);                   /* flushes global entries too */
    write_cr4(read_cr4() | CR4_PGE);
    want_x("value", 0x88888888, peek(VA(8)));
    end();

    /* With PGE on, a G = 0 page is still flushed by MOV to CR3. */
    begin("pge.nonglobal_cr3_flush");
    pt32_test[9] = FRAME(6) | PTE_RW | PTE_P;
    invlpg(VA(9));
    (void)peek(VA(9));
    pt32_test[9] = FRAME(7) | PTE_RW | PTE_P;
    reload_cr3();
    want_x("value", 0x77777777, peek(VA(9)));
    end();

    write_cr4(read_cr4() & ~CR4_PGE);
    pt32_test[8] = pt32_test[9] = 0;
    reload_cr3();
}

void run_pse_pge_cases(void)
{
    check_ps_ignored();
    check_pse();
    check_pge();
}
