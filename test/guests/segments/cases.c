/* The checks of the segments guest, in the order they run. Each runs one
 * routine of access.S and compares what happened (the exception, its error
 * code and saved EIP, registers, memory) with the Intel SDM.
 *
 * Names: <segment>.<routine>@<offset> for single accesses, where segment is
 *   up      expand-up, limit 0xfff (G=0)          (SEL_UP)
 *   up-g    expand-up, limit 0 with G=1 = 0xfff    (SEL_UP_G)
 *   down32  expand-down, limit 0xfff, B=1: valid 0x1000..0xffffffff (SEL_DN32)
 *   down16  expand-down, limit 0xfff, B=0: valid 0x1000..0xffff     (SEL_DN16)
 *   down-g  expand-down, limit 0 with G=1, B=1: valid 0x1000..      (SEL_DN_G)
 *   ssdn    expand-down, base 0, G=1, B=1: valid ss_area+0x1000..   (SEL_SSDN)
 *   ro      read-only data, limit 0xffff; code-r: execute/read code,
 *           limit 0xffff; code-xo: execute-only code (flat); null: selector 0
 * and keys: vec (none: no exception), err, eip (label of the instruction),
 * val (what a read returned), mem (the dword at the offset afterwards: a
 * faulting write must leave it unchanged), stray (bytes within 8 of the
 * access that changed outside it).
 */
#include "rt.h"
#include "segments.h"

/* ---------------- the memory pattern ---------------- */

/* A byte per linear address, never 0 (the string checks count written
 * bytes as non-zero ones in a cleared window). */
static u8 pat(u32 lin)
{
    u8 v = (u8)((lin * 0x9e3779b1u) >> 24);
    return v ? v : 0x5a;
}

static int in_test_mem(u32 lin)
{
    return lin - (u32)arena < ARENA_SIZE || lin - (u32)ss_area < SS_AREA;
}

static void fill(void)
{
    for (u32 i = 0; i < ARENA_SIZE; i++)
        arena[i] = pat((u32)&arena[i]);
    for (u32 i = 0; i < SS_AREA; i++)
        ss_area[i] = pat((u32)&ss_area[i]);
}

static u8 peek(u32 lin) { return *(volatile u8 *)lin; }

static u32 pat_le(u32 lin, u32 size)
{
    u32 v = 0;
    for (u32 b = 0; b < size; b++)
        v |= (u32)pat(lin + b) << (8 * b);
    return v;
}

static u32 mem_le(u32 lin, u32 size)
{
    u32 v = 0;
    for (u32 b = 0; b < size; b++)
        v |= (u32)peek(lin + b) << (8 * b);
    return v;
}

static u32 size_mask(u32 size) { return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1; }

/* ---------------- single accesses ---------------- */

enum { RD, WR, RMW };
struct opinfo { const char *name, *at_name; op_fn *fn; const char *at; u8 size, kind; };
#define OPI(x, sz, k) { #x, "at_" #x, x, at_##x, sz, k }

enum {
    DS_RD1, DS_RD2, DS_RD4, DS_WR1, DS_WR2, DS_WR4, DS_RMW4, DS_EBP_RD4, DS_RD4_XD, DS_WR4_XD,
    ES_RD1, ES_RD4, ES_WR1, ES_WR4, FS_RD1, FS_RD4, FS_WR4, GS_RD1, GS_RD4, GS_WR4,
    SS_RD1, SS_RD2, SS_RD4, SS_WR1, SS_WR2, SS_WR4, SS_EBP_RD4, SS_DS_EBP_RD4, SS_LODS4,
};
static const struct opinfo ops[] = {
    [DS_RD1] = OPI(ds_rd1, 1, RD), [DS_RD2] = OPI(ds_rd2, 2, RD), [DS_RD4] = OPI(ds_rd4, 4, RD),
    [DS_WR1] = OPI(ds_wr1, 1, WR), [DS_WR2] = OPI(ds_wr2, 2, WR), [DS_WR4] = OPI(ds_wr4, 4, WR),
    [DS_RMW4] = OPI(ds_rmw4, 4, RMW), [DS_EBP_RD4] = OPI(ds_ebp_rd4, 4, RD),
    [DS_RD4_XD] = OPI(ds_rd4_xd, 4, RD), [DS_WR4_XD] = OPI(ds_wr4_xd, 4, WR),
    [ES_RD1] = OPI(es_rd1, 1, RD), [ES_RD4] = OPI(es_rd4, 4, RD),
    [ES_WR1] = OPI(es_wr1, 1, WR), [ES_WR4] = OPI(es_wr4, 4, WR),
    [FS_RD1] = OPI(fs_rd1, 1, RD), [FS_RD4] = OPI(fs_rd4, 4, RD), [FS_WR4] = OPI(fs_wr4, 4, WR),
    [GS_RD1] = OPI(gs_rd1, 1, RD), [GS_RD4] = OPI(gs_rd4, 4, RD), [GS_WR4] = OPI(gs_wr4, 4, WR),
    [SS_RD1] = OPI(ss_rd1, 1, RD), [SS_RD2] = OPI(ss_rd2, 2, RD), [SS_RD4] = OPI(ss_rd4, 4, RD),
    [SS_WR1] = OPI(ss_wr1, 1, WR), [SS_WR2] = OPI(ss_wr2, 2, WR), [SS_WR4] = OPI(ss_wr4, 4, WR),
    [SS_EBP_RD4] = OPI(ss_ebp_rd4, 4, RD), [SS_DS_EBP_RD4] = OPI(ss_ds_ebp_rd4, 4, RD),
    [SS_LODS4] = OPI(ss_lods4, 4, RD),
};

