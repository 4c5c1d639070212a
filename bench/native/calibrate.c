/*
 * Host calibration for `npm run bench`: what ordering instructions cost on the machine that
 * runs the bench, printed beside the timing model's figures. Built at bench time with the
 * system compiler into a temporary directory (never committed as a binary).
 *
 * x86-64: LOCK XADD, XCHG, LOCK CMPXCHG, MFENCE, and the pairs "LOCK ADD; MFENCE" and
 *         "MOV store; MFENCE".
 * AArch64: DMB ISH, LDAR, LDAPR (if the CPU has RCpc), STLR, "STLR; LDAR", an LDAXR/STLXR
 *         increment, LDADDAL (if the CPU has LSE), "LDADDAL; DMB ISH".
 *
 * Every operation runs on a variable private to this thread (uncontended), 8 per loop
 * iteration; the best of several runs is kept. Core cycles are estimated from a chain of
 * dependent adds (one cycle each on every core these targets model), so the figures do not
 * depend on knowing the clock frequency. Output: one line per operation,
 *   <name>\t<ns per op>\t<cycles per op>
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#if defined(__aarch64__)
#include <sys/auxv.h>
#endif

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static uint64_t cell[16] __attribute__((aligned(64)));

typedef void (*loop_fn)(long n);

/* Best time per operation (8 operations per iteration) over `runs` runs. */
static double best_ns(loop_fn f, long n, int runs) {
    double best = 1e30;
    for (int r = 0; r < runs; r++) {
        double t0 = now_ns();
        f(n);
        double t = (now_ns() - t0) / (8.0 * (double)n);
        if (t < best) best = t;
    }
    return best;
}

#define X8(s) s s s s s s s s

#if defined(__x86_64__)

static void add_chain(long n) {
    uint64_t x = 0;
    for (long i = 0; i < n; i++) __asm__ volatile(X8("add $1, %0\n\t") : "+r"(x));
    cell[1] = x;
}
static void lock_xadd(long n) {
    for (long i = 0; i < n; i++) {
        uint64_t v = 1;
        __asm__ volatile(X8("lock xaddq %0, %1\n\t") : "+r"(v), "+m"(cell[0]) : : "memory");
    }
}
static void xchg_mem(long n) {
    for (long i = 0; i < n; i++) {
        uint64_t v = 1;
        __asm__ volatile(X8("xchgq %0, %1\n\t") : "+r"(v), "+m"(cell[0]) : : "memory");
    }
}
static void lock_cmpxchg(long n) {
    for (long i = 0; i < n; i++) {
        uint64_t v = 1;
        __asm__ volatile(X8("movq %1, %%rax\n\tlock cmpxchgq %0, %1\n\t") : "+r"(v), "+m"(cell[0]) : : "rax", "memory", "cc");
    }
}
static void mfence(long n) {
    for (long i = 0; i < n; i++) __asm__ volatile(X8("mfence\n\t") : : : "memory");
}
static void lock_add_mfence(long n) {
    for (long i = 0; i < n; i++) __asm__ volatile(X8("lock addq $1, %0\n\tmfence\n\t") : "+m"(cell[0]) : : "memory", "cc");
}
static void store_mfence(long n) {
    for (long i = 0; i < n; i++) __asm__ volatile(X8("movq $1, %0\n\tmfence\n\t") : "=m"(cell[0]) : : "memory");
}

int main(void) {
    const long n = 200000;
    double cyc = best_ns(add_chain, 4 * n, 5); /* ns per cycle */
    printf("arch\tx86-64\n");
    printf("cycle\t%.4f\t1\n", cyc);
    struct { const char *name; loop_fn f; } ops[] = {
        { "LOCK XADD", lock_xadd },
        { "XCHG m,r", xchg_mem },
        { "LOCK CMPXCHG", lock_cmpxchg },
        { "MFENCE", mfence },
        { "LOCK ADD; MFENCE", lock_add_mfence },
        { "MOV store; MFENCE", store_mfence },
    };
    for (unsigned i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        double t = best_ns(ops[i].f, n, 5);
        printf("%s\t%.3f\t%.1f\n", ops[i].name, t, t / cyc);
    }
    return 0;
}

