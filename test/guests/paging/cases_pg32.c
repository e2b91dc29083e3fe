/* 32-bit paging with 4 KiB pages (Intel SDM vol. 3A 4.3): the identity map,
 * an alias, #PF error codes and CR2 (4.7), demand paging, accessed and
 * dirty bits (4.8), read-only pages and CR0.WP (4.6), TLB invalidation by
 * CR3 reload and INVLPG (4.10.4.1). Entered with 32-bit paging on, CR4 = 0,
 * CR0.WP = 1; every TEST_VA page not-present. */
#include "paging.h"

extern u32 identity_marker;

/* Maps VA(n) to a physical page and drops any cached translation of it. */
static void map(u32 n, u32 pte)
{
    pt32_test[n] = pte;
    invlpg(VA(n));
}

static void check_identity_and_alias(void)
{
    begin("pg32.identity");
    want_b("cr0.pg", 1, read_cr0() & CR0_PG);
    want_x("marker", 0x1dea1dea, identity_marker);     /* written before paging was on */
    end();

    /* VA(1) -> frame 1: two linear addresses, one physical page. */
    poke(FRAME(1) + 0x10, 0x11111111);
    map(1, FRAME(1) | PTE_RW | PTE_P);
    begin("pg32.alias");
    want_x("alias_read", 0x11111111, peek(VA(1) + 0x10));
    poke(VA(1) + 0x20, 0xa11a5a11);
    want_x("phys_sees", 0xa11a5a11, peek(FRAME(1) + 0x20));
    poke(FRAME(1) + 0xffc, 0x0b5e55ed);
    want_x("alias_sees", 0x0b5e55ed, peek(VA(1) + 0xffc));
    end();
}

static void check_not_present(void)
{
    map(2, 0);
    begin("pg32.pf_read_not_present");
    trap(rd32, VA(2) + 0x124, 0, 0);
    want_pf(0, VA(2) + 0x124, (u32)at_rd32);
    end();

    begin("pg32.pf_write_not_present");
    trap(wr32, VA(2) + 0xffc, 0x12345678, 0);
    want_pf(PF_W, VA(2) + 0xffc, (u32)at_wr32);
    end();

    /* The PDE itself not present (PDI(TEST_VA) + 2 is never mapped). */
    begin("pg32.pf_pde_not_present");
    trap(wr32, TEST_VA + 0x800000 + 0x10, 0, 0);
    want_pf(PF_W, TEST_VA + 0x800010, (u32)at_wr32);
    end();
}

/* The handler maps the page; IRET restarts the instruction, which now
 * completes (the #PF is a fault: saved EIP = the instruction, 6.5). */
static void check_demand(void)
{
    poke(FRAME(2) + 0x124, 0xdeadbeef);
    map(3, 0);
    demand_arm(VA(3), &pt32_test[3], FRAME(2) | PTE_RW | PTE_P);
    begin("pg32.demand_read");
    int took = trap(rd32, VA(3) + 0x124, 0, 0);
    want_b("restarted", 1, !took);
    want_pf(0, VA(3) + 0x124, (u32)at_rd32);
    want_x("value", 0xdeadbeef, catch_ret);
    end();

    poke(FRAME(3) + 0x44, 0);
    map(4, 0);
    demand_arm(VA(4), &pt32_test[4], FRAME(3) | PTE_RW | PTE_P);
    begin("pg32.demand_write");
    took = trap(wr32, VA(4) + 0x44, 0x5eed1e55, 0);
    want_b("restarted", 1, !took);
    want_pf(PF_W, VA(4) + 0x44, (u32)at_wr32);
    want_x("phys", 0x5eed1e55, peek(FRAME(3) + 0x44));
    end();
}

/* A and D (4.8): set by the processor in the entries it uses; after
 * clearing them software must invalidate, or the processor may go on
 * using the cached translation without setting them again (4.10.4.3). */
