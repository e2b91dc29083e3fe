/* crc32: table-driven CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320)
 * over a 64 KiB pseudo-random buffer, and a bitwise CRC-32C (Castagnoli,
 * 0x82F63B78) over its first 2 KiB, for many rounds; each round flips a byte
 * chosen by the previous result, so no round can be skipped.
 * Prints "BENCH crc32 checksum=<hex>" then "BENCH done"; exits 0 (1 if the
 * CRC self-test fails). */
#include "rt.h"
#include "../paging.h"

#define BUF_SIZE 65536
#define ROUNDS 450
#define BITWISE_BYTES 2048

static u8 buf[BUF_SIZE];
static u32 table[256];

static void make_table(void)
{
    for (u32 n = 0; n < 256; n++) {
        u32 c = n;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[n] = c;
    }
}

static u32 crc32(u32 crc, const u8 *p, u32 n)
{
    crc = ~crc;
    while (n--)
        crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

static u32 crc32c_bitwise(u32 crc, const u8 *p, u32 n)
{
    crc = ~crc;
    while (n--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0x82F63B78u & -(crc & 1));
    }
    return ~crc;
}

int main(void)
{
    (void)bench_paging(rt_cmdline()); /* "paging=32" or "paging=pae": the same loops with paging on */
    static const u8 check[] = "123456789";
    make_table();
    if (crc32(0, check, 9) != 0xCBF43926u || crc32c_bitwise(0, check, 9) != 0xE3069283u) {
        rt_puts("BENCH crc32 self-test FAILED\n");
        return 1;
    }

    u32 x = 0x12345678;                         /* xorshift32 */
    for (u32 i = 0; i < BUF_SIZE; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        buf[i] = (u8)(x >> 24);
    }

    u32 sum = 0;
    for (u32 r = 0; r < ROUNDS; r++) {
        u32 a = crc32(r, buf, BUF_SIZE);
        u32 b = crc32c_bitwise(a, buf, BITWISE_BYTES);
        buf[(a ^ b) % BUF_SIZE] ^= (u8)(r + 1);
        sum = ((sum << 5) | (sum >> 27)) ^ a ^ (b * 3u);
    }
    rt_printf("BENCH crc32 checksum=%08x\n", sum);
    rt_puts("BENCH done\n");
    return 0;
}
