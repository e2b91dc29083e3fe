/* difftest: differential test guest for rewind86.
 *
 * Exercises the general-purpose integer instructions of IA-32 and prints one
 * line per case: form name, inputs, ':', outputs, EFLAGS masked to the flags
 * the Intel SDM defines for that case. Built natively (gcc -m32, Linux) and as
 * a multiboot kernel; the emulator's output must equal the native output.
 * See README.md for the forms and flag masks. */
#include "dt.h"

/* ---- the execution harness ------------------------------------------------
 * dt_exec(struct st *s): load eax..edi (not esp) and EFLAGS from *s, call the
 * stub at dt_target, store registers and EFLAGS back into *s. The stub runs
 * with DF possibly set; the harness clears it again before returning to C. */
void *dt_target;
u32 dt_m[8];

__asm__(".pushsection .text\n"
        ".globl dt_exec\n"
        ".type dt_exec,@function\n"
        "dt_exec:\n\t"
        "pushl %ebp\n\tpushl %ebx\n\tpushl %esi\n\tpushl %edi\n\t"
        "movl 20(%esp),%eax\n\t"
        "pushl %eax\n\t" /* 0(%esp) = s while the stub runs */
        "pushl 32(%eax)\n\tpopfl\n\t"
        "movl 4(%eax),%ecx\n\tmovl 8(%eax),%edx\n\tmovl 12(%eax),%ebx\n\t"
        "movl 20(%eax),%ebp\n\tmovl 24(%eax),%esi\n\tmovl 28(%eax),%edi\n\t"
        "movl 0(%eax),%eax\n\t"
        "call *dt_target\n\t"
        "pushfl\n\tcld\n\t"
        "pushl %eax\n\t"
        "movl 8(%esp),%eax\n\t"
        "popl 0(%eax)\n\tpopl 32(%eax)\n\t"
        "movl %ecx,4(%eax)\n\tmovl %edx,8(%eax)\n\tmovl %ebx,12(%eax)\n\t"
        "movl %ebp,20(%eax)\n\tmovl %esi,24(%eax)\n\tmovl %edi,28(%eax)\n\t"
        "addl $4,%esp\n\t"
        "popl %edi\n\tpopl %esi\n\tpopl %ebx\n\tpopl %ebp\n\t"
        "ret\n\t"
        ".size dt_exec,.-dt_exec\n"
        ".popsection\n");

const u32 imms_NONE[] = {IMMS_NONE}, imms_I8[] = {IMMS_I8}, imms_S8[] = {IMMS_S8},
          imms_I16[] = {IMMS_I16}, imms_I32[] = {IMMS_I32}, imms_CNT[] = {IMMS_CNT},
          imms_BIT[] = {IMMS_BIT}, imms_CC[] = {IMMS_CC}, imms_BASE[] = {IMMS_BASE}, imms_BASE0[] = {IMMS_BASE0},
          imms_RET[] = {IMMS_RET}, imms_ENTER[] = {IMMS_ENTER};

/* ---- PRNG: xorshift32, reseeded per group so groups are independent ------ */
u32 dt_seed; /* rnd() is inline, in dt.h */

void dt_group(const char *name) {
  u32 h = 2166136261u; /* FNV-1a of the group name */
  const char *p;
  for (p = name; *p; p++) h = (h ^ (u8)*p) * 16777619u;
  dt_seed = h ? h : 1;
  ln_comment("group", name);
}

/* ---- operand values ------------------------------------------------------ */
static const u8 edge8[] = {0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe, 0x02, 0x7e, 0x81, 0x0f, 0x10, 0xf0};
static const u16 edge16[] = {0x0000, 0x0001, 0x7fff, 0x8000, 0xffff, 0xfffe, 0x007f, 0x0080,
                             0x00ff, 0x0100, 0x7ffe, 0x8001};
