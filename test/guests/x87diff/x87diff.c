/* x87diff: differential test guest for rewind86's x87 FPU.
 *
 * Runs x87 instructions on pseudo-random operands under every precision and
 * rounding control and prints one line per case: form, control word, status
 * word in, operands, then the status word (undefined condition codes masked),
 * the tag word, the registers and, where the form has them, memory and
 * EFLAGS. Built natively (gcc -m32, Linux) and as a multiboot kernel; the
 * emulator's output must equal the native output, except in the
 * transcendental group, which test/x87diff.test.ts compares within one ulp.
 * See README.md. */
#include "x87diff.h"

/* ---- the harness -----------------------------------------------------------
 * x8_exec(): EFLAGS := x8_flin, FRSTOR x8_in, call x8_target, FNSAVE x8_out,
 * x8_flout := EFLAGS. FNSAVE does not wait, so an unmasked exception the
 * instruction left pending is saved (ES, B) and then cleared by FNSAVE's own
 * reinitialisation: no #MF, no SIGFPE. */
void (*x8_target)(void);
u8 x8_m[128] __attribute__((aligned(16)));
u8 x8_in[112] __attribute__((aligned(16)));
u8 x8_out[112] __attribute__((aligned(16)));
u32 x8_flin, x8_flout;
int x8_full_regs;
void x8_exec(void);

__asm__(".pushsection .text\n"
        ".globl x8_exec\n"
        ".type x8_exec,@function\n"
        "x8_exec:\n\t"
        "pushl %ebp\n\tpushl %ebx\n\tpushl %esi\n\tpushl %edi\n\t"
        "pushl x8_flin\n\tpopfl\n\t"
        "frstor x8_in\n\t"
        "call *x8_target\n\t"
        "fnsave x8_out\n\t"
        "pushfl\n\tpopl x8_flout\n\t"
        "cld\n\t"
        "popl %edi\n\tpopl %esi\n\tpopl %ebx\n\tpopl %ebp\n\t"
        "ret\n\t"
        ".size x8_exec,.-x8_exec\n"
        ".popsection\n");

/* ---- PRNG ------------------------------------------------------------------ */
u32 x8_seed;

u64 rbits(int n) {
  u64 v = ((u64)rnd() << 32) | rnd();
  if (n <= 0) return 0;
  if (n >= 64) return v;
  return v & ((1ULL << n) - 1);
}

/* ---- line output ----------------------------------------------------------- */
static char line[1200];
static int lp;
static const char hx[] = "0123456789abcdef";

static void ln_str(const char *s) {
  while (*s && lp < (int)sizeof(line) - 2) line[lp++] = *s++;
}

static void ln_hex(u32 v, int digits) {
  char *p;
  if (lp + digits + 1 > (int)sizeof(line) - 2) return;
  line[lp] = ' ';
  lp += digits + 1;
  p = &line[lp];
  while (digits--) *--p = hx[v & 15], v >>= 4;
}

/* Big-endian hex of n bytes (as one reads a value), after a space. */
static void ln_bytes(const u8 *b, int n) {
  if (lp + 2 * n + 1 > (int)sizeof(line) - 2) return;
  line[lp++] = ' ';
  while (n--) {
    line[lp++] = hx[b[n] >> 4];
    line[lp++] = hx[b[n] & 15];
  }
}

static void ln_end(void) {
  line[lp++] = '\n';
  line[lp] = 0;
  rt_puts(line);
  lp = 0;
}

void group(const char *name) {
  u32 h = 2166136261u; /* FNV-1a of the group name */
  const char *p;
  for (p = name; *p; p++) h = (h ^ (u8)*p) * 16777619u;
  x8_seed = h ? h : 1;
  rt_puts("# group: ");
  rt_puts(name);
  rt_puts("\n");
}

/* ---- cases ----------------------------------------------------------------- */
void cs_init(struct cs *c, const char *name, void (*stub)(void), u16 cw, u16 ccmask) {
  memset(c, 0, sizeof *c);
  c->name = name;
  c->stub = stub;
  c->cw = cw;
  c->sw = case_sw(cw);
  c->ccmask = ccmask;
  c->empty = 0xff;
}

void cs_stack(struct cs *c, int nst) {
  int i;
  c->nst = nst;
  c->empty = 0;
  for (i = 0; i < 8; i++) {
    c->st[i] = rand_f80();
    if (i >= nst || rn(40) == 0) c->empty |= 1 << i;
  }
}

void cs_full(struct cs *c) {
  int i;
  for (i = c->nst; i < 8; i++) c->st[i] = rand_f80();
  c->nst = 8;
  c->empty = 0;
}

/* The output window of the memory operand: [mofs, mofs + mout). */
static int mofs(const struct cs *c) { return c->mprint == MP_BYTES ? c->min : 0; }

static void print_env(const u8 *m, int o32) {
  int w = o32 ? 4 : 2;
  ln_hex(m[0] | m[1] << 8, 4);
  ln_hex(m[w] | m[w + 1] << 8, 4);
  ln_hex(m[2 * w] | m[2 * w + 1] << 8, 4);
}

