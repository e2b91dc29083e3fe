/* Control and debug registers, smsw/lmsw/clts, the descriptor-table
 * registers, lldt/sldt/ltr/str, lar/lsl/verr/verw and arpl. */
#include "rt.h"
#include "sysinsn.h"

extern u64 gdt[GDT_ENTRIES];
extern u64 ldt[2];
extern u32 tss[26];
extern u64 idt[IDT_ENTRIES];

#define CR0_PE (1u << 0)
#define CR0_MP (1u << 1)
#define CR0_EM (1u << 2)
#define CR0_TS (1u << 3)
#define CR0_ET (1u << 4)
#define CR0_WP (1u << 16)
#define CR0_AM (1u << 18)
#define CR4_DE (1u << 3)
#define CR4_PSE (1u << 4)

/* C routines for trap(): a fault inside returns to the case. */
static u32 wr_cr4(u32 v) { write_cr4(v); return read_cr4(); }

/* ---------------- control registers ---------------- */

static void cr_cases(void)
{
    u32 cr0 = read_cr0(), v;

    begin(CASE("mov cr0: set/clear TS, MP, WP, AM; ET stays set"));
    show_x("cr0", cr0);
    expect(cr0 & CR0_PE, "PE clear at start");
    expect(cr0 & CR0_ET, "ET clear at start");
    write_cr0(cr0 | CR0_TS | CR0_MP | CR0_WP | CR0_AM);
    v = read_cr0();
    expect(v == (cr0 | CR0_TS | CR0_MP | CR0_WP | CR0_AM), "after setting TS/MP/WP/AM");
    write_cr0(cr0 & ~(CR0_TS | CR0_MP | CR0_WP | CR0_AM | CR0_ET));
    v = read_cr0();
    show_x("cleared", v);
    expect((v & ~CR0_ET) == (cr0 & ~(CR0_TS | CR0_MP | CR0_WP | CR0_AM | CR0_ET)), "after clearing TS/MP/WP/AM");
    expect(v & CR0_ET, "writing ET=0 cleared ET (it is fixed at 1)");
    write_cr0(cr0);
    expect(read_cr0() == cr0, "not restored");
    end();

    begin(CASE("mov cr2 write/read"));
    {
        u32 old, got;
        __asm__ volatile("movl %%cr2, %0" : "=r"(old));
        __asm__ volatile("movl %1, %%cr2\n\tmovl %%cr2, %0" : "=r"(got) : "r"(0xdeadb123u));
        __asm__ volatile("movl %0, %%cr2" : : "r"(old));
        show_x("cr2", got);
        expect(got == 0xdeadb123u, "CR2 did not keep the value");
    }
    end();

    begin(CASE("mov cr3 write/read (paging off)"));
    {
        u32 old, got;
        __asm__ volatile("movl %%cr3, %0" : "=r"(old));
        __asm__ volatile("movl %1, %%cr3\n\tmovl %%cr3, %0" : "=r"(got) : "r"(0x00345018u));
        __asm__ volatile("movl %0, %%cr3" : : "r"(old));
        show_x("cr3", got);
        expect(got == 0x00345018u, "CR3 did not keep the value (PWT/PCD included)");
    }
    end();

    begin(CASE("mov cr4 write/read (PSE)"));
    {
        u32 cr4 = read_cr4();
        show_x("cr4", cr4);
        int took = trap(wr_cr4, cr4 | CR4_PSE, 0, 0);
        expect_no_exc(took);
        if (!took)
            expect(catch_ret_lo == (cr4 | CR4_PSE), "PSE not set");
        took = trap(wr_cr4, cr4 & ~CR4_PSE, 0, 0);
        expect_no_exc(took);
        if (!took)
            expect(catch_ret_lo == (cr4 & ~CR4_PSE), "PSE not cleared");
        write_cr4(cr4);
    }
    end();

    begin(CASE("smsw r32, r16 and m16"));
    {
        u32 r32 = 0xffffffffu, r16 = 0xabcd0000u;
        u16 m[2] = { 0x5a5a, 0x5a5a };
        __asm__ volatile("smsw %0" : "+r"(r32));
        __asm__ volatile("smsw %w0" : "+r"(r16));
        __asm__ volatile("smsw %0" : "+m"(m[0]));
        show_x("r32", r32);
        expect((r32 & 0xffff) == (cr0 & 0xffff), "smsw r32: low 16 bits are not CR0's");
        expect(r16 == (0xabcd0000u | (cr0 & 0xffff)), "smsw r16: wrong value or bits 16-31 changed");
        expect(m[0] == (cr0 & 0xffff), "smsw m16: wrong value");
        expect(m[1] == 0x5a5a, "smsw m16 wrote more than 2 bytes");
    }
    end();

    begin(CASE("lmsw: sets MP/TS; cannot clear PE"));
    {
        u16 w = (u16)((cr0 & 0xffff) | CR0_MP | CR0_TS);
        __asm__ volatile("lmsw %0" : : "r"(w));
        v = read_cr0();
        expect(v == (cr0 | CR0_MP | CR0_TS), "MP/TS not set, or other bits changed");
        w = 0;
        __asm__ volatile("lmsw %0" : : "r"(w));
        v = read_cr0();
        show_x("after_lmsw_0", v);
        expect(v & CR0_PE, "lmsw cleared PE");
        expect(v == ((cr0 & ~(CR0_MP | CR0_EM | CR0_TS)) | CR0_PE), "lmsw 0: MP/EM/TS not cleared, or bits above 3 changed");
        write_cr0(cr0);
    }
    end();

    begin(CASE("clts clears TS only"));
    write_cr0(cr0 | CR0_TS | CR0_MP);
    __asm__ volatile("clts");
    v = read_cr0();
    expect(v == ((cr0 | CR0_MP) & ~CR0_TS), "CR0 after clts");
    write_cr0(cr0);
    end();

    begin(CASE("mov from cr1: #UD"));
    expect_exc(trap(mov_cr1_read, 0, 0, 0), 6, -1, at_mov_cr1);
    end();
}