/* Offsets in names: hex, or sym+0x.. while off_sym is set. */
static const char *off_sym;
static u32 off_base;
static int check_saved_ss;      /* #SS through the task gate: also the saved SS */

static void name_off(u32 off)
{
    if (off_sym && off >= off_base) {
        name_str(off_sym);
        name_str("+");
        name_hex(off - off_base);
    } else {
        name_hex(off);
    }
}

/* Bytes in [lin-8, lin+size+8) outside [lin, lin+size) that no longer hold
 * the pattern. */
static u32 stray(u32 lin, u32 size)
{
    u32 n = 0;
    for (u32 a = lin - 8; a != lin + size + 8; a++)
        if ((a - lin >= size) && in_test_mem(a) && peek(a) != pat(a))
            n++;
    return n;
}

static void refresh(u32 lin)
{
    for (u32 a = lin - 8; a != lin + 12; a++)
        if (in_test_mem(a))
            *(volatile u8 *)a = pat(a);
}

/* One access by ops[opx] through selector sel (segment base `base`) at
 * offset off: no exception (vec = NO_VEC), or vec with error code 0 at the
 * access itself. */
static void acc(const char *seg, u32 sel, u32 base, int opx, u32 off, u32 vec)
{
    const struct opinfo *o = &ops[opx];
    u32 lin = base + off;
    u32 val = 0xc3d2e1f0u ^ (off << 4);
    refresh(lin);
    arm();
    u32 r = o->fn(sel, off, val);
    begin(seg);
    name_str(".");
    name_str(o->name);
    name_str("@");
    name_off(off);
    want_exc(vec, 0, o->at_name, o->at);
    if (vec != NO_VEC)
        limit_class();
    if (vec != NO_VEC && check_saved_ss && exc_count)
        want_x("ss", sel, exc.ss);
    if (o->kind == RD && vec == NO_VEC)
        want_x("val", pat_le(lin, o->size), r);
    if (o->kind != RD && in_test_mem(lin)) {
        u32 old = pat_le(lin, 4), want = old;
        if (vec == NO_VEC) {
            u32 m = size_mask(o->size), nv = o->kind == WR ? val : old + val;
            want = (old & ~m) | (nv & m);
        }
        want_x("mem", want, mem_le(lin, 4));
    }
    want_u("stray", 0, stray(lin, o->size));
    end();
}

/* ---------------- 1: expand-up data segments ---------------- */

static const int RD_OPS[3] = { DS_RD1, DS_RD2, DS_RD4 }, WR_OPS[3] = { DS_WR1, DS_WR2, DS_WR4 };

void run_expand_up_checks(void)
{
    static const struct { const char *n; u32 sel; } segs[] = { { "up", SEL_UP }, { "up-g", SEL_UP_G } };
    fill();
    /* Vol. 3A 5.3: offsets 0..limit; every byte of an access must lie
     * within; the limit of a G=1 segment is (limit << 12) | 0xfff. */
    for (u32 s = 0; s < 2; s++)
        for (int w = 0; w < 2; w++)
            for (int i = 0; i < 3; i++) {
                int op = w ? WR_OPS[i] : RD_OPS[i];
                u32 sz = ops[op].size;
                acc(segs[s].n, segs[s].sel, BASE_A, op, 0x1000 - sz, NO_VEC);     /* last bytes */
                for (u32 k = 1; k < sz; k++)
                    acc(segs[s].n, segs[s].sel, BASE_A, op, 0x1000 - sz + k, VEC_GP);   /* straddling */
                acc(segs[s].n, segs[s].sel, BASE_A, op, 0x1000, VEC_GP);          /* limit + 1 */
            }
    acc("up", SEL_UP, BASE_A, DS_RD1, 0, NO_VEC);
    acc("up", SEL_UP, BASE_A, DS_RD4, 0xfffffffe, VEC_GP);     /* offset + 3 wraps to 1 */
    acc("up", SEL_UP, BASE_A, DS_RD1, 0xffffffff, VEC_GP);
    acc("up", SEL_UP, BASE_A, DS_RMW4, 0xffc, NO_VEC);
    acc("up", SEL_UP, BASE_A, DS_RMW4, 0xffe, VEC_GP);
    acc("up", SEL_UP, BASE_A, ES_RD1, 0xfff, NO_VEC);
    acc("up", SEL_UP, BASE_A, ES_RD1, 0x1000, VEC_GP);
    acc("up", SEL_UP, BASE_A, ES_WR4, 0xffc, NO_VEC);
    acc("up", SEL_UP, BASE_A, ES_WR4, 0xffd, VEC_GP);
    acc("up", SEL_UP, BASE_A, FS_RD4, 0xffc, NO_VEC);
    acc("up", SEL_UP, BASE_A, FS_RD4, 0xffe, VEC_GP);
    acc("up", SEL_UP, BASE_A, FS_WR4, 0x1000, VEC_GP);
    acc("up", SEL_UP, BASE_A, GS_RD1, 0xfff, NO_VEC);
    acc("up", SEL_UP, BASE_A, GS_WR4, 0xfff, VEC_GP);
    acc("up-g", SEL_UP_G, BASE_A, GS_RD4, 0x1000, VEC_GP);
    /* The same through DS with FS holding an expand-down segment. */
    acc("up", SEL_UP, BASE_A, DS_RD4_XD, 0xffc, NO_VEC);
    acc("up", SEL_UP, BASE_A, DS_RD4_XD, 0xffd, VEC_GP);
    acc("up", SEL_UP, BASE_A, DS_RD4_XD, 0x1000, VEC_GP);
    acc("up", SEL_UP, BASE_A, DS_WR4_XD, 0xffc, NO_VEC);
    acc("up", SEL_UP, BASE_A, DS_WR4_XD, 0xfff, VEC_GP);
}