void x8_run(struct cs *c) {
  static u8 before[128];
  int i, top, itop, last, o, n;
  u16 tw = 0, sw, otw;

  /* The FRSTOR image (32-bit protected-mode layout, SDM vol. 1, figure 8-10). */
  memset(x8_in, 0, sizeof x8_in);
  itop = top = (c->sw >> 11) & 7;
  for (i = 0; i < 8; i++) {
    int p = (top + i) & 7;
    int t = (c->empty >> i) & 1 ? 3 : tag_of(c->st[i]);
    tw |= t << (2 * p);
    put80(&x8_in[28 + 10 * i], c->st[i]);
  }
  if (c->rawtags) tw = c->tw;
  put16(&x8_in[0], c->cw);
  put16(&x8_in[4], c->sw);
  put16(&x8_in[8], tw);
  memset(x8_m, 0x5a, sizeof x8_m);
  memcpy(x8_m, c->mem, c->min);
  memcpy(before, x8_m, sizeof before);
  x8_flin = (c->eflags & F_OSZAPC) | 2;
  x8_target = c->stub;
  x8_exec();

  /* Inputs. */
  ln_str(c->name);
  ln_hex(c->cw, 4);
  ln_hex(c->sw, 4);
  if (c->rawtags) ln_hex(c->tw, 4);
  for (i = 0; i < c->nst; i++) {
    if ((c->empty >> i) & 1)
      ln_str(" -");
    else
      ln_bytes((const u8 *)&x8_in[28 + 10 * i], 10);
  }
  switch (c->miprint) {
  case MP_ENV32:
  case MP_ENV16:
    ln_str(" e");
    print_env(c->mem, c->miprint == MP_ENV32);
    break;
  case MP_SAVE32:
  case MP_SAVE16:
    ln_str(" s");
    print_env(c->mem, c->miprint == MP_SAVE32);
    o = c->miprint == MP_SAVE32 ? 28 : 14;
    for (i = 0; i < 8; i++) ln_bytes(&c->mem[o + 10 * i], 10);
    break;
  default:
    if (c->min) ln_bytes(c->mem, c->min);
    break;
  }
  if (c->fl) ln_hex(c->eflags & F_OSZAPC, 3);
  ln_str(" :");

  /* Outputs: status word (undefined condition codes masked), tag word, ST(0).. up to the last non-empty register. */
  sw = x8_out[4] | x8_out[5] << 8;
  otw = x8_out[8] | x8_out[9] << 8;
  ln_hex(sw & ~c->ccmask, 4);
  ln_hex(otw, 4);
  top = (sw >> 11) & 7;
  last = -1;
  for (i = 0; i < 8; i++)
    if (((otw >> (2 * ((top + i) & 7))) & 3) != 3) last = i;
  for (i = 0; i <= last; i++) {
    int p = (top + i) & 7, j = (p - itop) & 7;
    if (((otw >> (2 * p)) & 3) == 3)
      ln_str(" -");
    else if (!x8_full_regs && ((tw >> (2 * p)) & 3) != 3 && !memcmp(&x8_out[28 + 10 * i], &x8_in[28 + 10 * j], 10))
      ln_str(" ="); /* the physical register was not empty and still holds what it held */
    else
      ln_bytes(&x8_out[28 + 10 * i], 10);
  }
  switch (c->mprint) {
  case MP_BYTES:
    ln_str(" m");
    ln_bytes(&x8_m[mofs(c)], c->mout);
    break;
  case MP_ENV32:
  case MP_ENV16:
    /* FIP, FCS, FOP, FDP and FDS are not printed: code and data live at different addresses in the two builds. */
    ln_str(" e");
    print_env(x8_m, c->mprint == MP_ENV32);
    break;
  case MP_SAVE32:
  case MP_SAVE16:
    ln_str(" s");
    print_env(x8_m, c->mprint == MP_SAVE32);
    o = c->mprint == MP_SAVE32 ? 28 : 14;
    for (i = 0; i < 8; i++) ln_bytes(&x8_m[o + 10 * i], 10);
    break;
  }
  if (c->showcw) ln_str(" cw"), ln_hex(x8_out[0] | x8_out[1] << 8, 4);
  if (c->fl) ln_hex(x8_flout & F_OSZAPC, 3);
  /* Nothing outside the printed window of the memory operand may change. */
  n = c->mprint == MP_NONE ? 0 : c->mout;
  o = mofs(c);
  for (i = 0; i < (int)sizeof before; i++)
    if ((i < o || i >= o + n) && x8_m[i] != before[i]) {
      ln_str(" !mem");
      break;
    }
  ln_end();
}

const char *with_index(char *buf, const char *name, int i) {
  char *p = buf;
  const char *s = name;
  while (*s) {
    if (s[0] == 's' && s[1] == 't' && s[2] == 'i') {
      *p++ = 's', *p++ = 't', *p++ = (char)('0' + i);
      s += 3;
    } else
      *p++ = *s++;
  }
  *p = 0;
  return buf;
}

/* A form's header line: "# name: what it is". */
void form(const char *name, const char *text) {
  rt_puts("# ");
  rt_puts(name);
  rt_puts(": ");
  rt_puts(text);
  rt_puts("\n");
}

int main(void) {
  rt_puts("# rewind86 x87diff v1\n");
  test_arith();
  test_arith_mem();
  test_unary();
  test_compare();
  test_load();
  test_store();
  test_stack();
  test_env();
  test_transcendental();
  rt_puts("# end\n");
  rt_exit(0);
}