/* ---------------- debug registers ---------------- */

#define READ_DR(n) ({ u32 v_; __asm__ volatile("movl %%dr" #n ", %0" : "=r"(v_)); v_; })
#define WRITE_DR(n, v) __asm__ volatile("movl %0, %%dr" #n : : "r"((u32)(v)))

static void dr_cases(void)
{
    begin(CASE("mov dr0-dr3 write/read"));
    WRITE_DR(0, 0x11111110u);
    WRITE_DR(1, 0x22222220u);
    WRITE_DR(2, 0x33333330u);
    WRITE_DR(3, 0x44444440u);
    expect(READ_DR(0) == 0x11111110u, "DR0");
    expect(READ_DR(1) == 0x22222220u, "DR1");
    expect(READ_DR(2) == 0x33333330u, "DR2");
    expect(READ_DR(3) == 0x44444440u, "DR3");
    WRITE_DR(0, 0);
    WRITE_DR(1, 0);
    WRITE_DR(2, 0);
    WRITE_DR(3, 0);
    end();

    /* SDM vol. 3B 17.2.4 (figure 17-1): DR7 bit 10 is reserved and reads 1
     * (reset value 0x400); no breakpoint is enabled here (L0-3, G0-3 = 0). */
    begin(CASE("mov dr7 write/read (reserved bit 10 reads as 1)"));
    WRITE_DR(7, 0x00ff0000u);
    u32 dr7 = READ_DR(7);
    WRITE_DR(7, 0x400u);
    show_x("dr7", dr7);
    expect((dr7 & ~0x400u) == 0x00ff0000u, "RW/LEN fields not kept");
    expect(dr7 & 0x400u, "bit 10 reads as 0");
    end();

    /* SDM vol. 3B 17.2.3: DR6 bits 4-11 and 16-31 are reserved, read 1 on
     * P6-family processors (reset value 0xffff0ff0). */
    begin(CASE("mov dr6 write/read (reserved bits read as 1)"));
    WRITE_DR(6, 0);
    u32 dr6 = READ_DR(6);
    show_x("dr6", dr6);
    expect(dr6 == 0xffff0ff0u, "DR6 after writing 0 is not 0xffff0ff0");
    end();

    /* With CR4.DE=0, DR4/DR5 are aliases of DR6/DR7 (SDM vol. 3B 17.2.2). */
    begin(CASE("mov dr4/dr5 alias dr6/dr7 while CR4.DE=0"));
    {
        u32 cr4 = read_cr4(), d4, d5;
        expect(!(cr4 & CR4_DE), "CR4.DE set at start");
        WRITE_DR(7, 0x00030400u);
        __asm__ volatile(".byte 0x0f, 0x21, 0xe8" : "=a"(d5));        /* mov %dr5, %eax */
        __asm__ volatile(".byte 0x0f, 0x23, 0xe0" : : "a"(0xffff0ff1u)); /* mov %eax, %dr4 */
        __asm__ volatile(".byte 0x0f, 0x21, 0xe0" : "=a"(d4));        /* mov %dr4, %eax */
        u32 d6 = READ_DR(6), d7 = READ_DR(7);
        WRITE_DR(7, 0x400u);
        WRITE_DR(6, 0xffff0ff0u);
        show_x("dr5", d5);
        show_x("dr4", d4);
        expect(d5 == d7, "DR5 is not DR7");
        expect(d4 == d6 && (d6 & 1), "a write to DR4 did not reach DR6");
    }
    end();

    begin(CASE("mov dr4 with CR4.DE=1: #UD"));
    {
        u32 cr4 = read_cr4();
        int took = trap(wr_cr4, cr4 | CR4_DE, 0, 0);
        expect_no_exc(took);
        if (!took)
            expect_exc(trap(mov_dr4_read, 0, 0, 0), 6, -1, at_mov_dr4);
        write_cr4(cr4);
    }
    end();
}

