/* Port I/O: in/out with an imm8 port and with DX, at 8, 16 and 32 bits;
 * ins/outs with and without rep, DF=0 and DF=1; an unclaimed port.
 *
 * The test device (test/sysinsn.test.ts; command line "dev"):
 *   0xe0-0xe3  scratch register, byte-addressed: an access of size s at
 *              port p reads/writes bytes p-0xe0 .. p-0xe0+s-1 (little endian)
 *   0xe4       FIFO: a write appends (size, value); a read pops the oldest
 *              entry and returns its value; an empty FIFO or a read whose
 *              size differs from the entry's returns 0xdeadbeef (masked)
 *              and counts an error
 *   0xe5       read: number of entries in the FIFO; write: empties it
 *   0xe6       read: errors so far (clears them)
 *   0xe7       read: 0xa5 (the device is there)
 * Port 0xe8 is claimed by nothing, in rewind86 as in QEMU's pc machine. */
#include "rt.h"
#include "multiboot.h"
#include "sysinsn.h"

#define DEV_SCRATCH 0xe0
#define DEV_FIFO    0xe4
#define DEV_COUNT   0xe5
#define DEV_ERRORS  0xe6
#define DEV_ID      0xe7
#define DEV_ID_VALUE 0xa5
#define UNCLAIMED   0xe8

/* imm8 forms: the port is an assembler constant. EAX keeps `pre` outside the
 * bytes the IN writes. */
#define IN_I(insn, reg, port, pre) ({ u32 v_ = (pre); \
    __asm__ volatile(insn " %1, %%" reg : "+a"(v_) : "i"(port)); v_; })
#define OUT_I(insn, reg, port, v) __asm__ volatile(insn " %%" reg ", %0" : : "i"(port), "a"((u32)(v)))
#define IN_D(insn, reg, port, pre) ({ u32 v_ = (pre); \
    __asm__ volatile(insn " %%dx, %%" reg : "+a"(v_) : "d"((u16)(port))); v_; })
#define OUT_D(insn, reg, port, v) __asm__ volatile(insn " %%" reg ", %%dx" : : "d"((u16)(port)), "a"((u32)(v)))

static int dev_begin(const char *name)
{
    if (!have_dev) {
        skip(name, "no test device (command line lacks \"dev\")");
        return 0;
    }
    begin(name);
    return 1;
}

static void fifo_drain(void)
{
    outb(DEV_COUNT, 0);
    (void)inb(DEV_ERRORS);
}

/* The same sequence through either port form. */
#define SCRATCH_SEQUENCE(IN, OUT)                                                           \
    do {                                                                                    \
        u32 v;                                                                              \
        OUT("outl", "eax", DEV_SCRATCH, 0x11223344u);                                       \
        v = IN("inl", "eax", DEV_SCRATCH, 0);                                               \
        expect(v == 0x11223344u, "inl after outl");                                         \
        v = IN("inb", "al", DEV_SCRATCH, 0xcafef00du);                                      \
        expect(v == 0xcafef044u, "inb 0xe0 (EAX bits 8-31 must stay)");                     \
        v = IN("inb", "al", DEV_SCRATCH + 3, 0xcafef00du);                                  \
        expect(v == 0xcafef011u, "inb 0xe3");                                               \
        v = IN("inw", "ax", DEV_SCRATCH + 1, 0xcafef00du);                                  \
        expect(v == 0xcafe2233u, "inw 0xe1 (EAX bits 16-31 must stay)");                    \
        OUT("outb", "al", DEV_SCRATCH + 2, 0x555555aau);                                    \
        v = IN("inl", "eax", DEV_SCRATCH, 0);                                               \
        expect(v == 0x11aa3344u, "outb 0xe2 (only AL goes out)");                           \
        OUT("outw", "ax", DEV_SCRATCH, 0x5555beefu);                                        \
        v = IN("inl", "eax", DEV_SCRATCH, 0);                                               \
        expect(v == 0x11aabeefu, "outw 0xe0 (only AX goes out)");                           \
        OUT("outw", "ax", DEV_SCRATCH + 2, 0x1234u);                                        \
        v = IN("inl", "eax", DEV_SCRATCH, 0);                                               \
        expect(v == 0x1234beefu, "outw 0xe2");                                              \
        show_x("scratch", v);                                                               \
    } while (0)

