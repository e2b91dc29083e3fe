/* rt.h for a freestanding multiboot kernel: COM1 output, exit through the
 * isa-debug-exit device at port 0xf4 (QEMU: -device
 * isa-debug-exit,iobase=0xf4,iosize=0x04; the emulator exits with status
 * (code << 1) | 1). */
#include "rt.h"
#include "multiboot.h"

#define COM1_THR 0x3f8          /* transmit holding register (DLAB = 0) */
#define COM1_LSR 0x3fd          /* line status register */
#define LSR_THRE 0x20           /* bit 5: THR empty */
#define DEBUG_EXIT_PORT 0xf4

u32 rt_mb_magic, rt_mb_info;

void rt_putc(char c)
{
    while (!(inb(COM1_LSR) & LSR_THRE))
        ;
    outb(COM1_THR, (u8)c);
}

void rt_exit(int code)
{
    outl(DEBUG_EXIT_PORT, (u32)code);
    for (;;)
        __asm__ volatile("cli; hlt");
}

const char *rt_cmdline(void)
{
    const struct mb_info *mbi = (const struct mb_info *)rt_mb_info;
    if (rt_mb_magic == MB_BOOTLOADER_MAGIC && mbi && (mbi->flags & MB_INFO_CMDLINE) && mbi->cmdline)
        return (const char *)mbi->cmdline;
    return "";
}

/* GCC may emit calls to these even in freestanding code (structure copies,
 * zero-initialisation); the Linux build gets them from libc. Built with
 * -fno-tree-loop-distribute-patterns so they do not turn into calls to
 * themselves. */
void *memcpy(void *dst, const void *src, unsigned n)
{
    u8 *d = dst;
    const u8 *s = src;
    while (n--)
        *d++ = *s++;
    return dst;
}

void *memmove(void *dst, const void *src, unsigned n)
{
    u8 *d = dst;
    const u8 *s = src;
    if (d < s) {
        while (n--)
            *d++ = *s++;
    } else {
        while (n--)
            d[n] = s[n];
    }
    return dst;
}

void *memset(void *dst, int c, unsigned n)
{
    u8 *d = dst;
    while (n--)
        *d++ = (u8)c;
    return dst;
}

int memcmp(const void *a, const void *b, unsigned n)
{
    const u8 *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x - *y;
    return 0;
}
