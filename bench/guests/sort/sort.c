/* sort: quicksort (median of three, Hoare partition, insertion sort for
 * short runs) of 64K pseudo-random 32-bit keys, then a check that the result
 * is ordered and a position-weighted hash; alternate rounds use keys with
 * many duplicates. Data-dependent branches, swaps, recursion.
 * Prints "BENCH sort checksum=<hex>" then "BENCH done"; exits 0 (1 if a
 * round comes out unsorted). */
#include "rt.h"
#include "../paging.h"

#define N 65536
#define ROUNDS 24
#define SMALL 16

static u32 a[N];

static void insertion_sort(u32 *v, int n)
{
    for (int i = 1; i < n; i++) {
        u32 key = v[i];
        int j = i - 1;
        while (j >= 0 && v[j] > key) {
            v[j + 1] = v[j];
            j--;
        }
        v[j + 1] = key;
    }
}

static void swap(u32 *x, u32 *y)
{
    u32 t = *x;
    *x = *y;
    *y = t;
}

/* Sorts v[0..n) but leaves runs shorter than SMALL to the final insertion sort. */
static void quicksort(u32 *v, int n)
{
    while (n > SMALL) {
        int mid = n / 2;
        if (v[mid] < v[0])
            swap(&v[mid], &v[0]);
        if (v[n - 1] < v[0])
            swap(&v[n - 1], &v[0]);
        if (v[n - 1] < v[mid])
            swap(&v[n - 1], &v[mid]);
        u32 pivot = v[mid];
        int i = -1, j = n;
        for (;;) {
            do i++; while (v[i] < pivot);
            do j--; while (v[j] > pivot);
            if (i >= j)
                break;
            swap(&v[i], &v[j]);
        }
        /* v[0..j] <= pivot <= v[j+1..n): recurse into the smaller side. */
        int left = j + 1, right = n - left;
        if (left < right) {
            quicksort(v, left);
            v += left;
            n = right;
        } else {
            quicksort(v + left, right);
            n = left;
        }
    }
}

/* rounds=N on the command line overrides ROUNDS (longer recordings for the time-travel bench). */
static u32 rounds_from_cmdline(void)
{
    const char *c = rt_cmdline();
    for (; *c; c++) {
        if (c[0] == 'r' && c[1] == 'o' && c[2] == 'u' && c[3] == 'n' && c[4] == 'd' && c[5] == 's' && c[6] == '=') {
            u32 n = 0;
            for (c += 7; *c >= '0' && *c <= '9'; c++) n = n * 10 + (u32)(*c - '0');
            return n;
        }
    }
    return ROUNDS;
}

int main(void)
{
    (void)bench_paging(rt_cmdline()); /* "paging=32" or "paging=pae": the same loops with paging on */
    u32 x = 0x9e3779b9, sum = 0;
    const u32 rounds = rounds_from_cmdline();
    for (u32 r = 0; r < rounds; r++) {
        u32 mask = (r & 1) ? 0x3ff : 0xffffffffu;
        for (int i = 0; i < N; i++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            a[i] = x & mask;
        }
        quicksort(a, N);
        insertion_sort(a, N);

        u32 h = 0;
        for (int i = 0; i < N; i++) {
            if (i && a[i - 1] > a[i]) {
                rt_printf("BENCH sort round %u: not sorted at %d\n", r, i);
                return 1;
            }
            h += a[i] * (u32)(2 * i + 1);
        }
        sum = (sum * 31u) ^ h;
    }
    rt_printf("BENCH sort checksum=%08x\n", sum);
    rt_puts("BENCH done\n");
    return 0;
}