#elif defined(__aarch64__)

#ifndef HWCAP_ATOMICS
#define HWCAP_ATOMICS (1 << 8)
#endif
#ifndef HWCAP_LRCPC
#define HWCAP_LRCPC (1 << 15)
#endif

static void add_chain(long n) {
    uint64_t x = 0;
    for (long i = 0; i < n; i++) __asm__ volatile(X8("add %0, %0, #1\n\t") : "+r"(x));
    cell[1] = x;
}
static void dmb_ish(long n) {
    for (long i = 0; i < n; i++) __asm__ volatile(X8("dmb ish\n\t") : : : "memory");
}
static void ldar(long n) {
    uint64_t v;
    for (long i = 0; i < n; i++) __asm__ volatile(X8("ldar %0, [%1]\n\t") : "=&r"(v) : "r"(&cell[0]) : "memory");
}
static void ldapr(long n) {
    uint64_t v;
    for (long i = 0; i < n; i++) __asm__ volatile(".arch armv8.3-a\n\t" X8("ldapr %0, [%1]\n\t") : "=&r"(v) : "r"(&cell[0]) : "memory");
}
static void stlr(long n) {
    for (long i = 0; i < n; i++) __asm__ volatile(X8("stlr %0, [%1]\n\t") : : "r"((uint64_t)i), "r"(&cell[0]) : "memory");
}
static void stlr_ldar(long n) {
    uint64_t v;
    for (long i = 0; i < n; i++) __asm__ volatile(X8("stlr %1, [%2]\n\tldar %0, [%3]\n\t") : "=&r"(v) : "r"((uint64_t)i), "r"(&cell[0]), "r"(&cell[8]) : "memory");
}
static void llsc_inc(long n) {
    uint64_t v, s;
    for (long i = 0; i < n; i++)
        __asm__ volatile(X8("1: ldaxr %0, [%2]\n\tadd %0, %0, #1\n\tstlxr %w1, %0, [%2]\n\tcbnz %w1, 1b\n\t") : "=&r"(v), "=&r"(s) : "r"(&cell[0]) : "memory");
}
static void ldaddal(long n) {
    uint64_t v;
    for (long i = 0; i < n; i++) __asm__ volatile(".arch armv8.1-a\n\t" X8("ldaddal %1, %0, [%2]\n\t") : "=&r"(v) : "r"((uint64_t)1), "r"(&cell[0]) : "memory");
}
static void ldaddal_dmb(long n) {
    uint64_t v;
    for (long i = 0; i < n; i++) __asm__ volatile(".arch armv8.1-a\n\t" X8("ldaddal %1, %0, [%2]\n\tdmb ish\n\t") : "=&r"(v) : "r"((uint64_t)1), "r"(&cell[0]) : "memory");
}

int main(void) {
    const long n = 200000;
    unsigned long hw = getauxval(AT_HWCAP);
    double cyc = best_ns(add_chain, 4 * n, 5);
    printf("arch\taarch64\n");
    printf("cycle\t%.4f\t1\n", cyc);
    struct { const char *name; loop_fn f; unsigned long need; } ops[] = {
        { "DMB ISH", dmb_ish, 0 },
        { "LDAR", ldar, 0 },
        { "LDAPR", ldapr, HWCAP_LRCPC },
        { "STLR", stlr, 0 },
        { "STLR; LDAR", stlr_ldar, 0 },
        { "LDAXR/STLXR increment", llsc_inc, 0 },
        { "LDADDAL", ldaddal, HWCAP_ATOMICS },
        { "LDADDAL; DMB ISH", ldaddal_dmb, HWCAP_ATOMICS },
    };
    for (unsigned i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        if (ops[i].need && !(hw & ops[i].need)) {
            printf("%s\tunsupported\tunsupported\n", ops[i].name);
            continue;
        }
        double t = best_ns(ops[i].f, n, 5);
        printf("%s\t%.3f\t%.1f\n", ops[i].name, t, t / cyc);
    }
    return 0;
}

#else
int main(void) {
    printf("arch\tunsupported\n");
    return 0;
}
#endif
