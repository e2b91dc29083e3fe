/* cpuid, rdtsc, rdmsr/wrmsr. The vendor string, the feature bits and the
 * exact TSC differences are printed for the rewind86 test to judge (there,
 * TSC = retired instructions); the guest itself checks only what holds on
 * any i686-class CPU, so it passes under QEMU too. */
#include "rt.h"
#include "sysinsn.h"

#define MSR_TSC 0x10
#define MSR_SYSENTER_CS 0x174
#define MSR_SYSENTER_ESP 0x175
#define MSR_SYSENTER_EIP 0x176
#define MSR_UNKNOWN 0x12345

static void cpuid(u32 leaf, u32 sub, u32 r[4])
{
    __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}

static u64 rdtsc(void)
{
    u32 lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (u64)hi << 32 | lo;
}

static u32 max_leaf;

static void cpuid_cases(void)
{
    u32 r[4], m[4];

    begin(CASE("cpuid leaf 0: maximum leaf and vendor string"));
    cpuid(0, 0, r);
    max_leaf = r[0];
    char vendor[13];
    u32 words[3] = { r[1], r[3], r[2] };        /* EBX, EDX, ECX */
    for (int i = 0; i < 12; i++)
        vendor[i] = (char)(words[i / 4] >> (8 * (i % 4)));
    vendor[12] = 0;
    show_u("max", max_leaf);
    show_s("vendor", vendor);
    expect(max_leaf >= 1, "maximum leaf below 1");
    end();

    begin(CASE("cpuid leaf 1: signature and feature bits"));
    cpuid(1, 0, r);
    u32 family = (r[0] >> 8) & 0xf, model = (r[0] >> 4) & 0xf;
    if (family == 0xf)
        family += (r[0] >> 20) & 0xff;
    if (family == 6 || family >= 0xf)
        model += ((r[0] >> 16) & 0xf) << 4;
    show_u("family", family);
    show_u("model", model);
    show_u("stepping", r[0] & 0xf);
    show_x("edx", r[3]);
    show_x("ecx", r[2]);
    expect(r[3] & (1u << 4), "no TSC (EDX bit 4)");
    expect(r[3] & (1u << 8), "no CX8 (EDX bit 8)");
    expect(r[3] & (1u << 15), "no CMOV (EDX bit 15)");
    expect(family >= 6, "family below 6 (not an i686)");
    end();

    /* Above the maximum: Intel returns the highest basic leaf's data (and
     * so does QEMU), AMD returns zeros; either is accepted and named. */
    begin(CASE("cpuid unsupported leaf (maximum + 1)"));
    cpuid(max_leaf + 1, 0, r);
    cpuid(max_leaf, 0, m);
    int zeros = (r[0] | r[1] | r[2] | r[3]) == 0;
    int highest = r[0] == m[0] && r[1] == m[1] && r[2] == m[2] && r[3] == m[3];
    show_x("leaf", max_leaf + 1);
    show_x("eax", r[0]);
    show_x("ebx", r[1]);
    show_x("ecx", r[2]);
    show_x("edx", r[3]);
    show_s("as", zeros ? "zeros" : highest ? "highest basic leaf" : "other");
    expect(zeros || highest, "neither zeros nor the highest basic leaf");
    end();
}

static void tsc_cases(void)
{
    begin(CASE("rdtsc is monotonic"));
    u64 t0 = rdtsc();
    for (volatile int i = 0; i < 1000; i++)
        ;
    u64 t1 = rdtsc();
    u64 t2 = rdtsc();
    expect(t1 > t0, "no increase over a 1000-iteration loop");
    expect(t2 > t1, "no increase from one rdtsc to the next");
    end();

    begin(CASE("rdtsc difference over a straight-line sequence"));
    u32 d = rdtsc_span();
    show_u("insns", RDTSC_SPAN);
    show_u("delta", d);
    expect(d > 0, "zero difference");
    end();
}

static void msr_cases(void)
{
    begin(CASE("wrmsr/rdmsr SYSENTER_CS/ESP/EIP round trip"));
    {
        static const u32 msr[3] = { MSR_SYSENTER_CS, MSR_SYSENTER_ESP, MSR_SYSENTER_EIP };
        static const u32 val[3] = { 0x0008, 0x12345678, 0x9abcdef0 };
        int took = 0;
        for (int i = 0; i < 3 && !took; i++)
            took = trap(do_wrmsr, msr[i], val[i], 0);
        expect_no_exc(took);
        for (int i = 0; i < 3 && !took; i++) {
            took = trap(do_rdmsr, msr[i], 0, 0);
            expect_no_exc(took);
            if (!took) {
                expect(catch_ret_lo == val[i], i == 0 ? "SYSENTER_CS" : i == 1 ? "SYSENTER_ESP" : "SYSENTER_EIP");
                expect(catch_ret_hi == 0, "EDX (high half) not 0");
            }
        }
        for (int i = 0; i < 3; i++)
            trap(do_wrmsr, msr[i], 0, 0);
    }
    end();

    begin(CASE("rdmsr 0x10 (TSC) between two rdtsc"));
    tsc_msr_probe();
    u32 a = tsc_msr_sample[1] - tsc_msr_sample[0], b = tsc_msr_sample[2] - tsc_msr_sample[0];
    show_u("msr_minus_t0", a);
    show_u("t1_minus_t0", b);
    expect(a <= b, "TSC MSR outside the two rdtsc values");
    expect(b > 0, "rdtsc did not advance");
    qemu_deviation("QEMU 7.2's TCG: the TSC MSR does not read the RDTSC value");
    end();

    begin(CASE("rdmsr of an unknown MSR (0x12345): #GP(0)"));
    expect_exc(trap(do_rdmsr, MSR_UNKNOWN, 0, 0), 13, 0, at_rdmsr);
    qemu_deviation("QEMU's TCG reads unknown MSRs as 0");
    end();

    begin(CASE("wrmsr of an unknown MSR (0x12345): #GP(0)"));
    expect_exc(trap(do_wrmsr, MSR_UNKNOWN, 0, 0), 13, 0, at_wrmsr);
    qemu_deviation("QEMU's TCG ignores writes to unknown MSRs");
    end();
}

void run_cpuid_tsc_msr_cases(void)
{
    cpuid_cases();
    tsc_cases();
    msr_cases();
}