/* ---------------- 2: expand-down data segments ---------------- */

void run_expand_down_checks(void)
{
    fill();
    /* Vol. 3A 5.3: valid offsets limit+1 .. 0xffffffff (B=1) or 0xffff
     * (B=0); every byte of an access must lie within. */
    for (int w = 0; w < 2; w++)
        for (int i = 0; i < 3; i++) {
            int op = w ? WR_OPS[i] : RD_OPS[i];
            u32 sz = ops[op].size;
            acc("down32", SEL_DN32, BASE_A, op, 0x1000, NO_VEC);             /* limit + 1 */
            for (u32 k = 1; k < sz; k++)
                acc("down32", SEL_DN32, BASE_A, op, 0x1000 - k, VEC_GP);     /* straddling the limit */
            acc("down32", SEL_DN32, BASE_A, op, 0x1000 - sz, VEC_GP);        /* ending at the limit */
            acc("down32", SEL_DN32, BASE_A, op, 0 - sz, NO_VEC);             /* ending at 0xffffffff */
        }
    acc("down32", SEL_DN32, BASE_A, DS_RD1, 0, VEC_GP);
    acc("down32", SEL_DN32, BASE_A, DS_RD1, 0x800, VEC_GP);
    acc("down32", SEL_DN32, BASE_A, DS_RD4, 0xfffffffe, VEC_GP);   /* runs past 0xffffffff into 0..1 */
    acc("down32", SEL_DN32, BASE_A, DS_RMW4, 0x1000, NO_VEC);
    acc("down32", SEL_DN32, BASE_A, DS_RMW4, 0xffe, VEC_GP);
    acc("down32", SEL_DN32, BASE_A, ES_RD1, 0xfff, VEC_GP);
    acc("down32", SEL_DN32, BASE_A, ES_WR4, 0xfffffffc, NO_VEC);
    acc("down32", SEL_DN32, BASE_A, FS_WR4, 0xffe, VEC_GP);
    acc("down32", SEL_DN32, BASE_A, FS_RD1, 0x1000, NO_VEC);
    acc("down32", SEL_DN32, BASE_A, GS_RD4, 0x1000, NO_VEC);
    acc("down32", SEL_DN32, BASE_A, GS_RD4, 0xfff, VEC_GP);

    for (int w = 0; w < 2; w++)
        for (int i = 0; i < 3; i++) {
            int op = w ? WR_OPS[i] : RD_OPS[i];
            u32 sz = ops[op].size;
            acc("down16", SEL_DN16, BASE_A, op, 0x1000, NO_VEC);
            acc("down16", SEL_DN16, BASE_A, op, 0xfff, VEC_GP);              /* at or straddling the limit */
            acc("down16", SEL_DN16, BASE_A, op, 0x10000 - sz, NO_VEC);       /* ending at 0xffff */
            if (sz > 1)
                acc("down16", SEL_DN16, BASE_A, op, 0x10000 - sz + 1, VEC_GP);   /* past 0xffff */
            acc("down16", SEL_DN16, BASE_A, op, 0x10000, VEC_GP);
        }
    acc("down16", SEL_DN16, BASE_A, DS_RD1, 0x8000, NO_VEC);
    acc("down16", SEL_DN16, BASE_A, DS_RD4, 0xfffffffc, VEC_GP);   /* valid with B=1, not with B=0 */
    acc("down16", SEL_DN16, BASE_A, DS_RD4, 0xffe, VEC_GP);
    acc("down16", SEL_DN16, BASE_A, ES_WR4, 0xfffd, VEC_GP);
    acc("down16", SEL_DN16, BASE_A, FS_RD1, 0xffff, NO_VEC);

    acc("down-g", SEL_DN_G, BASE_A, DS_RD1, 0x1000, NO_VEC);
    acc("down-g", SEL_DN_G, BASE_A, DS_RD1, 0xfff, VEC_GP);
    acc("down-g", SEL_DN_G, BASE_A, DS_RD4, 0xffe, VEC_GP);
    acc("down-g", SEL_DN_G, BASE_A, DS_WR4, 0x1000, NO_VEC);
    acc("down-g", SEL_DN_G, BASE_A, DS_WR2, 0xfff, VEC_GP);
    acc("down-g", SEL_DN_G, BASE_A, DS_RD4, 0xfffffffc, NO_VEC);
}

/* ---------------- 3: stack segments ---------------- */

/* A stack operation on SS = SEL_SSDN with ESP = esp. */
static void stk_run(stk_fn *fn, u32 esp)
{
    fill();
    ss_esp = esp;
    arm();
    fn();
}

static void stk_name(const char *what, u32 esp)
{
    begin("ssdn.");
    name_str(what);
    name_str("@esp=ss_area+");
    name_hex(esp - (u32)ss_area);
}

/* #SS(0) at at, with ESP and EBP as they were before the instruction. */
static void stk_want_fault(const char *atn, const char *at, u32 esp)
{
    want_exc(VEC_SS, 0, atn, at);
    limit_class();
    if (!exc_count)
        return;
    want_off("esp", "ss_area", (u32)ss_area, esp, exc.esp);
    want_x("ebp", 0x0eb90eb9, exc.ebp);
    want_x("ss", SEL_SSDN, exc.ss);
}

#define STK_FAULT(x) stk_want_fault("at_" #x, at_##x, esp)
#define STK_NONE(x) want_exc(NO_VEC, 0, "at_" #x, at_##x)

