/* rt_puts and rt_printf on top of rt_putc, shared by the multiboot and the
 * Linux runtime so that both builds print byte-identical text.
 *
 * Conversions: %c %s %d %i %u %x %X %p %%, with the flags '0' and '-', a
 * decimal width, and the length modifiers l (32-bit, as int on i386) and
 * ll (64-bit: %lld %llu %llx %llX). */
#include <stdarg.h>
#include "rt.h"

void rt_puts(const char *s)
{
    while (*s)
        rt_putc(*s++);
}

/* Writes the digits of v in base 10 or 16 into the end of buf and returns a
 * pointer to the first digit. */
static char *format_u64(char *end, u64 v, unsigned base, int upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char *p = end;
    *p = 0;
    if (base == 16) {
        do {
            *--p = digits[v & 15];
            v >>= 4;
        } while (v);
    } else if (v >> 32) {
        do {
            *--p = digits[v % 10];      /* libgcc __umoddi3/__udivdi3 */
            v /= 10;
        } while (v);
    } else {
        u32 w = (u32)v;                 /* the common case: no 64-bit division */
        do {
            *--p = digits[w % 10];
            w /= 10;
        } while (w);
    }
    return p;
}

static int emit_padded(const char *s, int len, const char *prefix, int width, int left, char pad)
{
    int plen = 0, n = 0;
    while (prefix[plen])
        plen++;
    int fill = width > len + plen ? width - len - plen : 0;
    if (!left && pad == ' ')
        for (; fill; fill--, n++)
            rt_putc(' ');
    for (int i = 0; i < plen; i++, n++)
        rt_putc(prefix[i]);
    if (!left)
        for (; fill; fill--, n++)
            rt_putc(pad);
    for (int i = 0; i < len; i++, n++)
        rt_putc(s[i]);
    for (; fill; fill--, n++)
        rt_putc(' ');
    return n;
}

int rt_printf(const char *fmt, ...)
{
    va_list ap;
    int n = 0;
    char buf[24];

    va_start(ap, fmt);
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            rt_putc(*fmt);
            n++;
            continue;
        }
        fmt++;
        int left = 0;
        char pad = ' ';
        for (;; fmt++) {
            if (*fmt == '-')
                left = 1;
            else if (*fmt == '0')
                pad = '0';
            else
                break;
        }
        int width = 0;
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        int longs = 0;
        while (*fmt == 'l') {
            longs++;
            fmt++;
        }
        if (left)
            pad = ' ';

        const char *prefix = "";
        const char *s;
        int len;
        u64 v;
        switch (*fmt) {
        case 'c':
            buf[0] = (char)va_arg(ap, int);
            n += emit_padded(buf, 1, "", width, left, ' ');
            break;
        case 's':
            s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            for (len = 0; s[len]; len++)
                ;
            n += emit_padded(s, len, "", width, left, ' ');
            break;
        case 'd':
        case 'i':
            if (longs >= 2) {
                long long x = va_arg(ap, long long);
                v = x < 0 ? -(u64)x : (u64)x;
                if (x < 0)
                    prefix = "-";
            } else {
                int x = va_arg(ap, int);
                v = x < 0 ? -(u64)(long long)x : (u64)x;
                if (x < 0)
                    prefix = "-";
            }
            s = format_u64(buf + sizeof buf - 1, v, 10, 0);
            n += emit_padded(s, (int)(buf + sizeof buf - 1 - s), prefix, width, left, pad);
            break;
        case 'u':
        case 'x':
        case 'X':
        case 'p':
            if (*fmt == 'p') {
                v = (u32)va_arg(ap, void *);
                prefix = "0x";
            } else if (longs >= 2) {
                v = va_arg(ap, u64);
            } else {
                v = va_arg(ap, u32);
            }
            s = format_u64(buf + sizeof buf - 1, v, *fmt == 'u' ? 10 : 16, *fmt == 'X');
            n += emit_padded(s, (int)(buf + sizeof buf - 1 - s), prefix, width, left, pad);
            break;
        case '%':
            rt_putc('%');
            n++;
            break;
        case 0:
            fmt--;                      /* a lone '%' at the end: stop */
            break;
        default:                        /* unknown conversion: print it as is */
            rt_putc('%');
            rt_putc(*fmt);
            n += 2;
            break;
        }
    }
    va_end(ap);
    return n;
}
