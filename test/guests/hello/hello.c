/* hello: the smallest useful multiboot guest. Prints a greeting, the values
 * the loader handed over (EAX magic, mem_lower/mem_upper, command line) and
 * exits with code 0 through isa-debug-exit (the emulator's status is 1). */
#include "rt.h"
#include "multiboot.h"

int main(void)
{
    const struct mb_info *mbi = (const struct mb_info *)rt_mb_info;

    rt_puts("Hello from rewind86 guest\n");
    rt_printf("multiboot magic=0x%08x %s\n", rt_mb_magic,
              rt_mb_magic == MB_BOOTLOADER_MAGIC ? "(ok)" : "(BAD)");
    rt_printf("multiboot info=0x%08x flags=0x%08x\n", rt_mb_info, mbi ? mbi->flags : 0);
    if (mbi && (mbi->flags & MB_INFO_MEMORY))
        rt_printf("mem_lower=%u KiB mem_upper=%u KiB\n", mbi->mem_lower, mbi->mem_upper);
    else
        rt_puts("mem_lower/mem_upper: not provided\n");
    rt_printf("cmdline=\"%s\"\n", rt_cmdline());
    return rt_mb_magic == MB_BOOTLOADER_MAGIC ? 0 : 1;
}
