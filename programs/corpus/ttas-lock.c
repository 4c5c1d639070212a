/*
 * Test-and-test-and-set spinlock: spin on a relaxed load until the lock looks free, then try
 * an acquire exchange; unlock = store-release of 0. Two threads and main each enter the
 * critical section ITERS times and update two shared words that must stay equal.
 * Invariant (asserted): inside the critical section a == b (each owner writes both), and no
 * update is lost (a == 3 * ITERS at the end).
 *
 * hangar-variant: BROKEN_RELAXED_LOCK  the exchange that takes the lock is relaxed (the
 *   acquire is dropped): the critical section's loads may be satisfied before the lock is
 *   taken, from before the previous owner's release, so a stale a or b is seen (assert on
 *   AArch64). On x86-64 the exchange is a LOCK'd XCHG, a full barrier, so it is still correct
 *   as compiled there.
 */
#include "corpus.h"

#ifndef ITERS
#define ITERS 3
#endif

#ifdef BROKEN_RELAXED_LOCK
#define LOCK_ORDER memory_order_relaxed
#else
#define LOCK_ORDER memory_order_acquire
#endif

static atomic_bool locked;
static int a, b; /* protected by locked */

static void ttas_lock(atomic_bool *l)
{
    for (;;) {
        while (atomic_load_explicit(l, memory_order_relaxed))
            cpu_relax();
        if (!atomic_exchange_explicit(l, true, LOCK_ORDER))
            return;
    }
}

static void ttas_unlock(atomic_bool *l)
{
    atomic_store_explicit(l, false, memory_order_release);
}

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < ITERS; i++) {
        ttas_lock(&locked);
        int x = a, y = b;
        assert(x == y);
        a = x + 1;
        b = y + 1;
        ttas_unlock(&locked);
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
    assert(a == 3 * ITERS && b == 3 * ITERS);
    return 0;
}
