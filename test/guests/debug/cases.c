/* The checks of the debug guest, in the order they run. Each runs a
 * snippet of snippets.S through run_db (debug.c), which arms the #DB
 * handler and the debug registers, then compares the #DBs logged (saved
 * EIP and EFLAGS, DR6) and the snippet's results with the Intel SDM,
 * vol. 3B chapter 17, one line per check. */
#include "rt.h"
#include "debug.h"

#define FIXED DR6_FIXED

struct want_db { const char *sym; const void *addr; };
#define W(x) { #x, x }

static const char *const db_keys[] = { "db1", "db2", "db3", "db4", "db5", "db6", "db7", "db8" };
static const char *const dr6_keys[] = { "dr6.1", "dr6.2", "dr6.3", "dr6.4", "dr6.5", "dr6.6", "dr6.7", "dr6.8" };

/* Exactly n #DBs, at the given EIPs, each with DR6 = dr6. */
static void want_dbs(const struct want_db *w, u32 n, u32 dr6)
{
    want_u("dbs", n, db_n);
    for (u32 i = 0; i < n; i++)
        want_sym(db_keys[i], w[i].sym, (u32)w[i].addr, i < db_n ? db_log[i].eip : 0);
    if (db_n > n && n < DB_MAX)                /* where the first extra one was */
        want_no_addr("extra", w[n - 1].sym, (u32)w[n - 1].addr, db_log[n].eip);
    u32 got = dr6;
    for (u32 i = 0; i < n && i < db_n; i++)
        if (db_log[i].dr6 != dr6) {
            got = db_log[i].dr6;
            break;
        }
    want_x("dr6", dr6, got);
}

/* No #DB at all; an unexpected one is shown relative to a label of the
 * snippet. */
static void want_no_db(const char *sym, const void *after)
{
    want_u("dbs", 0, db_n);
    if (db_n > 0)
        want_no_addr("extra", sym, (u32)after, db_log[0].eip);
}
#define WANT_NO_DB(x) want_no_db(#x, x)

/* TF in the saved EFLAGS of the first n #DBs: TF if all had it, else 0. */
static u32 saved_tf_all(u32 n)
{
    for (u32 i = 0; i < n && i < db_n && i < DB_MAX; i++)
        if (!(db_log[i].eflags & EFLAGS_TF))
            return 0;
    return EFLAGS_TF;
}

static const struct db_mode MODE_PLAIN = { 0, 0, 0, 0 };

/* ---------------- the registers (17.2; reset values: vol. 3A 9.1.1, table 9-1) ---------------- */

void run_register_checks(void)
{
    u32 d0 = READ_DR(0), d1 = READ_DR(1), d2 = READ_DR(2), d3 = READ_DR(3);
    u32 d6 = READ_DR(6), d7 = READ_DR(7);
    begin("dr-reset-values");
    want_x("dr0", 0, d0);
    want_x("dr1", 0, d1);
    want_x("dr2", 0, d2);
    want_x("dr3", 0, d3);
    want_x("dr6", FIXED, d6);
    want_x("dr7", DR7_FIXED, d7);
    end();

    /* DR0-DR3 hold any linear address; DR6 reads its reserved bits as 1
     * (bit 12 as 0), DR7 its bit 10 as 1 (17.2.3, 17.2.4). */
    WRITE_DR(7, 0);
    WRITE_DR(0, 0x12345678);
    WRITE_DR(1, 0x9abcdef0);
    WRITE_DR(2, 0x00000001);
    WRITE_DR(3, 0xfffffffe);
    d0 = READ_DR(0), d1 = READ_DR(1), d2 = READ_DR(2), d3 = READ_DR(3);
    WRITE_DR(6, 0);
    d6 = READ_DR(6);
    d7 = READ_DR(7);
    begin("dr-readback");
    want_x("dr0", 0x12345678, d0);
    want_x("dr1", 0x9abcdef0, d1);
    want_x("dr2", 0x00000001, d2);
    want_x("dr3", 0xfffffffe, d3);
    want_x("dr6<-0", FIXED, d6);
    want_x("dr7<-0", DR7_FIXED, d7);
    WRITE_DR(6, 0xf);
    want_x("dr6<-0xf", FIXED | 0xf, READ_DR(6));
    WRITE_DR(7, DR7_RW(1, RW_WRITE) | DR7_LEN(1, LEN_4));
    want_x("dr7<-0xd00000", DR7_FIXED | 0x00d00000, READ_DR(7));
    end();

    WRITE_DR(7, 0);
    WRITE_DR(6, 0);
    WRITE_DR(0, 0);
    WRITE_DR(1, 0);
    WRITE_DR(2, 0);
    WRITE_DR(3, 0);
}

