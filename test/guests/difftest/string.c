/* MOVS CMPS STOS LODS SCAS at 1/2/4 bytes, without prefix and with
 * REP / REPE / REPNE, DF = 0 and DF = 1, counts 0..5 and random up to 47,
 * overlapping MOVS. Reported: ECX, ESI and EDI as offsets from the buffer,
 * EAX, EFLAGS, and a checksum of the buffer after instructions that write. */
#include "dt.h"

#define SB_SIZE 512
u32 dt_sbuf[SB_SIZE / 4];
#define sb ((u8 *)dt_sbuf)

enum { S_MOVS, S_CMPS, S_STOS, S_LODS, S_SCAS };
enum { P_NONE, P_REP, P_REPNE };

/* clang-format off */
#define STR_SIZES(X, op, P, pfx, ...) \
  X(op##b##P, pfx #op "b" __VA_ARGS__, S_##op, 1) \
  X(op##w##P, pfx #op "w" __VA_ARGS__, S_##op, 2) \
  X(op##l##P, pfx #op "l" __VA_ARGS__, S_##op, 4)
#define STR_FORMS(X) \
  STR_SIZES(X, MOVS, , "") STR_SIZES(X, MOVS, _rep, "rep ") \
  STR_SIZES(X, STOS, , "") STR_SIZES(X, STOS, _rep, "rep ") \
  STR_SIZES(X, LODS, , "") STR_SIZES(X, LODS, _rep, "rep ") \
  STR_SIZES(X, CMPS, , "") STR_SIZES(X, CMPS, _repe, "repe ") STR_SIZES(X, CMPS, _repne, "repne ") \
  STR_SIZES(X, SCAS, , "") STR_SIZES(X, SCAS, _repe, "repe ") STR_SIZES(X, SCAS, _repne, "repne ") \
  /* segment override on the source operand (SS: flat in both builds) */ \
  X(MOVSb_rep_ss, "rep movsb %ss:(%esi),%es:(%edi)", S_MOVS, 1) \
  X(LODSl_ss, "lodsl %ss:(%esi),%eax", S_LODS, 4) \
  X(CMPSw_repe_ss, "repe cmpsw %es:(%edi),%ss:(%esi)", S_CMPS, 2)
/* clang-format on */

#define S_STUB(name, text, op, size) STUB(sstub_##name, text)
#define S_ENTRY(name, text, op, size) {#name, text, sstub_##name, op, size},
STR_FORMS(S_STUB)

static const struct sform {
  const char *name, *text;
  void (*stub)(void);
  u8 op, size;
} sforms[] = {STR_FORMS(S_ENTRY)};

static int prefix_of(const char *text) {
  if (text[0] == 'r' && text[3] == 'n') return P_REPNE;
  if (text[0] == 'r') return P_REP;
  return P_NONE;
}

static void lower_name(char *d, const char *s) {
  while (*s) {
    char ch = *s++;
    *d++ = ch >= 'A' && ch <= 'Z' ? ch + 32 : ch;
  }
  *d = 0;
}

/* Offset of element k from a start offset, in the direction DF selects. */
static int elem(int start, int k, int size, int df) { return df ? start - k * size : start + k * size; }

static void put(int off, int size, u32 v) {
  int i;
  for (i = 0; i < size; i++) sb[off + i] = (u8)(v >> (8 * i));
}

static u32 get(int off, int size) {
  u32 v = 0;
  int i;
  for (i = size - 1; i >= 0; i--) v = v << 8 | sb[off + i];
  return v;
}

static u32 sbuf_sum(void) {
  u32 h = 0x811c9dc5u;
  int i;
  for (i = 0; i < SB_SIZE / 4; i++) h = (h ^ dt_sbuf[i]) * 0x01000193u;
  return h;
}

static void run_sform(const struct sform *f) {
  char name[24];
  int pfx = prefix_of(f->text), df, c, i, n;
  int writes = f->op == S_MOVS || f->op == S_STOS;
  int uses_si = f->op != S_STOS && f->op != S_SCAS, uses_di = f->op != S_LODS;
  u32 vmask = f->size == 4 ? 0xffffffffu : (1u << (8 * f->size)) - 1, outmask;
  struct st in, out;

  lower_name(name, f->name);
  ln_comment(name, f->text);
  dt_target = (void *)f->stub;
  outmask = 1u << ECX | 1u << ESI | 1u << EDI | (f->op == S_LODS ? 1u << EAX : 0);
  for (i = 0; i < SB_SIZE / 4; i++) dt_sbuf[i] = rnd();
  n = pfx == P_NONE ? 8 : f->op == S_LODS ? 10 : 16;
  for (i = 0; f->text[i]; i++)
    if (f->text[i] == '%' && f->text[i + 1] == 's' && f->text[i + 2] == 's') n = 8; /* SS variants */
  for (df = 0; df < 2; df++) {
    for (c = 0; c < n; c++) {
      int count = c < 6 ? c : (int)(rnd() % 48), so, dof, k;
      int span = (count ? count - 1 : 0) * f->size;
      for (i = 0; i < 8; i++) in.r[i] = rnd();
      in.r[ESP] = 0;
      in.fl = (gflags() & ~F_DF) | (df ? F_DF : 0);
      if (df) {
        so = 8 + span + (int)(rnd() % (u32)(SB_SIZE - 16 - span - f->size));
        dof = 8 + span + (int)(rnd() % (u32)(SB_SIZE - 16 - span - f->size));
      } else {
        so = 8 + (int)(rnd() % (u32)(SB_SIZE - 16 - span - f->size));
        dof = 8 + (int)(rnd() % (u32)(SB_SIZE - 16 - span - f->size));
      }
      if (f->op == S_MOVS && (c & 3) == 3) { /* overlapping source and destination */
        int d = (int)(rnd() % 9) - 4;
        if (dof = so + d, dof < 8 + (df ? span : 0) || dof + (df ? 0 : span) + f->size > SB_SIZE - 8)
          dof = so;
      }
      if (pfx == P_NONE) count = (int)rnd(); /* ECX must not matter */
      in.r[ECX] = (u32)count;
      in.r[ESI] = (u32)(sb + so);
      in.r[EDI] = (u32)(sb + dof);
      k = pfx == P_NONE ? 0 : count ? (int)(rnd() % (u32)count) : 0; /* element to differ/match */
      if (f->op == S_CMPS) {
        int m = pfx == P_NONE ? 1 : count;
        for (i = 0; i < m; i++) /* equal elements ... */
          put(elem(dof, i, f->size, df), f->size, get(elem(so, i, f->size, df), f->size));
        if (pfx == P_REPNE) /* ... or all different but one */
          for (i = 0; i < m; i++)
            if (i != k || (c & 1)) sb[elem(dof, i, f->size, df)] ^= 0x5a;
        if (pfx != P_REPNE && (c & 1)) sb[elem(dof, k, f->size, df) + (int)(rnd() % f->size)] ^= 0x24;
      } else if (f->op == S_SCAS) {
        int m = pfx == P_NONE ? 1 : count;
        u32 v = rnd() & vmask;
        in.r[EAX] = (in.r[EAX] & ~vmask) | v;
        if (pfx == P_REPNE) {
          for (i = 0; i < m; i++)
            if ((get(elem(dof, i, f->size, df), f->size) ^ v) == 0) sb[elem(dof, i, f->size, df)] ^= 0x81;
          if (!(c & 1)) put(elem(dof, k, f->size, df), f->size, v);
        } else {
          for (i = 0; i < m; i++) put(elem(dof, i, f->size, df), f->size, v);
          if (c & 1) sb[elem(dof, k, f->size, df) + (int)(rnd() % f->size)] ^= 0x42;
        }
      }
      ln_name(name);
      ln_hex(df, 1);
      ln_hex(in.r[ECX], 8);
      ln_hex(uses_si ? (u32)so : 0, 3);
      ln_hex(uses_di ? (u32)dof : 0, 3);
      if (f->op != S_MOVS && f->op != S_CMPS) ln_hex(in.r[EAX], 8);
      ln_hex(in.fl, 3);
      ln_str(" :");
      out = in;
      dt_exec(&out);
      ln_hex(out.r[ECX], 8);
      ln_hex(out.r[ESI] - (u32)sb, 8);
      ln_hex(out.r[EDI] - (u32)sb, 8);
      if (f->op == S_LODS) ln_hex(out.r[EAX], 8);
      if (writes) ln_hex(sbuf_sum(), 8);
      ln_hex(out.fl & F_ALL, 3);
      print_regs_changed(&in, &out, outmask);
      ln_end();
    }
  }
}

void test_string(void) {
  int i;
  dt_group("string");
  for (i = 0; i < NELEM(sforms); i++) run_sform(&sforms[i]);
}
