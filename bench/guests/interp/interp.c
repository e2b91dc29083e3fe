/* interp: a small stack-machine bytecode interpreter (a switch dispatched
 * through a jump table: one indirect branch per virtual instruction) running
 * a program that sums the Collatz trajectory lengths of 1..LIMIT-1 and
 * tracks the longest one. Exercises indirect jumps, which a translator
 * cannot chain statically.
 * Prints "BENCH interp checksum=<hex>" then "BENCH done"; exits 0 (1 on a
 * bad opcode). */
#include "rt.h"
#include "../paging.h"

#define LIMIT 17500

enum op {
    HALT, PUSH, LOAD, STORE, ADD, SUB, MUL, AND, SHR1, LT, EQ,
    JZ, JNZ, JMP, DUP, DROP, INC, GT,
};

/* locals */
enum { N_, X_, STEPS, TOTAL, BEST, BEST_N, LIM };

/* The program, assembled by code so that jump targets are computed. */
static u32 code[256];
static u32 pc_emit;

static void emit(u32 w) { code[pc_emit++] = w; }
static u32 here(void) { return pc_emit; }
static u32 emit_jump(u32 op) { emit(op); emit(0); return pc_emit - 1; }
static void patch(u32 at, u32 target) { code[at] = target; }

static void assemble(void)
{
    /* n = 1 */
    emit(PUSH); emit(1); emit(STORE); emit(N_);
    u32 loop_n = here();
    /* while (n < lim) */
    emit(LOAD); emit(N_); emit(LOAD); emit(LIM); emit(LT);
    u32 to_end = emit_jump(JZ);
    /* x = n; steps = 0 */
    emit(LOAD); emit(N_); emit(STORE); emit(X_);
    emit(PUSH); emit(0); emit(STORE); emit(STEPS);
    u32 loop_x = here();
    /* while (x != 1) */
    emit(LOAD); emit(X_); emit(PUSH); emit(1); emit(EQ);
    u32 to_done = emit_jump(JNZ);
    /* if (x & 1) x = 3x + 1; else x >>= 1 */
    emit(LOAD); emit(X_); emit(PUSH); emit(1); emit(AND);
    u32 to_even = emit_jump(JZ);
    emit(LOAD); emit(X_); emit(DUP); emit(DUP); emit(ADD); emit(ADD); emit(PUSH); emit(1); emit(ADD);
    emit(STORE); emit(X_);
    u32 to_cont = emit_jump(JMP);
    patch(to_even, here());
    emit(LOAD); emit(X_); emit(SHR1); emit(STORE); emit(X_);
    patch(to_cont, here());
    /* steps++ */
    emit(INC); emit(STEPS);
    emit(JMP); emit(loop_x);
    patch(to_done, here());
    /* total += steps; if (steps > best) { best = steps; best_n = n } */
    emit(LOAD); emit(TOTAL); emit(LOAD); emit(STEPS); emit(ADD); emit(STORE); emit(TOTAL);
    emit(LOAD); emit(STEPS); emit(LOAD); emit(BEST); emit(GT);
    u32 to_next = emit_jump(JZ);
    emit(LOAD); emit(STEPS); emit(STORE); emit(BEST);
    emit(LOAD); emit(N_); emit(STORE); emit(BEST_N);
    patch(to_next, here());
    emit(INC); emit(N_);
    emit(JMP); emit(loop_n);
    patch(to_end, here());
    emit(HALT);
}

static u32 locals[8];
static u32 stack[64];
static u32 ops_executed;

static int run(const u32 *prog)
{
    u32 pc = 0, sp = 0, ops = 0;
    for (;;) {
        u32 op = prog[pc++];
        ops++;
        switch (op) {
        case HALT: ops_executed = ops; return 0;
        case PUSH: stack[sp++] = prog[pc++]; break;
        case LOAD: stack[sp++] = locals[prog[pc++]]; break;
        case STORE: locals[prog[pc++]] = stack[--sp]; break;
        case ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
        case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case AND: sp--; stack[sp - 1] &= stack[sp]; break;
        case SHR1: stack[sp - 1] >>= 1; break;
        case LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
        case GT: sp--; stack[sp - 1] = stack[sp - 1] > stack[sp]; break;
        case EQ: sp--; stack[sp - 1] = stack[sp - 1] == stack[sp]; break;
        case JZ: if (!stack[--sp]) pc = prog[pc]; else pc++; break;
        case JNZ: if (stack[--sp]) pc = prog[pc]; else pc++; break;
        case JMP: pc = prog[pc]; break;
        case DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case DROP: sp--; break;
        case INC: locals[prog[pc++]]++; break;
        default:
            rt_printf("BENCH interp: bad opcode %u at %u\n", op, pc - 1);
            return 1;
        }
    }
}

int main(void)
{
    (void)bench_paging(rt_cmdline()); /* "paging=32" or "paging=pae": the same loops with paging on */
    assemble();
    locals[LIM] = LIMIT;
    if (run(code))
        return 1;
    u32 sum = locals[TOTAL] * 2654435761u ^ (locals[BEST] << 16) ^ locals[BEST_N] ^ ops_executed;
    rt_printf("BENCH interp checksum=%08x\n", sum);
    rt_puts("BENCH done\n");
    return 0;
}
