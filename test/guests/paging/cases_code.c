/* Code and string instructions under 32-bit paging: self-modifying code
 * whose bytes straddle a page boundary, patched through an alias linear
 * mapping; a code page remapped under a fixed linear address; instruction
 * fetch faults restarted by demand paging; a #PF in the middle of rep movsd
 * (Intel SDM vol. 3A 4.10.4.1 INVLPG, 6.5 fault restart, vol. 2B REP).
 * Entered and left with 32-bit paging on, CR4 = 0. */
#include "paging.h"

typedef u32 (*fn_t)(void);

/* Writes "mov $imm, %eax; ret" at physical address pa. */
static void put_code(u32 pa, u32 imm)
{
    volatile u8 *p = (volatile u8 *)pa;
    p[0] = 0xb8;
    p[1] = (u8)imm;
    p[2] = (u8)(imm >> 8);
    p[3] = (u8)(imm >> 16);
    p[4] = (u8)(imm >> 24);
    p[5] = 0xc3;
}

static void poke16(u32 a, u16 v) { *(volatile u16 *)a = v; }

/* smc_func (stubs.S) begins 8 bytes before the boundary between the two
 * pages of smc_area; its imm32 has two bytes on each side. VA(10) and
 * VA(11) alias those two physical pages, in that order. */
static void check_smc(void)
{
    u32 page0 = (u32)smc_area, page1 = page0 + 4096;
    u32 off = (u32)smc_func - page0;                    /* 4088 */
    u32 imm = (u32)smc_mov + 1;                         /* page1 - 2 */

    pt32_test[10] = page0 | PTE_RW | PTE_P;
    pt32_test[11] = page1 | PTE_RW | PTE_P;
    invlpg(VA(10));
    invlpg(VA(11));

    begin("smc.straddle_before");
    want_u("imm_in_page0", 2, page1 - imm);
    int took = trap(smc_func, 0, 0, 0);
    want_b("fault", 0, took);
    want_x("eax", 0x11111111, catch_ret);
    end();

    /* The upper half of the immediate, through the alias of page 1. */
    begin("smc.patch_page1_via_alias");
    poke16(VA(11) + 0, 0x2222);
    took = trap(smc_func, 0, 0, 0);
    want_b("fault", 0, took);
    want_x("eax", 0x22221111, catch_ret);
    end();

    /* The lower half, through the alias of page 0. */
    begin("smc.patch_page0_via_alias");
    poke16(VA(10) + 4094, 0x3333);
    took = trap(smc_func, 0, 0, 0);
    want_b("fault", 0, took);
    want_x("eax", 0x22223333, catch_ret);
    end();

    /* The same physical code run at the alias address, then patched at
     * its identity address: both linear views see the new code. */
    begin("smc.run_via_alias_patch_identity");
    took = trap((const void *)(VA(10) + off), 0, 0, 0);
    want_b("fault", 0, took);
    want_x("alias_eax", 0x22223333, catch_ret);
    poke16(imm + 2, 0x4444);
    took = trap((const void *)(VA(10) + off), 0, 0, 0);
    want_x("alias_eax2", 0x44443333, took ? 0 : catch_ret);
    took = trap(smc_func, 0, 0, 0);
    want_x("identity_eax", 0x44443333, took ? 0 : catch_ret);
    end();

    poke16(imm, 0x1111);                                /* restore */
    poke16(imm + 2, 0x1111);
    pt32_test[10] = pt32_test[11] = 0;
    invlpg(VA(10));
    invlpg(VA(11));
}

/* One linear code page, two physical pages: after the PTE changes and
 * INVLPG (or MOV to CR3), the code of the new page runs. */
static void check_code_remap(void)
{
    u32 x = VA(12) + 0x100;
    put_code(FRAME(12) + 0x100, 0xc0de000a);
    put_code(FRAME(13) + 0x100, 0xc0de000b);
    pt32_test[12] = FRAME(12) | PTE_RW | PTE_P;
    invlpg(VA(12));

    begin("code.remap_invlpg");
    int took = trap((const void *)x, 0, 0, 0);
    want_x("first", 0xc0de000a, took ? 0 : catch_ret);
    pt32_test[12] = FRAME(13) | PTE_RW | PTE_P;
    invlpg(VA(12));
    took = trap((const void *)x, 0, 0, 0);
    want_x("remapped", 0xc0de000b, took ? 0 : catch_ret);
    end();

    begin("code.remap_cr3");
    pt32_test[12] = FRAME(12) | PTE_RW | PTE_P;
    reload_cr3();
    took = trap((const void *)x, 0, 0, 0);
    want_x("back", 0xc0de000a, took ? 0 : catch_ret);
    end();
    pt32_test[12] = 0;
    invlpg(VA(12));
}

/* An instruction fetch from a not-present page: #PF with error code 0 (no
 * I/D bit without NX or SMEP, 4.7), CR2 = saved EIP = the target; the
 * handler maps it and the fetch restarts. */
