/* BT BTS BTR BTC (register, immediate, and memory bit strings with offsets
 * far outside the addressed dword), BSF BSR, BSWAP, SETcc, CMOVcc. */
#include "dt.h"

/* clang-format off */
#define BT(X, op, r32, o32, r16, o16, M) \
  X(op##_rr32, NONE, #op "l %" #o32 ",%" #r32, 32, L2(R_##r32, R_##o32), OUT(op##_w, R_##r32), FM_BT, 0, G_DEF, 32) \
  X(op##_rr16, NONE, #op "w %" #o16 ",%" #r16, 24, L2(R_##r16, R_##o16), OUT(op##_w, R_##r16), FM_BT, 0, G_DEF, 16) \
  X(op##_ri32, BIT, #op "l $\\imm,%" #r32, 3, L1(R_##r32), OUT(op##_w, R_##r32), FM_BT, 1, G_DEF, 32) \
  X(op##_ri16, BIT, #op "w $\\imm,%" #r16, 2, L1(R_##r16), OUT(op##_w, R_##r16), FM_BT, 1, G_DEF, 16) \
  X(op##_mi32, BIT, #op "l $\\imm," M, 2, L1(MD), OUT(op##_w, MEM), FM_BT, 1, G_DEF, 32) \
  X(op##_mi16, BIT, #op "w $\\imm," M, 1, L1(MW), OUT(op##_w, MEM), FM_BT, 1, G_DEF, 16)
enum { bt_w = 0, bts_w = 1, btr_w = 1, btc_w = 1 };

#define BITS_FORMS(X) \
  BT(X, bt, ebx, ecx, ax, si, M1) \
  BT(X, bts, esi, edx, dx, bx, M2) \
  BT(X, btr, edi, eax, bp, cx, M3) \
  BT(X, btc, ecx, ebp, bx, di, M0) \
  /* BSF/BSR: a zero source sets ZF and leaves the destination undefined */ \
  X(bsf_r32, NONE, "bsfl %ecx,%ebx", 64, L2(R_ecx, R_ebx), L1(EBX), FM_BSF, 0, G_BSF, 32) \
  X(bsf_r16, NONE, "bsfw %si,%dx", 48, L2(R_si, R_dx), L1(EDX), FM_BSF, 0, G_BSF, 16) \
  X(bsf_m32, NONE, "bsfl " M1 ",%eax", 16, L2(MD, R_eax), L1(EAX), FM_BSF, 0, G_BSF, 32) \
  X(bsf_m16, NONE, "bsfw " M2 ",%cx", 16, L2(MW, R_cx), L1(ECX), FM_BSF, 0, G_BSF, 16) \
  X(bsr_r32, NONE, "bsrl %edi,%ebp", 64, L2(R_edi, R_ebp), L1(EBP), FM_BSF, 0, G_BSF, 32) \
  X(bsr_r16, NONE, "bsrw %ax,%di", 48, L2(R_ax, R_di), L1(EDI), FM_BSF, 0, G_BSF, 16) \
  X(bsr_m32, NONE, "bsrl " M3 ",%edx", 16, L2(MD, R_edx), L1(EDX), FM_BSF, 0, G_BSF, 32) \
  X(bsr_m16, NONE, "bsrw " M5 ",%bx", 16, L2(MW, R_bx), L1(EBX), FM_BSF, 0, G_BSF, 16) \
  X(bswap_eax, NONE, "bswap %eax", 12, L1(R_eax), L1(EAX), FM_ALL, 0, G_DEF, 32) \
  X(bswap_ecx, NONE, "bswap %ecx", 12, L1(R_ecx), L1(ECX), FM_ALL, 0, G_DEF, 32) \
  X(bswap_edx, NONE, "bswap %edx", 12, L1(R_edx), L1(EDX), FM_ALL, 0, G_DEF, 32) \
  X(bswap_ebx, NONE, "bswap %ebx", 12, L1(R_ebx), L1(EBX), FM_ALL, 0, G_DEF, 32) \
  X(bswap_ebp, NONE, "bswap %ebp", 12, L1(R_ebp), L1(EBP), FM_ALL, 0, G_DEF, 32) \
  X(bswap_esi, NONE, "bswap %esi", 12, L1(R_esi), L1(ESI), FM_ALL, 0, G_DEF, 32) \
  X(bswap_edi, NONE, "bswap %edi", 12, L1(R_edi), L1(EDI), FM_ALL, 0, G_DEF, 32) \
  /* SETcc/CMOVcc: the immediate is the condition code (0 O, 1 NO, 2 B, ... 15 G); \
     setcc_bh runs every condition against all 32 combinations of OF SF ZF PF CF */ \
  X(setcc_bh, CC, ".byte 0x0f,0x90+\\imm,0xc7", 32, L1(R_bh), L1(EBX), FM_ALL, 1, G_CC, 8) \
  X(setcc_cl, CC, ".byte 0x0f,0x90+\\imm,0xc1", 4, L1(R_cl), L1(ECX), FM_ALL, 1, G_CC, 8) \
  X(setcc_m8, CC, ".byte 0x0f,0x90+\\imm,0x05; .long dt_m+8", 3, L1(MB), L1(MEM), FM_ALL, 1, G_CC, 8) \
  X(cmov_r32, CC, ".byte 0x0f,0x40+\\imm,0xd9", 8, L2(R_ebx, R_ecx), L1(EBX), FM_ALL, 1, G_CC, 32) \
  X(cmov_r16, CC, ".byte 0x66,0x0f,0x40+\\imm,0xc6", 6, L2(R_ax, R_si), L1(EAX), FM_ALL, 1, G_CC, 16) \
  X(cmov_m32, CC, ".byte 0x0f,0x40+\\imm,0x15; .long dt_m+8", 4, L2(R_edx, MD), L1(EDX), FM_ALL, 1, G_CC, 32) \
  X(cmov_m16, CC, ".byte 0x66,0x0f,0x40+\\imm,0x46,0x08", 3, L2(R_ax, MW), L1(EAX), FM_ALL, 1, G_CC, 16)
/* clang-format on */

FORM_TABLE(bits_forms, BITS_FORMS)

/* Bit strings in memory: a register bit offset is signed and selects a bit
 * anywhere from base - 2^31 bits to base + 2^31 - 1 (SDM BT, "bit base");
 * 16-bit offsets reach +-4 KiB. The buffer covers +-4 KiB around its middle. */
#define BITBUF_WORDS 2080
u32 dt_bitbuf[BITBUF_WORDS]; /* ESI points at byte 4160, the middle */
#define bitbuf dt_bitbuf
#define dt_bitmid ((u8 *)dt_bitbuf + 4160)

STUB(bts_str_bt32, "btl %ecx,(%esi)")
STUB(bts_str_bts32, "btsl %ecx,8(%esi)")
STUB(bts_str_btr32, "btrl %ecx,-0x10(%esi)")
STUB(bts_str_btc32, "btcl %ecx,dt_bitbuf+4164")
STUB(bts_str_bt16, "btw %cx,2(%esi)")
STUB(bts_str_bts16, "btsw %cx,(%esi)")
STUB(bts_str_btr16, "btrw %cx,-6(%esi)")
STUB(bts_str_btc16, "btcw %cx,dt_bitbuf+4160")

static const struct bitstr {
  const char *name, *text;
  void (*stub)(void);
  s32 disp;
  u8 size, w;
} bitstrs[] = {
    {"bt_str32", "btl %ecx,(%esi)", bts_str_bt32, 0, 32, 0},
    {"bts_str32", "btsl %ecx,8(%esi)", bts_str_bts32, 8, 32, 1},
    {"btr_str32", "btrl %ecx,-0x10(%esi)", bts_str_btr32, -16, 32, 1},
    {"btc_str32", "btcl %ecx,dt_bitbuf+4164", bts_str_btc32, 4, 32, 1},
    {"bt_str16", "btw %cx,2(%esi)", bts_str_bt16, 2, 16, 0},
    {"bts_str16", "btsw %cx,(%esi)", bts_str_bts16, 0, 16, 1},
    {"btr_str16", "btrw %cx,-6(%esi)", bts_str_btr16, -6, 16, 1},
    {"btc_str16", "btcw %cx,dt_bitbuf+4160", bts_str_btc16, 0, 16, 1},
};

static const s32 bitoffs[] = {0, 1, 31, 32, 33, -1, -2, -31, -32, -33, 63, 64, -64, -65, 4095, -4096};

static u32 rd32(const u8 *p) { return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24; }

static void test_bitstrings(void) {
  unsigned i, c;
  u32 sum = 0;
  struct st in, out;
  for (i = 0; i < BITBUF_WORDS; i++) bitbuf[i] = rnd();
  for (i = 0; i < NELEM(bitstrs); i++) {
    const struct bitstr *b = &bitstrs[i];
    ln_comment(b->name, b->text);
    dt_target = (void *)b->stub;
    for (c = 0; c < 40; c++) {
      s32 off;
      const u8 *p;
      for (int j = 0; j < 8; j++) in.r[j] = rnd();
      in.r[ESP] = 0;
      in.r[ESI] = (u32)dt_bitmid;
      in.fl = gflags();
      if (b->size == 32) {
        off = c < NELEM(bitoffs) ? bitoffs[c] : (s32)(rnd() % 64000) - 32000;
        in.r[ECX] = (u32)off;
        p = dt_bitmid + b->disp + 4 * (off >> 5);
      } else {
        off = c < NELEM(bitoffs) ? bitoffs[c] : (s16)rnd();
        in.r[ECX] = (in.r[ECX] & 0xffff0000u) | ((u32)off & 0xffff);
        p = dt_bitmid + b->disp + 2 * ((s16)off >> 4);
      }
      ln_name(b->name);
      ln_hex(in.r[ECX], 8);
      ln_hex(b->size == 32 ? rd32(p) : rd32(p) & 0xffff, b->size / 4);
      ln_hex(in.fl, 3);
      ln_str(" :");
      out = in;
      dt_exec(&out);
      ln_hex(b->size == 32 ? rd32(p) : rd32(p) & 0xffff, b->size / 4);
      ln_hex(out.fl & (F_CF | F_ZF | F_DF), 3);
      print_regs_changed(&in, &out, 0);
      ln_end();
    }
  }
  for (i = 0; i < BITBUF_WORDS; i++) sum = (sum ^ bitbuf[i]) * 0x01000193u + i;
  ln_name("bt_str_checksum");
  ln_hex(sum, 8);
  ln_end();
}

void test_bits(void) {
  dt_group("bits");
  run_forms(bits_forms, NELEM(bits_forms));
  dt_group("bitstring");
  test_bitstrings();
}