void run_stack_segment_checks(void)
{
    const u32 L = SSDN_LIMIT, A = (u32)ss_area;
    fill();

    /* Explicit SS accesses, EBP-based and LODS with an SS override, with
     * #SS through the interrupt gate: the frame goes onto ss_area's upper
     * pages, which lie inside the segment. */
    ss_esp = A + SS_AREA - 16;
    off_sym = "ss_area";
    off_base = A;
    acc("ssdn", SEL_SSDN, 0, SS_RD1, L + 1, NO_VEC);
    acc("ssdn", SEL_SSDN, 0, SS_RD4, L + 1, NO_VEC);
    acc("ssdn", SEL_SSDN, 0, SS_WR2, L + 1, NO_VEC);
    acc("ssdn", SEL_SSDN, 0, SS_WR4, L + 1, NO_VEC);
    acc("ssdn", SEL_SSDN, 0, SS_RD1, L, VEC_SS);
    acc("ssdn", SEL_SSDN, 0, SS_RD2, L, VEC_SS);
    acc("ssdn", SEL_SSDN, 0, SS_RD4, L - 2, VEC_SS);
    acc("ssdn", SEL_SSDN, 0, SS_RD4, L - 3, VEC_SS);
    acc("ssdn", SEL_SSDN, 0, SS_WR1, L, VEC_SS);
    acc("ssdn", SEL_SSDN, 0, SS_WR2, L, VEC_SS);
    acc("ssdn", SEL_SSDN, 0, SS_WR4, L - 1, VEC_SS);
    acc("ssdn", SEL_SSDN, 0, SS_EBP_RD4, L + 1, NO_VEC);
    acc("ssdn", SEL_SSDN, 0, SS_EBP_RD4, L - 3, VEC_SS);       /* [EBP] is an SS access */
    acc("ssdn", SEL_SSDN, 0, SS_DS_EBP_RD4, L - 3, NO_VEC);    /* DS: (flat) is not */
    acc("ssdn", SEL_SSDN, 0, SS_LODS4, L + 1, NO_VEC);
    acc("ssdn", SEL_SSDN, 0, SS_LODS4, L - 1, VEC_SS);
    off_sym = 0;

    /* From here #SS goes through a task gate: the CPU saves the faulting
     * state in tss_main and does not push onto the faulting stack. */
    ss_gate_task(1);

    /* The mechanism itself, with a fault QEMU raises too: MOV SS with a
     * not-present segment is #SS(selector) (vol. 2, MOV). */
    ss_esp = 0;
    arm();
    load_ss(SEL_NP, 0, 0);
    begin("taskgate.mov-ss-not-present");
    want_exc(VEC_SS, SEL_NP, "at_load_ss", at_load_ss);
    want_x("esp", trig_esp, exc.esp);
    want_x("ss", SEL_KDATA, exc.ss);
    want_x("link", SEL_TSS, exc_count ? tss_ss.link : 0);
    end();

    check_saved_ss = 1;
    ss_esp = 0xff00;
    acc("down16", SEL_DN16, BASE_A, SS_RD4, 0x1000, NO_VEC);
    acc("down16", SEL_DN16, BASE_A, SS_RD4, 0xfffc, NO_VEC);
    acc("down16", SEL_DN16, BASE_A, SS_WR1, 0xffff, NO_VEC);
    acc("down16", SEL_DN16, BASE_A, SS_RD2, 0xffff, VEC_SS);
    acc("down16", SEL_DN16, BASE_A, SS_RD1, 0x10000, VEC_SS);
    acc("down16", SEL_DN16, BASE_A, SS_RD1, 0xfff, VEC_SS);
    acc("down16", SEL_DN16, BASE_A, SS_WR4, 0xffe, VEC_SS);
    ss_esp = 0xf00;
    acc("up", SEL_UP, BASE_A, SS_RD4, 0xffc, NO_VEC);
    acc("up", SEL_UP, BASE_A, SS_RD4, 0xffd, VEC_SS);
    acc("up", SEL_UP, BASE_A, SS_WR1, 0x1000, VEC_SS);
    check_saved_ss = 0;

    /* Stack operations at the bottom of the expand-down stack segment
     * (vol. 2 PUSH, CALL, PUSHA, ENTER: #SS(0) if a new stack address or
     * the new ESP is outside the segment's limit). */
    u32 esp;
    esp = L + 9;                            /* two pushes fit, then ESP = limit + 1 */
    stk_run(k_push3, esp);
    stk_name("push,push,push", esp);
    stk_want_fault("at_k_push3", at_k_push3, L + 1);
    want_x("mem+4", 0x11111111, mem_le(L + 5, 4));
    want_x("mem", 0x22222222, mem_le(L + 1, 4));
    want_x("mem-4", pat_le(L - 3, 4), mem_le(L - 3, 4));
    end();

    esp = L + 5;
    stk_run(k_push, esp);
    stk_name("push", esp);
    STK_NONE(k_push);
    want_off("esp.after", "ss_area", A, L + 1, sres[0]);
    want_x("mem", 0x44444444, mem_le(L + 1, 4));
    end();

    esp = L + 4;                            /* would write limit..limit+3 */
    stk_run(k_push, esp);
    stk_name("push", esp);
    STK_FAULT(k_push);
    want_x("mem", pat_le(L, 4), mem_le(L, 4));
    end();

    esp = L + 3;                            /* would write limit-1..limit+2: no partial write */
    stk_run(k_push, esp);
    stk_name("push", esp);
    STK_FAULT(k_push);
    want_x("mem", pat_le(L - 1, 4), mem_le(L - 1, 4));
    end();

    esp = L + 3;
    stk_run(k_pushw, esp);
    stk_name("pushw", esp);
    STK_NONE(k_pushw);
    want_off("esp.after", "ss_area", A, L + 1, sres[0]);
    want_x("mem", 0x5555, mem_le(L + 1, 2));
    end();

    esp = L + 2;
    stk_run(k_pushw, esp);
    stk_name("pushw", esp);
    STK_FAULT(k_pushw);
    want_x("mem", pat_le(L, 2), mem_le(L, 2));
    end();

    esp = L + 4;
    stk_run(k_call, esp);
    stk_name("call", esp);
    STK_FAULT(k_call);
    end();

    esp = L + 33;
    stk_run(k_pushal, esp);
    stk_name("pushal", esp);
    STK_NONE(k_pushal);
    want_off("esp.after", "ss_area", A, L + 1, sres[0]);
    want_x("mem.eax", 0x0ea90ea9, mem_le(L + 29, 4));
    want_off("mem.esp", "ss_area", A, L + 33, mem_le(L + 13, 4));
    want_x("mem.ebp", 0x0eb90eb9, mem_le(L + 9, 4));
    end();

    esp = L + 29;                           /* the last of 8 dwords would be at limit-3 */
    stk_run(k_pushal, esp);
    stk_name("pushal", esp);
    STK_FAULT(k_pushal);
    end();

    esp = L + 13;                           /* push EBP, then ESP = limit + 1 */
    stk_run(k_enter, esp);
    stk_name("enter-8", esp);
    STK_NONE(k_enter);
    want_off("esp.after", "ss_area", A, L + 1, sres[0]);
    want_off("ebp.after", "ss_area", A, L + 9, sres[1]);
    want_x("mem", 0x0eb90eb9, mem_le(L + 9, 4));
    end();

    esp = L + 9;                            /* push EBP fits, the new ESP (limit-3) does not */
    stk_run(k_enter, esp);
    stk_name("enter-8", esp);
    STK_FAULT(k_enter);
    end();

    esp = L + 1;
    stk_run(k_pop, esp);
    stk_name("pop", esp);
    STK_NONE(k_pop);
    want_off("esp.after", "ss_area", A, L + 5, sres[0]);
    want_x("eax", pat_le(L + 1, 4), sres[2]);
    end();

    ss_gate_task(0);
}

