/* invd/wbinvd/invlpg (and the TLB with paging on), cli/sti/pushf/popf,
 * lock on memory and on a register, far call/ret/jmp, int n/iret, a 16-bit
 * iret and a 16-bit interrupt gate. */
#include "rt.h"
#include "sysinsn.h"

#define EFLAGS_AC (1u << 18)

/* ---------------- cache and TLB instructions ---------------- */

static u32 cache_ops(void)
{
    static u32 target;
    __asm__ volatile("invd\n\twbinvd\n\tinvlpg %0" : : "m"(target) : "memory");
    return 1;
}

#define WINDOW 0x00800000u              /* page_dir[2]: mapped only by win_pt */
static u32 win_pt[1024] __attribute__((aligned(4096)));
static u32 page_a[1024] __attribute__((aligned(4096)));
static u32 page_b[1024] __attribute__((aligned(4096)));
static u32 tlb_seen[3];

/* With paging on: read WINDOW (page A), point its PTE at page B, INVLPG,
 * read again (B); point it back at A, reload CR3, read again (A). */
static u32 tlb_probe(void)
{
    volatile u32 *w = (volatile u32 *)WINDOW;
    tlb_seen[0] = *w;
    win_pt[0] = (u32)page_b | 3;
    __asm__ volatile("invlpg (%0)" : : "r"(WINDOW) : "memory");
    tlb_seen[1] = *w;
    win_pt[0] = (u32)page_a | 3;
    __asm__ volatile("movl %%cr3, %%eax\n\tmovl %%eax, %%cr3" : : : "eax", "memory");
    tlb_seen[2] = *w;
    return 1;
}

static void cache_tlb_cases(void)
{
    begin(CASE("invd, wbinvd, invlpg execute without fault (paging off)"));
    expect_no_exc(trap(cache_ops, 0, 0, 0));
    end();

    page_a[0] = 0xaaaa0001u;
    page_b[0] = 0xbbbb0002u;
    win_pt[0] = (u32)page_a | 3;
    page_dir[2] = (u32)win_pt | 3;
    tlb_seen[0] = tlb_seen[1] = tlb_seen[2] = 0;
    paging_on();
    int took = trap(tlb_probe, 0, 0, 0);
    paging_off();

    begin(CASE("invlpg: a changed PTE takes effect (paging on)"));
    expect_no_exc(took);
    show_x("before", tlb_seen[0]);
    show_x("after", tlb_seen[1]);
    expect(tlb_seen[0] == 0xaaaa0001u, "the window does not show page A");
    expect(tlb_seen[1] == 0xbbbb0002u, "after invlpg the window does not show page B");
    end();

    begin(CASE("mov cr3 reload: a changed PTE takes effect (paging on)"));
    expect_no_exc(took);
    show_x("after", tlb_seen[2]);
    expect(tlb_seen[2] == 0xaaaa0001u, "after the CR3 reload the window does not show page A");
    end();
}

/* ---------------- IF, pushf, popf ---------------- */

static void flags_cases(void)
{
    u32 f0 = read_eflags(), a, b, c;

    begin(CASE("cli/sti: pushf shows IF"));
    __asm__ volatile("cli\n\tpushfl\n\tpopl %0\n\t"
                     "sti\n\tpushfl\n\tpopl %1\n\t"
                     "cli\n\tpushfl\n\tpopl %2"
                     : "=r"(a), "=r"(b), "=r"(c) : : "memory");
    show_x("after_sti", b);
    expect(!(a & EFLAGS_IF), "IF set after cli");
    expect(b & EFLAGS_IF, "IF clear after sti");
    expect(!(c & EFLAGS_IF), "IF set after the second cli");
    expect((a & 2) && (b & 2), "bit 1 reads 0");
    end();

    begin(CASE("popf/popfw set and clear IF at CPL 0"));
    __asm__ volatile("pushfl\n\t"
                     "pushl %3\n\tpopfl\n\tpushfl\n\tpopl %0\n\t"
                     "pushl %4\n\tpopfl\n\tpushfl\n\tpopl %1\n\t"
                     "pushw $0x0202\n\tpopfw\n\tpushfl\n\tpopl %2\n\t"
                     "popfl"
                     : "=&r"(a), "=&r"(b), "=&r"(c)
                     : "r"((f0 & ~EFLAGS_IF) | EFLAGS_IF | EFLAGS_AC), "r"(f0 & ~EFLAGS_IF)
                     : "memory", "cc");
    expect(a & EFLAGS_IF, "popf did not set IF");
    expect(!(b & EFLAGS_IF), "popf did not clear IF");
    expect(c & EFLAGS_IF, "popfw did not set IF");
    expect((c & 0xffff0000u) == (b & 0xffff0000u), "popfw changed EFLAGS bits 16-31");
    __asm__ volatile("pushfl\n\tpushw $0x0002\n\tpopfw\n\tpushfl\n\tpopl %0\n\tpopfl" : "=r"(a) : : "memory", "cc");
    expect(!(a & EFLAGS_IF), "popfw did not clear IF");
    end();

    /* All ones but TF and NT: at CPL 0 POPF changes CF PF AF ZF SF IF DF OF
     * IOPL AC ID; never VM, RF, VIF, VIP; bit 1 reads 1, bits 3, 5, 15 read 0
     * (SDM vol. 2, POPF; vol. 1 3.4.3). */
    begin(CASE("popf at CPL 0: the bits it may change"));
    __asm__ volatile("pushfl\n\tpushl %1\n\tpopfl\n\tpushfl\n\tpopl %0\n\tpopfl"
                     : "=r"(a) : "r"(0xffffbeffu) : "memory", "cc");
    show_x("eflags", a);
    expect(a == 0x00243ed7u, "EFLAGS after popf 0xffffbeff is not 0x00243ed7");
    end();
    write_eflags(f0);
}

