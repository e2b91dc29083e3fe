/* Paging for the bench kernels, chosen on the command line: "paging=32"
 * identity-maps the first 64 MiB with 4 KiB pages under 32-bit paging,
 * "paging=pae" the same under PAE (Intel SDM vol. 3, 4.3 and 4.4), so
 * the same loops also measure the emulator with address translation on
 * (the softmmu TLB, 4 KiB granularity). Without the option nothing changes.
 * Included by each bench main (a header, so only the bench kernels carry it). */
#ifndef BENCH_PAGING_H
#define BENCH_PAGING_H
#include "rt.h"

#define BENCH_MAPPED_MIB 64

static u32 bench_pd[1024] __attribute__((aligned(4096)));
static u32 bench_pt[BENCH_MAPPED_MIB / 4][1024] __attribute__((aligned(4096)));
static unsigned long long bench_pdpt[4] __attribute__((aligned(32)));
static unsigned long long bench_pae_pd[512] __attribute__((aligned(4096)));
static unsigned long long bench_pae_pt[BENCH_MAPPED_MIB / 2][512] __attribute__((aligned(4096)));

static int bench_has(const char *s, const char *word)
{
    for (; *s; s++) {
        const char *a = s, *b = word;
        while (*b && *a == *b) { a++; b++; }
        if (!*b && (*a == 0 || *a == ' ')) return 1;
    }
    return 0;
}

/* Turns paging on as the command line asks; returns the mode's name for the output. */
static const char *bench_paging(const char *cmdline)
{
    u32 cr;
    if (bench_has(cmdline, "paging=32")) {
        for (u32 t = 0; t < BENCH_MAPPED_MIB / 4; t++) {
            for (u32 i = 0; i < 1024; i++) bench_pt[t][i] = ((t * 1024 + i) << 12) | 3; /* present, writable */
            bench_pd[t] = (u32)bench_pt[t] | 3;
        }
        __asm__ volatile("mov %0, %%cr3" :: "r"(bench_pd) : "memory");
    } else if (bench_has(cmdline, "paging=pae")) {
        for (u32 t = 0; t < BENCH_MAPPED_MIB / 2; t++) {
            for (u32 i = 0; i < 512; i++) bench_pae_pt[t][i] = ((unsigned long long)(t * 512 + i) << 12) | 3;
            bench_pae_pd[t] = (u32)bench_pae_pt[t] | 3;
        }
        bench_pdpt[0] = (u32)bench_pae_pd | 1; /* present (PDPTEs have no R/W bit) */
        __asm__ volatile("mov %%cr4, %0; or $0x20, %0; mov %0, %%cr4" : "=&r"(cr) :: "memory"); /* CR4.PAE */
        __asm__ volatile("mov %0, %%cr3" :: "r"(bench_pdpt) : "memory");
    } else {
        return "off";
    }
    __asm__ volatile("mov %%cr0, %0; or $0x80000000, %0; mov %0, %%cr0" : "=&r"(cr) :: "memory"); /* CR0.PG */
    return bench_has(cmdline, "paging=32") ? "32-bit" : "pae";
}
#endif