/* ---------------- 4: string instructions ---------------- */

enum { MOVS, STOS, LODS, SCAS, CMPS };
struct strcase {
    const char *name;
    str_fn *fn;
    const char *at_name, *at;
    u8 kind, size, rep;
    struct sargs a;             /* df fs es ecx esi edi eax ds */
    u32 vec, k;                 /* the exception; elements done before it */
    u32 restart_sreg, restart_sel;
};
#define SF(x) x, "at_" #x, at_##x
#define KD SEL_KDATA

static u32 sel_base(u32 sel)
{
    switch (sel) {
    case SEL_UP: case SEL_UP_G: case SEL_DN32: case SEL_DN16: case SEL_DN_G:
    case SEL_RO: case SEL_CODE_R: case SEL_BIG:
        return BASE_A;
    case SEL_UP_B: case SEL_BIG_B:
        return BASE_B;
    default:
        return 0;
    }
}

/* The byte at lin of the destination after n elements (0: untouched; the
 * window is cleared first). */
static u8 str_expect(const struct strcase *c, u32 lin, u32 n)
{
    u32 sz = c->size, src = (c->fn == s_rep_movsb_fs ? sel_base(c->a.fs) : sel_base(c->a.ds)) + c->a.esi;
    u32 dst = sel_base(c->a.es) + c->a.edi;
    for (u32 i = 0; i < n; i++) {
        u32 step = c->a.df ? 0 - i * sz : i * sz;
        if (lin - (dst + step) < sz) {
            u32 b = lin - (dst + step);
            return c->kind == MOVS ? pat(src + step + b) : (u8)(c->a.eax >> (8 * b));
        }
    }
    return 0;
}

static void str_window(const struct strcase *c, u32 *lo, u32 *hi)
{
    u32 span = (c->rep ? c->a.ecx : 1) * c->size;
    u32 dst = sel_base(c->a.es) + c->a.edi;
    *lo = dst - 16 - (c->a.df ? span : 0);
    *hi = dst + 16 + c->size + (c->a.df ? 0 : span);
}

/* Written bytes (non-zero) and bytes that differ from n elements done. */
static void str_mem(const struct strcase *c, u32 n, u32 *written, u32 *bad)
{
    u32 lo, hi;
    str_window(c, &lo, &hi);
    *written = *bad = 0;
    for (u32 a = lo; a != hi; a++) {
        if (peek(a))
            (*written)++;
        if (peek(a) != str_expect(c, a, n))
            (*bad)++;
    }
}

