/* PAE paging (Intel SDM vol. 3A 4.4): a page-directory-pointer table of
 * four PDPTEs (CR3 bits 31:5: 32-byte aligned; here deliberately not
 * 64-byte aligned), page directories and page tables of 64-bit entries,
 * 4 KiB and 2 MiB pages, #PF error codes (4.7) including reserved bits,
 * A/D bits (4.8), PDPTE loading on MOV to CR3 (4.4.1), and the way back
 * to 32-bit paging (PG off, CR4.PAE off, PG on; 4.1.2).
 *
 * Linear map:  0-2 MiB      4 KiB identity pages (pt_low)
 *              2-8 MiB      2 MiB identity pages
 *              TEST_VA      4 KiB pages (pt_test), VA(0..511)
 *              BIG_VA       2 MiB pages (pd1) -> BIG_PA ...
 *              0xc0000000   PDPTE 3 not present */
#include "paging.h"

static volatile u64 pdpt_block[8] __attribute__((aligned(64)));
#define pdpt (&pdpt_block[4])                   /* 32 mod 64 */
static volatile u64 pd0[512] __attribute__((aligned(4096)));   /* 0-1 GiB */
static volatile u64 pd1[512] __attribute__((aligned(4096)));   /* 1-2 GiB (BIG_VA) */
static volatile u64 pd1b[512] __attribute__((aligned(4096)));  /* a second PD for PDPTE 1 */
static volatile u64 pt_low[512] __attribute__((aligned(4096)));
static volatile u64 pt_test[512] __attribute__((aligned(4096)));

#define PDI_PAE(va) (((u32)(va) >> 21) & 511)
#define BIT64(n) (1ull << (n))

static u32 lo(volatile u64 *e) { return *(volatile u32 *)e; }
static u32 hi(volatile u64 *e) { return ((volatile u32 *)e)[1]; }
static void set64(volatile u64 *e, u64 v)
{
    ((volatile u32 *)e)[0] = 0;                 /* not present while half-written */
    ((volatile u32 *)e)[1] = (u32)(v >> 32);
    ((volatile u32 *)e)[0] = (u32)v;
}

static void pae_build(void)
{
    for (u32 i = 0; i < 512; i++) {
        pt_low[i] = (i << 12) | PTE_RW | PTE_P;
        pd0[i] = pd1[i] = pd1b[i] = pt_test[i] = 0;
    }
    pd0[0] = (u32)pt_low | PTE_RW | PTE_P;
    for (u32 i = 1; i < 4; i++)
        pd0[i] = (i << 21) | PDE_PS | PTE_RW | PTE_P;
    pd0[PDI_PAE(TEST_VA)] = (u32)pt_test | PTE_RW | PTE_P;
    /* PDPTEs have no R/W, U/S, A bits: bits 2:1 and 8:5 are reserved (4.4.1). */
    pdpt[0] = (u32)pd0 | PTE_P;
    pdpt[1] = (u32)pd1 | PTE_P;
    pdpt[2] = 0;
    pdpt[3] = 0;
}

static void check_enable_and_4k(void)
{
    begin("pae.enable");
    want_b("cr4.pae", 1, read_cr4() & CR4_PAE);
    want_b("cr0.pg", 1, read_cr0() & CR0_PG);
    want_x("cr3-pdpt_block", 32, read_cr3() - (u32)pdpt_block);
    want_x("2m_identity", 0x4a4a0003, peek(BIG_PA + 0x2a5a4));    /* written by cases_pse.c */
    end();

    poke(FRAME(1) + 0x10, 0x11112222);
    set64(&pt_test[1], FRAME(1) | PTE_RW | PTE_P);
    invlpg(VA(1));
    begin("pae.alias_4k");
    want_x("alias_read", 0x11112222, peek(VA(1) + 0x10));
    poke(VA(1) + 0x20, 0xae5a11a5);
    want_x("phys_sees", 0xae5a11a5, peek(FRAME(1) + 0x20));
    end();
}