void run_cr_dr_cases(void)
{
    cr_cases();
    dr_cases();
}

/* ---------------- descriptor-table registers ---------------- */

struct __attribute__((packed)) dtr { u16 limit; u32 base; u16 pad; };

/* GDTR or IDTR: SGDT/SIDT current; L?DT test; S?DT out32; 66 S?DT out16;
 * 66 L?DT test; S?DT out24; L?DT current again. One asm statement: nothing
 * may use the table in between. */
#define DT_SEQUENCE(L, S)                                                                   \
    __asm__ volatile(S " %[cur]\n\t"                                                        \
                     L " %[test]\n\t"                                                       \
                     S " %[o32]\n\t"                                                        \
                     ".byte 0x66\n\t" S " %[o16]\n\t"                                       \
                     ".byte 0x66\n\t" L " %[test]\n\t"                                      \
                     S " %[o24]\n\t"                                                        \
                     L " %[cur]"                                                            \
                     : [cur] "+m"(cur), [o32] "+m"(o32), [o16] "+m"(o16), [o24] "+m"(o24)   \
                     : [test] "m"(test) : "memory")

static void dt_case(int idt, const char *name32, const char *name16, u32 want_limit, u32 want_base)
{
    struct dtr cur = { 0, 0, 0xeeee }, test = { 0x1234, 0xfedcba98u, 0 };
    struct dtr o32 = { 0xeeee, 0xeeeeeeeeu, 0xeeee }, o16 = o32, o24 = o32;
    if (idt)
        DT_SEQUENCE("lidt", "sidt");
    else
        DT_SEQUENCE("lgdt", "sgdt");

    begin(name32);
    show_x("limit", o32.limit);
    show_x("base", o32.base);
    expect(cur.limit == want_limit && cur.base == want_base, "the first store is not the table this guest loaded");
    expect(o32.limit == 0x1234 && o32.base == 0xfedcba98u, "stored limit/base differ from those loaded");
    expect(o32.pad == 0xeeee, "stored more than 6 bytes");
    end();

    /* 66 LGDT/LIDT loads a 24-bit base (the high byte becomes 0). 66 SGDT/SIDT
     * stores the limit and the base's low 24 bits; the sixth byte is 0 in the
     * older SDMs and in QEMU, the base's high byte in the current SDM: both
     * accepted, it is printed as byte5. */
    begin(name16);
    u32 byte5 = o16.base >> 24;
    show_x("byte5", byte5);
    show_x("base_after_16bit_load", o24.base);
    expect(o16.limit == 0x1234 && (o16.base & 0xffffff) == 0xdcba98, "16-bit store: limit or low 24 base bits wrong");
    expect(byte5 == 0 || byte5 == 0xfe, "16-bit store: sixth byte neither 0 nor the base's high byte");
    expect(o16.pad == 0xeeee, "16-bit store wrote more than 6 bytes");
    expect(o24.limit == 0x1234 && o24.base == 0x00dcba98u, "16-bit load did not take a 24-bit base");
    end();
}