static void str_check(const struct strcase *c)
{
    u32 sz = c->size, n_full = c->rep ? c->a.ecx : 1;
    u32 src = (c->fn == s_rep_movsb_fs ? sel_base(c->a.fs) : sel_base(c->a.ds)) + c->a.esi;
    u32 dst = sel_base(c->a.es) + c->a.edi;
    int writes = c->kind == MOVS || c->kind == STOS;
    int uses_esi = c->kind == MOVS || c->kind == LODS || c->kind == CMPS;
    int uses_edi = c->kind != LODS;
    fill();
    if (writes) {
        u32 lo, hi;
        str_window(c, &lo, &hi);
        for (u32 a = lo; a != hi; a++)
            *(volatile u8 *)a = 0;
    }
    if (c->kind == CMPS)                    /* equal strings: REPE runs on */
        for (u32 j = 0; j < n_full * sz; j++)
            *(volatile u8 *)(dst + j) = pat(src + j);
    sargs = c->a;
    restart_sreg = c->restart_sreg;
    restart_sel = c->restart_sel;
    arm();
    c->fn();
    restart_sreg = 0;

    begin(c->name);
    want_exc(c->vec, 0, c->at_name, c->at);
    u32 k = c->vec == NO_VEC ? n_full : c->k;
    u32 d = c->a.df ? 0 - k * sz : k * sz;
    u32 ecx = c->a.ecx, esi = c->a.esi, edi = c->a.edi, eax = c->a.eax;
    if (c->vec != NO_VEC) {
        limit_class();
        if (writes && !c->restart_sreg) {
            u32 wr, bad;
            str_mem(c, k, &wr, &bad);
            want_u("bytes", k * sz, wr);
            want_u("bad", 0, bad);
        }
    }
    if (c->vec != NO_VEC && exc_count) {
        /* At the fault: k elements done (vol. 2, REP: resumable state). */
        want_x("ecx", c->rep ? ecx - k : ecx, exc.ecx);
        if (uses_esi)
            want_x("esi", esi + d, exc.esi);
        if (uses_edi)
            want_x("edi", edi + d, exc.edi);
        if (c->kind == LODS)
            want_x("eax", k ? (eax & ~size_mask(sz)) | pat_le(src + (c->a.df ? 0 - (k - 1) * sz : (k - 1) * sz), sz)
                            : eax, exc.eax);
        if ((c->kind == SCAS || c->kind == CMPS) && k)
            want_u("zf", c->kind == CMPS, (exc.eflags >> 6) & 1);
        if (c->a.df)
            want_u("df", 1, (exc.eflags >> 10) & 1);
    }
    if (c->vec == NO_VEC || c->restart_sreg) {
        /* Ran to the end (after the restart): n_full elements. */
        u32 df = c->a.df ? 0 - n_full * sz : n_full * sz;
        if (c->restart_sreg)
            want_u("faults", 1, exc_count);
        want_x("ecx.end", c->rep ? 0 : ecx, sres[0]);
        if (uses_esi)
            want_x("esi.end", esi + df, sres[1]);
        if (uses_edi)
            want_x("edi.end", edi + df, sres[2]);
        if (c->kind == LODS)
            want_x("eax.end", (eax & ~size_mask(sz)) |
                                  pat_le(src + (c->a.df ? 0 - (n_full - 1) * sz : (n_full - 1) * sz), sz), sres[3]);
        if (writes) {
            u32 wr, bad;
            str_mem(c, n_full, &wr, &bad);
            want_u("bytes.end", n_full * sz, wr);
            want_u("bad.end", 0, bad);
        }
    }
    end();
}

#define NULLOFF ((u32)arena + 0x11000)

static const struct strcase str_cases[] = {
    /* name, routine, kind, size, rep, { df, fs, es, ecx, esi, edi, eax, ds }, vec, k, restart */
    { "rep-movsb.src-past-ds-limit", SF(s_rep_movsb), MOVS, 1, 1,
      { 0, KD, SEL_UP_B, 8, 0xffd, 0x10, 0, SEL_UP }, VEC_GP, 3, 0, 0 },
    { "rep-movsb.src-past-ds-limit.restart", SF(s_rep_movsb), MOVS, 1, 1,
      { 0, KD, SEL_UP_B, 8, 0xffd, 0x10, 0, SEL_UP }, VEC_GP, 3, 1, SEL_BIG },
    { "rep-movsb.dst-past-es-limit", SF(s_rep_movsb), MOVS, 1, 1,
      { 0, KD, SEL_UP_B, 6, 0x20, 0xffe, 0, SEL_BIG }, VEC_GP, 2, 0, 0 },
    { "rep-movsb.fs-src-past-fs-limit.null-ds", SF(s_rep_movsb_fs), MOVS, 1, 1,
      { 0, SEL_UP, SEL_UP_B, 5, 0xffe, 0x40, 0, 0 }, VEC_GP, 2, 0, 0 },
    { "rep-movsd.src-past-ds-limit", SF(s_rep_movsd), MOVS, 4, 1,
      { 0, KD, SEL_UP_B, 6, 0xff4, 0x80, 0, SEL_UP }, VEC_GP, 3, 0, 0 },
    { "rep-movsd.src-straddling-ds-limit", SF(s_rep_movsd), MOVS, 4, 1,
      { 0, KD, SEL_UP_B, 6, 0xff6, 0x80, 0, SEL_UP }, VEC_GP, 2, 0, 0 },
    { "std.rep-movsd.src-below-expand-down-limit", SF(s_rep_movsd), MOVS, 4, 1,
      { 1, KD, SEL_UP_B, 5, 0x1008, 0x200, 0, SEL_DN32 }, VEC_GP, 3, 0, 0 },
    { "std.rep-movsd.src-straddling-expand-down-limit", SF(s_rep_movsd), MOVS, 4, 1,
      { 1, KD, SEL_UP_B, 5, 0x1006, 0x200, 0, SEL_DN32 }, VEC_GP, 2, 0, 0 },
    { "rep-stosb.dst-past-es-limit", SF(s_rep_stosb), STOS, 1, 1,
      { 0, KD, SEL_UP_B, 10, 0, 0xffa, 0x7e, KD }, VEC_GP, 6, 0, 0 },
    { "rep-stosd.dst-past-es-limit", SF(s_rep_stosd), STOS, 4, 1,
      { 0, KD, SEL_UP_B, 8, 0, 0xff0, 0x7e6d5c4b, KD }, VEC_GP, 4, 0, 0 },
    { "rep-stosd.dst-past-es-limit.restart", SF(s_rep_stosd), STOS, 4, 1,
      { 0, KD, SEL_UP_B, 8, 0, 0xff0, 0x7e6d5c4b, KD }, VEC_GP, 4, 2, SEL_BIG_B },
    { "rep-stosd.dst-straddling-es-limit", SF(s_rep_stosd), STOS, 4, 1,
      { 0, KD, SEL_UP_B, 8, 0, 0xff2, 0x7e6d5c4b, KD }, VEC_GP, 3, 0, 0 },
    { "std.rep-stosb.dst-below-expand-down-limit", SF(s_rep_stosb), STOS, 1, 1,
      { 1, KD, SEL_DN32, 8, 0, 0x1003, 0x6b, KD }, VEC_GP, 4, 0, 0 },
    { "std.rep-stosd.dst-straddling-expand-down-limit", SF(s_rep_stosd), STOS, 4, 1,
      { 1, KD, SEL_DN32, 8, 0, 0x1005, 0x5a4b3c2d, KD }, VEC_GP, 2, 0, 0 },
    { "rep-stosb.ecx0.dst-past-es-limit", SF(s_rep_stosb), STOS, 1, 1,
      { 0, KD, SEL_UP_B, 0, 0, 0x1000, 0x55, KD }, NO_VEC, 0, 0, 0 },
    { "rep-movsb.ecx0.src-past-ds-limit", SF(s_rep_movsb), MOVS, 1, 1,
      { 0, KD, SEL_UP_B, 0, 0x2000, 0x10, 0, SEL_UP }, NO_VEC, 0, 0, 0 },
    { "lodsb.last-byte-in-ds-limit", SF(s_lodsb), LODS, 1, 0,
      { 0, KD, KD, 0x77, 0xfff, 0, 0x12345678, SEL_UP }, NO_VEC, 0, 0, 0 },
    { "lodsb.past-ds-limit", SF(s_lodsb), LODS, 1, 0,
      { 0, KD, KD, 0x77, 0x1000, 0, 0x12345678, SEL_UP }, VEC_GP, 0, 0, 0 },
    { "rep-lodsd.past-ds-limit", SF(s_rep_lodsd), LODS, 4, 1,
      { 0, KD, KD, 4, 0xff8, 0, 0x12345678, SEL_UP }, VEC_GP, 2, 0, 0 },
    { "repne-scasb.past-es-limit", SF(s_repne_scasb), SCAS, 1, 1,
      { 0, KD, SEL_UP_B, 10, 0, 0xffc, 0, KD }, VEC_GP, 4, 0, 0 },
    { "repe-cmpsb.src-past-ds-limit", SF(s_repe_cmpsb), CMPS, 1, 1,
      { 0, KD, SEL_UP_B, 10, 0xffc, 0x300, 0, SEL_UP }, VEC_GP, 4, 0, 0 },
    { "repe-cmpsb.dst-past-es-limit", SF(s_repe_cmpsb), CMPS, 1, 1,
      { 0, KD, SEL_UP_B, 10, 0x400, 0xffe, 0, SEL_BIG }, VEC_GP, 2, 0, 0 },
};