#define FIFO_SEQUENCE(IN, OUT)                                                              \
    do {                                                                                    \
        u32 a, b, c;                                                                        \
        fifo_drain();                                                                       \
        OUT("outb", "al", DEV_FIFO, 0xffffff81u);                                           \
        OUT("outw", "ax", DEV_FIFO, 0xffff8283u);                                           \
        OUT("outl", "eax", DEV_FIFO, 0x84858687u);                                          \
        expect(inb(DEV_COUNT) == 3, "FIFO does not hold 3 entries");                        \
        a = IN("inb", "al", DEV_FIFO, 0x12345678u);                                         \
        b = IN("inw", "ax", DEV_FIFO, 0x12345678u);                                         \
        c = IN("inl", "eax", DEV_FIFO, 0x12345678u);                                        \
        expect(a == 0x12345681u, "inb");                                                    \
        expect(b == 0x12348283u, "inw");                                                    \
        expect(c == 0x84858687u, "inl");                                                    \
        expect(inb(DEV_COUNT) == 0, "FIFO not empty");                                      \
        expect(inb(DEV_ERRORS) == 0, "the device saw a size mismatch");                     \
    } while (0)

/* ---------------- ins / outs ---------------- */

static void do_outs(u16 port, int size, int rep, int df, u32 *ecx, u32 *esi)
{
    u32 c = *ecx, s = *esi;
#define OUTS(text) __asm__ volatile(text : "+c"(c), "+S"(s) : "d"(port) : "memory", "cc")
    switch (size | rep << 3 | df << 4) {
    case 1: OUTS("outsb"); break;
    case 2: OUTS("outsw"); break;
    case 4: OUTS("outsl"); break;
    case 1 | 8: OUTS("rep outsb"); break;
    case 2 | 8: OUTS("rep outsw"); break;
    case 4 | 8: OUTS("rep outsl"); break;
    case 1 | 16: OUTS("std; outsb; cld"); break;
    case 2 | 16: OUTS("std; outsw; cld"); break;
    case 4 | 16: OUTS("std; outsl; cld"); break;
    case 1 | 8 | 16: OUTS("std; rep outsb; cld"); break;
    case 2 | 8 | 16: OUTS("std; rep outsw; cld"); break;
    case 4 | 8 | 16: OUTS("std; rep outsl; cld"); break;
    }
#undef OUTS
    *ecx = c;
    *esi = s;
}

static void do_ins(u16 port, int size, int rep, int df, u32 *ecx, u32 *edi)
{
    u32 c = *ecx, d = *edi;
#define INS(text) __asm__ volatile(text : "+c"(c), "+D"(d) : "d"(port) : "memory", "cc")
    switch (size | rep << 3 | df << 4) {
    case 1: INS("insb"); break;
    case 2: INS("insw"); break;
    case 4: INS("insl"); break;
    case 1 | 8: INS("rep insb"); break;
    case 2 | 8: INS("rep insw"); break;
    case 4 | 8: INS("rep insl"); break;
    case 1 | 16: INS("std; insb; cld"); break;
    case 2 | 16: INS("std; insw; cld"); break;
    case 4 | 16: INS("std; insl; cld"); break;
    case 1 | 8 | 16: INS("std; rep insb; cld"); break;
    case 2 | 8 | 16: INS("std; rep insw; cld"); break;
    case 4 | 8 | 16: INS("std; rep insl; cld"); break;
    }
#undef INS
    *ecx = c;
    *edi = d;
}

static u8 io_src[32];
static u8 io_dst[40];                   /* 4 guard bytes, up to 32 bytes, 4 guard bytes */

static u32 elem(const u8 *p, int size)
{
    return size == 1 ? p[0] : size == 2 ? (u32)(p[0] | p[1] << 8) : (u32)(p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24);
}

/* OUTS (DF=df) into the FIFO; the elements come back, with plain IN, in the
 * order the OUTS sent them. Then the elements go into the FIFO in order with
 * plain OUT and INS (DF=df) stores them. ECX, ESI, EDI and the guards around
 * the destination are checked after each. Without rep, ECX must not change. */