/* ---------------- single-step (17.3.1.4) ---------------- */

void run_single_step_checks(void)
{
    struct db_mode m = MODE_PLAIN;

    /* POPF sets TF: no trap after the POPF; then a trap after each of the
     * five instructions, EIP = the next one, DR6.BS; the handler runs with
     * TF clear and clears TF in the frame at ss_end. */
    m.stop_eip = (u32)ss_end;
    run_db(tf_straight, &m, 0, 0);
    {
        static const struct want_db w[] = { W(ss_2), W(ss_3), W(ss_4), W(ss_5), W(ss_end) };
        begin("tf-step-straight-5");
        want_dbs(w, 5, FIXED | DR6_BS);
        want_x("saved-tf", EFLAGS_TF, saved_tf_all(5));
        want_x("handler-tf", 0, db_handler_eflags & EFLAGS_TF);
        want_x("eax", 6, sres[0]);
        want_x("edx", 0x5a, sres[1]);
        want_x("tf-after", 0, read_eflags() & EFLAGS_TF);
        end();
    }

    /* A POPF that clears TF began with TF set: it traps after itself
     * (EIP = pc_3, saved TF clear), and nothing after that. */
    m.stop_eip = 0;
    run_db(tf_popf_clear, &m, 0, 0);
    {
        static const struct want_db w[] = { W(pc_2), W(pc_3) };
        begin("tf-popf-clearing-tf-traps-after-itself");
        want_dbs(w, 2, FIXED | DR6_BS);
        want_x("saved-tf.1", EFLAGS_TF, db_log[0].eflags & EFLAGS_TF);
        want_x("saved-tf.2", 0, db_log[1].eflags & EFLAGS_TF);
        want_x("tf-after", 0, read_eflags() & EFLAGS_TF);
        end();
    }

    /* Stepping onto INT n: INT n clears TF (vol. 3A 6.12.1.2; vol. 3B
     * 17.3.1.4: "INT n ... clear this flag"), so the handler is not
     * stepped and no #DB reports its address; its IRET sets TF again, and
     * as for any IRET that sets TF the next trap comes after the
     * instruction following it (vol. 3A 2.3, TF). */
    for (u32 i = 0; i < 8; i++)
        i30res[i] = 0;
    m.stop_eip = (u32)in_5;
    run_db(tf_int, &m, 0, 0);
    {
        begin("tf-int-handler-runs-without-tf");
        want_u("calls", 1, i30res[4]);
        want_x("handler-tf", 0, i30res[0] & EFLAGS_TF);
        want_x("saved-tf", EFLAGS_TF, i30res[1] & EFLAGS_TF);
        want_u("dbs-before-handler", 1, i30res[2]);
        want_u("dbs-in-handler", 0, i30res[3] - i30res[2]);
        end();

        static const struct want_db w[] = { W(in_2), W(in_4), W(in_5) };
        u32 at_handler = 0;
        for (u32 i = 0; i < db_n && i < DB_MAX; i++)
            if (db_log[i].eip >= (u32)int30_handler && db_log[i].eip < (u32)int30_handler + 64)
                at_handler++;
        begin("tf-int-db-sequence");
        want_dbs(w, 3, FIXED | DR6_BS);
        want_u("at-handler", 0, at_handler);
        want_x("saved-tf", EFLAGS_TF, saved_tf_all(3));
        end();
    }

    /* MOV SS / POP SS hold the trap for one instruction (vol. 3A 6.8.3):
     * no #DB with EIP after the MOV, one after the next instruction. */
    m.stop_eip = (u32)ms_5;
    run_db(tf_movss, &m, 0, 0);
    {
        static const struct want_db w[] = { W(ms_2), W(ms_4), W(ms_5) };
        begin("tf-mov-ss-delays-trap");
        want_dbs(w, 3, FIXED | DR6_BS);
        end();
    }
    m.stop_eip = (u32)ps_5;
    run_db(tf_popss, &m, 0, 0);
    {
        static const struct want_db w[] = { W(ps_2), W(ps_4), W(ps_5) };
        begin("tf-pop-ss-delays-trap");
        want_dbs(w, 3, FIXED | DR6_BS);
        end();
    }
}