void run_string_checks(void)
{
    for (u32 i = 0; i < sizeof str_cases / sizeof str_cases[0]; i++)
        str_check(&str_cases[i]);
}

/* ---------------- 5: null selectors ---------------- */

static const struct strcase null_str_cases[] = {
    { "null.movsb.ds", SF(s_movsb), MOVS, 1, 0,
      { 0, KD, SEL_UP_B, 0x33, NULLOFF, 0x10, 0, 0 }, VEC_GP, 0, 0, 0 },
    { "null.stosb.es", SF(s_stosb), STOS, 1, 0,
      { 0, KD, 0, 0x33, 0, NULLOFF, 0x42, KD }, VEC_GP, 0, 0, 0 },
};

void run_null_checks(void)
{
    fill();
    off_sym = "arena";
    off_base = (u32)arena;
    /* Loading a null selector (0-3) into DS..GS is no fault; using it is
     * #GP(0) (vol. 3A 3.4.2, 5.4.1). Offsets are linear addresses in the
     * arena, for CPUs that do not check. */
    static const u32 nulls[] = { 0, 3 };
    for (u32 i = 0; i < 2; i++) {
        arm();
        load_ds(nulls[i], 0, 0);
        begin("null.mov-ds-");
        name_hex(nulls[i]);
        want_exc(NO_VEC, 0, "at_load_ds", at_load_ds);
        end();
    }
    acc("null", 0, 0, DS_RD1, NULLOFF, VEC_GP);
    acc("null", 0, 0, DS_WR4, NULLOFF, VEC_GP);
    acc("null-rpl3", 3, 0, DS_RD4, NULLOFF, VEC_GP);
    acc("null", 0, 0, ES_RD4, NULLOFF, VEC_GP);
    acc("null", 0, 0, FS_RD1, NULLOFF, VEC_GP);
    acc("null", 0, 0, GS_WR4, NULLOFF, VEC_GP);
    acc("null", 0, 0, DS_EBP_RD4, NULLOFF, NO_VEC);       /* [EBP]: SS, not DS */
    acc("null", 0, 0, DS_RD4_XD, NULLOFF, VEC_GP);        /* FS expand-down */
    off_sym = 0;
    for (u32 i = 0; i < sizeof null_str_cases / sizeof null_str_cases[0]; i++)
        str_check(&null_str_cases[i]);
}

/* ---------------- 6: read-only data and code segments ---------------- */

volatile u32 cs_probe = 0x5e6d7c8b;