static void check_faults(void)
{
    set64(&pt_test[2], 0);
    invlpg(VA(2));
    begin("pae.pf_read_not_present");
    trap(rd32, VA(2) + 0x124, 0, 0);
    want_pf(0, VA(2) + 0x124, (u32)at_rd32);
    end();

    begin("pae.pf_write_not_present");
    trap(wr32, VA(2) + 0x128, 0, 0);
    want_pf(PF_W, VA(2) + 0x128, (u32)at_wr32);
    end();

    poke(FRAME(5) + 8, 0x0000abcd);
    set64(&pt_test[3], FRAME(5) | PTE_P);
    invlpg(VA(3));
    begin("pae.pf_write_ro_wp1");
    trap(wr32, VA(3) + 8, 0x5a5a5a5a, 0);
    want_pf(PF_W | PF_P, VA(3) + 8, (u32)at_wr32);
    want_x("phys", 0x0000abcd, peek(FRAME(5) + 8));
    end();

    begin("pae.pf_pde_not_present");
    trap(rd32, TEST_VA + 0x200000 + 0x30, 0, 0);         /* pd0 entry 0x81 */
    want_pf(0, TEST_VA + 0x200030, (u32)at_rd32);
    end();

    begin("pae.pf_pdpte_not_present");
    trap(wr32, 0xc0001004, 0, 0);                        /* PDPTE 3 */
    want_pf(PF_W, 0xc0001004, (u32)at_wr32);
    end();

    poke(FRAME(3) + 0x44, 0);
    set64(&pt_test[4], 0);
    invlpg(VA(4));
    demand_arm(VA(4), (volatile u32 *)&pt_test[4], FRAME(3) | PTE_RW | PTE_P);
    begin("pae.demand_write");
    int took = trap(wr32, VA(4) + 0x44, 0x5eed0ae5, 0);
    want_b("restarted", 1, !took);
    want_pf(PF_W, VA(4) + 0x44, (u32)at_wr32);
    want_x("phys", 0x5eed0ae5, peek(FRAME(3) + 0x44));
    end();
}

/* A and D in 64-bit entries: the low dword changes, the high one not. */
static void check_accessed_dirty(void)
{
    volatile u64 *pte = &pt_test[5], *pde = &pd0[PDI_PAE(TEST_VA)];
    set64(pte, FRAME(4) | PTE_RW | PTE_P);
    *(volatile u32 *)pde &= ~PTE_A;
    invlpg(VA(5));
    begin("pae.accessed_dirty_4k");
    (void)peek(VA(5) + 0x40);
    want_u("read:pte.A", 1, bit(lo(pte), PTE_A));
    want_u("read:pte.D", 0, bit(lo(pte), PTE_D));
    want_u("read:pde.A", 1, bit(lo(pde), PTE_A));
    poke(VA(5) + 0x40, 7);
    want_u("write:pte.D", 1, bit(lo(pte), PTE_D));
    want_x("pte.hi", 0, hi(pte));
    *(volatile u32 *)pte &= ~(PTE_A | PTE_D);
    invlpg(VA(5));
    poke(VA(5) + 0x40, 8);
    want_u("again:pte.A", 1, bit(lo(pte), PTE_A));
    want_u("again:pte.D", 1, bit(lo(pte), PTE_D));
    end();
}

static void check_2m(void)
{
    /* BIG_VA -> BIG_PA, BIG_VA + 2 MiB -> BIG_PA + 2 MiB. */
    set64(&pd1[0], BIG_PA | PDE_PS | PTE_RW | PTE_P);
    set64(&pd1[1], (BIG_PA + 0x200000) | PDE_PS | PTE_RW | PTE_P);
    invlpg(BIG_VA);
    invlpg(BIG_VA + 0x200000);
    poke(BIG_PA + 0x1230, 0x2a2a0001);
    poke(BIG_PA + 0x3ffffc, 0x2a2a0002);
    begin("pae.page_2m");
    want_x("read1", 0x2a2a0001, peek(BIG_VA + 0x1230));
    want_x("read2", 0x2a2a0002, peek(BIG_VA + 0x3ffffc));
    poke(BIG_VA + 0x1ffffc, 0x2a2a0003);
    want_x("phys", 0x2a2a0003, peek(BIG_PA + 0x1ffffc));
    end();

    volatile u64 *pde = &pd1[0];
    begin("pae.accessed_dirty_2m");
    *(volatile u32 *)pde &= ~(PTE_A | PTE_D);
    invlpg(BIG_VA);
    (void)peek(BIG_VA + 0x100);
    want_u("read:pde.A", 1, bit(lo(pde), PTE_A));
    want_u("read:pde.D", 0, bit(lo(pde), PTE_D));
    poke(BIG_VA + 0x100, 9);
    want_u("write:pde.D", 1, bit(lo(pde), PTE_D));
    want_x("pde.hi", 0, hi(pde));
    end();
}