/* ---------------- instruction breakpoints (17.3.1.1) ---------------- */

void run_insn_breakpoint_checks(void)
{
    struct db_mode m = MODE_PLAIN;
    u32 dr7 = DR7_L(0) | DR7_RW(0, RW_EXEC) | DR7_LEN(0, LEN_1);

    /* A fault: saved EIP = the instruction, DR6.B0; with RF set in the
     * frame it runs once, without a second #DB. */
    m.set_rf = 1;
    u32 dr[4] = { (u32)ib_target, 0, 0, 0 };
    run_db(ibp_once, &m, dr7, dr);
    {
        static const struct want_db w[] = { W(ib_target) };
        begin("ibp-fault-then-rf-runs-once");
        want_dbs(w, 1, FIXED | DR6_B0);
        want_x("saved-tf", 0, db_log[0].eflags & EFLAGS_TF);
        want_x("eax", 1, sres[0]);
        end();
    }

    /* RF lasts one instruction: every later pass hits again. */
    dr[0] = (u32)il_target;
    run_db(ibp_loop, &m, dr7, dr);
    {
        static const struct want_db w[] = { W(il_target), W(il_target), W(il_target) };
        begin("ibp-loop-3-hits");
        want_dbs(w, 3, FIXED | DR6_B0);
        want_x("eax", 3, sres[0]);
        end();
    }
}

/* ---------------- data breakpoints (17.2.4, 17.2.5, 17.3.1.2) ---------------- */