static void check_accessed_dirty(void)
{
    volatile u32 *pde = &pd32[PDI(TEST_VA)];

    pt32_test[5] = FRAME(4) | PTE_RW | PTE_P;
    *pde &= ~PTE_A;
    invlpg(VA(5));
    begin("pg32.accessed_on_read");
    (void)peek(VA(5) + 0x40);
    want_u("pte.A", 1, bit(pt32_test[5], PTE_A));
    want_u("pte.D", 0, bit(pt32_test[5], PTE_D));
    want_u("pde.A", 1, bit(*pde, PTE_A));
    end();

    begin("pg32.dirty_on_write");
    poke(VA(5) + 0x40, 1);
    want_u("pte.A", 1, bit(pt32_test[5], PTE_A));
    want_u("pte.D", 1, bit(pt32_test[5], PTE_D));
    end();

    begin("pg32.ad_set_again_after_invlpg");
    pt32_test[5] &= ~(PTE_A | PTE_D);
    *pde &= ~PTE_A;
    invlpg(VA(5));
    (void)peek(VA(5) + 0x40);
    want_u("read:pte.A", 1, bit(pt32_test[5], PTE_A));
    want_u("read:pte.D", 0, bit(pt32_test[5], PTE_D));
    want_u("read:pde.A", 1, bit(*pde, PTE_A));
    poke(VA(5) + 0x40, 2);
    want_u("write:pte.D", 1, bit(pt32_test[5], PTE_D));
    end();

    begin("pg32.write_sets_A_and_D");
    pt32_test[5] &= ~(PTE_A | PTE_D);
    invlpg(VA(5));
    poke(VA(5) + 0x40, 3);
    want_u("pte.A", 1, bit(pt32_test[5], PTE_A));
    want_u("pte.D", 1, bit(pt32_test[5], PTE_D));
    want_x("phys", 3, peek(FRAME(4) + 0x40));
    end();
}

/* Supervisor writes to read-only pages: allowed with CR0.WP = 0, #PF with
 * P and W/R set with CR0.WP = 1 (4.6.1). */
static void check_write_protect(void)
{
    poke(FRAME(5) + 8, 0x0000aaaa);
    map(6, FRAME(5) | PTE_P);                           /* R/W = 0 */

    write_cr0(read_cr0() & ~CR0_WP);
    invlpg(VA(6));
    begin("pg32.ro_write_wp0");
    int took = trap(wr32, VA(6) + 8, 0x0badf00d, 0);
    want_b("fault", 0, took);
    want_x("phys", 0x0badf00d, peek(FRAME(5) + 8));
    end();

    write_cr0(read_cr0() | CR0_WP);
    invlpg(VA(6));
    begin("pg32.ro_write_wp1");
    trap(wr32, VA(6) + 8, 0x5a5a5a5a, 0);
    want_pf(PF_W | PF_P, VA(6) + 8, (u32)at_wr32);
    want_x("phys", 0x0badf00d, peek(FRAME(5) + 8));
    want_x("read", 0x0badf00d, rd32(VA(6) + 8));
    end();

    /* R/W = 0 in the PDE, 1 in the PTE: the page is read-only (4.6.1:
     * writable only if R/W = 1 in every entry). Frame 9 is the page table. */
    volatile u32 *pt = (volatile u32 *)FRAME(9);
    for (int i = 0; i < 1024; i++)
        pt[i] = 0;
    pt[0] = FRAME(5) | PTE_RW | PTE_P;
    pd32[PDI(TEST_VA) + 1] = FRAME(9) | PTE_P;
    invlpg(TEST_VA + 0x400000);
    begin("pg32.ro_pde_wp1");
    trap(wr32, TEST_VA + 0x400000 + 8, 0x5a5a5a5a, 0);
    want_pf(PF_W | PF_P, TEST_VA + 0x400008, (u32)at_wr32);
    want_x("read", 0x0badf00d, rd32(TEST_VA + 0x400000 + 8));
    end();
    pd32[PDI(TEST_VA) + 1] = 0;
    invlpg(TEST_VA + 0x400000);
}

/* A changed PTE is seen after MOV to CR3 (flushes non-global entries) or
 * after INVLPG of the page (4.10.4.1). */
static void check_flushes(void)
{
    poke(FRAME(6), 0x66666666);
    poke(FRAME(7), 0x77777777);
    poke(FRAME(8), 0x88888888);
    map(7, FRAME(6) | PTE_RW | PTE_P);
    (void)peek(VA(7));                                  /* now cached */

    begin("pg32.cr3_reload_flush");
    pt32_test[7] = FRAME(7) | PTE_RW | PTE_P;
    reload_cr3();
    want_x("value", 0x77777777, peek(VA(7)));
    end();

    begin("pg32.invlpg_flush");
    pt32_test[7] = FRAME(8) | PTE_RW | PTE_P;
    invlpg(VA(7));
    want_x("value", 0x88888888, peek(VA(7)));
    end();
}

void run_pg32_cases(void)
{
    check_identity_and_alias();
    check_not_present();
    check_demand();
    check_accessed_dirty();
    check_write_protect();
    check_flushes();
}