/* Reserved bits (4.4.2 tables 4-8 to 4-11): #PF with P and RSVD set. */
static void check_reserved(void)
{
    /* Bits 20:13 of a 2 MiB PDE. */
    u32 va = BIG_VA + 0x400000;
    set64(&pd1[PDI_PAE(va)], BIG_PA | BIT64(13) | PDE_PS | PTE_RW | PTE_P);
    invlpg(va);
    begin("pae.rsvd_pde_2m_bit13_read");
    trap(rd32, va + 0x10, 0, 0);
    want_pf_rsvd(PF_RSVD | PF_P, va + 0x10, (u32)at_rd32);
    end();
    begin("pae.rsvd_pde_2m_bit13_write");
    trap(wr32, va + 0x1ffffc, 0, 0);
    want_pf_rsvd(PF_RSVD | PF_W | PF_P, va + 0x1ffffc, (u32)at_wr32);
    end();
    set64(&pd1[PDI_PAE(va)], 0);

    /* Bit 63 (XD) is reserved while IA32_EFER.NXE = 0 (4.4.2). */
    set64(&pt_test[20], BIT64(63) | FRAME(20) | PTE_RW | PTE_P);
    invlpg(VA(20));
    begin("pae.rsvd_pte_bit63");
    trap(rd32, VA(20) + 0x10, 0, 0);
    want_pf_rsvd(PF_RSVD | PF_P, VA(20) + 0x10, (u32)at_rd32);
    end();

    /* Bits 62:MAXPHYADDR: bit 62 is reserved for every MAXPHYADDR. */
    set64(&pt_test[21], BIT64(62) | FRAME(20) | PTE_RW | PTE_P);
    invlpg(VA(21));
    begin("pae.rsvd_pte_bit62");
    trap(wr32, VA(21) + 0x10, 0, 0);
    want_pf_rsvd(PF_RSVD | PF_W | PF_P, VA(21) + 0x10, (u32)at_wr32);
    end();

    /* ... and bit 52 of a PDE that references a page table (frame 21). */
    volatile u64 *pt = (volatile u64 *)FRAME(21);
    for (u32 i = 0; i < 512; i++)
        pt[i] = 0;
    set64(&pt[0], FRAME(20) | PTE_RW | PTE_P);
    u32 va2 = TEST_VA + 0x400000;
    set64(&pd0[PDI_PAE(va2)], BIT64(52) | FRAME(21) | PTE_RW | PTE_P);
    invlpg(va2);
    begin("pae.rsvd_pde_bit52");
    trap(rd32, va2 + 0x10, 0, 0);
    want_pf_rsvd(PF_RSVD | PF_P, va2 + 0x10, (u32)at_rd32);
    end();
    set64(&pd0[PDI_PAE(va2)], 0);
    set64(&pt_test[20], 0);
    set64(&pt_test[21], 0);
    reload_cr3();
}

/* PDPTE 1 changed in memory, then MOV to CR3 loads the four PDPTEs again
 * (4.4.1): BIG_VA now goes through pd1b to BIG_PA + 2 MiB. (Before the
 * reload the processor may use either PDPTE; that is not checked.) */
static void check_pdpte_reload(void)
{
    poke(BIG_PA + 0x10, 0x2b2b0001);
    poke(BIG_PA + 0x200010, 0x2b2b0002);
    set64(&pd1b[0], (BIG_PA + 0x200000) | PDE_PS | PTE_RW | PTE_P);
    (void)peek(BIG_VA + 0x10);
    begin("pae.pdpte_reload");
    pdpt[1] = (u32)pd1b | PTE_P;
    reload_cr3();
    want_x("value", 0x2b2b0002, peek(BIG_VA + 0x10));
    pdpt[1] = (u32)pd1 | PTE_P;
    reload_cr3();
    want_x("back", 0x2b2b0001, peek(BIG_VA + 0x10));
    end();
}

void run_pae_cases(void)
{
    pae_build();
    switch_paging((u32)pdpt, CR4_PAE);

    check_enable_and_4k();
    check_faults();
    check_accessed_dirty();
    check_2m();
    check_reserved();
    check_pdpte_reload();

    /* Back to 32-bit paging; VA(1) maps frame 1 there too. */
    poke(VA(1) + 0x30, 0x32b17bac);
    switch_paging((u32)pd32, 0);
    begin("pae.back_to_32bit");
    want_b("cr4.pae", 0, read_cr4() & CR4_PAE);
    want_b("cr0.pg", 1, read_cr0() & CR0_PG);
    want_b("cr3=pd32", 1, read_cr3() == (u32)pd32);
    want_x("alias_read", 0x32b17bac, peek(VA(1) + 0x30));
    end();
}