static void dt_cases(void)
{
    dt_case(0, CASE("lgdt/sgdt round trip (32-bit operand size)"),
            CASE("lgdt/sgdt with 16-bit operand size (66h): 24-bit base"),
            sizeof gdt - 1, (u32)gdt);
    dt_case(1, CASE("lidt/sidt round trip (32-bit operand size)"),
            CASE("lidt/sidt with 16-bit operand size (66h): 24-bit base"),
            sizeof idt - 1, (u32)idt);
}

/* ---------------- LDTR and TR ---------------- */

static u32 probe_word = 0x600dcafe;

/* Loads FS with the LDT's flat data selector, reads probe_word through it. */
static u32 read_fs_ldt(void)
{
    u32 x;
    __asm__ volatile("movw %w2, %%fs\n\t"
                     "movl %%fs:(%1), %0\n\t"
                     "movw %w3, %%fs"
                     : "=&r"(x) : "r"(&probe_word), "r"(SEL_LDT_DATA), "r"(SEL_DATA) : "memory");
    return x;
}

static void ldtr_tr_cases(void)
{
    u8 *tss_access = (u8 *)&gdt[SEL_TSS >> 3] + 5;

    begin(CASE("lldt/sldt: LDT descriptor (type 2); a TI=1 selector loads from it"));
    {
        int took = trap(do_lldt, SEL_LDT, 0, 0);
        expect_no_exc(took);
        u32 r = 0xffffffffu;
        u16 m[2] = { 0xeeee, 0xeeee };
        __asm__ volatile("sldt %0" : "+r"(r));
        __asm__ volatile("sldt %0" : "+m"(m[0]));
        show_x("sldt", r);
        expect(r == SEL_LDT, "sldt r32 (bits 16-31 must be cleared)");
        expect(m[0] == SEL_LDT && m[1] == 0xeeee, "sldt m16");
        took = trap(read_fs_ldt, 0, 0, 0);
        expect_no_exc(took);
        if (!took)
            expect(catch_ret_lo == probe_word, "read through LDT selector 0x0c went wrong");
        u32 lar = 0, zf = 0;
        __asm__ volatile("lar %w2, %0\n\tsetz %b1" : "+r"(lar), "=q"(zf) : "r"(SEL_LDT_DATA) : "cc");
        expect((zf & 0xff) && (lar & 0xff00) == 0x9300, "lar of LDT selector 0x0c");
        trap(do_lldt, 0, 0, 0);
        __asm__ volatile("sldt %0" : "+r"(r));
        expect(r == 0, "lldt 0 did not make LDTR null");
    }
    end();

    begin(CASE("ltr/str: TSS (type 9) becomes busy (type 0xB) in the GDT"));
    {
        u8 before = *tss_access;
        expect(before == 0x89, "TSS descriptor not 0x89 before ltr");
        expect_no_exc(trap(do_ltr, SEL_TSS, 0, 0));
        u8 after = *tss_access;
        show_x("access", after);
        expect(after == 0x8b, "access byte in memory is not 0x8b (busy)");
        u32 r = 0xffffffffu;
        u16 m[2] = { 0xeeee, 0xeeee };
        __asm__ volatile("str %0" : "+r"(r));
        __asm__ volatile("str %0" : "+m"(m[0]));
        show_x("str", r);
        expect(r == SEL_TSS, "str r32 (bits 16-31 must be cleared)");
        expect(m[0] == SEL_TSS && m[1] == 0xeeee, "str m16");
    }
    end();

    begin(CASE("ltr of a busy TSS: #GP(selector)"));
    expect_exc(trap(do_ltr, SEL_TSS, 0, 0), 13, SEL_TSS, at_ltr);
    end();

    begin(CASE("lldt of a data segment: #GP(selector)"));
    expect_exc(trap(do_lldt, SEL_DATA, 0, 0), 13, SEL_DATA, at_lldt);
    end();

    begin(CASE("ltr of an LDT descriptor: #GP(selector)"));
    expect_exc(trap(do_ltr, SEL_LDT, 0, 0), 13, SEL_LDT, at_ltr);
    end();
}