static void check_fetch_faults(void)
{
    u32 x = VA(13) + 0x100;
    put_code(FRAME(12) + 0x100, 0xc0de000c);
    pt32_test[13] = 0;
    invlpg(VA(13));
    demand_arm(VA(13), &pt32_test[13], FRAME(12) | PTE_RW | PTE_P);
    begin("code.fetch_demand");
    int took = trap((const void *)x, 0, 0, 0);
    want_b("restarted", 1, !took);
    want_pf(0, x, x);
    want_x("eax", 0xc0de000c, catch_ret);
    end();

    /* An instruction straddling into a not-present page: CR2 = the first
     * byte of that page, saved EIP = the instruction (in the page before). */
    u32 start = VA(14) + 4093;
    volatile u8 *a = (volatile u8 *)(FRAME(14) + 4093), *b = (volatile u8 *)FRAME(15);
    a[0] = 0xb8;                                        /* mov $0xc0de000d, %eax */
    a[1] = 0x0d;
    a[2] = 0x00;
    b[0] = 0xde;
    b[1] = 0xc0;
    b[2] = 0xc3;                                        /* ret */
    pt32_test[14] = FRAME(14) | PTE_RW | PTE_P;
    pt32_test[15] = 0;
    invlpg(VA(14));
    invlpg(VA(15));
    demand_arm(VA(15), &pt32_test[15], FRAME(15) | PTE_RW | PTE_P);
    begin("code.fetch_straddle_demand");
    took = trap((const void *)start, 0, 0, 0);
    want_b("restarted", 1, !took);
    want_pf(0, VA(15), start);
    want_x("eax", 0xc0de000d, catch_ret);
    end();
    pt32_test[13] = pt32_test[14] = pt32_test[15] = 0;
    reload_cr3();
}

/* rep movsd that runs into a not-present page: the #PF leaves ECX/ESI/EDI
 * at the faulting iteration, EIP at the REP; the handler maps the page and
 * the restarted instruction finishes the copy. */
static u32 rep_src[8];
static u32 rep_dst[8];

static void check_rep_movsd(void)
{
    for (u32 i = 0; i < 8; i++)
        rep_src[i] = 0x5e000000u + i;

    /* Destination: two dwords at the end of VA(16), six in VA(17). */
    u32 dst = VA(17) - 8;
    for (u32 i = 0; i < 1024; i++)
        ((volatile u32 *)FRAME(16))[i] = ((volatile u32 *)FRAME(17))[i] = 0;
    pt32_test[16] = FRAME(16) | PTE_RW | PTE_P;
    pt32_test[17] = 0;
    invlpg(VA(16));
    invlpg(VA(17));
    demand_arm(VA(17), &pt32_test[17], FRAME(17) | PTE_RW | PTE_P);
    begin("rep_movsd.dst_demand");
    int took = trap(rep_movsd_run, (u32)rep_src, dst, 8);
    want_b("restarted", 1, !took);
    want_pf(PF_W, VA(17), (u32)at_rep_movsd);
    want_u("ecx", 0, rep_out[0]);
    want_u("esi-src", 32, rep_out[1] - (u32)rep_src);
    want_x("edi", VA(17) + 24, rep_out[2]);
    u32 bad = 0;
    for (u32 i = 0; i < 2; i++)
        bad += peek(FRAME(16) + 4088 + 4 * i) != rep_src[i];
    for (u32 i = 2; i < 8; i++)
        bad += peek(FRAME(17) + 4 * (i - 2)) != rep_src[i];
    want_u("bad_dwords", 0, bad);
    want_x("after_end", 0, peek(FRAME(17) + 24));
    end();

    /* Source: three dwords at the end of VA(18), five in VA(19). */
    u32 src = VA(19) - 12;
    for (u32 i = 0; i < 3; i++)
        poke(FRAME(18) + 4084 + 4 * i, 0x5f000000u + i);
    for (u32 i = 3; i < 8; i++)
        poke(FRAME(19) + 4 * (i - 3), 0x5f000000u + i);
    for (u32 i = 0; i < 8; i++)
        rep_dst[i] = 0;
    pt32_test[18] = FRAME(18) | PTE_RW | PTE_P;
    pt32_test[19] = 0;
    invlpg(VA(18));
    invlpg(VA(19));
    demand_arm(VA(19), &pt32_test[19], FRAME(19) | PTE_RW | PTE_P);
    begin("rep_movsd.src_demand");
    took = trap(rep_movsd_run, src, (u32)rep_dst, 8);
    want_b("restarted", 1, !took);
    want_pf(0, VA(19), (u32)at_rep_movsd);
    want_u("ecx", 0, rep_out[0]);
    want_x("esi", VA(19) + 20, rep_out[1]);
    want_u("edi-dst", 32, rep_out[2] - (u32)rep_dst);
    bad = 0;
    for (u32 i = 0; i < 8; i++)
        bad += ((volatile u32 *)rep_dst)[i] != 0x5f000000u + i;
    want_u("bad_dwords", 0, bad);
    end();

    for (u32 i = 16; i < 20; i++)
        pt32_test[i] = 0;
    reload_cr3();
}

void run_code_cases(void)
{
    check_smc();
    check_code_remap();
    check_fetch_faults();
    check_rep_movsd();
}
