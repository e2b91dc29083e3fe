/* smc: self-modifying code.
 *
 * Runs code, rewrites it, runs it again and checks that the new bytes are
 * what executes: the imm32 of a function that has run (and so has been
 * translated and cached by a binary translator), a store that rewrites a
 * later instruction of its own straight-line block (no jump in between),
 * the body of a loop after many iterations and from inside the loop itself,
 * functions copied into a data buffer with rep movsb and overwritten,
 * stores that cross a page boundary into code, and string instructions and
 * push rewriting the instruction after them. Intel SDM vol. 3A, 8.1.3
 * (handling self- and cross-modifying code): on a P6-class processor a
 * write to code that is already prefetched or executing is detected and the
 * new bytes are executed; no serializing instruction is needed for
 * self-modification.
 *
 * Prints one PASS/FAIL line per case (a failure names the round, the value
 * it got and the one it expected), then
 *     smc: N passed, M failed
 * and exits with code M. The code under test is in code.S.
 */
#include "rt.h"

extern u32 smc_a_fn(void), smc_a2_fn(void), smc_i_entry(void);
extern u8 smc_a_imm[], smc_a2_imm[], smc_i_imm[];
extern u32 smc_b1(u32 v), smc_b2(u32 bytes), smc_b3(u32 v);
extern u32 smc_c_loop(u32 n), smc_c_self(u32 n);
extern u8 smc_c_imm[];
extern u32 smc_f_stosb(u32 v), smc_f_repstos(u32 v), smc_f_repmovs(const u32 *src), smc_g_push(u32 v);
extern u8 tmpl_a[], tmpl_a_end[], tmpl_b[], tmpl_b_end[];
extern u8 smc_e_page0[];
extern u32 smc_e_fn(void), smc_e2_fn(void);

typedef u32 (*fn1)(u32);

/* One store instruction each, of exactly this size (C could split or merge them). */
static void poke8(void *p, u8 v) { __asm__ volatile("movb %1, (%0)" : : "r"(p), "q"(v) : "memory"); }
static void poke16(void *p, u16 v) { __asm__ volatile("movw %1, (%0)" : : "r"(p), "r"(v) : "memory"); }
static void poke32(void *p, u32 v) { __asm__ volatile("movl %1, (%0)" : : "r"(p), "r"(v) : "memory"); }

static void copy_rep_movsb(void *dst, const void *src, u32 n)
{
    __asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
}

static void copy_bytes(volatile u8 *dst, const u8 *src, u32 n)
{
    while (n--)
        *dst++ = *src++;
}

/* ---------------- reporting ---------------- */

static int passed, failed;
static int bad;                     /* the current case saw a mismatch */
static u32 bad_round, bad_got, bad_want;

static void begin(void) { bad = 0; }

static void expect_eq(u32 round, u32 got, u32 want)
{
    if (got != want && !bad) {
        bad = 1;
        bad_round = round;
        bad_got = got;
        bad_want = want;
    }
}

static void end(const char *name)
{
    if (bad) {
        failed++;
        rt_printf("FAIL %s: round %u: got 0x%08x, expected 0x%08x\n", name, bad_round, bad_got, bad_want);
    } else {
        passed++;
        rt_printf("PASS %s\n", name);
    }
}

static u32 sext8(u32 v) { return (u32)(s32)(signed char)(u8)v; }

/* ---------------- (a) patch a function that has run ---------------- */

/* Calls fn `times` times (so it is hot: translated, cached, maybe compiled
 * further), expecting `want` every time; then rewrites its imm32. */
static void patch_rounds(u32 (*fn)(void), u8 *imm, u32 first)
{
    static const u32 times[] = { 1, 10, 100, 1000, 10000, 3, 1 };
    u32 want = first;
    for (u32 r = 0; r < sizeof times / sizeof times[0]; r++) {
        for (u32 i = 0; i < times[r]; i++)
            expect_eq(r, fn(), want);
        want = 0x9e3779b9u * (r + 1) ^ (r << 3);
        poke32(imm, want);
        expect_eq(r, fn(), want);
    }
}