/* ---------------- lock ---------------- */

static struct { u32 xchg_m, xchg_r, ok_m, ok_zf, bad_m, bad_a, bad_zf, add_m, xadd_m, xadd_r; } lk;

static u32 lock_mem_ops(void)
{
    u32 m = 0x11111111u, r = 0x22222222u, z, a;
    __asm__ volatile("lock xchgl %0, %1" : "+r"(r), "+m"(m));
    lk.xchg_m = m;
    lk.xchg_r = r;
    m = 5;
    a = 5;
    __asm__ volatile("lock cmpxchgl %3, %1\n\tsetz %b2" : "+a"(a), "+m"(m), "=q"(z) : "r"(9u) : "cc");
    lk.ok_m = m;
    lk.ok_zf = z & 1;
    m = 7;
    a = 5;
    __asm__ volatile("lock cmpxchgl %3, %1\n\tsetz %b2" : "+a"(a), "+m"(m), "=q"(z) : "r"(9u) : "cc");
    lk.bad_m = m;
    lk.bad_a = a;
    lk.bad_zf = z & 1;
    m = 40;
    __asm__ volatile("lock addl $2, %0" : "+m"(m) : : "cc");
    lk.add_m = m;
    r = 3;
    __asm__ volatile("lock xaddl %0, %1" : "+r"(r), "+m"(m) : : "cc");
    lk.xadd_m = m;
    lk.xadd_r = r;
    return 1;
}

static void lock_cases(void)
{
    begin(CASE("lock xchg/cmpxchg/add/xadd on memory"));
    expect_no_exc(trap(lock_mem_ops, 0, 0, 0));
    expect(lk.xchg_m == 0x22222222u && lk.xchg_r == 0x11111111u, "lock xchg");
    expect(lk.ok_m == 9 && lk.ok_zf == 1, "lock cmpxchg, equal: memory or ZF");
    expect(lk.bad_m == 7 && lk.bad_a == 7 && lk.bad_zf == 0, "lock cmpxchg, not equal: memory, EAX or ZF");
    expect(lk.add_m == 42, "lock add");
    expect(lk.xadd_m == 45 && lk.xadd_r == 42, "lock xadd");
    end();

    begin(CASE("lock xchg with a register destination: #UD"));
    int took = trap(lock_xchg_reg, 0, 0, 0);
    expect_exc(took, 6, -1, at_lock_xchg_reg);
    if (took)
        expect(last_exc.eax == 0x11111111u && last_exc.ecx == 0x22222222u, "registers changed");
    qemu_deviation("QEMU 7.2's TCG ignores LOCK on XCHG with a register operand");
    end();

    begin(CASE("lock cmpxchg with a register destination: #UD"));
    took = trap(lock_cmpxchg_reg, 0, 0, 0);
    expect_exc(took, 6, -1, at_lock_cmpxchg_reg);
    if (took)
        expect(last_exc.eax == 0x33333333u && last_exc.edx == 0x33333333u && last_exc.ecx == 0x44444444u,
           "registers changed");
    end();
}

/* ---------------- far transfers ---------------- */

static void far_case(const char *name, void (*fn)(void), u32 cs_in, u32 eip_in, int check_arg)
{
    begin(name);
    far_res.cs_in = far_res.eip_in = far_res.cs_after = far_res.esp_delta = far_res.arg = 0xeeeeeeeeu;
    expect_no_exc(trap(fn, 0, 0, 0));
    show_x("cs_in", far_res.cs_in);
    show_x("cs_after", far_res.cs_after);
    expect(far_res.cs_in == cs_in, "wrong CS in the target");
    if (eip_in)
        expect(far_res.eip_in == eip_in, "wrong offset in the target");
    expect(far_res.cs_after == SEL_CODE, "CS not back to 0x08");
    expect(far_res.esp_delta == 0, "ESP not balanced");
    if (check_arg)
        expect(far_res.arg == 0x22222222u, "the target did not see its argument");
    expect(read_cs() == SEL_CODE, "CS in C is not 0x08");
    end();
}