static void string_io(const char *name, int size, int rep, int df)
{
    if (!dev_begin(name))
        return;
    int n = rep ? 5 : 1;
    u32 bytes = (u32)(n * size);
    for (int i = 0; i < 32; i++)
        io_src[i] = (u8)(0x31 + 7 * i);
    for (int i = 0; i < 40; i++)
        io_dst[i] = 0xee;
    fifo_drain();

    u32 ecx0 = rep ? (u32)n : 0x55aa55aau, ecx = ecx0;
    u32 esi0 = df ? (u32)&io_src[bytes - size] : (u32)io_src, esi = esi0;
    do_outs(DEV_FIFO, size, rep, df, &ecx, &esi);
    expect(ecx == (rep ? 0 : ecx0), "ECX after outs");
    expect(esi == (df ? esi0 - bytes : esi0 + bytes), "ESI after outs");
    expect(inb(DEV_COUNT) == n, "outs: wrong number of FIFO entries");
    int order_ok = 1;
    for (int k = 0; k < n; k++) {
        int i = df ? n - 1 - k : k;
        u32 want = elem(&io_src[i * size], size);
        u32 got = size == 1 ? inb(DEV_FIFO) : size == 2 ? inw(DEV_FIFO) : inl(DEV_FIFO);
        if (got != want)
            order_ok = 0;
    }
    expect(order_ok, "outs sent the wrong data or order");

    for (int k = 0; k < n; k++) {
        u32 v = elem(&io_src[k * size], size);
        if (size == 1)
            outb(DEV_FIFO, (u8)v);
        else if (size == 2)
            outw(DEV_FIFO, (u16)v);
        else
            outl(DEV_FIFO, v);
    }
    u8 *dst = &io_dst[4];
    ecx = ecx0;
    u32 edi0 = df ? (u32)&dst[bytes - size] : (u32)dst, edi = edi0;
    do_ins(DEV_FIFO, size, rep, df, &ecx, &edi);
    expect(ecx == (rep ? 0 : ecx0), "ECX after ins");
    expect(edi == (df ? edi0 - bytes : edi0 + bytes), "EDI after ins");
    int data_ok = 1;
    for (int k = 0; k < n; k++) {
        int at = df ? n - 1 - k : k;            /* the k-th element received */
        if (elem(&dst[at * size], size) != elem(&io_src[k * size], size))
            data_ok = 0;
    }
    expect(data_ok, "ins stored the wrong data or order");
    int guards_ok = 1;
    for (int i = 0; i < 4; i++)
        if (io_dst[i] != 0xee || dst[bytes + i] != 0xee)
            guards_ok = 0;
    expect(guards_ok, "ins wrote outside the destination");
    expect(inb(DEV_COUNT) == 0, "FIFO not empty after ins");
    expect(inb(DEV_ERRORS) == 0, "the device saw an access of the wrong size");
    show_u("n", (u32)n);
    end();
}

static void string_io_zero_count(void);

