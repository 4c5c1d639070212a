/*
 * Seqlock in C11 as Hans Boehm gives it ("Can seqlocks get along with programming language
 * memory models?", MSPC 2012): the data are relaxed atomics; the writer makes the sequence odd
 * (relaxed store), issues a release fence, writes the data, and makes the sequence even with a
 * store-release; a reader loads the sequence with acquire, reads the data, issues an acquire
 * fence and re-reads the sequence (relaxed); it retries while the sequence was odd or changed.
 * One writer (main) writes ITERS versions of a pair (v, v * 3); two readers each take READS
 * snapshots.
 * Invariant (asserted): every accepted snapshot is a pair the writer wrote (b == 3 * a), and a
 * reader's snapshots never go back in time.
 *
 * hangar-variant: BROKEN_NO_READ_FENCE  the reader's acquire fence is dropped: the re-read of
 *   the sequence may be satisfied before the data loads, so a torn pair is accepted (assert on
 *   AArch64). On x86-64 an acquire fence emits nothing and loads are ordered: still correct as
 *   compiled there.
 */
#include "corpus.h"

#ifndef ITERS
#define ITERS 4
#endif
#ifndef READS
#define READS 3
#endif

static atomic_uint seq;
static atomic_int data_a, data_b;

static void write_pair(int v)
{
    unsigned s = atomic_load_explicit(&seq, memory_order_relaxed); /* single writer */
    atomic_store_explicit(&seq, s + 1, memory_order_relaxed);
    atomic_thread_fence(memory_order_release);
    atomic_store_explicit(&data_a, v, memory_order_relaxed);
    atomic_store_explicit(&data_b, 3 * v, memory_order_relaxed);
    atomic_store_explicit(&seq, s + 2, memory_order_release);
}

static void read_pair(int *a, int *b)
{
    unsigned s1, s2;
    do {
        s1 = atomic_load_explicit(&seq, memory_order_acquire);
        *a = atomic_load_explicit(&data_a, memory_order_relaxed);
        *b = atomic_load_explicit(&data_b, memory_order_relaxed);
#ifndef BROKEN_NO_READ_FENCE
        atomic_thread_fence(memory_order_acquire);
#endif
        s2 = atomic_load_explicit(&seq, memory_order_relaxed);
    } while ((s1 & 1) || s1 != s2);
}

static void *reader(void *arg)
{
    (void)arg;
    int last = 0;
    for (int i = 0; i < READS; i++) {
        int a, b;
        read_pair(&a, &b);
        assert(b == 3 * a);
        assert(a >= last);
        last = a;
    }
    return NULL;
}

int main(void)
{
    pthread_t t1 = spawn(reader, NULL);
    pthread_t t2 = spawn(reader, NULL);
    for (int v = 1; v <= ITERS; v++)
        write_pair(v);
    join(t1);
    join(t2);
    return 0;
}
