/* sieve: the sieve of Eratosthenes over the odd numbers below ~2^21,
 * repeated with a slightly different limit each round. Byte stores with a
 * large stride, a word-clearing loop and a counting loop.
 * Prints "BENCH sieve checksum=<hex>" then "BENCH done"; exits 0. */
#include "rt.h"
#include "../paging.h"

#define MAX_LIMIT (1u << 21)
#define ROUNDS 22

static u32 words[MAX_LIMIT / 2 / 4];           /* flags for 1, 3, 5, ...; 1 = composite */

/* Returns a hash of the primes below limit (even), and their count in *count. */
static u32 sieve(u32 limit, u32 *count)
{
    u8 *composite = (u8 *)words;                /* composite[i] stands for 2i+1 */
    u32 half = limit / 2;

    for (u32 i = 0; i < (half + 3) / 4; i++)
        words[i] = 0;
    composite[0] = 1;                           /* 1 is not prime */
    for (u32 i = 1;; i++) {
        u32 p = 2 * i + 1;
        if (p * p >= limit)
            break;
        if (!composite[i])
            for (u32 j = p * p / 2; j < half; j += p)
                composite[j] = 1;
    }

    u32 n = 1, h = 2;                           /* the prime 2 */
    for (u32 i = 1; i < half; i++) {
        if (!composite[i]) {
            n++;
            h = (h ^ (2 * i + 1)) * 0x01000193u;
        }
    }
    *count = n;
    return h;
}

int main(void)
{
    (void)bench_paging(rt_cmdline()); /* "paging=32" or "paging=pae": the same loops with paging on */
    u32 sum = 0;
    for (u32 r = 0; r < ROUNDS; r++) {
        u32 count;
        u32 h = sieve(MAX_LIMIT - r * 2048, &count);
        sum = (sum * 33u) ^ h ^ (count << 7);
    }
    rt_printf("BENCH sieve checksum=%08x\n", sum);
    rt_puts("BENCH done\n");
    return 0;
}