/* ---------------- lar / lsl / verr / verw ---------------- */

/* Runs `insn` with ZF preset to zf_in; returns ZF after, the destination in *v. */
#define DESC_DST(insn, w, sel, zf_in, v)                                                        \
    ({ u32 z_; __asm__ volatile("cmpl $1, %[pre]\n\t" insn " %w[s], %" w "[d]\n\tsetz %b[z]"   \
                                : [d] "+r"(v), [z] "=&q"(z_) : [s] "r"(sel), [pre] "r"(zf_in) : "cc"); z_ & 1; })
#define DESC_VER(insn, sel, zf_in)                                                              \
    ({ u32 z_; __asm__ volatile("cmpl $1, %[pre]\n\t" insn " %w[s]\n\tsetz %b[z]"                \
                                : [z] "=&q"(z_) : [s] "r"(sel), [pre] "r"(zf_in) : "cc"); z_ & 1; })

struct desc_expect {
    int ok;             /* lar and lsl set ZF */
    u32 lar, lsl;       /* 32-bit results when ok */
    int verr, verw;
};

#define INIT 0xcafef00du

static void desc_case(const char *name, u32 sel, struct desc_expect e)
{
    begin(name);
    u32 shown_lar = INIT, shown_lsl = INIT;
    for (u32 pre = 0; pre < 2; pre++) {
        u32 v, z;
        v = INIT;
        z = DESC_DST("lar", "", sel, pre, v);
        if (pre == 0)
            shown_lar = v;
        expect(z == (u32)e.ok, pre ? "lar: ZF" : "lar: ZF (preset 0)");
        /* bits 19:16 of a 32-bit LAR result are undefined (SDM LAR) */
        expect(e.ok ? (v & ~0x000f0000u) == e.lar : v == INIT, "lar r32: value");
        v = INIT;
        z = DESC_DST("lar", "w", sel, pre, v);
        expect(z == (u32)e.ok, "lar r16: ZF");
        expect(v == (e.ok ? (INIT & 0xffff0000u) | (e.lar & 0xff00) : INIT), "lar r16: value");
        v = INIT;
        z = DESC_DST("lsl", "", sel, pre, v);
        if (pre == 0)
            shown_lsl = v;
        expect(z == (u32)e.ok, "lsl: ZF");
        expect(v == (e.ok ? e.lsl : INIT), "lsl r32: value");
        v = INIT;
        z = DESC_DST("lsl", "w", sel, pre, v);
        expect(z == (u32)e.ok, "lsl r16: ZF");
        expect(v == (e.ok ? (INIT & 0xffff0000u) | (e.lsl & 0xffff) : INIT), "lsl r16: value");
        expect(DESC_VER("verr", sel, pre) == (u32)e.verr, "verr: ZF");
        expect(DESC_VER("verw", sel, pre) == (u32)e.verw, "verw: ZF");
    }
    u16 msel = (u16)sel;
    u32 mv = INIT, mz;
    __asm__ volatile("lar %2, %0\n\tsetz %b1" : "+r"(mv), "=&q"(mz) : "m"(msel) : "cc");
    expect((mz & 1) == (u32)e.ok && (e.ok ? (mv & ~0x000f0000u) == e.lar : mv == INIT), "lar with a memory source");
    show_x("sel", sel);
    show_x("lar", shown_lar);
    show_x("lsl", shown_lsl);
    end();
}