static void far_cases(void)
{
    far_case(CASE("lcall m16:32 to a second code selector, lret"), far_call_mem, SEL_CODE2, (u32)far_callee_here, 0);
    far_case(CASE("lcall ptr16:32, lret $8 pops the arguments"), far_call_direct, SEL_CODE2, 0, 1);
    far_case(CASE("lcall into a code segment with base 1 MiB, lret"), far_call_based, SEL_CODE_HI,
             (u32)far_callee_here - CODE_HI_BASE, 0);
    far_case(CASE("ljmp m16:32 to a second code selector, ljmp ptr16:32 back"), far_jmp_mem, SEL_CODE2, 0, 0);
    far_case(CASE("ljmp ptr16:32 to a second code selector and back"), far_jmp_direct, SEL_CODE2, 0, 0);
}

/* ---------------- int n / iret ---------------- */

static void clear_int_res(void)
{
    int_res.eip = int_res.cs = int_res.eflags = int_res.handler_eflags = 0xeeeeeeeeu;
    int_res.count = 0;
    int_res.flags_after = int_res.esp_delta = 0xeeeeeeeeu;
}

static void int_cases(void)
{
    u32 f0 = read_eflags();

    begin(CASE("int 0x40 and iret: saved EIP is the next instruction, flags restored"));
    {
        static const u32 flags_in[2] = {
            0x0a97,     /* CF PF AF SF IF OF */
            0x0046,     /* ZF PF, IF=0 */
        };
        for (int i = 0; i < 2; i++) {
            clear_int_res();
            expect_no_exc(trap(int40_test, flags_in[i], 0, 0));
            expect(int_res.count == 1, "the handler did not run once");
            expect(int_res.eip == (u32)after_int40, "saved EIP is not the next instruction");
            expect(int_res.cs == SEL_CODE, "saved CS");
            expect(int_res.eflags == flags_in[i], "saved EFLAGS");
            expect(!(int_res.handler_eflags & (EFLAGS_IF | EFLAGS_TF)), "IF or TF set in the handler (interrupt gate)");
            expect(int_res.flags_after == flags_in[i], "EFLAGS after iret not restored");
            expect(int_res.esp_delta == 0, "ESP not balanced");
            if (i == 0)
                show_x("saved_eflags", int_res.eflags);
        }
    }
    end();
    write_eflags(f0);

    /* The 16-bit frames hold offsets in a segment based at the start of
     * .text: stubs.S must lie within its first 64 KiB. */
    int fits = (u32)stubs_text_end - CODE_HI_BASE < 0x10000;

    begin(CASE("iret with 16-bit operand size (66 cf) through a built frame"));
    expect(fits, "stubs.S lies beyond the first 64 KiB of .text");
    clear_int_res();
    write_eflags((f0 & ~EFLAGS_IF) | EFLAGS_AC);
    int took = trap(iret16_test, 0x08d7, 0, 0);
    write_eflags(f0);
    expect_no_exc(took);
    show_x("cs", int_res.cs);
    show_x("eip", int_res.eip);
    show_x("eflags", int_res.eflags);
    expect(int_res.cs == SEL_CODE_HI, "CS is not the frame's");
    expect(int_res.eip == (u32)iret16_here - CODE_HI_BASE, "did not land at the frame's IP");
    expect(int_res.eflags == (EFLAGS_AC | 0x08d7), "EFLAGS: low 16 bits not the frame's, or bits 16-31 changed");
    expect(int_res.esp_delta == 0, "ESP: the 16-bit iret did not pop 6 bytes");
    end();

    begin(CASE("int 0x41 through a 16-bit interrupt gate, 16-bit iret back"));
    expect(fits, "stubs.S lies beyond the first 64 KiB of .text");
    clear_int_res();
    took = fits ? trap(gate16_test, 0x08d7, 0, 0) : 0;
    expect_no_exc(took);
    show_x("ip", int_res.eip);
    show_x("cs", int_res.cs);
    show_x("flags", int_res.eflags);
    expect(int_res.count == 1, "the handler did not run once");
    expect(int_res.eip == (u32)after_int41 - CODE_HI_BASE, "saved IP is not the next instruction's offset");
    expect(int_res.cs == SEL_CODE_HI, "saved CS");
    expect(int_res.eflags == 0x08d7, "saved FLAGS (16 bits)");
    expect(int_res.flags_after == 0x08d7, "EFLAGS after the 16-bit iret");
    expect(!(int_res.handler_eflags & EFLAGS_IF), "IF set in the handler (interrupt gate)");
    expect(int_res.esp_delta == 0, "ESP not balanced");
    end();
}

void run_flow_cases(void)
{
    cache_tlb_cases();
    flags_cases();
    lock_cases();
    far_cases();
    int_cases();
}