void run_data_breakpoint_checks(void)
{
    struct db_mode m = MODE_PLAIN;
    u32 dr7w = DR7_L(1) | DR7_RW(1, RW_WRITE) | DR7_LEN(1, LEN_4);
    u32 dr[4] = { 0, (u32)WVAR, 0, 0 };
    m.probe = WVAR;

    /* A write: a trap after the instruction, the new value in memory. */
    *WVAR = 0;
    run_db(dw_write, &m, dr7w, dr);
    {
        static const struct want_db w[] = { W(dw_write_after) };
        begin("dbp-write-dword-traps-after");
        want_dbs(w, 1, FIXED | DR6_B1);
        want_x("value-at-db", 0x11111111, db_log[0].probe);
        end();
    }

    *WVAR = 0x600dbeef;
    run_db(dw_read, &m, dr7w, dr);
    begin("dbp-write-only-read-no-db");
    WANT_NO_DB(dw_read_after);
    want_x("eax", 0x600dbeef, sres[0]);
    end();

    watch[3] = watch[5] = 0;
    run_db(dw_neighbours, &m, dr7w, dr);
    begin("dbp-write-neighbour-dwords-no-db");
    WANT_NO_DB(dw_neighbours_after);
    want_x("next", 0x22222222, watch[5]);
    want_x("prev", 0x33333333, watch[3]);
    end();

    /* Any byte of the access inside the range counts (17.2.5). */
    *WVAR = 0x11111111;
    run_db(dw_byte1, &m, dr7w, dr);
    {
        static const struct want_db w[] = { W(dw_byte1_after) };
        begin("dbp-write-byte-1-of-dword");
        want_dbs(w, 1, FIXED | DR6_B1);
        want_x("value-at-db", 0x1111ab11, db_log[0].probe);
        end();
    }

    *WVAR = 0x41;
    run_db(dw_rmw, &m, dr7w, dr);
    {
        static const struct want_db w[] = { W(dw_rmw_after) };
        begin("dbp-write-read-modify-write");
        want_dbs(w, 1, FIXED | DR6_B1);
        want_x("value-at-db", 0x42, db_log[0].probe);
        end();
    }

    *WVAR = 0;
    watch[5] = 0;
    run_db(dw_straddle, &m, dr7w, dr);
    {
        static const struct want_db w[] = { W(dw_straddle_after) };
        begin("dbp-write-word-straddling-last-byte");
        want_dbs(w, 1, FIXED | DR6_B1);
        want_x("value-at-db", 0xef000000, db_log[0].probe);
        want_x("next", 0xcd, watch[5]);
        end();
    }

    /* G1 enables as L1 does. */
    *WVAR = 0;
    run_db(dw_write, &m, DR7_G(1) | DR7_RW(1, RW_WRITE) | DR7_LEN(1, LEN_4), dr);
    {
        static const struct want_db w[] = { W(dw_write_after) };
        begin("dbp-write-enabled-by-g1");
        want_dbs(w, 1, FIXED | DR6_B1);
        end();
    }

    /* DR2: read or write, 2 bytes at RWVAR (2-byte aligned, 17.2.5). No
     * probe: reading the word in the handler would hit again. */
    m.probe = 0;
    u32 dr7rw = DR7_L(2) | DR7_RW(2, RW_ACCESS) | DR7_LEN(2, LEN_2);
    u32 drrw[4] = { 0, 0, RWVAR, 0 };
    watch[9] = 0xa1b2c3d4;
    run_db(rw_read_word, &m, dr7rw, drrw);
    {
        static const struct want_db w[] = { W(rw_read_word_after) };
        begin("dbp-rw-read-word");
        want_dbs(w, 1, FIXED | DR6_B2);
        want_x("ax", 0xa1b2, sres[0]);
        end();
    }

    run_db(rw_write_byte, &m, dr7rw, drrw);
    {
        static const struct want_db w[] = { W(rw_write_byte_after) };
        begin("dbp-rw-write-byte-1-of-word");
        want_dbs(w, 1, FIXED | DR6_B2);
        want_x("after", 0x5cb2c3d4, watch[9]);
        end();
    }

    run_db(rw_read_dword, &m, dr7rw, drrw);
    {
        static const struct want_db w[] = { W(rw_read_dword_after) };
        begin("dbp-rw-read-dword-covering-word");
        want_dbs(w, 1, FIXED | DR6_B2);
        want_x("eax", 0x5cb2c3d4, sres[0]);
        end();
    }

    watch[9] = 0;
    watch[10] = 0;
    run_db(rw_outside, &m, dr7rw, drrw);
    begin("dbp-rw-bytes-outside-word-no-db");
    WANT_NO_DB(rw_outside_after);
    want_x("below", 0x5600, watch[9]);
    want_x("above", 0x1234, watch[10]);
    end();
}

/* ---------------- DR6 (17.2.3) ---------------- */

void run_dr6_checks(void)
{
    struct db_mode m = MODE_PLAIN;
    u32 dr7both = DR7_L(1) | DR7_RW(1, RW_WRITE) | DR7_LEN(1, LEN_4) | DR7_L(2) | DR7_RW(2, RW_ACCESS) |
                  DR7_LEN(2, LEN_2);
    u32 dr[4] = { 0, (u32)WVAR, RWVAR, 0 };

    /* Two breakpoints armed: B<n> only for the one that hit. */
    run_db(dw_write, &m, dr7both, dr);
    {
        static const struct want_db w[] = { W(dw_write_after) };
        begin("dr6-b1-only-for-dr1-hit");
        want_dbs(w, 1, FIXED | DR6_B1);
        end();
    }
    run_db(rw_read_word, &m, dr7both, dr);
    {
        static const struct want_db w[] = { W(rw_read_word_after) };
        begin("dr6-b2-only-for-dr2-hit");
        want_dbs(w, 1, FIXED | DR6_B2);
        end();
    }

    /* The processor never clears BS: a single step, then (TF cleared) a
     * DR1 hit with DR6 left alone reports BS|B1; with the handler clearing
     * DR6 in between, B1 alone. */
    u32 dr7w = DR7_L(1) | DR7_RW(1, RW_WRITE) | DR7_LEN(1, LEN_4);
    m.stop_eip = (u32)st_2;
    m.keep_dr6 = 1;
    run_db(dr6_sticky, &m, dr7w, dr);
    begin("dr6-bs-kept-when-not-cleared");
    want_u("dbs", 2, db_n);
    want_sym("db1", "st_2", (u32)st_2, db_log[0].eip);
    want_sym("db2", "st_3", (u32)st_3, db_log[1].eip);
    want_x(dr6_keys[0], FIXED | DR6_BS, db_log[0].dr6);
    want_x(dr6_keys[1], FIXED | DR6_BS | DR6_B1, db_log[1].dr6);
    end();

    m.keep_dr6 = 0;
    run_db(dr6_sticky, &m, dr7w, dr);
    begin("dr6-cleared-by-handler");
    want_u("dbs", 2, db_n);
    want_sym("db1", "st_2", (u32)st_2, db_log[0].eip);
    want_sym("db2", "st_3", (u32)st_3, db_log[1].eip);
    want_x(dr6_keys[0], FIXED | DR6_BS, db_log[0].dr6);
    want_x(dr6_keys[1], FIXED | DR6_B1, db_log[1].dr6);
    end();
}