static const struct strcase rights_str_cases[] = {
    { "ro.rep-stosb.es", SF(s_rep_stosb), STOS, 1, 1,
      { 0, KD, SEL_RO, 4, 0, 0x20, 0x42, KD }, VEC_GP, 0, 0, 0 },
    { "ro.stosb.es", SF(s_stosb), STOS, 1, 0,
      { 0, KD, SEL_RO, 0x33, 0, 0x20, 0x42, KD }, VEC_GP, 0, 0, 0 },
    { "ro.rep-movsb.es-dest", SF(s_rep_movsb), MOVS, 1, 1,
      { 0, KD, SEL_RO, 4, 0x400, 0x20, 0, SEL_BIG }, VEC_GP, 0, 0, 0 },
    { "code-r.rep-stosd.es", SF(s_rep_stosd), STOS, 4, 1,
      { 0, KD, SEL_CODE_R, 3, 0, 0x40, 0x11223344, KD }, VEC_GP, 0, 0, 0 },
    { "ro.repne-scasb.es", SF(s_repne_scasb), SCAS, 1, 1,
      { 0, KD, SEL_RO, 3, 0, 0x10, 0, KD }, NO_VEC, 0, 0, 0 },
    { "ro.rep-movsb.ds-source", SF(s_rep_movsb), MOVS, 1, 1,
      { 0, KD, SEL_UP_B, 4, 0x30, 0x100, 0, SEL_RO }, NO_VEC, 0, 0, 0 },
    { "code-r.rep-movsb.ds-source", SF(s_rep_movsb), MOVS, 1, 1,
      { 0, KD, SEL_UP_B, 4, 0x50, 0x180, 0, SEL_CODE_R }, NO_VEC, 0, 0, 0 },
};

void run_rights_checks(void)
{
    fill();
    /* Vol. 3A 5.4.1: writes to read-only data or to code segments, and
     * reads from execute-only code segments, are #GP(0). */
    acc("ro", SEL_RO, BASE_A, DS_RD4, 0x10, NO_VEC);
    acc("ro", SEL_RO, BASE_A, DS_WR1, 0x10, VEC_GP);
    acc("ro", SEL_RO, BASE_A, DS_WR4, 0x10, VEC_GP);
    acc("ro", SEL_RO, BASE_A, DS_RMW4, 0x10, VEC_GP);
    acc("ro", SEL_RO, BASE_A, ES_WR4, 0x10, VEC_GP);
    acc("ro", SEL_RO, BASE_A, DS_WR4_XD, 0x10, VEC_GP);
    acc("ro", SEL_RO, BASE_A, FS_RD1, 0xffff, NO_VEC);
    acc("ro", SEL_RO, BASE_A, FS_RD1, 0x10000, VEC_GP);
    acc("code-r", SEL_CODE_R, BASE_A, ES_RD4, 0x10, NO_VEC);
    acc("code-r", SEL_CODE_R, BASE_A, DS_RD4, 0x10, NO_VEC);
    acc("code-r", SEL_CODE_R, BASE_A, GS_RD1, 0xffff, NO_VEC);
    acc("code-r", SEL_CODE_R, BASE_A, ES_WR4, 0x10, VEC_GP);
    acc("code-r", SEL_CODE_R, BASE_A, DS_WR1, 0x10, VEC_GP);
    acc("code-r", SEL_CODE_R, BASE_A, ES_RD1, 0x10000, VEC_GP);
    for (u32 i = 0; i < sizeof rights_str_cases / sizeof rights_str_cases[0]; i++)
        str_check(&rights_str_cases[i]);

    /* Through CS: SEL_KCODE is readable, no code segment is writable. */
    u32 r;
    arm();
    r = cs_rd4(0, (u32)&cs_probe, 0);
    begin("cs.cs_rd4@cs_probe");
    want_exc(NO_VEC, 0, "at_cs_rd4", at_cs_rd4);
    want_x("val", 0x5e6d7c8b, r);
    end();

    arm();
    cs_wr4(0, (u32)&cs_probe, 0x0badc0de);
    begin("cs.cs_wr4@cs_probe");
    want_exc(VEC_GP, 0, "at_cs_wr4", at_cs_wr4);
    limit_class();
    want_x("mem", 0x5e6d7c8b, cs_probe);
    end();
    cs_probe = 0x5e6d7c8b;

    /* Running in the execute-only SEL_CODE_XO: DS reads work, CS reads
     * do not. */
    arm();
    r = xo_ds_rd4(0, (u32)&cs_probe, 0);
    begin("code-xo.xo_ds_rd4@cs_probe");
    want_exc(NO_VEC, 0, "at_xo_ds_rd4", at_xo_ds_rd4);
    want_x("val", 0x5e6d7c8b, r);
    end();

    arm();
    xo_cs_rd4(0, (u32)&cs_probe, 0);
    begin("code-xo.xo_cs_rd4@cs_probe");
    want_exc(VEC_GP, 0, "at_xo_cs_rd4", at_xo_cs_rd4);
    limit_class();
    if (exc_count)
        want_x("cs", SEL_CODE_XO, exc.cs);
    end();

    /* Segment loads (checked by QEMU too): execute-only code into DS is
     * #GP(selector), readable code is fine; MOV DS sets the accessed bit
     * in the descriptor (vol. 3A 3.4.5.1). */
    arm();
    load_ds(SEL_CODE_XO, 0, 0);
    begin("code-xo.mov-ds");
    want_exc(VEC_GP, SEL_CODE_XO, "at_load_ds", at_load_ds);
    end();

    arm();
    load_ds(SEL_CODE_R, 0, 0);
    begin("code-r.mov-ds");
    want_exc(NO_VEC, 0, "at_load_ds", at_load_ds);
    end();

    u8 before = gdt_access_byte(SEL_ACC);
    arm();
    load_ds(SEL_ACC, 0, 0);
    begin("accessed-bit.mov-ds");
    want_exc(NO_VEC, 0, "at_load_ds", at_load_ds);
    want_x("access.before", 0x92, before);
    want_x("access.after", 0x93, gdt_access_byte(SEL_ACC));
    end();
}
