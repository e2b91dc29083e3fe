/* hello: the smallest useful multiboot guest. Prints a greeting, the values
 * the loader handed over (EAX magic, mem_lower/mem_upper, command line, and
 * for each module (-initrd) its size, string and a checksum of its bytes) and
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
    if (mbi && (mbi->flags & MB_INFO_MODS)) {
        const u32 *mod = (const u32 *)mbi->mods_addr;
        rt_printf("modules=%u\n", mbi->mods_count);
        for (u32 i = 0; i < mbi->mods_count; i++, mod += 4) {
            const unsigned char *p = (const unsigned char *)mod[0];
            u32 sum = 0;
            for (u32 k = 0; k < mod[1] - mod[0]; k++) sum = sum * 31 + p[k];
            rt_printf("module %u: %u bytes, page-aligned=%s, sum=0x%08x, string=\"%s\"\n", i, mod[1] - mod[0],
                      (mod[0] & 0xfff) == 0 ? "yes" : "no", sum, (const char *)mod[2]);
        }
    }
    return rt_mb_magic == MB_BOOTLOADER_MAGIC ? 0 : 1;
}
