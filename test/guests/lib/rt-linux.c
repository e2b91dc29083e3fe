/* rt.h as an ordinary Linux program (gcc -m32): stdout and exit(). The
 * command line is argv joined by single spaces, as a multiboot loader's
 * command line starts with the kernel's own name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rt.h"

static char cmdline_buf[4096];

/* glibc passes (argc, argv, envp) to ELF constructors. */
__attribute__((constructor)) static void rt_linux_init(int argc, char **argv, char **envp)
{
    size_t len = 0;
    (void)envp;
    for (int i = 0; i < argc && argv; i++) {
        size_t n = strlen(argv[i]);
        if (len + n + 2 > sizeof cmdline_buf)
            break;
        if (i)
            cmdline_buf[len++] = ' ';
        memcpy(cmdline_buf + len, argv[i], n);
        len += n;
    }
    cmdline_buf[len] = 0;
}

void rt_putc(char c)
{
    putchar((unsigned char)c);
}

void rt_exit(int code)
{
    fflush(stdout);
    exit(code);
}

const char *rt_cmdline(void)
{
    return cmdline_buf;
}