static void case_a(void)
{
    begin();
    patch_rounds(smc_a_fn, smc_a_imm, 0x11111111);
    end("(a) patch the imm32 of a function that ran, call again");

    begin();
    patch_rounds(smc_a2_fn, smc_a2_imm, 0x22222222);
    end("(a) the same with a 4-byte aligned imm32");

    begin();
    u32 want = 0x11;
    for (u32 r = 0; r < 40; r++) {
        for (u32 i = 0; i < 50; i++)
            expect_eq(r, smc_i_entry(), want);
        want = (r * 13 + 1) & 0x7f;
        poke8(smc_i_imm, (u8)want);
    }
    end("(a) patch the block a same-page jmp leads to");
}

/* ---------------- (b) one straight-line block rewrites itself ---------------- */

static void case_b(void)
{
    begin();
    for (u32 r = 0; r < 512; r++) {
        u32 v = (r * 37 + 5) & 0xff;
        expect_eq(r, smc_b1(v), 2 + sext8(v));
    }
    end("(b) store rewrites the imm8 of an add 3 instructions later");

    begin();
    for (u32 r = 0; r < 300; r++) {
        int nops = (r % 3) == 1;
        expect_eq(r, smc_b2(nops ? 0x90909090u : 0x907fc083u), nops ? 1 : 0x80);
    }
    end("(b) store turns the next instruction into nops and back");

    begin();
    for (u32 r = 0; r < 300; r++) {
        u32 v = 0x01000193u * (r + 7) ^ 0x5bd1e995u;
        expect_eq(r, smc_b3(v), v);
    }
    end("(b) store rewrites the imm32 of the very next instruction");
}

/* ---------------- (c) loops ---------------- */

static void case_c(void)
{
    begin();
    u32 imm = 3;
    for (u32 r = 0; r < 12; r++) {
        u32 n = 5000 + r;
        expect_eq(r, smc_c_loop(n), n * sext8(imm));
        imm = (r * 41 + 9) & 0xff;
        poke8(smc_c_imm, (u8)imm);
        expect_eq(r, smc_c_loop(n), n * sext8(imm));
    }
    end("(c) loop runs 5000 times, its body is patched, it runs again");

    begin();
    static const u32 ns[] = { 1, 2, 3, 10, 127, 1000, 3000, 5 };
    for (u32 r = 0; r < sizeof ns / sizeof ns[0]; r++) {
        u32 n = ns[r];
        expect_eq(r, smc_c_self(n), n * (n + 1) / 2);
    }
    end("(c) loop body rewrites its own add on every iteration");
}

/* ---------------- (d) code copied into a buffer ---------------- */

static u8 code_page[4096] __attribute__((aligned(4096)));
/* A buffer in the middle of data that is written between the calls. */
static struct {
    volatile u32 before[8];
    u8 code[64];
    volatile u32 after[8];
} mixed __attribute__((aligned(64)));

static u32 tmpl_result(int which, u32 x) { return which ? (x * 3) ^ 0xb0b0b0b0u : x + 0xa0a0a0a0u; }

static void case_d(void)
{
    const u32 len_a = (u32)(tmpl_a_end - tmpl_a), len_b = (u32)(tmpl_b_end - tmpl_b);

    begin();
    for (u32 r = 0; r < 200; r++) {
        int which = (r % 5) % 2;            /* a b a b a, a b a b a, ... */
        copy_rep_movsb(code_page, which ? tmpl_b : tmpl_a, which ? len_b : len_a);
        u32 x = r * 0x10001u + 1;
        expect_eq(r, ((fn1)(void *)code_page)(x), tmpl_result(which, x));
        expect_eq(r, ((fn1)(void *)code_page)(x + 1), tmpl_result(which, x + 1));
    }
    end("(d) rep movsb a function into a buffer, call, overwrite, call");

    begin();
    for (u32 r = 0; r < 200; r++) {
        int which = r % 2;
        copy_bytes(mixed.code, which ? tmpl_b : tmpl_a, which ? len_b : len_a);
        mixed.before[r % 8] = r;
        u32 x = r ^ 0xabcdu;
        expect_eq(r, ((fn1)(void *)mixed.code)(x), tmpl_result(which, x));
        mixed.after[r % 8] = r;
        expect_eq(r, ((fn1)(void *)mixed.code)(x), tmpl_result(which, x));
    }
    end("(d) byte-copy a function into a buffer among live data, call, overwrite");
}