static const u32 edge32[] = {0x00000000, 0x00000001, 0x7fffffff, 0x80000000, 0xffffffff,
                             0xfffffffe, 0x0000007f, 0x00000080, 0x000000ff, 0x00007fff,
                             0x00008000, 0x0000ffff, 0x00010000, 0x7ffffffe, 0x80000001};

u32 lane_mask(int lane) { return lane == LD ? 0xffffffffu : lane == LW ? 0xffffu : 0xffu; }
int lane_shift(int lane) { return lane == LH ? 8 : 0; }
int lane_bits(int lane) { return lane == LD ? 32 : lane == LW ? 16 : 8; }

u32 gedge(int lane, unsigned i, unsigned *n) {
  if (lane == LD) {
    *n = NELEM(edge32);
    return edge32[i % NELEM(edge32)];
  }
  if (lane == LW) {
    *n = NELEM(edge16);
    return edge16[i % NELEM(edge16)];
  }
  *n = NELEM(edge8);
  return edge8[i % NELEM(edge8)];
}

u32 gval(int lane) {
  u32 r = rnd(), m = lane_mask(lane), v;
  unsigned n;
  switch (r & 7) {
  case 0:
  case 1: /* an edge value */
    gedge(lane, 0, &n);
    v = gedge(lane, ((r >> 8) & 0xffff) % n, &n);
    break;
  case 2: /* a small value, or a small negative one */
    v = (r >> 8) & 0xf;
    if (r & 0x10000) v = 0u - v;
    break;
  case 3: /* a single bit, or all but one */
    v = 1u << ((r >> 8) & 31);
    if (r & 0x10000) v = ~v;
    break;
  default:
    v = rnd();
    break;
  }
  return v & m;
}

static const u8 counts[] = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10,  11,  12, 13, 14, 15,  16,
                            17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27,  28,  29, 30, 31, 32,  33,
                            34, 40, 48, 63, 64, 65, 95, 96, 127, 128, 129, 191, 224, 225, 254, 255};

u32 gcount(unsigned c) {
  if (c < sizeof(counts)) return counts[c];
  return rnd() & 0xff;
}

u32 gflags(void) { return (rnd() & F_ALL) | 2; }

/* ---- line output: a buffer flushed with rt_puts ------------------------- */
static char line[256];
static int lp;

void ln_str(const char *s) {
  while (*s && lp < (int)sizeof(line) - 2) line[lp++] = *s++;
}

void ln_name(const char *s) {
  char *p = line;
  while (*s) *p++ = *s++; /* names are short */
  lp = p - line;
}

static const char hx[] = "0123456789abcdef";

void ln_hex(u32 v, int digits) {
  char *p;
  if (lp + digits + 1 > (int)sizeof(line) - 2) return;
  line[lp] = ' ';
  lp += digits + 1;
  p = &line[lp];
  switch (digits) { /* unrolled: this is the hottest code of the guest */
  case 8:
    p[-1] = hx[v & 15], p[-2] = hx[(v >> 4) & 15], p[-3] = hx[(v >> 8) & 15];
    p[-4] = hx[(v >> 12) & 15], p[-5] = hx[(v >> 16) & 15], p[-6] = hx[(v >> 20) & 15];
    p[-7] = hx[(v >> 24) & 15], p[-8] = hx[v >> 28];
    break;
  default:
    while (digits--) *--p = hx[v & 15], v >>= 4;
    break;
  }
}

void ln_end(void) {
  line[lp++] = '\n';
  line[lp] = 0;
  rt_puts(line);
  lp = 0;
}

void ln_comment(const char *a, const char *b) {
  ln_name("# ");
  ln_str(a);
  ln_str(": ");
  ln_str(b);
  ln_end();
}

int main(void) {
  rt_puts("# rewind86 difftest v1\n");
  test_alu();
  test_unary();
  test_shift();
  test_bits();
  test_muldiv();
  test_bcd();
  test_move();
  test_string();
  test_stack();
  test_control();
  rt_puts("# end\n");
  rt_exit(0);
}
