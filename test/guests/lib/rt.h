/* The tiny runtime every test guest is written against. Two implementations:
 *   rt-multiboot.c + crt0.S + link.ld : a freestanding multiboot v1 kernel
 *     (output on COM1 at 0x3f8, exit through QEMU's isa-debug-exit at 0xf4);
 *   rt-linux.c : an ordinary gcc -m32 Linux program (stdout, exit()).
 * The same guest source built both ways must print the same text. */
#ifndef REWIND86_RT_H
#define REWIND86_RT_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef signed int s32;

void rt_putc(char c);
void rt_puts(const char *s);                 /* no newline appended */
/* Supports %c %s %d %u %x %X with optional 0 flag and width, %llx, %%. */
int rt_printf(const char *fmt, ...);
/* Ends the run. Multiboot: outl(0xf4, code) so QEMU/rewind86 exit with (code<<1)|1. Linux: exit(code). */
void rt_exit(int code) __attribute__((noreturn));
/* The kernel command line (multiboot: from the info structure; Linux: argv joined by spaces, or ""). */
const char *rt_cmdline(void);

#endif