static void lar_cases(void)
{
    struct desc_expect none = { 0, 0, 0, 0, 0 };
    /* the descriptors' high dwords: see sysinsn.c, tables_init */
    desc_case(CASE("lar/lsl/verr/verw: code segment"), SEL_LAR_CODE,
              (struct desc_expect){ 1, 0x00d09b00u, 0xabcdefffu, 1, 0 });
    desc_case(CASE("lar/lsl/verr/verw: data segment"), SEL_LAR_DATA,
              (struct desc_expect){ 1, 0x00409300u, 0x00012345u, 1, 1 });
    desc_case(CASE("lar/lsl/verr/verw: execute-only code segment"), SEL_XONLY,
              (struct desc_expect){ 1, 0x00c09900u, 0xffffffffu, 0, 0 });
    desc_case(CASE("lar/lsl/verr/verw: read-only data segment"), SEL_RODATA,
              (struct desc_expect){ 1, 0x00c09100u, 0xffffffffu, 1, 0 });
    desc_case(CASE("lar/lsl/verr/verw: busy TSS"), SEL_TSS,
              (struct desc_expect){ 1, 0x00008b00u, sizeof tss - 1, 0, 0 });
    desc_case(CASE("lar/lsl/verr/verw: LDT descriptor"), SEL_LDT,
              (struct desc_expect){ 1, 0x00008200u, sizeof ldt - 1, 0, 0 });
    desc_case(CASE("lar/lsl/verr/verw: selector beyond the GDT limit"), SEL_BEYOND, none);
    desc_case(CASE("lar/lsl/verr/verw: null selector"), 0, none);
    desc_case(CASE("lar/lsl/verr/verw: RPL 3 selector, DPL 0 segment"), SEL_LAR_DATA | 3, none);
}

/* ---------------- arpl ---------------- */

static void arpl_cases(void)
{
    int took;

    begin(CASE("arpl r16: raises the RPL (ZF=1)"));
    took = trap(do_arpl_reg, 0xabcd0010u, 0x0003, 0);
    expect_no_exc(took);
    if (!took) {
        show_x("dst", catch_ret_lo);
        expect(catch_ret_lo == 0xabcd0013u, "destination is not 0xabcd0013");
        expect(catch_ret_hi == 1, "ZF clear");
    }
    end();

    begin(CASE("arpl r16: RPL already high enough (ZF=0)"));
    took = trap(do_arpl_reg, 0x0000001bu, 0xfff1, 1);
    expect_no_exc(took);
    if (!took) {
        show_x("dst", catch_ret_lo);
        expect(catch_ret_lo == 0x1b, "destination changed");
        expect(catch_ret_hi == 0, "ZF set");
    }
    end();

    begin(CASE("arpl m16"));
    {
        u16 m[2] = { 0x0028, 0xeeee };
        took = trap(do_arpl_mem, (u32)m, 0x0002, 0);
        expect_no_exc(took);
        if (!took) {
            show_x("dst", m[0]);
            expect(m[0] == 0x002a && m[1] == 0xeeee, "memory is not 0x002a (or more than 2 bytes written)");
            expect(catch_ret_hi == 1, "ZF clear");
        }
    }
    end();
}

void run_descriptor_cases(void)
{
    dt_cases();
    ldtr_tr_cases();
    lar_cases();
    arpl_cases();
}
