/*
 * Test-and-set spinlock: lock = exchange(1) with acquire until it returns 0; unlock = store 0
 * with release. Two threads and main each enter the critical section ITERS times and do a
 * non-atomic read-modify-write of a shared counter inside it.
 * Invariant (asserted): one thread inside at a time (`inside` is 1 inside), and no update of
 * the counter is lost (counter == 3 * ITERS at the end).
 *
 * hangar-variant: BROKEN_RELAXED_UNLOCK  the unlock is a relaxed store instead of a release:
 *   the critical section's store of the counter may become visible after the lock is seen
 *   free, so the next owner reads a stale counter and an update is lost (assert on AArch64).
 *   On x86-64 every store is a release, so the variant is still correct as compiled there.
 */
#include "corpus.h"

#ifndef ITERS
#define ITERS 3
#endif

#ifdef BROKEN_RELAXED_UNLOCK
#define UNLOCK_ORDER memory_order_relaxed
#else
#define UNLOCK_ORDER memory_order_release
#endif

static atomic_int lock;
static int counter; /* protected by lock */
static int inside;  /* protected by lock */

static void tas_lock(atomic_int *l)
{
    while (atomic_exchange_explicit(l, 1, memory_order_acquire))
        cpu_relax();
}

static void tas_unlock(atomic_int *l)
{
    atomic_store_explicit(l, 0, UNLOCK_ORDER);
}

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < ITERS; i++) {
        tas_lock(&lock);
        assert(++inside == 1);
        counter = counter + 1;
        inside--;
        tas_unlock(&lock);
    }
    return NULL;
}

int main(void)
{
    pthread_t a = spawn(worker, NULL);
    pthread_t b = spawn(worker, NULL);
    worker(NULL);
    join(a);
    join(b);
    assert(counter == 3 * ITERS);
    return 0;
}
