/* strops: string and block-memory operations two ways: plain C loops (byte
 * and dword) and the x86 string instructions (rep movsd, rep stosb,
 * repne scasb, repe cmpsb) through inline asm. Exercises the helpers a
 * translator uses for REP-prefixed instructions as well as tight loops.
 * Note: a REP instruction counts once per iteration in QEMU's icount.
 * Prints "BENCH strops checksum=<hex>" then "BENCH done"; exits 0. */
#include "rt.h"
#include "../paging.h"

#define SIZE 16384
#define ROUNDS 1370

static u8 src[SIZE], dst[SIZE], tmp[SIZE];

static u32 c_strlen(const u8 *s)
{
    const u8 *p = s;
    while (*p)
        p++;
    return (u32)(p - s);
}

static void c_memcpy_bytes(u8 *d, const u8 *s, u32 n)
{
    while (n--)
        *d++ = *s++;
}

static void c_memcpy_dwords(u32 *d, const u32 *s, u32 n)
{
    while (n--)
        *d++ = *s++;
}

static int c_memcmp(const u8 *a, const u8 *b, u32 n)
{
    for (; n; n--, a++, b++)
        if (*a != *b)
            return *a < *b ? -1 : 1;
    return 0;
}

static void rep_movsd(void *d, const void *s, u32 dwords)
{
    __asm__ volatile("cld; rep movsl" : "+D"(d), "+S"(s), "+c"(dwords) : : "memory");
}

static void rep_stosb(void *d, u8 v, u32 n)
{
    __asm__ volatile("cld; rep stosb" : "+D"(d), "+c"(n) : "a"(v) : "memory");
}

static u32 scas_strlen(const u8 *s)
{
    u32 n = 0xffffffffu;
    const u8 *p = s;
    __asm__ volatile("cld; repne scasb" : "+D"(p), "+c"(n) : "a"(0) : "memory", "cc");
    return ~n - 1;
}

/* Returns the offset of the first difference in n bytes, or n. */
static u32 cmps_diff(const u8 *a, const u8 *b, u32 n)
{
    u32 left = n;
    if (!n)
        return 0;
    __asm__ volatile("cld; repe cmpsb" : "+S"(a), "+D"(b), "+c"(left) : : "memory", "cc");
    return a[-1] == b[-1] ? n : n - left - 1;
}

static u32 hash_bytes(u32 h, const u8 *p, u32 n)
{
    for (u32 i = 0; i < n; i += 61)
        h = (h ^ p[i]) * 0x01000193u;
    return h;
}

int main(void)
{
    (void)bench_paging(rt_cmdline()); /* "paging=32" or "paging=pae": the same loops with paging on */
    u32 x = 0x2545f491, sum = 0;
    for (u32 i = 0; i < SIZE; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        src[i] = (u8)(x % 255 + 1);             /* no zero bytes */
    }

    for (u32 r = 0; r < ROUNDS; r++) {
        u32 len = SIZE - 1 - (r * 37) % 4096;   /* string length this round */
        u8 saved = src[len];
        src[len] = 0;

        u32 l1 = c_strlen(src);
        u32 l2 = scas_strlen(src);
        c_memcpy_bytes(dst, src, SIZE);
        rep_movsd(tmp, dst, SIZE / 4);
        int same = c_memcmp(tmp, src, SIZE);
        tmp[(r * 101) % SIZE] ^= 0x40;
        u32 d1 = cmps_diff(tmp, src, SIZE);
        c_memcpy_dwords((u32 *)dst, (const u32 *)tmp, SIZE / 4);
        rep_stosb(dst + (r % 64), (u8)r, SIZE / 2);
        u32 h = hash_bytes(0x811c9dc5u, dst, SIZE);

        src[len] = saved;
        src[(r * 7919) % SIZE] = (u8)(h % 255 + 1);
        sum = ((sum << 3) | (sum >> 29)) ^ l1 ^ (l2 << 11) ^ (u32)same ^ (d1 << 3) ^ h;
    }
    rt_printf("BENCH strops checksum=%08x\n", sum);
    rt_puts("BENCH done\n");
    return 0;
}