/* ---------------- DR7 enables (17.2.4) ---------------- */

void run_disabled_checks(void)
{
    struct db_mode m = MODE_PLAIN;
    m.set_rf = 1;
    /* Addresses, R/W and LEN set, L0/G0 and L1/G1 clear. */
    u32 dr7 = DR7_RW(0, RW_EXEC) | DR7_LEN(0, LEN_1) | DR7_RW(1, RW_WRITE) | DR7_LEN(1, LEN_4);
    u32 dr[4] = { (u32)dis_target, (u32)WVAR, 0, 0 };
    *WVAR = 0;
    run_db(disabled, &m, dr7, dr);
    begin("dr7-disabled-no-db");
    WANT_NO_DB(dis_target);
    want_x("eax", 1, sres[0]);
    want_x("value", 0x55555555, *WVAR);
    end();
}

/* ---------------- DR4 and DR5 (17.2.2) ---------------- */

void run_dr4_dr5_checks(void)
{
    u32 a, b, c, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1));
    u32 cr4 = read_cr4();
    write_cr4(cr4 & ~CR4_DE);

    /* CR4.DE = 0: DR4 and DR5 are DR6 and DR7, for reads and writes. */
    WRITE_DR(6, 0xf);
    WRITE_DR(7, DR7_RW(1, RW_WRITE) | DR7_LEN(1, LEN_4));
    u32 r4 = READ_DR(4), r5 = READ_DR(5);
    WRITE_DR(4, DR6_B1);
    WRITE_DR(5, DR7_RW(3, RW_ACCESS) | DR7_LEN(3, LEN_2));
    u32 r6 = READ_DR(6), r7 = READ_DR(7);
    begin("dr4-dr5-alias-dr6-dr7-de0");
    want_x("cpuid.de", 1u << 2, d & (1u << 2));
    want_x("dr4", FIXED | 0xf, r4);
    want_x("dr5", DR7_FIXED | 0x00d00000, r5);
    want_x("dr6<-dr4", FIXED | DR6_B1, r6);
    want_x("dr7<-dr5", DR7_FIXED | 0x70000000, r7);
    end();
    WRITE_DR(7, 0);
    WRITE_DR(6, 0);

    /* CR4.DE = 1: any reference to DR4 or DR5 is #UD (a fault). */
    write_cr4(cr4 | CR4_DE);
    expect_exc(ud_dr4_read_after);
    ud_dr4_read();
    expect_none();
    begin("dr4-read-de1-ud");
    want_vec(VEC_UD, exc_vec);
    want_sym("eip", "ud_dr4_read_at", (u32)ud_dr4_read_at, exc_eip);
    end();

    expect_exc(ud_dr5_write_after);
    ud_dr5_write();
    expect_none();
    u32 r7de = READ_DR(7);
    write_cr4(cr4 & ~CR4_DE);
    begin("dr5-write-de1-ud");
    want_vec(VEC_UD, exc_vec);
    want_sym("eip", "ud_dr5_write_at", (u32)ud_dr5_write_at, exc_eip);
    want_x("dr7", DR7_FIXED, r7de);
    end();
}

void run_stray_check(void)
{
    begin("no-stray-db");
    want_u("stray", 0, db_stray);
    end();
}