void run_io_cases(void)
{
    if (dev_begin(CASE("test device answers (port 0xe7 = 0xa5)"))) {
        u8 id = inb(DEV_ID);
        show_x("id", id);
        expect(id == DEV_ID_VALUE, "wrong ID: is the device registered at 0xe0-0xe7?");
        end();
    }
    if (dev_begin(CASE("in/out imm8 port, 8/16/32-bit (scratch register)"))) {
        SCRATCH_SEQUENCE(IN_I, OUT_I);
        end();
    }
    if (dev_begin(CASE("in/out DX port, 8/16/32-bit (scratch register)"))) {
        SCRATCH_SEQUENCE(IN_D, OUT_D);
        end();
    }
    if (dev_begin(CASE("in/out imm8 port, 8/16/32-bit (FIFO)"))) {
        FIFO_SEQUENCE(IN_I, OUT_I);
        end();
    }
    if (dev_begin(CASE("in/out DX port, 8/16/32-bit (FIFO)"))) {
        FIFO_SEQUENCE(IN_D, OUT_D);
        end();
    }
    string_io(CASE("outsb/insb, DF=0"), 1, 0, 0);
    string_io(CASE("outsw/insw, DF=0"), 2, 0, 0);
    string_io(CASE("outsd/insd, DF=0"), 4, 0, 0);
    string_io(CASE("outsb/insb, DF=1"), 1, 0, 1);
    string_io(CASE("outsw/insw, DF=1"), 2, 0, 1);
    string_io(CASE("outsd/insd, DF=1"), 4, 0, 1);
    string_io(CASE("rep outsb/insb, DF=0"), 1, 1, 0);
    string_io(CASE("rep outsw/insw, DF=0"), 2, 1, 0);
    string_io(CASE("rep outsd/insd, DF=0"), 4, 1, 0);
    string_io(CASE("rep outsb/insb, DF=1"), 1, 1, 1);
    string_io(CASE("rep outsw/insw, DF=1"), 2, 1, 1);
    string_io(CASE("rep outsd/insd, DF=1"), 4, 1, 1);

    begin(CASE("in/out unclaimed port 0xe8: reads all ones"));
    {
        u32 b = IN_I("inb", "al", UNCLAIMED, 0x12345600u);
        u32 w = IN_I("inw", "ax", UNCLAIMED, 0x12340000u);
        u32 l = IN_I("inl", "eax", UNCLAIMED, 0);
        expect(b == 0x123456ffu, "inb imm8");
        expect(w == 0x1234ffffu, "inw imm8");
        expect(l == 0xffffffffu, "inl imm8");
        OUT_I("outb", "al", UNCLAIMED, 0);
        OUT_I("outw", "ax", UNCLAIMED, 0);
        OUT_I("outl", "eax", UNCLAIMED, 0);
        OUT_D("outb", "al", UNCLAIMED, 0);
        OUT_D("outw", "ax", UNCLAIMED, 0);
        OUT_D("outl", "eax", UNCLAIMED, 0);
        b = IN_D("inb", "al", UNCLAIMED, 0x12345600u);
        w = IN_D("inw", "ax", UNCLAIMED, 0x12340000u);
        l = IN_D("inl", "eax", UNCLAIMED, 0);
        expect(b == 0x123456ffu, "inb dx");
        expect(w == 0x1234ffffu, "inw dx");
        expect(l == 0xffffffffu, "inl dx (after writes of 0)");
        show_x("inl", l);
    }
    end();

    /* The string forms on the unclaimed port need no device: rep ins stores
     * all ones, and ECX/ESI/EDI move as with the device. */
    begin(CASE("rep ins/outs on the unclaimed port, 1/2/4 bytes, DF=0/1: all ones; ECX, ESI, EDI"));
    {
        int regs_ok = 1, data_ok = 1;
        for (int size = 1; size <= 4; size *= 2) {
            for (int df = 0; df < 2; df++) {
                u32 bytes = 3u * size;
                for (int i = 0; i < 40; i++)
                    io_dst[i] = 0x5a;
                u8 *dst = &io_dst[4];
                u32 ecx = 3, edi0 = df ? (u32)&dst[bytes - size] : (u32)dst, edi = edi0;
                do_ins(UNCLAIMED, size, 1, df, &ecx, &edi);
                if (ecx != 0 || edi != (df ? edi0 - bytes : edi0 + bytes))
                    regs_ok = 0;
                for (int i = 0; i < 40; i++)
                    if (io_dst[i] != (i >= 4 && (u32)i < 4 + bytes ? 0xff : 0x5a))
                        data_ok = 0;
                ecx = 3;
                u32 esi0 = df ? (u32)&io_src[bytes - size] : (u32)io_src, esi = esi0;
                do_outs(UNCLAIMED, size, 1, df, &ecx, &esi);
                if (ecx != 0 || esi != (df ? esi0 - bytes : esi0 + bytes))
                    regs_ok = 0;
            }
        }
        expect(regs_ok, "ECX, ESI or EDI after rep ins/outs");
        expect(data_ok, "rep ins did not store exactly 3 elements of all ones");
    }
    end();

    string_io_zero_count();
}

static void string_io_zero_count(void)
{
    if (!dev_begin(CASE("rep insb/outsb with ECX=0: no access")))
        return;
    fifo_drain();
    outb(DEV_FIFO, 0x42);
    u32 ecx = 0, esi = (u32)io_src, edi = (u32)io_dst;
    io_dst[0] = 0xee;
    do_ins(DEV_FIFO, 1, 1, 0, &ecx, &edi);
    expect(ecx == 0 && edi == (u32)io_dst, "rep insb moved ECX/EDI");
    expect(io_dst[0] == 0xee, "rep insb stored a byte");
    do_outs(DEV_FIFO, 1, 1, 0, &ecx, &esi);
    expect(ecx == 0 && esi == (u32)io_src, "rep outsb moved ECX/ESI");
    expect(inb(DEV_COUNT) == 1, "the FIFO was read or written");
    fifo_drain();
    end();
}
