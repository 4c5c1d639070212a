/*
 * MCS queue lock (Mellor-Crummey and Scott, "Algorithms for scalable synchronization on
 * shared-memory multiprocessors", ACM TOCS 1991) in C11: each thread enqueues its own node
 * with an acq_rel exchange on the tail, links itself behind its predecessor (release store of
 * prev->next) and spins on its own node's `locked` (acquire); the owner hands the lock to its
 * successor with a release store of next->locked = 0, or swings the tail back to NULL with a
 * compare-exchange when it has none. Two threads and main take it ITERS times each.
 * Invariant (asserted): mutual exclusion (`inside` is 1 in the critical section) and no lost
 * update of the counter.
 *
 * hangar-variant: BROKEN_RELAXED_HANDOFF  the hand-off store next->locked = 0 is relaxed: the
 *   successor may enter before it sees the critical section's writes (assert on AArch64).
 *   Still correct as compiled on x86-64.
 */
#include "corpus.h"

#ifndef ITERS
#define ITERS 3
#endif

#ifdef BROKEN_RELAXED_HANDOFF
#define HANDOFF_ORDER memory_order_relaxed
#else
#define HANDOFF_ORDER memory_order_release
#endif

typedef struct McsNode {
    _Atomic(struct McsNode *) next;
    atomic_int locked;
} McsNode;

static _Atomic(McsNode *) tail;
static int counter, inside; /* protected by the lock */

static void mcs_lock(McsNode *me)
{
    atomic_store_explicit(&me->next, NULL, memory_order_relaxed);
    atomic_store_explicit(&me->locked, 1, memory_order_relaxed);
    McsNode *prev = atomic_exchange_explicit(&tail, me, memory_order_acq_rel);
    if (prev) {
        atomic_store_explicit(&prev->next, me, memory_order_release);
        while (atomic_load_explicit(&me->locked, memory_order_acquire))
            cpu_relax();
    }
}

static void mcs_unlock(McsNode *me)
{
    McsNode *next = atomic_load_explicit(&me->next, memory_order_acquire);
    if (!next) {
        McsNode *expected = me;
        if (atomic_compare_exchange_strong_explicit(&tail, &expected, NULL,
                                                    memory_order_release, memory_order_relaxed))
            return;
        while (!(next = atomic_load_explicit(&me->next, memory_order_acquire)))
            cpu_relax();
    }
    atomic_store_explicit(&next->locked, 0, HANDOFF_ORDER);
}

static void *worker(void *arg)
{
    (void)arg;
    McsNode node; /* on this thread's stack, as MCS intends */
    for (int i = 0; i < ITERS; i++) {
        mcs_lock(&node);
        assert(++inside == 1);
        counter++;
        inside--;
        mcs_unlock(&node);
    }
    return NULL;
}

int main(void)
{
    pthread_t t1 = spawn(worker, NULL);
    pthread_t t2 = spawn(worker, NULL);
    worker(NULL);
    join(t1);
    join(t2);
    assert(counter == 3 * ITERS);
    return 0;
}
