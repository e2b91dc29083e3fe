/* The check bookkeeping of the system test guests: see check.h. */
#include "check.h"

#define MAX_KEYS 24
static int n_pass, n_fail, n_skip;
static struct {
    char name[96];
    int len, skippable;
    int n;
    struct { const char *key, *sym; char kind; u32 want, got, base; } k[MAX_KEYS];
} cur;

const char *(*check_skip)(void);

void begin(const char *name)
{
    cur.len = 0;
    cur.name[0] = 0;
    cur.n = 0;
    cur.skippable = 0;
    name_str(name);
}

void name_str(const char *s)
{
    while (*s && cur.len < (int)sizeof cur.name - 1)
        cur.name[cur.len++] = *s++;
    cur.name[cur.len] = 0;
}

void name_hex(u32 v)
{
    char b[11];
    int n = 0, started = 0;
    b[n++] = '0';
    b[n++] = 'x';
    for (int sh = 28; sh >= 0; sh -= 4) {
        u32 d = (v >> sh) & 0xf;
        if (d || started || sh == 0) {
            b[n++] = "0123456789abcdef"[d];
            started = 1;
        }
    }
    b[n] = 0;
    name_str(b);
}

void skippable(void) { cur.skippable = 1; }

static void add(const char *key, char kind, const char *sym, u32 want, u32 got, u32 base)
{
    if (cur.n < MAX_KEYS) {
        cur.k[cur.n].key = key;
        cur.k[cur.n].kind = kind;
        cur.k[cur.n].sym = sym;
        cur.k[cur.n].want = want;
        cur.k[cur.n].got = got;
        cur.k[cur.n].base = base;
        cur.n++;
    }
}

void want_x(const char *key, u32 want, u32 got) { add(key, 'x', 0, want, got, 0); }
void want_u(const char *key, u32 want, u32 got) { add(key, 'u', 0, want, got, 0); }
void want_sym(const char *key, const char *sym, u32 want, u32 got) { add(key, 's', sym, want, got, want); }
void want_vec(u32 want, u32 got) { add("vec", 'v', 0, want, got, 0); }
void want_err(u32 want, u32 got) { add("err", 'e', 0, want, got, 0); }
void want_b(const char *key, int want, int got) { add(key, 'b', 0, want != 0, got != 0, 0); }
void want_no_addr(const char *key, const char *sym, u32 base, u32 got) { add(key, 's', sym, 0, got, base); }
void want_off(const char *key, const char *sym, u32 base, u32 want, u32 got) { add(key, 'o', sym, want, got, base); }

static void print_value(int i, int wanted)
{
    u32 v = wanted ? cur.k[i].want : cur.k[i].got;
    u32 w = cur.k[i].base;
    rt_printf(" %s=", cur.k[i].key);
    switch (cur.k[i].kind) {
    case 'u': rt_printf("%u", v); break;
    case 'v': if (v == NO_VEC) rt_puts("none"); else rt_printf("%u", v); break;
    case 'e': if (v == NO_VEC) rt_puts("none"); else rt_printf("0x%x", v); break;
    case 'b': rt_puts(v ? "yes" : "no"); break;
    case 's':
        if (v == 0)
            rt_puts("none");
        else if (v == w)
            rt_puts(cur.k[i].sym);
        else if (v > w && v - w < 0x1000)
            rt_printf("%s+0x%x", cur.k[i].sym, v - w);
        else if (v < w && w - v < 0x1000)
            rt_printf("%s-0x%x", cur.k[i].sym, w - v);
        else
            rt_printf("0x%x", v);
        break;
    case 'o':
        if (v >= w)
            rt_printf("%s+0x%x", cur.k[i].sym, v - w);
        else
            rt_printf("%s-0x%x", cur.k[i].sym, w - v);
        break;
    default: rt_printf("0x%x", v); break;
    }
}

void end(void)
{
    int ok = 1;
    for (int i = 0; i < cur.n; i++)
        if (cur.k[i].want != cur.k[i].got)
            ok = 0;
    if (!ok && cur.skippable && check_skip) {
        const char *why = check_skip();
        if (why) {
            n_skip++;
            rt_printf("SKIP %s: %s\n", cur.name, why);
            return;
        }
    }
    if (ok) {
        n_pass++;
        rt_printf("PASS %s:", cur.name);
        for (int i = 0; i < cur.n; i++)
            print_value(i, 0);
    } else {
        n_fail++;
        rt_printf("FAIL %s: expected", cur.name);
        for (int i = 0; i < cur.n; i++)
            if (cur.k[i].want != cur.k[i].got)
                print_value(i, 1);
        rt_puts(" got");
        for (int i = 0; i < cur.n; i++)
            if (cur.k[i].want != cur.k[i].got)
                print_value(i, 0);
    }
    rt_putc('\n');
}

int finish(const char *guest)
{
    if (check_skip)
        rt_printf("%s: %d passed, %d failed, %d skipped\n", guest, n_pass, n_fail, n_skip);
    else
        rt_printf("%s: %d passed, %d failed\n", guest, n_pass, n_fail);
    return n_fail;
}