/* ---------------- (e) stores crossing into a code page ---------------- */

static void case_e(void)
{
    u8 *p0 = smc_e_page0, *p1 = p0 + 4096, *p2 = p0 + 8192;

    begin();
    expect_eq(0, smc_e_fn(), 0);
    for (u32 r = 1; r < 60; r++) {
        u32 imm = (r * 29 + 1) & 0xff;
        /* bytes at P0+0xffe, P0+0xfff (not code), P1+0 (opcode b8), P1+1 (imm low byte) */
        poke32(p0 + 0xffe, 0xccccu | (0xb8u << 16) | (imm << 24));
        expect_eq(r, smc_e_fn(), imm);
        expect_eq(r, smc_e_fn(), imm);
    }
    end("(e) unaligned dword store from a data page into the next (code) page");

    begin();
    u32 imm = 0x04030201;
    expect_eq(0, smc_e2_fn(), imm);
    for (u32 r = 1; r < 60; r++) {
        switch (r % 3) {
        case 0:         /* 16-bit store straddling P1/P2: imm bytes 1 and 2 */
            poke16(p1 + 0xfff, (u16)(r * 0x0101u + 0x1234u));
            imm = (imm & 0xff0000ffu) | ((r * 0x0101u + 0x1234u) & 0xffff) << 8;
            break;
        case 1:         /* a byte on the block's second page only: imm byte 3 */
            poke8(p2 + 1, (u8)(r * 7));
            imm = (imm & 0x00ffffffu) | (u32)(u8)(r * 7) << 24;
            break;
        case 2:         /* dword straddling P1/P2: the whole imm32 */
            imm = 0x01000193u * r ^ 0x811c9dc5u;
            poke32(p1 + 0xffe, imm);
            break;
        }
        expect_eq(r, smc_e2_fn(), imm);
        expect_eq(r, smc_e2_fn(), imm);
    }
    end("(e) stores into a block that spans two pages (second page, straddling)");
}

/* ---------------- (f) string instructions, (g) push ---------------- */

static void case_f(void)
{
    begin();
    for (u32 r = 0; r < 512; r++) {
        u32 v = (r * 53 + 11) & 0xff;
        expect_eq(r, smc_f_stosb(v), 2 + sext8(v));
    }
    end("(f) stosb rewrites the imm8 of an add 2 instructions later");

    begin();
    for (u32 r = 0; r < 300; r++) {
        u32 v = (r * 97 + 3) & 0xff;
        expect_eq(r, smc_f_repstos(v), v * 0x01010101u);
    }
    end("(f) rep stosb rewrites the imm32 of the next instruction");

    begin();
    for (u32 r = 0; r < 300; r++) {
        u32 v = 0x27d4eb2fu * (r + 1);
        expect_eq(r, smc_f_repmovs(&v), v);
    }
    end("(f) rep movsb rewrites the imm32 of the next instruction");

    begin();
    for (u32 r = 0; r < 300; r++) {
        u32 v = 0x165667b1u * (r + 3);
        expect_eq(r, smc_g_push(v), v);
    }
    end("(g) push (ESP inside code) rewrites the imm32 of the next instruction");
}

int main(void)
{
    rt_puts("smc: self-modifying code tests\n");
    case_a();
    case_b();
    case_c();
    case_d();
    case_e();
    case_f();
    rt_printf("smc: %d passed, %d failed\n", passed, failed);
    return failed;
}
