/* tracecmp: a kernel whose instruction trace is the same under QEMU and
 * rewind86 from `trace_aligned` on (see entry.S), for `rewind86 trace-diff`.
 *
 * main calls trace_begin, which normalizes the machine state and calls
 * tracecmp_main on a fixed stack. The workload is deterministic: no cpuid,
 * rdtsc, multiboot info or command line, and no port input but the UART
 * line status polling of rt_printf. It runs integer arithmetic (work.S:
 * arith), rep movsd / rep stosb / repne scasb / rep movsb with ECX=0 /
 * repe cmpsb, a `loop` loop, recursive calls, and takes #BP (int3), #UD
 * (ud2), #DE (div by 0) and int 0x80 through its own IDT. It prints
 *     tracecmp: arith=... mem=... str=... loop=... fib=... exc=N/... sum=...
 * and exits with code 0 (1 if an exception was not taken as expected).
 *
 * Only instructions on which QEMU 7.2 and rewind86 agree are used, undefined
 * flags included (the trace compares EFLAGS after every instruction). Left
 * out: RCR by more than 1 (by CL, or `rcr dl, 3`), whose OF is undefined:
 * QEMU sets OF = MSB(source ^ result), rewind86 OF = the XOR of the result's
 * two top bits (e.g. EDI=ffffc99f, CF=1, `rcr edi, cl` with CL=15: result
 * 267fffff, CF=1, QEMU OF=1, rewind86 OF=0). work.S rotates by 1 instead.
 */
#include "rt.h"

void trace_begin(void) __attribute__((noreturn));
int tracecmp_main(void);

u32 arith(u32 seed, u32 rounds);
void copy_dwords(void *dst, const void *src, u32 ndwords);
void fill_bytes(void *dst, int c, u32 n);
u32 scan_byte(const void *p, int c, u32 n);
u32 movsb_none(void *dst, const void *src);
u32 compare_bytes(const void *a, const void *b, u32 n);
u32 loop_sum(u32 n);
u32 do_int3(u32 a);
u32 do_ud2(u32 a);
u32 do_div0(u32 a);
u32 do_int80(u32 a);

extern u32 exc_hash, exc_count;

static u32 src[64], dst[64];
static u8 b1[256], b2[256];

static u32 mix(u32 h, u32 v)
{
    h ^= v;
    h *= 0x01000193;
    return h ^ (h >> 13);
}

static __attribute__((noinline)) u32 fib(u32 n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

int main(void)
{
    trace_begin();
}

int tracecmp_main(void)
{
    u32 x = 0x2545f491, h, i;
    u32 a = arith(0x01234567, 64);

    /* memcpy with rep movsd */
    for (i = 0; i < 64; i++) {
        x = x * 1664525 + 1013904223;
        src[i] = x;
    }
    copy_dwords(dst, src, 64);
    h = 0;
    for (i = 0; i < 64; i++)
        h = mix(h, dst[i]);
    u32 mem = h;

    /* memset, scans, compares */
    fill_bytes(b1, 0xa5, 200);
    fill_bytes(b2, 0xa5, 200);
    b1[150] = 0x3c;
    h = scan_byte(b1, 0x3c, 200);             /* found: 49 left */
    h = mix(h, scan_byte(b1, 0x11, 40));      /* not found: 0 */
    h = mix(h, movsb_none(b2, b1));           /* 0 */
    h = mix(h, compare_bytes(b1, b2, 16));    /* equal */
    h = mix(h, compare_bytes(b1, b2, 200));   /* differ at 150 */
    h = mix(h, compare_bytes(b2, b1, 0));     /* n = 0 */
    u32 str = h;

    u32 loop = loop_sum(50);
    u32 f = fib(12);

    /* exceptions: each handler folds the vector and saved EIP into exc_hash */
    h = do_int3(10);
    h = mix(h, do_ud2(20));
    h = mix(h, do_div0(30));
    h = mix(h, do_int80(40));
    h = mix(h, do_int3(h));
    u32 exc = h;

    u32 sum = mix(mix(mix(mix(mix(mix(a, mem), str), loop), f), exc), exc_hash);
    rt_printf("tracecmp: arith=%08x mem=%08x str=%08x loop=%u fib=%u exc=%u/%08x sum=%08x\n",
              a, mem, str, loop, f, exc_count, exc_hash, sum);
    return exc_count == 5 ? 0 : 1;
}
